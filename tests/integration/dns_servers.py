"""The name servers the milter under test asks: a real NSD serving
tests/data/integration/zones (configured as tests/dns/nsd_server.cpp does, rate limiting
off), and tests/dns/responder.py for what NSD cannot do (a name that never answers).

Each runs in the foreground as our child, on a free loopback port, and is stopped by PID.
"""

import os
import random
import socket
import struct
import subprocess
import tempfile
import time

from processes import HarnessError, free_port, read_text, stop_process

NSD = "/usr/sbin/nsd"
PYTHON = "/usr/bin/python3"  # Debian's interpreter: python3-yaml for responder.py


def _soa_query(zone, query_id):
    question = b"".join(bytes([len(label)]) + label.encode("ascii") for label in zone.split(".")) + b"\0"
    return struct.pack("!HHHHHH", query_id, 0x0100, 1, 0, 0, 0) + question + struct.pack("!HH", 6, 1)


def _soa_rcode(port, zone, wait=0.1):
    """NSD's rcode for the SOA of `zone` on 127.0.0.1:port, None when it is silent."""
    query_id = random.randrange(1, 0xFFFF)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(wait)
        sock.sendto(_soa_query(zone, query_id), ("127.0.0.1", port))
        try:
            reply = sock.recv(512)
        except (socket.timeout, ConnectionRefusedError):
            return None
    if len(reply) < 12 or struct.unpack("!H", reply[:2])[0] != query_id:
        return None
    return reply[3] & 0x0F


class Nsd:
    """NSD serving every <zone>.zone file of `zones_dir` on 127.0.0.1 and ::1."""

    def __init__(self, zones_dir):
        self.zones = sorted(name[:-5] for name in os.listdir(zones_dir) if name.endswith(".zone"))
        if not self.zones:
            raise HarnessError(f"no *.zone file in {zones_dir}")
        self._zones_dir = os.path.abspath(zones_dir)
        self._dir = tempfile.TemporaryDirectory(prefix="dmarc-integration-nsd-")
        self.port = None
        self._process = None

    @property
    def address(self):
        """For the milter's Nameservers setting."""
        return f"127.0.0.1:{self.port}"

    @property
    def log_path(self):
        return os.path.join(self._dir.name, "nsd.log")

    def _config(self):
        d = self._dir.name
        lines = ["server:",
                 f"    ip-address: 127.0.0.1@{self.port}",
                 f"    ip-address: ::1@{self.port}",
                 f"    port: {self.port}",
                 "    do-ip6: yes",
                 '    username: ""', '    chroot: ""', '    database: ""',
                 f'    zonesdir: "{d}"', f'    pidfile: "{d}/nsd.pid"', f'    xfrdfile: "{d}/xfrd.state"',
                 f'    xfrdir: "{d}"', f'    zonelistfile: "{d}/zone.list"', f'    logfile: "{self.log_path}"',
                 "    server-count: 1", "    tcp-count: 64", "    hide-version: yes",
                 # Debian builds NSD with response rate limiting: it would drop answers.
                 "    rrl-ratelimit: 0", "    rrl-whitelist-ratelimit: 0",
                 "remote-control:", "    control-enable: no"]
        for zone in self.zones:
            lines += ["zone:", f'    name: "{zone}"', f'    zonefile: "{self._zones_dir}/{zone}.zone"']
        return "\n".join(lines) + "\n"

    def start(self):
        """Returns once every zone's SOA answers NOERROR; raises with NSD's log otherwise."""
        failure = ""
        for _ in range(5):  # a port taken between choosing and binding: try another
            self.port = free_port()
            config = os.path.join(self._dir.name, "nsd.conf")
            with open(config, "w", encoding="ascii") as out:
                out.write(self._config())
            output = open(os.path.join(self._dir.name, "nsd.out"), "wb")
            self._process = subprocess.Popen([NSD, "-d", "-c", config], stdout=output, stderr=subprocess.STDOUT)
            output.close()
            deadline = time.monotonic() + 10
            while self._process.poll() is None and time.monotonic() < deadline:
                codes = [_soa_rcode(self.port, zone) for zone in self.zones]
                if all(code == 0 for code in codes):
                    return self
                refused = [zone for zone, code in zip(self.zones, codes) if code not in (None, 0)]
                if refused:
                    self.stop()
                    raise HarnessError(f"NSD does not serve {', '.join(refused)}:\n{read_text(self.log_path)}")
            failure = (f"NSD did not answer on port {self.port}:\n{read_text(self.log_path)}"
                       f"{read_text(os.path.join(self._dir.name, 'nsd.out'))}")
            stop_process(self._process)
        raise HarnessError(failure)

    def stop(self):
        stop_process(self._process)
        self._dir.cleanup()


class Responder:
    """tests/dns/responder.py serving a YAML script (its zonedata and faults)."""

    def __init__(self, responder_py, script):
        self._command = [PYTHON, responder_py, "--script", script, "--listen", "127.0.0.1"]
        self._dir = tempfile.TemporaryDirectory(prefix="dmarc-integration-responder-")
        self._process = None
        self.port = None
        self.control_port = None

    @property
    def address(self):
        return f"127.0.0.1:{self.port}"

    @property
    def log_path(self):
        return os.path.join(self._dir.name, "responder.err")

    def start(self):
        errors = open(self.log_path, "wb")
        self._process = subprocess.Popen(self._command, stdout=subprocess.PIPE, stderr=errors, text=True)
        errors.close()
        ready = self._process.stdout.readline().split()
        if len(ready) != 3 or ready[0] != "READY":
            self.stop()
            raise HarnessError(f"responder.py did not start:\n{read_text(self.log_path)}")
        self.port, self.control_port = int(ready[1]), int(ready[2])
        return self

    def query_count(self, name, rrtype="*"):
        """How many queries for `name` (and type) arrived (the responder's COUNT command)."""
        with socket.create_connection(("127.0.0.1", self.control_port), timeout=5) as control:
            control.sendall(f"COUNT {name} {rrtype}\n".encode("ascii"))
            answer = control.makefile("r", encoding="ascii").readline().strip()
        try:
            return int(answer)
        except ValueError as error:
            raise HarnessError(f"responder.py answered COUNT with {answer!r}") from error

    def stop(self):
        stop_process(self._process)
        if self._process is not None:
            self._process.stdout.close()
        self._dir.cleanup()
