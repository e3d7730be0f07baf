#!/usr/bin/python3
"""Integration scenarios: a real Postfix on loopback hands every message to the built
dmarc-milter, which asks a real NSD serving tests/data/integration/zones. Each class is
one daemon configuration (and one ctest, integration_<Class>); each test sends with swaks,
the client set by XCLIENT to a non-loopback test address unique to the test, and asserts
the reply, the hold state, our parsed Authentication-Results and the log line. Every
scenario has a negative control: the same message made to come out the other way.

    DMARC_MILTER=build/milter/dmarc-milter tests/dns/netns-run tests/integration/scenarios.py [Class…]

Addresses: 192.0.2.0/24 and 2001:db8::/32 are mydomain.test's own servers (its SPF);
198.51.100.0/24 the ESP (bounce.esp.test, mail.mydomain.test, mail.strict.test);
203.0.113.0/24 a forwarder; 198.18.0.0/24 and 3fff::/20 hosts nobody authorises.
"""

import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean of __pycache__
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import dns_servers  # noqa: E402
import integration_env as env  # noqa: E402
import mail_message  # noqa: E402
from scenario_base import MilterScenario  # noqa: E402
from smtp_client import Client  # noqa: E402

ESP = "198.51.100"
UNAUTHORISED = "198.18.0"


def esp_client(host):
    return Client(addr=f"{ESP}.{host}", helo="mta.esp.test")


def stranger(host):
    return Client(addr=f"{UNAUTHORISED}.{host}", helo="host.unknown.test")


def from_news(domain="mydomain.test", **kwargs):
    return mail_message.build(f"News <news@{domain}>", **kwargs)


class EnforcementDefaults(MilterScenario):
    """The shipped enforcement settings: p=reject failures are marked, not rejected."""

    def test_esp_with_aligned_dkim_passes_and_logs_spf_unaligned(self):
        message = self.signed(from_news())
        d = self.deliver(message, client=esp_client(10), mail_from="bounce-1@bounce.esp.test")
        self.assert_accepted(d)
        auth = d.our_ar()
        self.assert_result(auth, "spf", "pass", smtp_mailfrom="bounce.esp.test")
        self.assert_result(auth, "dkim", "pass", header_d="mydomain.test", header_s="sel1",
                           header_b=mail_message.signature_b_prefix(message))
        self.assert_result(auth, "dmarc", "pass", header_from="mydomain.test", policy_dmarc="none")
        self.assert_not_marked(d)
        self.assert_log(d, **{"from": "mydomain.test"}, dmarc="pass", policy="reject",
                        spf="pass(bounce.esp.test,unaligned)", dkim=["pass(mydomain.test,aligned,s=sel1)"],
                        disposition="none", ip=f"{ESP}.10")

    def test_esp_without_dkim_under_p_reject_is_marked_not_rejected(self):
        d = self.deliver(from_news(), client=esp_client(11), mail_from="bounce-2@bounce.esp.test")
        self.assert_accepted(d)
        auth = d.our_ar()
        self.assert_result(auth, "spf", "pass", smtp_mailfrom="bounce.esp.test")
        self.assert_result(auth, "dkim", "none")
        dmarc = self.assert_result(auth, "dmarc", "fail", header_from="mydomain.test", policy_dmarc="quarantine")
        self.assertIn("override=local_policy", " ".join(dmarc.comments))
        self.assert_marked(d, "mydomain.test")
        self.assert_log(d, dmarc="fail", policy="reject", spf="pass(bounce.esp.test,unaligned)", dkim=["none"],
                        disposition="quarantine", requested="reject", override="local_policy",
                        action="mark", ip=f"{ESP}.11")

    def test_custom_mail_from_subdomain_is_aligned_in_relaxed_mode(self):
        d = self.deliver(from_news(), client=esp_client(12), mail_from="bounce@mail.mydomain.test")
        self.assert_accepted(d)
        self.assert_result(d.our_ar(), "spf", "pass", smtp_mailfrom="mail.mydomain.test")
        self.assert_result(d.our_ar(), "dmarc", "pass", header_from="mydomain.test")
        self.assert_not_marked(d)
        self.assert_log(d, dmarc="pass", spf="pass(mail.mydomain.test,aligned)", disposition="none")

    def test_custom_mail_from_subdomain_is_not_aligned_with_aspf_strict(self):
        d = self.deliver(from_news("strict.test"), client=esp_client(13), mail_from="bounce@mail.strict.test")
        self.assert_accepted(d)
        self.assert_result(d.our_ar(), "spf", "pass", smtp_mailfrom="mail.strict.test")
        self.assert_result(d.our_ar(), "dmarc", "fail", header_from="strict.test")
        self.assert_marked(d, "strict.test")
        self.assert_log(d, dmarc="fail", spf="pass(mail.strict.test,unaligned)", disposition="quarantine")

    def test_subdomain_gets_sp_quarantine(self):
        d = self.deliver(from_news("news.subpolicy.test"), client=stranger(20),
                         mail_from="news@news.subpolicy.test")
        self.assert_accepted(d)
        self.assert_result(d.our_ar(), "dmarc", "fail", header_from="news.subpolicy.test",
                           policy_dmarc="quarantine")
        self.assert_marked(d, "news.subpolicy.test")
        self.assert_log(d, dmarc="fail", policy="quarantine", disposition="quarantine", requested=None,
                        override=None, record="subpolicy.test(organizational,sp)")

    def test_organizational_domain_gets_p_reject_not_sp(self):
        d = self.deliver(from_news("subpolicy.test"), client=stranger(21), mail_from="news@subpolicy.test")
        self.assert_accepted(d)
        self.assert_log(d, dmarc="fail", policy="reject", requested="reject", disposition="quarantine",
                        override="local_policy", record="subpolicy.test(author,p)")

    def test_non_existent_subdomain_gets_np_reject(self):
        d = self.deliver(from_news("ghost.nonexist.test"), client=stranger(22),
                         mail_from="news@ghost.nonexist.test")
        self.assert_accepted(d)
        self.assert_marked(d, "ghost.nonexist.test")
        self.assert_log(d, dmarc="fail", policy="reject", requested="reject", disposition="quarantine",
                        override="local_policy", record="nonexist.test(organizational,np)")

    def test_existing_subdomain_gets_sp_none(self):
        d = self.deliver(from_news("real.nonexist.test"), client=stranger(23),
                         mail_from="news@real.nonexist.test")
        self.assert_accepted(d)
        self.assert_not_marked(d)
        self.assert_log(d, dmarc="fail", policy="none", disposition="none",
                        record="nonexist.test(organizational,sp)")

    def test_testing_domain_gets_policy_test_mode(self):
        d = self.deliver(from_news("testmode.test"), client=stranger(24), mail_from="news@testmode.test")
        self.assert_accepted(d)
        dmarc = self.assert_result(d.our_ar(), "dmarc", "fail", header_from="testmode.test")
        self.assertIn("override=policy_test_mode", " ".join(dmarc.comments))
        self.assert_log(d, dmarc="fail", policy="reject", override="policy_test_mode")

    def test_body_changed_in_transit_fails_dkim(self):
        message = mail_message.alter_body(self.signed(from_news()))
        d = self.deliver(message, client=esp_client(14), mail_from="bounce-3@bounce.esp.test")
        self.assert_accepted(d)
        self.assert_result(d.our_ar(), "dkim", "fail", header_d="mydomain.test", header_s="sel1")
        self.assert_result(d.our_ar(), "dmarc", "fail", header_from="mydomain.test")
        self.assert_marked(d, "mydomain.test")
        self.assert_log(d, dmarc="fail", dkim=["fail(mydomain.test,unevaluated,s=sel1)"])  # only a pass is checked for alignment

    def test_forwarded_message_with_intact_dkim_passes(self):
        message = self.signed(mail_message.build("Alice <alice@mydomain.test>"))
        d = self.deliver(message, client=Client(addr="203.0.113.50", helo="relay.forwarder.test"),
                         mail_from="alice@mydomain.test")
        self.assert_accepted(d)
        self.assert_result(d.our_ar(), "spf", "fail", smtp_mailfrom="mydomain.test")
        self.assert_result(d.our_ar(), "dkim", "pass", header_d="mydomain.test")
        self.assert_result(d.our_ar(), "dmarc", "pass")
        self.assert_not_marked(d)
        self.assert_log(d, dmarc="pass", dkim=["pass(mydomain.test,aligned,s=sel1)"], ip="203.0.113.50")

    def test_forwarded_message_with_broken_dkim_fails(self):
        message = mail_message.alter_body(self.signed(mail_message.build("Alice <alice@mydomain.test>")))
        d = self.deliver(message, client=Client(addr="203.0.113.51", helo="relay.forwarder.test"),
                         mail_from="alice@mydomain.test")
        self.assert_accepted(d)
        self.assert_result(d.our_ar(), "dmarc", "fail")
        self.assert_marked(d, "mydomain.test")
        self.assert_log(d, dmarc="fail", override="local_policy", ip="203.0.113.51")

    def test_forged_authentication_results_of_ours_are_removed_others_kept(self):
        forged = [("Authentication-Results", f"{self.authserv_id}; dmarc=pass header.from=mydomain.test"),
                  ("Authentication-Results", "MX.TEST.; spf=pass smtp.mailfrom=mydomain.test"),
                  ("Authentication-Results", "relay.other.test; spf=pass smtp.mailfrom=mydomain.test"),
                  ("Authentication-Results", "mx.test.example; dkim=pass header.d=mydomain.test")]
        d = self.deliver(from_news(extra=forged), client=stranger(30), mail_from="news@mydomain.test")
        self.assert_accepted(d)
        self.assert_result(d.our_ar(), "dmarc", "fail", header_from="mydomain.test")
        self.assertEqual(sorted(auth.authserv_id for auth in d.others), ["mx.test.example", "relay.other.test"],
                         d.context)
        self.assert_log(d, dmarc="fail", deleted_ar="2")

    def test_authenticated_submission_is_skipped(self):
        client = Client(addr=f"{UNAUTHORISED}.31", helo="laptop.mydomain.test", login="alice")
        d = self.deliver(from_news(), client=client, mail_from="news@mydomain.test")
        self.assert_accepted(d)
        self.assertEqual(d.ours, [], d.context)
        self.assert_not_marked(d)
        self.assertIsNotNone(d.log, d.context)
        self.assertEqual(d.log.word, "skip", d.context)
        self.assertEqual(d.log.get("ip"), f"{UNAUTHORISED}.31", d.context)

    def test_unauthenticated_same_message_is_checked(self):
        d = self.deliver(from_news(), client=stranger(32), mail_from="news@mydomain.test")
        self.assert_accepted(d)
        self.assert_result(d.our_ar(), "dmarc", "fail", header_from="mydomain.test")
        self.assert_marked(d, "mydomain.test")

    def test_several_authors_get_the_strictest_verdict(self):
        message = self.signed(mail_message.build("news@mydomain.test, partner@partner.test",
                                                 extra=[("Sender", "news@mydomain.test")]))
        d = self.deliver(message, client=esp_client(40), mail_from="bounce-4@bounce.esp.test")
        self.assert_accepted(d)
        self.assert_marked(d, "partner.test")
        self.assert_log(d, **{"from": "partner.test"}, dmarc="fail", disposition="quarantine", authors="2")

    def test_single_author_of_the_pair_passes(self):
        message = self.signed(mail_message.build("news@mydomain.test"))
        d = self.deliver(message, client=esp_client(41), mail_from="bounce-5@bounce.esp.test")
        self.assert_accepted(d)
        self.assert_not_marked(d)
        self.assert_log(d, **{"from": "mydomain.test"}, dmarc="pass", authors=None)

    def test_ipv6_client_in_spf_passes(self):
        client = Client(addr="2001:db8::25", helo="mail.mydomain.test")
        d = self.deliver(from_news(), client=client, mail_from="news@mydomain.test", server="::1")
        self.assert_accepted(d)
        self.assert_result(d.our_ar(), "spf", "pass", smtp_mailfrom="mydomain.test")
        self.assert_result(d.our_ar(), "dmarc", "pass", header_from="mydomain.test")
        self.assert_log(d, dmarc="pass", spf="pass(mydomain.test,aligned)", ip="2001:db8::25")

    def test_ipv6_client_outside_spf_fails(self):
        client = Client(addr="3fff::25", helo="host.unknown.test")
        d = self.deliver(from_news(), client=client, mail_from="news@mydomain.test", server="::1")
        self.assert_accepted(d)
        self.assert_result(d.our_ar(), "spf", "fail", smtp_mailfrom="mydomain.test")
        self.assert_marked(d, "mydomain.test")
        self.assert_log(d, dmarc="fail", ip="3fff::25")


class RejectFailures(MilterScenario):
    """RejectFailures yes: p=reject failures get 550 5.7.1, except where an override or a
    never-rejected recipient says otherwise."""

    settings = {"RejectFailures": "yes"}

    def test_esp_without_dkim_is_rejected(self):
        d = self.deliver(from_news(), client=esp_client(50), mail_from="bounce-6@bounce.esp.test")
        self.assert_refused(d, 550, "5.7.1", "Email rejected per DMARC policy for mydomain.test")
        self.assert_log(d, dmarc="fail", disposition="reject", action="reject",
                        reply="550 5.7.1 Email rejected per DMARC policy for mydomain.test")

    def test_esp_with_aligned_dkim_is_accepted(self):
        d = self.deliver(self.signed(from_news()), client=esp_client(51), mail_from="bounce-7@bounce.esp.test")
        self.assert_accepted(d)
        self.assert_log(d, dmarc="pass", disposition="none")

    def test_postmaster_is_never_rejected(self):
        d = self.deliver(from_news(to="postmaster@inbound.test"), client=esp_client(52),
                         mail_from="bounce-8@bounce.esp.test", rcpt="postmaster@inbound.test")
        self.assert_accepted(d)
        self.assert_result(d.our_ar(), "dmarc", "fail", header_from="mydomain.test")
        self.assert_marked(d, "mydomain.test")
        self.assert_log(d, dmarc="fail", disposition="quarantine", action="mark",
                        exempt="postmaster@inbound.test")

    def test_non_existent_subdomain_is_rejected_naming_the_policy_domain(self):
        d = self.deliver(from_news("ghost.nonexist.test"), client=stranger(53),
                         mail_from="news@ghost.nonexist.test")
        self.assert_refused(d, 550, "5.7.1", "Email rejected per DMARC policy for nonexist.test")

    def test_testing_domain_is_not_rejected(self):
        d = self.deliver(from_news("testmode.test"), client=stranger(54), mail_from="news@testmode.test")
        self.assert_accepted(d)
        self.assert_marked(d, "testmode.test")
        self.assert_log(d, dmarc="fail", requested="reject", disposition="quarantine", override="policy_test_mode")


class HoldQuarantined(MilterScenario):
    """HoldQuarantinedMessages yes: quarantine puts the message in Postfix's hold queue.
    MailingListAction accept (it shares this daemon to save a Postfix round): a failing
    message with List-Id is delivered as it is, override mailing_list."""

    settings = {"HoldQuarantinedMessages": "yes", "MailingListAction": "accept"}

    def test_failing_message_is_held(self):
        d = self.deliver(from_news(), client=esp_client(60), mail_from="bounce-9@bounce.esp.test")
        self.assert_accepted(d, held=True)
        self.assert_marked(d, "mydomain.test")
        self.assert_log(d, dmarc="fail", disposition="quarantine", action="hold")

    def test_passing_message_is_not_held(self):
        d = self.deliver(self.signed(from_news()), client=esp_client(61), mail_from="bounce-10@bounce.esp.test")
        self.assert_accepted(d, held=False)
        self.assert_log(d, dmarc="pass", action=None)

    def test_failing_mailing_list_message_is_accepted(self):
        listed = from_news(extra=[("List-Id", "Test list <news.lists.mydomain.test>")])
        d = self.deliver(listed, client=stranger(62), mail_from="news@mydomain.test")
        self.assert_accepted(d, held=False)
        dmarc = self.assert_result(d.our_ar(), "dmarc", "fail", header_from="mydomain.test", policy_dmarc="none")
        self.assertIn("override=mailing_list", " ".join(dmarc.comments))
        self.assert_not_marked(d)
        self.assert_log(d, dmarc="fail", policy="reject", requested="reject", disposition="none",
                        override="mailing_list", action=None, ip=f"{UNAUTHORISED}.62")

    def test_same_message_without_list_id_is_held(self):
        d = self.deliver(from_news(), client=stranger(63), mail_from="news@mydomain.test")
        self.assert_accepted(d, held=True)
        self.assert_result(d.our_ar(), "dmarc", "fail", header_from="mydomain.test", policy_dmarc="quarantine")
        self.assert_marked(d, "mydomain.test")
        self.assert_log(d, dmarc="fail", requested="reject", disposition="quarantine", override="local_policy",
                        action="hold", ip=f"{UNAUTHORISED}.63")


class TrustedForwarders(MilterScenario):
    """TrustedForwarders lists the forwarder's network: its failing mail is spared."""

    settings = {"TrustedForwarders": "203.0.113.0/24", "RejectFailures": "yes"}

    def broken_forward(self):
        return mail_message.alter_body(self.signed(mail_message.build("Alice <alice@mydomain.test>")))

    def test_allow_listed_forwarder_gets_trusted_forwarder(self):
        d = self.deliver(self.broken_forward(), client=Client(addr="203.0.113.60", helo="relay.forwarder.test"),
                         mail_from="alice@mydomain.test")
        self.assert_accepted(d)
        dmarc = self.assert_result(d.our_ar(), "dmarc", "fail", header_from="mydomain.test")
        self.assertIn("override=trusted_forwarder", " ".join(dmarc.comments))
        self.assert_not_marked(d)
        self.assert_log(d, dmarc="fail", disposition="none", override="trusted_forwarder", ip="203.0.113.60")

    def test_other_relay_is_rejected(self):
        d = self.deliver(self.broken_forward(), client=stranger(61), mail_from="alice@mydomain.test")
        self.assert_refused(d, 550, "5.7.1", "Email rejected per DMARC policy for mydomain.test")


class MultipleFromReject(MilterScenario):
    """MultipleFromAction reject: a message with several From fields is refused."""

    settings = {"MultipleFromAction": "reject"}

    def test_several_from_fields_are_rejected(self):
        message = self.signed(mail_message.build(["news@mydomain.test", "partner@partner.test"]))
        d = self.deliver(message, client=esp_client(70), mail_from="bounce-11@bounce.esp.test")
        self.assertEqual((d.reply.code, d.reply.enhanced), (550, "5.7.1"), d.context)
        self.assertIsNone(d.reply.queue_id, d.context)

    def test_one_from_field_is_accepted(self):
        message = self.signed(mail_message.build("news@mydomain.test"))
        d = self.deliver(message, client=esp_client(71), mail_from="bounce-12@bounce.esp.test")
        self.assert_accepted(d)
        self.assert_log(d, dmarc="pass")


class DnsTimeout(MilterScenario):
    """The milter asks tests/data/integration/dns_timeout.yaml's responder, which never
    answers for _dmarc.slowdns.test: DNSTempErrorAction tempfail (the default) defers."""

    responder = None

    @classmethod
    def nameserver(cls):
        cls.responder = dns_servers.Responder(env.RESPONDER_PY, os.path.join(env.DATA_DIR, "dns_timeout.yaml"))
        cls.addClassCleanup(cls.responder.stop)
        cls.responder.start()
        return cls.responder.address

    def test_dmarc_lookup_timing_out_is_deferred(self):
        d = self.deliver(from_news("slowdns.test"), client=esp_client(80), mail_from="bounce@fastdns.test")
        self.assert_refused(d, 451, "4.7.1", "DMARC policy evaluation failed temporarily, try again later")
        self.assertGreaterEqual(self.responder.query_count("_dmarc.slowdns.test"), 1)
        self.assert_log(d, dmarc="temperror", action="tempfail", ip=f"{ESP}.80")

    def test_dmarc_lookup_answered_is_accepted(self):
        d = self.deliver(from_news("fastdns.test"), client=esp_client(81), mail_from="bounce@fastdns.test")
        self.assert_accepted(d)
        self.assert_result(d.our_ar(), "dmarc", "pass", header_from="fastdns.test")


class DefaultConfiguration(MilterScenario):
    """Nothing but where to listen, which name server and the log on stderr: the shipped
    defaults must never answer 550, even for a p=reject failure."""

    settings = {"Syslog": "no"}
    only_settings = True
    authserv_id = os.uname().nodename

    def test_p_reject_failure_is_marked_not_rejected(self):
        d = self.deliver(from_news(), client=esp_client(90), mail_from="bounce-13@bounce.esp.test")
        self.assert_accepted(d)
        self.assert_result(d.our_ar(), "dmarc", "fail", header_from="mydomain.test")
        self.assert_marked(d, "mydomain.test")
        self.assert_log(d, dmarc="fail", requested="reject", disposition="quarantine", ip=f"{ESP}.90")

    def test_np_reject_failure_is_marked_not_rejected(self):
        d = self.deliver(from_news("ghost.nonexist.test"), client=stranger(91),
                         mail_from="news@ghost.nonexist.test")
        self.assert_accepted(d)
        self.assert_marked(d, "ghost.nonexist.test")

    def test_passing_message_is_not_marked(self):
        d = self.deliver(self.signed(from_news()), client=esp_client(92), mail_from="bounce-14@bounce.esp.test")
        self.assert_accepted(d)
        self.assert_result(d.our_ar(), "dmarc", "pass", header_from="mydomain.test")
        self.assert_not_marked(d)

    def test_two_from_fields_get_the_strictest_verdict(self):
        # MultipleFromAction strictest (the default): mydomain.test passes by DKIM,
        # partner.test (p=reject) has nothing aligned; the message gets partner.test's verdict.
        message = self.signed(mail_message.build(["news@mydomain.test", "partner@partner.test"]))
        d = self.deliver(message, client=esp_client(93), mail_from="bounce-15@bounce.esp.test")
        self.assert_accepted(d)
        self.assert_result(d.our_ar(), "dkim", "pass", header_d="mydomain.test")
        self.assert_result(d.our_ar(), "dmarc", "fail", header_from="partner.test", policy_dmarc="quarantine")
        self.assert_marked(d, "partner.test")
        self.assert_log(d, **{"from": "partner.test"}, dmarc="fail", requested="reject", disposition="quarantine",
                        override="local_policy", action="mark", authors="2", ip=f"{ESP}.93")

    def test_two_passing_from_fields_are_not_marked(self):
        # The same shape with the second author in esp.test, aligned by SPF (bounce.esp.test).
        message = self.signed(mail_message.build(["news@mydomain.test", "notices@esp.test"]))
        d = self.deliver(message, client=esp_client(94), mail_from="bounce-16@bounce.esp.test")
        self.assert_accepted(d)
        self.assert_result(d.our_ar(), "dmarc", "pass", header_from="mydomain.test")
        self.assert_not_marked(d)
        self.assert_log(d, dmarc="pass", disposition="none", action=None, authors="2", ip=f"{ESP}.94")


if __name__ == "__main__":
    unittest.main(verbosity=2)
