// The query names come from the core's own walk (treeWalkTargets), so what is prefetched is
// exactly what discoverPolicy and the alignment walks will ask for first.
#include "adapters/dmarc_prefetch.h"

#include "core/org_domain.h"

namespace dmarc::adapters {

void prefetchDmarcLookups(DnsLookup& dns, const core::DomainName& author) {
    for (const auto& target : core::treeWalkTargets(author)) {
        if (const auto name = target.dmarcName()) dns.prefetch(name->str(), RrType::Txt);
    }
    // CaresResolver::probeExistence asks for type A: the same cache entry.
    dns.prefetch(author.str(), RrType::A);
}

}  // namespace dmarc::adapters
