// DNS answer cache: see dns_cache.h. An LRU list owns the entries; the hash index points
// into it. Expired entries are dropped when found, and age out of the LRU tail otherwise.
#include "dns_cache.h"

#include <algorithm>
#include <functional>

namespace dmarc::adapters {

namespace {

// Rough heap footprint of an entry: enough to keep the byte bound honest against answers
// stuffed with long TXT strings, not an allocator-exact count.
std::size_t footprint(const CacheKey& key, const DnsReply& reply) {
    constexpr std::size_t perString = sizeof(std::string) + 16;
    std::size_t bytes = 128 + sizeof(DnsReply) + key.name.size() + reply.wire.size();
    for (const std::string& text : reply.txt) bytes += perString + text.size();
    for (const std::string& name : reply.ptr) bytes += perString + name.size();
    for (const MxRecord& mx : reply.mx) bytes += sizeof(MxRecord) + 16 + mx.exchange.size();
    bytes += reply.a.size() * 4 + reply.aaaa.size() * 16;
    return bytes;
}

}  // namespace

std::size_t CacheKeyHash::operator()(const CacheKey& key) const {
    return std::hash<std::string>{}(key.name) * 31 + static_cast<std::size_t>(key.type);
}

DnsCache::DnsCache(CachePolicy policy, const MonotonicClock& clock) : policy_(policy), clock_(clock) {}

std::chrono::seconds DnsCache::lifetime(const DnsReply& reply) const {
    const bool negative = reply.status != core::DnsStatus::Ok;
    const std::chrono::seconds ceiling = negative ? policy_.maxNegativeTtl : policy_.maxTtl;
    const std::chrono::seconds ttl{reply.ttl};
    return std::max(policy_.minTtl, std::min(ttl, ceiling));
}

ReplyPtr DnsCache::find(const CacheKey& key) {
    const auto found = index_.find(key);
    if (found == index_.end()) return nullptr;
    const Lru::iterator entry = found->second;
    if (clock_.now() >= entry->expires) {
        erase(entry);
        return nullptr;
    }
    lru_.splice(lru_.begin(), lru_, entry);
    return entry->reply;
}

void DnsCache::insert(const CacheKey& key, ReplyPtr reply) {
    if (!reply || !core::isDefinite(reply->status) || policy_.maxEntries == 0) return;
    if (const auto old = index_.find(key); old != index_.end()) erase(old->second);
    const std::size_t bytes = footprint(key, *reply);
    if (bytes > policy_.maxBytes) return;
    const auto expires = clock_.now() + lifetime(*reply);
    lru_.push_front(Entry{key, std::move(reply), expires, bytes});
    index_.emplace(key, lru_.begin());
    bytes_ += bytes;
    while (index_.size() > policy_.maxEntries || bytes_ > policy_.maxBytes) erase(std::prev(lru_.end()));
}

void DnsCache::erase(Lru::iterator entry) {
    bytes_ -= entry->bytes;
    index_.erase(entry->key);
    lru_.erase(entry);
}

}  // namespace dmarc::adapters
