// Fuzz target for pipeline::clientBehindRelays (relay_headers.h): the input's lines as
// Received field bodies, newest first, behind fixed trusted relays. Only fields written
// by hosts we trust may be read: our own MTA's (the top one) and, below a field naming a
// trusted relay, that relay's. Invariants: never throws; a result is what
// parseReceivedFrom reads from some field k, its address is not a relay, and every field
// above k names a relay; and the answer never changes when a forged field is appended
// below the first field that does not name a trusted relay (the client's, or one we
// cannot read), since the client could have written anything from there on.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/ip_network.h"
#include "pipeline/relay_headers.h"

namespace {

using namespace dmarc;

const std::vector<core::IpNetwork>& relays() {
    static const auto networks = [] {
        std::vector<core::IpNetwork> out;
        for (const char* text : {"198.51.100.0/24", "2001:db8:ffff::/48", "127.0.0.0/8", "::1"}) {
            const auto parsed = core::parseIpNetwork(text);
            if (!parsed.ok()) __builtin_trap();
            out.push_back(parsed.value());
        }
        return out;
    }();
    return networks;
}

std::vector<std::string> lines(std::string_view input) {
    std::vector<std::string> out;
    while (!input.empty()) {
        const std::size_t end = input.find('\n');
        out.emplace_back(input.substr(0, end));
        input.remove_prefix(end == std::string_view::npos ? input.size() : end + 1);
    }
    return out;
}

bool same(const std::optional<pipeline::ReceivedFrom>& a, const std::optional<pipeline::ReceivedFrom>& b) {
    if (a.has_value() != b.has_value()) return false;
    return !a || (a->ip == b->ip && a->ipText == b->ipText && a->helo == b->helo);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        auto fields = lines(std::string_view(reinterpret_cast<const char*>(data), size));
        const auto client = pipeline::clientBehindRelays(fields, relays());

        // Where trust ends: the first field that does not name a trusted relay.
        std::size_t end = 0;
        std::optional<pipeline::ReceivedFrom> atEnd;
        for (; end < fields.size(); ++end) {
            atEnd = pipeline::parseReceivedFrom(fields[end]);
            if (!atEnd || !core::anyContains(relays(), atEnd->ip)) break;
        }
        if (client) {
            if (end == fields.size() || !same(client, atEnd)) __builtin_trap();
            if (core::anyContains(relays(), client->ip)) __builtin_trap();
        }
        if (end < fields.size()) {
            fields.resize(end + 1);
            fields.emplace_back(" from forged.example (forged.example [192.0.2.66]) by " + fields[end]);
            fields.emplace_back(" from relay.example (relay.example [198.51.100.9]) by forged.example");
            if (!same(client, pipeline::clientBehindRelays(fields, relays()))) __builtin_trap();
        }
    } catch (...) {
        __builtin_trap();  // never throws
    }
    return 0;
}
