// Authentication-Results (RFC 8601) as plain values, shared by the builder
// (auth_results_format.h) and the lenient parser (auth_results_parse.h): the result structs,
// the character classes both sides must agree on, and the authserv-id comparison the milter
// uses to find forged fields. These types know nothing about DMARC verdicts; mapping a
// Verdict onto them happens elsewhere. Pure values and functions; safe from any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace dmarc::core {

// One "ptype.property=value" (RFC 8601 §2.3), e.g. {"header", "d", "example.com"},
// {"smtp", "mailfrom", "x@example.net"}, {"policy", "dmarc", "reject"}. value is the
// unquoted, unescaped text. The parser leaves ptype empty for the non-RFC "key=value" form
// some providers write (Microsoft's "action=none").
struct AuthProperty {
    std::string ptype;
    std::string property;
    std::string value;

    friend bool operator==(const AuthProperty&, const AuthProperty&) = default;
};

// One resinfo: "method=result (comment) reason=value properties...". reason and comment are
// empty when absent.
struct AuthMethodResult {
    std::string method;
    std::string result;
    std::string reason;
    std::string comment;
    std::vector<AuthProperty> properties;

    friend bool operator==(const AuthMethodResult&, const AuthMethodResult&) = default;
};

// A whole field: the authserv-id and its results (none → "; none").
struct AuthResults {
    std::string authservId;
    std::vector<AuthMethodResult> results;

    friend bool operator==(const AuthResults&, const AuthResults&) = default;
};

// RFC 2045 token character: US-ASCII, not SPACE, not a control, not a tspecial
// ( ) < > @ , ; : \ " / [ ] ? =. A value made only of these is written without quotes.
bool isRfc2045TokenChar(char c);

// Characters of an RFC 8601 Keyword (method, result, ptype, property) as we read and write
// them: letters, digits, '-', and '_' (not in RFC 5321's Ldh-str, but real headers use it
// in property names and our builder never emits it unless given it).
bool isArKeywordChar(char c);

// True when two authserv-ids name the same service: ASCII case-insensitive, ignoring one
// trailing dot on either side. Deliberately generous, because it decides which fields claim
// to be ours and must be deleted as forgeries (RFC 8601 §5): "MX.Example.NET." is ours too.
bool sameAuthservId(std::string_view a, std::string_view b);

}  // namespace dmarc::core
