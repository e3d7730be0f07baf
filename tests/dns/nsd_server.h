// NsdServer: a real NSD (/usr/sbin/nsd, Debian's 4.6) serving zone files on loopback for a
// test, in the foreground (-d) on a free port, with its config, pid file, xfrd state and log
// in a temporary directory, response rate limiting off (rrl-ratelimit: 0), and no user
// switch (CI runs as root). start() returns once NSD answers NOERROR for every zone's SOA
// (a zone that does not load is an error at once); destruction stops NSD by PID and removes
// the directory. Use inside a network namespace (tests/dns/netns-run).
// Test code only; one object per test.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "core/result.h"
#include "dns_endpoint.h"

namespace dmarc::testdns {

// tests/data/zones in the source tree: one "<zone name>.zone" file per zone.
std::string testZonesDir();

struct NsdOptions {
    std::string zonesDir = testZonesDir();  // serves every "<zone>.zone" file in it
    bool ipv6 = false;                      // also listen on ::1 (same port)
};

class NsdServer {
public:
    static core::Result<std::unique_ptr<NsdServer>, std::string> start(const NsdOptions& options = {});
    ~NsdServer();
    NsdServer(const NsdServer&) = delete;
    NsdServer& operator=(const NsdServer&) = delete;

    Endpoint endpoint() const { return Endpoint{"127.0.0.1", port_}; }
    std::optional<Endpoint> endpoint6() const;
    // NSD's log so far, for failure messages.
    std::string log() const;

    struct Running;  // the process and its directory (defined in the .cpp)

private:
    NsdServer(std::unique_ptr<Running> running, std::uint16_t port, bool ipv6);
    std::unique_ptr<Running> running_;
    std::uint16_t port_ = 0;
    bool ipv6_ = false;
};

}  // namespace dmarc::testdns
