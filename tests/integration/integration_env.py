"""Where the integration tests find things, and one delivered message as the tests see
it: the SMTP reply, the queue the message sits in, its header after the milter's changes,
our Authentication-Results field parsed, and the milter's log line for it.

Paths come from the source tree (this file's location); the daemon from $DMARC_MILTER
(CMake passes the built target).
"""

import dataclasses
import os
import re

import auth_results
import verdict_log

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.path.dirname(os.path.dirname(HERE))
DATA_DIR = os.path.join(SOURCE_DIR, "tests", "data", "integration")
ZONES_DIR = os.path.join(DATA_DIR, "zones")
KEYS_DIR = os.path.join(DATA_DIR, "keys")
RESPONDER_PY = os.path.join(SOURCE_DIR, "tests", "dns", "responder.py")
README = os.path.join(SOURCE_DIR, "README.md")


def milter_binary():
    return os.environ.get("DMARC_MILTER", "")


@dataclasses.dataclass
class Delivery:
    reply: object                 # smtp_client.SmtpReply
    queue_name: str | None        # hold / incoming / active / deferred; None: not queued
    headers: object | None        # email.message.Message of the queued header
    ours: list                    # parsed A-R fields claiming our authserv-id
    others: list                  # parsed A-R fields of other authserv-ids
    log: verdict_log.LogEntry | None
    context: str                  # transcript and logs, for failure messages

    def field(self, name):
        return self.headers.get_all(name, []) if self.headers is not None else []

    def our_ar(self):
        """Our one Authentication-Results field; AssertionError unless exactly one."""
        if len(self.ours) != 1:
            raise AssertionError(f"expected one Authentication-Results field of ours, found "
                                 f"{len(self.ours)}\n{self.context}")
        return self.ours[0]


_LOG_ID = re.compile(r"(\S+): (?=[a-z_]+=|skip |error )")


def same_authserv_id(a, b):
    return a.lower().rstrip(".") == b.lower().rstrip(".")


def collect(reply, postfix, milter, *, authserv_id, client_ip):
    """Everything the tests assert about one sent message. The log line is found by the
    queue id when Postfix queued the message, else by the (per-scenario unique) client
    address, so rejected and deferred messages have their line too."""
    queue_name = headers = None
    ours, others = [], []
    if reply.queue_id:
        queue_name = postfix.queue_name(reply.queue_id)
        headers = postfix.headers(reply.queue_id)
        for value in headers.get_all("Authentication-Results", []):
            parsed = auth_results.parse(value)
            (ours if same_authserv_id(parsed.authserv_id, authserv_id) else others).append(parsed)
    marker = f"{reply.queue_id}: " if reply.queue_id else f"ip={client_ip}"
    log_text = milter.wait_for_log(marker)
    context = (f"--- reply: {reply}\n--- swaks:\n{reply.transcript}\n--- milter log:\n{log_text}\n"
               f"--- postfix log:\n{postfix.log()}")
    if reply.queue_id:
        entry = verdict_log.find(log_text, reply.queue_id)
    else:
        lines = [line for line in log_text.splitlines() if f"ip={client_ip}" in line.split()]
        entry = None
        if len(lines) == 1:
            # "… info: QID: from=…" / "… NOQUEUE: skip reason=…": the id before the fields.
            match = _LOG_ID.search(lines[0])
            entry = verdict_log.parse_line(lines[0], match.group(1)) if match else None
    return Delivery(reply, queue_name, headers, ours, others, entry, context)
