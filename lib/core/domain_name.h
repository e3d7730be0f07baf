// DomainName: a validated, case-folded DNS name in A-label form, no trailing dot.
// Anything that is not a well-formed host name (empty labels, bad characters, over-long
// labels or names, broken IDNA) is a DomainError, never something that might "match".
// U-labels are converted to A-labels (RFC 9989 §5.3.1) with libidn2 (IDNA2008, UTS#46
// non-transitional mapping). Immutable value type; safe to share between threads.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "result.h"

namespace dmarc::core {

enum class DomainError {
    Empty,             // "" or "."
    TooLong,           // over 253 octets (255 on the wire) in A-label form
    EmptyLabel,        // "a..b", leading dot, more than one trailing dot
    LabelTooLong,      // a label over 63 octets
    InvalidCharacter,  // not LDH (letters, digits, hyphen; '_' is allowed only where noted)
    HyphenAtLabelEdge, // "-a.com", "a-.com"
    NumericTld,        // the last label is all digits: an address literal, not a domain
    InvalidIdna,       // a U-label libidn2 refuses, or an A-label ("xn--") that does not decode
};

std::string_view describe(DomainError error);

class DomainName {
public:
    // Host-name syntax: LDH labels, as used by From domains, DKIM d=, SPF domains.
    // One trailing dot is accepted and dropped; nothing is trimmed (" a.com" is an error).
    // Labels are separated by '.' or the dots UTS#46 maps to it (U+3002, U+FF0E, U+FF61):
    // "bücher\uFF0Eexample" is "xn--bcher-kva.example". A label with "--" in positions 3-4
    // must be a valid "xn--" A-label; other such (R-LDH) labels are InvalidIdna.
    static Result<DomainName, DomainError> parse(std::string_view text);
    // DNS owner names that may carry underscores in ASCII labels ("_dmarc.example.com",
    // "sel._domainkey.example.com"); otherwise the same rules.
    static Result<DomainName, DomainError> parseDnsName(std::string_view text);

    const std::string& str() const { return name_; }
    std::size_t labelCount() const { return labels_; }
    // Labels left to right: "a.b.com" → {"a", "b", "com"}.
    std::vector<std::string_view> labels() const;

    // The name with only its rightmost `count` labels (1 ≤ count ≤ labelCount()); a count
    // outside that range is clamped into it (0 → the last label, too many → the whole name).
    DomainName rightmostLabels(std::size_t count) const;
    // True when this is `other` or a name below it ("a.b.com" is within "b.com", "com").
    bool isWithin(const DomainName& other) const;
    // "_dmarc." + this name, or nullopt when that would exceed the 253-octet limit
    // (such a name cannot be queried, so it has no DMARC record).
    std::optional<DomainName> dmarcName() const;

    friend bool operator==(const DomainName&, const DomainName&) = default;
    friend auto operator<=>(const DomainName&, const DomainName&) = default;

private:
    DomainName(std::string name, std::size_t labels) : name_(std::move(name)), labels_(labels) {}
    // parse() and parseDnsName() differ only in whether '_' counts as a letter.
    static Result<DomainName, DomainError> parseName(std::string_view text, bool allowUnderscore);
    std::string name_;
    std::size_t labels_ = 0;
};

}  // namespace dmarc::core
