// DnsAnswer: reads the answer to one question out of a parsed reply (dns_message.h): the
// status (RCODE, NODATA), the records of the asked type at the end of the CNAME chain the
// server included, the TTL the answer may be cached for (RFC 2308 §5 for negative answers)
// and, when the chain ends at a name the server said nothing about, that name, so the
// resolver can ask for it itself. Pure function: thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/dns_lookup.h"
#include "adapters/dns_message.h"

namespace dmarc::adapters::dns {

// CNAMEs followed for one lookup, within replies and across the queries we send ourselves.
// Resolvers use similar bounds (BIND and Unbound stop between 8 and 16).
inline constexpr std::size_t maxCnameHops = 8;

struct Answer {
    // status, the records of the asked type and ttl; `wire` is left to the caller. For a
    // chain to chase, status is NoData and ttl is the smallest TTL of the chain so far.
    DnsReply reply;
    // The CNAME targets followed in this reply, in order.
    std::vector<std::string> chain;
    // Set when the chain ends at a name this reply neither answers nor denies (no records,
    // no SOA): an authoritative server that does not serve the target's zone.
    std::optional<std::string> chaseTarget;
};

// `qname` in the text form of dns_message.h (lowercase, no trailing dot). A CNAME loop or a
// chain longer than maxCnameHops is ServFail, as a recursive resolver would answer.
Answer readAnswer(const Message& message, std::string_view qname, RrType qtype);

}  // namespace dmarc::adapters::dns
