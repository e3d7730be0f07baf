// DMARC evaluation of one author domain (RFC 9989 §5.3; RFC 7489 §6.6 in RFC 7489 mode):
// policy discovery, the usable policy, which tag applies (p, sp or np, with the existence
// probe behind np), identifier alignment, the DMARC result, then the disposition with its
// overrides. Returns a Verdict; never throws on any input. Messages with several author
// domains are the caller's loop (combine with strictest()). Thread-safe as long as each
// call gets a RandomSource it may use on the calling thread.
//
// Results, decided in this order:
//  - permerror: the From domain is not a valid domain name (invalidAuthorVerdict), or RFC
//    7489 mode was asked for without a public suffix list (a configuration fault);
//  - none: no DMARC record applies, or the record found is unusable (§4.10.1);
//  - pass: any passing identifier is aligned, whatever DNS trouble other checks had;
//    when discovery itself hit DNS trouble, a pass for the author domain itself still
//    counts (it aligns under every policy), nothing else does;
//  - temperror: discovery hit DNS trouble, or an identifier that could still align passed
//    with unknown alignment or returned temperror, or np/sp could not be told apart for a
//    failing message because the existence probe failed;
//  - fail: otherwise.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dmarc_mode.h"
#include "domain_name.h"
#include "local_policy.h"
#include "org_domain.h"
#include "random_source.h"
#include "resolver.h"
#include "verdict.h"

namespace dmarc::core {

struct SpfInput {
    SpfResult result = SpfResult::None;
    std::optional<DomainName> domain;  // MAIL FROM domain (or HELO name for scope helo)
    SpfScope scope = SpfScope::MailFrom;
};

struct DkimInput {
    DkimResult result = DkimResult::None;
    std::optional<DomainName> domain;  // d=
    std::string selector;
    std::string algorithm;
    std::string reason;
    std::string signature;  // b= (or a prefix of it), for header.b in Authentication-Results
};

struct AuthInputs {
    SpfInput spf;
    std::vector<DkimInput> dkim;
};

// What evaluation talks to. `psl` is required in RFC 7489 mode, unused in RFC 9989 mode.
struct EvaluationContext {
    Resolver& resolver;
    RandomSource& random;
    const OrgDomainFinder* psl = nullptr;
};

Verdict evaluate(const DomainName& author, const AuthInputs& auth, const LocalFacts& facts,
                 const LocalPolicy& settings, const EvaluationContext& context);

// The verdict for a From domain that is not a valid domain name: permerror, no DNS asked.
// `rawAuthor` is kept (cut to 255 octets) for the log, which must sanitise it.
Verdict invalidAuthorVerdict(std::string_view rawAuthor, DomainError error, const AuthInputs& auth,
                             const LocalPolicy& settings);

}  // namespace dmarc::core
