// Shared pieces of the resolver tests: one NSD per test process (started on first use,
// stopped at exit), resolvers pointed at a test server, and small readers of DnsReply.
// Test code only.
#pragma once

#include <catch2/catch.hpp>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "adapters/cares_resolver.h"
#include "nsd_server.h"

namespace dmarc::testwire {

inline const testdns::NsdServer& sharedNsd() {
    static const auto started = testdns::NsdServer::start();
    if (!started) FAIL("NSD did not start: " << started.error());
    return *started.value();
}

// A resolver for `server` ("host:port") with test-friendly defaults: 1 s per try, 2 tries.
inline std::unique_ptr<adapters::CaresResolver> makeResolver(const std::string& server,
                                                             adapters::ResolverOptions options = {}) {
    options.nameServers = {server};
    if (options.timeout == std::chrono::milliseconds(2000)) options.timeout = std::chrono::milliseconds(1000);
    auto created = adapters::CaresResolver::create(std::move(options));
    if (!created) FAIL("resolver not created: " << created.error());
    return std::move(created).value();
}

inline std::vector<std::string> sorted(std::vector<std::string> texts) {
    std::sort(texts.begin(), texts.end());
    return texts;
}

inline adapters::Deadline in(std::chrono::milliseconds wait) { return std::chrono::steady_clock::now() + wait; }

}  // namespace dmarc::testwire
