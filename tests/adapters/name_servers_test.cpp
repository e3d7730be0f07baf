// Tests for lib/adapters/name_servers: the "host:port" name-server list.
#include <catch2/catch.hpp>

#include <string>

#include "adapters/name_servers.h"

using namespace dmarc::adapters;

TEST_CASE("name_servers parses IPv4 and IPv6 entries with and without ports") {
    struct Row {
        std::string entry;
        bool ipv6;
        std::uint8_t first;
        std::uint8_t last;  // address octet 3 for IPv4, 15 for IPv6
        std::uint16_t port;
    };
    const Row rows[] = {
        {"127.0.0.1", false, 127, 1, 53},
        {"127.0.0.1:5353", false, 127, 1, 5353},
        {"192.0.2.53:1", false, 192, 53, 1},
        {"198.51.100.7:65535", false, 198, 7, 65535},
        {"::1", true, 0, 1, 53},
        {"2001:db8::53", true, 0x20, 0x53, 53},
        {"[::1]", true, 0, 1, 53},
        {"[::1]:5353", true, 0, 1, 5353},
        {"[2001:db8::1]:53", true, 0x20, 1, 53},
        {"[::ffff:192.0.2.1]:53", true, 0, 1, 53},
    };
    for (const Row& row : rows) {
        CAPTURE(row.entry);
        const auto servers = parseNameServers({row.entry});
        REQUIRE(servers.ok());
        REQUIRE(servers->size() == 1);
        const NameServer& server = servers->front();
        CHECK(server.ipv6 == row.ipv6);
        CHECK(server.address[0] == row.first);
        CHECK(server.address[row.ipv6 ? 15 : 3] == row.last);
        CHECK(server.port == row.port);
    }
}

TEST_CASE("name_servers keeps the order of the list") {
    const auto servers = parseNameServers({"192.0.2.1:1000", "[::1]:2000", "192.0.2.2"});
    REQUIRE(servers.ok());
    REQUIRE(servers->size() == 3);
    CHECK((*servers)[0].port == 1000);
    CHECK((*servers)[1].ipv6);
    CHECK((*servers)[2].address[3] == 2);
    CHECK(parseNameServers({}).value().empty());
}

TEST_CASE("name_servers rejects what is not a numeric address and port") {
    const char* rows[] = {
        "",           "localhost",     "ns1.example.com:53", "127.0.0.1:",   "127.0.0.1:0",  "127.0.0.1:65536",
        "127.0.0.1:-1", "127.0.0.1:53x", "127.0.0.1:+53",   "127.0.0.256",  "127.1",        "[::1",
        "[::1]:",     "[::1]53",       "[127.0.0.1]:53",     "[]:53",        "::1:53x",      " 127.0.0.1",
        "127.0.0.1 ",  "[::1]:99999",   ":53",
    };
    for (const char* entry : rows) {
        CAPTURE(entry);
        const auto servers = parseNameServers({"192.0.2.1", entry});
        REQUIRE_FALSE(servers.ok());
        CHECK(servers.error().find(std::string("\"") + entry + "\"") != std::string::npos);
    }
}
