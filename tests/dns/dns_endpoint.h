// Endpoint: where a test DNS server listens, in the "host:port" form ResolverOptions
// takes ("127.0.0.1:5353", "[::1]:5353"). Value type.
#pragma once

#include <cstdint>
#include <string>

namespace dmarc::testdns {

struct Endpoint {
    std::string host;  // numeric: "127.0.0.1" or "::1"
    std::uint16_t port = 0;

    std::string hostPort() const {
        const bool ipv6 = host.find(':') != std::string::npos;
        return (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
    }
};

}  // namespace dmarc::testdns
