// Starting and stopping NSD for tests: see nsd_server.h.
#include "nsd_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include "child_process.h"

#ifndef DMARC_TEST_ZONES_DIR
#error "DMARC_TEST_ZONES_DIR must name tests/data/zones"
#endif
#ifndef DMARC_NSD_PROGRAM
#define DMARC_NSD_PROGRAM "/usr/sbin/nsd"
#endif

namespace dmarc::testdns {

using core::fail;

std::string testZonesDir() { return DMARC_TEST_ZONES_DIR; }

struct NsdServer::Running {
    TempDir dir;
    ChildProcess process;
};

namespace {

constexpr int startAttempts = 5;
constexpr auto readyTimeout = std::chrono::seconds(10);

struct Zone {
    std::string name;
    std::string file;
};

core::Result<std::vector<Zone>, std::string> findZones(const std::string& dir) {
    std::vector<Zone> zones;
    std::error_code error;
    for (const auto& entry : std::filesystem::directory_iterator(dir, error)) {
        if (entry.path().extension() == ".zone") {
            zones.push_back(Zone{entry.path().stem().string(), std::filesystem::absolute(entry.path()).string()});
        }
    }
    if (error) return fail("cannot list " + dir + ": " + error.message());
    if (zones.empty()) return fail("no *.zone file in " + dir);
    std::sort(zones.begin(), zones.end(), [](const Zone& a, const Zone& b) { return a.name < b.name; });
    return zones;
}

std::string configText(const std::string& dir, std::uint16_t port, bool ipv6, const std::vector<Zone>& zones) {
    const std::string portText = std::to_string(port);
    std::string text = "server:\n";
    text += "    ip-address: 127.0.0.1@" + portText + "\n";
    if (ipv6) text += "    ip-address: ::1@" + portText + "\n";
    text += "    port: " + portText + "\n";
    text += std::string("    do-ip6: ") + (ipv6 ? "yes" : "no") + "\n";
    text += "    username: \"\"\n    chroot: \"\"\n    database: \"\"\n";
    text += "    zonesdir: \"" + dir + "\"\n";
    text += "    pidfile: \"" + dir + "/nsd.pid\"\n";
    text += "    xfrdfile: \"" + dir + "/xfrd.state\"\n";
    text += "    xfrdir: \"" + dir + "\"\n";
    text += "    zonelistfile: \"" + dir + "/zone.list\"\n";
    text += "    logfile: \"" + dir + "/nsd.log\"\n";
    text += "    server-count: 1\n    tcp-count: 256\n    hide-version: yes\n";
    // Debian builds NSD with response rate limiting: under load it would drop answers.
    text += "    rrl-ratelimit: 0\n    rrl-whitelist-ratelimit: 0\n";
    text += "remote-control:\n    control-enable: no\n";
    for (const Zone& zone : zones) {
        text += "zone:\n    name: \"" + zone.name + "\"\n    zonefile: \"" + zone.file + "\"\n";
    }
    return text;
}

// An SOA query for `zone` in wire form.
std::vector<std::uint8_t> soaQuery(const std::string& zone) {
    std::vector<std::uint8_t> query{0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0};
    std::size_t start = 0;
    while (start <= zone.size()) {
        const std::size_t dot = std::min(zone.find('.', start), zone.size());
        query.push_back(static_cast<std::uint8_t>(dot - start));
        query.insert(query.end(), zone.begin() + static_cast<long>(start), zone.begin() + static_cast<long>(dot));
        start = dot + 1;
    }
    query.insert(query.end(), {0, 0, 6, 0, 1});
    return query;
}

enum class Probe { Silent, Served, NotServed };

// Asks 127.0.0.1:port for the SOA of `zone`: Served once NSD answers it with NOERROR,
// NotServed when NSD answers with an error (the zone did not load), Silent otherwise.
Probe probe(std::uint16_t port, const std::string& zone, std::chrono::milliseconds wait) {
    const int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return Probe::Silent;
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const std::vector<std::uint8_t> query = soaQuery(zone);
    Probe result = Probe::Silent;
    if (sendto(fd, query.data(), query.size(), 0, reinterpret_cast<const sockaddr*>(&address), sizeof address) > 0) {
        pollfd ready{fd, POLLIN, 0};
        std::uint8_t reply[512];
        if (poll(&ready, 1, static_cast<int>(wait.count())) == 1 && recv(fd, reply, sizeof reply, 0) >= 12 &&
            reply[0] == 0x12 && reply[1] == 0x34) {
            result = (reply[3] & 0x0F) == 0 ? Probe::Served : Probe::NotServed;
        }
    }
    close(fd);
    return result;
}

// Served when every zone is; NotServed as soon as one is refused.
Probe probeAll(std::uint16_t port, const std::vector<Zone>& zones) {
    for (const Zone& zone : zones) {
        const Probe result = probe(port, zone.name, std::chrono::milliseconds(100));
        if (result != Probe::Served) return result;
    }
    return Probe::Served;
}

}  // namespace

NsdServer::NsdServer(std::unique_ptr<Running> running, std::uint16_t port, bool ipv6)
    : running_(std::move(running)), port_(port), ipv6_(ipv6) {}

NsdServer::~NsdServer() = default;  // ~ChildProcess stops NSD, then ~TempDir removes its files

std::optional<Endpoint> NsdServer::endpoint6() const {
    if (!ipv6_) return std::nullopt;
    return Endpoint{"::1", port_};
}

std::string NsdServer::log() const { return readWholeFile(running_->dir.path() + "/nsd.log"); }

core::Result<std::unique_ptr<NsdServer>, std::string> NsdServer::start(const NsdOptions& options) {
    auto zones = findZones(options.zonesDir);
    if (!zones) return fail(zones.error());
    std::string lastFailure;
    for (int attempt = 0; attempt < startAttempts; ++attempt) {
        auto dir = TempDir::create("dmarc-nsd-");
        if (!dir) return fail(dir.error());
        auto port = pickFreePort(options.ipv6);
        if (!port) return fail(port.error());
        const std::string config = dir->path() + "/nsd.conf";
        std::ofstream(config) << configText(dir->path(), *port, options.ipv6, *zones);
        const std::string output = dir->path() + "/nsd.out";
        const int outputFd = open(output.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        auto process = ChildProcess::spawn({DMARC_NSD_PROGRAM, "-d", "-c", config}, outputFd, outputFd);
        if (outputFd >= 0) close(outputFd);
        if (!process) return fail(process.error());
        auto running = std::make_unique<Running>(Running{std::move(dir).value(), std::move(process).value()});
        const auto giveUp = std::chrono::steady_clock::now() + readyTimeout;
        while (running->process.running() && std::chrono::steady_clock::now() < giveUp) {
            const Probe result = probeAll(*port, *zones);
            if (result == Probe::Served) {
                return std::unique_ptr<NsdServer>(new NsdServer(std::move(running), *port, options.ipv6));
            }
            if (result == Probe::NotServed) {
                return fail("NSD does not serve every zone in " + options.zonesDir + ":\n" +
                            readWholeFile(running->dir.path() + "/nsd.log") + readWholeFile(output));
            }
        }
        // Most likely the port was taken between picking and binding: try another.
        lastFailure = "NSD did not answer on port " + std::to_string(*port) + ":\n" +
                      readWholeFile(running->dir.path() + "/nsd.log") + readWholeFile(output);
    }
    return fail(lastFailure);
}

}  // namespace dmarc::testdns
