"""Process and socket helpers for the integration harness: free loopback ports, waiting
for a TCP listener without connecting to it, stopping a child by PID (SIGTERM, then
SIGKILL), and reading a log file for a failure message.

Single-threaded use from the test process; every server it helps start is stopped by
the PID it got at start, never by name.
"""

import os
import signal
import socket
import subprocess
import time


class HarnessError(Exception):
    """A server of the harness could not start or misbehaved; the message says why."""


def free_port(*, ipv6_too=True):
    """A TCP port free on 127.0.0.1 (and on ::1 when ipv6_too), chosen by the kernel."""
    for _ in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as four:
            four.bind(("127.0.0.1", 0))
            port = four.getsockname()[1]
            if not ipv6_too:
                return port
            try:
                with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as six:
                    six.bind(("::1", port))
                    return port
            except OSError:
                continue
    raise HarnessError("no TCP port is free on both 127.0.0.1 and ::1")


def port_in_use(port, host="127.0.0.1"):
    """True when something already holds `port` on `host` (TCP)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host, port))
        except OSError:
            return True
    return False


def _listening_ports():
    """Local TCP ports in LISTEN state in this network namespace (/proc/net/tcp{,6})."""
    ports = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table, encoding="ascii") as rows:
                next(rows)
                for row in rows:
                    fields = row.split()
                    if fields[3] == "0A":  # TCP_LISTEN
                        ports.add(int(fields[1].rsplit(":", 1)[1], 16))
        except FileNotFoundError:
            continue
    return ports


def wait_listening(port, *, process=None, timeout=10.0, what="server", log_path=None):
    """Returns once a socket listens on TCP `port`; raises with the log when `process`
    exits first or `timeout` passes. Connecting would be a session for a milter, so the
    kernel's socket table is read instead."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if port in _listening_ports():
            return
        if process is not None and process.poll() is not None:
            raise HarnessError(f"{what} exited with status {process.returncode} before listening on "
                               f"port {port}:\n{read_text(log_path)}")
        time.sleep(0.02)
    raise HarnessError(f"{what} did not listen on port {port} within {timeout:.0f}s:\n{read_text(log_path)}")


def stop_process(process, *, grace=5.0):
    """SIGTERM to the child, SIGKILL after `grace` seconds; reaps it and returns its exit
    status (negative: the signal that ended it; None without a process). Safe to call twice."""
    if process is None:
        return None
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return process.returncode


def stop_pid(pid, *, grace=5.0):
    """Like stop_process for a process we did not spawn directly (Postfix's master, which
    daemonises): SIGTERM, wait for it to vanish, SIGKILL after `grace` seconds."""
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def read_text(path, *, tail=60):
    """The last `tail` lines of a log file, for failure messages ("" when absent)."""
    if not path:
        return ""
    try:
        with open(path, encoding="utf-8", errors="replace") as text:
            lines = text.readlines()
    except FileNotFoundError:
        return f"({path} does not exist)"
    return "".join(lines[-tail:])
