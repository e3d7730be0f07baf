#!/usr/bin/python3
"""Generates the DMARC test data of tests/data/pipeline/ (run once; the output is committed).

Writes one NSD zone file per test domain (zones/<zone>.zone: DMARC, SPF and DKIM key
records; see README.md beside them for what each domain publishes) and a set of messages
(messages/<name>.eml, CRLF line ends), some DKIM-signed with a fresh RSA-2048 test key
(dkimpy: Debian's python3-dkim). The private key is not kept: to change a message, run the
script again and commit everything it wrote. Each signature is checked with dkimpy's own
verifier before it is written, so a message meant to pass is known to verify with a
second implementation.

Usage: tests/data/pipeline/make_test_data.py [output-dir]   (default: this script's directory)
"""

import base64
import os
import sys
import time

import dkim
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

# Signatures carry t= 2024-01-01T12:00:00Z (a generating machine's clock could be ahead of
# the test machine's).
SIGNING_TIME = 1704110400
SELECTOR = b"sel"
HEADERS = [b"from", b"to", b"subject", b"date", b"message-id", b"list-id"]

# zone -> {owner (relative, "@" for the apex): [(type, rdata)]}. Every zone also gets SOA/NS.
# Client addresses are documentation ranges (192.0.2.0/24, 2001:db8::/32): never loopback,
# so libspf2's and IgnoreNetworks' loopback paths never decide a test.
ZONES = {
    # The parent of every test domain: the RFC 9989 tree walk ends at _dmarc.test, which must
    # be an answer (NXDOMAIN), not REFUSED (DNS trouble).
    "test": {},
    # An ESP sending for its customers with its own bounce domain; it signs d=esp.test too.
    "esp.test": {
        "@": [("TXT", "v=spf1 ip4:192.0.2.10 ip6:2001:db8::10 -all")],
        "bounce": [("TXT", "v=spf1 ip4:192.0.2.10 ip6:2001:db8::10 -all")],
        "_dmarc": [("TXT", "v=DMARC1; p=none")],
        "sel._domainkey": [("KEY", None)],
    },
    # The customer: p=reject, its own servers, a custom MAIL FROM subdomain.
    "mydomain.test": {
        "@": [("TXT", "v=spf1 ip4:192.0.2.20 ip6:2001:db8::20 -all"), ("A", "192.0.2.20")],
        "mail": [("TXT", "v=spf1 ip4:192.0.2.21 -all"), ("A", "192.0.2.21")],
        "_dmarc": [("TXT", "v=DMARC1; p=reject")],
        "sel._domainkey": [("KEY", None)],
    },
    "quarantine.test": {
        "@": [("TXT", "v=spf1 ip4:192.0.2.30 -all"), ("A", "192.0.2.30")],
        "_dmarc": [("TXT", "v=DMARC1; p=quarantine")],
        "sel._domainkey": [("KEY", None)],
    },
    "none.test": {
        "@": [("TXT", "v=spf1 ip4:192.0.2.40 -all"), ("A", "192.0.2.40")],
        "_dmarc": [("TXT", "v=DMARC1; p=none")],
    },
    # sp= for existing subdomains, np= for subdomains that do not exist.
    "subpolicy.test": {
        "@": [("TXT", "v=spf1 ip4:192.0.2.50 -all"), ("A", "192.0.2.50")],
        "sub": [("TXT", "v=spf1 ip4:192.0.2.51 -all"), ("A", "192.0.2.51")],
        "_dmarc": [("TXT", "v=DMARC1; p=none; sp=quarantine; np=reject")],
    },
    "testmode.test": {
        "@": [("TXT", "v=spf1 ip4:192.0.2.60 -all"), ("A", "192.0.2.60")],
        "_dmarc": [("TXT", "v=DMARC1; p=reject; t=y")],
    },
    # aspf=s: a MAIL FROM subdomain does not align.
    "strict.test": {
        "@": [("TXT", "v=spf1 ip4:192.0.2.70 -all"), ("A", "192.0.2.70")],
        "mail": [("TXT", "v=spf1 ip4:192.0.2.71 -all"), ("A", "192.0.2.71")],
        "_dmarc": [("TXT", "v=DMARC1; p=reject; aspf=s")],
    },
    # A forwarder (and a mailing list host): SPF for its relay, its own DKIM key.
    "forwarder.test": {
        "@": [("TXT", "v=spf1 ip4:192.0.2.80 ip6:2001:db8::80 -all"), ("A", "192.0.2.80")],
        "_dmarc": [("TXT", "v=DMARC1; p=none")],
        "sel._domainkey": [("KEY", None)],
    },
    "list.test": {
        "@": [("TXT", "v=spf1 ip4:192.0.2.90 -all"), ("A", "192.0.2.90")],
        "_dmarc": [("TXT", "v=DMARC1; p=none")],
        "sel._domainkey": [("KEY", None)],
    },
    # SPF but no DMARC record: dmarc=none.
    "nodmarc.test": {
        "@": [("TXT", "v=spf1 ip4:192.0.2.100 -all"), ("A", "192.0.2.100")],
    },
}

ZONE_NOTES = {
    "test": "the parent zone, so that the DMARC tree walk gets NXDOMAIN for _dmarc.test",
    "esp.test": "an ESP: SPF for its bounce domain, DKIM d=esp.test, p=none",
    "mydomain.test": "the ESP's customer: p=reject, SPF for its own servers and mail.mydomain.test",
    "quarantine.test": "p=quarantine",
    "none.test": "p=none",
    "subpolicy.test": "p=none; sp=quarantine (sub.subpolicy.test exists); np=reject (anything else below)",
    "testmode.test": "p=reject; t=y",
    "strict.test": "p=reject; aspf=s (mail.strict.test has its own SPF record)",
    "forwarder.test": "a forwarder: SPF for its relay 192.0.2.80, DKIM d=forwarder.test",
    "list.test": "a mailing list host: SPF for 192.0.2.90, DKIM d=list.test",
    "nodmarc.test": "SPF only, no _dmarc record",
}


def message(name, author="Alice <alice@mydomain.test>", extra=b"", body=None):
    """A plain message; `extra` header lines (CRLF-terminated) go just before the body."""
    head = (
        b"From: " + author.encode() + b"\r\n"
        b"To: Bob <bob@example.net>\r\n"
        b"Subject: Test message " + name.encode() + b"\r\n"
        b"Date: Mon, 01 Jan 2024 12:00:00 +0000\r\n"
        b"Message-ID: <" + name.encode() + b"@pipeline.test>\r\n"
        + extra
    )
    if body is None:
        body = b"Hello Bob,\r\n\r\nThis is the " + name.encode() + b" test message.\r\n\r\nAlice\r\n"
    return head + b"\r\n" + body


def txt(text, piece=200):
    parts = [text[i:i + piece] for i in range(0, len(text), piece)] or [""]
    return "( " + "\n    ".join('"%s"' % part for part in parts) + " )"


def main():
    time.time = lambda: SIGNING_TIME  # dkimpy reads the clock for t=
    here = os.path.dirname(os.path.abspath(__file__))
    out = sys.argv[1] if len(sys.argv) > 1 else here
    os.makedirs(os.path.join(out, "zones"), exist_ok=True)
    os.makedirs(os.path.join(out, "messages"), exist_ok=True)

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                                serialization.NoEncryption())
    public = base64.b64encode(key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)).decode()
    key_record = "v=DKIM1; k=rsa; p=" + public

    for zone, owners in ZONES.items():
        lines = [
            "; %s: %s." % (zone, ZONE_NOTES[zone]),
            "; Written by tests/data/pipeline/make_test_data.py; see tests/data/pipeline/README.md.",
            "$ORIGIN %s." % zone,
            "$TTL 300",
            "@ IN SOA ns.%s. hostmaster.%s. 1 3600 600 86400 60" % (zone, zone),
            "@ IN NS ns",
            "ns IN A 127.0.0.1",
        ]
        for owner, records in owners.items():
            for rtype, rdata in records:
                if rtype == "KEY":
                    lines.append("%s IN TXT %s" % (owner, txt(key_record)))
                elif rtype == "TXT":
                    lines.append('%s IN TXT "%s"' % (owner, rdata))
                else:
                    lines.append("%s IN %s %s" % (owner, rtype, rdata))
        with open(os.path.join(out, "zones", zone + ".zone"), "w") as f:
            f.write("\n".join(lines) + "\n")

    def sign(msg, domain):
        header = dkim.sign(msg, SELECTOR, domain.encode(), private, canonicalize=(b"relaxed", b"relaxed"),
                           include_headers=HEADERS)
        return header + msg

    list_id = b"List-Id: Developers <dev.list.test>\r\n"
    messages = {
        # ESP: signed d=mydomain.test (aligned) and d=esp.test (unaligned).
        "esp_signed": sign(sign(message("esp_signed"), "esp.test"), "mydomain.test"),
        # ESP without the customer's signature: only d=esp.test.
        "esp_unsigned": sign(message("esp_unsigned"), "esp.test"),
        "mydomain_unsigned": message("mydomain_unsigned"),
        "body_modified": sign(message("body_modified"), "mydomain.test").replace(b"Hello Bob,", b"Hello Eve,"),
        "quarantine_unsigned": message("quarantine_unsigned", "Quinn <quinn@quarantine.test>"),
        "quarantine_signed": sign(message("quarantine_signed", "Quinn <quinn@quarantine.test>"), "quarantine.test"),
        "none_unsigned": message("none_unsigned", "Nora <nora@none.test>"),
        "sub_unsigned": message("sub_unsigned", "Sam <sam@sub.subpolicy.test>"),
        "ghost_unsigned": message("ghost_unsigned", "Gus <gus@ghost.subpolicy.test>"),
        "testmode_unsigned": message("testmode_unsigned", "Tess <tess@testmode.test>"),
        "strict_unsigned": message("strict_unsigned", "Stan <stan@strict.test>"),
        "nodmarc_unsigned": message("nodmarc_unsigned", "Ned <ned@nodmarc.test>"),
        # A domain no test name server serves: every lookup is REFUSED (temperror).
        "unserved_unsigned": message("unserved_unsigned", "Una <una@unserved.example>"),
        # A list re-signs (d=list.test) after changing the body: the author's signature breaks.
        "list_resigned": sign(
            sign(message("list_resigned", extra=list_id), "mydomain.test").replace(
                b"Alice\r\n", b"Alice\r\n--\r\nList footer\r\n"), "list.test"),
        # Forwarded intact by forwarder.test, which adds its own signature.
        "forwarded": sign(sign(message("forwarded"), "mydomain.test"), "forwarder.test"),
        "two_from_fields": message("two_from_fields", extra=b"From: Mallory <mallory@quarantine.test>\r\n"),
        "two_authors": message("two_authors", "Alice <alice@mydomain.test>, Nora <nora@none.test>"),
        "no_from": message("no_from").replace(b"From: Alice <alice@mydomain.test>\r\n", b""),
        # Authentication-Results fields claiming mx.pipeline.test (ours in the tests) and an upstream's.
        "forged_auth_results": message("forged_auth_results", "Nora <nora@none.test>", extra=(
            b"Authentication-Results: mx.pipeline.test; dmarc=pass header.from=none.test\r\n"
            b"Authentication-Results: upstream.pipeline.test; spf=pass smtp.mailfrom=none.test\r\n")),
    }

    def dns(name, timeout=5):
        zone = name.decode().rstrip(".").split("._domainkey.")[-1]
        return key_record.encode() if zone in ZONES and "sel._domainkey" in ZONES[zone] else None

    def verifies(msg, index):
        try:
            return dkim.DKIM(msg).verify(idx=index, dnsfunc=dns)
        except dkim.DKIMException:
            return False

    must_verify = {"esp_signed": [0, 1], "esp_unsigned": [0], "quarantine_signed": [0], "list_resigned": [0],
                   "forwarded": [0, 1]}
    must_not = {"body_modified": [0], "list_resigned": [1]}
    for name, msg in messages.items():
        for index in must_verify.get(name, []):
            assert verifies(msg, index), "%s signature %d should verify" % (name, index)
        for index in must_not.get(name, []):
            assert not verifies(msg, index), "%s signature %d should not verify" % (name, index)
        with open(os.path.join(out, "messages", name + ".eml"), "wb") as f:
            f.write(msg)


if __name__ == "__main__":
    main()
