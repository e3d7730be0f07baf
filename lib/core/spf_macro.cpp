// SPF macro-string syntax (RFC 7208 §7.1), checked without expanding anything. One
// linear scan per text; see spf_macro.h for what each context allows. Pure.
#include "spf_macro.h"

#include <cstddef>

namespace dmarc::core {
namespace {

enum class Context { DomainSpec, ModifierValue, Explanation };

bool isAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool isDigit(char c) { return c >= '0' && c <= '9'; }
char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool isMacroLetter(char c) {
    switch (lower(c)) {
        case 's': case 'l': case 'o': case 'd': case 'i': case 'p':
        case 'h': case 'c': case 'r': case 't': case 'v':
            return true;
        default:
            return false;
    }
}

bool onlyInExplanation(char c) {
    const char l = lower(c);
    return l == 'c' || l == 'r' || l == 't';
}

bool isDelimiter(char c) {
    return c == '.' || c == '-' || c == '+' || c == ',' || c == '/' || c == '_' || c == '=';
}

struct Scan {
    MacroUsage usage;
    // Where the trailing run of literal characters starts: text.size() when the text
    // ends in a macro-expand, which is one valid domain-end.
    std::size_t literalTail = 0;
};

// "%{" letter *DIGIT ["r"] *delimiter "}" starting at text[at] == '%', text[at+1] == '{'.
// Returns the index after the '}' or the error.
Result<std::size_t, MacroError> scanMacroExpand(std::string_view text, std::size_t at, Context context,
                                                MacroUsage& usage) {
    std::size_t i = at + 2;
    if (i >= text.size()) return fail(MacroError::UnterminatedMacro);
    const char letter = text[i];
    if (!isMacroLetter(letter)) return fail(MacroError::InvalidMacroLetter);
    if (context == Context::DomainSpec && onlyInExplanation(letter)) {
        return fail(MacroError::LetterOnlyInExplanation);
    }
    usage.add(letter);
    ++i;
    bool anyDigit = false;
    bool nonZero = false;
    while (i < text.size() && isDigit(text[i])) {
        anyDigit = true;
        nonZero = nonZero || text[i] != '0';
        ++i;
    }
    if (anyDigit && !nonZero) return fail(MacroError::ZeroTransformer);
    if (i < text.size() && lower(text[i]) == 'r') ++i;
    while (i < text.size() && isDelimiter(text[i])) ++i;
    if (i >= text.size()) return fail(MacroError::UnterminatedMacro);
    if (text[i] != '}') return fail(MacroError::InvalidTransformer);
    return i + 1;
}

Result<Scan, MacroError> scan(std::string_view text, Context context) {
    Scan result;
    std::size_t i = 0;
    while (i < text.size()) {
        const char c = text[i];
        if (c == '%') {
            if (i + 1 >= text.size()) return fail(MacroError::InvalidEscape);
            const char next = text[i + 1];
            if (next == '%' || next == '_' || next == '-') {
                i += 2;
            } else if (next == '{') {
                const auto end = scanMacroExpand(text, i, context, result.usage);
                if (!end) return fail(end.error());
                i = end.value();
            } else {
                return fail(MacroError::InvalidEscape);
            }
            result.literalTail = i;
            continue;
        }
        const bool visible = c >= 0x21 && c <= 0x7E;
        const bool space = c == ' ' && context == Context::Explanation;
        if (!visible && !space) return fail(MacroError::InvalidCharacter);
        ++i;
    }
    return result;
}

// toplabel = ( *alphanum ALPHA *alphanum ) / ( 1*alphanum "-" *( alphanum / "-" ) alphanum )
bool isToplabel(std::string_view label) {
    if (label.empty()) return false;
    bool alpha = false;
    bool hyphen = false;
    for (char c : label) {
        if (isAlpha(c)) {
            alpha = true;
        } else if (c == '-') {
            hyphen = true;
        } else if (!isDigit(c)) {
            return false;
        }
    }
    if (!hyphen) return alpha;
    return label.front() != '-' && label.back() != '-';
}

}  // namespace

std::string_view describe(MacroError error) {
    switch (error) {
        case MacroError::Empty: return "empty domain-spec";
        case MacroError::InvalidCharacter: return "character not allowed in a macro-string";
        case MacroError::InvalidEscape: return "'%' not followed by '{', '%', '_' or '-'";
        case MacroError::UnterminatedMacro: return "macro without closing '}'";
        case MacroError::InvalidMacroLetter: return "unknown macro letter";
        case MacroError::LetterOnlyInExplanation: return "macro letters c, r and t are allowed only in explanation text";
        case MacroError::ZeroTransformer: return "macro transformer digit must be nonzero";
        case MacroError::InvalidTransformer: return "macro transformer is not digits, 'r' and delimiters";
        case MacroError::InvalidDomainEnd: return "domain-spec must end in a macro or in '.' and a valid top label";
    }
    return "unknown macro error";
}

bool MacroUsage::uses(char letter) const {
    const char l = lower(letter);
    if (l < 'a' || l > 'z') return false;
    return (letters >> (l - 'a')) & 1U;
}

void MacroUsage::add(char letter) {
    const char l = lower(letter);
    if (l >= 'a' && l <= 'z') letters |= 1U << (l - 'a');
}

void MacroUsage::merge(const MacroUsage& other) { letters |= other.letters; }

Result<MacroUsage, MacroError> checkDomainSpec(std::string_view text) {
    if (text.empty()) return fail(MacroError::Empty);
    const auto scanned = scan(text, Context::DomainSpec);
    if (!scanned) return fail(scanned.error());
    const std::size_t tailStart = scanned->literalTail;
    if (tailStart == text.size()) return scanned->usage;  // ends in a macro-expand
    // domain-end = "." toplabel [ "." ], all of it literal.
    std::string_view tail = text.substr(tailStart);
    if (tail.back() == '.') tail.remove_suffix(1);
    const std::size_t dot = tail.rfind('.');
    if (dot == std::string_view::npos || !isToplabel(tail.substr(dot + 1))) {
        return fail(MacroError::InvalidDomainEnd);
    }
    return scanned->usage;
}

Result<MacroUsage, MacroError> checkModifierValue(std::string_view text) {
    const auto scanned = scan(text, Context::ModifierValue);
    if (!scanned) return fail(scanned.error());
    return scanned->usage;
}

Result<MacroUsage, MacroError> checkExplanation(std::string_view text) {
    const auto scanned = scan(text, Context::Explanation);
    if (!scanned) return fail(scanned.error());
    return scanned->usage;
}

}  // namespace dmarc::core
