// Tests for lib/adapters/dkim_key_reply: the reply libopendkim parses, rebuilt from a
// DnsReply, read back with the project's own DNS message parser.
#include <catch2/catch.hpp>

#include <array>
#include <string>
#include <vector>

#include "adapters/dkim_key_reply.h"
#include "adapters/dns_message.h"

using dmarc::adapters::DnsReply;
using dmarc::adapters::writeKeyReply;
using dmarc::core::DnsStatus;
namespace dns = dmarc::adapters::dns;

namespace {

DnsReply replyWith(DnsStatus status, std::vector<std::string> txt = {}, std::uint32_t ttl = 300) {
    DnsReply reply;
    reply.status = status;
    reply.txt = std::move(txt);
    reply.ttl = ttl;
    return reply;
}

dns::Message parsed(const std::vector<std::uint8_t>& wire) {
    const auto message = dns::parseMessage(wire);
    if (!message) FAIL("unparsable reply: " << dns::describe(message.error()));
    return message.value();
}

std::vector<std::uint8_t> written(std::string_view name, const DnsReply& reply, std::size_t capacity = 8192) {
    std::vector<std::uint8_t> buffer(capacity);
    const std::size_t size = writeKeyReply(name, reply, buffer.data(), buffer.size());
    buffer.resize(size);
    return buffer;
}

}  // namespace

TEST_CASE("dkim_key_reply writes one TXT RR per record, long records split at 255 octets") {
    const std::string key = "v=DKIM1; k=rsa; p=" + std::string(700, 'A');
    const auto wire = written("Sel._domainkey.Example.COM", replyWith(DnsStatus::Ok, {key, ""}, 42));
    REQUIRE_FALSE(wire.empty());
    const auto message = parsed(wire);
    CHECK(message.response);
    CHECK_FALSE(message.truncated);
    CHECK(message.rcode == 0);
    REQUIRE(message.questions.size() == 1);
    CHECK(message.questions[0].name == "sel._domainkey.example.com");
    CHECK(message.questions[0].type == 16);
    CHECK(message.questions[0].klass == 1);
    REQUIRE(message.answers.size() == 2);
    CHECK(std::get<dns::TxtData>(message.answers[0].data).text == key);
    CHECK(message.answers[0].ttl == 42);
    CHECK(message.answers[0].owner == "sel._domainkey.example.com");
    CHECK(std::get<dns::TxtData>(message.answers[1].data).text.empty());
    // 718 octets: three character-strings of 255, 255 and 208, each with its length octet.
    const std::size_t header = 12 + (1 + 3 + 1 + 10 + 1 + 7 + 1 + 3 + 1) + 4;
    CHECK(wire[header + 10] * 256 + wire[header + 11] == 718 + 3);
}

TEST_CASE("dkim_key_reply writes NODATA and NXDOMAIN, and nothing for trouble") {
    const auto nodata = parsed(written("s._domainkey.example.com", replyWith(DnsStatus::NoData)));
    CHECK(nodata.rcode == 0);
    CHECK(nodata.answers.empty());
    const auto nxdomain = parsed(written("s._domainkey.example.com", replyWith(DnsStatus::NxDomain)));
    CHECK(nxdomain.rcode == 3);
    CHECK(nxdomain.answers.empty());
    for (const DnsStatus trouble : {DnsStatus::Timeout, DnsStatus::ServFail, DnsStatus::Malformed}) {
        CAPTURE(static_cast<int>(trouble));
        CHECK(written("s._domainkey.example.com", replyWith(trouble, {"v=DKIM1; p=x"})).empty());
    }
}

TEST_CASE("dkim_key_reply writes the root as the question of a name that cannot be encoded") {
    const std::string longLabel(64, 'x');
    for (const std::string& name : {std::string(), std::string("a..b"), longLabel + ".example", std::string(300, 'a')}) {
        CAPTURE(name);
        const auto message = parsed(written(name, replyWith(DnsStatus::Ok, {"v=DKIM1; p=YQ=="})));
        REQUIRE(message.questions.size() == 1);
        CHECK(message.questions[0].name.empty());
        REQUIRE(message.answers.size() == 1);
        CHECK(std::get<dns::TxtData>(message.answers[0].data).text == "v=DKIM1; p=YQ==");
    }
}

TEST_CASE("dkim_key_reply never writes past its buffer and never hands over a cut reply") {
    const DnsReply reply = replyWith(DnsStatus::Ok, {std::string(300, 'k')});
    const std::size_t full = written("s._domainkey.example.com", reply).size();
    REQUIRE(full > 0);
    for (std::size_t capacity = 0; capacity <= full; ++capacity) {
        std::vector<std::uint8_t> buffer(capacity + 16, 0xEE);
        const std::size_t size = writeKeyReply("s._domainkey.example.com", reply, buffer.data(), capacity);
        CAPTURE(capacity);
        CHECK(size == (capacity == full ? full : 0));
        for (std::size_t i = capacity; i < buffer.size(); ++i) REQUIRE(buffer[i] == 0xEE);
    }
    const DnsReply huge = replyWith(DnsStatus::Ok, {std::string(70000, 'k')});
    std::array<std::uint8_t, 8192> buffer{};
    CHECK(writeKeyReply("s._domainkey.example.com", huge, buffer.data(), buffer.size()) == 0);
}
