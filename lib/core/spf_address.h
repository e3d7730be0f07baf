// Strict text forms of IP addresses as SPF writes them (RFC 7208 §5.6): ip4-network is a
// dotted quad of decimal octets without leading zeros ("01.2.3.4" is an error), ip6-network
// is any RFC 4291 §2.2 form, including "::" and a trailing dotted quad. Also used for the
// SMTP client address, where an IPv4-mapped IPv6 address counts as IPv4 (RFC 7208 §5).
// Formatting gives the canonical forms (RFC 5952 for IPv6). Pure functions; thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace dmarc::core {

using Ipv4Octets = std::array<std::uint8_t, 4>;
using Ipv6Octets = std::array<std::uint8_t, 16>;

// "192.0.2.1" → its octets; anything else (missing parts, leading zeros, > 255, spaces,
// ports, trailing dots) → nullopt.
std::optional<Ipv4Octets> parseIpv4(std::string_view text);
// "2001:db8::1", "::ffff:192.0.2.1", "CAFE:BABE::" → its octets. Hex groups of 1..4
// digits, at most one "::", a dotted quad only as the last 32 bits; no zone index, no
// brackets, no prefix length → otherwise nullopt.
std::optional<Ipv6Octets> parseIpv6(std::string_view text);

std::string formatIpv4(const Ipv4Octets& octets);  // "192.0.2.1"
std::string formatIpv6(const Ipv6Octets& octets);  // RFC 5952: "2001:db8::1", lower case

// An SMTP client address, IPv4-mapped IPv6 already folded to IPv4.
struct ClientIp {
    bool v4 = true;
    Ipv6Octets octets{};  // IPv4: the first four octets
    friend bool operator==(const ClientIp&, const ClientIp&) = default;
};

// IPv4 or IPv6 text (as parseIpv4/parseIpv6); "::ffff:a.b.c.d" and its hex spellings
// become IPv4 a.b.c.d (RFC 7208 §5: such clients MUST be treated as IPv4).
std::optional<ClientIp> parseClientIp(std::string_view text);
std::string formatClientIp(const ClientIp& ip);

}  // namespace dmarc::core
