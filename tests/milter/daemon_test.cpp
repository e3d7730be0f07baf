// The running daemon: each socket kind answers a real DMARC verdict (NSD serving the
// pipeline zones), negotiation asks for exactly the events and replies we use, TCP replies
// are not held by delayed ACKs (TCP_NODELAY), a broken file on SIGHUP is refused while the
// old configuration keeps serving, a good one is applied, and SIGTERM lets the message in
// flight finish, exits 0 and removes the pid file; UserID drops root after binding; systemd
// is told READY, RELOADING and STOPPING.
#include <catch2/catch.hpp>

#include <pwd.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <future>
#include <thread>

#include "daemon_process.h"
#include "milter_client/protocol.h"

using namespace dmarc;
using namespace dmarc::milter::testing;
using namespace std::chrono_literals;
namespace wire = dmarc::milterclient::wire;

namespace {

std::unique_ptr<testdns::NsdServer> nsd() {
    auto server = startPipelineNsd();
    if (!server) FAIL("NSD: " << server.error());
    return std::move(server).value();
}

std::string nameserverOf(const testdns::NsdServer& server) {
    return "127.0.0.1:" + std::to_string(server.endpoint().port);
}

std::unique_ptr<DaemonProcess> daemonFor(const testdns::NsdServer& server, DaemonOptions options = {}) {
    options.nameserver = nameserverOf(server);
    auto daemon = DaemonProcess::start(options);
    if (!daemon) FAIL(daemon.error());
    return std::move(daemon).value();
}

// A message served slowly after its first `fastBytes`: the client sends MAIL, the header
// fields and the first full body chunk (65535 bytes) at once, then the message stays in
// flight while the rest trickles in.
class SlowSource final : public milterclient::ByteSource {
public:
    SlowSource(std::string text, std::size_t fastBytes, std::chrono::milliseconds pause)
        : text_(std::move(text)), fastBytes_(fastBytes), pause_(pause) {}
    milterclient::ClientResult<std::size_t> read(char* buffer, std::size_t capacity) override {
        if (pos_ >= text_.size()) return std::size_t{0};
        if (pos_ >= fastBytes_) std::this_thread::sleep_for(pause_);
        const std::size_t n = std::min({capacity, text_.size() - pos_, std::size_t{4096}});
        text_.copy(buffer, n, pos_);
        pos_ += n;
        return n;
    }

private:
    std::string text_;
    std::size_t fastBytes_;
    std::chrono::milliseconds pause_;
    std::size_t pos_ = 0;
};

}  // namespace

TEST_CASE("each socket kind answers a message with our verdict") {
    const auto server = nsd();
    const auto socket = GENERATE(DaemonOptions::Socket::Inet, DaemonOptions::Socket::Inet6, DaemonOptions::Socket::Unix);
    DaemonOptions options;
    options.socket = socket;
    const auto daemon = daemonFor(*server, options);
    INFO(daemon->endpoint());
    const auto outcome = sendOne(daemon->endpoint());
    INFO(daemon->log());
    REQUIRE(outcome);
    CHECK(outcome->action == milterclient::Action::Continue);
    const std::string authResults = insertedAuthResults(*outcome);
    CHECK(authResults.find("mx.pipeline.test;") != std::string::npos);
    CHECK(authResults.find("dmarc=pass") != std::string::npos);
    CHECK(daemon->waitForLog("4QTest1: ", 2s));
    CHECK(daemon->log().find("dmarc=pass") != std::string::npos);
}

TEST_CASE("negotiation asks for no-reply events, skip, leading spaces and our macros only") {
    const auto server = nsd();
    const auto daemon = daemonFor(*server);
    auto session = milterclient::Session::open(daemon->endpoint());
    REQUIRE(session);
    const wire::Negotiated& negotiated = session.value().negotiated();
    namespace p = wire::protocol;
    for (const std::uint32_t bit : {p::kNoReplyHelo, p::kNoReplyMail, p::kNoReplyRcpt, p::kNoReplyData,
                                    p::kNoReplyHeader, p::kNoReplyEndOfHeaders, p::kNoReplyUnknown, p::kSkip,
                                    p::kHeaderLeadingSpace, p::kNoData, p::kNoUnknown}) {
        INFO("bit " << bit);
        CHECK(negotiated.has(bit));
    }
    // Connect answers ACCEPT for trusted clients and body answers SKIP: both need replies.
    CHECK_FALSE(negotiated.has(p::kNoReplyConnect));
    CHECK_FALSE(negotiated.has(p::kNoReplyBody));
    namespace a = wire::action;
    CHECK(negotiated.actions == (a::kAddHeaders | a::kChangeHeaders | a::kQuarantine | a::kSetSymbolList));
    const auto& lists = negotiated.macroLists;
    REQUIRE(lists[static_cast<int>(wire::MacroStage::Connect)]);
    CHECK(*lists[static_cast<int>(wire::MacroStage::Connect)] == "{daemon_name} j _");
    REQUIRE(lists[static_cast<int>(wire::MacroStage::Mail)]);
    CHECK(*lists[static_cast<int>(wire::MacroStage::Mail)] == "{auth_authen} i");
    REQUIRE(lists[static_cast<int>(wire::MacroStage::EndOfMessage)]);
    CHECK(*lists[static_cast<int>(wire::MacroStage::EndOfMessage)] == "i");
}

TEST_CASE("200 sequential messages over TCP meet no delayed-ACK stalls") {
    const auto server = nsd();
    const auto daemon = daemonFor(*server);
    auto session = milterclient::Session::open(daemon->endpoint());
    REQUIRE(session);
    const milterclient::Message message = passingMessage();
    REQUIRE(session.value().send(message));  // warms the DNS cache
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < 200; ++i) {
        const auto outcome = session.value().send(message);
        REQUIRE(outcome);
        REQUIRE(!insertedAuthResults(*outcome).empty());
    }
    const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
    // Each message ends with two packets (insert header, then continue): without
    // TCP_NODELAY the second waits for the client's delayed ACK, 40 ms per message (8 s).
    INFO("200 messages took " << elapsed.count() << " ms");
    CHECK(elapsed < 4000ms);
}

TEST_CASE("a broken file on SIGHUP is refused and the old configuration keeps serving") {
    const auto server = nsd();
    const auto daemon = daemonFor(*server);
    daemon->writeConfig(daemon->baseConfig() + "MonitorOnly perhaps\n");
    daemon->signal(SIGHUP);
    REQUIRE(daemon->waitForLog("reload refused: ", 5s));
    CHECK(daemon->log().find(daemon->configPath() + ":") != std::string::npos);
    CHECK(daemon->log().find("MonitorOnly") != std::string::npos);
    auto outcome = sendOne(daemon->endpoint());
    REQUIRE(outcome);
    CHECK(insertedAuthResults(*outcome).find("dmarc=pass") != std::string::npos);

    // A good file is applied; a changed restart-only setting is named and kept.
    daemon->writeConfig(daemon->baseConfig() + "MonitorOnly yes\nDNSCacheSize 500\n");
    daemon->signal(SIGHUP);
    INFO(daemon->log());
    REQUIRE(daemon->waitForLog("configuration reloaded", 5s));
    CHECK(daemon->log().find("mode=monitor-only") != std::string::npos);
    CHECK(daemon->log().find("DNSCacheSize") != std::string::npos);
    CHECK(daemon->running());
    outcome = sendOne(daemon->endpoint());
    REQUIRE(outcome);
    CHECK(outcome->action == milterclient::Action::Continue);
}

TEST_CASE("SIGTERM lets the message in flight finish, exits 0 and removes the pid file") {
    const auto server = nsd();
    const auto daemon = daemonFor(*server);
    const std::string pidText = testdns::readWholeFile(daemon->pidFilePath());
    CHECK(pidText == std::to_string(daemon->pid()) + "\n");

    auto session = milterclient::Session::open(daemon->endpoint());
    REQUIRE(session);
    milterclient::Message message = passingMessage();
    std::string body;
    while (body.size() < 200000) body += "a line of body text to make the message long enough to stream\r\n";
    message.raw += body;
    auto sending = std::async(std::launch::async, [&] {
        SlowSource source(message.raw, 80000, 50ms);  // the rest takes about 1.5 s
        return session.value().send(message.envelope, source);
    });
    std::this_thread::sleep_for(500ms);
    daemon->signal(SIGTERM);
    const auto outcome = sending.get();
    INFO(daemon->log());
    REQUIRE(outcome);
    CHECK(outcome->ending == milterclient::Ending::Completed);
    CHECK(insertedAuthResults(*outcome).find("mx.pipeline.test;") != std::string::npos);
    CHECK(daemon->log().find("finishing 1 message(s)") != std::string::npos);
    const auto status = daemon->waitExit(15s);
    REQUIRE(status);
    CHECK(WIFEXITED(*status));
    CHECK(WEXITSTATUS(*status) == 0);
    CHECK(::access(daemon->pidFilePath().c_str(), F_OK) != 0);
    CHECK(daemon->log().find("stopped") != std::string::npos);
}

TEST_CASE("UserID drops root after binding: the unix socket is the user's and still answers") {
    if (::geteuid() != 0) {
        WARN("not root: the privilege drop cannot be tested");
        return;
    }
    const auto server = nsd();
    DaemonOptions options;
    options.socket = DaemonOptions::Socket::Unix;
    options.extra = {"UserID nobody"};
    const auto daemon = daemonFor(*server, options);
    INFO(daemon->log());

    std::ifstream status("/proc/" + std::to_string(daemon->pid()) + "/status");
    std::string line, uids, gids;
    while (std::getline(status, line)) {
        if (line.rfind("Uid:", 0) == 0) uids = line;
        if (line.rfind("Gid:", 0) == 0) gids = line;
    }
    const passwd* nobody = ::getpwnam("nobody");
    REQUIRE(nobody != nullptr);
    const std::string id = std::to_string(nobody->pw_uid);
    // Real, effective, saved and file-system ids all changed: root cannot come back.
    CHECK(uids == "Uid:\t" + id + "\t" + id + "\t" + id + "\t" + id);
    CHECK(gids.find("\t0\t") == std::string::npos);

    struct stat socketStatus {};
    REQUIRE(::stat(daemon->socketPath().c_str(), &socketStatus) == 0);
    CHECK(socketStatus.st_uid == nobody->pw_uid);

    const auto outcome = sendOne(daemon->endpoint());
    REQUIRE(outcome);
    CHECK(insertedAuthResults(*outcome).find("dmarc=pass") != std::string::npos);
}

TEST_CASE("systemd hears READY, RELOADING and STOPPING through NOTIFY_SOCKET") {
    const auto server = nsd();
    auto dir = testdns::TempDir::create("dmarc-notify");
    REQUIRE(dir);
    const std::string path = dir->path() + "/notify";
    const int listener = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    REQUIRE(listener >= 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    REQUIRE(path.size() < sizeof(address.sun_path));
    path.copy(address.sun_path, path.size());
    REQUIRE(::bind(listener, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) == 0);
    const timeval wait{5, 0};
    ::setsockopt(listener, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof(wait));
    const auto next = [&] {
        char buffer[512];
        const ssize_t n = ::recv(listener, buffer, sizeof(buffer), 0);
        return n < 0 ? std::string("(nothing within 5 s)") : std::string(buffer, static_cast<std::size_t>(n));
    };

    ::setenv("NOTIFY_SOCKET", path.c_str(), 1);  // inherited by the daemon only
    auto daemon = daemonFor(*server);
    ::unsetenv("NOTIFY_SOCKET");
    INFO(daemon->log());
    CHECK(next() == "READY=1");
    daemon->signal(SIGHUP);
    CHECK(next() == "RELOADING=1");
    CHECK(next() == "READY=1");
    daemon->signal(SIGTERM);
    CHECK(next() == "STOPPING=1");
    CHECK(daemon->waitExit(10s) == 0);
    ::close(listener);
}
