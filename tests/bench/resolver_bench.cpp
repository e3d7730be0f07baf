// Micro-benchmarks of lib/adapters/cares_resolver against a local NSD (tests/data/zones):
// a lookup answered from the cache, a cold lookup (one UDP round trip to NSD), and 1,000
// lookups in flight at once, distinct and identical. Run under tests/dns/netns-run; the
// figures and the command are in docs/benchmarks.md.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include "adapters/cares_resolver.h"
#include "nsd_server.h"

using namespace dmarc::adapters;
using dmarc::core::DnsStatus;

namespace {

std::string nsdServer;  // "127.0.0.1:port", set by main before any benchmark runs

std::unique_ptr<CaresResolver> resolver(std::size_t cacheEntries) {
    ResolverOptions options;
    options.nameServers = {nsdServer};
    options.cache.maxEntries = cacheEntries;
    auto created = CaresResolver::create(options);
    if (!created) {
        std::fprintf(stderr, "resolver: %s\n", created.error().c_str());
        std::abort();
    }
    return std::move(created).value();
}

Deadline soon() { return std::chrono::steady_clock::now() + std::chrono::seconds(5); }

void requireOk(benchmark::State& state, DnsStatus status) {
    if (status != DnsStatus::Ok) state.SkipWithError("lookup failed");
}

void cachedLookup(benchmark::State& state) {
    auto dns = resolver(10000);
    requireOk(state, dns->lookup("txt.dns.test", RrType::Txt, soon()).status);
    for (auto _ : state) {
        DnsReply reply = dns->lookup("txt.dns.test", RrType::Txt, soon());
        benchmark::DoNotOptimize(reply);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(cachedLookup)->ThreadRange(1, 4)->UseRealTime();

void coldLookup(benchmark::State& state) {
    auto dns = resolver(0);  // no cache: every lookup goes to NSD
    for (auto _ : state) {
        DnsReply reply = dns->lookup("txt.dns.test", RrType::Txt, soon());
        if (reply.status != DnsStatus::Ok) state.SkipWithError("lookup failed");
        benchmark::DoNotOptimize(reply);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(coldLookup)->UseRealTime();

// `count` lookups started at once, then all awaited; distinct names (a wildcard in the zone)
// so each is its own query, or one name so they share one.
void concurrentLookups(benchmark::State& state, bool identical) {
    const auto count = static_cast<int>(state.range(0));
    auto dns = resolver(0);
    int round = 0;
    for (auto _ : state) {
        std::vector<std::shared_future<ReplyPtr>> pending;
        pending.reserve(static_cast<std::size_t>(count));
        ++round;
        for (int i = 0; i < count; ++i) {
            const std::string name = identical ? "r" + std::to_string(round) + ".bench.dns.test"
                                               : "r" + std::to_string(round) + "-" + std::to_string(i) + ".bench.dns.test";
            pending.push_back(dns->start(name, RrType::Txt));
        }
        for (const auto& future : pending) {
            if (future.get()->status != DnsStatus::Ok) state.SkipWithError("lookup failed");
        }
    }
    state.SetItemsProcessed(state.iterations() * count);
    const ResolverCounters counters = dns->counters();
    state.counters["queries/batch"] = static_cast<double>(counters.queriesSent) / static_cast<double>(state.iterations());
}
BENCHMARK_CAPTURE(concurrentLookups, distinct, false)->Arg(1000)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(concurrentLookups, identical, true)->Arg(1000)->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
    benchmark::Initialize(&argc, argv);
    const auto nsd = dmarc::testdns::NsdServer::start();
    if (!nsd) {
        std::fprintf(stderr, "NSD did not start (run under tests/dns/netns-run): %s\n", nsd.error().c_str());
        return 1;
    }
    nsdServer = nsd.value()->endpoint().hostPort();
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
