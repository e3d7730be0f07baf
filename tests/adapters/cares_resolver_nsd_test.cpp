// Tests for lib/adapters/cares_resolver against a real NSD serving tests/data/zones on
// loopback (inside the test's own network namespace): answers of every type, TXT joining,
// CNAME chains (followed by NSD, chased by us, looping, too long), negative answers and
// their TTLs, EDNS and TCP fallback, the cache on an injected clock, core::Resolver.
#include <catch2/catch.hpp>

#include <future>

#include "fake_clock.h"
#include "resolver_fixture.h"

using namespace dmarc::adapters;
using namespace dmarc::testwire;
using dmarc::core::DnsStatus;
using std::chrono::milliseconds;
using std::chrono::seconds;

namespace {

std::unique_ptr<CaresResolver> nsdResolver(ResolverOptions options = {}) {
    return makeResolver(sharedNsd().endpoint().hostPort(), std::move(options));
}

DnsReply ask(CaresResolver& resolver, const std::string& name, RrType type) {
    return resolver.lookup(name, type, in(milliseconds(10000)));
}

}  // namespace

TEST_CASE("cares_resolver reads A, AAAA, MX and PTR answers from NSD") {
    auto resolver = nsdResolver();

    const DnsReply a = ask(*resolver, "a.dns.test", RrType::A);
    REQUIRE(a.status == DnsStatus::Ok);
    std::vector<std::array<std::uint8_t, 4>> addresses = a.a;
    std::sort(addresses.begin(), addresses.end());
    CHECK(addresses == std::vector<std::array<std::uint8_t, 4>>{{192, 0, 2, 1}, {192, 0, 2, 2}});
    CHECK(a.ttl == 300);
    CHECK(a.wire.size() > 12);
    CHECK(a.txt.empty());

    const DnsReply aaaa = ask(*resolver, "aaaa.dns.test", RrType::Aaaa);
    REQUIRE(aaaa.status == DnsStatus::Ok);
    REQUIRE(aaaa.aaaa.size() == 1);
    CHECK(aaaa.aaaa[0] == std::array<std::uint8_t, 16>{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});

    DnsReply mx = ask(*resolver, "mx.dns.test", RrType::Mx);
    REQUIRE(mx.status == DnsStatus::Ok);
    REQUIRE(mx.mx.size() == 2);
    std::sort(mx.mx.begin(), mx.mx.end(), [](const MxRecord& x, const MxRecord& y) { return x.preference < y.preference; });
    CHECK(mx.mx[0].preference == 10);
    CHECK(mx.mx[0].exchange == "mail1.dns.test");
    CHECK(mx.mx[1].preference == 20);
    CHECK(mx.mx[1].exchange == "mail2.dns.test");

    const DnsReply ptr = ask(*resolver, "1.2.0.192.in-addr.arpa", RrType::Ptr);
    REQUIRE(ptr.status == DnsStatus::Ok);
    CHECK(ptr.ptr == std::vector<std::string>{"a.dns.test"});

    CHECK(resolver->counters().queriesSent == 4);
}

TEST_CASE("cares_resolver joins the strings of each TXT record and keeps records apart") {
    auto resolver = nsdResolver();
    struct Row {
        const char* name;
        std::vector<std::string> records;
    };
    const Row rows[] = {
        {"txt.dns.test", {"v=spf1 -all"}},
        {"multi.dns.test", {"v=spf1 ip4:192.0.2.0/24 -all"}},
        {"two.dns.test", {"first record", "second record"}},
        {"empty.dns.test", {""}},
        {"_dmarc.split.dns.test", {"v=DMARC1; p=reject"}},
        {"_dmarc.dns.test", {"v=DMARC1; p=reject; rua=mailto:dmarc-reports@dns.test"}},
        {"anything.bench.dns.test", {"v=spf1 -all"}},  // wildcard
    };
    for (const Row& row : rows) {
        CAPTURE(row.name);
        const DnsReply reply = ask(*resolver, row.name, RrType::Txt);
        REQUIRE(reply.status == DnsStatus::Ok);
        CHECK(sorted(reply.txt) == row.records);
    }
}

TEST_CASE("cares_resolver treats names case-insensitively and ignores one trailing dot") {
    auto resolver = nsdResolver();
    const DnsReply first = ask(*resolver, "MixedCase.DNS.test.", RrType::Txt);
    REQUIRE(first.status == DnsStatus::Ok);
    CHECK(first.txt == std::vector<std::string>{"owner written in mixed case"});
    const DnsReply second = ask(*resolver, "mixedcase.dns.test", RrType::Txt);
    CHECK(second.txt == first.txt);
    const ResolverCounters counters = resolver->counters();
    CHECK(counters.queriesSent == 1);
    CHECK(counters.cacheHits == 1);
    CHECK(counters.cacheMisses == 1);
}

TEST_CASE("cares_resolver takes CNAME chains NSD followed itself") {
    auto resolver = nsdResolver();
    const DnsReply inZone = ask(*resolver, "cname1.dns.test", RrType::Txt);
    REQUIRE(inZone.status == DnsStatus::Ok);
    CHECK(inZone.txt == std::vector<std::string>{"v=spf1 -all"});

    const DnsReply crossZone = ask(*resolver, "crosszone.dns.test", RrType::Txt);
    REQUIRE(crossZone.status == DnsStatus::Ok);
    CHECK(crossZone.txt == std::vector<std::string>{"cross-zone target"});
    CHECK(resolver->counters().queriesSent == 2);  // one query each: nothing chased

    const DnsReply probe = ask(*resolver, "crosszone.dns.test", RrType::A);
    REQUIRE(probe.status == DnsStatus::Ok);
    CHECK(probe.a == std::vector<std::array<std::uint8_t, 4>>{{192, 0, 2, 40}});
}

TEST_CASE("cares_resolver chases a CNAME whose target NSD does not serve") {
    auto resolver = nsdResolver();
    // NSD answers with the CNAME alone; we ask for target.not-served.example ourselves and
    // NSD, authoritative only, refuses it: SERVFAIL for us, after exactly one chase.
    const DnsReply reply = ask(*resolver, "unserved.dns.test", RrType::Txt);
    CHECK(reply.status == DnsStatus::ServFail);
    const ResolverCounters counters = resolver->counters();
    CHECK(counters.queriesSent == 2);
    CHECK(counters.servFail == 1);
}

TEST_CASE("cares_resolver calls CNAME loops and over-long chains SERVFAIL") {
    auto resolver = nsdResolver();
    for (const char* name : {"loop1.dns.test", "loop2.dns.test", "long1.dns.test"}) {
        CAPTURE(name);
        CHECK(ask(*resolver, name, RrType::Txt).status == DnsStatus::ServFail);
    }
    // The end of the long chain is fine on its own, and 8 hops from long2 are within bounds.
    CHECK(ask(*resolver, "long10.dns.test", RrType::Txt).status == DnsStatus::Ok);
    CHECK(ask(*resolver, "long2.dns.test", RrType::Txt).status == DnsStatus::Ok);
}

TEST_CASE("cares_resolver reports NXDOMAIN and NODATA with the SOA minimum as TTL") {
    auto resolver = nsdResolver();
    struct Row {
        const char* name;
        RrType type;
        DnsStatus status;
    };
    const Row rows[] = {
        {"nxdomain.dns.test", RrType::Txt, DnsStatus::NxDomain},
        {"below.nxdomain.dns.test", RrType::A, DnsStatus::NxDomain},
        {"nodata.dns.test", RrType::Txt, DnsStatus::NoData},
        {"nodata.dns.test", RrType::Mx, DnsStatus::NoData},
        {"empty-nonterminal.dns.test", RrType::A, DnsStatus::NoData},
        {"_dmarc.sub.dns.test", RrType::Txt, DnsStatus::NxDomain},
    };
    for (const Row& row : rows) {
        CAPTURE(row.name, static_cast<int>(row.type));
        const DnsReply reply = ask(*resolver, row.name, row.type);
        CHECK(reply.status == row.status);
        CHECK(reply.ttl == 120);  // min(SOA TTL 300, SOA minimum 120)
        CHECK(reply.txt.empty());
        CHECK_FALSE(reply.wire.empty());
    }
    CHECK(resolver->counters().nxDomain == 3);
}

TEST_CASE("cares_resolver gets a 690-octet TXT over UDP with EDNS") {
    auto resolver = nsdResolver();
    const DnsReply reply = ask(*resolver, "medium.dns.test", RrType::Txt);
    REQUIRE(reply.status == DnsStatus::Ok);
    REQUIRE(reply.txt.size() == 1);
    CHECK(reply.txt[0] == std::string(230, '0') + std::string(230, '1') + std::string(230, '2'));
    CHECK(reply.wire.size() > 512);  // more than plain DNS allows over UDP
}

TEST_CASE("cares_resolver falls back to TCP for a TXT larger than the EDNS size") {
    auto resolver = nsdResolver();
    const DnsReply reply = ask(*resolver, "big.dns.test", RrType::Txt);
    REQUIRE(reply.status == DnsStatus::Ok);
    std::string expected;
    for (char letter = 'a'; letter <= 'l'; ++letter) expected += std::string(250, letter);
    REQUIRE(reply.txt.size() == 1);
    CHECK(reply.txt[0] == expected);
    CHECK(reply.wire.size() > 1232);  // cannot have come over UDP at our advertised size
}

TEST_CASE("cares_resolver serves lib/core through core::Resolver") {
    auto resolver = nsdResolver();
    dmarc::core::Resolver& core = *resolver;
    const auto name = [](const char* text) { return dmarc::core::DomainName::parseDnsName(text).value(); };

    const dmarc::core::TxtAnswer dmarc = core.lookupTxt(name("_dmarc.quarantine.dns.test"));
    CHECK(dmarc.status == DnsStatus::Ok);
    CHECK(dmarc.records == std::vector<std::string>{"v=DMARC1; p=quarantine; sp=none; adkim=s; aspf=s"});
    const dmarc::core::TxtAnswer two = core.lookupTxt(name("_dmarc.two.dns.test"));
    CHECK(sorted(two.records) == std::vector<std::string>{"v=DMARC1; p=none", "v=DMARC1; p=reject"});
    CHECK(core.lookupTxt(name("_dmarc.sub.dns.test")).status == DnsStatus::NxDomain);

    CHECK(core.probeExistence(name("sub.dns.test")) == DnsStatus::Ok);
    CHECK(core.probeExistence(name("txt.dns.test")) == DnsStatus::NoData);  // exists, no A
    CHECK(core.probeExistence(name("empty-nonterminal.dns.test")) == DnsStatus::NoData);
    CHECK(core.probeExistence(name("nxdomain.dns.test")) == DnsStatus::NxDomain);
}

TEST_CASE("cares_resolver expires cached answers after their TTL on the injected clock") {
    FakeClock clock;
    ResolverOptions options;
    options.clock = &clock;
    options.cache.minTtl = seconds(0);
    auto resolver = nsdResolver(options);

    REQUIRE(ask(*resolver, "ttl42.dns.test", RrType::Txt).ttl == 42);
    clock.advance(seconds(41));
    CHECK(ask(*resolver, "ttl42.dns.test", RrType::Txt).status == DnsStatus::Ok);
    CHECK(resolver->counters().queriesSent == 1);
    clock.advance(seconds(1));
    CHECK(ask(*resolver, "ttl42.dns.test", RrType::Txt).status == DnsStatus::Ok);
    CHECK(resolver->counters().queriesSent == 2);

    SECTION("negative answers live for the SOA minimum") {
        REQUIRE(ask(*resolver, "nxdomain.dns.test", RrType::Txt).status == DnsStatus::NxDomain);
        clock.advance(seconds(119));
        CHECK(ask(*resolver, "nxdomain.dns.test", RrType::Txt).status == DnsStatus::NxDomain);
        CHECK(resolver->counters().queriesSent == 3);
        clock.advance(seconds(1));
        CHECK(ask(*resolver, "nxdomain.dns.test", RrType::Txt).status == DnsStatus::NxDomain);
        CHECK(resolver->counters().queriesSent == 4);
    }
    SECTION("the ceiling shortens long TTLs") {
        ResolverOptions capped = options;
        capped.cache.maxTtl = seconds(10);
        auto short_lived = nsdResolver(capped);
        REQUIRE(ask(*short_lived, "a.dns.test", RrType::A).status == DnsStatus::Ok);
        clock.advance(seconds(10));
        REQUIRE(ask(*short_lived, "a.dns.test", RrType::A).status == DnsStatus::Ok);
        CHECK(short_lived->counters().queriesSent == 2);
    }
}

TEST_CASE("cares_resolver talks to an IPv6 name server") {
    dmarc::testdns::NsdOptions options;
    options.ipv6 = true;
    const auto nsd = dmarc::testdns::NsdServer::start(options);
    REQUIRE(nsd.ok());
    REQUIRE(nsd.value()->endpoint6());
    auto resolver = makeResolver(nsd.value()->endpoint6()->hostPort());
    const DnsReply reply = ask(*resolver, "txt.dns.test", RrType::Txt);
    CHECK(reply.status == DnsStatus::Ok);
    CHECK(reply.txt == std::vector<std::string>{"v=spf1 -all"});
}

TEST_CASE("cares_resolver answers names that cannot exist NXDOMAIN without a query") {
    auto resolver = nsdResolver();
    const std::string rows[] = {
        "",
        ".",
        "..",
        "a..dns.test",
        ".a.dns.test",
        "a.dns.test..",
        std::string(64, 'a') + ".dns.test",
        std::string(250, 'a').replace(63, 1, ".").replace(127, 1, ".").replace(191, 1, ".") + ".test",
        "back\\slash.dns.test",
        std::string("nul\0byte.dns.test", 17),
    };
    for (const std::string& name : rows) {
        CAPTURE(name);
        CHECK(ask(*resolver, name, RrType::Txt).status == DnsStatus::NxDomain);
    }
    CHECK(resolver->counters().queriesSent == 0);
    // The longest legal name is still asked: 63-octet labels up to 253 octets.
    const std::string longest = std::string(63, 'a') + "." + std::string(63, 'b') + "." + std::string(63, 'c') + "." +
                                std::string(52, 'd') + ".dns.test";
    REQUIRE(longest.size() == 253);
    CHECK(ask(*resolver, longest, RrType::Txt).status == DnsStatus::NxDomain);
    CHECK(resolver->counters().queriesSent == 1);
}

TEST_CASE("cares_resolver delivers through callbacks and futures") {
    auto resolver = nsdResolver();
    std::promise<ReplyPtr> delivered;
    resolver->lookupAsync("txt.dns.test", RrType::Txt, [&](const ReplyPtr& reply) { delivered.set_value(reply); });
    std::future<ReplyPtr> callback = delivered.get_future();
    REQUIRE(callback.wait_for(seconds(10)) == std::future_status::ready);
    const ReplyPtr viaCallback = callback.get();
    REQUIRE(viaCallback);
    CHECK(viaCallback->txt == std::vector<std::string>{"v=spf1 -all"});

    const std::shared_future<ReplyPtr> future = resolver->start("txt.dns.test", RrType::Txt);
    REQUIRE(future.wait_for(seconds(10)) == std::future_status::ready);
    CHECK(future.get() == viaCallback);  // the cached reply itself
    CHECK(resolver->counters().cacheHits == 1);
}

TEST_CASE("cares_resolver refuses bad options and accepts the system's servers") {
    struct Row {
        const char* what;
        ResolverOptions options;
    };
    ResolverOptions badServer;
    badServer.nameServers = {"127.0.0.1:53", "dns.example:53"};
    ResolverOptions noTries;
    noTries.tries = 0;
    ResolverOptions noTimeout;
    noTimeout.timeout = milliseconds(0);
    for (const Row& row : {Row{"a name as server", badServer}, Row{"0 tries", noTries}, Row{"0 ms", noTimeout}}) {
        CAPTURE(row.what);
        const auto created = CaresResolver::create(row.options);
        REQUIRE_FALSE(created.ok());
        CHECK_FALSE(created.error().empty());
    }
    // In the test's network namespace /etc/resolv.conf names nothing reachable: creation
    // works and a lookup ends by its deadline.
    ResolverOptions system;
    system.timeout = milliseconds(200);
    const auto created = CaresResolver::create(system);
    REQUIRE(created.ok());
    const DnsReply reply = created.value()->lookup("example.com", RrType::A, in(milliseconds(3000)));
    CHECK_FALSE(dmarc::core::isDefinite(reply.status));
}
