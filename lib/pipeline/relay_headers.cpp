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

bool equalsLower(std::string_view text, std::string_view lowerWord) {
    return text.size() == lowerWord.size() && lower(text) == lowerWord;
}

bool startsWithLower(std::string_view text, std::string_view lowerPrefix) {
    return text.size() >= lowerPrefix.size() && lower(text.substr(0, lowerPrefix.size())) == lowerPrefix;
}

// The words and comments of a field body (text = what is inside the outer parentheses).
// Only comments are units: the client's HELO can open a quoted string or an angle
// address that the MTA's own text closes ("for <rcpt>"), swallowing the real address and
// by-clause, while an unbalanced '(' from it never closes (the MTA's text is balanced).
struct Token {
    enum class Kind { Word, Comment } kind;
    std::string_view text;
};

// The tokens of a field body before the ';' that precedes its date (outside comments).
// nullopt when a comment never closes or there is a second such ';' (a HELO carrying one
// would otherwise hide the rest of the clause): a field that malformed or ambiguous says
// nothing reliable.
std::optional<std::vector<Token>> receivedTokens(std::string_view body) {
    std::vector<Token> out;
    std::size_t kept = std::string_view::npos;  // tokens before the ';', once seen
    std::size_t i = 0;
    while (i < body.size()) {
        const char c = body[i];
        if (isSpace(c)) {
            ++i;
        } else if (c == ';') {
            if (kept != std::string_view::npos) return std::nullopt;
            kept = out.size();
            ++i;
        } else if (c == '(') {
            std::size_t depth = 0;
            std::size_t j = i;
            for (; j < body.size(); ++j) {
                if (body[j] == '\\') {
                    ++j;
                } else if (body[j] == '(') {
                    ++depth;
                } else if (body[j] == ')' && --depth == 0) {
                    break;
                }
            }
            if (j >= body.size()) return std::nullopt;
            out.push_back({Token::Kind::Comment, body.substr(i + 1, j - i - 1)});
            i = j + 1;
        } else {
            // A stray ')' is part of the word.
            const std::size_t start = i;
            while (i < body.size() && !isSpace(body[i]) && body[i] != '(' && body[i] != ';') ++i;
            out.push_back({Token::Kind::Word, body.substr(start, i - start)});
        }
    }
    if (kept != std::string_view::npos) out.resize(kept);
    return out;
}

// An address literal as MTAs write it in a from-clause: "[192.0.2.1]", "[IPv6:2001:db8::1]",
// "[2001:db8::1]", and Exim's "[192.0.2.1]:25" with the client port.
std::optional<core::ClientIp> addressLiteral(std::string_view item) {
    if (item.empty() || item.front() != '[') return std::nullopt;
    const auto close = item.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    const std::string_view port = item.substr(close + 1);
    const auto isDigit = [](unsigned char c) { return std::isdigit(c) != 0; };
    if (!port.empty() && (port.size() < 2 || port.front() != ':' || !std::all_of(port.begin() + 1, port.end(), isDigit))) {
        return std::nullopt;
    }
    std::string_view inside = item.substr(1, close - 1);
    if (startsWithLower(inside, "ipv6:")) inside.remove_prefix(5);
    return core::parseClientIp(inside);
}

// What one from-clause comment says: the first address literal among its words, read only
// up to Exim's "helo=" or "ident=" (what follows them is the client's), and whether it
// starts the way Exim's comment after a bare "[IP]" does ("port=", "helo=").
struct CommentFacts {
    std::optional<core::ClientIp> address;
    bool eximAfterLiteral = false;
};

CommentFacts readComment(std::string_view inside) {
    CommentFacts facts;
    bool first = true;
    std::size_t i = 0;
    while (i < inside.size()) {
        while (i < inside.size() && isSpace(inside[i])) ++i;
        const std::size_t start = i;
        while (i < inside.size() && !isSpace(inside[i])) ++i;
        if (i == start) break;
        const std::string_view item = inside.substr(start, i - start);
        const bool clientText = startsWithLower(item, "helo=") || startsWithLower(item, "ident=");
        if (first) facts.eximAfterLiteral = clientText || startsWithLower(item, "port=");
        first = false;
        if (clientText) break;
        if ((facts.address = addressLiteral(item))) break;
    }
    return facts;
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
    const auto tokens = receivedTokens(fieldBody);
    if (!tokens || tokens->size() < 2) return std::nullopt;
    const Token& from = (*tokens)[0];
    const Token& helo = (*tokens)[1];
    if (from.kind != Token::Kind::Word || !equalsLower(from.text, "from") || helo.kind != Token::Kind::Word) {
        return std::nullopt;
    }
    // The client chose the HELO and Postfix writes it verbatim, spaces and parentheses
    // included, so anything that could be an imitation is refused: a second "by", a word
    // between the HELO and the by-clause, two comments that name an address.
    std::size_t byAt = tokens->size();
    for (std::size_t i = 2; i < tokens->size(); ++i) {
        const Token& token = (*tokens)[i];
        if (token.kind != Token::Kind::Word || !equalsLower(token.text, "by")) continue;
        if (byAt != tokens->size()) return std::nullopt;
        byAt = i;
    }
    std::optional<core::ClientIp> ip;
    bool eximAfterLiteral = false;
    for (std::size_t i = 2; i < byAt; ++i) {
        const Token& token = (*tokens)[i];
        if (token.kind != Token::Kind::Comment) return std::nullopt;
        const CommentFacts facts = readComment(token.text);
        if (i == 2) eximAfterLiteral = facts.eximAfterLiteral;
        if (!facts.address) continue;
        if (ip) return std::nullopt;
        ip = facts.address;
    }
    // Exim without a host name: "from [IP] (port=N helo=HELO)"; the literal is Exim's.
    if (!ip && eximAfterLiteral) ip = addressLiteral(helo.text);
    if (!ip) return std::nullopt;
    return ReceivedFrom{std::string(helo.text), *ip, core::formatClientIp(*ip)};
}

std::optional<ReceivedFrom> clientBehindRelays(const std::vector<std::string>& receivedTopDown,
                                               const std::vector<core::IpNetwork>& trustedRelays) {
    for (const auto& field : receivedTopDown) {
        auto from = parseReceivedFrom(field);
        // Unreadable: the fields below were not written by a host we know to trust.
        if (!from) return std::nullopt;
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
