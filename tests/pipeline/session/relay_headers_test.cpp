// relay_headers.h: the client named by Received from-clauses behind trusted relays, and the
// SPF result a trusted upstream Authentication-Results gives for MAIL FROM only.
#include <catch2/catch.hpp>

#include "pipeline/relay_headers.h"

using namespace dmarc;
using pipeline::clientBehindRelays;
using pipeline::parseReceivedFrom;
using pipeline::upstreamSpf;

namespace {

std::vector<core::IpNetwork> networks(std::initializer_list<const char*> texts) {
    std::vector<core::IpNetwork> out;
    for (const char* text : texts) out.push_back(core::parseIpNetwork(text).value());
    return out;
}

}  // namespace

TEST_CASE("parseReceivedFrom reads the from-clause address of common MTAs") {
    struct Row {
        const char* field;
        const char* ip;
        const char* helo;
    };
    const Row row = GENERATE(values<Row>({
        {" from mail.example.com (mail.example.com [192.0.2.5])\n\tby mx.example.net (Postfix) with ESMTPS id 4Q;"
         " Mon, 1 Jan 2024 12:00:00 +0000",
         "192.0.2.5", "mail.example.com"},
        {" from [192.0.2.6] (unknown [192.0.2.6]) by mx.example.net (Postfix) with ESMTP id X", "192.0.2.6",
         "[192.0.2.6]"},
        {" from helo.example (unknown [IPv6:2001:db8::7])\r\n\tby mx (Postfix) with ESMTP", "2001:db8::7",
         "helo.example"},
        {" from host.example ([192.0.2.8] helo=host.example) by exim.example with esmtp", "192.0.2.8",
         "host.example"},
        {"from a.example (b.example [::ffff:192.0.2.9]) by c", "192.0.2.9", "a.example"},
        {" FROM a.example (b.example [2001:DB8::A]); Mon, 1 Jan 2024", "2001:db8::a", "a.example"},
        {" from client.example ([203.0.113.7]:41234 helo=[10.0.0.1])\r\n\tby exim.example with esmtps (Exim 4.96)",
         "203.0.113.7", "client.example"},
        {" from [203.0.113.8] (port=41234 helo=[10.0.0.1])\r\n\tby exim.example with esmtp (Exim 4.96)", "203.0.113.8",
         "[203.0.113.8]"},
        {" from helo.example (client.example [198.51.100.20] (may be forged))\r\n\tby mx (8.17.1/8.17.1) with ESMTP"
         " id 41B\r\n\tfor <bob@example.net>; Thu, 4 Jan 2024",
         "198.51.100.20", "helo.example"},
        {" from c.example (c.example [192.0.2.9])\r\n\t(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384"
         " (256/256 bits))\r\n\t(Authenticated sender: alice)\r\n\tby mx (Postfix) with ESMTPSA id Q",
         "192.0.2.9", "c.example"},
    }));
    CAPTURE(row.field);
    const auto from = parseReceivedFrom(row.field);
    REQUIRE(from);
    CHECK(from->ipText == row.ip);
    CHECK(from->helo == row.helo);
}

TEST_CASE("parseReceivedFrom finds nothing without a from-clause address") {
    const char* field = GENERATE(" by mx.example.net (Postfix, from userid 0) id 4Q; Mon, 1 Jan 2024",
                                 " from localhost by mx.example.net with LMTP [192.0.2.1]",
                                 " from a.example (b.example [192.0.2.300]) by c",
                                 " from a.example (b.example [not an address]) by c",
                                 " from a.example (b.example [192.0.2.1", "", " from",
                                 // Exchange writes no address literal.
                                 " from EXCH01.corp.example (10.20.30.40) by EXCH02.corp.example (10.20.30.41) with"
                                 " Microsoft SMTP Server id 15.2.1118.40");
    CAPTURE(field);
    CHECK_FALSE(parseReceivedFrom(field));
}

// Found by tests/pipeline/fuzz/received_from: the client chooses its HELO and Postfix
// writes it verbatim (spaces kept; parentheses too before Postfix 3.x), so the first
// bracket of the from-clause was the client's to choose. 203.0.113.5 is the real client.
TEST_CASE("parseReceivedFrom never takes an address the client wrote in its HELO") {
    const std::string tail =
        "\r\n\tby mx.example.net (Postfix) with ESMTP id 4QX\r\n\tfor <bob@example.net>; Mon, 1 Jan 2024 12:00:00 +0000";
    SECTION("an address literal as the HELO") {
        const auto from = parseReceivedFrom(" from [10.0.0.1] (unknown [203.0.113.5])" + tail);
        REQUIRE(from);
        CHECK(from->ipText == "203.0.113.5");
        CHECK(from->helo == "[10.0.0.1]");
    }
    SECTION("a HELO imitating a comment, a by-clause or an address is refused") {
        const std::string helo = GENERATE(as<std::string>{}, "x (unknown [10.0.0.1])", "x (unknown [10.0.0.1]) by evil",
                                          "x [10.0.0.1]", "x(unknown [10.0.0.1])", "x (",
                                          // a ';' hid the rest of the clause
                                          "x (unknown [10.0.0.1]);",
                                          "x (unknown [10.0.0.1]) by evil (unknown [203.0.113.5])???by mx"
                                          " (Postfix) with ESMTP id 4QY; Mon, 1 Jan 2024 12:00:00 +0000",
                                          // an angle address the HELO opens and Postfix's "for <rcpt>" closes
                                          "x (c.example [10.0.0.1]) by mx (Postfix) with ESMTP id Q for <a");
        CAPTURE(helo);
        CHECK_FALSE(parseReceivedFrom(" from " + helo + " (unknown [203.0.113.5])" + tail));
    }
}

TEST_CASE("clientBehindRelays takes the first address that is not a trusted relay") {
    const auto relays = networks({"198.51.100.0/24", "2001:db8:ffff::/48"});
    const std::vector<std::string> received = {
        " from relay.example (relay.example [198.51.100.7]) by mx.example.net (Postfix) with ESMTP id A",
        " from inner.example (inner.example [2001:db8:ffff::2]) by relay.example with ESMTP",
        " from client.example (client.example [192.0.2.44]) by inner.example with ESMTP",
        " from forged.example (forged.example [203.0.113.66]) by client.example",  // never read
    };
    const auto client = clientBehindRelays(received, relays);
    REQUIRE(client);
    CHECK(client->ipText == "192.0.2.44");
    CHECK(client->helo == "client.example");

    // Negative control: when every address is a relay, nothing is found.
    CHECK_FALSE(clientBehindRelays({received[0], received[1]}, relays));
    CHECK_FALSE(clientBehindRelays({}, relays));
}

// Found by tests/pipeline/fuzz/relay_chain: a field without a readable from-clause address
// was skipped, so the next field down, which anyone could have written, named the client.
TEST_CASE("clientBehindRelays never reads below a field it cannot read") {
    const auto relays = networks({"198.51.100.0/24"});
    const std::string unreadable = GENERATE(
        as<std::string>{},
        " by relay.example (Postfix, from userid 1000) id Q; Mon, 1 Jan 2024",  // the relay's local submission
        " from client.example (192.0.2.50) by relay.example (198.51.100.7) with Microsoft SMTP Server",
        " from x (unknown [10.0.0.1]) (unknown [203.0.113.5]) by relay.example (Postfix)");  // ambiguous
    CAPTURE(unreadable);
    const std::vector<std::string> received = {
        " from relay.example (relay.example [198.51.100.7]) by mx.example.net (Postfix) with ESMTP id A", unreadable,
        " from forged.example (forged.example [192.0.2.66]) by relay.example"};
    CHECK_FALSE(clientBehindRelays(received, relays));
    // Positive control: without the unreadable field the one below it is the relay's.
    CHECK(clientBehindRelays({received[0], received[2]}, relays));
}

TEST_CASE("upstreamSpf takes a trusted authserv-id's result for the MAIL FROM domain") {
    const std::vector<std::string> ids = {"upstream.example"};
    const std::vector<std::string> fields = {
        " untrusted.example; spf=fail smtp.mailfrom=bounce.example",
        " upstream.example; dkim=pass header.d=bounce.example;\n\tspf=pass smtp.mailfrom=user@Bounce.Example",
        " upstream.example; spf=fail smtp.mailfrom=bounce.example",  // lower: older
    };
    const auto spf = upstreamSpf(fields, ids, "user@bounce.example");
    REQUIRE(spf);
    CHECK(spf->outcome.result == core::SpfResult::Pass);
    CHECK(spf->outcome.domain == "bounce.example");
    CHECK(spf->outcome.scope == core::SpfScope::MailFrom);
    CHECK(spf->authservId == "upstream.example");

    SECTION("a bare domain in smtp.mailfrom and other result words") {
        const auto word = GENERATE(as<std::string>{}, "none", "neutral", "fail", "softfail", "temperror", "permerror");
        const auto other = upstreamSpf({" upstream.example; spf=" + word + " smtp.mailfrom=bounce.example"}, ids,
                                       "x@bounce.example");
        REQUIRE(other);
        CHECK(core::toString(other->outcome.result) == word);
    }
}

TEST_CASE("upstreamSpf never takes HELO, other domains, untrusted ids or odd results") {
    const std::vector<std::string> ids = {"upstream.example"};
    const std::string sender = "user@bounce.example";
    const std::string field = GENERATE(
        as<std::string>{},
        " upstream.example; spf=pass smtp.helo=bounce.example",                            // CVE-2019-20790
        " upstream.example; spf=pass smtp.mailfrom=bounce.example smtp.helo=bounce.example",
        " upstream.example; spf=pass smtp.mailfrom=other.example",                          // another domain
        " upstream.example; spf=pass smtp.mailfrom=sub.bounce.example",
        " upstream.example.evil; spf=pass smtp.mailfrom=bounce.example",                    // another id
        " upstream.example; spf=policy smtp.mailfrom=bounce.example",                       // not an SPF result
        " upstream.example; spf=pass",                                                      // no identity
        " upstream.example; dkim=pass smtp.mailfrom=bounce.example");
    CAPTURE(field);
    CHECK_FALSE(upstreamSpf({field}, ids, sender));

    // Positive control for the same id and domain.
    CHECK(upstreamSpf({" upstream.example; spf=pass smtp.mailfrom=bounce.example"}, ids, sender));
    // The null sender has no MAIL FROM domain: its SPF identity is HELO.
    CHECK_FALSE(upstreamSpf({" upstream.example; spf=pass smtp.mailfrom=bounce.example"}, ids, ""));
    CHECK_FALSE(upstreamSpf({" upstream.example; spf=pass smtp.mailfrom=bounce.example"}, {}, sender));
}
