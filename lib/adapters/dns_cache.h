// DnsCache: parsed DNS answers keyed by (lowercased name, type), kept for their TTL clamped
// to a floor and a ceiling; negative answers (NXDOMAIN, NODATA) for the SOA-derived TTL of
// RFC 2308 under their own ceiling. Bounded in entries and in bytes, least recently used
// evicted first, so hostile zones with huge answers cannot grow it without limit. Only
// definite answers (Ok, NoData, NxDomain) are stored. Not thread-safe: the owner locks.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <string>
#include <unordered_map>

#include "adapters/dns_lookup.h"
#include "adapters/monotonic_clock.h"

namespace dmarc::adapters {

struct CachePolicy {
    std::chrono::seconds minTtl{5};            // floor: TTL 0 answers are still shared briefly
    std::chrono::seconds maxTtl{86400};        // ceiling for positive answers
    std::chrono::seconds maxNegativeTtl{3600}; // ceiling for NXDOMAIN/NODATA (RFC 2308 §5)
    std::size_t maxEntries = 10000;            // 0 disables the cache
    std::size_t maxBytes = 32u << 20;          // approximate memory of the stored answers
};

struct CacheKey {
    std::string name;  // lowercase, no trailing dot
    RrType type = RrType::A;
    friend bool operator==(const CacheKey&, const CacheKey&) = default;
};

struct CacheKeyHash {
    std::size_t operator()(const CacheKey& key) const;
};

using ReplyPtr = std::shared_ptr<const DnsReply>;

class DnsCache {
public:
    // `clock` must outlive the cache.
    DnsCache(CachePolicy policy, const MonotonicClock& clock);

    // The stored answer, or nullptr when there is none or it has expired (then dropped).
    ReplyPtr find(const CacheKey& key);
    // Stores a definite answer (others are ignored) for its clamped TTL, replacing any
    // older one, then evicts the least recently used until both bounds hold.
    void insert(const CacheKey& key, ReplyPtr reply);

    std::size_t size() const { return index_.size(); }
    std::size_t bytes() const { return bytes_; }
    // The clamped lifetime `reply` would be stored for.
    std::chrono::seconds lifetime(const DnsReply& reply) const;

private:
    struct Entry {
        CacheKey key;
        ReplyPtr reply;
        std::chrono::steady_clock::time_point expires;
        std::size_t bytes = 0;
    };
    using Lru = std::list<Entry>;  // most recently used first

    void erase(Lru::iterator entry);

    CachePolicy policy_;
    const MonotonicClock& clock_;
    Lru lru_;
    std::unordered_map<CacheKey, Lru::iterator, CacheKeyHash> index_;
    std::size_t bytes_ = 0;
};

}  // namespace dmarc::adapters
