"""Test messages: built field by field with CRLF line ends, and DKIM-signed at test time
with python3-dkim and the TEST-ONLY key in tests/data/integration/keys (its public half is
sel1._domainkey.mydomain.test in the test zones).
"""

import itertools
import os

import dkim

_counter = itertools.count(1)


def build(from_fields, *, to="bob@inbound.test", subject="integration test", extra=(),
          body="Hello,\r\n\r\nthis is a test message.\r\n"):
    """A message with one From field per entry of `from_fields` (a string or a list), then
    To, Subject, Date, Message-ID and `extra` fields ((name, value) pairs, in order)."""
    froms = [from_fields] if isinstance(from_fields, str) else list(from_fields)
    fields = [("From", value) for value in froms]
    fields += [("To", to), ("Subject", subject),
               ("Date", "Mon, 04 May 2026 10:00:00 +0000"),
               ("Message-ID", f"<integration-{os.getpid()}-{next(_counter)}@mydomain.test>")]
    fields += list(extra)
    header = "".join(f"{name}: {value}\r\n" for name, value in fields)
    return (header + "\r\n" + body).encode("utf-8")


def _key(keys_dir):
    with open(os.path.join(keys_dir, "mydomain.test.sel1.private.pem"), "rb") as pem:
        return pem.read()


def sign(message, keys_dir, *, domain="mydomain.test", selector="sel1"):
    """`message` with a DKIM-Signature (rsa-sha256, relaxed/simple) by `domain` prepended."""
    signature = dkim.sign(message, selector.encode("ascii"), domain.encode("ascii"), _key(keys_dir),
                          canonicalize=(b"relaxed", b"simple"),
                          include_headers=[b"from", b"to", b"subject", b"date", b"message-id"])
    return signature + message


def signature_b_prefix(signed):
    """The first 8 characters of the signature's b= tag (what header.b shows in A-R)."""
    header = signed.split(b"\r\n\r\n", 1)[0].decode("ascii")
    unfolded = " ".join(header.replace("\r\n", "\n").split("\n"))
    b_tag = unfolded.split(" b=", 1)[1] if " b=" in unfolded else unfolded.split(";b=", 1)[1]
    return "".join(b_tag.split(";", 1)[0].split())[:8]


def alter_body(message, extra_line="This line was added in transit.\r\n"):
    """The same message with a line appended to its body (breaks the body hash)."""
    return message + extra_line.encode("ascii")
