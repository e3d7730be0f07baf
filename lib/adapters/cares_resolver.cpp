// CaresResolver: see cares_resolver.h. One mutex guards the cache and the table of lookups
// in flight; it is never held while a callback runs or c-ares is called. Upstream answers
// arrive on the event-loop thread, are parsed here (dns_message, dns_answer), chased when
// they end at an unanswered CNAME target, then cached and handed to every waiter.
#include "cares_resolver.h"

#include <algorithm>
#include <atomic>
#include <limits>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <utility>

#include "adapters/cares_event_loop.h"
#include "adapters/dns_answer.h"
#include "adapters/dns_message.h"
#include "adapters/name_servers.h"

namespace dmarc::adapters {

using core::fail;

namespace {

// The text form dns_message.h produces (lowercase, no trailing dot), or nullopt for a name
// that cannot exist in DNS (RFC 1035 §2.3.4) or that c-ares would read escapes in.
std::optional<std::string> queryName(std::string_view name) {
    if (!name.empty() && name.back() == '.') name.remove_suffix(1);
    if (name.empty() || name.size() > 253) return std::nullopt;
    std::string text;
    text.reserve(name.size());
    std::size_t labelLength = 0;
    for (const char c : name) {
        if (c == '\\' || c == '\0') return std::nullopt;
        if (c == '.') {
            if (labelLength == 0) return std::nullopt;
            labelLength = 0;
        } else if (++labelLength > 63) {
            return std::nullopt;
        }
        text.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c + ('a' - 'A')) : c);
    }
    if (labelLength == 0) return std::nullopt;
    return text;
}

ReplyPtr replyWithStatus(core::DnsStatus status) {
    auto reply = std::make_shared<DnsReply>();
    reply->status = status;
    return reply;
}

void deliver(const CaresResolver::Callback& done, const ReplyPtr& reply) noexcept {
    try {
        done(reply);
    } catch (...) {
        // A throwing waiter must not take the event loop or the other waiters with it.
    }
}

struct AtomicCounters {
    std::atomic<std::uint64_t> queriesSent{0};
    std::atomic<std::uint64_t> cacheHits{0};
    std::atomic<std::uint64_t> cacheMisses{0};
    std::atomic<std::uint64_t> coalesced{0};
    std::atomic<std::uint64_t> timeouts{0};
    std::atomic<std::uint64_t> servFail{0};
    std::atomic<std::uint64_t> nxDomain{0};
    std::atomic<std::uint64_t> deadlinesMissed{0};
};

// One upstream resolution: the key it fills, and the CNAME chain followed so far.
struct Resolution {
    CacheKey key;
    std::string current;               // the name the next query asks for
    std::vector<std::string> visited;  // key.name and every CNAME target since
    std::uint32_t ttl = std::numeric_limits<std::uint32_t>::max();
};

}  // namespace

struct CaresResolver::Impl {
    Impl(const ResolverOptions& resolverOptions, const MonotonicClock& clock)
        : options(resolverOptions), cache(resolverOptions.cache, clock) {}

    ReplyPtr cached(const CacheKey& key) {
        const std::lock_guard lock(mutex);
        ReplyPtr reply = cache.find(key);
        if (reply) counters.cacheHits.fetch_add(1, std::memory_order_relaxed);
        return reply;
    }

    void lookup(CacheKey key, Callback done) {
        ReplyPtr hit;
        bool startQuery = false;
        {
            const std::lock_guard lock(mutex);
            hit = cache.find(key);
            if (hit) {
                counters.cacheHits.fetch_add(1, std::memory_order_relaxed);
            } else {
                counters.cacheMisses.fetch_add(1, std::memory_order_relaxed);
                auto [waiting, fresh] = inflight.try_emplace(key);
                waiting->second.push_back(std::move(done));
                startQuery = fresh;
                if (!fresh) counters.coalesced.fetch_add(1, std::memory_order_relaxed);
            }
        }
        if (hit) {
            deliver(done, hit);
        } else if (startQuery) {
            auto resolution = std::make_shared<Resolution>();
            resolution->current = key.name;
            resolution->visited.push_back(key.name);
            resolution->key = std::move(key);
            send(std::move(resolution));
        }
    }

    void send(std::shared_ptr<Resolution> resolution) {
        counters.queriesSent.fetch_add(1, std::memory_order_relaxed);
        const std::string name = resolution->current;
        const RrType type = resolution->key.type;
        loop->submit(name, type, [this, resolution = std::move(resolution)](RawAnswer raw) mutable {
            onAnswer(std::move(resolution), std::move(raw));
        });
    }

    void onAnswer(std::shared_ptr<Resolution> resolution, RawAnswer raw) {
        switch (raw.outcome) {
            case QueryOutcome::Reply: break;
            case QueryOutcome::ServerFailure: return finish(*resolution, replyWithStatus(core::DnsStatus::ServFail));
            case QueryOutcome::BadReply:
            case QueryOutcome::BadName: return finish(*resolution, replyWithStatus(core::DnsStatus::Malformed));
            case QueryOutcome::NoAnswer:
            case QueryOutcome::Shutdown: return finish(*resolution, replyWithStatus(core::DnsStatus::Timeout));
        }
        const auto message = dns::parseMessage(raw.wire);
        if (!message) {
            auto reply = std::make_shared<DnsReply>();
            reply->status = core::DnsStatus::Malformed;
            reply->wire = std::move(raw.wire);
            return finish(*resolution, std::move(reply));
        }
        dns::Answer answer = dns::readAnswer(*message, resolution->current, resolution->key.type);
        for (std::string& target : answer.chain) {
            const bool loops = std::find(resolution->visited.begin(), resolution->visited.end(), target) !=
                               resolution->visited.end();
            // visited = the queried name + the targets so far: at most maxCnameHops targets.
            if (loops || resolution->visited.size() > dns::maxCnameHops) {
                return finish(*resolution, replyWithStatus(core::DnsStatus::ServFail));
            }
            resolution->visited.push_back(std::move(target));
        }
        resolution->ttl = std::min(resolution->ttl, answer.reply.ttl);
        if (answer.chaseTarget) {
            resolution->current = std::move(*answer.chaseTarget);
            return send(std::move(resolution));
        }
        answer.reply.ttl = resolution->ttl;
        answer.reply.wire = std::move(raw.wire);
        finish(*resolution, std::make_shared<const DnsReply>(std::move(answer.reply)));
    }

    void finish(const Resolution& resolution, ReplyPtr reply) {
        switch (reply->status) {
            case core::DnsStatus::Timeout: counters.timeouts.fetch_add(1, std::memory_order_relaxed); break;
            case core::DnsStatus::ServFail: counters.servFail.fetch_add(1, std::memory_order_relaxed); break;
            case core::DnsStatus::NxDomain: counters.nxDomain.fetch_add(1, std::memory_order_relaxed); break;
            default: break;
        }
        std::vector<Callback> waiters;
        {
            const std::lock_guard lock(mutex);
            cache.insert(resolution.key, reply);
            const auto found = inflight.find(resolution.key);
            if (found != inflight.end()) {
                waiters = std::move(found->second);
                inflight.erase(found);
            }
        }
        for (const Callback& waiter : waiters) deliver(waiter, reply);
    }

    ResolverOptions options;
    AtomicCounters counters;
    std::mutex mutex;  // guards cache and inflight
    DnsCache cache;
    std::unordered_map<CacheKey, std::vector<Callback>, CacheKeyHash> inflight;
    std::unique_ptr<CaresEventLoop> loop;  // set once by create(), stopped by ~CaresResolver
};

CaresResolver::CaresResolver(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

CaresResolver::~CaresResolver() {
    // Stop first: the loop's last callbacks still use the cache and the waiter table.
    impl_->loop->stop();
}

core::Result<std::unique_ptr<CaresResolver>, std::string> CaresResolver::create(ResolverOptions options) {
    if (options.tries < 1) return fail(std::string("tries must be at least 1"));
    if (options.timeout.count() < 1 || options.timeout.count() > std::numeric_limits<int>::max()) {
        return fail(std::string("timeout must be at least 1 ms"));
    }
    auto servers = parseNameServers(options.nameServers);
    if (!servers) return fail(servers.error());
    ChannelOptions channel;
    channel.servers = std::move(servers).value();
    channel.timeout = options.timeout;
    channel.tries = options.tries;
    auto loop = CaresEventLoop::create(channel);
    if (!loop) return fail(loop.error());
    const MonotonicClock& clock = options.clock != nullptr ? *options.clock : steadyClock();
    auto impl = std::make_unique<Impl>(options, clock);
    impl->loop = std::move(loop).value();
    return std::unique_ptr<CaresResolver>(new CaresResolver(std::move(impl)));
}

void CaresResolver::lookupAsync(std::string_view name, RrType type, Callback done) {
    auto text = queryName(name);
    if (!text) {
        deliver(done, replyWithStatus(core::DnsStatus::NxDomain));
        return;
    }
    impl_->lookup(CacheKey{std::move(*text), type}, std::move(done));
}

std::shared_future<ReplyPtr> CaresResolver::start(std::string_view name, RrType type) {
    auto promise = std::make_shared<std::promise<ReplyPtr>>();
    std::shared_future<ReplyPtr> future = promise->get_future().share();
    lookupAsync(name, type, [promise](const ReplyPtr& reply) { promise->set_value(reply); });
    return future;
}

void CaresResolver::prefetch(std::string_view name, RrType type) {
    // The answer lands in the cache (or joins a query in flight); nobody waits for it here.
    lookupAsync(name, type, [](const ReplyPtr&) {});
}

DnsReply CaresResolver::lookup(std::string_view name, RrType type, Deadline deadline) {
    if (auto text = queryName(name)) {
        if (ReplyPtr reply = impl_->cached(CacheKey{std::move(*text), type})) return *reply;
    }
    const std::shared_future<ReplyPtr> future = start(name, type);
    if (deadline == noDeadline) {
        future.wait();
    } else if (future.wait_until(deadline) != std::future_status::ready) {
        impl_->counters.deadlinesMissed.fetch_add(1, std::memory_order_relaxed);
        return DnsReply{};  // status Timeout
    }
    return *future.get();
}

core::TxtAnswer CaresResolver::lookupTxt(const core::DomainName& name) {
    DnsReply reply = lookup(name.str(), RrType::Txt, std::chrono::steady_clock::now() + impl_->options.coreDeadline);
    return core::TxtAnswer{reply.status, std::move(reply.txt)};
}

core::DnsStatus CaresResolver::probeExistence(const core::DomainName& name) {
    return lookup(name.str(), RrType::A, std::chrono::steady_clock::now() + impl_->options.coreDeadline).status;
}

ResolverCounters CaresResolver::counters() const {
    const AtomicCounters& c = impl_->counters;
    constexpr auto relaxed = std::memory_order_relaxed;
    return ResolverCounters{c.queriesSent.load(relaxed), c.cacheHits.load(relaxed),   c.cacheMisses.load(relaxed),
                            c.coalesced.load(relaxed),   c.timeouts.load(relaxed),    c.servFail.load(relaxed),
                            c.nxDomain.load(relaxed),    c.deadlinesMissed.load(relaxed)};
}

}  // namespace dmarc::adapters
