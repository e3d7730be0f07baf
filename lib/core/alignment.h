// Identifier alignment (RFC 9989 §3.2.10, §4.4, §4.10.2; RFC 7489 §3.1): is an
// authenticated identifier (SPF MAIL FROM domain, DKIM d=) aligned with the author domain,
// strictly (identical) or relaxed (same organizational domain)? Each answer says why in
// words. Organizational domains come from the DNS tree walk (RFC 9989; one walk per
// distinct name, skipped whenever the answer is already certain) or from a public suffix
// list (RFC 7489). A walk stopped by DNS trouble makes the answer Unknown, never "no".
// One AlignmentChecker serves one message on one thread; it caches what it looked up.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "dmarc_mode.h"
#include "dmarc_record.h"
#include "domain_name.h"
#include "org_domain.h"
#include "resolver.h"
#include "result.h"

namespace dmarc::core {

enum class Alignment {
    Strict,        // identical to the author domain
    Relaxed,       // same organizational domain
    NotAligned,
    Unknown,       // an organizational domain could not be determined (DNS trouble)
    NotEvaluated,  // not asked: the identifier did not pass, or no policy needed it
};

// "strict", "relaxed", "unaligned", "unknown", "unevaluated".
std::string_view toString(Alignment alignment);
bool isAligned(Alignment alignment);

struct AlignmentCheck {
    Alignment alignment = Alignment::NotEvaluated;
    std::string why;  // e.g. "eu-west-1.amazonses.com is not within mydomain.com"
};

// When no policy (hence no alignment mode) is known, only identity can be assessed: Strict
// when `identifier` is `author`, else NotEvaluated with `otherwise` as the reason.
AlignmentCheck checkIdentity(const DomainName& author, const DomainName& identifier,
                             std::string_view otherwise);

// Distinct identifiers (besides the author domain) that may cost a tree walk per message.
// A real message has one SPF domain and a few DKIM domains; a hostile one may carry
// hundreds of d= values under the author's domain to multiply our DNS queries. Beyond
// this limit an identifier is reported NotAligned with the reason.
inline constexpr std::size_t kMaxIdentifierWalks = 8;

class AlignmentChecker {
public:
    // `psl` must be non-null in RFC 7489 mode. `authorOrgDomain`, when policy discovery
    // already settled it (the domain, or why DNS left it undetermined), saves a second walk
    // from the author domain.
    AlignmentChecker(DomainName author, DmarcMode mode, Resolver& resolver,
                     const OrgDomainFinder* psl,
                     std::optional<Result<DomainName, std::string>> authorOrgDomain = std::nullopt);

    // Alignment of `identifier` under the record's adkim/aspf `mode`.
    AlignmentCheck check(const DomainName& identifier, AlignmentMode mode);

private:
    // The organizational domain of `name`, or why it could not be determined.
    const Result<DomainName, std::string>& orgDomainOf(const DomainName& name);
    Result<DomainName, std::string> lookUpOrgDomain(const DomainName& name);

    DomainName author_;
    DmarcMode mode_;
    Resolver& resolver_;
    const OrgDomainFinder* psl_;
    std::map<DomainName, Result<DomainName, std::string>> orgDomains_;
    std::size_t identifierWalks_ = 0;
};

}  // namespace dmarc::core
