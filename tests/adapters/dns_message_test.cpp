// Tests for lib/adapters/dns_message: the DNS reply parser. Well-formed replies of every
// decoded type, name compression, then a table of malformed messages that must each give
// the expected ParseError (never a crash, never a loop).
#include <catch2/catch.hpp>

#include <string>
#include <variant>

#include "adapters/dns_message.h"
#include "dns_wire.h"

using namespace dmarc::adapters;
using namespace dmarc::adapters::dns;
using namespace dmarc::testwire;

namespace {

Message parseOk(const Wire& wire) {
    auto message = parseMessage(wire.bytes());
    INFO("parse error: " << (message ? "none" : std::string(describe(message.error()))));
    REQUIRE(message.ok());
    return message.value();
}

}  // namespace

TEST_CASE("dns_message reads the header flags, the question and an A answer") {
    Wire wire;
    wire.header(0xBEEF, QR | AA | RD | RA | 3, 1, 1, 0).question("a.example", A).rr("a.example", A, 300, {192, 0, 2, 1});
    const Message message = parseOk(wire);
    CHECK(message.id == 0xBEEF);
    CHECK(message.response);
    CHECK(message.authoritative);
    CHECK(message.recursionAvailable);
    CHECK_FALSE(message.truncated);
    CHECK(message.rcode == 3);
    REQUIRE(message.questions.size() == 1);
    CHECK(message.questions[0].name == "a.example");
    CHECK(message.questions[0].type == A);
    CHECK(message.questions[0].klass == 1);
    REQUIRE(message.answers.size() == 1);
    const ResourceRecord& record = message.answers[0];
    CHECK(record.owner == "a.example");
    CHECK(record.type == A);
    CHECK(record.klass == classIn);
    CHECK(record.ttl == 300);
    CHECK(std::get<std::array<std::uint8_t, 4>>(record.data) == std::array<std::uint8_t, 4>{192, 0, 2, 1});
}

TEST_CASE("dns_message reads the TC bit") {
    Wire wire;
    wire.header(1, QR | TC, 1, 0, 0).question("big.example", TXT);
    CHECK(parseOk(wire).truncated);
}

TEST_CASE("dns_message follows compression pointers and lowercases names") {
    Wire wire;
    wire.header(1, QR, 1, 2, 0).question("Mail.Example.COM", MX);  // question name at offset 12
    // owner: pointer to the question name; exchange: "mx1" + pointer to "Example.COM" (offset 17)
    wire.pointer(12).u16(MX).u16(1).u32(60).u16(2 + 4 + 2).u16(10).name("mx1", false).pointer(17);
    // second owner: "Sub" + pointer to "example.com" inside the first
    wire.name("Sub", false).pointer(17).u16(AAAA).u16(1).u32(60).u16(16);
    wire.raw({0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});
    const Message message = parseOk(wire);
    CHECK(message.questions[0].name == "mail.example.com");
    REQUIRE(message.answers.size() == 2);
    CHECK(message.answers[0].owner == "mail.example.com");
    const auto& mx = std::get<MxRecord>(message.answers[0].data);
    CHECK(mx.preference == 10);
    CHECK(mx.exchange == "mx1.example.com");
    CHECK(message.answers[1].owner == "sub.example.com");
    CHECK(std::get<std::array<std::uint8_t, 16>>(message.answers[1].data)[15] == 1);
}

TEST_CASE("dns_message joins the character-strings of one TXT record") {
    struct Row {
        std::vector<std::uint8_t> rdata;
        std::string text;
    };
    const Row rows[] = {
        {txtRdata({"v=spf1 -all"}), "v=spf1 -all"},
        {txtRdata({"v=spf1 ", "ip4:192.0.2.0/24", " -all"}), "v=spf1 ip4:192.0.2.0/24 -all"},
        {txtRdata({""}), ""},
        {txtRdata({"", "a", ""}), "a"},
        {{}, ""},  // empty rdata: invalid TXT, read as an empty record
        {txtRdata({std::string(255, 'x'), std::string(255, 'y')}), std::string(255, 'x') + std::string(255, 'y')},
        {txtRdata({std::string("a\0b", 3)}), std::string("a\0b", 3)},
    };
    for (const Row& row : rows) {
        CAPTURE(row.text);
        Wire wire;
        wire.header(1, QR, 1, 1, 0).question("t.example", TXT).rr("t.example", TXT, 1, row.rdata);
        const Message message = parseOk(wire);
        REQUIRE(message.answers.size() == 1);
        CHECK(std::get<TxtData>(message.answers[0].data).text == row.text);
    }
}

TEST_CASE("dns_message decodes CNAME, PTR, SOA and keeps other types opaque") {
    Wire wire;
    wire.header(1, QR, 1, 3, 1).question("x.example", A);
    wire.rr("x.example", CNAME, 10, nameRdata("Y.example"));
    wire.rr("1.2.0.192.in-addr.arpa", PTR, 20, nameRdata("host.example"));
    wire.rr("x.example", SPF, 30, txtRdata({"v=spf1 -all"}));
    wire.rr("example", SOA, 40, soaRdata(120));
    const Message message = parseOk(wire);
    REQUIRE(message.answers.size() == 3);
    CHECK(std::get<NameData>(message.answers[0].data).name == "y.example");
    CHECK(std::get<NameData>(message.answers[1].data).name == "host.example");
    CHECK(std::holds_alternative<OpaqueData>(message.answers[2].data));
    REQUIRE(message.authority.size() == 1);
    const auto& soa = std::get<SoaData>(message.authority[0].data);
    CHECK(soa.mname == "ns.example");
    CHECK(soa.rname == "hostmaster.example");
    CHECK(soa.serial == 1);
    CHECK(soa.refresh == 3600);
    CHECK(soa.retry == 600);
    CHECK(soa.expire == 86400);
    CHECK(soa.minimum == 120);
    CHECK(message.authority[0].ttl == 40);
}

TEST_CASE("dns_message reads a TTL with the top bit set as zero (RFC 2181 section 8)") {
    const std::pair<std::uint32_t, std::uint32_t> rows[] = {
        {0, 0}, {1, 1}, {0x7FFFFFFF, 0x7FFFFFFF}, {0x80000000, 0}, {0xFFFFFFFF, 0}};
    for (const auto& [sent, read] : rows) {
        CAPTURE(sent);
        Wire wire;
        wire.header(1, QR, 0, 1, 0).rr("a.example", A, sent, {192, 0, 2, 1});
        CHECK(parseOk(wire).answers[0].ttl == read);
    }
}

TEST_CASE("dns_message escapes dots and backslashes inside labels") {
    Wire wire;
    wire.header(1, QR, 0, 1, 0);
    wire.raw({3, 'a', '.', 'b', 2, 'c', '\\', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0});
    wire.u16(A).u16(1).u32(1).u16(4).raw({192, 0, 2, 1});
    CHECK(parseOk(wire).answers[0].owner == "a\\.b.c\\\\.example");
}

TEST_CASE("dns_message accepts the root name and names of exactly 255 octets") {
    Wire root;
    root.header(1, QR, 1, 0, 0).question("", SOA);
    CHECK(parseOk(root).questions[0].name.empty());

    // 3 labels of 63 + one of 61: 4 * 1 + 63 * 3 + 61 + 1 (root) = 255 octets
    const std::string longest = std::string(63, 'a') + "." + std::string(63, 'b') + "." + std::string(63, 'c') +
                                "." + std::string(61, 'd');
    Wire wire;
    wire.header(1, QR, 1, 0, 0).question(longest, A);
    CHECK(parseOk(wire).questions[0].name == longest);
}

TEST_CASE("dns_message ignores junk in the additional section") {
    Wire wire;
    wire.header(1, QR, 1, 1, 0, 5).question("a.example", A).rr("a.example", A, 1, {192, 0, 2, 1});
    wire.raw({0xFF, 0xFF, 0xC0});  // five promised records, three octets of rubbish
    CHECK(parseOk(wire).answers.size() == 1);
}

TEST_CASE("dns_message rejects malformed messages with the right error") {
    struct Row {
        const char* what;
        std::vector<std::uint8_t> wire;
        ParseError error;
    };
    const std::string name256 = std::string(63, 'a') + "." + std::string(63, 'b') + "." + std::string(63, 'c') + "." +
                                std::string(62, 'd');  // 256 octets on the wire

    // 200 pointers, each to the one before it, hidden in the rdata of a type the parser does
    // not decode; the next record's owner points at the last: a chain no name can need.
    Wire chain;
    chain.header(1, QR, 0, 2, 0).name("a").u16(SPF).u16(1).u32(1).u16(1 + 2 * 200);
    const auto root = static_cast<std::uint16_t>(chain.size());
    chain.u8(0);
    for (int i = 0; i < 200; ++i) chain.pointer(static_cast<std::uint16_t>(i == 0 ? root : root + 1 + 2 * (i - 1)));
    chain.pointer(static_cast<std::uint16_t>(chain.size() - 2)).u16(A).u16(1).u32(1).u16(4).raw({192, 0, 2, 1});

    const Row rows[] = {
        {"empty", {}, ParseError::TooShort},
        {"11 octets", {0, 1, 0x80, 0, 0, 0, 0, 0, 0, 0, 0}, ParseError::TooShort},
        {"question promised, none there", Wire().header(1, QR, 1, 0, 0).bytes(), ParseError::Truncated},
        {"question name runs off the end", Wire().header(1, QR, 1, 0, 0).raw({7, 'e', 'x'}).bytes(),
         ParseError::Truncated},
        {"question without type and class", Wire().header(1, QR, 1, 0, 0).name("a.example").u16(1).bytes(),
         ParseError::Truncated},
        {"pointer to itself", Wire().header(1, QR, 1, 0, 0).pointer(12).u16(1).u16(1).bytes(), ParseError::BadPointer},
        {"pointer forwards", Wire().header(1, QR, 1, 0, 0).pointer(14).name("a").u16(1).u16(1).bytes(),
         ParseError::BadPointer},
        {"pointer loop through a label",
         Wire().header(1, QR, 1, 0, 0).name("a", false).pointer(12).u16(1).u16(1).bytes(), ParseError::BadPointer},
        {"two pointers to each other", Wire().header(1, QR, 0, 1, 0).pointer(14).pointer(12).u16(1).u16(1).u32(1).u16(0).bytes(),
         ParseError::BadPointer},
        {"pointer cut in half", Wire().header(1, QR, 1, 0, 0).u8(0xC0).bytes(), ParseError::Truncated},
        {"label type 01", Wire().header(1, QR, 1, 0, 0).u8(0x41).u16(1).u16(1).bytes(), ParseError::BadLabel},
        {"label type 10", Wire().header(1, QR, 1, 0, 0).u8(0x81).u16(1).u16(1).bytes(), ParseError::BadLabel},
        {"name of 256 octets", Wire().header(1, QR, 1, 0, 0).question(name256, A).bytes(), ParseError::NameTooLong},
        {"200-link pointer chain", chain.bytes(), ParseError::NameTooLong},
        {"answer promised, none there", Wire().header(1, QR, 1, 1, 0).question("a.example", A).bytes(),
         ParseError::Truncated},
        {"answer cut inside its fixed part",
         Wire().header(1, QR, 1, 1, 0).question("a.example", A).name("a.example").u16(A).u16(1).bytes(),
         ParseError::Truncated},
        {"rdlength past the end",
         Wire().header(1, QR, 0, 1, 0).name("a").u16(A).u16(1).u32(1).u16(4).raw({1, 2}).bytes(),
         ParseError::Truncated},
        {"authority promised, none there",
         Wire().header(1, QR, 0, 1, 1).rr("a", A, 1, {192, 0, 2, 1}).bytes(), ParseError::Truncated},
        {"A of 3 octets", Wire().header(1, QR, 0, 1, 0).rr("a", A, 1, {1, 2, 3}).bytes(), ParseError::BadRdata},
        {"A of 5 octets", Wire().header(1, QR, 0, 1, 0).rr("a", A, 1, {1, 2, 3, 4, 5}).bytes(), ParseError::BadRdata},
        {"AAAA of 4 octets", Wire().header(1, QR, 0, 1, 0).rr("a", AAAA, 1, {1, 2, 3, 4}).bytes(),
         ParseError::BadRdata},
        {"TXT string longer than its rdata", Wire().header(1, QR, 0, 1, 0).rr("a", TXT, 1, {5, 'a', 'b'}).bytes(),
         ParseError::BadRdata},
        {"CNAME target longer than its rdata",
         Wire().header(1, QR, 0, 1, 0).name("a").u16(CNAME).u16(1).u32(1).u16(2).name("target").bytes(),
         ParseError::BadRdata},
        {"CNAME rdata with octets after the name",
         Wire().header(1, QR, 0, 1, 0).rr("a", CNAME, 1, Wire().name("t").u8(0).bytes()).bytes(),
         ParseError::BadRdata},
        {"MX of 2 octets", Wire().header(1, QR, 0, 1, 0).rr("a", MX, 1, {0, 10}).bytes(), ParseError::BadRdata},
        {"SOA without its numbers",
         Wire().header(1, QR, 0, 0, 1).rr("a", SOA, 1, Wire().name("ns").name("h").u32(1).bytes()).bytes(),
         ParseError::BadRdata},
        {"PTR with a bad pointer", Wire().header(1, QR, 0, 1, 0).rr("a", PTR, 1, {0xC0, 0xFF}).bytes(),
         ParseError::BadPointer},
    };
    for (const Row& row : rows) {
        CAPTURE(row.what);
        const auto message = parseMessage(row.wire);
        REQUIRE_FALSE(message.ok());
        CHECK(message.error() == row.error);
        CHECK_FALSE(describe(message.error()).empty());
    }
}

TEST_CASE("dns_message never reads past any truncation of a valid reply") {
    Wire wire;
    wire.header(7, QR | RD | RA, 1, 3, 1).question("Mail.Example", MX);
    wire.pointer(12).u16(MX).u16(1).u32(60).u16(2 + 4 + 2).u16(10).name("mx1", false).pointer(17);
    wire.rr("mail.example", TXT, 60, txtRdata({"v=spf1 ", "-all"}));
    wire.rr("mail.example", AAAA, 60, std::vector<std::uint8_t>(16, 1));
    wire.rr("example", SOA, 60, soaRdata(30));
    const std::vector<std::uint8_t>& full = wire.bytes();
    REQUIRE(parseMessage(full).ok());
    for (std::size_t length = 0; length < full.size(); ++length) {
        CAPTURE(length);
        const auto message = parseMessage(std::span(full.data(), length));
        CHECK_FALSE(message.ok());
    }
}
