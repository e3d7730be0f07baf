// Starts, without waiting, every DNS query a DMARC evaluation of one author domain may
// make: TXT at _dmarc.<name> for each name of the RFC 9989 tree walk (at most 8; it also
// covers RFC 7489's author and organizational domain, both on that path) and the author
// domain's existence probe behind np=. Called when the From header arrives; the evaluation
// at end of message then finds the answers cached or joins the queries still in flight.
// Thread-safe when the DnsLookup is.
#pragma once

#include "adapters/dns_lookup.h"
#include "core/domain_name.h"

namespace dmarc::adapters {

void prefetchDmarcLookups(DnsLookup& dns, const core::DomainName& author);

}  // namespace dmarc::adapters
