// What the milter asks of a Config snapshot (see config.h): the core's enforcement
// settings, logging options, and the client, forwarder, author-domain and recipient
// matches behind the settings of the same names. Pure; thread-safe.
#include "config.h"

#include <algorithm>

#include "config/reply_template.h"
#include "config/value_codecs.h"

namespace dmarc::config {
namespace {

core::Disposition capFor(ForwarderAction action) {
    return action == ForwarderAction::Quarantine ? core::Disposition::Quarantine : core::Disposition::None;
}

core::Disposition capFor(MailingListAction action) {
    // Off never applies: the milter does not report a list then (LocalFacts::mailingList).
    return action == MailingListAction::Quarantine ? core::Disposition::Quarantine : core::Disposition::None;
}

// "<User@Example.COM>" → "user@example.com"; what a recipient compares as.
std::string normalisedRecipient(std::string_view recipient) {
    if (recipient.size() >= 2 && recipient.front() == '<' && recipient.back() == '>') {
        recipient = recipient.substr(1, recipient.size() - 2);
    }
    return lowerAscii(recipient);
}

}  // namespace

std::string toString(const SocketAddress& socket) {
    switch (socket.family) {
        case SocketAddress::Family::Unix: return "unix:" + socket.path;
        case SocketAddress::Family::Inet:
        case SocketAddress::Family::Inet6: {
            std::string text = socket.family == SocketAddress::Family::Inet ? "inet:" : "inet6:";
            text += std::to_string(socket.port);
            if (!socket.host.empty()) text += "@" + socket.host;
            return text;
        }
    }
    return "";
}

core::LocalPolicy localPolicy(const Config& config) {
    core::LocalPolicy policy;
    policy.mode = config.mode;
    policy.hardReject = config.rejectFailures && !config.monitorOnly;
    policy.trustedForwarderCap = capFor(config.trustedForwarderAction);
    policy.mailingListCap = capFor(config.mailingListAction);
    return policy;
}

log::LogOptions logOptions(const Config& config) {
    return log::LogOptions{config.syslog, config.syslogFacility, config.logLevel};
}

bool isIgnoredClient(const Config& config, const core::ClientIp& ip) {
    return core::anyContains(config.ignoreNetworks, ip) || core::anyContains(config.ignoreHosts.networks, ip);
}

bool isTrustedForwarder(const Config& config, const core::ClientIp& ip) {
    return core::anyContains(config.trustedForwarders.networks, ip);
}

bool isTrustedForwarder(const Config& config, const core::DomainName& authenticatedDomain) {
    const auto& domains = config.trustedForwarders.domains;
    return std::any_of(domains.begin(), domains.end(),
                       [&](const core::DomainName& domain) { return authenticatedDomain.isWithin(domain); });
}

std::optional<core::Disposition> localPolicyFor(const Config& config, const core::DomainName& author) {
    const auto found = config.localPolicies.rules.find(author);
    if (found == config.localPolicies.rules.end()) return std::nullopt;
    return found->second;
}

bool isNeverRejected(const Config& config, std::string_view recipient) {
    const std::string address = normalisedRecipient(recipient);
    const std::size_t at = address.rfind('@');
    const std::string_view localPart = std::string_view(address).substr(0, at);
    for (std::string_view always : kAlwaysAcceptedLocalParts) {
        if (localPart == always) return true;
    }
    for (const std::string& entry : config.neverRejectRecipients) {
        const bool wholeAddress = entry.find('@') != std::string::npos;
        if (wholeAddress ? address == entry : localPart == entry) return true;
    }
    return false;
}

std::string rejectText(const Config& config, std::string_view authorDomain) {
    return fillReplyTemplate(config.rejectReply, authorDomain);
}

}  // namespace dmarc::config
