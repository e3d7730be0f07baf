// Running responder.py for tests: see scripted_responder.h. It prints "READY <port>
// <control-port>" once it listens; the control socket speaks one line per command.
#include "scripted_responder.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <charconv>
#include <chrono>
#include <sstream>

#include "child_process.h"

#ifndef DMARC_TEST_DNS_DIR
#error "DMARC_TEST_DNS_DIR must name tests/dns"
#endif
#ifndef DMARC_TEST_PYTHON
#define DMARC_TEST_PYTHON "/usr/bin/python3"
#endif

namespace dmarc::testdns {

using core::fail;

std::string testDnsDir() { return DMARC_TEST_DNS_DIR; }

struct ScriptedResponder::Running {
    ChildProcess process;
};

namespace {

constexpr int readyTimeoutMs = 15000;

// Reads one line from `fd` within the timeout ("" on timeout or EOF).
std::string readLine(int fd, int timeoutMs) {
    std::string line;
    const auto giveUp = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
    while (line.empty() || line.back() != '\n') {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(giveUp - std::chrono::steady_clock::now());
        pollfd ready{fd, POLLIN, 0};
        if (left.count() <= 0 || poll(&ready, 1, static_cast<int>(left.count())) != 1) return "";
        char c = 0;
        if (read(fd, &c, 1) != 1) return "";
        line.push_back(c);
    }
    line.pop_back();
    return line;
}

int connectControl(std::uint16_t port) {
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

core::Result<std::uint64_t, std::string> number(const std::string& text) {
    std::uint64_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc{} || end != text.data() + text.size()) return fail("responder said: " + text);
    return value;
}

}  // namespace

ScriptedResponder::ScriptedResponder(std::unique_ptr<Running> running, Endpoint endpoint, std::uint16_t controlPort)
    : running_(std::move(running)), endpoint_(std::move(endpoint)), controlPort_(controlPort) {}

ScriptedResponder::~ScriptedResponder() = default;  // ~ChildProcess stops it

core::Result<std::unique_ptr<ScriptedResponder>, std::string> ScriptedResponder::start(
    const std::vector<std::string>& args) {
    std::vector<std::string> argv{DMARC_TEST_PYTHON, testDnsDir() + "/responder.py"};
    argv.insert(argv.end(), args.begin(), args.end());
    std::string host = "127.0.0.1";
    for (std::size_t i = 0; i + 1 < args.size(); ++i) {
        if (args[i] == "--listen") host = args[i + 1];
    }
    int pipeFds[2];
    if (pipe2(pipeFds, O_CLOEXEC) != 0) return fail(std::string("pipe failed"));
    auto process = ChildProcess::spawn(argv, pipeFds[1], -1);
    close(pipeFds[1]);
    if (!process) {
        close(pipeFds[0]);
        return fail(process.error());
    }
    const std::string line = readLine(pipeFds[0], readyTimeoutMs);
    close(pipeFds[0]);
    std::istringstream words(line);
    std::string ready;
    unsigned port = 0;
    unsigned controlPort = 0;
    if (!(words >> ready >> port >> controlPort) || ready != "READY" || port == 0 || port > 65535 ||
        controlPort == 0 || controlPort > 65535) {
        return fail("responder.py did not start (its stderr is above); first line: \"" + line + "\"");
    }
    auto running = std::make_unique<Running>(Running{std::move(process).value()});
    return std::unique_ptr<ScriptedResponder>(new ScriptedResponder(
        std::move(running), Endpoint{host, static_cast<std::uint16_t>(port)}, static_cast<std::uint16_t>(controlPort)));
}

core::Result<std::unique_ptr<ScriptedResponder>, std::string> ScriptedResponder::startScript(
    const std::string& scriptPath) {
    return start({"--script", scriptPath});
}

core::Result<std::unique_ptr<ScriptedResponder>, std::string> ScriptedResponder::startRfc7208(
    const std::string& suiteFile, const std::string& scenario) {
    return start({"--rfc7208", suiteFile, "--scenario", scenario});
}

core::Result<std::string, std::string> ScriptedResponder::control(const std::string& command) const {
    const int fd = connectControl(controlPort_);
    if (fd < 0) return fail(std::string("cannot reach the responder's control socket"));
    const std::string line = command + "\n";
    const bool sent = write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
    std::string reply = sent ? readLine(fd, 5000) : "";
    close(fd);
    if (reply.empty()) return fail("no reply from the responder to " + command);
    return reply;
}

core::Result<std::uint64_t, std::string> ScriptedResponder::queryCount(const std::string& name, const std::string& type,
                                                                       const std::string& transport) const {
    auto reply = control("COUNT " + name + " " + type + " " + transport);
    if (!reply) return fail(reply.error());
    return number(*reply);
}

core::Result<bool, std::string> ScriptedResponder::reset() const {
    auto reply = control("RESET");
    if (!reply) return fail(reply.error());
    if (*reply != "OK") return fail("responder said: " + *reply);
    return true;
}

}  // namespace dmarc::testdns
