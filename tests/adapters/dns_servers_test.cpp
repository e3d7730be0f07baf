// Tests for the test DNS tooling itself (tests/dns): NSD starts on a free port and is gone,
// port released, after its handle is destroyed; the responder reports the queries it got
// and refuses a script it cannot follow. Other tests trust these helpers.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>

#include "child_process.h"
#include "nsd_server.h"
#include "resolver_fixture.h"
#include "scripted_responder.h"

using namespace dmarc::testdns;
using dmarc::adapters::RrType;
using dmarc::core::DnsStatus;
using dmarc::testwire::in;
using dmarc::testwire::makeResolver;
using std::chrono::milliseconds;

namespace {

bool udpPortFree(std::uint16_t port) {
    const int fd = socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const bool bound = bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0;
    close(fd);
    return bound;
}

}  // namespace

TEST_CASE("dns_servers starts NSD on a free port and stops it by PID") {
    std::uint16_t port = 0;
    {
        const auto nsd = NsdServer::start();
        REQUIRE(nsd.ok());
        port = nsd.value()->endpoint().port;
        CHECK(port != 0);
        CHECK(nsd.value()->endpoint().hostPort() == "127.0.0.1:" + std::to_string(port));
        CHECK_FALSE(udpPortFree(port));
        CHECK(nsd.value()->log().find("nsd started") != std::string::npos);
        CHECK_FALSE(nsd.value()->endpoint6());
    }
    CHECK(udpPortFree(port));
}

TEST_CASE("dns_servers reports a zone directory without zones") {
    auto dir = TempDir::create("dmarc-nozones-");
    REQUIRE(dir.ok());
    NsdOptions options;
    options.zonesDir = dir.value().path();
    const auto nsd = NsdServer::start(options);
    REQUIRE_FALSE(nsd.ok());
    CHECK(nsd.error().find("no *.zone file") != std::string::npos);
}

TEST_CASE("dns_servers reports a zone file NSD cannot load") {
    auto dir = TempDir::create("dmarc-badzone-");
    REQUIRE(dir.ok());
    std::ofstream(dir.value().path() + "/broken.test.zone") << "this is not a zone file\n";
    NsdOptions options;
    options.zonesDir = dir.value().path();
    const auto nsd = NsdServer::start(options);
    // NSD starts but serves nothing for the zone, so the SOA probe never gets its answer
    // (or NSD exits): either way a failure naming NSD, not a hang.
    CHECK_FALSE(nsd.ok());
}

TEST_CASE("dns_servers responder counts queries by name, type and transport") {
    const auto responder = ScriptedResponder::startScript(testDnsDir() + "/faults.yaml");
    REQUIRE(responder.ok());
    const ScriptedResponder& server = *responder.value();
    CHECK(server.endpoint().host == "127.0.0.1");
    auto resolver = makeResolver(server.endpoint().hostPort());
    REQUIRE(resolver->lookup("ok.fault.test", RrType::Txt, in(milliseconds(5000))).status == DnsStatus::Ok);
    REQUIRE(resolver->lookup("OK.fault.test", RrType::A, in(milliseconds(5000))).status == DnsStatus::NoData);
    CHECK(server.queryCount("ok.fault.test").value() == 2);
    CHECK(server.queryCount("ok.fault.test", "TXT").value() == 1);
    CHECK(server.queryCount("ok.fault.test", "A", "udp").value() == 1);
    CHECK(server.queryCount("ok.fault.test", "*", "tcp").value() == 0);
    CHECK(server.queryCount("*").value() == 2);
    REQUIRE(server.reset().ok());
    CHECK(server.queryCount("*").value() == 0);
}

TEST_CASE("dns_servers responder listens on ::1 when asked") {
    const auto responder = ScriptedResponder::start({"--script", testDnsDir() + "/faults.yaml", "--listen", "::1"});
    REQUIRE(responder.ok());
    CHECK(responder.value()->endpoint().hostPort().rfind("[::1]:", 0) == 0);
    auto resolver = makeResolver(responder.value()->endpoint().hostPort());
    CHECK(resolver->lookup("ok.fault.test", RrType::Txt, in(milliseconds(5000))).txt ==
          std::vector<std::string>{"v=spf1 -all"});
}

TEST_CASE("dns_servers responder refuses scripts and arguments it cannot follow") {
    auto dir = TempDir::create("dmarc-script-");
    REQUIRE(dir.ok());
    const std::string script = dir.value().path() + "/bad.yaml";
    std::ofstream(script) << "faults:\n  x.test: explode\n";
    CHECK_FALSE(ScriptedResponder::startScript(script).ok());
    CHECK_FALSE(ScriptedResponder::startScript(dir.value().path() + "/missing.yaml").ok());
    CHECK_FALSE(ScriptedResponder::start({"--no-such-option"}).ok());
}
