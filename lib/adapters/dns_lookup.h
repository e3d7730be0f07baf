// DnsLookup: raw, typed DNS lookups for the adapters that speak DNS on behalf of C
// libraries (libspf2 wants A/AAAA/MX/PTR/TXT answers, libopendkim wants the reply bytes).
// The real implementation is CaresResolver (one cache, one timeout policy, one place to
// point tests at); tests may use a table. Blocking; implementations are thread-safe.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/resolver.h"

namespace dmarc::adapters {

enum class RrType : std::uint16_t { A = 1, Cname = 5, Soa = 6, Ptr = 12, Mx = 15, Txt = 16, Aaaa = 28 };

struct MxRecord {
    std::uint16_t preference = 0;
    std::string exchange;
};

struct DnsReply {
    core::DnsStatus status = core::DnsStatus::Timeout;
    // Records of the asked type at the end of any CNAME chain; only the field of that type
    // is filled. TXT: the character-strings of each RR concatenated (RFC 7208 §3.3).
    std::vector<std::string> txt;
    std::vector<std::array<std::uint8_t, 4>> a;
    std::vector<std::array<std::uint8_t, 16>> aaaa;
    std::vector<MxRecord> mx;
    std::vector<std::string> ptr;
    // The reply message as received, when there was one (for a CNAME chain the resolver
    // had to chase itself, the last hop's reply).
    std::vector<std::uint8_t> wire;
    // Seconds: the smallest TTL along the CNAME chain and of the records; for negative
    // answers min(SOA TTL, SOA minimum) (RFC 2308 §5), 0 without an SOA.
    std::uint32_t ttl = 0;
};

using Deadline = std::chrono::steady_clock::time_point;
inline constexpr Deadline noDeadline = Deadline::max();

class DnsLookup {
public:
    virtual ~DnsLookup() = default;
    // `name` is a DNS owner name in text form (may hold underscore labels). Never throws;
    // trouble is a status (Timeout when the deadline passes first).
    virtual DnsReply lookup(std::string_view name, RrType type, Deadline deadline) = 0;
    // Starts a lookup that a later lookup() will want, so several resolve in parallel. Never blocks.
    virtual void prefetch(std::string_view /*name*/, RrType /*type*/) {}
};

}  // namespace dmarc::adapters
