// Names for DNS statuses, for logs and Authentication-Results comments.
#include "resolver.h"

namespace dmarc::core {

std::string_view describe(DnsStatus status) {
    switch (status) {
        case DnsStatus::Ok: return "ok";
        case DnsStatus::NoData: return "no data";
        case DnsStatus::NxDomain: return "NXDOMAIN";
        case DnsStatus::ServFail: return "SERVFAIL";
        case DnsStatus::Timeout: return "timeout";
        case DnsStatus::Malformed: return "malformed reply";
    }
    return "unknown";
}

bool isDefinite(DnsStatus status) {
    return status == DnsStatus::Ok || status == DnsStatus::NoData || status == DnsStatus::NxDomain;
}

}  // namespace dmarc::core
