// Received from-clauses and trusted upstream SPF results (relay_headers.h).
#include "pipeline/relay_headers.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

#include "core/auth_results.h"
#include "core/auth_results_parse.h"

namespace dmarc::pipeline {
namespace {

bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}

// The whitespace-separated words of a field body (folding is whitespace too).
std::vector<std::string_view> words(std::string_view text) {
    std::vector<std::string_view> out;
    std::size_t i = 0;
    while (i < text.size()) {
        while (i < text.size() && isSpace(text[i])) ++i;
        const std::size_t start = i;
        while (i < text.size() && !isSpace(text[i])) ++i;
        if (i > start) out.push_back(text.substr(start, i - start));
    }
    return out;
}

std::optional<core::ClientIp> bracketedAddress(std::string_view inside) {
    constexpr std::string_view kV6 = "ipv6:";
    if (inside.size() > kV6.size() && lower(inside.substr(0, kV6.size())) == kV6) inside.remove_prefix(kV6.size());
    return core::parseClientIp(inside);
}

// "user@example.com" or "example.com" → "example.com" (lower case, no trailing dot).
std::string domainOf(std::string_view identity) {
    const auto at = identity.rfind('@');
    if (at != std::string_view::npos) identity.remove_prefix(at + 1);
    if (!identity.empty() && identity.back() == '.') identity.remove_suffix(1);
    return lower(identity);
}

std::optional<core::SpfResult> spfResultWord(std::string_view word) {
    static constexpr std::array<std::pair<std::string_view, core::SpfResult>, 7> kWords{{
        {"none", core::SpfResult::None},
        {"neutral", core::SpfResult::Neutral},
        {"pass", core::SpfResult::Pass},
        {"fail", core::SpfResult::Fail},
        {"softfail", core::SpfResult::SoftFail},
        {"temperror", core::SpfResult::TempError},
        {"permerror", core::SpfResult::PermError},
    }};
    for (const auto& [name, result] : kWords) {
        if (name == word) return result;
    }
    return std::nullopt;
}

}  // namespace

std::optional<ReceivedFrom> parseReceivedFrom(std::string_view fieldBody) {
    const auto tokens = words(fieldBody);
    if (tokens.size() < 2 || lower(tokens[0]) != "from") return std::nullopt;
    // The from-clause ends where the by-clause (or the date after ';') begins.
    std::string_view clause = fieldBody;
    const auto fromAt = lower(fieldBody).find("from");
    clause.remove_prefix(fromAt + 4);
    const std::string clauseLower = lower(clause);
    std::size_t end = clause.size();
    for (std::size_t i = 0; i + 2 < clauseLower.size(); ++i) {
        if (clauseLower[i] == ';') {
            end = i;
            break;
        }
        if (isSpace(clauseLower[i]) && clauseLower.compare(i + 1, 2, "by") == 0 &&
            (i + 3 == clauseLower.size() || isSpace(clauseLower[i + 3]))) {
            end = i;
            break;
        }
    }
    clause = clause.substr(0, end);
    const auto open = clause.find('[');
    if (open == std::string_view::npos) return std::nullopt;
    const auto close = clause.find(']', open);
    if (close == std::string_view::npos) return std::nullopt;
    const auto ip = bracketedAddress(clause.substr(open + 1, close - open - 1));
    if (!ip) return std::nullopt;
    return ReceivedFrom{std::string(tokens[1]), *ip, core::formatClientIp(*ip)};
}

std::optional<ReceivedFrom> clientBehindRelays(const std::vector<std::string>& receivedTopDown,
                                               const std::vector<core::IpNetwork>& trustedRelays) {
    for (const auto& field : receivedTopDown) {
        auto from = parseReceivedFrom(field);
        if (!from) continue;
        if (!core::anyContains(trustedRelays, from->ip)) return from;
    }
    return std::nullopt;
}

std::optional<UpstreamSpf> upstreamSpf(const std::vector<std::string>& authResultsFields,
                                       const std::vector<std::string>& trustedAuthservIds,
                                       std::string_view mailFrom) {
    if (mailFrom.find('@') == std::string_view::npos) return std::nullopt;  // null sender: HELO only
    const std::string senderDomain = domainOf(mailFrom);
    if (senderDomain.empty()) return std::nullopt;
    for (const auto& field : authResultsFields) {
        const auto parsed = core::parseAuthResults(field);
        if (!parsed.ok()) continue;
        const bool trusted = std::any_of(trustedAuthservIds.begin(), trustedAuthservIds.end(),
                                         [&](const std::string& id) {
                                             return core::sameAuthservId(id, parsed.value().authservId);
                                         });
        if (!trusted) continue;
        for (const auto& result : parsed.value().results) {
            if (result.method != "spf") continue;
            const auto word = spfResultWord(result.result);
            const bool helo = std::any_of(result.properties.begin(), result.properties.end(), [](const auto& p) {
                return p.ptype == "smtp" && p.property == "helo";
            });
            const auto mailfrom = std::find_if(result.properties.begin(), result.properties.end(),
                                               [](const auto& p) { return p.ptype == "smtp" && p.property == "mailfrom"; });
            if (!word || helo || mailfrom == result.properties.end()) continue;
            if (domainOf(mailfrom->value) != senderDomain) continue;
            adapters::SpfOutcome outcome;
            outcome.result = *word;
            outcome.domain = senderDomain;
            outcome.scope = core::SpfScope::MailFrom;
            outcome.reason = "from the Authentication-Results of " + parsed.value().authservId;
            return UpstreamSpf{std::move(outcome), parsed.value().authservId};
        }
    }
    return std::nullopt;
}

}  // namespace dmarc::pipeline
