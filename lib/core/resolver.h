// Resolver: the only way lib/core asks DNS anything. The real implementation
// (lib/adapters/cares_resolver) caches and coalesces; tests use an in-memory table.
// Calls are synchronous from the core's point of view; an implementation may answer
// from a cache warmed by queries started earlier. Implementations must be thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "domain_name.h"

namespace dmarc::core {

enum class DnsStatus {
    Ok,        // NOERROR with at least one answer of the asked type
    NoData,    // NOERROR, name exists, no record of that type
    NxDomain,  // the name does not exist (RFC 8020: nor anything below it)
    ServFail,  // SERVFAIL or REFUSED from the server
    Timeout,   // no usable answer in time
    Malformed, // an answer that could not be parsed
};

std::string_view describe(DnsStatus status);

// True for statuses that are a definite answer (Ok, NoData, NxDomain) rather than trouble.
bool isDefinite(DnsStatus status);

struct TxtAnswer {
    DnsStatus status = DnsStatus::NoData;
    // One entry per TXT RR; the character-strings of an RR are already concatenated.
    std::vector<std::string> records;
};

class Resolver {
public:
    virtual ~Resolver() = default;
    virtual TxtAnswer lookupTxt(const DomainName& name) = 0;
    // Does `name` exist? Ok or NoData mean it does, NxDomain that it does not
    // (RFC 9989 §3.2.13); anything else is a transient error.
    virtual DnsStatus probeExistence(const DomainName& name) = 0;
};

}  // namespace dmarc::core
