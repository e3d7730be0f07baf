// DomainName: validates untrusted host and DNS names into lower-case A-label form and does
// the label arithmetic (suffixes, containment, the _dmarc name) the DMARC walk needs.
// parse()/parseDnsName() return a DomainName or a DomainError, never throw on bad input.
// Pure: libidn2 does the IDNA conversions (stateless, thread-safe); all else is local.
#include "domain_name.h"

#include <idn2.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>

namespace dmarc::core {
namespace {

constexpr std::size_t kMaxNameOctets = 253;
constexpr std::size_t kMaxLabelOctets = 63;
// UTS#46 mapping can shrink text (a fullwidth letter is 3 octets of UTF-8, a soft hyphen
// vanishes), so a valid name may be written in more than 253 octets. Four times that is
// plenty for any real name and bounds what hostile input can make us (and libidn2) do.
constexpr std::size_t kMaxInputOctets = 1024;

// Label separators: '.' and the three code points UTS#46 maps to it (U+3002 IDEOGRAPHIC
// FULL STOP, U+FF0E FULLWIDTH FULL STOP, U+FF61 HALFWIDTH IDEOGRAPHIC FULL STOP), because
// that is how a user's "例え。テスト" is meant and how browsers and libidn2 read it. Other
// characters that merely look like dots ("⒈", U+FE52) are IDNA-disallowed, hence errors.
constexpr std::array<std::string_view, 4> kSeparators = {
    ".", "\xE3\x80\x82", "\xEF\xBC\x8E", "\xEF\xBD\xA1"};

// IDNA2008 with UTS#46 non-transitional mapping: "ß" stays "ß" (xn--zca), as browsers do.
// Deliberately without IDN2_USE_STD3_ASCII_RULES: libidn2 2.3.3 then silently drops
// characters such as ' ' and '_' instead of refusing them, so LDH is enforced here.
constexpr int kIdnaFlags = IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL;

enum class Underscore { Forbidden, Allowed };

struct IdnaFree {
    void operator()(void* buffer) const { idn2_free(buffer); }
};

// Runs one libidn2 conversion (NUL-terminated input, allocated output) and owns the buffer.
template <typename Convert>
Result<std::string, int> runIdna(const std::string& input, Convert convert) {
    char* output = nullptr;
    const int rc = convert(input.c_str(), &output);
    const std::unique_ptr<char, IdnaFree> owned(output);
    if (rc != IDN2_OK || owned == nullptr) return fail(rc);
    return std::string(owned.get());
}

Result<std::string, int> idnaToAscii(const std::string& label) {
    return runIdna(label, [](const char* in, char** out) {
        std::uint8_t* bytes = nullptr;
        const auto* input = reinterpret_cast<const std::uint8_t*>(in);
        const int rc = idn2_lookup_u8(input, &bytes, kIdnaFlags);
        *out = reinterpret_cast<char*>(bytes);
        return rc;
    });
}

Result<std::string, int> idnaToUnicode(const std::string& label) {
    return runIdna(label, [](const char* in, char** out) {
        return idn2_to_unicode_8z8z(in, out, 0);
    });
}

// libidn2's refusals that have a more specific name in our error enum.
DomainError fromIdnaError(int rc) {
    switch (rc) {
        case IDN2_TOO_BIG_LABEL:
        case IDN2_PUNYCODE_BIG_OUTPUT: return DomainError::LabelTooLong;
        case IDN2_TOO_BIG_DOMAIN: return DomainError::TooLong;
        case IDN2_HYPHEN_STARTEND: return DomainError::HyphenAtLabelEdge;
        default: return DomainError::InvalidIdna;
    }
}

bool isAsciiOctet(char c) { return static_cast<unsigned char>(c) < 0x80; }

bool isAscii(std::string_view text) { return std::all_of(text.begin(), text.end(), isAsciiOctet); }

bool isLdh(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
}

bool isDigit(char c) { return c >= '0' && c <= '9'; }

std::string asciiLower(std::string_view text) {
    std::string lower(text);
    for (char& c : lower) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return lower;
}

// Octets of the separator starting at `pos`, or 0 when there is none.
std::size_t separatorAt(std::string_view text, std::size_t pos) {
    for (std::string_view separator : kSeparators) {
        if (text.substr(pos, separator.size()) == separator) return separator.size();
    }
    return 0;
}

// An "xn--" label must be what IDNA2008 would produce for some valid U-label: decode it,
// encode the result again, and demand the same octets. That refuses bad punycode
// ("xn--zz"), encodings of disallowed or unmapped text (emoji, upper case, non-NFC) and
// encodings of plain ASCII ("xn--abc-"), any of which could alias another name.
Result<std::string, DomainError> checkALabel(std::string label) {
    if (label.find('_') != std::string::npos) return fail(DomainError::InvalidIdna);
    auto unicode = idnaToUnicode(label);
    if (!unicode) return fail(DomainError::InvalidIdna);
    auto reencoded = idnaToAscii(unicode.value());
    if (!reencoded || reencoded.value() != label) return fail(DomainError::InvalidIdna);
    return label;
}

// Checks an ASCII label and returns it lower-cased. Labels with "--" in positions 3-4 are
// R-LDH labels (RFC 5890 §2.3.1), reserved for ACE prefixes: only "xn--" has a meaning, so
// any other ("ab--cd") is refused as InvalidIdna rather than compared as an opaque string.
// This also refuses a few pre-2003 LDH names and CDN host names ("r3---sn-x.example"):
// none are mail domains, and no registry has issued such a label since 2003.
Result<std::string, DomainError> checkAsciiLabel(std::string_view text, Underscore underscore) {
    if (text.size() > kMaxLabelOctets) return fail(DomainError::LabelTooLong);
    const bool underscoreOk = underscore == Underscore::Allowed;
    for (char c : text) {
        if (!isLdh(c) && !(underscoreOk && c == '_')) return fail(DomainError::InvalidCharacter);
    }
    if (text.front() == '-' || text.back() == '-') return fail(DomainError::HyphenAtLabelEdge);
    std::string label = asciiLower(text);
    if (label.size() >= 4 && label[2] == '-' && label[3] == '-') {
        if (label.compare(0, 4, "xn--") != 0) return fail(DomainError::InvalidIdna);
        return checkALabel(std::move(label));
    }
    return label;
}

// A label with non-ASCII octets is a U-label: libidn2 maps (UTS#46: case, width, NFC,
// ignorable code points) and encodes it, then the result passes the ASCII rules again.
// ASCII octets inside it must be LDH, checked first so "bü cher" is an InvalidCharacter and
// no NUL ever reaches libidn2's C strings. Underscores never mix with U-labels.
Result<std::string, DomainError> checkUnicodeLabel(std::string_view text) {
    for (char c : text) {
        if (isAsciiOctet(c) && !isLdh(c)) return fail(DomainError::InvalidCharacter);
    }
    auto ascii = idnaToAscii(std::string(text));
    if (!ascii) return fail(fromIdnaError(ascii.error()));
    // Only ignorable code points (a lone soft hyphen): nothing is left of the label.
    if (ascii.value().empty()) return fail(DomainError::EmptyLabel);
    return checkAsciiLabel(ascii.value(), Underscore::Forbidden);
}

Result<std::string, DomainError> checkLabel(std::string_view text, Underscore underscore) {
    if (text.empty()) return fail(DomainError::EmptyLabel);
    if (isAscii(text)) return checkAsciiLabel(text, underscore);
    return checkUnicodeLabel(text);
}

bool allDigits(std::string_view label) { return std::all_of(label.begin(), label.end(), isDigit); }

// Checks every label and joins their A-label forms; counts the labels into `labelCount`.
Result<std::string, DomainError> joinLabels(std::string_view text, Underscore underscore,
                                            std::size_t& labelCount) {
    if (text.size() > kMaxInputOctets) return fail(DomainError::TooLong);
    // One trailing separator names the root (an absolute name); strip it, only once.
    for (std::string_view separator : kSeparators) {
        const std::size_t size = separator.size();
        if (text.size() >= size && text.substr(text.size() - size) == separator) {
            text.remove_suffix(size);
            break;
        }
    }
    if (text.empty()) return fail(DomainError::Empty);

    std::string name;
    std::string lastLabel;
    labelCount = 0;
    std::size_t start = 0;
    while (true) {
        std::size_t end = start;
        std::size_t separator = 0;
        while (end < text.size() && (separator = separatorAt(text, end)) == 0) ++end;
        auto label = checkLabel(text.substr(start, end - start), underscore);
        if (!label) return fail(label.error());
        if (labelCount > 0) name += '.';
        name += label.value();
        ++labelCount;
        // Stop early: further labels cannot make an over-long name valid.
        if (name.size() > kMaxNameOctets) return fail(DomainError::TooLong);
        if (end == text.size()) {
            lastLabel = std::move(label).value();
            break;
        }
        start = end + separator;
    }
    // RFC 1123 §2.1 / RFC 3696 §2: an all-numeric top label means an address was meant.
    if (allDigits(lastLabel)) return fail(DomainError::NumericTld);
    return name;
}

}  // namespace

std::string_view describe(DomainError error) {
    switch (error) {
        case DomainError::Empty: return "empty domain name";
        case DomainError::TooLong: return "domain name longer than 253 octets (in A-label form)";
        case DomainError::EmptyLabel:
            return "empty label (leading dot, two dots in a row, or more than one trailing dot)";
        case DomainError::LabelTooLong: return "label longer than 63 octets (in A-label form)";
        case DomainError::InvalidCharacter:
            return "character not allowed in a domain name (letters, digits and hyphens only; "
                   "underscores only in DNS owner names such as _dmarc)";
        case DomainError::HyphenAtLabelEdge: return "label starts or ends with a hyphen";
        case DomainError::NumericTld:
            return "last label is all digits: an IP address, not a domain name";
        case DomainError::InvalidIdna:
            return "invalid internationalized label (refused U-label, xn-- label that is not valid "
                   "punycode of a valid U-label, or reserved '--' in positions 3-4)";
    }
    return "unknown domain name error";
}

Result<DomainName, DomainError> DomainName::parseName(std::string_view text, bool allowUnderscore) {
    std::size_t labels = 0;
    const Underscore underscore = allowUnderscore ? Underscore::Allowed : Underscore::Forbidden;
    auto name = joinLabels(text, underscore, labels);
    if (!name) return fail(name.error());
    return DomainName(std::move(name).value(), labels);
}

Result<DomainName, DomainError> DomainName::parse(std::string_view text) {
    return parseName(text, false);
}

Result<DomainName, DomainError> DomainName::parseDnsName(std::string_view text) {
    return parseName(text, true);
}

std::vector<std::string_view> DomainName::labels() const {
    std::vector<std::string_view> result;
    result.reserve(labels_);
    std::string_view rest = name_;
    while (true) {
        const std::size_t dot = rest.find('.');
        result.push_back(rest.substr(0, dot));
        if (dot == std::string_view::npos) break;
        rest.remove_prefix(dot + 1);
    }
    return result;
}

// Out-of-range counts are clamped (0 → 1, above labelCount() → the whole name) instead of
// asserted: counts come from lookups over untrusted data (PSL matches, tree-walk depths),
// and a wrong count must neither crash nor produce a DomainName that is not a valid name.
DomainName DomainName::rightmostLabels(std::size_t count) const {
    count = std::clamp<std::size_t>(count, 1, std::max<std::size_t>(labels_, 1));
    std::size_t start = 0;
    for (std::size_t skipped = 0; skipped + count < labels_; ++skipped) {
        start = name_.find('.', start) + 1;
    }
    return DomainName(name_.substr(start), count);
}

// Compares whole labels: "notexample.com" ends with "example.com" but is not within it.
bool DomainName::isWithin(const DomainName& other) const {
    const std::string& suffix = other.name_;
    if (name_.size() == suffix.size()) return name_ == suffix;
    if (name_.size() < suffix.size() + 1) return false;
    const std::size_t dot = name_.size() - suffix.size() - 1;
    return name_[dot] == '.' && name_.compare(dot + 1, std::string::npos, suffix) == 0;
}

std::optional<DomainName> DomainName::dmarcName() const {
    static constexpr std::string_view kPrefix = "_dmarc.";
    if (kPrefix.size() + name_.size() > kMaxNameOctets) return std::nullopt;
    std::string name(kPrefix);
    name += name_;
    return DomainName(std::move(name), labels_ + 1);
}

}  // namespace dmarc::core
