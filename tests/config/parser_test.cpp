// Unit tests for lib/config/config_parser.cpp: whole files (comments, quoting, case),
// the data files IgnoreHosts and LocalPolicyFile (contents, errors at their own
// file:line, unreadable files), loadConfig and defaultConfig, and the round trip
// --dump-config → parse → identical Config for defaults and for a file that changes
// every setting. Single-threaded, deterministic (in-memory files, fixed host name).
#include <catch2/catch.hpp>

#include <string>

#include "config/config_render.h"
#include "config_test_support.h"

using namespace dmarc::config;
using namespace dmarc::config::testing;
using dmarc::core::Disposition;
using dmarc::core::DomainName;

namespace {

// A file that sets every setting to something other than its default.
const std::string kEverySetting = R"(# every setting, none at its default
Socket                      unix:/var/spool/postfix/dmarc/milter.sock
UMask                       0002
UserID                      dmarc:dmarc
PidFile                     /run/dmarc-milter.pid
MilterTimeout               10m
IgnoreNetworks              192.0.2.0/24, 2001:db8::/48
IgnoreHosts                 /etc/dmarc/ignore.hosts
IgnoreAuthenticatedClients  no
IgnoreDaemonNames           submission smtps
TrustedRelays               198.51.100.7
TrustedAuthservIDs          filter.example.net
AuthservID                  mx1.example.net
MaxAuthResultsSignatures    4
Mode                        rfc7489
MonitorOnly                 yes
RejectFailures              yes
RejectReply                 "550 says no to DOMAIN # really"
HoldQuarantinedMessages     yes
QuarantineHeader            X-Spam-Flag
NeverRejectRecipients       dmarc-reports@example.net, hostmaster
TrustedForwarders           192.0.2.99, forwarder.example
TrustedForwarderAction      quarantine
MailingListAction           quarantine
LocalPolicyFile             /etc/dmarc/policies
MultipleFromAction          reject
MissingFromAction           reject
DNSTempErrorAction          accept
InternalErrorAction         accept
TempFailReply               "  later  "
Nameservers                 127.0.0.1:5353
DNSTimeout                  750ms
DNSRetries                  3
DNSCacheSize                0
DNSTtlFloor                 0
DNSTtlCeiling               1h
MaxDkimSignatures           16
MinimumKeyBits              2048
PublicSuffixList            /var/lib/psl.dat
Syslog                      no
SyslogFacility              local5
LogLevel                    debug
)";

ParseContext everyFileContext() {
    return testContext({{"/etc/dmarc/ignore.hosts", "10.0.0.0/8\n"},
                        {"/etc/dmarc/policies", "example.com none\n"}});
}

}  // namespace

TEST_CASE("parser: a file setting everything differs from the defaults in every setting") {
    const auto context = everyFileContext();
    const Config config = parseOk(kEverySetting, context);
    const Config defaults = parseOk("", context);
    for (const Setting& setting : settings()) {
        CAPTURE(setting.name);
        CHECK(setting.format(config) != setting.format(defaults));
    }
    CHECK(config.rejectReply == "550 says no to DOMAIN # really");
    CHECK(config.tempFailReply == "  later  ");
}

TEST_CASE("parser: --dump-config parses back to the identical snapshot") {
    const auto context = everyFileContext();
    for (const std::string& text : {std::string(), kEverySetting}) {
        const Config config = parseOk(text, context);
        const std::string dump = dumpConfig(config);
        CAPTURE(dump);
        const Config again = parseOk(dump, context);
        CHECK(again == config);
        CHECK(dumpConfig(again) == dump);
    }
}

TEST_CASE("parser: keys are case-insensitive, values keep their case where it matters") {
    const Config config = parseOk("rejectreply Go Away DOMAIN\nREJECTFAILURES YES\nsYsLoG No");
    CHECK(config.rejectReply == "Go Away DOMAIN");
    CHECK(config.rejectFailures);
    CHECK_FALSE(config.syslog);
}

TEST_CASE("parser: comments, blank lines and CRLF line ends") {
    const Config config = parseOk(
        "# dmarc-milter.conf\r\n"
        "\r\n"
        "  # indented comment\r\n"
        "RejectFailures yes   # trailing comment\r\n"
        "QuarantineHeader X-Has#Hash\r\n"
        "RejectReply \"Rejected # not a comment\"   # a comment\r\n");
    CHECK(config.rejectFailures);
    CHECK(config.quarantineHeader == "X-Has#Hash");
    CHECK(config.rejectReply == "Rejected # not a comment");
}

TEST_CASE("parser: IgnoreHosts reads its networks from the file") {
    const auto context = testContext({{"/etc/ignore", "# office\n10.0.0.0/8  # LAN\n\n192.0.2.0/24, 2001:db8::/32\r\n"}});
    const Config config = parseOk("IgnoreHosts /etc/ignore", context);
    CHECK(config.ignoreHosts.path == "/etc/ignore");
    REQUIRE(config.ignoreHosts.networks.size() == 3);
    CHECK(dmarc::core::formatIpNetwork(config.ignoreHosts.networks[2]) == "2001:db8::/32");
    CHECK(parseOk("IgnoreHosts /etc/empty", testContext({{"/etc/empty", "# nothing yet\n"}})).ignoreHosts.networks.empty());
}

TEST_CASE("parser: LocalPolicyFile reads per-domain rules") {
    const auto context = testContext(
        {{"/etc/policies", "# rules\nExample.COM none\nstrict.example  reject # always\nlists.example,quarantine\n"}});
    const Config config = parseOk("LocalPolicyFile /etc/policies", context);
    CHECK(config.localPolicies.path == "/etc/policies");
    REQUIRE(config.localPolicies.rules.size() == 3);
    CHECK(config.localPolicies.rules.at(DomainName::parse("example.com").value()) == Disposition::None);
    CHECK(config.localPolicies.rules.at(DomainName::parse("strict.example").value()) == Disposition::Reject);
    CHECK(config.localPolicies.rules.at(DomainName::parse("lists.example").value()) == Disposition::Quarantine);
}

TEST_CASE("parser: errors inside data files name that file and its line") {
    const auto [setting, contents, message] = GENERATE(table<std::string, std::string, std::string>({
        {"IgnoreHosts", "10.0.0.0/8\n\n10.0.0.1/8\n",
         "/data:3: IgnoreHosts: \"10.0.0.1/8\": address bits beyond the prefix length are set (did you mean "
         "10.0.0.0/8?)"},
        {"IgnoreHosts", "mail.example.com\n", "/data:1: IgnoreHosts: \"mail.example.com\": not an IPv4 or IPv6 address"},
        {"IgnoreHosts", std::string("10.0.0.0/8\n\0\n", 13), "/data:2: IgnoreHosts: NUL byte in line"},
        {"LocalPolicyFile", "example.com\n", "/data:1: LocalPolicyFile: expected \"DOMAIN none|quarantine|reject\""},
        {"LocalPolicyFile", "example.com reject extra\n",
         "/data:1: LocalPolicyFile: expected \"DOMAIN none|quarantine|reject\""},
        {"LocalPolicyFile", "example.com block\n",
         "/data:1: LocalPolicyFile: \"block\" is not one of: none, quarantine, reject"},
        {"LocalPolicyFile", "#\nexample..com none\n",
         "/data:2: LocalPolicyFile: \"example..com\" is not a domain name: empty label (leading dot, two dots in a "
         "row, or more than one trailing dot)"},
        {"LocalPolicyFile", "example.com none\nEXAMPLE.com reject\n",
         "/data:2: LocalPolicyFile: example.com is listed twice (first on line 1)"},
    }));
    CAPTURE(setting, contents);
    CHECK(errorOf("LogLevel info\n" + setting + " /data", testContext({{"/data", contents}})) == message);
}

TEST_CASE("parser: an unreadable data file is an error on the line naming it") {
    const auto parsed = parse("LogLevel info\nIgnoreHosts /missing");
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.error().kind == ConfigErrorKind::CannotRead);
    CHECK(describe(parsed.error()) == "t.conf:2: IgnoreHosts: cannot read /missing: No such file or directory");
    CHECK(errorOf("LocalPolicyFile /missing") ==
          "t.conf:1: LocalPolicyFile: cannot read /missing: No such file or directory");
    ParseContext noFiles;
    noFiles.hostName = "mx.example.net";
    CHECK(errorOf("IgnoreHosts /x", noFiles) == "t.conf:1: IgnoreHosts: cannot read /x: no file access");
}

TEST_CASE("parser: loadConfig reads the file through the context") {
    const auto context = testContext({{"/etc/dmarc-milter.conf", "RejectFailures yes\n"}, {"/bad.conf", "Nope 1\n"}});
    const auto loaded = loadConfig("/etc/dmarc-milter.conf", context);
    REQUIRE(loaded.ok());
    CHECK((*loaded)->rejectFailures);

    const auto missing = loadConfig("/nowhere.conf", context);
    REQUIRE_FALSE(missing.ok());
    CHECK(missing.error().kind == ConfigErrorKind::CannotRead);
    CHECK(describe(missing.error()) == "/nowhere.conf: No such file or directory");

    const auto bad = loadConfig("/bad.conf", context);
    REQUIRE_FALSE(bad.ok());
    CHECK(describe(bad.error()) == "/bad.conf:1: Nope: unknown key");
}

TEST_CASE("parser: defaultConfig is an empty file's configuration") {
    const auto context = testContext();
    const auto defaults = defaultConfig(context);
    REQUIRE(defaults.ok());
    CHECK(**defaults == parseOk("", context));
    CHECK(**defaults == parseOk("# only comments\n\n", context));
}

TEST_CASE("parser: every snapshot is a new immutable object") {
    const auto first = parse("LogLevel debug");
    const auto second = parse("LogLevel debug");
    REQUIRE(first.ok());
    REQUIRE(second.ok());
    CHECK(first.value().get() != second.value().get());
    CHECK(*first.value() == *second.value());
}

TEST_CASE("parser: the system context reads real files and knows the host name") {
    const ParseContext context = systemParseContext();
    CHECK_FALSE(context.hostName.empty());
    const auto self = context.readFile(DMARC_SOURCE_DIR "/conf/dmarc-milter.conf");
    REQUIRE(self.ok());
    CHECK(*self == exampleConfig());
    CHECK_FALSE(context.readFile("/nonexistent/dmarc-milter.conf").ok());
    CHECK(context.readFile("/").error() == "not a regular file");
}

TEST_CASE("parser: every error kind has words, and describe leaves out what is absent") {
    for (const auto kind : {ConfigErrorKind::CannotRead, ConfigErrorKind::Syntax, ConfigErrorKind::UnknownKey,
                            ConfigErrorKind::DuplicateKey, ConfigErrorKind::MissingValue, ConfigErrorKind::BadValue,
                            ConfigErrorKind::Inconsistent}) {
        CHECK_FALSE(describe(kind).empty());
    }
    CHECK(describe(ConfigError{ConfigErrorKind::BadValue, "f.conf", 7, "Socket", "why"}) == "f.conf:7: Socket: why");
    CHECK(describe(ConfigError{ConfigErrorKind::Syntax, "f.conf", 7, "", "why"}) == "f.conf:7: why");
    CHECK(describe(ConfigError{ConfigErrorKind::CannotRead, "f.conf", 0, "", "why"}) == "f.conf: why");
    CHECK(describe(ConfigError{ConfigErrorKind::BadValue, "f.conf", 0, "AuthservID", "why"}) == "f.conf: AuthservID: why");
}
