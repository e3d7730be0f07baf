// RFC5322.From parsing: the mailboxes of a From field and the distinct author domains they
// name (RFC 9989 §5.3.1), with the RFC 5322 §3.4 grammar, its §4.4 obsolete forms, groups
// (RFC 6854) and 8-bit text (RFC 6532). Whatever is not one well-formed mailbox-list with a
// host-name domain in every mailbox is a FromError, never a guess: a parser that guesses
// differently from the MUA is how a spoofed domain gets displayed while another one is
// checked. Policy for several mailboxes, domains or fields is the caller's. Pure; no I/O;
// thread-safe. Linear in the input; allocation failure (std::bad_alloc) is the only throw.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain_name.h"
#include "result.h"

namespace dmarc::core {

// Limits against hostile headers. A real From field is well under 1 KiB; these are far
// above anything legitimate and keep the worst case small.
inline constexpr std::size_t kMaxFromFieldLength = 64 * 1024;  // octets of one field body
inline constexpr std::size_t kMaxCommentDepth = 64;            // "(a (b (c)))" nesting
inline constexpr std::size_t kMaxMailboxes = 512;              // per message

struct Mailbox {
    // The phrase before "<": words joined by single spaces, quoting and comments removed.
    // RFC 2047 encoded-words are kept encoded (this is for logs, not for display).
    std::string displayName;
    // Words joined by ".", with quoting, comments and folding removed.
    std::string localPart;
    DomainName domain;
};

enum class FromError {
    NoFromField,           // the message has no From field
    SeveralFromFields,     // more than one From field (RFC 5322 §3.6 allows exactly one)
    NoMailbox,             // no mailbox at all: empty, only commas, or only empty groups
    MailboxWithoutDomain,  // "user", "<user>", "user@", "\"Some Name\""
    DomainLiteral,         // "user@[192.0.2.1]": no domain to look a policy up for
    InvalidDomain,         // the domain is not a host name DomainName accepts
    Malformed,             // unbalanced quotes, comments or angles, stray specials, ...
    TooManyMailboxes,      // more than kMaxMailboxes
    TooLong,               // a field body over kMaxFromFieldLength octets
};

std::string_view describe(FromError error);

struct AuthorDomains {
    std::vector<Mailbox> mailboxes;   // in order of appearance; never empty
    std::vector<DomainName> domains;  // distinct, in order of first appearance

    // The author domain when there is exactly one (however many mailboxes carry it).
    std::optional<DomainName> singleDomain() const;
};

// One From field body: what follows "From:", folding (CRLF or LF + WSP) included.
// An unbalanced quote, comment or bracket anywhere is Malformed; otherwise the error is
// the first problem from the left.
Result<AuthorDomains, FromError> parseFromValue(std::string_view fieldBody);

// The From field bodies of one message, in header order. None → NoFromField; more than one
// → SeveralFromFields (OpenDMARC's CVE-2019-16378 and CVE-2021-34555 came from quietly
// taking the first); exactly one → parseFromValue.
Result<AuthorDomains, FromError> authorDomains(const std::vector<std::string_view>& fromFieldBodies);

// For a receiver that evaluates every author domain and applies the strictest result
// (RFC 9989 §11.5) even across several From fields: every field must parse, and the result
// holds the mailboxes of all of them (at most kMaxMailboxes in total) and their distinct
// domains. None → NoFromField; otherwise the first field's error, if any.
Result<AuthorDomains, FromError> authorDomainsOfEveryField(
    const std::vector<std::string_view>& fromFieldBodies);

}  // namespace dmarc::core
