// NameServers: parses the configured name-server list ("192.0.2.1", "192.0.2.1:5353",
// "2001:db8::1", "[2001:db8::1]:5353") into numeric addresses and ports. No names are
// resolved: a resolver cannot need DNS to find its name server. Returns the list or an
// error string naming the bad entry. Pure: thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"

namespace dmarc::adapters {

struct NameServer {
    bool ipv6 = false;
    std::array<std::uint8_t, 16> address{};  // IPv4 uses the first 4 octets
    std::uint16_t port = 53;
};

core::Result<std::vector<NameServer>, std::string> parseNameServers(const std::vector<std::string>& entries);

}  // namespace dmarc::adapters
