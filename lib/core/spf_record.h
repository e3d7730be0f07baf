// Strict RFC 7208 SPF record validator. isSpfRecord() is the record selection of §4.5
// ("v=spf1" in any case, then a space or the end); parseSpfRecord() turns such a TXT string
// into a typed SpfRecord or a SpfRecordError naming the first offending term, checking the
// whole record before anything is evaluated (§4.6): every mechanism and its arguments
// (§5), domain-specs with their macro syntax and top label (§7.1), CIDR lengths 0..32 /
// 0..128 without leading zeros, ip4/ip6 networks, at most one redirect= and one exp= (§6),
// modifier names (unknown modifiers are kept but have no effect). toString() writes the
// canonical form, which parses back to an equal record. Hostile input costs linear time:
// records over maxSpfRecordLength octets or with more than maxSpfTerms terms are errors.
// Pure; no I/O; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "result.h"
#include "spf_address.h"
#include "spf_macro.h"

namespace dmarc::core {

// A TXT record can be longer than one 255-octet string; real SPF records stay well under
// 1 KiB (RFC 7208 §3.4 asks for 450 octets). The caps bound work and what reaches libspf2.
inline constexpr std::size_t maxSpfRecordLength = 4096;
inline constexpr std::size_t maxSpfTerms = 512;

enum class SpfQualifier { Pass, Fail, SoftFail, Neutral };  // "+" "-" "~" "?"
enum class SpfMechanismType { All, Include, A, Mx, Ptr, Ip4, Ip6, Exists };

std::string_view toString(SpfMechanismType type);  // "all", "include", "a", ... lower case

struct SpfMechanism {
    SpfQualifier qualifier = SpfQualifier::Pass;
    SpfMechanismType type = SpfMechanismType::All;
    // include, exists: always set; a, mx, ptr: empty means the current domain; others: empty.
    std::string domainSpec;
    // ip4: the first four octets; ip6: all sixteen; others: zero.
    Ipv6Octets network{};
    std::optional<std::uint8_t> ip4Prefix;  // a, mx, ip4 ("/n")
    std::optional<std::uint8_t> ip6Prefix;  // a, mx ("//n"), ip6 ("/n")
    friend bool operator==(const SpfMechanism&, const SpfMechanism&) = default;
};

struct SpfModifier {
    std::string name;   // as written
    std::string value;  // a macro-string, never expanded
    friend bool operator==(const SpfModifier&, const SpfModifier&) = default;
};

struct SpfRecord {
    std::vector<SpfMechanism> mechanisms;       // in record order
    std::optional<std::string> redirect;        // redirect= domain-spec
    std::optional<std::string> explanation;     // exp= domain-spec
    std::vector<SpfModifier> unknownModifiers;  // in record order; ignored by evaluation
    MacroUsage macros;                          // macro use of all domain-specs together

    bool hasAll() const;
    friend bool operator==(const SpfRecord&, const SpfRecord&) = default;
};

enum class SpfSyntaxError {
    NotSpfRecord,          // no "v=spf1" version (§4.5)
    TooLong,               // over maxSpfRecordLength octets
    TooManyTerms,          // over maxSpfTerms terms
    InvalidCharacter,      // a term with a byte outside %x21-7E (terms are split on SP only)
    UnknownMechanism,      // includes "redirect:x", "1up=x", "=all", "all."
    UnexpectedArgument,    // "all:x"
    UnexpectedCidr,        // a CIDR length on all, include, exists or ptr
    MissingDomain,         // include/exists without ":domain-spec", or "a:" / "exp=" empty
    InvalidDomainSpec,     // see SpfRecordError::macro
    MissingAddress,        // "ip4" / "ip6" without ":network"
    InvalidIp4,
    InvalidIp6,
    InvalidCidr,           // out of range, leading zero, "//" on ip4/ip6, junk after it
    DuplicateRedirect,
    DuplicateExplanation,
    InvalidModifierValue,  // unknown modifier whose value is not a macro-string
};

std::string_view describe(SpfSyntaxError error);

struct SpfRecordError {
    SpfSyntaxError error = SpfSyntaxError::NotSpfRecord;
    std::size_t term = 0;   // 1-based index of the offending term; 0 for the whole record
    std::string text;       // that term as published, cut to 64 octets (unsanitised!)
    std::optional<MacroError> macro;  // for InvalidDomainSpec / InvalidModifierValue
};

// "term 3 \"a:foo\": invalid domain-spec (…)". Contains record bytes: sanitise before logging.
std::string describe(const SpfRecordError& error);

bool isSpfRecord(std::string_view text);
Result<SpfRecord, SpfRecordError> parseSpfRecord(std::string_view text);

// Canonical text: "v=spf1", the mechanisms in order (no "+" qualifier, lower-case names,
// canonical addresses), then redirect=, exp= and the unknown modifiers.
std::string toString(const SpfRecord& record);
std::string toString(const SpfMechanism& mechanism);

}  // namespace dmarc::core
