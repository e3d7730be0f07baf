"""Reading the milter's one log line per message (lib/log/verdict_line.h, and the
"QID: skip reason=…" / "QID: error …" lines of lib/pipeline/message_plan.cpp) back into
fields, from the daemon's stderr.

    find(log_text, "3Zx1Kq4Hj") -> LogEntry(word=None, fields={"dmarc": ["pass"], "dkim": [...]})
"""

import dataclasses
import shlex


@dataclasses.dataclass
class LogEntry:
    line: str
    word: str | None   # "skip", "error", or None for a verdict line
    fields: dict       # key -> list of values, in line order (dkim= repeats)

    def get(self, key):
        """The only value of `key`; None when absent; AssertionError when repeated."""
        values = self.fields.get(key, [])
        if len(values) > 1:
            raise AssertionError(f"{key}= appears {len(values)} times in: {self.line}")
        return values[0] if values else None

    def all(self, key):
        return self.fields.get(key, [])


def parse_line(line, queue_id):
    rest = line.split(f"{queue_id}: ", 1)[1]
    words = shlex.split(rest, posix=True)
    entry = LogEntry(line, None, {})
    if words and "=" not in words[0]:
        entry.word = words.pop(0)
    for word in words:
        key, _, value = word.partition("=")
        entry.fields.setdefault(key, []).append(value)
    return entry


def find(log_text, queue_id):
    """The log entry for `queue_id`; AssertionError (with the log) unless exactly one."""
    lines = [line for line in log_text.splitlines() if f"{queue_id}: " in line]
    if len(lines) != 1:
        raise AssertionError(f"expected one log line for {queue_id}, found {len(lines)} in:\n{log_text}")
    return parse_line(lines[0], queue_id)
