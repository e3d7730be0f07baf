// DMARC policy discovery (RFC 9989 §4.10.1 by tree walk; RFC 7489 §6.6.3 by author domain
// then PSL organizational domain). Returns which record applies, where it was found and
// every _dmarc name queried, or why there is none (no record vs. DNS trouble).
// Pure over the Resolver and OrgDomainFinder interfaces; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "dmarc_mode.h"
#include "dmarc_record.h"
#include "domain_name.h"
#include "org_domain.h"
#include "resolver.h"

namespace dmarc::core {

enum class PolicySource { AuthorDomain, OrganizationalDomain, PublicSuffixDomain };
std::string_view toString(PolicySource source);  // "author", "organizational", "psd"

struct DiscoveredPolicy {
    DomainName domain;   // where the record was published (without _dmarc)
    DmarcRecord record;
    PolicySource source = PolicySource::AuthorDomain;
};

enum class DiscoveryOutcome {
    Found,      // policy is set
    NoRecord,   // no DMARC record applies: DMARC does not apply to the message
    TempError,  // DNS trouble prevented a definite answer
};

struct PolicyDiscovery {
    DiscoveryOutcome outcome = DiscoveryOutcome::NoRecord;
    std::optional<DiscoveredPolicy> policy;
    // The author domain's organizational domain when it could be determined (RFC 9989:
    // from the same walk; RFC 7489: from the OrgDomainFinder).
    std::optional<DomainName> orgDomain;
    std::vector<DomainName> queried;  // full _dmarc.* names, in query order
    std::string detail;               // human-readable why, for logs ("SERVFAIL at _dmarc.x")
};

// `psl` is used in RFC 7489 mode and must then be non-null; RFC 9989 mode ignores it.
PolicyDiscovery discoverPolicy(const DomainName& author, Resolver& resolver, DmarcMode mode,
                               const OrgDomainFinder* psl);

}  // namespace dmarc::core
