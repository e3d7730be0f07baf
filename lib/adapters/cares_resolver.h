// CaresResolver: the one DNS resolver of the milter. Serves lib/core (core::Resolver: TXT
// records, existence probes) and the C-library adapters (DnsLookup: A, AAAA, MX, PTR, TXT
// with the reply bytes). Answers are cached for their TTL (dns_cache.h), identical lookups
// in flight share one upstream query, CNAME chains the server did not follow are chased
// (bounded). c-ares runs on the resolver's own thread (cares_event_loop.h). Created by a
// factory that returns an error string instead of throwing. All public members are
// thread-safe; destruction stops the thread, and lookups still waiting then get Timeout.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/dns_cache.h"
#include "adapters/dns_lookup.h"
#include "adapters/monotonic_clock.h"
#include "core/resolver.h"
#include "core/result.h"

namespace dmarc::adapters {

struct ResolverOptions {
    // "192.0.2.1", "192.0.2.1:5353", "2001:db8::1", "[2001:db8::1]:5353". Empty: the
    // system's name servers (/etc/resolv.conf, read once at creation).
    std::vector<std::string> nameServers;
    // Per try. c-ares doubles it on each later round, so one query gives up after about
    // timeout * (2^tries - 1) per server.
    std::chrono::milliseconds timeout{2000};
    int tries = 2;
    // How long a core::Resolver call (whose interface carries no deadline) waits.
    std::chrono::milliseconds coreDeadline{5000};
    CachePolicy cache;
    // Time for TTL expiry; nullptr means steadyClock(). Must outlive the resolver.
    const MonotonicClock* clock = nullptr;
};

// Monotonic totals since creation. A lookup is either a cache hit or a miss; a miss either
// joined a query already in flight (coalesced) or started one. queriesSent counts upstream
// queries including CNAME chases. timeouts/servFail/nxDomain count finished resolutions
// (one per upstream answer, however many lookups shared it); deadlinesMissed counts
// blocking lookups that gave up waiting.
struct ResolverCounters {
    std::uint64_t queriesSent = 0;
    std::uint64_t cacheHits = 0;
    std::uint64_t cacheMisses = 0;
    std::uint64_t coalesced = 0;
    std::uint64_t timeouts = 0;
    std::uint64_t servFail = 0;
    std::uint64_t nxDomain = 0;
    std::uint64_t deadlinesMissed = 0;
};

class CaresResolver final : public core::Resolver, public DnsLookup {
public:
    // Runs on the calling thread for a cache hit or a name that cannot exist, otherwise on
    // the resolver's thread: must be quick and must not call back into a blocking lookup.
    using Callback = std::function<void(ReplyPtr)>;

    static core::Result<std::unique_ptr<CaresResolver>, std::string> create(ResolverOptions options);
    ~CaresResolver() override;
    CaresResolver(const CaresResolver&) = delete;
    CaresResolver& operator=(const CaresResolver&) = delete;

    // Starts a lookup; `done` gets the reply (never null). A name that cannot exist in DNS
    // (empty, empty label, label over 63 or name over 253 octets, '\' or NUL) is answered
    // NxDomain without a query.
    void lookupAsync(std::string_view name, RrType type, Callback done);
    // The same as a future: start lookups early (at MAIL FROM, at the From header), collect
    // them later with a deadline.
    std::shared_future<ReplyPtr> start(std::string_view name, RrType type);

    // DnsLookup: blocks until the reply or `deadline` (then Timeout; the query goes on and
    // its answer still fills the cache).
    DnsReply lookup(std::string_view name, RrType type, Deadline deadline) override;
    // DnsLookup: starts the lookup without waiting, so several (a message's DKIM keys)
    // resolve in parallel and a later lookup() finds them cached or in flight.
    void prefetch(std::string_view name, RrType type) override;
    // core::Resolver: TXT and type-A existence, each waiting at most options.coreDeadline.
    core::TxtAnswer lookupTxt(const core::DomainName& name) override;
    core::DnsStatus probeExistence(const core::DomainName& name) override;

    ResolverCounters counters() const;

    struct Impl;  // defined in the .cpp

private:
    explicit CaresResolver(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace dmarc::adapters
