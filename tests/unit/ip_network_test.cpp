// Unit tests for lib/core/ip_network.cpp: CIDR parsing (IPv4, IPv6, IPv4-mapped folding),
// every refusal with its error, canonical formatting and round trips, and matching client
// addresses at every prefix boundary. Single-threaded, deterministic.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "core/ip_network.h"

using namespace dmarc::core;

namespace {

ClientIp client(const std::string& text) {
    const auto ip = parseClientIp(text);
    REQUIRE(ip.has_value());
    return *ip;
}

IpNetwork network(const std::string& text) {
    const auto parsed = parseIpNetwork(text);
    INFO(text);
    REQUIRE(parsed.ok());
    return parsed.value();
}

}  // namespace

TEST_CASE("ip_network: valid networks parse to their canonical form") {
    const auto [text, canonical, v4, prefix] = GENERATE(table<const char*, const char*, bool, unsigned>({
        {"127.0.0.0/8", "127.0.0.0/8", true, 8},
        {"192.0.2.0/24", "192.0.2.0/24", true, 24},
        {"192.0.2.1", "192.0.2.1", true, 32},
        {"192.0.2.1/32", "192.0.2.1", true, 32},
        {"0.0.0.0/0", "0.0.0.0/0", true, 0},
        {"10.0.0.0/7", "10.0.0.0/7", true, 7},
        {"198.51.100.128/25", "198.51.100.128/25", true, 25},
        {"255.255.255.254/31", "255.255.255.254/31", true, 31},
        {"::1", "::1", false, 128},
        {"::1/128", "::1", false, 128},
        {"::/0", "::/0", false, 0},
        {"2001:db8::/32", "2001:db8::/32", false, 32},
        {"2001:DB8::/32", "2001:db8::/32", false, 32},
        {"2001:0db8:0000::/48", "2001:db8::/48", false, 48},
        {"fe80::/10", "fe80::/10", false, 10},
        {"2001:db8:1:2:3:4:5:6/127", "2001:db8:1:2:3:4:5:6/127", false, 127},
        {"2001:db8::8000:0/97", "2001:db8::8000:0/97", false, 97},
        // IPv4-mapped: /96 and longer denote IPv4 networks (clients are folded to IPv4).
        {"::ffff:192.0.2.1", "192.0.2.1", true, 32},
        {"::ffff:192.0.2.0/120", "192.0.2.0/24", true, 24},
        {"::ffff:0.0.0.0/96", "0.0.0.0/0", true, 0},
        {"::FFFF:c000:0200/120", "192.0.2.0/24", true, 24},
        {"::ffff:0:0/95", "::fffe:0:0/95", false, 95},
    }));
    CAPTURE(text);
    // The last row has host bits set (ffff's lowest bit lies beyond /95): only Clear accepts it.
    const auto parsed = parseIpNetwork(text, std::string(text) == "::ffff:0:0/95" ? HostBits::Clear
                                                                                   : HostBits::MustBeZero);
    REQUIRE(parsed.ok());
    CHECK(parsed->v4 == v4);
    CHECK(parsed->prefix == prefix);
    CHECK(formatIpNetwork(*parsed) == canonical);
    const auto again = parseIpNetwork(formatIpNetwork(*parsed));
    REQUIRE(again.ok());
    CHECK(again.value() == parsed.value());
}

TEST_CASE("ip_network: malformed networks are refused with the reason") {
    const auto [text, error] = GENERATE(table<std::string, IpNetworkError>({
        {"", IpNetworkError::Empty},
        {"/24", IpNetworkError::BadAddress},
        {"192.0.2", IpNetworkError::BadAddress},
        {"192.0.2.0.0/24", IpNetworkError::BadAddress},
        {"192.0.02.0/24", IpNetworkError::BadAddress},
        {"256.0.0.0/8", IpNetworkError::BadAddress},
        {" 192.0.2.0/24", IpNetworkError::BadAddress},
        {"192.0.2.0 /24", IpNetworkError::BadAddress},
        {"[::1]", IpNetworkError::BadAddress},
        {"fe80::1%eth0", IpNetworkError::BadAddress},
        {"example.com", IpNetworkError::BadAddress},
        {"localhost", IpNetworkError::BadAddress},
        {"1:2:3:4:5:6:7:8:9/64", IpNetworkError::BadAddress},
        {"192.0.2.0/", IpNetworkError::BadPrefix},
        {"192.0.2.0/+24", IpNetworkError::BadPrefix},
        {"192.0.2.0/-1", IpNetworkError::BadPrefix},
        {"192.0.2.0/024", IpNetworkError::BadPrefix},
        {"192.0.2.0/24 ", IpNetworkError::BadPrefix},
        {"192.0.2.0/2x", IpNetworkError::BadPrefix},
        {"192.0.2.0/24/24", IpNetworkError::BadPrefix},
        {"192.0.2.0/1000", IpNetworkError::BadPrefix},
        {"192.0.2.0/255.255.255.0", IpNetworkError::BadPrefix},
        {"192.0.2.0/33", IpNetworkError::PrefixTooLong},
        {"::/129", IpNetworkError::PrefixTooLong},
        {"::ffff:192.0.2.0/129", IpNetworkError::PrefixTooLong},
        {"192.0.2.1/24", IpNetworkError::HostBitsSet},
        {"11.0.0.0/7", IpNetworkError::HostBitsSet},  // 11 = 0b00001011: bit 8 is a host bit
        {"127.0.0.1/8", IpNetworkError::HostBitsSet},
        {"0.0.0.1/0", IpNetworkError::HostBitsSet},
        {"2001:db8::1/64", IpNetworkError::HostBitsSet},
        {"::1/127", IpNetworkError::HostBitsSet},
        {"::ffff:192.0.2.1/120", IpNetworkError::HostBitsSet},
        {"::ffff:0:0/80", IpNetworkError::HostBitsSet},
        {std::string("10.0.0.0/8\0", 11), IpNetworkError::BadPrefix},
    }));
    CAPTURE(text);
    const auto parsed = parseIpNetwork(text);
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.error() == error);
    CHECK_FALSE(describe(error).empty());
}

TEST_CASE("ip_network: HostBits::Clear suggests the network the text meant") {
    const auto [text, canonical] = GENERATE(table<const char*, const char*>({
        {"192.0.2.1/24", "192.0.2.0/24"},
        {"127.0.0.1/8", "127.0.0.0/8"},
        {"255.255.255.255/0", "0.0.0.0/0"},
        {"198.51.100.200/25", "198.51.100.128/25"},
        {"2001:db8::1/64", "2001:db8::/64"},
        {"2001:db8:ffff:ffff::/33", "2001:db8:8000::/33"},
        {"::ffff:192.0.2.77/120", "192.0.2.0/24"},
        {"192.0.2.0/24", "192.0.2.0/24"},
    }));
    CAPTURE(text);
    const auto parsed = parseIpNetwork(text, HostBits::Clear);
    REQUIRE(parsed.ok());
    CHECK(formatIpNetwork(*parsed) == canonical);
}

TEST_CASE("ip_network: contains matches exactly the addresses under the prefix") {
    const auto [net, ip, expected] = GENERATE(table<const char*, const char*, bool>({
        {"127.0.0.0/8", "127.0.0.1", true},
        {"127.0.0.0/8", "127.255.255.255", true},
        {"127.0.0.0/8", "128.0.0.0", false},
        {"127.0.0.0/8", "126.255.255.255", false},
        {"127.0.0.0/8", "::ffff:127.0.0.1", true},  // folded client
        {"127.0.0.0/8", "::1", false},
        {"192.0.2.0/24", "192.0.2.0", true},
        {"192.0.2.0/24", "192.0.2.255", true},
        {"192.0.2.0/24", "192.0.3.0", false},
        {"198.51.100.128/25", "198.51.100.127", false},
        {"198.51.100.128/25", "198.51.100.128", true},
        {"10.0.0.0/7", "11.255.255.255", true},
        {"10.0.0.0/7", "12.0.0.0", false},
        {"10.0.0.0/7", "9.255.255.255", false},
        {"192.0.2.1", "192.0.2.1", true},
        {"192.0.2.1", "192.0.2.2", false},
        {"0.0.0.0/0", "203.0.113.9", true},
        {"0.0.0.0/0", "2001:db8::1", false},
        {"::/0", "2001:db8::1", true},
        {"::/0", "192.0.2.1", false},
        {"::/0", "::ffff:192.0.2.1", false},  // an IPv4 client, whatever its spelling
        {"::1", "::1", true},
        {"::1", "::2", false},
        {"2001:db8::/32", "2001:db8:ffff::1", true},
        {"2001:db8::/32", "2001:db9::1", false},
        {"2001:db8::8000:0/97", "2001:db8::8000:1", true},
        {"2001:db8::8000:0/97", "2001:db8::7fff:ffff", false},
        {"fe80::/10", "febf::1", true},
        {"fe80::/10", "fec0::1", false},
        {"::ffff:192.0.2.0/120", "192.0.2.44", true},
        {"::ffff:192.0.2.0/120", "::ffff:192.0.2.44", true},
        {"::ffff:192.0.2.0/120", "192.0.1.44", false},
    }));
    CAPTURE(net, ip);
    CHECK(network(net).contains(client(ip)) == expected);
}

TEST_CASE("ip_network: every IPv4 prefix length splits at its boundary") {
    for (unsigned prefix = 1; prefix <= 32; ++prefix) {
        CAPTURE(prefix);
        // 10.0.0.0 plus the lowest network bit: just outside 10.0.0.0/prefix.
        const unsigned base = 10u << 24;
        const unsigned outside = base + (1u << (32 - prefix));
        const unsigned lastInside = outside - 1;
        const auto quad = [](unsigned v) {
            return std::to_string(v >> 24) + "." + std::to_string((v >> 16) & 255) + "." +
                   std::to_string((v >> 8) & 255) + "." + std::to_string(v & 255);
        };
        const auto parsed = parseIpNetwork(quad(base) + "/" + std::to_string(prefix));
        if (prefix < 7) {
            CHECK(parsed.error() == IpNetworkError::HostBitsSet);  // 10 = 0b00001010
            continue;
        }
        REQUIRE(parsed.ok());
        CHECK(parsed->contains(client(quad(base))));
        CHECK(parsed->contains(client(quad(lastInside))));
        CHECK_FALSE(parsed->contains(client(quad(outside))));
    }
}

TEST_CASE("ip_network: every IPv6 prefix length splits at its boundary") {
    for (unsigned prefix = 1; prefix <= 128; ++prefix) {
        CAPTURE(prefix);
        IpNetwork net;
        net.v4 = false;
        net.prefix = prefix;
        net.address[0] = 0x20;  // 2000::/prefix is valid for every prefix ≥ 3
        if (prefix < 3) net.address[0] = 0;
        const auto again = parseIpNetwork(formatIpNetwork(net));
        REQUIRE(again.ok());
        CHECK(again.value() == net);
        ClientIp inside{false, net.address};
        ClientIp outside = inside;
        const unsigned bit = prefix - 1;  // the last network bit
        outside.octets[bit / 8] = static_cast<std::uint8_t>(outside.octets[bit / 8] ^ (0x80u >> (bit % 8)));
        ClientIp lastHost = inside;
        for (unsigned b = prefix; b < 128; ++b) {
            lastHost.octets[b / 8] = static_cast<std::uint8_t>(lastHost.octets[b / 8] | (0x80u >> (b % 8)));
        }
        CHECK(net.contains(inside));
        CHECK(net.contains(lastHost));
        CHECK_FALSE(net.contains(outside));
    }
}

TEST_CASE("ip_network: anyContains scans the whole list") {
    const std::vector<IpNetwork> list{network("127.0.0.0/8"), network("::1"), network("192.0.2.0/24")};
    CHECK(anyContains(list, client("127.0.0.1")));
    CHECK(anyContains(list, client("::1")));
    CHECK(anyContains(list, client("192.0.2.200")));
    CHECK_FALSE(anyContains(list, client("198.51.100.1")));
    CHECK_FALSE(anyContains(list, client("::2")));
    CHECK_FALSE(anyContains({}, client("127.0.0.1")));
}
