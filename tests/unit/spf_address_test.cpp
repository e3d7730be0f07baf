// Unit tests for lib/core/spf_address.cpp: which IPv4/IPv6 texts RFC 7208's ip4-network /
// ip6-network accept, their canonical (RFC 5952) forms, round trips, and SMTP client
// addresses with IPv4-mapped IPv6 folded to IPv4. Single-threaded, deterministic.
#include <catch2/catch.hpp>

#include <string>

#include "core/spf_address.h"

using namespace dmarc::core;

TEST_CASE("spf_address: IPv4 dotted quads parse to their octets") {
    const auto [text, a, b, c, d] = GENERATE(table<const char*, int, int, int, int>({
        {"0.0.0.0", 0, 0, 0, 0},
        {"255.255.255.255", 255, 255, 255, 255},
        {"192.0.2.1", 192, 0, 2, 1},
        {"1.2.3.4", 1, 2, 3, 4},
        {"10.0.100.9", 10, 0, 100, 9},
        {"249.250.199.200", 249, 250, 199, 200},
    }));
    CAPTURE(text);
    const auto parsed = parseIpv4(text);
    REQUIRE(parsed.has_value());
    CHECK(*parsed == Ipv4Octets{static_cast<std::uint8_t>(a), static_cast<std::uint8_t>(b),
                                static_cast<std::uint8_t>(c), static_cast<std::uint8_t>(d)});
    CHECK(formatIpv4(*parsed) == text);
}

TEST_CASE("spf_address: IPv4 texts RFC 7208 does not accept are refused") {
    const std::string text = GENERATE(as<std::string>{}, "", "1.2.3", "1.2.3.4.5", "01.2.3.4", "1.2.3.04",
                                      "0.0.0.00", "256.1.1.1", "1.2.3.256", "1.2.3.4 ", " 1.2.3.4", "1.2.3.4:8080",
                                      "1..2.3", "1.2.3.", ".1.2.3", "a.b.c.d", "1.2.3.-4", "1.2.3.+4", "0x1.2.3.4",
                                      "1234.1.1.1", "1.2.3.4/32", "1,2,3,4", "::1", std::string("1.2.3.4\0", 8));
    CAPTURE(text);
    CHECK_FALSE(parseIpv4(text).has_value());
}

TEST_CASE("spf_address: IPv6 texts parse and print in RFC 5952 form") {
    const auto [text, canonical] = GENERATE(table<const char*, const char*>({
        {"::", "::"},
        {"::1", "::1"},
        {"1::", "1::"},
        {"2001:db8::1", "2001:db8::1"},
        {"2001:DB8::1", "2001:db8::1"},
        {"2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1"},
        {"CAFE:BABE::1", "cafe:babe::1"},
        {"Cafe:Babe:8000::", "cafe:babe:8000::"},
        {"1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"},
        {"2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"},  // first of two equal runs
        {"1:0:0:2:0:0:0:3", "1:0:0:2::3"},              // the longest run
        {"1:0:2:0:3:0:4:0", "1:0:2:0:3:0:4:0"},         // single zeros stay
        {"0:0:0:0:0:0:0:0", "::"},
        {"fe80::", "fe80::"},
        {"::ffff:1.2.3.4", "::ffff:1.2.3.4"},
        {"::FFFF:1.2.3.4", "::ffff:1.2.3.4"},
        {"::ffff:102:304", "::ffff:1.2.3.4"},
        {"::1.1.1.1", "::101:101"},
        {"1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:102:304"},
        {"DEAF:BABE::CAB:FEE", "deaf:babe::cab:fee"},
        {"ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"},
    }));
    CAPTURE(text);
    const auto parsed = parseIpv6(text);
    REQUIRE(parsed.has_value());
    CHECK(formatIpv6(*parsed) == canonical);
    const auto again = parseIpv6(formatIpv6(*parsed));
    REQUIRE(again.has_value());
    CHECK(*again == *parsed);
}

TEST_CASE("spf_address: malformed IPv6 texts are refused") {
    const std::string text = GENERATE(as<std::string>{}, "", ":", ":::", "1::2::3", ":1::", "1::2:", "12345::",
                                      "g::", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7::8", "::1.2.3",
                                      "1.2.3.4::", "::1.2.3.4:5", "::01.2.3.4", "fe80::1%eth0", "[::1]", "::1/128",
                                      ":CAFE::BABE", "1:2:3:4:5:6:7:1.2.3.4", "::ffff:256.1.1.1", "1.2.3.4",
                                      ":: 1", "::1 ", "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.2555");
    CAPTURE(text);
    CHECK_FALSE(parseIpv6(text).has_value());
}

TEST_CASE("spf_address: every pattern of zero groups round-trips through the canonical form") {
    for (unsigned mask = 0; mask < 256; ++mask) {
        Ipv6Octets octets{};
        for (std::size_t group = 0; group < 8; ++group) {
            if ((mask >> group) & 1U) {
                octets[2 * group] = static_cast<std::uint8_t>(group + 1);
                octets[2 * group + 1] = 0xAB;
            }
        }
        const std::string text = formatIpv6(octets);
        CAPTURE(mask, text);
        const auto parsed = parseIpv6(text);
        REQUIRE(parsed.has_value());
        CHECK(*parsed == octets);
        CHECK(text.find(":::") == std::string::npos);
    }
}

TEST_CASE("spf_address: client addresses fold IPv4-mapped IPv6 to IPv4") {
    const auto [text, v4, shown] = GENERATE(table<const char*, bool, const char*>({
        {"192.0.2.1", true, "192.0.2.1"},
        {"::ffff:192.0.2.1", true, "192.0.2.1"},
        {"::FFFF:1.2.3.4", true, "1.2.3.4"},
        {"::ffff:c000:201", true, "192.0.2.1"},
        {"2001:db8::1", false, "2001:db8::1"},
        {"::1", false, "::1"},
        {"::192.0.2.1", false, "::c000:201"},  // IPv4-compatible is not IPv4-mapped
        {"::ffff:0:c000:201", false, "::ffff:0:c000:201"},
    }));
    CAPTURE(text);
    const auto ip = parseClientIp(text);
    REQUIRE(ip.has_value());
    CHECK(ip->v4 == v4);
    CHECK(formatClientIp(*ip) == shown);
    CHECK(parseClientIp(formatClientIp(*ip)) == ip);
}

TEST_CASE("spf_address: client addresses that are not addresses are refused") {
    const std::string text = GENERATE(as<std::string>{}, "", "localhost", "1.2.3.4/32", "[192.0.2.1]",
                                      "IPv6:2001:db8::1", "unknown", "1.2.3.4:25");
    CAPTURE(text);
    CHECK_FALSE(parseClientIp(text).has_value());
}
