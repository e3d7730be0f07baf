// Builds the body of an Authentication-Results field (RFC 8601) from AuthResults: what goes
// after "Authentication-Results:". The output is always printable ASCII plus the fold
// sequence, whatever the input holds; no line is longer than 78 octets where a fold point
// exists, and none is ever longer than 998. Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "auth_results.h"

namespace dmarc::core {

struct ArFormatOptions {
    // Octets already on the first line before the body: the field name, the colon and the
    // space after it. Values over kArMaxFieldNameLength are treated as that maximum.
    std::size_t fieldNameLength = std::string_view("Authentication-Results: ").size();
    // Replaces the space where a line is folded: LF or CRLF, then 1 to 8 spaces or tabs.
    // libmilter and Postfix take header values folded with a bare LF, hence the default.
    // Anything else is not a fold (it would corrupt the message), so the default is used.
    std::string foldSequence = "\n\t";
};

inline constexpr std::size_t kArMaxFieldNameLength = 400;
// Longest rendered value (quotes included) and comment (parentheses included); longer ones
// are cut and end in "...". Keywords (method, result, ptype, property) are cut to 64.
inline constexpr std::size_t kArMaxValueLength = 400;
inline constexpr std::size_t kArMaxCommentLength = 400;
inline constexpr std::size_t kArMaxKeywordLength = 64;

// The field body, e.g. "mx.example.net; spf=pass smtp.mailfrom=example.org". What is
// written (canonical form, so a parsed field formats back to the same text):
// - no results → "authserv-id; none";
// - keywords lower-cased and reduced to [a-z0-9_-]; an empty method or result becomes
//   "unknown" so every result stays visible; a property with an empty ptype or property
//   is left out (RFC 8601 has no such propspec);
// - values bare when they are RFC 2045 tokens (or, for property values, the RFC 8601 forms
//   local-part@domain and @domain), otherwise quoted with '"' and '\' escaped;
// - the comment in parentheses after the result, '(' ')' '\' escaped, whitespace runs
//   collapsed; control characters are dropped and non-ASCII octets become '?' everywhere;
// - header.b exactly as given (see headerBPrefix for choosing it).
// When the whole field does not fit on one 78-octet line, each result starts a new line.
std::string formatAuthResults(const AuthResults& results, const ArFormatOptions& options = {});

// The header.b value for the DKIM signature whose b= is `b64` (RFC 6008): the shortest
// prefix, at least 8 characters, that no other signature's b= shares. Whitespace inside
// b= (folding) is ignored. Entries equal to b64 (the signature itself, or an exact copy no
// prefix could tell apart) are skipped. When another b= extends b64, all of b64 is returned.
std::string headerBPrefix(std::string_view b64, const std::vector<std::string_view>& allSignaturesB);

}  // namespace dmarc::core
