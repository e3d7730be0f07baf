// ScriptedResponder: runs tests/dns/responder.py (a scriptable DNS server: faults, query
// counting, the RFC 7208 suite's zone data) for a test and talks to its control socket.
// start() returns once it listens; destruction stops it by PID. Use inside a network
// namespace (tests/dns/netns-run). See tests/dns/README.md for the script format. Test code
// only; one object per test (queryCount/reset may be called from any one thread at a time).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/result.h"
#include "dns_endpoint.h"

namespace dmarc::testdns {

// The tests/dns directory of the source tree (responder.py and its scripts live there).
std::string testDnsDir();

class ScriptedResponder {
public:
    // `args` go to responder.py as they are, e.g. {"--script", testDnsDir() + "/faults.yaml"}
    // or {"--rfc7208", suiteFile, "--scenario", "Record lookup"}; add {"--listen", "::1"}
    // for IPv6.
    static core::Result<std::unique_ptr<ScriptedResponder>, std::string> start(const std::vector<std::string>& args);
    static core::Result<std::unique_ptr<ScriptedResponder>, std::string> startScript(const std::string& scriptPath);
    // One scenario of the RFC 7208 suite: its 0-based index or its exact description.
    static core::Result<std::unique_ptr<ScriptedResponder>, std::string> startRfc7208(const std::string& suiteFile,
                                                                                      const std::string& scenario);
    ~ScriptedResponder();
    ScriptedResponder(const ScriptedResponder&) = delete;
    ScriptedResponder& operator=(const ScriptedResponder&) = delete;

    Endpoint endpoint() const { return endpoint_; }

    // Queries received so far for `name` ("*": any name) of `type` ("TXT", "A", ... or "*")
    // over `transport` ("udp", "tcp" or "*"), counted when they arrive, answered or not.
    core::Result<std::uint64_t, std::string> queryCount(const std::string& name, const std::string& type = "*",
                                                        const std::string& transport = "*") const;
    // Sets every count back to zero (true), or says why it could not.
    core::Result<bool, std::string> reset() const;

    struct Running;  // the process (defined in the .cpp)

private:
    ScriptedResponder(std::unique_ptr<Running> running, Endpoint endpoint, std::uint16_t controlPort);
    core::Result<std::string, std::string> control(const std::string& command) const;

    std::unique_ptr<Running> running_;
    Endpoint endpoint_;
    std::uint16_t controlPort_ = 0;
};

}  // namespace dmarc::testdns
