// IpNetwork: an IPv4 or IPv6 network in CIDR notation ("192.0.2.0/24", "2001:db8::/32", a
// bare address meaning a single host), validated and canonical, for matching SMTP client
// addresses against configured lists (ignored hosts, trusted forwarders, trusted relays).
// Addresses use spf_address.h's strict syntax; IPv4-mapped IPv6 networks of prefix 96 or
// longer become the IPv4 network they denote, so they match the folded client address.
// Pure functions and immutable values; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "result.h"
#include "spf_address.h"

namespace dmarc::core {

enum class IpNetworkError {
    Empty,          // ""
    BadAddress,     // the part before '/' is not an IPv4 or IPv6 address
    BadPrefix,      // after '/': not a decimal number (empty, sign, leading zero, letters)
    PrefixTooLong,  // over 32 for IPv4, over 128 for IPv6
    HostBitsSet,    // "192.0.2.1/24": bits beyond the prefix are not zero
};

std::string_view describe(IpNetworkError error);

struct IpNetwork {
    bool v4 = true;
    Ipv6Octets address{};  // IPv4: the first four octets; bits beyond `prefix` are zero
    unsigned prefix = 32;  // 0..32 for IPv4, 0..128 for IPv6

    // True when `ip` is of the same family and its first `prefix` bits equal ours.
    bool contains(const ClientIp& ip) const;

    friend bool operator==(const IpNetwork&, const IpNetwork&) = default;
};

// What to do with bits set beyond the prefix: refuse (configuration: "192.0.2.1/24" is a
// typo more often than not) or clear them (to suggest the network the text meant).
enum class HostBits { MustBeZero, Clear };

// "ADDRESS" or "ADDRESS/PREFIX"; no spaces, no brackets, no zone index.
Result<IpNetwork, IpNetworkError> parseIpNetwork(std::string_view text,
                                                 HostBits hostBits = HostBits::MustBeZero);

// Canonical text: "192.0.2.0/24", "2001:db8::/32"; a single host without its prefix
// ("192.0.2.1", "::1"). parseIpNetwork(formatIpNetwork(n)) == n.
std::string formatIpNetwork(const IpNetwork& network);

// True when any network of `networks` contains `ip` (a linear scan: lists are short).
bool anyContains(const std::vector<IpNetwork>& networks, const ClientIp& ip);

}  // namespace dmarc::core
