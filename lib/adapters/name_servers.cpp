// Name-server list parsing: see name_servers.h. inet_pton does the address syntax.
#include "name_servers.h"

#include <arpa/inet.h>

#include <charconv>
#include <string_view>

namespace dmarc::adapters {

using core::fail;

namespace {

bool parsePort(std::string_view text, std::uint16_t& port) {
    unsigned value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc{} || end != text.data() + text.size() || value == 0 || value > 65535) return false;
    port = static_cast<std::uint16_t>(value);
    return true;
}

bool parseAddress(const std::string& text, NameServer& server) {
    if (inet_pton(AF_INET, text.c_str(), server.address.data()) == 1) return true;
    server.ipv6 = true;
    return inet_pton(AF_INET6, text.c_str(), server.address.data()) == 1;
}

core::Result<NameServer, std::string> parseEntry(std::string_view entry) {
    NameServer server;
    std::string host;
    std::string_view port;
    if (!entry.empty() && entry.front() == '[') {
        const auto close = entry.find(']');
        if (close == std::string_view::npos) return fail(std::string("missing ']'"));
        host = entry.substr(1, close - 1);
        const std::string_view rest = entry.substr(close + 1);
        if (!rest.empty()) {
            if (rest.front() != ':') return fail(std::string("expected ':port' after ']'"));
            port = rest.substr(1);
            if (port.empty()) return fail(std::string("empty port"));
        }
        if (host.find(':') == std::string::npos) return fail(std::string("brackets are for IPv6 addresses"));
    } else if (entry.find(':') != entry.rfind(':')) {
        host = entry;  // a bare IPv6 address: its port is 53
    } else {
        const auto colon = entry.find(':');
        host = entry.substr(0, colon);
        if (colon != std::string_view::npos) {
            port = entry.substr(colon + 1);
            if (port.empty()) return fail(std::string("empty port"));
        }
    }
    if (!port.empty() && !parsePort(port, server.port)) return fail(std::string("port must be 1-65535"));
    if (!parseAddress(host, server)) return fail(std::string("not a numeric IPv4 or IPv6 address"));
    return server;
}

}  // namespace

core::Result<std::vector<NameServer>, std::string> parseNameServers(const std::vector<std::string>& entries) {
    std::vector<NameServer> servers;
    for (const std::string& entry : entries) {
        auto server = parseEntry(entry);
        if (!server) return fail("name server \"" + entry + "\": " + server.error());
        servers.push_back(*server);
    }
    return servers;
}

}  // namespace dmarc::adapters
