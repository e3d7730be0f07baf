"""The built dmarc-milter under test: a configuration file written from settings, the
daemon started in the foreground (-f -c CONF) with its stderr (the log: Syslog no) in a
file, stopped by PID.

Settings are the keys of conf/dmarc-milter.conf; values are written as given, so quote
values with spaces yourself.
"""

import os
import subprocess
import tempfile
import time

from processes import HarnessError, read_text, stop_process, wait_listening


class MilterDaemon:
    def __init__(self, binary, settings, *, port):
        if not binary or not os.access(binary, os.X_OK):
            raise HarnessError(f"dmarc-milter is not an executable: {binary!r} (set DMARC_MILTER)")
        self.binary = binary
        self.port = port
        self._dir = tempfile.TemporaryDirectory(prefix="dmarc-integration-milter-")
        self.config_path = os.path.join(self._dir.name, "dmarc-milter.conf")
        self.log_path = os.path.join(self._dir.name, "stderr.log")
        self.settings = dict(settings)
        self._process = None

    @property
    def socket(self):
        """For Postfix's smtpd_milters."""
        return f"inet:127.0.0.1:{self.port}"

    def start(self):
        with open(self.config_path, "w", encoding="utf-8") as conf:
            for key, value in self.settings.items():
                conf.write(f"{key} {value}\n")
        log = open(self.log_path, "wb")
        self._process = subprocess.Popen([self.binary, "-f", "-c", self.config_path],
                                         stdout=log, stderr=subprocess.STDOUT)
        log.close()
        wait_listening(self.port, process=self._process, what="dmarc-milter", log_path=self.log_path)
        return self

    def log(self):
        return read_text(self.log_path, tail=10_000)

    def wait_for_log(self, text, timeout=5.0):
        """The log once it contains `text` (the line for a message may be written a moment
        after Postfix answered); the whole log otherwise, for the assertion to show."""
        deadline = time.monotonic() + timeout
        while True:
            log = self.log()
            if text in log or time.monotonic() > deadline:
                return log
            time.sleep(0.02)

    def running(self):
        return self._process is not None and self._process.poll() is None

    # The harness stops the daemon only between messages: with none in flight the SIGTERM
    # drain has nothing to wait for, so a slow exit means a leaked in-flight count.
    STOP_LIMIT = 2.0

    def stop(self):
        """SIGTERM: the daemon drains and exits 0. Raises (after cleaning up) when it had
        died before, did not exit cleanly within 15 s, or took STOP_LIMIT s or more, with
        its log."""
        was_running = self.running()
        started = time.monotonic()
        status = stop_process(self._process, grace=15.0)
        took = time.monotonic() - started
        log = self.log()
        self._dir.cleanup()
        if self._process is not None and (not was_running or status != 0):
            how = "had died before" if not was_running else "did not exit cleanly on SIGTERM"
            raise HarnessError(f"dmarc-milter {how} (status {status}):\n{log[-4000:]}")
        if was_running and took >= self.STOP_LIMIT:
            raise HarnessError(f"dmarc-milter took {took:.1f}s to exit on SIGTERM with no message in flight "
                               f"(limit {self.STOP_LIMIT:.0f}s):\n{log[-4000:]}")
