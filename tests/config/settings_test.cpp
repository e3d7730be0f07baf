// Unit tests for lib/config/settings.cpp and value_codecs.cpp: the table's invariants,
// every setting's accepted spellings and canonical form, every refusal with its exact
// "file:line: key: reason" message, unknown-key suggestions, and which settings a reload
// cannot apply. Single-threaded, deterministic (fixed host name, in-memory files).
#include <catch2/catch.hpp>

#include <algorithm>
#include <set>
#include <string>

#include "config/config_render.h"
#include "config/value_codecs.h"
#include "config_test_support.h"

using namespace dmarc::config;
using namespace dmarc::config::testing;

TEST_CASE("settings: names are unique, well-formed and documented") {
    std::set<std::string> names;
    for (const Setting& setting : settings()) {
        CAPTURE(setting.name);
        CHECK(names.insert(lowerAscii(setting.name)).second);
        CHECK(std::all_of(setting.name.begin(), setting.name.end(),
                          [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }));
        CHECK(std::isupper(static_cast<unsigned char>(setting.name.front())) != 0);
        CHECK_FALSE(setting.section.empty());
        CHECK_FALSE(setting.type.empty());
        CHECK(setting.help.size() > 20);
        CHECK(setting.help.back() == '.');
        CHECK(findSetting(setting.name) == &setting);
        CHECK(findSetting(lowerAscii(setting.name)) == &setting);
    }
    CHECK(names.size() == settings().size());
    CHECK(findSetting("NoSuchSetting") == nullptr);
    CHECK(findSetting("") == nullptr);
}

TEST_CASE("settings: sections are contiguous, so each heading appears once") {
    std::set<std::string_view> seen;
    std::string_view current;
    for (const Setting& setting : settings()) {
        if (setting.section == current) continue;
        current = setting.section;
        CAPTURE(current);
        CHECK(seen.insert(current).second);
    }
}

TEST_CASE("settings: every default parses and is written in canonical form") {
    const Config defaults = parseOk("");
    for (const Setting& setting : settings()) {
        CAPTURE(setting.name);
        if (setting.name == "AuthservID") {
            CHECK(setting.defaultText == "HOSTNAME");
            CHECK(setting.format(defaults) == "mx.example.net");
            continue;
        }
        CHECK(setting.format(defaults) == setting.defaultText);
    }
}

TEST_CASE("settings: the defaults the milter starts with") {
    const Config config = parseOk("");
    CHECK(toString(config.socket) == "inet:8893@127.0.0.1");
    CHECK(config.umask == 07);
    CHECK(config.userId == RunAs{});
    CHECK(config.pidFile.empty());
    CHECK(config.milterTimeout == std::chrono::seconds(7210));
    CHECK(config.ignoreNetworks.size() == 2);
    CHECK(config.ignoreHosts == NetworkFile{});
    CHECK(config.ignoreAuthenticatedClients);
    CHECK(config.ignoreDaemonNames.empty());
    CHECK(config.trustedRelays.empty());
    CHECK(config.trustedAuthservIds.empty());
    CHECK(config.authservId == "mx.example.net");
    CHECK(config.maxAuthResultsSignatures == 8);
    CHECK(config.mode == dmarc::core::DmarcMode::Rfc9989);
    CHECK_FALSE(config.monitorOnly);
    CHECK_FALSE(config.rejectFailures);  // RFC 9989 §7.4: hard reject is opt-in
    CHECK(config.rejectReply == "Email rejected per DMARC policy for DOMAIN");
    CHECK_FALSE(config.holdQuarantined);
    CHECK(config.quarantineHeader == "X-DMARC-Quarantine");
    CHECK(config.neverRejectRecipients.empty());
    CHECK(config.trustedForwarders == TrustedForwarders{});
    CHECK(config.trustedForwarderAction == ForwarderAction::Accept);
    CHECK(config.mailingListAction == MailingListAction::Off);
    CHECK(config.localPolicies == DomainPolicyFile{});
    // The default configuration never answers 550 (issue 4): no reject for several or no From.
    CHECK(config.multipleFromAction == MultipleFromAction::Strictest);
    CHECK(config.missingFromAction == MissingFromAction::Accept);
    CHECK(config.dnsTempErrorAction == ErrorAction::TempFail);
    CHECK(config.internalErrorAction == ErrorAction::TempFail);
    CHECK(config.nameservers.empty());
    CHECK(config.dnsTimeout == std::chrono::milliseconds(2000));
    CHECK(config.dnsRetries == 1);
    CHECK(config.dnsCacheSize == 10000);
    CHECK(config.dnsTtlFloor == std::chrono::seconds(5));
    CHECK(config.dnsTtlCeiling == std::chrono::seconds(86400));
    CHECK(config.maxDkimSignatures == 8);
    CHECK(config.minimumKeyBits == 1024);
    CHECK(config.publicSuffixList.empty());
    CHECK(config.syslog);
    CHECK(config.syslogFacility == dmarc::log::SyslogFacility::Mail);
    CHECK(config.logLevel == dmarc::log::LogLevel::Info);
}

TEST_CASE("settings: exactly the process-wide settings need a restart") {
    std::set<std::string_view> restartOnly;
    for (const Setting& setting : settings()) {
        if (setting.reload == Reload::NeedsRestart) restartOnly.insert(setting.name);
    }
    const std::set<std::string_view> expected{
        "Socket",      "UMask",        "UserID",        "PidFile",           "MilterTimeout",
        "Mode",        "Nameservers",  "DNSTimeout",    "DNSRetries",        "DNSCacheSize",
        "DNSTtlFloor", "DNSTtlCeiling", "MaxDkimSignatures", "MinimumKeyBits", "PublicSuffixList",
        "Syslog",      "SyslogFacility",
    };
    CHECK(restartOnly == expected);
}

TEST_CASE("settings: accepted values and their canonical form") {
    const auto [key, input, canonical] = GENERATE(table<std::string, std::string, std::string>({
        {"Socket", "inet:8893@127.0.0.1", "inet:8893@127.0.0.1"},
        {"Socket", "INET:25@localhost", "inet:25@localhost"},
        {"Socket", "inet:8893", "inet:8893"},
        {"Socket", "inet:65535@192.0.2.1", "inet:65535@192.0.2.1"},
        {"Socket", "inet:1@mail.example.com", "inet:1@mail.example.com"},
        {"Socket", "inet6:8893@::1", "inet6:8893@::1"},
        {"Socket", "inet6:8893@2001:db8::25", "inet6:8893@2001:db8::25"},
        {"Socket", "inet6:8893@mail.example.com", "inet6:8893@mail.example.com"},
        {"Socket", "unix:/var/spool/postfix/dmarc-milter/milter.sock", "unix:/var/spool/postfix/dmarc-milter/milter.sock"},
        {"Socket", "local:/run/dmarc.sock", "unix:/run/dmarc.sock"},
        {"Socket", "unix:/" + std::string(106, 'p'), "unix:/" + std::string(106, 'p')},
        {"UMask", "0007", "0007"},
        {"UMask", "7", "0007"},
        {"UMask", "022", "0022"},
        {"UMask", "0", "0000"},
        {"UMask", "777", "0777"},
        {"UserID", "dmarc", "dmarc"},
        {"UserID", "dmarc-milter:postfix", "dmarc-milter:postfix"},
        {"UserID", "1001:1001", "1001:1001"},
        {"UserID", "_dmarc.milter_1", "_dmarc.milter_1"},
        {"UserID", "\"\"", ""},
        {"PidFile", "/run/dmarc-milter/dmarc-milter.pid", "/run/dmarc-milter/dmarc-milter.pid"},
        {"PidFile", "\"\"", ""},
        {"MilterTimeout", "7210", "7210s"},
        {"MilterTimeout", "120s", "2m"},
        {"MilterTimeout", "2H", "2h"},
        {"MilterTimeout", "86400s", "1d"},
        {"MilterTimeout", "1s", "1s"},
        {"MilterTimeout", "5000ms", "5s"},
        {"IgnoreNetworks", "\"\"", ""},
        {"IgnoreNetworks", "192.0.2.0/24", "192.0.2.0/24"},
        {"IgnoreNetworks", "127.0.0.0/8,::1 10.0.0.0/8", "127.0.0.0/8, ::1, 10.0.0.0/8"},
        {"IgnoreNetworks", "::ffff:10.0.0.0/104", "10.0.0.0/8"},
        {"IgnoreNetworks", "2001:DB8::/32, 192.0.2.7/32", "2001:db8::/32, 192.0.2.7"},
        {"IgnoreAuthenticatedClients", "no", "no"},
        {"IgnoreAuthenticatedClients", "No", "no"},
        {"IgnoreAuthenticatedClients", "FALSE", "no"},
        {"IgnoreAuthenticatedClients", "0", "no"},
        {"IgnoreAuthenticatedClients", "YES", "yes"},
        {"IgnoreAuthenticatedClients", "True", "yes"},
        {"IgnoreAuthenticatedClients", "1", "yes"},
        {"IgnoreDaemonNames", "submission, smtps", "submission, smtps"},
        {"IgnoreDaemonNames", "mx-in", "mx-in"},
        {"TrustedRelays", "192.0.2.10 2001:db8::25", "192.0.2.10, 2001:db8::25"},
        {"TrustedAuthservIDs", "mx1.example.net mx2.example.net", "mx1.example.net, mx2.example.net"},
        {"AuthservID", "HOSTNAME", "mx.example.net"},
        {"AuthservID", "mail.example.org", "mail.example.org"},
        {"AuthservID", "hostname", "hostname"},  // only the capitalised word is special
        {"MaxAuthResultsSignatures", "1", "1"},
        {"MaxAuthResultsSignatures", "64", "64"},
        {"MaxAuthResultsSignatures", "08", "8"},
        {"Mode", "RFC7489", "rfc7489"},
        {"Mode", "rfc9989", "rfc9989"},
        {"MonitorOnly", "yes", "yes"},
        {"RejectFailures", "true", "yes"},
        {"RejectReply", "\"\"", ""},
        {"RejectReply", "Rejected: DOMAIN fails DMARC", "Rejected: DOMAIN fails DMARC"},
        {"RejectReply", "100% spoofed", "100% spoofed"},
        {"RejectReply", "\"  see https://example.net/dmarc#why  \"", "  see https://example.net/dmarc#why  "},
        {"HoldQuarantinedMessages", "1", "yes"},
        {"QuarantineHeader", "X-Spam-Flag", "X-Spam-Flag"},
        {"QuarantineHeader", "x-dmarc", "x-dmarc"},
        {"NeverRejectRecipients", "dmarc-reports@Example.NET, Hostmaster", "dmarc-reports@example.net, hostmaster"},
        {"NeverRejectRecipients", "first.last@b\xC3\xBC" "cher.example", "first.last@xn--bcher-kva.example"},
        {"NeverRejectRecipients", "o'brien+dmarc@example.com", "o'brien+dmarc@example.com"},
        {"TrustedForwarders", "forwarder.example, 192.0.2.0/24 2001:db8::/48 Lists.Example.org",
         "192.0.2.0/24, 2001:db8::/48, forwarder.example, lists.example.org"},
        {"TrustedForwarders", "\"\"", ""},
        {"TrustedForwarderAction", "QUARANTINE", "quarantine"},
        {"MailingListAction", "accept", "accept"},
        {"MailingListAction", "Quarantine", "quarantine"},
        {"MultipleFromAction", "reject", "reject"},
        {"MultipleFromAction", "accept", "accept"},
        {"MissingFromAction", "reject", "reject"},
        {"DNSTempErrorAction", "accept", "accept"},
        {"InternalErrorAction", "Accept", "accept"},
        {"TempFailReply", "Try again later", "Try again later"},
        {"Nameservers", "192.0.2.53, [2001:db8::53]:5353 192.0.2.54:5353 2001:db8::1",
         "192.0.2.53, [2001:db8::53]:5353, 192.0.2.54:5353, 2001:db8::1"},
        {"DNSTimeout", "500ms", "500ms"},
        {"DNSTimeout", "1500ms", "1500ms"},
        {"DNSTimeout", "2000ms", "2s"},
        {"DNSTimeout", "100ms", "100ms"},
        {"DNSTimeout", "30s", "30s"},
        {"DNSTimeout", "3", "3s"},
        {"DNSTimeout", "2S", "2s"},
        {"DNSRetries", "0", "0"},
        {"DNSRetries", "5", "5"},
        {"DNSCacheSize", "0", "0"},
        {"DNSCacheSize", "10000000", "10000000"},
        {"DNSTtlFloor", "0", "0s"},
        {"DNSTtlFloor", "90", "90s"},
        {"DNSTtlFloor", "1h", "1h"},
        {"DNSTtlCeiling", "7d", "7d"},
        {"DNSTtlCeiling", "1m", "1m"},
        {"DNSTtlCeiling", "3600", "1h"},
        {"MaxDkimSignatures", "64", "64"},
        {"MinimumKeyBits", "2048", "2048"},
        {"MinimumKeyBits", "8192", "8192"},
        {"PublicSuffixList", "/usr/share/publicsuffix/public_suffix_list.dat",
         "/usr/share/publicsuffix/public_suffix_list.dat"},
        {"Syslog", "no", "no"},
        {"SyslogFacility", "LOCAL3", "local3"},
        {"SyslogFacility", "daemon", "daemon"},
        {"LogLevel", "DEBUG", "debug"},
        {"LogLevel", "warning", "warning"},
        {"LogLevel", "error", "error"},
    }));
    CAPTURE(key, input);
    const Config config = parseOk(key + " " + input);
    CHECK(formatted(config, key) == canonical);
    // The canonical form reads back to the same value.
    CHECK(parseOk(key + " " + quoteValue(canonical)) == config);
}

TEST_CASE("settings: refused values say why, with file, line and key") {
    const auto [line, message] = GENERATE(table<std::string, std::string>({
        {"Socket inet:0@127.0.0.1", "Socket: \"0\" is not a port number (1 to 65535)"},
        {"Socket inet:65536@127.0.0.1", "Socket: \"65536\" is not a port number (1 to 65535)"},
        {"Socket inet:@127.0.0.1", "Socket: \"\" is not a port number (1 to 65535)"},
        {"Socket inet:smtp@127.0.0.1", "Socket: \"smtp\" is not a port number (1 to 65535)"},
        {"Socket inet:25@", "Socket: \"\" is not an IPv4 address or a host name"},
        {"Socket inet:25@::1", "Socket: \"::1\" is not an IPv4 address or a host name"},
        {"Socket inet:25@127.0.0.01", "Socket: \"127.0.0.01\" is not an IPv4 address or a host name"},
        {"Socket inet6:25@127.0.0.1", "Socket: \"127.0.0.1\" is not an IPv6 address or a host name"},
        {"Socket inet6:25@[::1]", "Socket: \"[::1]\" is not an IPv6 address or a host name"},
        {"Socket inet:25@-bad-.example", "Socket: \"-bad-.example\" is not an IPv4 address or a host name"},
        {"Socket unix:relative.sock", "Socket: \"relative.sock\" is not an absolute path"},
        {"Socket unix:", "Socket: \"\" is not an absolute path"},
        {"Socket unix:/" + std::string(107, 'p'), "Socket: socket path longer than 107 characters"},
        {"Socket tcp:25@127.0.0.1", "Socket: \"tcp:25@127.0.0.1\" is not unix:PATH, inet:PORT@HOST or inet6:PORT@HOST"},
        {"Socket /run/dmarc.sock", "Socket: \"/run/dmarc.sock\" is not unix:PATH, inet:PORT@HOST or inet6:PORT@HOST"},
        {"Socket 8893", "Socket: \"8893\" is not unix:PATH, inet:PORT@HOST or inet6:PORT@HOST"},
        {"UMask 8", "UMask: \"8\" is not an octal mode from 0000 to 0777"},
        {"UMask 1000", "UMask: \"1000\" is not an octal mode from 0000 to 0777"},
        {"UMask 00007", "UMask: \"00007\" is not an octal mode from 0000 to 0777"},
        {"UMask 0x7", "UMask: \"0x7\" is not an octal mode from 0000 to 0777"},
        {"UMask -1", "UMask: \"-1\" is not an octal mode from 0000 to 0777"},
        {"UserID root:", "UserID: empty group name"},
        {"UserID :wheel", "UserID: empty user name"},
        {"UserID \"bad user\"", "UserID: \"bad user\" is not a valid user name"},
        {"UserID a:b:c", "UserID: \"b:c\" is not a valid group name"},
        {"UserID 1abc", "UserID: \"1abc\" is not a valid user name"},
        {"UserID " + std::string(33, 'u'), "UserID: user name longer than 32 characters"},
        {"PidFile run/dmarc.pid", "PidFile: \"run/dmarc.pid\" is not an absolute path (start it with /)"},
        {"PidFile /" + std::string(1024, 'p'), "PidFile: path longer than 1024 characters"},
        {"MilterTimeout 0", "MilterTimeout: \"0\" is below the minimum of 1s"},
        {"MilterTimeout 2d", "MilterTimeout: \"2d\" is above the maximum of 1d"},
        {"MilterTimeout 1500ms", "MilterTimeout: \"1500ms\" is not a whole number of seconds"},
        {"MilterTimeout 99999999999999999999999d", "MilterTimeout: \"99999999999999999999999d\" is above the maximum of 1d"},
        {"MilterTimeout \"5 s\"", "MilterTimeout: \"5 s\" is not a duration (a number followed by ms, s, m, h or d; "
                                  "without a unit it counts seconds)"},
        {"MilterTimeout 1w", "MilterTimeout: \"1w\" is not a duration (a number followed by ms, s, m, h or d; "
                             "without a unit it counts seconds)"},
        {"MilterTimeout 1.5s", "MilterTimeout: \"1.5s\" is not a duration (a number followed by ms, s, m, h or d; "
                               "without a unit it counts seconds)"},
        {"MilterTimeout -1", "MilterTimeout: \"-1\" is not a duration (a number followed by ms, s, m, h or d; "
                             "without a unit it counts seconds)"},
        {"IgnoreNetworks 192.0.2.1/24",
         "IgnoreNetworks: \"192.0.2.1/24\": address bits beyond the prefix length are set (did you mean 192.0.2.0/24?)"},
        {"IgnoreNetworks 127.0.0.0/8, localhost", "IgnoreNetworks: \"localhost\": not an IPv4 or IPv6 address"},
        {"IgnoreNetworks 10.0.0.0/33",
         "IgnoreNetworks: \"10.0.0.0/33\": the prefix length is over 32 (IPv4) or 128 (IPv6)"},
        {"IgnoreNetworks 10.0.0.0/", "IgnoreNetworks: \"10.0.0.0/\": the prefix length after '/' is not a number"},
        {"IgnoreAuthenticatedClients maybe",
         "IgnoreAuthenticatedClients: \"maybe\" is not yes or no (also true, false, 1, 0)"},
        {"IgnoreAuthenticatedClients on", "IgnoreAuthenticatedClients: \"on\" is not yes or no (also true, false, 1, 0)"},
        {"IgnoreAuthenticatedClients \"\"", "IgnoreAuthenticatedClients: \"\" is not yes or no (also true, false, 1, 0)"},
        {"IgnoreDaemonNames a\x01z", "IgnoreDaemonNames: \"a\\x01z\" is not a daemon name (printable characters, no "
                                      "spaces, quotes or backslashes)"},
        {"IgnoreDaemonNames a\\z", "IgnoreDaemonNames: \"a\\\\z\" is not a daemon name (printable characters, no "
                                    "spaces, quotes or backslashes)"},
        {"IgnoreDaemonNames a\"z", "IgnoreDaemonNames: \"a\\\"z\" is not a daemon name (printable characters, no "
                                   "spaces, quotes or backslashes)"},
        {"IgnoreDaemonNames " + std::string(256, 'd'), "IgnoreDaemonNames: daemon name longer than 255 characters"},
        {"TrustedRelays 192.0.2.1/31", "TrustedRelays: \"192.0.2.1/31\": address bits beyond the prefix length are set "
                                       "(did you mean 192.0.2.0/31?)"},
        {"TrustedAuthservIDs mx/1", "TrustedAuthservIDs: \"mx/1\" is not a valid authserv-id (letters, digits and "
                                    "!#$%&'*+-.^_`{|}~ only)"},
        {"AuthservID \"\"", "AuthservID: empty authserv-id"},
        {"AuthservID \"mx (primary)\"", "AuthservID: \"mx (primary)\" is not a valid authserv-id (letters, digits "
                                        "and !#$%&'*+-.^_`{|}~ only)"},
        {"AuthservID " + std::string(256, 'a'), "AuthservID: authserv-id longer than 255 characters"},
        {"MaxAuthResultsSignatures 0", "MaxAuthResultsSignatures: \"0\" is below the minimum of 1"},
        {"MaxAuthResultsSignatures 65", "MaxAuthResultsSignatures: \"65\" is above the maximum of 64"},
        {"MaxAuthResultsSignatures 99999999999999999999",
         "MaxAuthResultsSignatures: \"99999999999999999999\" is above the maximum of 64"},
        {"MaxAuthResultsSignatures -1", "MaxAuthResultsSignatures: \"-1\" is not a whole number"},
        {"MaxAuthResultsSignatures 8.0", "MaxAuthResultsSignatures: \"8.0\" is not a whole number"},
        {"MaxAuthResultsSignatures 1e3", "MaxAuthResultsSignatures: \"1e3\" is not a whole number"},
        {"MaxAuthResultsSignatures +8", "MaxAuthResultsSignatures: \"+8\" is not a whole number"},
        {"Mode dmarcbis", "Mode: \"dmarcbis\" is not one of: rfc9989, rfc7489"},
        {"RejectFailures sometimes", "RejectFailures: \"sometimes\" is not yes or no (also true, false, 1, 0)"},
        {"RejectReply Rejected\x01", "RejectReply: reply text contains a control character"},
        {"RejectReply Rejet\xC3\xA9", "RejectReply: reply text contains non-ASCII octets"},
        {"RejectReply \"Rejected\r\"", "RejectReply: reply text contains CR or LF"},
        {"RejectReply " + std::string(501, 'x'), "RejectReply: reply line would exceed 512 octets"},
        {"QuarantineHeader \"X Bad\"",
         "QuarantineHeader: \"X Bad\" is not a header field name (printable characters, no ':' or spaces)"},
        {"QuarantineHeader X-Bad:", "QuarantineHeader: \"X-Bad:\" is not a header field name (printable characters, "
                                    "no ':' or spaces)"},
        {"QuarantineHeader Authentication-Results",
         "QuarantineHeader: \"Authentication-Results\" is a field the milter reads or removes"},
        {"QuarantineHeader from", "QuarantineHeader: \"from\" is a field the milter reads or removes"},
        {"QuarantineHeader \"\"", "QuarantineHeader: empty header field name"},
        {"QuarantineHeader X-" + std::string(63, 'h'), "QuarantineHeader: header field name longer than 64 characters"},
        {"NeverRejectRecipients .postmaster", "NeverRejectRecipients: \".postmaster\" is not a valid local part"},
        {"NeverRejectRecipients a..b@example.com", "NeverRejectRecipients: \"a..b\" is not a valid local part"},
        {"NeverRejectRecipients a(b)", "NeverRejectRecipients: \"a(b)\" is not a valid local part"},
        {"NeverRejectRecipients @example.com", "NeverRejectRecipients: empty local part"},
        {"NeverRejectRecipients user@", "NeverRejectRecipients: \"\" is not a domain name: empty domain name"},
        {"NeverRejectRecipients user@-bad.example",
         "NeverRejectRecipients: \"-bad.example\" is not a domain name: label starts or ends with a hyphen"},
        {"NeverRejectRecipients " + std::string(65, 'l'), "NeverRejectRecipients: local part longer than 64 characters"},
        {"TrustedForwarders 192.0.2.1/24", "TrustedForwarders: \"192.0.2.1/24\": address bits beyond the prefix "
                                           "length are set (did you mean 192.0.2.0/24?)"},
        {"TrustedForwarders 1.2.3", "TrustedForwarders: \"1.2.3\" is neither an IP network nor a domain name"},
        {"TrustedForwarders bad_name.example",
         "TrustedForwarders: \"bad_name.example\" is neither an IP network nor a domain name"},
        {"TrustedForwarders 2001:db8::zz", "TrustedForwarders: \"2001:db8::zz\": not an IPv4 or IPv6 address"},
        {"TrustedForwarders ::1/200",
         "TrustedForwarders: \"::1/200\": the prefix length is over 32 (IPv4) or 128 (IPv6)"},
        {"TrustedForwarderAction reject", "TrustedForwarderAction: \"reject\" is not one of: accept, quarantine"},
        {"MailingListAction downgrade", "MailingListAction: \"downgrade\" is not one of: off, quarantine, accept"},
        {"LocalPolicyFile policies.txt",
         "LocalPolicyFile: \"policies.txt\" is not an absolute path (start it with /)"},
        {"MultipleFromAction first", "MultipleFromAction: \"first\" is not one of: reject, strictest, accept"},
        {"MissingFromAction strictest", "MissingFromAction: \"strictest\" is not one of: reject, accept"},
        {"DNSTempErrorAction defer", "DNSTempErrorAction: \"defer\" is not one of: tempfail, accept"},
        {"InternalErrorAction reject", "InternalErrorAction: \"reject\" is not one of: tempfail, accept"},
        {"TempFailReply \"a\tb\"", "TempFailReply: reply text contains a control character"},
        {"Nameservers ns1.example.com",
         "Nameservers: name server \"ns1.example.com\": not a numeric IPv4 or IPv6 address"},
        {"Nameservers 192.0.2.1:0", "Nameservers: name server \"192.0.2.1:0\": port must be 1-65535"},
        {"Nameservers [::1", "Nameservers: name server \"[::1\": missing ']'"},
        {"DNSTimeout 50ms", "DNSTimeout: \"50ms\" is below the minimum of 100ms"},
        {"DNSTimeout 31s", "DNSTimeout: \"31s\" is above the maximum of 30s"},
        {"DNSTimeout 2x", "DNSTimeout: \"2x\" is not a duration (a number followed by ms, s, m, h or d; without a "
                          "unit it counts seconds)"},
        {"DNSRetries 6", "DNSRetries: \"6\" is above the maximum of 5"},
        {"DNSCacheSize 10000001", "DNSCacheSize: \"10000001\" is above the maximum of 10000000"},
        {"DNSTtlFloor 2h", "DNSTtlFloor: \"2h\" is above the maximum of 1h"},
        {"DNSTtlFloor 500ms", "DNSTtlFloor: \"500ms\" is not a whole number of seconds"},
        {"DNSTtlCeiling 59s", "DNSTtlCeiling: \"59s\" is below the minimum of 1m"},
        {"DNSTtlCeiling 8d", "DNSTtlCeiling: \"8d\" is above the maximum of 7d"},
        {"MaxDkimSignatures 0", "MaxDkimSignatures: \"0\" is below the minimum of 1"},
        {"MaxDkimSignatures 65", "MaxDkimSignatures: \"65\" is above the maximum of 64"},
        {"MinimumKeyBits 512", "MinimumKeyBits: \"512\" is below the minimum of 1024"},
        {"MinimumKeyBits 16384", "MinimumKeyBits: \"16384\" is above the maximum of 8192"},
        {"PublicSuffixList psl.dat", "PublicSuffixList: \"psl.dat\" is not an absolute path (start it with /)"},
        {"PublicSuffixList \"/tmp/a\x7f\"", "PublicSuffixList: \"/tmp/a\\x7f\" contains control characters"},
        {"Syslog maybe", "Syslog: \"maybe\" is not yes or no (also true, false, 1, 0)"},
        {"SyslogFacility kern", "SyslogFacility: \"kern\" is not one of: mail, daemon, user, local0, local1, local2, "
                                "local3, local4, local5, local6, local7"},
        {"LogLevel trace", "LogLevel: \"trace\" is not one of: error, warning, info, debug"},
        {"LogLevel notice", "LogLevel: \"notice\" is not one of: error, warning, info, debug"},
    }));
    CAPTURE(line);
    // After a comment and a blank line, so the error must name line 3.
    CHECK(errorOf("# test\n\n" + line) == "t.conf:3: " + message);
}

TEST_CASE("settings: lists refuse more items than their limit") {
    // Short items, so that 1001 of them fit in one line.
    std::string networks;
    for (int i = 0; i < 1000; ++i) networks += "1.1.1.1 ";
    CHECK(parseOk("IgnoreNetworks " + networks).ignoreNetworks.size() == 1000);
    CHECK(errorOf("IgnoreNetworks " + networks + "::1") == "t.conf:1: IgnoreNetworks: more than 1000 items");
    std::string forwarders;
    for (int i = 0; i < 1000; ++i) forwarders += "a,";
    CHECK(parseOk("TrustedForwarders " + forwarders).trustedForwarders.domains.size() == 1000);
    CHECK(errorOf("TrustedForwarders " + forwarders + "::1") == "t.conf:1: TrustedForwarders: more than 1000 items");
    std::string servers;
    for (int i = 1; i <= 17; ++i) servers += "192.0.2." + std::to_string(i) + " ";
    CHECK(errorOf("Nameservers " + servers) == "t.conf:1: Nameservers: more than 16 items");
    servers.resize(servers.rfind("192.0.2.17"));
    CHECK(parseOk("Nameservers " + servers).nameservers.size() == 16);
}

TEST_CASE("settings: a list too long to write on one line is refused") {
    // U-labels grow into A-labels: 1000 × "\u00fc.example " (11 octets) fit in a line, but
    // 1000 × "xn--tda.example, " (17) do not fit in kMaxListText.
    std::string domains;
    for (int i = 0; i < 1000; ++i) domains += "\xC3\xBC.example ";
    REQUIRE(domains.size() < kMaxLineLength);
    CHECK(errorOf("TrustedForwarders " + domains) ==
          "t.conf:1: TrustedForwarders: the list is longer than 16000 characters once written out");
    std::string recipients;
    for (int i = 0; i < 1000; ++i) recipients += "a@\xC3\xBC.example ";
    CHECK(errorOf("NeverRejectRecipients " + recipients) ==
          "t.conf:1: NeverRejectRecipients: the list is longer than 16000 characters once written out");
    // Within the limit, the dump line is within kMaxLineLength.
    domains.resize(domains.size() / 2);
    const std::string dump = dumpConfig(parseOk("TrustedForwarders " + domains));
    CHECK(dump.find("xn--tda.example") != std::string::npos);
    CHECK(parseOk(dump) == parseOk("TrustedForwarders " + domains));
}

TEST_CASE("settings: unknown keys suggest the nearest setting when it is close") {
    const auto [key, message] = GENERATE(table<std::string, std::string>({
        {"RejectFailure", "unknown key (did you mean RejectFailures?)"},
        {"rejectfailure", "unknown key (did you mean RejectFailures?)"},
        {"Sockt", "unknown key (did you mean Socket?)"},
        {"DNSTimout", "unknown key (did you mean DNSTimeout?)"},
        {"SyslogFacilty", "unknown key (did you mean SyslogFacility?)"},
        {"AuthserverID", "unknown key (did you mean AuthservID?)"},
        {"TrustedAuthservID", "unknown key (did you mean TrustedAuthservIDs?)"},
        {"IgnoreHost", "unknown key (did you mean IgnoreHosts?)"},
        {"NameServer", "unknown key (did you mean Nameservers?)"},
        {"HistoryFile", "unknown key"},
        {"Foo", "unknown key"},
        {"X", "unknown key"},
        {"FailureReports", "unknown key"},
    }));
    CAPTURE(key);
    CHECK(errorOf("\n" + key + " value") == "t.conf:2: " + key + ": " + message);
}

TEST_CASE("settings: an absurdly long unknown key is cut in the message") {
    const std::string key(5000, 'K');
    CHECK(errorOf(key + " v") == "t.conf:1: " + std::string(64, 'K') + "...: unknown key");
}

TEST_CASE("settings: a setting given twice is refused, whatever its case") {
    CHECK(errorOf("Socket inet:1@127.0.0.1\n# x\nSOCKET inet:2@127.0.0.1") ==
          "t.conf:3: SOCKET: set twice (first on line 1)");
    CHECK(errorOf("logLevel info\nLogLevel info") == "t.conf:2: LogLevel: set twice (first on line 1)");
}

TEST_CASE("settings: the first error in file order is the one reported") {
    CHECK(errorOf("LogLevel loud\nSocket nowhere") ==
          "t.conf:1: LogLevel: \"loud\" is not one of: error, warning, info, debug");
    CHECK(errorOf("Socket nowhere\nLogLevel loud").rfind("t.conf:1: Socket:", 0) == 0);
    CHECK(errorOf("LogLevel info\nBogus 1\nLogLevel loud") == "t.conf:2: Bogus: unknown key");
}

TEST_CASE("settings: the TTL floor may not exceed the ceiling") {
    CHECK(errorOf("DNSTtlFloor 1h\nDNSTtlCeiling 30m") ==
          "t.conf:2: DNSTtlCeiling: DNSTtlFloor 1h is above DNSTtlCeiling 30m");
    CHECK(errorOf("DNSTtlCeiling 30m\nDNSTtlFloor 1h") ==
          "t.conf:2: DNSTtlFloor: DNSTtlFloor 1h is above DNSTtlCeiling 30m");
    CHECK(parse("DNSTtlFloor 1h\nDNSTtlCeiling 1h").ok());
    const auto error = parse("DNSTtlFloor 1h\nDNSTtlCeiling 30m").error();
    CHECK(error.kind == ConfigErrorKind::Inconsistent);
}

TEST_CASE("settings: HOSTNAME needs a host name that can be an authserv-id") {
    CHECK(errorOf("", testContext({}, "")) ==
          "t.conf: AuthservID: the host name \"\" cannot serve as authserv-id: set AuthservID (empty authserv-id)");
    CHECK(errorOf("AuthservID HOSTNAME", testContext({}, "bad host")) ==
          "t.conf:1: AuthservID: the host name \"bad host\" cannot serve as authserv-id: set AuthservID "
          "(\"bad host\" is not a valid authserv-id (letters, digits and !#$%&'*+-.^_`{|}~ only))");
    // Naming the authserv-id explicitly does not need the host name.
    CHECK(parseOk("AuthservID mx.example.org", testContext({}, "")).authservId == "mx.example.org");
    const auto error = parse("", testContext({}, "")).error();
    CHECK(error.line == 0);
    CHECK(error.key == "AuthservID");
}

TEST_CASE("settings: restart-only changes are listed for a reload") {
    const Config running = parseOk("");
    CHECK(restartOnlyChanges(running, running).empty());
    CHECK(restartOnlyChanges(running, parseOk("LogLevel debug\nRejectFailures yes")).empty());
    const auto changed = restartOnlyChanges(
        running, parseOk("Socket inet:9999@127.0.0.1\nLogLevel debug\nDNSTimeout 3s\nSyslog no"));
    CHECK(changed == std::vector<std::string_view>{"Socket", "DNSTimeout", "Syslog"});
}

TEST_CASE("settings: a reload keeps the running values of restart-only settings") {
    const Config running = parseOk("Socket inet:8893@127.0.0.1\nLogLevel info");
    Config loaded = parseOk("Socket unix:/run/new.sock\nLogLevel debug\nDNSTimeout 3s\nRejectFailures yes");
    const auto changed = keepRestartOnly(running, loaded);
    CHECK(changed == std::vector<std::string_view>{"Socket", "DNSTimeout"});
    CHECK(toString(loaded.socket) == "inet:8893@127.0.0.1");
    CHECK(loaded.dnsTimeout == running.dnsTimeout);
    CHECK(loaded.logLevel == dmarc::log::LogLevel::Debug);  // reloadable: the new value
    CHECK(loaded.rejectFailures);
    CHECK(restartOnlyChanges(running, loaded).empty());
    Config same = running;
    CHECK(keepRestartOnly(running, same).empty());
    CHECK(same == running);
}
