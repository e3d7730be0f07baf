// RFC 7208 record parsing and canonical writing (see spf_record.h). Terms are split on SP
// only (§4.6.1), classified as modifier (name "=" before any ":" or "/") or mechanism,
// and each is checked completely; the first bad term ends the parse. Linear time. Pure.
#include "spf_record.h"

#include <algorithm>
#include <array>
#include <utility>
#include <variant>

namespace dmarc::core {
namespace {

constexpr std::string_view kVersion = "v=spf1";
constexpr std::size_t kMaxErrorText = 64;
// Longest CIDR length text: "128". Longer digit runs are errors, never overflows.
constexpr std::size_t kMaxPrefixDigits = 3;

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
bool isAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool isDigit(char c) { return c >= '0' && c <= '9'; }

bool equalsIgnoringCase(std::string_view a, std::string_view b) {
    return a.size() == b.size() &&
           std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return lower(x) == lower(y); });
}

struct TermError {
    SpfSyntaxError error;
    std::optional<MacroError> macro;
};

TermError termError(SpfSyntaxError error) { return TermError{error, std::nullopt}; }

// Success carries nothing: the term's effect is on the record being built.
using TermResult = Result<std::monostate, TermError>;
constexpr std::monostate kTermOk{};

constexpr std::array<std::pair<std::string_view, SpfMechanismType>, 8> kMechanisms = {{
    {"all", SpfMechanismType::All},
    {"include", SpfMechanismType::Include},
    {"a", SpfMechanismType::A},
    {"mx", SpfMechanismType::Mx},
    {"ptr", SpfMechanismType::Ptr},
    {"ip4", SpfMechanismType::Ip4},
    {"ip6", SpfMechanismType::Ip6},
    {"exists", SpfMechanismType::Exists},
}};

std::optional<SpfMechanismType> mechanismType(std::string_view name) {
    for (const auto& [text, type] : kMechanisms) {
        if (equalsIgnoringCase(name, text)) return type;
    }
    return std::nullopt;
}

// ip4-cidr-length / ip6-cidr-length digits: "0" or no leading zero, at most `max`.
std::optional<std::uint8_t> parsePrefix(std::string_view digits, unsigned max) {
    if (digits.empty() || digits.size() > kMaxPrefixDigits) return std::nullopt;
    if (digits.size() > 1 && digits.front() == '0') return std::nullopt;
    unsigned value = 0;
    for (char c : digits) {
        if (!isDigit(c)) return std::nullopt;
        value = value * 10 + static_cast<unsigned>(c - '0');
    }
    if (value > max) return std::nullopt;
    return static_cast<std::uint8_t>(value);
}

// The digits at the end of `text` (possibly none).
std::string_view trailingDigits(std::string_view text) {
    std::size_t start = text.size();
    while (start > 0 && isDigit(text[start - 1])) --start;
    return text.substr(start);
}

struct DualCidr {
    std::string_view body;  // what precedes the CIDR lengths
    std::optional<std::uint8_t> ip4;
    std::optional<std::uint8_t> ip6;
    bool present() const { return ip4 || ip6; }
};

// dual-cidr-length = [ ip4-cidr-length ] [ "/" ip6-cidr-length ], taken from the end of a
// mechanism's arguments, because a domain-spec may itself contain "/" (RFC 7208 §7.1).
Result<DualCidr, TermError> splitDualCidr(std::string_view args) {
    DualCidr cidr{args, std::nullopt, std::nullopt};
    std::string_view digits = trailingDigits(cidr.body);
    const std::size_t n = cidr.body.size();
    if (!digits.empty() && n >= digits.size() + 2 && cidr.body[n - digits.size() - 1] == '/' &&
        cidr.body[n - digits.size() - 2] == '/') {
        cidr.ip6 = parsePrefix(digits, 128);
        if (!cidr.ip6) return fail(termError(SpfSyntaxError::InvalidCidr));
        cidr.body.remove_suffix(digits.size() + 2);
    }
    digits = trailingDigits(cidr.body);
    const std::size_t m = cidr.body.size();
    if (!digits.empty() && m >= digits.size() + 1 && cidr.body[m - digits.size() - 1] == '/') {
        cidr.ip4 = parsePrefix(digits, 32);
        if (!cidr.ip4) return fail(termError(SpfSyntaxError::InvalidCidr));
        cidr.body.remove_suffix(digits.size() + 1);
    }
    return cidr;
}

// A required domain-spec argument of a mechanism that takes no CIDR length. A CIDR length
// there is reported as such rather than as a broken top label ("exists:a.example/24").
TermResult checkPlainDomainSpec(std::string_view spec, SpfRecord& record) {
    if (spec.empty()) return fail(termError(SpfSyntaxError::MissingDomain));
    const auto letters = checkDomainSpec(spec);
    if (!letters) {
        const auto cidr = splitDualCidr(spec);
        if (!cidr || cidr->present()) return fail(termError(SpfSyntaxError::UnexpectedCidr));
        return fail(TermError{SpfSyntaxError::InvalidDomainSpec, letters.error()});
    }
    record.macros.merge(*letters);
    return kTermOk;
}

TermResult parseNetwork(std::string_view args, SpfMechanism& mechanism) {
    if (args.empty() || args.front() != ':') return fail(termError(SpfSyntaxError::MissingAddress));
    const std::string_view network = args.substr(1);
    const std::size_t slash = network.find('/');
    const std::string_view address = network.substr(0, slash);
    const bool v4 = mechanism.type == SpfMechanismType::Ip4;
    if (v4) {
        const auto octets = parseIpv4(address);
        if (!octets) return fail(termError(SpfSyntaxError::InvalidIp4));
        std::copy(octets->begin(), octets->end(), mechanism.network.begin());
    } else {
        const auto octets = parseIpv6(address);
        if (!octets) return fail(termError(SpfSyntaxError::InvalidIp6));
        mechanism.network = *octets;
    }
    if (slash == std::string_view::npos) return kTermOk;
    const auto prefix = parsePrefix(network.substr(slash + 1), v4 ? 32 : 128);
    if (!prefix) return fail(termError(SpfSyntaxError::InvalidCidr));
    (v4 ? mechanism.ip4Prefix : mechanism.ip6Prefix) = prefix;
    return kTermOk;
}

TermResult parseAddressMechanism(std::string_view args, SpfMechanism& mechanism, SpfRecord& record) {
    const auto cidr = splitDualCidr(args);
    if (!cidr) return fail(cidr.error());
    mechanism.ip4Prefix = cidr->ip4;
    mechanism.ip6Prefix = cidr->ip6;
    const std::string_view body = cidr->body;
    if (body.empty()) return kTermOk;
    if (body.front() != ':') return fail(termError(SpfSyntaxError::InvalidCidr));
    const std::string_view spec = body.substr(1);
    if (spec.empty()) return fail(termError(SpfSyntaxError::MissingDomain));
    const auto letters = checkDomainSpec(spec);
    if (!letters) return fail(TermError{SpfSyntaxError::InvalidDomainSpec, letters.error()});
    record.macros.merge(*letters);
    mechanism.domainSpec = std::string(spec);
    return kTermOk;
}

TermResult parseMechanism(std::string_view term, SpfRecord& record) {
    SpfMechanism mechanism;
    switch (term.front()) {
        case '+': mechanism.qualifier = SpfQualifier::Pass; term.remove_prefix(1); break;
        case '-': mechanism.qualifier = SpfQualifier::Fail; term.remove_prefix(1); break;
        case '~': mechanism.qualifier = SpfQualifier::SoftFail; term.remove_prefix(1); break;
        case '?': mechanism.qualifier = SpfQualifier::Neutral; term.remove_prefix(1); break;
        default: break;
    }
    const std::size_t nameEnd = std::min(term.find(':'), term.find('/'));
    const auto type = mechanismType(term.substr(0, nameEnd));
    if (!type) return fail(termError(SpfSyntaxError::UnknownMechanism));
    mechanism.type = *type;
    const std::string_view args = nameEnd == std::string_view::npos ? std::string_view() : term.substr(nameEnd);

    switch (mechanism.type) {
        case SpfMechanismType::All:
            if (!args.empty()) {
                return fail(termError(args.front() == '/' ? SpfSyntaxError::UnexpectedCidr
                                                          : SpfSyntaxError::UnexpectedArgument));
            }
            break;
        case SpfMechanismType::Include:
        case SpfMechanismType::Exists:
        case SpfMechanismType::Ptr: {
            if (args.empty()) {
                if (mechanism.type != SpfMechanismType::Ptr) return fail(termError(SpfSyntaxError::MissingDomain));
                break;
            }
            if (args.front() == '/') return fail(termError(SpfSyntaxError::UnexpectedCidr));
            const std::string_view spec = args.substr(1);
            if (auto checked = checkPlainDomainSpec(spec, record); !checked) return fail(checked.error());
            mechanism.domainSpec = std::string(spec);
            break;
        }
        case SpfMechanismType::A:
        case SpfMechanismType::Mx:
            if (auto parsed = parseAddressMechanism(args, mechanism, record); !parsed) return fail(parsed.error());
            break;
        case SpfMechanismType::Ip4:
        case SpfMechanismType::Ip6:
            if (auto parsed = parseNetwork(args, mechanism); !parsed) return fail(parsed.error());
            break;
    }
    record.mechanisms.push_back(std::move(mechanism));
    return kTermOk;
}

// modifier: name "=" before any ":" or "/", name = ALPHA *( ALPHA / DIGIT / "-" / "_" / "." )
std::optional<std::size_t> modifierEquals(std::string_view term) {
    if (!isAlpha(term.front())) return std::nullopt;
    std::size_t i = 1;
    while (i < term.size() && (isAlpha(term[i]) || isDigit(term[i]) || term[i] == '-' || term[i] == '_' ||
                               term[i] == '.')) {
        ++i;
    }
    if (i < term.size() && term[i] == '=') return i;
    return std::nullopt;
}

TermResult parseKnownModifier(std::string_view value, std::optional<std::string>& slot,
                              SpfSyntaxError duplicate, SpfRecord& record) {
    if (slot) return fail(termError(duplicate));
    if (value.empty()) return fail(termError(SpfSyntaxError::MissingDomain));
    const auto letters = checkDomainSpec(value);
    if (!letters) return fail(TermError{SpfSyntaxError::InvalidDomainSpec, letters.error()});
    record.macros.merge(*letters);
    slot = std::string(value);
    return kTermOk;
}

TermResult parseModifier(std::string_view term, std::size_t equals, SpfRecord& record) {
    const std::string_view name = term.substr(0, equals);
    const std::string_view value = term.substr(equals + 1);
    if (equalsIgnoringCase(name, "redirect")) {
        return parseKnownModifier(value, record.redirect, SpfSyntaxError::DuplicateRedirect, record);
    }
    if (equalsIgnoringCase(name, "exp")) {
        return parseKnownModifier(value, record.explanation, SpfSyntaxError::DuplicateExplanation, record);
    }
    const auto letters = checkModifierValue(value);
    if (!letters) return fail(TermError{SpfSyntaxError::InvalidModifierValue, letters.error()});
    record.unknownModifiers.push_back(SpfModifier{std::string(name), std::string(value)});
    return kTermOk;
}

TermResult parseTerm(std::string_view term, SpfRecord& record) {
    const bool printable = std::all_of(term.begin(), term.end(), [](char c) { return c >= 0x21 && c <= 0x7E; });
    if (!printable) return fail(termError(SpfSyntaxError::InvalidCharacter));
    if (const auto equals = modifierEquals(term)) return parseModifier(term, *equals, record);
    return parseMechanism(term, record);
}

char qualifierChar(SpfQualifier qualifier) {
    switch (qualifier) {
        case SpfQualifier::Pass: return '+';
        case SpfQualifier::Fail: return '-';
        case SpfQualifier::SoftFail: return '~';
        case SpfQualifier::Neutral: return '?';
    }
    return '+';
}

}  // namespace

std::string_view toString(SpfMechanismType type) {
    for (const auto& [text, known] : kMechanisms) {
        if (known == type) return text;
    }
    return "unknown";
}

bool SpfRecord::hasAll() const {
    return std::any_of(mechanisms.begin(), mechanisms.end(),
                       [](const SpfMechanism& m) { return m.type == SpfMechanismType::All; });
}

std::string_view describe(SpfSyntaxError error) {
    switch (error) {
        case SpfSyntaxError::NotSpfRecord: return "not an SPF record (no v=spf1)";
        case SpfSyntaxError::TooLong: return "record too long";
        case SpfSyntaxError::TooManyTerms: return "too many terms";
        case SpfSyntaxError::InvalidCharacter: return "character outside printable ASCII";
        case SpfSyntaxError::UnknownMechanism: return "unknown mechanism";
        case SpfSyntaxError::UnexpectedArgument: return "mechanism takes no argument";
        case SpfSyntaxError::UnexpectedCidr: return "mechanism takes no CIDR length";
        case SpfSyntaxError::MissingDomain: return "missing or empty domain-spec";
        case SpfSyntaxError::InvalidDomainSpec: return "invalid domain-spec";
        case SpfSyntaxError::MissingAddress: return "missing network address";
        case SpfSyntaxError::InvalidIp4: return "invalid IPv4 network";
        case SpfSyntaxError::InvalidIp6: return "invalid IPv6 network";
        case SpfSyntaxError::InvalidCidr: return "invalid CIDR length";
        case SpfSyntaxError::DuplicateRedirect: return "redirect= appears twice";
        case SpfSyntaxError::DuplicateExplanation: return "exp= appears twice";
        case SpfSyntaxError::InvalidModifierValue: return "modifier value is not a macro-string";
    }
    return "unknown SPF syntax error";
}

std::string describe(const SpfRecordError& error) {
    std::string out;
    if (error.term > 0) out = "term " + std::to_string(error.term) + " \"" + error.text + "\": ";
    out += describe(error.error);
    if (error.macro) {
        out += " (";
        out += describe(*error.macro);
        out += ")";
    }
    return out;
}

bool isSpfRecord(std::string_view text) {
    return text.size() >= kVersion.size() && equalsIgnoringCase(text.substr(0, kVersion.size()), kVersion) &&
           (text.size() == kVersion.size() || text[kVersion.size()] == ' ');
}

Result<SpfRecord, SpfRecordError> parseSpfRecord(std::string_view text) {
    if (text.size() > maxSpfRecordLength) return fail(SpfRecordError{SpfSyntaxError::TooLong, 0, {}, {}});
    if (!isSpfRecord(text)) return fail(SpfRecordError{SpfSyntaxError::NotSpfRecord, 0, {}, {}});
    SpfRecord record;
    std::size_t position = kVersion.size();
    std::size_t count = 0;
    while (position < text.size()) {
        if (text[position] == ' ') {
            ++position;
            continue;
        }
        const std::size_t end = std::min(text.find(' ', position), text.size());
        const std::string_view term = text.substr(position, end - position);
        position = end;
        if (++count > maxSpfTerms) {
            return fail(SpfRecordError{SpfSyntaxError::TooManyTerms, count, std::string(term.substr(0, kMaxErrorText)), {}});
        }
        if (auto parsed = parseTerm(term, record); !parsed) {
            return fail(SpfRecordError{parsed.error().error, count, std::string(term.substr(0, kMaxErrorText)),
                                       parsed.error().macro});
        }
    }
    return record;
}

std::string toString(const SpfMechanism& mechanism) {
    std::string out;
    if (mechanism.qualifier != SpfQualifier::Pass) out.push_back(qualifierChar(mechanism.qualifier));
    out += toString(mechanism.type);
    switch (mechanism.type) {
        case SpfMechanismType::Ip4:
            out += ':' + formatIpv4({mechanism.network[0], mechanism.network[1], mechanism.network[2],
                                     mechanism.network[3]});
            if (mechanism.ip4Prefix) out += '/' + std::to_string(*mechanism.ip4Prefix);
            return out;
        case SpfMechanismType::Ip6:
            out += ':' + formatIpv6(mechanism.network);
            if (mechanism.ip6Prefix) out += '/' + std::to_string(*mechanism.ip6Prefix);
            return out;
        default:
            break;
    }
    if (!mechanism.domainSpec.empty()) out += ':' + mechanism.domainSpec;
    if (mechanism.ip4Prefix) out += '/' + std::to_string(*mechanism.ip4Prefix);
    if (mechanism.ip6Prefix) out += "//" + std::to_string(*mechanism.ip6Prefix);
    return out;
}

std::string toString(const SpfRecord& record) {
    std::string out(kVersion);
    for (const auto& mechanism : record.mechanisms) out += ' ' + toString(mechanism);
    if (record.redirect) out += " redirect=" + *record.redirect;
    if (record.explanation) out += " exp=" + *record.explanation;
    for (const auto& modifier : record.unknownModifiers) out += ' ' + modifier.name + '=' + modifier.value;
    return out;
}

}  // namespace dmarc::core
