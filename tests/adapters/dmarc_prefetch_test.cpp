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
    // Waiting for each name joins its query in flight (or finds it cached): still one query
    // per name, the five _dmarc names and the A probe of the author domain. The refused
    // _dmarc.test is not waited for: its error is not cached, so a lookup that comes after
    // the refusal (a slow machine, a sanitizer build) would rightly ask again. Its query
    // went out before the probe's, which is waited for last.
    for (const char* name : {"_dmarc.a.b.quarantine.dns.test", "_dmarc.b.quarantine.dns.test",
                             "_dmarc.quarantine.dns.test", "_dmarc.dns.test"}) {
        resolver->lookup(name, adapters::RrType::Txt, testwire::in(std::chrono::seconds(3)));
    }
    CHECK(resolver->probeExistence(author) == core::DnsStatus::NxDomain);
    const auto sentByPrefetch = resolver->counters().queriesSent;
    CHECK(sentByPrefetch == 6);

    const auto prefetched = core::discoverPolicy(author, *resolver, core::DmarcMode::Rfc9989, nullptr);
    // Only the refused _dmarc.test goes out again: errors are not cached, answers are.
    CHECK(resolver->counters().queriesSent == sentByPrefetch + 1);
    CHECK(prefetched.outcome == unprefetched.outcome);
    CHECK(prefetched.queried == unprefetched.queried);
    CHECK(prefetched.detail == unprefetched.detail);
}
