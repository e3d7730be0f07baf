// Fuzz target for pipeline::parseReceivedFrom (relay_headers.h): any bytes as a Received
// field body, and the same bytes as the client's HELO inside the fields Postfix, Sendmail
// and Exim write. The client chooses its HELO but not its address, so from those fields
// the parser must give the real client address or nothing, never an address the HELO
// carries; and for a plain one-word HELO it must find the address and that HELO.
// Invariants on any body: never throws; nothing without '['; a result's address is
// canonical and is the address of an address literal in the body; its HELO is one
// non-empty word of the body.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/spf_address.h"
#include "pipeline/relay_headers.h"

namespace {

using dmarc::core::formatClientIp;
using dmarc::core::parseClientIp;
using dmarc::pipeline::parseReceivedFrom;
using dmarc::pipeline::ReceivedFrom;

bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// True when some "[...]" of `body` (with an optional "IPv6:" prefix, any case) holds the
// address `ip`.
bool someLiteralHolds(std::string_view body, const dmarc::core::ClientIp& ip) {
    for (std::size_t open = body.find('['); open != std::string_view::npos; open = body.find('[', open + 1)) {
        const std::size_t close = body.find(']', open);
        if (close == std::string_view::npos) return false;
        std::string_view inside = body.substr(open + 1, close - open - 1);
        if (inside.size() > 5 && (inside[0] | 0x20) == 'i' && (inside[1] | 0x20) == 'p' && (inside[2] | 0x20) == 'v' &&
            inside[3] == '6' && inside[4] == ':') {
            inside.remove_prefix(5);
        }
        if (const auto parsed = parseClientIp(inside); parsed && *parsed == ip) return true;
    }
    return false;
}

void checkAnyBody(std::string_view body, const std::optional<ReceivedFrom>& from) {
    if (!from) return;
    if (body.find('[') == std::string_view::npos) __builtin_trap();
    if (from->ipText.empty() || from->ipText.size() > 45) __builtin_trap();
    if (formatClientIp(from->ip) != from->ipText || parseClientIp(from->ipText) != from->ip) __builtin_trap();
    if (!someLiteralHolds(body, from->ip)) __builtin_trap();
    if (from->helo.empty() || body.find(from->helo) == std::string_view::npos) __builtin_trap();
    for (char c : from->helo) {
        if (isSpace(c)) __builtin_trap();
    }
}

// The HELO as an MTA keeps it: Postfix's printable() turns control octets into '?' (the
// worst case: Postfix before 3.x left "()<>\";:@" alone); Exim refuses anything but a
// host name or an address literal, so only those characters survive there.
std::string postfixHelo(std::string_view bytes) {
    std::string out;
    for (unsigned char c : bytes) out += (c < 0x20 || c >= 0x7f) ? '?' : static_cast<char>(c);
    return out;
}

std::string eximHelo(std::string_view bytes) {
    std::string out;
    for (unsigned char c : bytes) {
        const bool kept = std::isalnum(c) || c == '.' || c == '-' || c == ':' || c == '[' || c == ']';
        out += kept ? static_cast<char>(c) : '-';
    }
    return out;
}

// A plain HELO: one word without a character that opens a comment or the date.
bool plainHelo(std::string_view helo) {
    if (helo.empty()) return false;
    return helo.find_first_of(" \t(;") == std::string_view::npos && helo != "by" && helo != "BY" &&
           helo != "By" && helo != "bY";
}

constexpr std::string_view kDate = "; Mon, 1 Jan 2024 12:00:00 +0000";

void checkWritten(const std::string& field, std::string_view realIp, const std::string& helo, bool mustFind) {
    const auto from = parseReceivedFrom(field);
    checkAnyBody(field, from);
    if (from && from->ipText != realIp) __builtin_trap();  // an address the client chose
    if (mustFind && (!from || from->helo != helo)) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    try {
        checkAnyBody(input, parseReceivedFrom(input));
        if (input.empty()) return 0;

        const std::string pf = postfixHelo(input);
        const bool plain = plainHelo(pf);
        checkWritten(" from " + pf + " (unknown [203.0.113.5])\r\n\tby mx.example.net (Postfix) with ESMTP id 4TQ1" +
                         std::string(kDate),
                     "203.0.113.5", pf, plain);
        checkWritten(" from " + pf + " (client.example.org [IPv6:2001:db8:5::25])\r\n\t(using TLSv1.3 with cipher"
                         " TLS_AES_256_GCM_SHA384 (256/256 bits))\r\n\tby mx.example.net (Postfix) with ESMTPS id 4TQ2"
                         "\r\n\tfor <postmaster@example.net>" + std::string(kDate),
                     "2001:db8:5::25", pf, plain);
        checkWritten(" from " + pf + " (client.example.org [198.51.100.20]) (may be forged)\r\n\tby mx.example.net"
                         " (8.17.1/8.17.1) with ESMTP id 41BC0x0S012345" + std::string(kDate),
                     "198.51.100.20", pf, plain);

        const std::string ex = eximHelo(input);
        checkWritten(" from client.example.org ([203.0.113.7]:41234 helo=" + ex +
                         ")\r\n\tby exim.example.net with esmtps (Exim 4.96)\r\n\t(envelope-from <a@example.org>)"
                         "\r\n\tid 1rXy2z-000ABC-1x" + std::string(kDate),
                     "203.0.113.7", "client.example.org", true);
        checkWritten(" from [203.0.113.8] (port=41234 helo=" + ex + ")\r\n\tby exim.example.net with esmtp (Exim 4.96)"
                         "\r\n\tid 1rXy2z-000ABC-2x" + std::string(kDate),
                     "203.0.113.8", "[203.0.113.8]", true);
    } catch (...) {
        __builtin_trap();  // never throws
    }
    return 0;
}
