// Prefetching a From domain's DMARC lookups against a real NSD: every query is sent at once,
// and the policy discovery that follows is answered from the cache, sending nothing more.
#include <catch2/catch.hpp>

#include <chrono>

#include "adapters/dmarc_prefetch.h"
#include "core/policy_discovery.h"
#include "resolver_fixture.h"

namespace {

using namespace dmarc;

core::DomainName domain(const char* text) { return core::DomainName::parse(text).value(); }

}  // namespace

// The test NSD serves dns.test but not the TLD "test", so the walk's last query is refused
// and discovery ends in TempError either way: what matters here is which queries go out when.
TEST_CASE("prefetch sends the whole walk and the existence probe, discovery then finds them cached") {
    const auto& nsd = testwire::sharedNsd();
    const auto author = domain("a.b.quarantine.dns.test");

    auto cold = testwire::makeResolver(nsd.endpoint().hostPort());
    const auto unprefetched = core::discoverPolicy(author, *cold, core::DmarcMode::Rfc9989, nullptr);
    // One query per walk step: a.b.quarantine, b.quarantine, quarantine, dns.test, test.
    CHECK(cold->counters().queriesSent == 5);

    auto resolver = testwire::makeResolver(nsd.endpoint().hostPort());
    adapters::prefetchDmarcLookups(*resolver, author);
    // Every query goes out at once (counted as it is sent): the five _dmarc names and the
    // A probe of the author domain.
    CHECK(resolver->counters().queriesSent == 6);
    // Waiting for each name joins its query in flight or finds it cached. The refused
    // _dmarc.test is the exception when its refusal came first: errors are not cached, so
    // that lookup rightly asks again (at most one more query).
    for (const char* name : {"_dmarc.a.b.quarantine.dns.test", "_dmarc.b.quarantine.dns.test",
                             "_dmarc.quarantine.dns.test", "_dmarc.dns.test", "_dmarc.test"}) {
        resolver->lookup(name, adapters::RrType::Txt, testwire::in(std::chrono::seconds(3)));
    }
    CHECK(resolver->probeExistence(author) == core::DnsStatus::NxDomain);
    const auto sentByPrefetch = resolver->counters().queriesSent;
    CHECK(sentByPrefetch <= 7);

    const auto prefetched = core::discoverPolicy(author, *resolver, core::DmarcMode::Rfc9989, nullptr);
    // Nothing is in flight now: only the refused _dmarc.test goes out again (errors are not
    // cached, answers are).
    CHECK(resolver->counters().queriesSent == sentByPrefetch + 1);
    CHECK(prefetched.outcome == unprefetched.outcome);
    CHECK(prefetched.queried == unprefetched.queried);
    CHECK(prefetched.detail == unprefetched.detail);
}
