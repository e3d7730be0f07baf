#!/usr/bin/python3
"""Generates the DKIM test vectors of tests/data/dkim/ (run once; the output is committed).

Makes fresh test keys (RSA 512/2048/4096, Ed25519), signs a set of messages with dkimpy
(Debian: python3-dkim, python3-nacl), writes them as messages/<name>.eml (CRLF line ends)
and writes the NSD zone files that publish the keys (zones/<zone>.zone). The RFC 8463
Appendix A example is written verbatim with its own keys. Private keys are not kept: to
change a vector, run the script again and commit everything it wrote.

Each vector is checked with dkimpy's own verifier before it is written, so a vector that
is meant to pass is known to verify with a second implementation.

Usage: tests/dkim/make_vectors.py [output-dir]   (default: tests/data/dkim next to this script)
"""

import base64
import os
import sys
import time

import dkim
import nacl.signing
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

# Signatures carry t= 2024-01-01T12:00:00Z: a t= of the generating machine's clock would
# be "in the future" for a test machine whose clock is behind it.
SIGNING_TIME = 1704110400

HEADERS = [b"from", b"to", b"subject", b"date", b"message-id", b"mime-version", b"content-type"]

BASE_MESSAGE = (
    b"From: Alice Example <alice@dkim.test>\r\n"
    b"To: Bob <bob@example.net>,\r\n"
    b"\tCarol <carol@example.net>\r\n"
    b"Subject: A folded\r\n"
    b"  subject line   with  extra   spaces\r\n"
    b"Date: Mon, 01 Jan 2024 12:00:00 +0000\r\n"
    b"Message-ID: <{name}@dkim.test>\r\n"
    b"MIME-Version: 1.0\r\n"
    b"Content-Type: text/plain;\r\n"
    b" charset=us-ascii\r\n"
    b"\r\n"
    b"Hello Bob,\r\n"
    b"\r\n"
    b"This line has trailing spaces   \r\n"
    b"and\tthis one\t has tabs.\r\n"
    b"\r\n"
    b"Alice\r\n"
    b"\r\n"
    b"\r\n"
)

# RFC 8463 Appendix A: the keys (A.2) and the signed message (A.3), verbatim.
RFC8463_ZONE = (
    '$ORIGIN football.example.com.\n'
    '$TTL 300\n'
    '@ IN SOA ns.dkim.test. hostmaster.dkim.test. 1 3600 600 86400 60\n'
    '@ IN NS ns.dkim.test.\n'
    'brisbane._domainkey IN TXT ( "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=" )\n'
    'test._domainkey IN TXT ( "v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDkHlOQoBTzWR"\n'
    '    "iGs5V6NpP3idY6Wk08a5qhdR6wy5bdOKb2jLQiY/J16JYi0Qvx/byYzCNb3W91y3FutAC"\n'
    '    "DfzwQ/BC/e/8uBsCR+yz1Lxj+PL6lHvqMKrM3rG4hstT5QjvHO9PzoxZyVYLzBfO2EeC3"\n'
    '    "Ip3G+2kryOTIKT+l/K4w3QIDAQAB" )\n'
)
RFC8463_MESSAGE = (
    b"DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/relaxed;\r\n"
    b" d=football.example.com; i=@football.example.com;\r\n"
    b" q=dns/txt; s=brisbane; t=1528637909; h=from : to :\r\n"
    b" subject : date : message-id : from : subject : date;\r\n"
    b" bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=;\r\n"
    b" b=/gCrinpcQOoIfuHNQIbq4pgh9kyIK3AQUdt9OdqQehSwhEIug4D11Bus\r\n"
    b" Fa3bT3FY5OsU7ZbnKELq+eXdp1Q1Dw==\r\n"
    b"DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed;\r\n"
    b" d=football.example.com; i=@football.example.com;\r\n"
    b" q=dns/txt; s=test; t=1528637909; h=from : to : subject :\r\n"
    b" date : message-id : from : subject : date;\r\n"
    b" bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=;\r\n"
    b" b=F45dVWDfMbQDGHJFlXUNB2HKfbCeLRyhDXgFpEL8GwpsRe0IeIixNTe3\r\n"
    b" DhCVlUrSjV4BwcVcOF6+FF3Zo9Rpo1tFOeS9mPYQTnGdaSGsgeefOsk2Jz\r\n"
    b" dA+L10TeYt9BgDfQNZtKdN1WO//KgIqXP7OdEFE4LjFYNcUxZQ4FADY+8=\r\n"
    b"From: Joe SixPack <joe@football.example.com>\r\n"
    b"To: Suzie Q <suzie@shopping.example.net>\r\n"
    b"Subject: Is dinner ready?\r\n"
    b"Date: Fri, 11 Jul 2003 21:00:37 -0700 (PDT)\r\n"
    b"Message-ID: <20030712040037.46341.5F8J@football.example.com>\r\n"
    b"\r\n"
    b"Hi.\r\n"
    b"\r\n"
    b"We lost the game.  Are you hungry yet?\r\n"
    b"\r\n"
    b"Joe.\r\n"
)


def rsa_key(bits):
    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                                serialization.NoEncryption())
    public = key.public_key().public_bytes(serialization.Encoding.DER,
                                           serialization.PublicFormat.SubjectPublicKeyInfo)
    return private, base64.b64encode(public).decode()


def ed25519_key():
    key = nacl.signing.SigningKey.generate()
    return base64.b64encode(bytes(key)), base64.b64encode(bytes(key.verify_key)).decode()


def txt(text, piece=200):
    """A TXT RDATA as several character-strings: keys over 255 octets must be split."""
    parts = [text[i:i + piece] for i in range(0, len(text), piece)] or [""]
    return "( " + "\n    ".join('"%s"' % part for part in parts) + " )"


def sign(message, selector, key, algorithm=b"rsa-sha256", canon=(b"relaxed", b"relaxed"), length=False,
         domain=b"dkim.test"):
    header = dkim.sign(message, selector, domain, key, canonicalize=canon, signature_algorithm=algorithm,
                       include_headers=HEADERS, length=length)
    return header + message


def main():
    time.time = lambda: SIGNING_TIME  # dkimpy reads the clock for t=
    here = os.path.dirname(os.path.abspath(__file__))
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "data", "dkim")
    os.makedirs(os.path.join(out, "messages"), exist_ok=True)
    os.makedirs(os.path.join(out, "zones"), exist_ok=True)

    rsa512, rsa512_pub = rsa_key(512)
    rsa2048, rsa2048_pub = rsa_key(2048)
    rsa4096, rsa4096_pub = rsa_key(4096)
    _, other2048_pub = rsa_key(2048)
    ed, ed_pub = ed25519_key()

    records = {
        "rsa2048._domainkey": txt("v=DKIM1; k=rsa; p=" + rsa2048_pub),
        "rsa4096._domainkey": txt("v=DKIM1; k=rsa; p=" + rsa4096_pub, piece=190),
        "rsa512._domainkey": txt("v=DKIM1; k=rsa; p=" + rsa512_pub),
        "other2048._domainkey": txt("v=DKIM1; k=rsa; p=" + other2048_pub),
        "ed25519._domainkey": txt("v=DKIM1; k=ed25519; p=" + ed_pub),
        "testing._domainkey": txt("v=DKIM1; k=rsa; t=y; p=" + rsa2048_pub),
        "sha1only._domainkey": txt("v=DKIM1; k=rsa; h=sha1; p=" + rsa2048_pub),
        "revoked._domainkey": txt("v=DKIM1; k=rsa; p="),
    }
    zone = [
        "; DKIM keys of the signed test vectors (tests/data/dkim/messages), written by",
        "; tests/dkim/make_vectors.py. Served by NSD in tests/adapters/opendkim_vectors_test.cpp.",
        "$ORIGIN dkim.test.",
        "$TTL 300",
        "@ IN SOA ns.dkim.test. hostmaster.dkim.test. 1 3600 600 86400 60",
        "@ IN NS ns",
        "ns IN A 127.0.0.1",
    ]
    zone += ["%s IN TXT %s" % (name, rdata) for name, rdata in records.items()]
    zone += [
        "; a name with an A record only: the key lookup gets NODATA",
        "notxt._domainkey IN A 192.0.2.1",
        "; selectors behind CNAMEs: to a served zone, to a name missing in a served zone, and",
        "; to a zone nobody serves here (NSD refuses it: SERVFAIL for the resolver)",
        "cnamed._domainkey IN CNAME key.dkim-target.test.",
        "cname-nxdomain._domainkey IN CNAME missing.dkim-target.test.",
        "cname-unserved._domainkey IN CNAME key.unserved.test.",
    ]
    target = [
        "; Target zone of dkim.test's CNAME'd selectors, written by tests/dkim/make_vectors.py.",
        "$ORIGIN dkim-target.test.",
        "$TTL 300",
        "@ IN SOA ns.dkim.test. hostmaster.dkim.test. 1 3600 600 86400 60",
        "@ IN NS ns.dkim.test.",
        "key IN TXT " + txt("v=DKIM1; k=rsa; p=" + rsa2048_pub),
    ]

    def base(name):
        return BASE_MESSAGE.replace(b"{name}", name.encode())

    vectors = {}
    vectors["rsa2048_simple"] = sign(base("rsa2048_simple"), b"rsa2048", rsa2048, canon=(b"simple", b"simple"))
    vectors["rsa4096_relaxed"] = sign(base("rsa4096_relaxed"), b"rsa4096", rsa4096)
    vectors["ed25519"] = sign(base("ed25519"), b"ed25519", ed, algorithm=b"ed25519-sha256")
    signed = sign(base("length_limit"), b"rsa2048", rsa2048, canon=(b"simple", b"simple"), length=True)
    vectors["length_limit"] = signed + b"-- \r\nAppended by a mailing list after signing.\r\n"
    signed = sign(base("body_modified"), b"rsa2048", rsa2048, canon=(b"simple", b"simple"))
    vectors["body_modified"] = signed.replace(b"Hello Bob,", b"Hello Eve,")
    signed = sign(base("header_modified"), b"rsa2048", rsa2048)
    vectors["header_modified"] = signed.replace(b"Subject: A folded", b"Subject: A changed")
    multiple = base("multiple")
    multiple = sign(multiple, b"rsa512", rsa512)                                # last in the header
    multiple = sign(multiple, b"rsa2048", rsa2048, algorithm=b"rsa-sha1")
    multiple = sign(multiple, b"other2048", rsa2048)                            # DNS has another key
    vectors["multiple"] = sign(multiple, b"rsa2048", rsa2048)                   # first in the header
    vectors["cname_served"] = sign(base("cname_served"), b"cnamed", rsa2048)
    vectors["cname_nxdomain"] = sign(base("cname_nxdomain"), b"cname-nxdomain", rsa2048)
    vectors["cname_unserved"] = sign(base("cname_unserved"), b"cname-unserved", rsa2048)
    vectors["key_nodata"] = sign(base("key_nodata"), b"notxt", rsa2048)
    vectors["key_nxdomain"] = sign(base("key_nxdomain"), b"absent", rsa2048)
    vectors["key_revoked"] = sign(base("key_revoked"), b"revoked", rsa2048)
    vectors["key_testing"] = sign(base("key_testing"), b"testing", rsa2048)
    vectors["key_hash_sha1_only"] = sign(base("key_hash_sha1_only"), b"sha1only", rsa2048)
    vectors["unsigned"] = base("unsigned")
    vectors["rfc8463"] = RFC8463_MESSAGE

    # Cross-check with dkimpy: what must verify does, what must not does not.
    published = {
        "rsa2048": rsa2048_pub, "rsa4096": rsa4096_pub, "rsa512": rsa512_pub, "other2048": other2048_pub,
        "cnamed": rsa2048_pub, "testing": rsa2048_pub,
    }

    def dns(name, timeout=5):
        selector = name.decode().split(".")[0]
        if name.decode().endswith("football.example.com."):
            return {"brisbane": b"v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=",
                    "test": b"v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDkHlOQoBTzWRiGs5V6NpP3idY6Wk08a5qhdR6wy5bdOKb2jLQiY/J16JYi0Qvx/byYzCNb3W91y3FutACDfzwQ/BC/e/8uBsCR+yz1Lxj+PL6lHvqMKrM3rG4hstT5QjvHO9PzoxZyVYLzBfO2EeC3Ip3G+2kryOTIKT+l/K4w3QIDAQAB"}.get(selector)
        if selector == "ed25519":
            return ("v=DKIM1; k=ed25519; p=" + ed_pub).encode()
        if selector in published:
            return ("v=DKIM1; k=rsa; p=" + published[selector]).encode()
        return None

    def verifies(message, index, minkey):
        try:
            return dkim.DKIM(message, minkey=minkey).verify(idx=index, dnsfunc=dns)
        except dkim.DKIMException:  # dkimpy raises for a body hash mismatch
            return False

    must_verify = {"rsa2048_simple": [0], "rsa4096_relaxed": [0], "ed25519": [0], "length_limit": [0],
                   "multiple": [0, 2], "cname_served": [0], "key_testing": [0], "rfc8463": [0, 1]}
    must_not = {"body_modified": [0], "header_modified": [0], "multiple": [1]}
    for name, message in vectors.items():
        for index in must_verify.get(name, []):
            if not verifies(message, index, 1024):
                sys.exit("dkimpy does not verify %s signature %d" % (name, index))
        for index in must_not.get(name, []):
            if verifies(message, index, 512):
                sys.exit("dkimpy verifies %s signature %d, which must fail" % (name, index))
    if not verifies(vectors["multiple"], 3, 512):
        sys.exit("dkimpy does not verify the 512-bit signature of multiple")

    for name, message in vectors.items():
        with open(os.path.join(out, "messages", name + ".eml"), "wb") as f:
            f.write(message)
    with open(os.path.join(out, "zones", "dkim.test.zone"), "w") as f:
        f.write("\n".join(zone) + "\n")
    with open(os.path.join(out, "zones", "dkim-target.test.zone"), "w") as f:
        f.write("\n".join(target) + "\n")
    with open(os.path.join(out, "zones", "football.example.com.zone"), "w") as f:
        f.write("; RFC 8463 Appendix A.2 key records, written by tests/dkim/make_vectors.py.\n" + RFC8463_ZONE)
    print("wrote %d messages and 3 zones to %s" % (len(vectors), os.path.abspath(out)))


if __name__ == "__main__":
    main()
