"""The fixture every scenario class shares: one NSD (tests/data/integration/zones) and one
private Postfix per test process, one dmarc-milter per scenario class (its settings are
the class's), Postfix's smtpd_milters pointing at it. Each class's tests send messages
with swaks and XCLIENT and assert on integration_env.Delivery.

Run one class per process (ctest does: integration_<Class>), inside tests/dns/netns-run so
nothing leaves loopback. Everything started is stopped in tearDown*, also on failure.
"""

import unittest

import dns_servers
import integration_env as env
import mail_message
import smtp_client
from milter_daemon import MilterDaemon
from postfix_instance import PostfixInstance
from processes import free_port

AUTHSERV_ID = "mx.test"

# The settings every scenario class starts from: our name servers, fast DNS failure, the
# log on stderr, and no IgnoreNetworks, so that only XCLIENT's addresses decide (a message
# judged as coming from loopback would fail the ip= assertions, never pass silently).
BASE_SETTINGS = {
    "DNSTimeout": "500ms",
    "DNSRetries": "0",
    "AuthservID": AUTHSERV_ID,
    "Syslog": "no",
    "IgnoreNetworks": '""',
    "LogLevel": "info",
}


class _Shared:
    nsd = None
    postfix = None
    milter_port = None


def _start_shared():
    if _Shared.postfix is not None:
        return
    _Shared.nsd = dns_servers.Nsd(env.ZONES_DIR)
    unittest.addModuleCleanup(_stop_shared)
    _Shared.nsd.start()
    _Shared.milter_port = free_port(ipv6_too=False)
    _Shared.postfix = PostfixInstance(milter=f"inet:127.0.0.1:{_Shared.milter_port}")
    _Shared.postfix.start()


def _stop_shared():
    if _Shared.postfix is not None:
        _Shared.postfix.stop()
        _Shared.postfix = None
    if _Shared.nsd is not None:
        _Shared.nsd.stop()
        _Shared.nsd = None


class MilterScenario(unittest.TestCase):
    """Subclasses set `settings` (added to BASE_SETTINGS, or instead of it when
    `only_settings`), and may override `nameserver()` to point the milter elsewhere."""

    settings = {}
    only_settings = False
    authserv_id = AUTHSERV_ID

    @classmethod
    def nameserver(cls):
        return _Shared.nsd.address

    @classmethod
    def setUpClass(cls):
        _start_shared()
        cls.postfix = _Shared.postfix
        base = {} if cls.only_settings else dict(BASE_SETTINGS)
        settings = {**base, **cls.settings,
                    "Socket": f"inet:{_Shared.milter_port}@127.0.0.1",
                    "Nameservers": cls.nameserver()}
        cls.milter = MilterDaemon(env.milter_binary(), settings, port=_Shared.milter_port)
        cls.addClassCleanup(cls.milter.stop)
        cls.milter.start()

    # --- sending -----------------------------------------------------------------------

    def deliver(self, message, *, client, mail_from, rcpt="bob@inbound.test", server="127.0.0.1"):
        reply = smtp_client.send(self.postfix.port, message, client=client, mail_from=mail_from,
                                 rcpt=rcpt, server=server)
        delivery = env.collect(reply, self.postfix, self.milter, authserv_id=self.authserv_id,
                               client_ip=client.addr)
        self.assertTrue(self.milter.running(), f"dmarc-milter died\n{delivery.context}")
        return delivery

    def signed(self, message):
        return mail_message.sign(message, env.KEYS_DIR)

    # --- assertions --------------------------------------------------------------------

    def assert_accepted(self, delivery, *, held=False):
        """250 2.0.0 and queued; in the hold queue exactly when `held`."""
        self.assertEqual((delivery.reply.code, delivery.reply.enhanced), (250, "2.0.0"), delivery.context)
        self.assertIsNotNone(delivery.reply.queue_id, delivery.context)
        if held:
            self.assertEqual(delivery.queue_name, "hold", delivery.context)
        else:
            self.assertIn(delivery.queue_name, ("incoming", "active", "deferred"), delivery.context)

    def assert_refused(self, delivery, code, enhanced, text):
        """The end-of-data reply is exactly `code enhanced text` and nothing was queued."""
        self.assertEqual((delivery.reply.code, delivery.reply.enhanced, delivery.reply.text),
                         (code, enhanced, text), delivery.context)
        self.assertIsNone(delivery.reply.queue_id, delivery.context)

    def assert_result(self, auth, method, result, **props):
        """`auth` has exactly one `method` result, equal to `result`, with these properties
        (keyword header_d stands for header.d)."""
        entry = auth.one(method)
        self.assertEqual(entry.result, result, f"{method} in {auth}")
        for key, value in props.items():
            self.assertEqual(entry.props.get(key.replace("_", ".", 1)), value, f"{key} of {method} in {auth}")
        return entry

    def assert_log(self, delivery, **fields):
        """The message's log line has these fields (repeated ones as lists)."""
        self.assertIsNotNone(delivery.log, f"no log line for the message\n{delivery.context}")
        self.assertIsNone(delivery.log.word, delivery.context)
        for key, value in fields.items():
            actual = delivery.log.all(key) if isinstance(value, list) else delivery.log.get(key)
            self.assertEqual(actual, value, f"log field {key}=\n{delivery.context}")

    def assert_not_marked(self, delivery):
        self.assertEqual(delivery.field("X-DMARC-Quarantine"), [], delivery.context)

    def assert_marked(self, delivery, domain):
        marks = delivery.field("X-DMARC-Quarantine")
        self.assertEqual(len(marks), 1, delivery.context)
        self.assertTrue(marks[0].strip().startswith(f"{domain}: DMARC fail"), marks[0])
