// Organizational domains. RFC 9989 finds them with the DNS tree walk (§4.10, §4.10.2):
// treeWalkTargets() lists the at most 8 names a walk may query (pure; callers may prefetch
// them all at once), walkTree() queries them through a Resolver until a psd=y/psd=n record
// stops it, selectOrganizationalDomain() applies §4.10.2's selection. RFC 7489 mode uses a
// public suffix list behind OrgDomainFinder (lib/adapters/psl_org_domain). Thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

#include "dmarc_record.h"
#include "domain_name.h"
#include "resolver.h"

namespace dmarc::core {

// RFC 7489 §3.2: the registered domain according to a public suffix list. A name that is
// itself a public suffix (or unknown to the list's rules) is its own organizational domain.
class OrgDomainFinder {
public:
    virtual ~OrgDomainFinder() = default;
    virtual DomainName organizationalDomain(const DomainName& name) const = 0;
};

// One query of a walk: TXT at _dmarc.<name>.
struct WalkStep {
    DomainName name;                    // the name below _dmarc
    DnsStatus status = DnsStatus::NoData;
    std::size_t dmarcRecords = 0;       // TXT strings that parsed as DMARC records
    std::optional<DmarcRecord> record;  // set iff exactly one DMARC record was found
};

struct TreeWalk {
    DomainName start;
    std::vector<WalkStep> steps;  // in query order
};

// The names a walk from `start` queries, in order: start itself, then (if start has 8 or
// more labels) the name cut to 7 labels, then one label less each time down to the TLD.
std::vector<DomainName> treeWalkTargets(const DomainName& start);

// One classified query of _dmarc.<name>: how many DMARC records, the record if exactly
// one. nullopt when _dmarc.<name> would be too long to exist (nothing is queried).
std::optional<WalkStep> queryDmarcName(const DomainName& name, Resolver& resolver);

// Queries _dmarc.<target> for each target in order; stops after a step whose single
// DMARC record carries psd=y or psd=n. DNS errors are recorded in the step and the walk
// goes on (the caller decides what an error means for its purpose).
TreeWalk walkTree(const DomainName& start, Resolver& resolver);

// §4.10.2 selection over a walk. A DNS error at a step the selection depends on leaves the
// organizational domain undetermined: that step's status is returned as the error.
Result<DomainName, DnsStatus> selectOrganizationalDomain(const TreeWalk& walk);

}  // namespace dmarc::core
