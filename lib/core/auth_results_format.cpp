// Authentication-Results builder (see auth_results_format.h). The field is assembled from
// "pieces" (method=result, a comment or its words, reason=, each property) that never
// contain a fold point except between them; every piece is capped so that even a piece
// alone on a line stays under 998 octets, and the folder then fills 78-octet lines.
// Pure functions; thread-safe.
#include "auth_results_format.h"

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

namespace dmarc::core {

namespace {

constexpr std::size_t kSoftLineLimit = 78;   // RFC 5322 §2.1.1 SHOULD
constexpr std::size_t kHardLineLimit = 998;  // RFC 5322 §2.1.1 MUST
constexpr std::size_t kMaxIndent = 8;
constexpr std::string_view kDefaultFold = "\n\t";
constexpr std::string_view kEllipsis = "...";
constexpr std::string_view kQuotedSpecials = "\"\\";
constexpr std::string_view kCommentSpecials = "()\\";
constexpr std::string_view kPlaceholderKeyword = "unknown";

// The longest piece: "ptype.property=" + value + the ';' that ends a result.
constexpr std::size_t kMaxPiece = 2 * kArMaxKeywordLength + 2 + kArMaxValueLength + 1;
static_assert(kArMaxFieldNameLength + kMaxPiece <= kHardLineLimit);
static_assert(kMaxIndent + kMaxPiece <= kHardLineLimit);
static_assert(kArMaxCommentLength + 1 <= kMaxPiece);
static_assert(std::string_view("reason=").size() + kArMaxValueLength + 1 <= kMaxPiece);

// Printable ASCII only: whitespace controls become spaces, other controls vanish, and each
// non-ASCII octet becomes '?' (inputs should be A-labels already; this is the last guard
// against header injection and 8-bit junk).
std::string printable(std::string_view in) {
    std::string out;
    out.reserve(in.size());
    for (const char c : in) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '\t' || c == '\r' || c == '\n') {
            out += ' ';
        } else if (u >= 0x80) {
            out += '?';
        } else if (u >= 0x20 && u != 0x7F) {
            out += c;
        }
    }
    return out;
}

std::string collapseWhitespace(std::string_view in) {
    std::string out;
    for (const char c : in) {
        if (c != ' ') {
            out += c;
        } else if (!out.empty() && out.back() != ' ') {
            out += ' ';
        }
    }
    if (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
}

// Lower-cased, only keyword characters, at most kArMaxKeywordLength; may be empty.
std::string keyword(std::string_view in) {
    std::string out;
    for (const char c : in) {
        if (out.size() == kArMaxKeywordLength) break;
        if (!isArKeywordChar(c)) continue;
        out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    }
    return out;
}

std::string keywordOrPlaceholder(std::string_view in) {
    std::string out = keyword(in);
    return out.empty() ? std::string(kPlaceholderKeyword) : out;
}

bool isToken(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), isRfc2045TokenChar);
}

// RFC 5322 atext.
bool isAtext(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::string_view("!#$%&'*+-/=?^_`{|}~").find(c) != std::string_view::npos;
}

bool isDotAtomText(std::string_view s) {
    std::size_t run = 0;
    for (const char c : s) {
        if (c == '.') {
            if (run == 0) return false;
            run = 0;
        } else if (isAtext(c)) {
            ++run;
        } else {
            return false;
        }
    }
    return run > 0;
}

// RFC 6376 domain-name: at least two LDH labels (RFC 5321 sub-domain), at most 253 octets.
bool isDomainName(std::string_view s) {
    if (s.empty() || s.size() > 253) return false;
    std::size_t labels = 0;
    while (true) {
        const auto dot = s.find('.');
        const auto label = s.substr(0, dot);
        if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
        for (const char c : label) {
            const bool ldh = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
            if (!ldh) return false;
        }
        ++labels;
        if (dot == std::string_view::npos) break;
        s.remove_prefix(dot + 1);
    }
    return labels >= 2;
}

// RFC 8601 pvalue forms that may stand bare although '@' is a tspecial:
// local-part@domain (dot-atom local part) and @domain.
bool isAddressForm(std::string_view s) {
    const auto at = s.rfind('@');
    if (at == std::string_view::npos) return false;
    const auto local = s.substr(0, at);
    return (local.empty() || isDotAtomText(local)) && isDomainName(s.substr(at + 1));
}

std::size_t escapedLength(std::string_view s, std::string_view specials) {
    std::size_t n = s.size();
    for (const char c : s) n += specials.find(c) != std::string_view::npos ? 1 : 0;
    return n;
}

void appendEscaped(std::string& out, std::string_view s, std::string_view specials) {
    for (const char c : s) {
        if (specials.find(c) != std::string_view::npos) out += '\\';
        out += c;
    }
}

// The longest prefix of s whose escaped form takes at most `room` octets (never splits a
// quoted-pair).
std::string_view fittingPrefix(std::string_view s, std::string_view specials, std::size_t room) {
    std::size_t used = 0;
    std::size_t i = 0;
    for (; i < s.size(); ++i) {
        const std::size_t width = specials.find(s[i]) != std::string_view::npos ? 2 : 1;
        if (used + width > room) break;
        used += width;
    }
    return s.substr(0, i);
}

std::string bareOrQuoted(std::string_view s, bool addressFormAllowed) {
    if (isToken(s) || (addressFormAllowed && isAddressForm(s))) return std::string(s);
    std::string out = "\"";
    appendEscaped(out, s, kQuotedSpecials);
    out += '"';
    return out;
}

// A value (already printable) as token, address form or quoted-string, at most
// kArMaxValueLength octets. A cut value is rendered afresh, so that formatting what a parser
// reads back from our output gives the same text.
std::string renderValue(std::string_view s, bool addressFormAllowed) {
    std::string out = bareOrQuoted(s, addressFormAllowed);
    if (out.size() <= kArMaxValueLength) return out;
    std::string cut(fittingPrefix(s, kQuotedSpecials, kArMaxValueLength - 2 - kEllipsis.size()));
    cut += kEllipsis;
    return bareOrQuoted(cut, addressFormAllowed);
}

// "(text)" with whitespace collapsed and specials escaped, at most kArMaxCommentLength
// octets; empty when there is nothing to say.
std::string renderComment(std::string_view raw) {
    const std::string text = collapseWhitespace(printable(raw));
    if (text.empty()) return {};
    std::string out = "(";
    if (2 + escapedLength(text, kCommentSpecials) <= kArMaxCommentLength) {
        appendEscaped(out, text, kCommentSpecials);
    } else {
        appendEscaped(out, fittingPrefix(text, kCommentSpecials, kArMaxCommentLength - 2 - kEllipsis.size()),
                      kCommentSpecials);
        out += kEllipsis;
    }
    out += ')';
    return out;
}

// A comment that fits on a line of its own stays one piece; a longer one may fold between
// its words (FWS is allowed inside comments, RFC 5322 §3.2.2).
void appendCommentPieces(std::vector<std::string>& pieces, const std::string& comment, std::size_t room) {
    if (comment.size() <= room) {
        pieces.push_back(comment);
        return;
    }
    std::string_view rest = comment;
    while (!rest.empty()) {
        const auto space = rest.find(' ');
        pieces.emplace_back(rest.substr(0, space));
        rest.remove_prefix(space == std::string_view::npos ? rest.size() : space + 1);
    }
}

std::vector<std::string> resultPieces(const AuthMethodResult& r, std::size_t commentRoom) {
    std::vector<std::string> pieces;
    pieces.push_back(keywordOrPlaceholder(r.method) + "=" + keywordOrPlaceholder(r.result));
    if (const std::string comment = renderComment(r.comment); !comment.empty()) {
        appendCommentPieces(pieces, comment, commentRoom);
    }
    if (const std::string reason = printable(r.reason); !reason.empty()) {
        pieces.push_back("reason=" + renderValue(reason, false));
    }
    for (const AuthProperty& p : r.properties) {
        const std::string ptype = keyword(p.ptype);
        const std::string property = keyword(p.property);
        if (ptype.empty() || property.empty()) continue;
        pieces.push_back(ptype + "." + property + "=" + renderValue(printable(p.value), true));
    }
    return pieces;
}

bool isUsableFold(std::string_view fold) {
    if (fold.substr(0, 2) == "\r\n") {
        fold.remove_prefix(2);
    } else if (fold.substr(0, 1) == "\n") {
        fold.remove_prefix(1);
    } else {
        return false;
    }
    return !fold.empty() && fold.size() <= kMaxIndent &&
           fold.find_first_not_of(" \t") == std::string_view::npos;
}

}  // namespace

std::string formatAuthResults(const AuthResults& results, const ArFormatOptions& options) {
    const std::size_t prefix = std::min(options.fieldNameLength, kArMaxFieldNameLength);
    const std::string_view fold = isUsableFold(options.foldSequence) ? std::string_view(options.foldSequence)
                                                                     : kDefaultFold;
    const std::size_t indent = fold.size() - (fold.rfind('\n') + 1);
    // Room for a comment piece alone on a continuation line, its result's ';' included.
    const std::size_t commentRoom = kSoftLineLimit - indent - 1;

    std::vector<std::vector<std::string>> groups;
    if (results.results.empty()) groups.push_back({"none"});
    for (const AuthMethodResult& r : results.results) groups.push_back(resultPieces(r, commentRoom));
    for (std::size_t i = 0; i + 1 < groups.size(); ++i) groups[i].back() += ';';

    std::string out = renderValue(printable(results.authservId), false) + ";";
    std::size_t oneLine = prefix + out.size();
    for (const auto& group : groups) {
        for (const auto& piece : group) oneLine += 1 + piece.size();
    }
    if (oneLine <= kSoftLineLimit) {
        for (const auto& group : groups) {
            for (const auto& piece : group) (out += ' ') += piece;
        }
        return out;
    }
    // Too long for one line: each result on a line of its own, folded greedily inside.
    for (const auto& group : groups) {
        std::size_t column = 0;
        for (std::size_t i = 0; i < group.size(); ++i) {
            if (i > 0 && column + 1 + group[i].size() <= kSoftLineLimit) {
                out += ' ';
                column += 1 + group[i].size();
            } else {
                out += fold;
                column = indent + group[i].size();
            }
            out += group[i];
        }
    }
    return out;
}

std::string headerBPrefix(std::string_view b64, const std::vector<std::string_view>& allSignaturesB) {
    const auto withoutFws = [](std::string_view in) {
        std::string out;
        for (const char c : in) {
            if (c != ' ' && c != '\t' && c != '\r' && c != '\n') out += c;
        }
        return out;
    };
    constexpr std::size_t kMinimumPrefix = 8;  // RFC 6008 §4
    const std::string self = withoutFws(b64);
    std::size_t length = std::min(kMinimumPrefix, self.size());
    for (const std::string_view otherRaw : allSignaturesB) {
        const std::string other = withoutFws(otherRaw);
        if (other == self) continue;
        const auto common = static_cast<std::size_t>(
            std::mismatch(self.begin(), self.end(), other.begin(), other.end()).first - self.begin());
        length = std::max(length, std::min(common + 1, self.size()));
    }
    return self.substr(0, length);
}

}  // namespace dmarc::core
