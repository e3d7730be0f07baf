// Tests for lib/adapters/dns_cache: TTL floor and ceiling, expiry on an injected clock,
// negative caching, what is never cached, LRU eviction by entries and by bytes.
#include <catch2/catch.hpp>

#include <memory>
#include <string>

#include "adapters/dns_cache.h"
#include "fake_clock.h"

using namespace dmarc::adapters;
using dmarc::core::DnsStatus;
using dmarc::testwire::FakeClock;
using std::chrono::seconds;

namespace {

ReplyPtr reply(DnsStatus status, std::uint32_t ttl, std::string text = "v=spf1 -all") {
    auto made = std::make_shared<DnsReply>();
    made->status = status;
    made->ttl = ttl;
    if (status == DnsStatus::Ok) made->txt.push_back(std::move(text));
    return made;
}

CacheKey key(std::string name, RrType type = RrType::Txt) { return CacheKey{std::move(name), type}; }

CachePolicy policy(seconds minTtl, seconds maxTtl, seconds maxNegativeTtl) {
    CachePolicy made;
    made.minTtl = minTtl;
    made.maxTtl = maxTtl;
    made.maxNegativeTtl = maxNegativeTtl;
    return made;
}

}  // namespace

TEST_CASE("dns_cache keeps an answer for exactly its clamped TTL") {
    struct Row {
        DnsStatus status;
        std::uint32_t ttl;
        seconds lifetime;
    };
    // floor 5 s, ceiling 1 day, negative ceiling 1 hour
    const Row rows[] = {
        {DnsStatus::Ok, 300, seconds(300)},        {DnsStatus::Ok, 0, seconds(5)},
        {DnsStatus::Ok, 4, seconds(5)},            {DnsStatus::Ok, 5, seconds(5)},
        {DnsStatus::Ok, 86400, seconds(86400)},    {DnsStatus::Ok, 86401, seconds(86400)},
        {DnsStatus::Ok, 0x7FFFFFFF, seconds(86400)}, {DnsStatus::NxDomain, 120, seconds(120)},
        {DnsStatus::NxDomain, 0, seconds(5)},      {DnsStatus::NxDomain, 7200, seconds(3600)},
        {DnsStatus::NoData, 600, seconds(600)},    {DnsStatus::NoData, 86400, seconds(3600)},
    };
    for (const Row& row : rows) {
        CAPTURE(dmarc::core::describe(row.status), row.ttl);
        FakeClock clock;
        DnsCache cache(policy(seconds(5), seconds(86400), seconds(3600)), clock);
        const ReplyPtr stored = reply(row.status, row.ttl);
        CHECK(cache.lifetime(*stored) == row.lifetime);
        cache.insert(key("a.example"), stored);
        clock.advance(row.lifetime - std::chrono::nanoseconds(1));
        CHECK(cache.find(key("a.example")) == stored);
        clock.advance(std::chrono::nanoseconds(1));
        CHECK(cache.find(key("a.example")) == nullptr);
        CHECK(cache.size() == 0);  // dropped when found expired
    }
}

TEST_CASE("dns_cache never stores answers that are not definite") {
    FakeClock clock;
    DnsCache cache(CachePolicy{}, clock);
    for (const DnsStatus status : {DnsStatus::ServFail, DnsStatus::Timeout, DnsStatus::Malformed}) {
        cache.insert(key("a.example"), reply(status, 300));
        CHECK(cache.find(key("a.example")) == nullptr);
    }
    cache.insert(key("a.example"), nullptr);
    CHECK(cache.size() == 0);
}

TEST_CASE("dns_cache keys on name and type") {
    FakeClock clock;
    DnsCache cache(CachePolicy{}, clock);
    const ReplyPtr txt = reply(DnsStatus::Ok, 300);
    const ReplyPtr a = reply(DnsStatus::NoData, 300);
    cache.insert(key("a.example", RrType::Txt), txt);
    cache.insert(key("a.example", RrType::A), a);
    CHECK(cache.find(key("a.example", RrType::Txt)) == txt);
    CHECK(cache.find(key("a.example", RrType::A)) == a);
    CHECK(cache.find(key("a.example", RrType::Mx)) == nullptr);
    CHECK(cache.find(key("b.example", RrType::Txt)) == nullptr);
    CHECK(cache.size() == 2);
}

TEST_CASE("dns_cache replaces an entry and restarts its lifetime") {
    FakeClock clock;
    DnsCache cache(policy(seconds(0), seconds(1000), seconds(1000)), clock);
    cache.insert(key("a.example"), reply(DnsStatus::Ok, 10));
    clock.advance(seconds(8));
    const ReplyPtr fresh = reply(DnsStatus::Ok, 10, "new");
    cache.insert(key("a.example"), fresh);
    CHECK(cache.size() == 1);
    clock.advance(seconds(9));
    CHECK(cache.find(key("a.example")) == fresh);
}

TEST_CASE("dns_cache evicts the least recently used entry at its entry bound") {
    FakeClock clock;
    CachePolicy bounded;
    bounded.maxEntries = 3;
    DnsCache cache(bounded, clock);
    cache.insert(key("a"), reply(DnsStatus::Ok, 300));
    cache.insert(key("b"), reply(DnsStatus::Ok, 300));
    cache.insert(key("c"), reply(DnsStatus::Ok, 300));
    REQUIRE(cache.find(key("a")) != nullptr);  // a is now the most recently used
    cache.insert(key("d"), reply(DnsStatus::Ok, 300));
    CHECK(cache.size() == 3);
    CHECK(cache.find(key("b")) == nullptr);
    CHECK(cache.find(key("a")) != nullptr);
    CHECK(cache.find(key("c")) != nullptr);
    CHECK(cache.find(key("d")) != nullptr);
}

TEST_CASE("dns_cache evicts by bytes so huge answers cannot grow it without limit") {
    FakeClock clock;
    CachePolicy bounded;
    bounded.maxBytes = 64 * 1024;
    DnsCache cache(bounded, clock);
    const std::string big(20 * 1024, 'x');
    for (int i = 0; i < 10; ++i) cache.insert(key("n" + std::to_string(i)), reply(DnsStatus::Ok, 300, big));
    CHECK(cache.bytes() <= bounded.maxBytes);
    CHECK(cache.size() == 3);  // three 20 KiB answers and their overhead fit in 64 KiB, four do not
    CHECK(cache.find(key("n9")) != nullptr);
    CHECK(cache.find(key("n6")) == nullptr);

    SECTION("an answer bigger than the whole budget is not stored and evicts nothing") {
        cache.insert(key("huge"), reply(DnsStatus::Ok, 300, std::string(128 * 1024, 'y')));
        CHECK(cache.find(key("huge")) == nullptr);
        CHECK(cache.size() == 3);
    }
    SECTION("erasing gives the bytes back") {
        clock.advance(seconds(301));
        for (int i = 7; i < 10; ++i) CHECK(cache.find(key("n" + std::to_string(i))) == nullptr);
        CHECK(cache.bytes() == 0);
    }
}

TEST_CASE("dns_cache with no room for entries stores nothing") {
    FakeClock clock;
    CachePolicy disabled;
    disabled.maxEntries = 0;
    DnsCache cache(disabled, clock);
    cache.insert(key("a"), reply(DnsStatus::Ok, 300));
    CHECK(cache.find(key("a")) == nullptr);
    CHECK(cache.size() == 0);
}
