// Tests for lib/adapters/dns_answer: status, records and TTL of one question's answer,
// CNAME chains inside a reply, when to chase, negative TTLs from the SOA (RFC 2308).
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

#include "adapters/dns_answer.h"
#include "dns_wire.h"

using namespace dmarc::adapters;
using namespace dmarc::adapters::dns;
using namespace dmarc::testwire;
using dmarc::core::DnsStatus;

namespace {

Answer answerFor(const Wire& wire, std::string_view qname, RrType qtype) {
    auto message = parseMessage(wire.bytes());
    REQUIRE(message.ok());
    return readAnswer(*message, qname, qtype);
}

std::uint16_t flagsWith(int rcode) { return static_cast<std::uint16_t>(QR | RD | RA | rcode); }

}  // namespace

TEST_CASE("dns_answer maps each RCODE to a status") {
    const std::pair<int, DnsStatus> rows[] = {
        {0, DnsStatus::NoData},    {1, DnsStatus::ServFail}, {2, DnsStatus::ServFail}, {3, DnsStatus::NxDomain},
        {4, DnsStatus::ServFail},  {5, DnsStatus::ServFail}, {9, DnsStatus::ServFail}, {15, DnsStatus::ServFail},
    };
    for (const auto& [rcode, status] : rows) {
        CAPTURE(rcode);
        Wire wire;
        wire.header(1, flagsWith(rcode), 1, 0, 0).question("x.example", TXT);
        const Answer answer = answerFor(wire, "x.example", RrType::Txt);
        CHECK(answer.reply.status == status);
        CHECK_FALSE(answer.chaseTarget);
    }
}

TEST_CASE("dns_answer calls a message without the QR bit malformed") {
    Wire wire;
    wire.header(1, RD, 1, 1, 0).question("x.example", A).rr("x.example", A, 60, {192, 0, 2, 1});
    CHECK(answerFor(wire, "x.example", RrType::A).reply.status == DnsStatus::Malformed);
}

TEST_CASE("dns_answer collects records of the asked type into their field") {
    Wire wire;
    wire.header(1, flagsWith(0), 1, 7, 0).question("h.example", A);
    wire.rr("h.example", A, 300, {192, 0, 2, 1});
    wire.rr("h.example", A, 200, {192, 0, 2, 2});
    wire.rr("h.example", AAAA, 100, std::vector<std::uint8_t>(16, 1));  // other type: ignored
    wire.rr("other.example", A, 10, {198, 51, 100, 1});                 // other owner: ignored
    wire.rr("h.example", A, 5, {203, 0, 113, 1}, 3);                    // class CH: ignored
    wire.rr("H.EXAMPLE", A, 250, {192, 0, 2, 3});                       // case differs: same owner
    wire.rr("h.example", TXT, 1, txtRdata({"x"}));
    const Answer answer = answerFor(wire, "h.example", RrType::A);
    CHECK(answer.reply.status == DnsStatus::Ok);
    REQUIRE(answer.reply.a.size() == 3);
    CHECK(answer.reply.a[0] == std::array<std::uint8_t, 4>{192, 0, 2, 1});
    CHECK(answer.reply.a[2] == std::array<std::uint8_t, 4>{192, 0, 2, 3});
    CHECK(answer.reply.ttl == 200);
    CHECK(answer.reply.aaaa.empty());
    CHECK(answer.reply.txt.empty());
    CHECK(answer.chain.empty());
}

TEST_CASE("dns_answer fills AAAA, MX, PTR and TXT") {
    Wire wire;
    wire.header(1, flagsWith(0), 0, 5, 0);
    wire.rr("n.example", AAAA, 60, {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});
    wire.rr("n.example", MX, 60, mxRdata(10, "mx1.example"));
    wire.rr("n.example", MX, 60, mxRdata(20, "mx2.example"));
    wire.rr("n.example", PTR, 60, nameRdata("host.example"));
    wire.rr("n.example", TXT, 60, txtRdata({"v=spf1 ", "-all"}));

    const Answer aaaa = answerFor(wire, "n.example", RrType::Aaaa);
    REQUIRE(aaaa.reply.aaaa.size() == 1);
    CHECK(aaaa.reply.aaaa[0][0] == 0x20);
    CHECK(aaaa.reply.aaaa[0][15] == 1);

    const Answer mx = answerFor(wire, "n.example", RrType::Mx);
    REQUIRE(mx.reply.mx.size() == 2);
    CHECK(mx.reply.mx[0].preference == 10);
    CHECK(mx.reply.mx[0].exchange == "mx1.example");
    CHECK(mx.reply.mx[1].exchange == "mx2.example");

    const Answer ptr = answerFor(wire, "n.example", RrType::Ptr);
    CHECK(ptr.reply.ptr == std::vector<std::string>{"host.example"});

    const Answer txt = answerFor(wire, "n.example", RrType::Txt);
    CHECK(txt.reply.txt == std::vector<std::string>{"v=spf1 -all"});
}

TEST_CASE("dns_answer follows a CNAME chain in any order and takes the smallest TTL") {
    Wire wire;
    wire.header(1, flagsWith(0), 1, 3, 0).question("alias.example", TXT);
    wire.rr("middle.example", CNAME, 50, nameRdata("target.example"));
    wire.rr("target.example", TXT, 300, txtRdata({"v=spf1 -all"}));
    wire.rr("alias.example", CNAME, 600, nameRdata("Middle.Example"));
    const Answer answer = answerFor(wire, "alias.example", RrType::Txt);
    CHECK(answer.reply.status == DnsStatus::Ok);
    CHECK(answer.reply.txt == std::vector<std::string>{"v=spf1 -all"});
    CHECK(answer.chain == std::vector<std::string>{"middle.example", "target.example"});
    CHECK(answer.reply.ttl == 50);
    CHECK_FALSE(answer.chaseTarget);
}

TEST_CASE("dns_answer asks for a chase only when the chain ends in silence") {
    SECTION("no records, no SOA: an authoritative server that does not serve the target") {
        Wire wire;
        wire.header(1, QR | AA, 1, 1, 0).question("alias.example", TXT);
        wire.rr("alias.example", CNAME, 70, nameRdata("elsewhere.test"));
        const Answer answer = answerFor(wire, "alias.example", RrType::Txt);
        CHECK(answer.reply.status == DnsStatus::NoData);
        REQUIRE(answer.chaseTarget);
        CHECK(*answer.chaseTarget == "elsewhere.test");
        CHECK(answer.reply.ttl == 70);
    }
    SECTION("an SOA: the target exists and has no such record") {
        Wire wire;
        wire.header(1, flagsWith(0), 1, 1, 1).question("alias.example", TXT);
        wire.rr("alias.example", CNAME, 700, nameRdata("target.test"));
        wire.rr("test", SOA, 500, soaRdata(90));
        const Answer answer = answerFor(wire, "alias.example", RrType::Txt);
        CHECK(answer.reply.status == DnsStatus::NoData);
        CHECK_FALSE(answer.chaseTarget);
        CHECK(answer.reply.ttl == 90);
    }
    SECTION("NXDOMAIN: the target does not exist (RFC 6604)") {
        Wire wire;
        wire.header(1, flagsWith(3), 1, 1, 1).question("alias.example", TXT);
        wire.rr("alias.example", CNAME, 700, nameRdata("gone.test"));
        wire.rr("test", SOA, 40, soaRdata(90));
        const Answer answer = answerFor(wire, "alias.example", RrType::Txt);
        CHECK(answer.reply.status == DnsStatus::NxDomain);
        CHECK_FALSE(answer.chaseTarget);
        CHECK(answer.reply.ttl == 40);
    }
    SECTION("no CNAME at all: plain NODATA, nothing to chase") {
        Wire wire;
        wire.header(1, QR | AA, 1, 0, 0).question("x.example", TXT);
        const Answer answer = answerFor(wire, "x.example", RrType::Txt);
        CHECK(answer.reply.status == DnsStatus::NoData);
        CHECK_FALSE(answer.chaseTarget);
        CHECK(answer.reply.ttl == 0);
    }
}

TEST_CASE("dns_answer gives negative answers the smaller of SOA TTL and minimum (RFC 2308 section 5)") {
    struct Row {
        int rcode;
        std::uint32_t soaTtl;
        std::uint32_t minimum;
        DnsStatus status;
        std::uint32_t ttl;
    };
    const Row rows[] = {
        {3, 3600, 300, DnsStatus::NxDomain, 300}, {3, 60, 300, DnsStatus::NxDomain, 60},
        {0, 3600, 300, DnsStatus::NoData, 300},   {0, 10, 300, DnsStatus::NoData, 10},
        {3, 0, 300, DnsStatus::NxDomain, 0},      {0, 86400, 0, DnsStatus::NoData, 0},
    };
    for (const Row& row : rows) {
        CAPTURE(row.rcode, row.soaTtl, row.minimum);
        Wire wire;
        wire.header(1, flagsWith(row.rcode), 1, 0, 1).question("x.example", TXT).rr("example", SOA, row.soaTtl,
                                                                                  soaRdata(row.minimum));
        const Answer answer = answerFor(wire, "x.example", RrType::Txt);
        CHECK(answer.reply.status == row.status);
        CHECK(answer.reply.ttl == row.ttl);
    }
    SECTION("without an SOA a negative answer has TTL 0") {
        Wire wire;
        wire.header(1, flagsWith(3), 1, 0, 0).question("x.example", TXT);
        CHECK(answerFor(wire, "x.example", RrType::Txt).reply.ttl == 0);
    }
}

TEST_CASE("dns_answer calls CNAME loops and over-long chains SERVFAIL") {
    SECTION("a loop back to the question") {
        Wire wire;
        wire.header(1, flagsWith(0), 1, 2, 0).question("a.example", TXT);
        wire.rr("a.example", CNAME, 60, nameRdata("b.example"));
        wire.rr("b.example", CNAME, 60, nameRdata("a.example"));
        const Answer answer = answerFor(wire, "a.example", RrType::Txt);
        CHECK(answer.reply.status == DnsStatus::ServFail);
        CHECK_FALSE(answer.chaseTarget);
    }
    SECTION("a loop further down") {
        Wire wire;
        wire.header(1, flagsWith(0), 1, 3, 0).question("a.example", TXT);
        wire.rr("a.example", CNAME, 60, nameRdata("b.example"));
        wire.rr("b.example", CNAME, 60, nameRdata("c.example"));
        wire.rr("c.example", CNAME, 60, nameRdata("b.example"));
        CHECK(answerFor(wire, "a.example", RrType::Txt).reply.status == DnsStatus::ServFail);
    }
    for (const std::size_t hops : {std::size_t{1}, maxCnameHops, maxCnameHops + 1, std::size_t{40}}) {
        CAPTURE(hops);
        Wire wire;
        wire.header(1, flagsWith(0), 1, static_cast<std::uint16_t>(hops + 1), 0).question("n0.example", TXT);
        for (std::size_t i = 0; i < hops; ++i) {
            wire.rr("n" + std::to_string(i) + ".example", CNAME, 60, nameRdata("n" + std::to_string(i + 1) + ".example"));
        }
        wire.rr("n" + std::to_string(hops) + ".example", TXT, 60, txtRdata({"end"}));
        const Answer answer = answerFor(wire, "n0.example", RrType::Txt);
        if (hops <= maxCnameHops) {
            CHECK(answer.reply.status == DnsStatus::Ok);
            CHECK(answer.chain.size() == hops);
        } else {
            CHECK(answer.reply.status == DnsStatus::ServFail);
        }
    }
}

TEST_CASE("dns_answer answers a CNAME question with the CNAME itself") {
    Wire wire;
    wire.header(1, flagsWith(0), 1, 1, 0).question("alias.example", CNAME);
    wire.rr("alias.example", CNAME, 60, nameRdata("target.example"));
    const Answer answer = answerFor(wire, "alias.example", RrType::Cname);
    CHECK(answer.reply.status == DnsStatus::Ok);
    CHECK(answer.chain.empty());
    CHECK(answer.reply.ptr.empty());
}
