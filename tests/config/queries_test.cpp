// Unit tests for lib/config/config.cpp: the questions the milter asks of a snapshot —
// socket strings for libmilter, the core's LocalPolicy, log options, ignored clients,
// trusted forwarders, per-domain rules, never-rejected recipients, the reject text.
// Single-threaded, deterministic.
#include <catch2/catch.hpp>

#include <string>

#include "config_test_support.h"

using namespace dmarc::config;
using namespace dmarc::config::testing;
using dmarc::core::Disposition;
using dmarc::core::DomainName;

namespace {

dmarc::core::ClientIp ip(const std::string& text) {
    const auto parsed = dmarc::core::parseClientIp(text);
    REQUIRE(parsed.has_value());
    return *parsed;
}

DomainName domain(const std::string& text) { return DomainName::parse(text).value(); }

}  // namespace

TEST_CASE("queries: socket strings are what smfi_setconn expects") {
    const auto [input, expected] = GENERATE(table<std::string, std::string>({
        {"inet:8893@127.0.0.1", "inet:8893@127.0.0.1"},
        {"inet:8893", "inet:8893"},
        {"inet6:8893@::1", "inet6:8893@::1"},
        {"local:/run/m.sock", "unix:/run/m.sock"},
    }));
    const Config config = parseOk("Socket " + input);
    CHECK(toString(config.socket) == expected);
    if (input.rfind("local:", 0) == 0) {
        CHECK(config.socket.family == SocketAddress::Family::Unix);
        CHECK(config.socket.path == "/run/m.sock");
    }
    if (input == "inet6:8893@::1") {
        CHECK(config.socket.family == SocketAddress::Family::Inet6);
        CHECK(config.socket.port == 8893);
        CHECK(config.socket.host == "::1");
    }
}

TEST_CASE("queries: the core's enforcement settings follow the configuration") {
    const auto [text, hardReject, forwarderCap, listCap, rfc7489] =
        GENERATE(table<std::string, bool, Disposition, Disposition, bool>({
            {"", false, Disposition::None, Disposition::None, false},
            {"RejectFailures yes", true, Disposition::None, Disposition::None, false},
            {"RejectFailures yes\nMonitorOnly yes", false, Disposition::None, Disposition::None, false},
            {"TrustedForwarderAction quarantine", false, Disposition::Quarantine, Disposition::None, false},
            {"MailingListAction quarantine", false, Disposition::None, Disposition::Quarantine, false},
            {"MailingListAction accept", false, Disposition::None, Disposition::None, false},
            {"Mode rfc7489", false, Disposition::None, Disposition::None, true},
        }));
    CAPTURE(text);
    const auto policy = localPolicy(parseOk(text));
    CHECK(policy.hardReject == hardReject);
    CHECK(policy.trustedForwarderCap == forwarderCap);
    CHECK(policy.mailingListCap == listCap);
    CHECK((policy.mode == dmarc::core::DmarcMode::Rfc7489) == rfc7489);
}

TEST_CASE("queries: log options follow the configuration") {
    const auto options = logOptions(parseOk("Syslog no\nSyslogFacility local2\nLogLevel warning"));
    CHECK_FALSE(options.syslog);
    CHECK(options.facility == dmarc::log::SyslogFacility::Local2);
    CHECK(options.level == dmarc::log::LogLevel::Warning);
    CHECK(logOptions(parseOk("")) ==
          dmarc::log::LogOptions{true, dmarc::log::SyslogFacility::Mail, dmarc::log::LogLevel::Info});
}

TEST_CASE("queries: ignored clients come from IgnoreNetworks and the IgnoreHosts file") {
    const auto context = testContext({{"/hosts", "203.0.113.0/24\n2001:db8:1::/48\n"}});
    const Config config = parseOk("IgnoreNetworks 127.0.0.0/8, ::1, 192.0.2.5\nIgnoreHosts /hosts", context);
    const auto [address, ignored] = GENERATE(table<std::string, bool>({
        {"127.0.0.1", true},
        {"127.1.2.3", true},
        {"::1", true},
        {"::ffff:127.0.0.1", true},
        {"192.0.2.5", true},
        {"192.0.2.6", false},
        {"203.0.113.77", true},
        {"203.0.114.1", false},
        {"2001:db8:1:ffff::1", true},
        {"2001:db8:2::1", false},
        {"::2", false},
    }));
    CAPTURE(address);
    CHECK(isIgnoredClient(config, ip(address)) == ignored);
    CHECK_FALSE(isIgnoredClient(parseOk("IgnoreNetworks \"\""), ip(address)));
}

TEST_CASE("queries: trusted forwarders by address and by authenticated domain") {
    const Config config = parseOk("TrustedForwarders 192.0.2.0/28, 2001:db8::7, forwarder.example");
    CHECK(isTrustedForwarder(config, ip("192.0.2.15")));
    CHECK_FALSE(isTrustedForwarder(config, ip("192.0.2.16")));
    CHECK(isTrustedForwarder(config, ip("2001:db8::7")));
    CHECK_FALSE(isTrustedForwarder(config, ip("2001:db8::8")));
    CHECK(isTrustedForwarder(config, domain("forwarder.example")));
    CHECK(isTrustedForwarder(config, domain("mx1.forwarder.example")));
    CHECK_FALSE(isTrustedForwarder(config, domain("evilforwarder.example")));
    CHECK_FALSE(isTrustedForwarder(config, domain("example")));
    CHECK_FALSE(isTrustedForwarder(parseOk(""), ip("192.0.2.1")));
}

TEST_CASE("queries: per-domain rules match the author domain exactly") {
    const auto context = testContext({{"/rules", "example.com none\nstrict.example reject\n"}});
    const Config config = parseOk("LocalPolicyFile /rules", context);
    CHECK(localPolicyFor(config, domain("example.com")) == Disposition::None);
    CHECK(localPolicyFor(config, domain("EXAMPLE.com")) == Disposition::None);
    CHECK(localPolicyFor(config, domain("strict.example")) == Disposition::Reject);
    CHECK_FALSE(localPolicyFor(config, domain("sub.example.com")).has_value());
    CHECK_FALSE(localPolicyFor(config, domain("com")).has_value());
}

TEST_CASE("queries: postmaster, abuse and listed recipients are never rejected") {
    const Config config = parseOk("NeverRejectRecipients dmarc-reports@Example.net, hostmaster");
    const auto [recipient, exempt] = GENERATE(table<std::string, bool>({
        {"postmaster@example.org", true},
        {"<Postmaster@example.org>", true},
        {"<postmaster>", true},
        {"POSTMASTER", true},
        {"abuse@example.org", true},
        {"<abuse@sub.example.org>", true},
        {"hostmaster@anywhere.example", true},
        {"dmarc-reports@example.net", true},
        {"<DMARC-Reports@EXAMPLE.NET>", true},
        {"dmarc-reports@example.org", false},  // a full address matches only its domain
        {"postmaster2@example.org", false},
        {"notpostmaster@example.org", false},
        {"postmaster.x@example.org", false},
        {"user@postmaster.example", false},
        {"", false},
        {"<>", false},
    }));
    CAPTURE(recipient);
    CHECK(isNeverRejected(config, recipient) == exempt);
}

TEST_CASE("queries: the reject text names the domain, made safe for SMTP") {
    CHECK(rejectText(parseOk(""), "example.com") == "Email rejected per DMARC policy for example.com");
    const Config custom = parseOk("RejectReply \"DOMAIN: no (see https://example.net/dmarc?d=DOMAIN)\"");
    CHECK(rejectText(custom, "a.example") == "a.example: no (see https://example.net/dmarc?d=a.example)");
    CHECK(rejectText(parseOk(""), "evil\r\n250 ok") == "Email rejected per DMARC policy for evil??250 ok");
}
