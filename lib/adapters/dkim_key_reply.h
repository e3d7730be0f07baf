// The DNS reply message libopendkim's key fetcher parses, rebuilt from a DnsReply.
// libopendkim reads a raw reply: the question's type and class, the RCODE, and the first
// TXT RR of the answer section. We hand it a reply rebuilt from the records the resolver
// already parsed rather than the bytes as received, because:
//  - the resolver chases CNAMEs itself and caches, so the bytes it keeps may be the last
//    hop's reply only (or none, for a table in tests); a rebuilt reply always carries the
//    key record of the end of the chain;
//  - libopendkim never parses untrusted DNS bytes, and never sees a truncated reply.
// Only definite answers are rebuilt (Ok, NoData, NxDomain); trouble is reported to
// libopendkim as a DNS error by the caller. Pure function: thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "adapters/dns_lookup.h"

namespace dmarc::adapters {

// Writes the reply to a TXT question for `name` into out[0, capacity): NOERROR with one TXT
// RR per record of reply.txt (strings split at 255 octets), NOERROR without answers for
// NoData, NXDOMAIN for NxDomain. A name that cannot be encoded (empty or over-long label)
// is written as the root name: libopendkim does not read the question's name. Returns the
// length, or 0 when the status is not a definite answer or the reply does not fit.
std::size_t writeKeyReply(std::string_view name, const DnsReply& reply, std::uint8_t* out, std::size_t capacity);

}  // namespace dmarc::adapters
