// The settings table (see settings.h). Each row binds a Config field to a codec with its
// documentation; everything else (parser, defaults, dump, example file, man page) reads
// this table. Help texts are written for the mail admin who reads dmarc-milter.conf(5).
// Built once (function-local static); read-only afterwards, thread-safe.
#include "settings.h"

#include <algorithm>
#include <array>

namespace dmarc::config {
namespace {

using namespace std::chrono_literals;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr std::string_view kMta = "Connection to the MTA";
constexpr std::string_view kSkip = "Which messages are checked";
constexpr std::string_view kAuthResults = "Authentication-Results";
constexpr std::string_view kPolicy = "Policy and enforcement";
constexpr std::string_view kErrors = "Errors";
constexpr std::string_view kDns = "DNS";
constexpr std::string_view kAuth = "DKIM and SPF";
constexpr std::string_view kLogging = "Logging";

struct Doc {
    std::string_view name;
    std::string_view section;
    std::string_view defaultText;
    Reload reload;
    std::string_view help;
};

template <typename Codec, typename Field>
Setting bind(const Doc& doc, Field Config::*field, Codec codec) {
    Setting setting{doc.name, doc.section, doc.defaultText, doc.reload, doc.help, codec.type(), {}, {}, {}};
    setting.apply = [field, codec](std::string_view text, const ParseContext& context,
                                   Config& config) -> std::optional<ValueError> {
        auto value = codec.parse(text, context);
        if (!value) return value.error();
        config.*field = std::move(value).value();
        return std::nullopt;
    };
    setting.format = [field, codec](const Config& config) { return codec.format(config.*field); };
    setting.copy = [field](const Config& from, Config& to) { to.*field = from.*field; };
    return setting;
}

constexpr std::array<std::pair<std::string_view, core::DmarcMode>, 2> kModes{{
    {"rfc9989", core::DmarcMode::Rfc9989},
    {"rfc7489", core::DmarcMode::Rfc7489},
}};
constexpr std::array<std::pair<std::string_view, ErrorAction>, 2> kErrorActions{{
    {"tempfail", ErrorAction::TempFail},
    {"accept", ErrorAction::Accept},
}};
constexpr std::array<std::pair<std::string_view, MultipleFromAction>, 3> kMultipleFromActions{{
    {"reject", MultipleFromAction::Reject},
    {"strictest", MultipleFromAction::Strictest},
    {"accept", MultipleFromAction::Accept},
}};
constexpr std::array<std::pair<std::string_view, MissingFromAction>, 2> kMissingFromActions{{
    {"reject", MissingFromAction::Reject},
    {"accept", MissingFromAction::Accept},
}};
constexpr std::array<std::pair<std::string_view, ForwarderAction>, 2> kForwarderActions{{
    {"accept", ForwarderAction::Accept},
    {"quarantine", ForwarderAction::Quarantine},
}};
constexpr std::array<std::pair<std::string_view, MailingListAction>, 3> kMailingListActions{{
    {"off", MailingListAction::Off},
    {"quarantine", MailingListAction::Quarantine},
    {"accept", MailingListAction::Accept},
}};

std::vector<Setting> buildTable() {
    const auto networks = ListCodec<NetworkCodec>{{}, kMaxListItems};
    const auto authservIds = ListCodec<TextCodec>{{"authserv-id", checkAuthservId}, kMaxListItems};
    const auto path = TextCodec{"absolute path, or \"\" for none", checkAbsolutePath};
    constexpr auto restart = Reload::NeedsRestart;
    constexpr auto reload = Reload::Applies;
    return {
        // ---- Connection to the MTA ----
        bind({"Socket", kMta, "inet:8893@127.0.0.1", restart,
              "Where the milter listens for the MTA. unix:PATH is a Unix-domain socket; Postfix's smtpd "
              "runs chrooted in /var/spool/postfix, so put it below that directory (Socket "
              "unix:/var/spool/postfix/dmarc-milter/milter.sock, and in main.cf smtpd_milters = "
              "unix:/dmarc-milter/milter.sock). inet:PORT@HOST and inet6:PORT@HOST listen on TCP at that "
              "address; without @HOST on every interface, which is unwise: the milter protocol has no "
              "authentication."},
             &Config::socket, SocketCodec{}),
        bind({"UMask", kMta, "0007", restart,
              "The file mode creation mask for the Unix-domain socket and the pid file. 0007 lets the "
              "milter's own user and group connect: add the MTA's user (postfix) to the milter's group."},
             &Config::umask, UmaskCodec{}),
        bind({"UserID", kMta, "", restart,
              "The account to run as, user or user:group, once the socket is bound and the pid file "
              "written; the milter is then usually started as root. Empty keeps the account it was "
              "started as."},
             &Config::userId, RunAsCodec{}),
        bind({"PidFile", kMta, "", restart,
              "A file to write the process id to at start-up (removed at exit). Empty writes none; "
              "systemd does not need one."},
             &Config::pidFile, path),
        bind({"MilterTimeout", kMta, "7210s", restart,
              "How long to wait for the MTA's next command before dropping the connection (libmilter's "
              "own default). The MTA applies its own timeouts in the other direction."},
             &Config::milterTimeout, DurationCodec<seconds>{1s, 86400s}),

        // ---- Which messages are checked ----
        bind({"IgnoreNetworks", kSkip, "127.0.0.0/8, ::1", reload,
              "Clients at these IPv4 or IPv6 addresses or networks (CIDR notation) are not checked: "
              "their mail gets no Authentication-Results field and no enforcement, and the connection "
              "is logged with the reason. The default, loopback, is where the MTA's own local "
              "submissions come from. \"\" checks every client."},
             &Config::ignoreNetworks, networks),
        bind({"IgnoreHosts", kSkip, "", reload,
              "A file of more client networks not to check: one or more per line, '#' starts a "
              "comment. It is read at start-up and again on every reload, so the list can change "
              "without a restart. Empty: no file."},
             &Config::ignoreHosts, NetworkFileCodec{}),
        bind({"IgnoreAuthenticatedClients", kSkip, "yes", reload,
              "Do not check mail from clients that logged in with SMTP AUTH (the MTA's {auth_authen} "
              "macro, which Postfix sends by default): that is your own users' outgoing mail."},
             &Config::ignoreAuthenticatedClients, BoolCodec{}),
        bind({"IgnoreDaemonNames", kSkip, "", reload,
              "Do not check mail received by the MTA services with these names (the {daemon_name} "
              "macro; in Postfix's master.cf set it per service with -o "
              "milter_macro_daemon_name=NAME). Better still, give such services -o smtpd_milters=."},
             &Config::ignoreDaemonNames, ListCodec<TextCodec>{{"daemon name", checkDaemonName}, kMaxListItems}),
        bind({"TrustedRelays", kSkip, "", reload,
              "Relays or filters in front of this MTA (addresses or networks). For mail from them the "
              "client address is taken from the Received header field the relay added, so that SPF, "
              "IgnoreNetworks and TrustedForwarders judge the host that really sent the message. Leave "
              "it empty when the MTA receives mail from the Internet directly."},
             &Config::trustedRelays, networks),
        bind({"TrustedAuthservIDs", kSkip, "", reload,
              "authserv-ids of hosts in front of this one whose Authentication-Results fields are "
              "trusted: their SPF result for the MAIL FROM identity (smtp.mailfrom) is used instead of "
              "checking SPF here; a HELO result never is (CVE-2019-20790). Only believed in mail that "
              "arrives from one of TrustedRelays: from any other client such a field is a forgery. List "
              "only hosts that remove such fields from incoming mail."},
             &Config::trustedAuthservIds, authservIds),

        // ---- Authentication-Results ----
        bind({"AuthservID", kAuthResults, "HOSTNAME", reload,
              "The authserv-id of the Authentication-Results field the milter adds; incoming fields that "
              "claim it are forgeries and are removed. HOSTNAME stands for this machine's host name."},
             &Config::authservId, AuthservIdCodec{}),
        bind({"MaxAuthResultsSignatures", kAuthResults, "8", reload,
              "At most this many DKIM signatures are listed in the Authentication-Results field, aligned "
              "ones first, so a message with many signatures cannot bloat the header."},
             &Config::maxAuthResultsSignatures, IntegerCodec<std::size_t>{1, 64}),

        // ---- Policy and enforcement ----
        bind({"Mode", kPolicy, "rfc9989", restart,
              "Which DMARC specification to follow. rfc9989 finds policy records and organizational "
              "domains by the DNS tree walk and honours np= and t=; rfc7489 finds organizational "
              "domains in the public suffix list (PublicSuffixList) and honours pct=."},
             &Config::mode, EnumCodec<core::DmarcMode>{kModes}),
        bind({"MonitorOnly", kPolicy, "no", reload,
              "Only observe: evaluate every message, add Authentication-Results and log the verdict, but "
              "never quarantine, hold, reject or defer a message, whatever its policy and whatever goes "
              "wrong. Useful for the first weeks in production."},
             &Config::monitorOnly, BoolCodec{}),
        bind({"RejectFailures", kPolicy, "no", reload,
              "Reject (550 5.7.1) failing messages whose domain publishes p=reject. Without it they are "
              "quarantined instead and logged with override local_policy, as RFC 9989 advises: "
              "forwarding and mailing lists make legitimate mail fail DMARC too."},
             &Config::rejectFailures, BoolCodec{}),
        bind({"RejectReply", kPolicy, "Email rejected per DMARC policy for DOMAIN", reload,
              "The text of the 550 5.7.1 reply to a rejected message. The word DOMAIN, in capitals, "
              "is replaced by the domain whose policy was applied. Printable ASCII only."},
             &Config::rejectReply, TextCodec{"text", checkRejectReply}),
        bind({"HoldQuarantinedMessages", kPolicy, "no", reload,
              "Also put quarantined messages in the MTA's hold queue (with Postfix, see them with "
              "postqueue -j and release them with postsuper -H). Without it they are delivered, marked "
              "with QuarantineHeader."},
             &Config::holdQuarantined, BoolCodec{}),
        bind({"QuarantineHeader", kPolicy, "X-DMARC-Quarantine", reload,
              "The header field added to quarantined messages, for the delivery agent to file them as "
              "spam (Sieve: if exists \"X-DMARC-Quarantine\" { fileinto \"Junk\"; }). Its value names "
              "the author domain and the reason. Incoming fields of that name are removed."},
             &Config::quarantineHeader, TextCodec{"header field name", checkHeaderName}),
        bind({"NeverRejectRecipients", kPolicy, "", reload,
              "Recipients whose mail DMARC never rejects, holds or defers (it is still marked): a local "
              "part alone, for any domain, or a full address such as dmarc-reports@example.net. "
              "postmaster and abuse are always on the list. Compared without regard to case."},
             &Config::neverRejectRecipients, ListCodec<RecipientCodec>{{}, kMaxListItems}),
        bind({"TrustedForwarders", kPolicy, "", reload,
              "Forwarders whose mail is spared when it fails DMARC (override trusted_forwarder): IP "
              "addresses or networks of the forwarding hosts, or domains (with their subdomains) the "
              "forwarder authenticates as by SPF or DKIM."},
             &Config::trustedForwarders, ForwardersCodec{}),
        bind({"TrustedForwarderAction", kPolicy, "accept", reload,
              "The most a failing message from a trusted forwarder gets: accept delivers it normally, "
              "quarantine marks (or holds) it instead of rejecting it."},
             &Config::trustedForwarderAction, EnumCodec<ForwarderAction>{kForwarderActions}),
        bind({"MailingListAction", kPolicy, "off", reload,
              "Failing messages that carry a List-Id field: off treats them like all other mail; "
              "quarantine caps them at quarantine; accept delivers them normally (override "
              "mailing_list). Anyone can add List-Id, so accept lets forgers through as well."},
             &Config::mailingListAction, EnumCodec<MailingListAction>{kMailingListActions}),
        bind({"LocalPolicyFile", kPolicy, "", reload,
              "A file of rules per author domain that replace the published policy for failing mail "
              "(override local_policy): lines of \"DOMAIN none|quarantine|reject\", the domain matched "
              "exactly, '#' starts a comment. Read at start-up and on every reload. Empty: no file."},
             &Config::localPolicies, DomainPolicyFileCodec{}),
        bind({"MultipleFromAction", kPolicy, "strictest", reload,
              "Messages with several From fields, or several authors in different domains: reject "
              "refuses them (550 5.7.1); strictest evaluates every author domain and applies the "
              "strictest verdict; accept delivers them without a DMARC verdict."},
             &Config::multipleFromAction, EnumCodec<MultipleFromAction>{kMultipleFromActions}),
        bind({"MissingFromAction", kPolicy, "accept", reload,
              "Messages without a usable From field (RFC 5322 requires one): reject refuses them "
              "(550 5.7.1); accept delivers them without a DMARC verdict."},
             &Config::missingFromAction, EnumCodec<MissingFromAction>{kMissingFromActions}),

        // ---- Errors ----
        bind({"DNSTempErrorAction", kErrors, "tempfail", reload,
              "When DNS trouble leaves the verdict open (dmarc=temperror): tempfail answers 451 4.7.1 "
              "so that the sender retries later; accept delivers the message marked temperror."},
             &Config::dnsTempErrorAction, EnumCodec<ErrorAction>{kErrorActions}),
        bind({"InternalErrorAction", kErrors, "tempfail", reload,
              "When the milter fails on a message itself (out of memory, a bug): tempfail answers "
              "451 4.7.1; accept delivers it unchecked. Either way the failure is logged and counted."},
             &Config::internalErrorAction, EnumCodec<ErrorAction>{kErrorActions}),
        bind({"TempFailReply", kErrors, "DMARC policy evaluation failed temporarily, try again later",
              reload, "The text of the 451 4.7.1 reply when a message is deferred. Printable ASCII only."},
             &Config::tempFailReply, TextCodec{"text", checkTempFailReply}),

        // ---- DNS ----
        bind({"Nameservers", kDns, "", restart,
              "Name servers to ask, by IP address with an optional port: 192.0.2.53, 192.0.2.53:5353, "
              "2001:db8::53, [2001:db8::53]:5353. Empty uses those of /etc/resolv.conf. A validating "
              "resolver on the same host is best."},
             &Config::nameservers, ListCodec<TextCodec>{{"name server", checkNameServer}, 16}),
        bind({"DNSTimeout", kDns, "2s", restart,
              "How long to wait for a DNS answer before asking again; each further try waits twice as "
              "long."},
             &Config::dnsTimeout, DurationCodec<milliseconds>{100ms, 30s}),
        bind({"DNSRetries", kDns, "1", restart, "How many times an unanswered DNS query is sent again."},
             &Config::dnsRetries, IntegerCodec<unsigned>{0, 5}),
        bind({"DNSCacheSize", kDns, "10000", restart,
              "How many DNS answers are kept, each for its TTL; 0 turns the cache off."},
             &Config::dnsCacheSize, IntegerCodec<std::size_t>{0, 10'000'000}),
        bind({"DNSTtlFloor", kDns, "5s", restart,
              "DNS answers are kept at least this long, even when their TTL is shorter."},
             &Config::dnsTtlFloor, DurationCodec<seconds>{0s, 3600s}),
        bind({"DNSTtlCeiling", kDns, "1d", restart,
              "DNS answers are kept at most this long, even when their TTL is longer."},
             &Config::dnsTtlCeiling, DurationCodec<seconds>{60s, 604800s}),

        // ---- DKIM and SPF ----
        bind({"MaxDkimSignatures", kAuth, "8", restart,
              "At most this many DKIM signatures are verified per message, those of the From domain "
              "first; the rest count as not checked. This bounds the DNS queries and CPU a hostile "
              "message can cost."},
             &Config::maxDkimSignatures, IntegerCodec<std::size_t>{1, 64}),
        bind({"MinimumKeyBits", kAuth, "1024", restart,
              "DKIM signatures made with RSA keys shorter than this fail (RFC 8301 forbids keys under "
              "1024 bits)."},
             &Config::minimumKeyBits, IntegerCodec<unsigned>{1024, 8192}),
        bind({"PublicSuffixList", kAuth, "", restart,
              "The public suffix list (publicsuffix.org format) for Mode rfc7489. Empty uses the newest "
              "list on the system (Debian's publicsuffix package)."},
             &Config::publicSuffixList, path),

        // ---- Logging ----
        bind({"Syslog", kLogging, "yes", restart,
              "Log to syslog. no logs to standard error instead (the foreground, or systemd's journal)."},
             &Config::syslog, BoolCodec{}),
        bind({"SyslogFacility", kLogging, "mail", restart, "The syslog facility to log with."},
             &Config::syslogFacility, EnumCodec<log::SyslogFacility>{log::kSyslogFacilityNames}),
        bind({"LogLevel", kLogging, "info", reload,
              "How much to log: error, warning, info (one line per message, the default) or debug."},
             &Config::logLevel, EnumCodec<log::LogLevel>{log::kLogLevelNames}),
    };
}

// Case-insensitive Levenshtein distance, capped: names longer than kMaxCompared are not
// compared (no setting is that long, and it bounds the work on hostile input).
constexpr std::size_t kMaxCompared = 64;

std::size_t editDistance(std::string_view a, std::string_view b) {
    const std::string x = lowerAscii(a);
    const std::string y = lowerAscii(b);
    std::vector<std::size_t> row(y.size() + 1);
    for (std::size_t j = 0; j <= y.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= x.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= y.size(); ++j) {
            const std::size_t above = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (x[i - 1] == y[j - 1] ? 0 : 1)});
            diagonal = above;
        }
    }
    return row[y.size()];
}

}  // namespace

std::span<const Setting> settings() {
    static const std::vector<Setting> table = buildTable();
    return table;
}

const Setting* findSetting(std::string_view name) {
    const std::string lower = lowerAscii(name);
    for (const Setting& setting : settings()) {
        if (lowerAscii(setting.name) == lower) return &setting;
    }
    return nullptr;
}

std::optional<std::string_view> suggestSetting(std::string_view name) {
    if (name.empty() || name.size() > kMaxCompared) return std::nullopt;
    // A third of the name's length, at least 1 and at most 3 edits: "Sockt" → "Socket",
    // but "Foo" suggests nothing.
    const std::size_t allowed = std::clamp<std::size_t>(name.size() / 3, 1, 3);
    std::optional<std::string_view> best;
    std::size_t bestDistance = allowed + 1;
    for (const Setting& setting : settings()) {
        const std::size_t distance = editDistance(name, setting.name);
        if (distance < bestDistance) {
            best = setting.name;
            bestDistance = distance;
        }
    }
    return best;
}

std::vector<std::string_view> restartOnlyChanges(const Config& running, const Config& loaded) {
    std::vector<std::string_view> changed;
    for (const Setting& setting : settings()) {
        if (setting.reload == Reload::NeedsRestart && setting.format(running) != setting.format(loaded)) {
            changed.push_back(setting.name);
        }
    }
    return changed;
}

std::vector<std::string_view> keepRestartOnly(const Config& running, Config& loaded) {
    std::vector<std::string_view> changed = restartOnlyChanges(running, loaded);
    for (const Setting& setting : settings()) {
        if (setting.reload == Reload::NeedsRestart) setting.copy(running, loaded);
    }
    return changed;
}

}  // namespace dmarc::config
