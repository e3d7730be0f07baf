// Config: one immutable snapshot of the milter's settings, as the settings table
// (settings.h) parsed it from the configuration file. A reload builds a new snapshot and
// swaps a std::shared_ptr<const Config>; each message keeps the one it started with, so a
// Config is never modified after parsing. Value fields mirror the settings one to one
// (the key names are in settings.cpp); the functions at the end answer the questions the
// milter asks of them. A value-initialised Config is NOT the defaults: use
// defaultConfig() (config_parser.h). Plain values; share freely between threads.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/dmarc_mode.h"
#include "core/domain_name.h"
#include "core/ip_network.h"
#include "core/local_policy.h"
#include "core/verdict.h"
#include "log/log_options.h"

namespace dmarc::config {

// Where the milter listens, in libmilter's words.
struct SocketAddress {
    enum class Family { Unix, Inet, Inet6 };
    Family family = Family::Inet;
    std::string path;        // Unix: absolute path of the socket
    std::uint16_t port = 0;  // Inet, Inet6
    std::string host;        // Inet, Inet6: address or host name; empty: every interface
    friend bool operator==(const SocketAddress&, const SocketAddress&) = default;
};

// "unix:/run/x.sock", "inet:8893@127.0.0.1", "inet6:8893@::1", "inet:8893": the form
// smfi_setconn() takes, and the form the configuration file uses.
std::string toString(const SocketAddress& socket);

// The account to run as after binding the socket; an empty user keeps the starting one,
// an empty group takes the user's primary group.
struct RunAs {
    std::string user;
    std::string group;
    friend bool operator==(const RunAs&, const RunAs&) = default;
};

enum class ErrorAction { TempFail, Accept };
enum class MultipleFromAction { Reject, Strictest, Accept };
enum class MissingFromAction { Reject, Accept };
enum class ForwarderAction { Accept, Quarantine };
enum class MailingListAction { Off, Quarantine, Accept };

// Forwarders allow-listed by address or by an SPF- or DKIM-authenticated domain.
struct TrustedForwarders {
    std::vector<core::IpNetwork> networks;
    std::vector<core::DomainName> domains;  // each matches itself and its subdomains
    friend bool operator==(const TrustedForwarders&, const TrustedForwarders&) = default;
};

// A file of networks (IgnoreHosts) with what it held when the snapshot was parsed.
struct NetworkFile {
    std::string path;  // empty: no file
    std::vector<core::IpNetwork> networks;
    friend bool operator==(const NetworkFile&, const NetworkFile&) = default;
};

// A file of per-author-domain rules (LocalPolicyFile), as parsed with the snapshot.
struct DomainPolicyFile {
    std::string path;  // empty: no file
    std::map<core::DomainName, core::Disposition> rules;
    friend bool operator==(const DomainPolicyFile&, const DomainPolicyFile&) = default;
};

struct Config {
    // Connection to the MTA (restart only)
    SocketAddress socket;
    unsigned umask = 0;
    RunAs userId;
    std::string pidFile;  // empty: none
    std::chrono::seconds milterTimeout{0};

    // Which connections are checked
    std::vector<core::IpNetwork> ignoreNetworks;
    NetworkFile ignoreHosts;
    bool ignoreAuthenticatedClients = false;
    std::vector<std::string> ignoreDaemonNames;
    std::vector<core::IpNetwork> trustedRelays;
    std::vector<std::string> trustedAuthservIds;

    // Authentication-Results
    std::string authservId;
    std::size_t maxAuthResultsSignatures = 0;

    // Policy and enforcement
    core::DmarcMode mode = core::DmarcMode::Rfc9989;
    bool monitorOnly = false;
    bool rejectFailures = false;
    std::string rejectReply;
    bool holdQuarantined = false;
    std::string quarantineHeader;
    std::vector<std::string> neverRejectRecipients;  // lower case: "local" or "local@domain"
    TrustedForwarders trustedForwarders;
    ForwarderAction trustedForwarderAction = ForwarderAction::Accept;
    MailingListAction mailingListAction = MailingListAction::Off;
    DomainPolicyFile localPolicies;
    MultipleFromAction multipleFromAction = MultipleFromAction::Strictest;
    MissingFromAction missingFromAction = MissingFromAction::Accept;

    // Errors
    ErrorAction dnsTempErrorAction = ErrorAction::TempFail;
    ErrorAction internalErrorAction = ErrorAction::TempFail;
    std::string tempFailReply;

    // DNS (restart only)
    std::vector<std::string> nameservers;  // empty: the system's (/etc/resolv.conf)
    std::chrono::milliseconds dnsTimeout{0};
    unsigned dnsRetries = 0;
    std::size_t dnsCacheSize = 0;
    std::chrono::seconds dnsTtlFloor{0};
    std::chrono::seconds dnsTtlCeiling{0};

    // DKIM and SPF (restart only)
    std::size_t maxDkimSignatures = 0;
    unsigned minimumKeyBits = 0;
    std::string publicSuffixList;  // empty: the system's newest list

    // Logging
    bool syslog = false;
    log::SyslogFacility syslogFacility = log::SyslogFacility::Mail;
    log::LogLevel logLevel = log::LogLevel::Info;

    friend bool operator==(const Config&, const Config&) = default;
};

// The postmaster and abuse mailboxes, never rejected whatever NeverRejectRecipients says
// (RFC 5321 §4.5.1, RFC 2142).
inline constexpr std::string_view kAlwaysAcceptedLocalParts[] = {"postmaster", "abuse"};

// The enforcement settings for the core (core::decideDisposition).
core::LocalPolicy localPolicy(const Config& config);
// Logging as configured.
log::LogOptions logOptions(const Config& config);

// A client in IgnoreNetworks or in the IgnoreHosts file.
bool isIgnoredClient(const Config& config, const core::ClientIp& ip);
// A client address in TrustedForwarders, or an authenticated domain (SPF pass or DKIM
// pass) at or below one of its domains.
bool isTrustedForwarder(const Config& config, const core::ClientIp& ip);
bool isTrustedForwarder(const Config& config, const core::DomainName& authenticatedDomain);
// The LocalPolicyFile rule for this author domain (exact match), if any.
std::optional<core::Disposition> localPolicyFor(const Config& config, const core::DomainName& author);
// A recipient ("<User@Example.com>", "user@example.com") that must never be rejected:
// postmaster, abuse, or a NeverRejectRecipients entry (local part alone: any domain).
// Compared case-insensitively.
bool isNeverRejected(const Config& config, std::string_view recipient);
// RejectReply with DOMAIN replaced by `authorDomain` (sanitised for SMTP).
std::string rejectText(const Config& config, std::string_view authorDomain);

}  // namespace dmarc::config
