// Strict IPv4/IPv6 text parsing and canonical formatting for SPF (see spf_address.h).
// Written here rather than with inet_pton because lib/core links no socket API and
// because RFC 7208's ip4-network is stricter than inet_pton (no leading zeros). Pure.
#include "spf_address.h"

#include <algorithm>
#include <cstddef>
#include <vector>

namespace dmarc::core {
namespace {

// The longest valid text form: "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255".
constexpr std::size_t kMaxIpv6Text = 45;

bool isDigit(char c) { return c >= '0' && c <= '9'; }

int hexValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// One qnum (RFC 7208 §5.6): 0..255, no leading zero.
std::optional<std::uint8_t> parseOctet(std::string_view text) {
    if (text.empty() || text.size() > 3) return std::nullopt;
    if (text.size() > 1 && text.front() == '0') return std::nullopt;
    unsigned value = 0;
    for (char c : text) {
        if (!isDigit(c)) return std::nullopt;
        value = value * 10 + static_cast<unsigned>(c - '0');
    }
    if (value > 255) return std::nullopt;
    return static_cast<std::uint8_t>(value);
}

// Hex groups of one side of "::" (or of the whole address), appended to `groups`. The
// last group may be a dotted quad when `quadAllowed` (it is the address's last 32 bits).
bool parseGroups(std::string_view part, bool quadAllowed, std::vector<std::uint16_t>& groups) {
    if (part.empty()) return true;
    std::size_t start = 0;
    while (true) {
        const std::size_t colon = part.find(':', start);
        const std::string_view piece =
            part.substr(start, colon == std::string_view::npos ? std::string_view::npos : colon - start);
        const bool last = colon == std::string_view::npos;
        if (piece.empty()) return false;
        if (last && quadAllowed && piece.find('.') != std::string_view::npos) {
            const auto quad = parseIpv4(piece);
            if (!quad) return false;
            groups.push_back(static_cast<std::uint16_t>(((*quad)[0] << 8) | (*quad)[1]));
            groups.push_back(static_cast<std::uint16_t>(((*quad)[2] << 8) | (*quad)[3]));
            return true;
        }
        if (piece.size() > 4) return false;
        unsigned value = 0;
        for (char c : piece) {
            const int digit = hexValue(c);
            if (digit < 0) return false;
            value = value * 16 + static_cast<unsigned>(digit);
        }
        groups.push_back(static_cast<std::uint16_t>(value));
        if (last) return true;
        start = colon + 1;
    }
}

void appendHex(std::string& out, unsigned value) {
    static constexpr char kDigits[] = "0123456789abcdef";
    bool started = false;
    for (int shift = 12; shift >= 0; shift -= 4) {
        const unsigned digit = (value >> shift) & 0xFU;
        if (digit != 0 || started || shift == 0) {
            out.push_back(kDigits[digit]);
            started = true;
        }
    }
}

bool isIpv4Mapped(const Ipv6Octets& octets) {
    return std::all_of(octets.begin(), octets.begin() + 10, [](std::uint8_t b) { return b == 0; }) &&
           octets[10] == 0xFF && octets[11] == 0xFF;
}

}  // namespace

std::optional<Ipv4Octets> parseIpv4(std::string_view text) {
    Ipv4Octets octets{};
    std::size_t start = 0;
    for (std::size_t i = 0; i < 4; ++i) {
        const std::size_t dot = text.find('.', start);
        if ((i < 3) != (dot != std::string_view::npos)) return std::nullopt;
        const auto octet = parseOctet(text.substr(start, i < 3 ? dot - start : std::string_view::npos));
        if (!octet) return std::nullopt;
        octets[i] = *octet;
        start = dot + 1;
    }
    return octets;
}

std::optional<Ipv6Octets> parseIpv6(std::string_view text) {
    if (text.size() < 2 || text.size() > kMaxIpv6Text) return std::nullopt;
    std::vector<std::uint16_t> head;
    std::vector<std::uint16_t> tail;
    const std::size_t gap = text.find("::");
    if (gap == std::string_view::npos) {
        if (!parseGroups(text, true, head) || head.size() != 8) return std::nullopt;
    } else {
        if (text.find("::", gap + 1) != std::string_view::npos) return std::nullopt;
        if (!parseGroups(text.substr(0, gap), false, head)) return std::nullopt;
        if (!parseGroups(text.substr(gap + 2), true, tail)) return std::nullopt;
        if (head.size() + tail.size() > 7) return std::nullopt;
    }
    std::array<std::uint16_t, 8> groups{};
    std::copy(head.begin(), head.end(), groups.begin());
    std::copy(tail.begin(), tail.end(), groups.end() - static_cast<std::ptrdiff_t>(tail.size()));
    Ipv6Octets octets{};
    for (std::size_t i = 0; i < 8; ++i) {
        octets[2 * i] = static_cast<std::uint8_t>(groups[i] >> 8);
        octets[2 * i + 1] = static_cast<std::uint8_t>(groups[i] & 0xFF);
    }
    return octets;
}

std::string formatIpv4(const Ipv4Octets& octets) {
    std::string out;
    for (std::size_t i = 0; i < 4; ++i) {
        if (i > 0) out.push_back('.');
        out += std::to_string(octets[i]);
    }
    return out;
}

std::string formatIpv6(const Ipv6Octets& octets) {
    if (isIpv4Mapped(octets)) {
        return "::ffff:" + formatIpv4({octets[12], octets[13], octets[14], octets[15]});
    }
    std::array<unsigned, 8> groups{};
    for (std::size_t i = 0; i < 8; ++i) groups[i] = (unsigned{octets[2 * i]} << 8) | octets[2 * i + 1];
    // RFC 5952 §4.2: "::" replaces the longest run of two or more zero groups, the first
    // such run on a tie.
    std::size_t bestStart = 8;
    std::size_t bestLength = 1;
    for (std::size_t i = 0; i < 8;) {
        if (groups[i] != 0) {
            ++i;
            continue;
        }
        std::size_t end = i;
        while (end < 8 && groups[end] == 0) ++end;
        if (end - i > bestLength) {
            bestStart = i;
            bestLength = end - i;
        }
        i = end;
    }
    std::string out;
    for (std::size_t i = 0; i < 8; ++i) {
        if (i == bestStart) {
            out += "::";
            i += bestLength - 1;
            continue;
        }
        if (!out.empty() && out.back() != ':') out.push_back(':');
        appendHex(out, groups[i]);
    }
    return out;
}

std::optional<ClientIp> parseClientIp(std::string_view text) {
    if (text.find(':') == std::string_view::npos) {
        const auto v4 = parseIpv4(text);
        if (!v4) return std::nullopt;
        ClientIp ip;
        std::copy(v4->begin(), v4->end(), ip.octets.begin());
        return ip;
    }
    const auto v6 = parseIpv6(text);
    if (!v6) return std::nullopt;
    ClientIp ip;
    if (isIpv4Mapped(*v6)) {
        std::copy(v6->begin() + 12, v6->end(), ip.octets.begin());
        return ip;
    }
    ip.v4 = false;
    ip.octets = *v6;
    return ip;
}

std::string formatClientIp(const ClientIp& ip) {
    if (ip.v4) return formatIpv4({ip.octets[0], ip.octets[1], ip.octets[2], ip.octets[3]});
    return formatIpv6(ip.octets);
}

}  // namespace dmarc::core
