// Lenient Authentication-Results parser (RFC 8601 §2.2, as real MTAs write it). Returns the
// authserv-id, the optional version and every result it could read; a result it cannot read
// is skipped up to the next ';' and `complete` turns false, so a forged field that claims
// our authserv-id is still recognised (and deleted) when its results are garbage.
// Linear time, no recursion, capped input; never throws. Pure; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth_results.h"
#include "result.h"

namespace dmarc::core {

// Only for inputs where not even the authserv-id can be read.
enum class ArParseError {
    Empty,                // nothing but whitespace and comments
    MissingAuthservId,    // starts with something that is not a value (';', '=', '/', ...)
    UnterminatedQuote,    // the authserv-id opens a quoted-string that never closes
    MalformedComment,     // a comment before the authserv-id is unterminated or nested too deep
};

std::string_view describe(ArParseError error);

// Caps against hostile fields. Postfix passes header fields up to 100 KB; what lies past
// kArMaxInputLength is not read (complete = false), the authserv-id at the front still is.
inline constexpr std::size_t kArMaxInputLength = 64 * 1024;
inline constexpr std::size_t kArMaxResults = 256;
inline constexpr std::size_t kArMaxPropertiesPerResult = 64;
inline constexpr std::size_t kArMaxCommentsPerResult = 64;
inline constexpr std::size_t kArMaxCommentDepth = 32;

struct ParsedAuthResult {
    std::string method;                 // lower-cased
    std::string methodVersion;          // digits of "dkim/1=pass"; empty when absent
    std::string result;                 // lower-cased
    std::string reason;                 // reason=, unquoted; empty when absent
    std::vector<AuthProperty> properties;  // ptype and property lower-cased, value as written
    std::vector<std::string> comments;  // text of each comment inside this resinfo, in order,
                                        // unescaped, whitespace runs collapsed to one space

    friend bool operator==(const ParsedAuthResult&, const ParsedAuthResult&) = default;
};

struct ParsedAuthResults {
    std::string authservId;               // as written (unquoted); compare with sameAuthservId
    std::optional<std::uint32_t> version;  // "example.com 1;" → 1
    std::vector<ParsedAuthResult> results;
    // False when anything was skipped: an unreadable resinfo, text between the authserv-id
    // and the first ';', a missing "; none"/resinfo, a cap reached. Values and comments hold
    // no control characters but HTAB, and may hold non-ASCII octets: sanitise before logging.
    bool complete = true;

    friend bool operator==(const ParsedAuthResults&, const ParsedAuthResults&) = default;
};

// Tolerates: comments (CFWS) anywhere, folding with CRLF or LF, an "Authentication-Results:"
// field name in front (any case), a version after the authserv-id, "none", unknown methods
// and ptypes, method versions, reason=, quoted values, unquoted values that RFC 2045 would
// want quoted ("header.b=oF80QtY/", "policy.iprev=2001:db8::1"), properties without a ptype
// ("action=none": ptype left empty), empty resinfos and a trailing ';'.
Result<ParsedAuthResults, ArParseError> parseAuthResults(std::string_view field);

// The field body without a leading "Authentication-Results:" (any case, optional whitespace
// before the colon); anything else is returned unchanged.
std::string_view stripAuthResultsFieldName(std::string_view field);

// The parsed field as builder input (comments joined with one space, method versions
// dropped), e.g. to re-emit trusted upstream results in canonical form.
AuthResults toAuthResults(const ParsedAuthResults& parsed);

}  // namespace dmarc::core
