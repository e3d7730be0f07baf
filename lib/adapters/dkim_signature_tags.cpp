// RFC 6376 §3.2 tag-list reader and §3.5 / §6.1.1 checks for one DKIM-Signature field.
// Strict where libopendkim is strict (ASCII only, tag names start with a letter, no empty
// tag-spec, digits in t= x= l=) so that whatever libopendkim would mark bad is refused here.
#include "adapters/dkim_signature_tags.h"

#include <algorithm>
#include <cstdint>
#include <map>

namespace dmarc::adapters {
namespace {

constexpr std::size_t maxKeptValue = 255;
constexpr std::size_t maxShownValue = 16;
constexpr std::size_t maxPrefix = 16;
constexpr std::size_t maxDnsName = 253;
constexpr std::string_view keyLabel = "._domainkey.";

bool isWhitespace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
bool isAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isNameChar(char c) { return isAlpha(c) || isDigit(c) || c == '_'; }
// VALCHAR (%x21-3A / %x3C-7E): printable ASCII except ';'.
bool isValueChar(char c) { return c >= 0x21 && c <= 0x7e && c != ';'; }

std::string_view trimRight(std::string_view text) {
    while (!text.empty() && isWhitespace(text.back())) text.remove_suffix(1);
    return text;
}

std::string kept(std::string_view value) { return std::string(value.substr(0, maxKeptValue)); }

std::string shown(std::string_view value) {
    std::string out(value.substr(0, maxShownValue));
    if (value.size() > maxShownValue) out += "...";
    return out;
}

bool allDigits(std::string_view value, std::size_t maxDigits) {
    return !value.empty() && value.size() <= maxDigits && std::all_of(value.begin(), value.end(), isDigit);
}

std::string withoutWhitespace(std::string_view value, std::size_t limit) {
    std::string out;
    for (const char c : value) {
        if (out.size() == limit) break;
        if (!isWhitespace(c)) out += c;
    }
    return out;
}

std::size_t countEntries(std::string_view list) {
    return static_cast<std::size_t>(std::count(list.begin(), list.end(), ':')) + 1;
}

using Tags = std::map<std::string_view, std::string_view>;

// Splits the tag-list; on a syntax error returns false and sets `reason`.
bool splitTags(std::string_view text, Tags& tags, std::string& reason) {
    std::size_t pos = 0;
    const auto skipSpace = [&] {
        while (pos < text.size() && isWhitespace(text[pos])) ++pos;
    };
    while (true) {
        skipSpace();
        if (pos == text.size()) {
            if (tags.empty()) reason = "empty tag-list";
            return !tags.empty();
        }
        const std::size_t nameStart = pos;
        if (!isAlpha(text[pos])) {
            reason = "syntax error in tag-list";
            return false;
        }
        while (pos < text.size() && isNameChar(text[pos])) ++pos;
        const std::string_view name = text.substr(nameStart, pos - nameStart);
        skipSpace();
        if (pos == text.size() || text[pos] != '=') {
            reason = "syntax error in tag " + shown(name);
            return false;
        }
        ++pos;
        skipSpace();
        const std::size_t valueStart = pos;
        while (pos < text.size() && text[pos] != ';') {
            if (!isValueChar(text[pos]) && !isWhitespace(text[pos])) {
                reason = "syntax error in tag " + shown(name);
                return false;
            }
            ++pos;
        }
        const std::string_view value = trimRight(text.substr(valueStart, pos - valueStart));
        if (!tags.emplace(name, value).second) {
            reason = "duplicate tag " + shown(name);
            return false;
        }
        if (pos == text.size()) return true;
        ++pos;  // ';' — a trailing one is allowed, an empty tag-spec between two is not
    }
}

std::string_view valueOf(const Tags& tags, std::string_view name) {
    const auto found = tags.find(name);
    return found == tags.end() ? std::string_view() : found->second;
}

// §3.5 and §6.1.1 checks on a well-formed tag-list; empty when the signature is usable.
std::string problemWith(const Tags& tags) {
    const auto version = tags.find("v");
    if (version == tags.end()) return "v= tag missing (pre-RFC 6376 signature)";
    if (version->second != "1") return "unsupported version v=" + shown(version->second);
    for (const std::string_view required : {"a", "b", "bh", "d", "h", "s"}) {
        const auto found = tags.find(required);
        if (found == tags.end()) return "tag " + std::string(required) + " missing";
        if (found->second.empty()) return "tag " + std::string(required) + " empty";
    }
    for (const auto& [name, digits] : {std::pair<std::string_view, std::size_t>{"t", 12}, {"x", 12}, {"l", 76}}) {
        const auto found = tags.find(name);
        if (found != tags.end() && !allDigits(found->second, digits)) return "syntax error in tag " + std::string(name);
    }
    const std::size_t keyName = valueOf(tags, "s").size() + keyLabel.size() + valueOf(tags, "d").size();
    if (keyName > maxDnsName) return "d= and s= too long for a DNS name";
    return {};
}

}  // namespace

SignatureTags readSignatureTags(std::string_view value) {
    SignatureTags out;
    try {
        Tags tags;
        if (!splitTags(value, tags, out.reason)) return out;
        out.version = kept(valueOf(tags, "v"));
        out.algorithm = kept(valueOf(tags, "a"));
        out.domain = kept(valueOf(tags, "d"));
        out.selector = kept(valueOf(tags, "s"));
        out.identity = kept(valueOf(tags, "i"));
        out.signaturePrefix = withoutWhitespace(valueOf(tags, "b"), maxPrefix);
        out.reason = problemWith(tags);
        if (!out.reason.empty()) return out;
        if (countEntries(valueOf(tags, "h")) > maxSignedHeaderFields) {
            out.refusal = DkimResult::Neutral;
            out.reason = "not checked: h= lists more than " + std::to_string(maxSignedHeaderFields) + " fields";
            return out;
        }
        out.usable = true;
        return out;
    } catch (...) {  // std::bad_alloc: refuse rather than throw
        out.usable = false;
        out.refusal = DkimResult::TempError;
        out.reason = "out of memory reading the signature";
        return out;
    }
}

}  // namespace dmarc::adapters
