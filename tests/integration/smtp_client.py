"""Sending one test message through Postfix with swaks, the client's identity set by
XCLIENT (ADDR, HELO, NAME and, for authenticated submissions, LOGIN), and reading the
server's answer to the message out of swaks's transcript.

Postfix accepts XCLIENT only from smtpd_authorized_xclient_hosts (loopback here); after it
swaks says EHLO again, with the same name, so the HELO the milter sees is the one given.
"""

import dataclasses
import os
import re
import subprocess
import tempfile

SWAKS = "/usr/bin/swaks"


@dataclasses.dataclass
class SmtpReply:
    code: int              # 250, 451, 550, …
    enhanced: str          # "2.0.0", "5.7.1", "" when the server gave none
    text: str              # the rest of the reply (lines joined with a space)
    queue_id: str | None   # from "250 2.0.0 Ok: queued as QID"
    transcript: str        # swaks's whole output, for failure messages

    def __str__(self):
        return f"{self.code} {self.enhanced} {self.text}".replace("  ", " ")


@dataclasses.dataclass
class Client:
    """Who the message comes from, as XCLIENT tells Postfix."""
    addr: str                 # "198.51.100.25" or "2001:db8::25"
    helo: str = "client.test"
    name: str = "[UNAVAILABLE]"
    login: str | None = None  # XCLIENT LOGIN: an SMTP-authenticated sender

    def xclient(self):
        addr = f"IPV6:{self.addr}" if ":" in self.addr else self.addr
        parts = [f"ADDR={addr}", f"NAME={self.name}", f"HELO={self.helo}"]
        if self.login:
            parts.append(f"LOGIN={self.login}")
        return " ".join(parts)


_REPLY = re.compile(r"^<[-*~]{1,2}\s+(\d{3})([ -])(.*)$")
_ENHANCED = re.compile(r"^([245]\.\d{1,3}\.\d{1,3})\s*(.*)$")


def _end_of_data_reply(transcript):
    """The server's reply to the end of the message (the "." line) or, when the message
    never got that far, the first error reply; as (code, enhanced, text)."""
    lines = transcript.splitlines()
    start = next((i + 1 for i, line in enumerate(lines) if line.strip() == "-> ."), None)
    candidates = lines[start:] if start is not None else [line for line in lines if line.startswith("<**")]
    code, texts = None, []
    for line in candidates:
        match = _REPLY.match(line)
        if not match:
            if code is not None:
                break
            continue
        code = int(match.group(1))
        texts.append(match.group(3))
        if match.group(2) == " ":
            break
    if code is None:
        return None
    enhanced, parts = "", []
    for text in texts:
        extended = _ENHANCED.match(text)
        if extended:
            enhanced = extended.group(1)
            text = extended.group(2)
        parts.append(text)
    return code, enhanced, " ".join(parts)


def send(port, message, *, client, mail_from, rcpt, server="127.0.0.1", timeout=30):
    """Sends `message` (bytes, CRLF line ends) from MAIL FROM `mail_from` to the recipient
    address(es) `rcpt` (a string or a list) through smtpd at server:port."""
    recipients = [rcpt] if isinstance(rcpt, str) else list(rcpt)
    with tempfile.NamedTemporaryFile(prefix="dmarc-integration-msg-", suffix=".eml") as data:
        data.write(message)
        data.flush()
        command = [SWAKS, "--server", server, "--port", str(port),
                   "--xclient", client.xclient(), "--helo", client.helo,
                   "--from", mail_from, "--to", ",".join(recipients),
                   "--data", f"@{data.name}", "--timeout", "20"]
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                                env=dict(os.environ, LC_ALL="C"))
    transcript = result.stdout + result.stderr
    reply = _end_of_data_reply(transcript)
    if reply is None:
        raise AssertionError(f"swaks got no reply to the message (exit {result.returncode}):\n{transcript}")
    code, enhanced, text = reply
    queued = re.search(r"queued as ([0-9A-Za-z]+)", text) if code == 250 else None
    return SmtpReply(code, enhanced, text, queued.group(1) if queued else None, transcript)
