// CIDR network parsing, formatting and matching (see ip_network.h). Addresses are parsed
// by spf_address.cpp; this file adds the prefix, the host-bit check and the IPv4-mapped
// folding. Pure; thread-safe.
#include "ip_network.h"

#include <cstddef>
#include <cstdint>

namespace dmarc::core {
namespace {

constexpr unsigned kMappedPrefix = 96;  // ::ffff:0:0/96 holds the IPv4-mapped addresses

std::optional<unsigned> parsePrefix(std::string_view text) {
    if (text.empty() || text.size() > 3) return std::nullopt;
    if (text.size() > 1 && text.front() == '0') return std::nullopt;
    unsigned value = 0;
    for (char c : text) {
        if (c < '0' || c > '9') return std::nullopt;
        value = value * 10 + static_cast<unsigned>(c - '0');
    }
    return value;
}

// The number of octets the family uses: 4 or 16.
std::size_t familyOctets(bool v4) { return v4 ? 4 : 16; }

// Whether `octets` has any bit set beyond `prefix` (within the family's length).
bool hasHostBits(const Ipv6Octets& octets, unsigned prefix, bool v4) {
    for (std::size_t i = 0; i < familyOctets(v4); ++i) {
        const unsigned first = static_cast<unsigned>(i) * 8;
        if (first + 8 <= prefix) continue;
        const unsigned keep = prefix > first ? prefix - first : 0;
        const auto mask = static_cast<std::uint8_t>(0xFFu >> keep);
        if ((octets[i] & mask) != 0) return true;
    }
    return false;
}

void clearHostBits(Ipv6Octets& octets, unsigned prefix, bool v4) {
    for (std::size_t i = 0; i < familyOctets(v4); ++i) {
        const unsigned first = static_cast<unsigned>(i) * 8;
        if (first + 8 <= prefix) continue;
        const unsigned keep = prefix > first ? prefix - first : 0;
        octets[i] = static_cast<std::uint8_t>(octets[i] & ~(0xFFu >> keep));
    }
}

}  // namespace

std::string_view describe(IpNetworkError error) {
    switch (error) {
        case IpNetworkError::Empty: return "empty network";
        case IpNetworkError::BadAddress: return "not an IPv4 or IPv6 address";
        case IpNetworkError::BadPrefix: return "the prefix length after '/' is not a number";
        case IpNetworkError::PrefixTooLong: return "the prefix length is over 32 (IPv4) or 128 (IPv6)";
        case IpNetworkError::HostBitsSet: return "address bits beyond the prefix length are set";
    }
    return "invalid network";
}

bool IpNetwork::contains(const ClientIp& ip) const {
    if (ip.v4 != v4) return false;
    for (std::size_t i = 0; i < familyOctets(v4); ++i) {
        const unsigned first = static_cast<unsigned>(i) * 8;
        if (first >= prefix) return true;
        const unsigned keep = prefix - first < 8 ? prefix - first : 8;
        const auto mask = static_cast<std::uint8_t>(0xFFu << (8 - keep));
        if ((ip.octets[i] & mask) != (address[i] & mask)) return false;
    }
    return true;
}

Result<IpNetwork, IpNetworkError> parseIpNetwork(std::string_view text, HostBits hostBits) {
    if (text.empty()) return fail(IpNetworkError::Empty);
    const std::size_t slash = text.find('/');
    const std::string_view addressText = text.substr(0, slash);
    const auto client = parseClientIp(addressText);
    if (!client) return fail(IpNetworkError::BadAddress);
    const bool writtenAsV6 = addressText.find(':') != std::string_view::npos;

    IpNetwork network;
    network.v4 = client->v4;
    network.address = client->octets;
    network.prefix = client->v4 ? 32 : 128;
    if (slash != std::string_view::npos) {
        const auto prefix = parsePrefix(text.substr(slash + 1));
        if (!prefix) return fail(IpNetworkError::BadPrefix);
        if (*prefix > (writtenAsV6 ? 128u : 32u)) return fail(IpNetworkError::PrefixTooLong);
        network.prefix = *prefix;
        if (writtenAsV6 && client->v4) {
            // An IPv4-mapped address: /96 and longer is an IPv4 network; shorter prefixes
            // reach beyond the mapped range and stay IPv6.
            if (*prefix >= kMappedPrefix) {
                network.prefix = *prefix - kMappedPrefix;
            } else {
                network.v4 = false;
                network.address = *parseIpv6(addressText);
            }
        }
    }
    if (hasHostBits(network.address, network.prefix, network.v4)) {
        if (hostBits == HostBits::MustBeZero) return fail(IpNetworkError::HostBitsSet);
        clearHostBits(network.address, network.prefix, network.v4);
    }
    return network;
}

std::string formatIpNetwork(const IpNetwork& network) {
    const std::string address = formatClientIp(ClientIp{network.v4, network.address});
    const unsigned full = network.v4 ? 32 : 128;
    if (network.prefix == full) return address;
    return address + "/" + std::to_string(network.prefix);
}

bool anyContains(const std::vector<IpNetwork>& networks, const ClientIp& ip) {
    for (const IpNetwork& network : networks) {
        if (network.contains(ip)) return true;
    }
    return false;
}

}  // namespace dmarc::core
