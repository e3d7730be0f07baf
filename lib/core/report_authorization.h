// External report destinations (RFC 9990 §3 / RFC 7489 §7.1): a rua URI outside the policy
// domain's organizational domain is used only when the destination publishes a DMARC1 record
// at <policy domain>._report._dmarc.<destination domain>. Each URI gets kept or dropped with
// the reason. Only mailto: URIs are supported. Pure over the Resolver; thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain_name.h"
#include "resolver.h"

namespace dmarc::core {

enum class DestinationStatus {
    Internal,       // within the policy domain's organizational domain: no check needed
    Authorized,     // external, and the destination published the authorization record
    NotAuthorized,  // external, and no authorization record
    TempError,      // external, and the check hit DNS trouble: try again later
    Unusable,       // not a mailto: URI with a valid domain, or over the per-record limit
};

// "internal", "authorized", "not authorized", "temperror", "unusable".
std::string_view toString(DestinationStatus status);

struct ReportDestination {
    std::string uri;                   // as published (cut to a sane length)
    std::optional<DomainName> domain;  // the destination domain, when it could be read
    DestinationStatus status = DestinationStatus::Unusable;
    std::string why;

    bool kept() const {
        return status == DestinationStatus::Internal || status == DestinationStatus::Authorized;
    }
};

// Destinations checked per record. RFC 7489 §6.2 requires supporting at least two; a few
// more are kept, the rest are dropped so a hostile record cannot make us query at will.
inline constexpr std::size_t kMaxReportDestinations = 5;

ReportDestination checkReportDestination(const DomainName& policyDomain,
                                         const DomainName& policyOrgDomain, std::string_view uri,
                                         Resolver& resolver);

// Every URI in order; those beyond kMaxReportDestinations are Unusable without a query.
std::vector<ReportDestination> checkReportDestinations(const DomainName& policyDomain,
                                                       const DomainName& policyOrgDomain,
                                                       const std::vector<std::string>& uris,
                                                       Resolver& resolver);

}  // namespace dmarc::core
