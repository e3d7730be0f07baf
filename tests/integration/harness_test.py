#!/usr/bin/python3
"""Tests of the integration harness itself, without the milter: the zones publish the
TEST-ONLY key the messages are signed with; a private Postfix takes mail from XCLIENT
addresses on 127.0.0.1 and ::1 and keeps it in the queue; the reply, header and
Authentication-Results readers see what Postfix did. They also show the baseline the
scenarios differ from: without a milter a forged Authentication-Results stays.

    tests/dns/netns-run tests/integration/harness_test.py
"""

import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean of __pycache__
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import dkim  # noqa: E402
import dns.resolver  # noqa: E402

import auth_results  # noqa: E402
import dns_servers  # noqa: E402
import integration_env as env  # noqa: E402
import mail_message  # noqa: E402
import smtp_client  # noqa: E402
import verdict_log  # noqa: E402
from postfix_instance import PostfixInstance  # noqa: E402


class ZonesAndKeys(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.nsd = dns_servers.Nsd(env.ZONES_DIR)
        cls.addClassCleanup(cls.nsd.stop)
        cls.nsd.start()
        cls.resolver = dns.resolver.Resolver(configure=False)
        cls.resolver.nameservers = ["127.0.0.1"]
        cls.resolver.port = cls.nsd.port
        cls.resolver.lifetime = 2

    def txt(self, name):
        answer = self.resolver.resolve(name.decode("ascii") if isinstance(name, bytes) else name, "TXT")
        return b"".join(answer[0].strings)

    def test_signed_message_verifies_against_the_zone_key(self):
        signed = mail_message.sign(mail_message.build("news@mydomain.test"), env.KEYS_DIR)
        self.assertTrue(dkim.verify(signed, dnsfunc=lambda name, timeout=5: self.txt(name)))

    def test_altered_message_does_not_verify(self):
        signed = mail_message.sign(mail_message.build("news@mydomain.test"), env.KEYS_DIR)
        altered = mail_message.alter_body(signed)
        self.assertFalse(dkim.verify(altered, dnsfunc=lambda name, timeout=5: self.txt(name)))

    def test_policy_records_are_served(self):
        self.assertEqual(self.txt("_dmarc.mydomain.test."), b"v=DMARC1; p=reject; rua=mailto:dmarc-reports@mydomain.test")
        self.assertEqual(self.txt("bounce.esp.test."), b"v=spf1 ip4:198.51.100.0/24 -all")
        with self.assertRaises(dns.resolver.NXDOMAIN):
            self.resolver.resolve("ghost.nonexist.test.", "A")


class PlainPostfix(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.postfix = PostfixInstance()
        cls.addClassCleanup(cls.postfix.stop)
        cls.postfix.start()

    def send(self, message, client, **kwargs):
        kwargs.setdefault("mail_from", "news@mydomain.test")
        kwargs.setdefault("rcpt", "bob@inbound.test")
        return smtp_client.send(self.postfix.port, message, client=client, **kwargs)

    def test_message_from_xclient_address_is_queued_not_delivered(self):
        client = smtp_client.Client(addr="198.51.100.5", helo="mta.esp.test")
        reply = self.send(mail_message.build("news@mydomain.test"), client)
        self.assertEqual((reply.code, reply.enhanced), (250, "2.0.0"), reply.transcript)
        self.assertIsNotNone(reply.queue_id, reply.transcript)
        self.assertIn(self.postfix.queue_name(reply.queue_id), ("incoming", "active", "deferred"))
        received = self.postfix.headers(reply.queue_id).get_all("Received")[0]
        self.assertIn("from mta.esp.test (unknown [198.51.100.5])", " ".join(received.split()))

    def test_ipv6_xclient_address_over_ipv6_loopback(self):
        client = smtp_client.Client(addr="2001:db8::5", helo="mail.mydomain.test")
        reply = self.send(mail_message.build("news@mydomain.test"), client, server="::1")
        self.assertEqual(reply.code, 250, reply.transcript)
        received = self.postfix.headers(reply.queue_id).get_all("Received")[0]
        self.assertIn("[IPv6:2001:db8::5]", received)

    def test_without_milter_forged_authentication_results_stay(self):
        message = mail_message.build("news@mydomain.test",
                                     extra=[("Authentication-Results", "mx.test; dmarc=pass header.from=mydomain.test")])
        reply = self.send(message, smtp_client.Client(addr="198.18.0.5"))
        fields = self.postfix.headers(reply.queue_id).get_all("Authentication-Results")
        parsed = [auth_results.parse(value) for value in fields]
        self.assertEqual([(p.authserv_id, p.one("dmarc").result) for p in parsed], [("mx.test", "pass")])

    def test_refused_recipient_reply_is_read(self):
        reply = self.send(mail_message.build("news@mydomain.test"), smtp_client.Client(addr="198.18.0.6"),
                          rcpt="someone@elsewhere.test")
        self.assertEqual((reply.code, reply.enhanced), (454, "4.7.1"), reply.transcript)  # defer_unauth_destination
        self.assertIn("Relay access denied", reply.text)
        self.assertIsNone(reply.queue_id)

    def test_postconf_edit_is_applied(self):
        self.postfix.postconf_edit("milter_default_action = accept")
        self.assertEqual(self.postfix.postconf("milter_default_action"), "accept")


class Readers(unittest.TestCase):
    def test_auth_results_parser(self):
        parsed = auth_results.parse(" mx.test;\r\n\tspf=pass smtp.mailfrom=bounce.esp.test;\r\n"
                                    "\tdkim=pass header.d=mydomain.test header.s=sel1 header.b=AbCd12==;\r\n"
                                    " dmarc=fail (p=reject dis=quarantine) header.from=mydomain.test")
        self.assertEqual(parsed.authserv_id, "mx.test")
        self.assertEqual(parsed.one("dkim").props, {"header.d": "mydomain.test", "header.s": "sel1",
                                                    "header.b": "AbCd12=="})
        self.assertEqual(parsed.one("dmarc").comments, ["p=reject dis=quarantine"])
        with self.assertRaises(ValueError):
            auth_results.parse("mx.test; garbage")

    def test_log_line_reader(self):
        line = ('[2026-05-04 10:00:00.000] [info] 3Zx1Kq4Hj: from=mydomain.test dmarc=fail dkim=none '
                'dkim=pass(a.test,unaligned,s=s1) ip=198.51.100.1 reason="no \\"record\\""')
        entry = verdict_log.find(line, "3Zx1Kq4Hj")
        self.assertEqual(entry.all("dkim"), ["none", "pass(a.test,unaligned,s=s1)"])
        self.assertEqual(entry.get("reason"), 'no "record"')
        self.assertIsNone(entry.word)
        with self.assertRaises(AssertionError):
            verdict_log.find(line, "OTHERQID")


if __name__ == "__main__":
    unittest.main(verbosity=2)
