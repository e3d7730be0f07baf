"""A private Postfix instance for one test run: its own config_directory (main.cf,
master.cf), queue_directory, data_directory and log file in a temp dir; smtpd on
127.0.0.1 and ::1 at a free port, no chroot, no DNS (smtpd_peername_lookup = no), XCLIENT
allowed from loopback, nothing delivered: every recipient domain is relayed to a
deferred transport, so accepted mail stays in the queue to be inspected with
postqueue -j and postcat.

Started with `postfix -c DIR start` and stopped with `postfix -c DIR stop`, then by the
master's PID if it lingers. We must be root (Postfix's mail_owner is `postfix`).
"""

import email.parser
import email.policy
import json
import os
import shutil
import subprocess
import tempfile

from processes import HarnessError, free_port, read_text, stop_pid

POSTFIX = "/usr/sbin/postfix"
POSTCONF = "/usr/sbin/postconf"
POSTQUEUE = "/usr/sbin/postqueue"
POSTCAT = "/usr/sbin/postcat"

# The recipient domain of every test message: relayed (never delivered locally).
RECIPIENT_DOMAIN = "inbound.test"

# Postfix's own services, none chrooted; `relay` and `smtp` are deferred in main.cf.
_MASTER_SERVICES = """\
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
"""


class PostfixInstance:
    """One private Postfix. `milter` ("inet:127.0.0.1:PORT") becomes smtpd_milters with
    milter_default_action = tempfail; `main_cf` adds or overrides main.cf parameters.
    Use start(), then send with smtp_client.send(instance.port, ...), then stop()."""

    def __init__(self, *, milter=None, main_cf=None, port=None):
        self._tmp = tempfile.mkdtemp(prefix="dmarc-integration-postfix-")
        os.chmod(self._tmp, 0o755)  # Postfix's daemons run as `postfix`
        self.config_dir = os.path.join(self._tmp, "etc")
        self.queue_dir = os.path.join(self._tmp, "queue")
        self.data_dir = os.path.join(self._tmp, "data")
        self.log_path = os.path.join(self._tmp, "maillog")
        for path in (self.config_dir, self.queue_dir, self.data_dir):
            os.mkdir(path)
        shutil.chown(self.data_dir, user="postfix")
        self.port = port or free_port()
        self._main_cf = self._base_main_cf()
        if milter:
            self._main_cf.update({
                "smtpd_milters": milter,
                "milter_default_action": "tempfail",
                "milter_protocol": "6",
                # A hung milter fails the test in seconds, not after Postfix's minutes.
                "milter_connect_timeout": "5s",
                "milter_command_timeout": "10s",
                "milter_content_timeout": "15s",
            })
        self._main_cf.update(main_cf or {})
        self._started = False

    def _base_main_cf(self):
        return {
            "compatibility_level": "3.6",
            "queue_directory": self.queue_dir,
            "data_directory": self.data_dir,
            "mail_owner": "postfix",
            "setgid_group": "postdrop",
            "myhostname": "mx.test",
            "mydomain": "test",
            "inet_interfaces": "loopback-only",
            "inet_protocols": "all",
            "mydestination": "",
            "mynetworks": "127.0.0.0/8 [::1]/128",
            "smtpd_peername_lookup": "no",
            "smtpd_authorized_xclient_hosts": "127.0.0.0/8 [::1]",
            "relay_domains": RECIPIENT_DOMAIN,
            # No delivery: relayed mail waits in the queue (relayhost is a closed port
            # in any case).
            "relayhost": "[127.0.0.1]:9",
            "defer_transports": "smtp relay",
            "alias_maps": "", "alias_database": "", "local_recipient_maps": "",
            "biff": "no",
            "smtpd_banner": "$myhostname ESMTP",
            "maillog_file": self.log_path,
            "maillog_file_prefixes": self._tmp,
        }

    def _write_config(self):
        with open(os.path.join(self.config_dir, "main.cf"), "w", encoding="utf-8") as main_cf:
            for name, value in self._main_cf.items():
                main_cf.write(f"{name} = {value}\n")
        with open(os.path.join(self.config_dir, "master.cf"), "w", encoding="ascii") as master_cf:
            master_cf.write(f"127.0.0.1:{self.port} inet n - n - - smtpd\n")
            master_cf.write(f"[::1]:{self.port} inet n - n - - smtpd\n")
            master_cf.write(_MASTER_SERVICES)

    def postconf_edit(self, line):
        """Applies one main.cf line literally, as an admin would: postconf -c DIR -e LINE."""
        self._run([POSTCONF, "-c", self.config_dir, "-e", line])

    def postconf(self, name):
        """The effective value of a main.cf parameter."""
        return self._run([POSTCONF, "-c", self.config_dir, "-h", name]).strip()

    def _run(self, command):
        result = subprocess.run(command, capture_output=True, text=True, timeout=60)
        if result.returncode != 0:
            raise HarnessError(f"{' '.join(command)} failed ({result.returncode}):\n{result.stdout}"
                               f"{result.stderr}\n{read_text(self.log_path)}")
        return result.stdout

    def write_config(self):
        """Writes main.cf and master.cf (start() does it too; call it to edit with postconf first)."""
        self._write_config()
        return self

    def start(self, *, write_config=True):
        if write_config:
            self._write_config()
        self._started = True
        self._run([POSTFIX, "-c", self.config_dir, "start"])
        return self

    def _master_pid(self):
        try:
            with open(os.path.join(self.queue_dir, "pid", "master.pid"), encoding="ascii") as pid_file:
                return int(pid_file.read().strip())
        except (FileNotFoundError, ValueError):
            return None

    def stop(self):
        """Stops Postfix (postfix stop, then the master by PID) and removes its files."""
        if self._started:
            pid = self._master_pid()
            subprocess.run([POSTFIX, "-c", self.config_dir, "stop"], capture_output=True, timeout=60)
            if pid is not None:
                stop_pid(pid)
            self._started = False
        shutil.rmtree(self._tmp, ignore_errors=True)

    def log(self):
        return read_text(self.log_path, tail=200)

    def queue(self):
        """{queue id: postqueue -j record} for every message in the queue."""
        output = self._run([POSTQUEUE, "-c", self.config_dir, "-j"])
        return {entry["queue_id"]: entry for entry in map(json.loads, output.splitlines()) if entry}

    def queue_name(self, queue_id):
        """Which queue (hold, incoming, active, deferred) the message is in; None if gone."""
        entry = self.queue().get(queue_id)
        return entry["queue_name"] if entry else None

    def headers(self, queue_id):
        """The message's header as stored in the queue (after every milter change), parsed:
        an email.message.Message whose get_all() gives each field's unfolded value."""
        text = self._run([POSTCAT, "-c", self.config_dir, "-h", "-q", queue_id])
        return email.parser.HeaderParser(policy=email.policy.compat32).parsestr(text)
