// Tests for what a misbehaving filter does to the client: silence (at negotiation, at
// end of message, a filter that stops reading), a closed connection, garbage and
// out-of-place replies. Each must come back as an error value within the I/O timeout,
// never as a hang or a crash, and leave the session closed. The filters here are scripted
// peers on the other end of a socketpair, plus echo_filter for a real libmilter that is
// too slow.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <functional>
#include <string>
#include <thread>

#include "echo_filter_process.h"
#include "milter_client/session.h"

using namespace dmarc::milterclient;
using namespace std::string_literals;
using std::chrono::milliseconds;

namespace {

// The filter's end of a socketpair, driven by a script on its own thread.
class ScriptedPeer {
public:
    explicit ScriptedPeer(int fd) : fd_(fd) {}
    ~ScriptedPeer() { ::close(fd_); }

    // One packet; command 0 at end of file.
    wire::Packet read() {
        wire::Packet packet;
        std::string header = readExactly(5);
        if (header.size() < 5) return packet;
        std::uint32_t length = 0;
        for (int i = 0; i < 4; ++i) length = (length << 8) | static_cast<unsigned char>(header[i]);
        packet.command = header[4];
        packet.payload = readExactly(length - 1);
        return packet;
    }
    // Reads packets until one that is not SMFIC_MACRO, SMFIC_ABORT or one of `skip`.
    wire::Packet next(std::string_view skip = "") {
        for (;;) {
            wire::Packet packet = read();
            if (packet.command != 'D' && packet.command != 'A' && skip.find(packet.command) == std::string_view::npos)
                return packet;
        }
    }
    void reply(char command, std::string_view payload = {}) {
        std::string out;
        wire::appendPacket(out, command, payload);
        writeRaw(out);
    }
    void writeRaw(std::string_view bytes) { (void)::write(fd_, bytes.data(), bytes.size()); }
    void negotiate(std::uint32_t protocol = 0) {
        read();
        reply('O', wire::optionNegotiationPayload(6, 0x1FF, protocol));
    }
    // Answers 'c' to every event up to (not including) the first `until` command.
    wire::Packet continueUntil(char until) {
        for (;;) {
            wire::Packet packet = next();
            if (packet.command == until || packet.command == 0) return packet;
            reply('c');
        }
    }
    void drain() {
        while (read().command != 0) {
        }
    }

private:
    std::string readExactly(std::size_t count) {
        std::string data;
        char buffer[65536];
        while (data.size() < count) {
            const ssize_t got = ::read(fd_, buffer, std::min(sizeof buffer, count - data.size()));
            if (got <= 0) break;
            data.append(buffer, static_cast<std::size_t>(got));
        }
        return data;
    }
    int fd_;
};

// Runs `script` as the filter and returns the client's end, wrapped in a Connection.
struct Pair {
    Connection client;
    std::thread peer;
};

Pair scriptedFilter(std::function<void(ScriptedPeer&)> script, milliseconds timeout = milliseconds(300)) {
    int fds[2];
    REQUIRE(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) == 0);
    std::thread peer([fd = fds[1], script = std::move(script)] {
        ScriptedPeer filter(fd);
        script(filter);
    });
    return Pair{Connection(fds[0], timeout), std::move(peer)};
}

Message simpleMessage() {
    Message message;
    message.envelope.mailFrom = "a@example.com";
    message.envelope.recipients = {"b@example.org"};
    message.raw = "Subject: s\n\nbody\n";
    return message;
}

std::string be32(std::uint32_t value) {
    std::string out;
    wire::appendUint32(out, value);
    return out;
}

// Negotiates, sends `message`, and expects an error of `kind` within the timeout.
void expectSendError(const std::function<void(ScriptedPeer&)>& script, ErrorKind kind, std::string_view detail = {},
                     const Message& message = simpleMessage()) {
    Pair pair = scriptedFilter(script);
    auto session = Session::start(std::move(pair.client));
    REQUIRE(session.ok());
    const auto start = std::chrono::steady_clock::now();
    auto outcome = session.value().send(message);
    const auto elapsed = std::chrono::steady_clock::now() - start;
    REQUIRE_FALSE(outcome.ok());
    CHECK(outcome.error().kind == kind);
    if (!detail.empty()) CHECK_THAT(outcome.error().detail, Catch::Contains(std::string(detail)));
    CHECK(elapsed < milliseconds(3000));
    CHECK_FALSE(session.value().isOpen());
    auto again = session.value().send(message);
    REQUIRE_FALSE(again.ok());
    CHECK(again.error().kind == ErrorKind::NotConnected);
    session.value().closeAbruptly();
    pair.peer.join();
}

}  // namespace

TEST_CASE("a filter that never answers the negotiation is a timeout, not a hang") {
    Pair pair = scriptedFilter([](ScriptedPeer& filter) { filter.drain(); }, milliseconds(200));
    const auto start = std::chrono::steady_clock::now();
    auto session = Session::start(std::move(pair.client));
    REQUIRE_FALSE(session.ok());
    CHECK(session.error().kind == ErrorKind::Timeout);
    CHECK_THAT(session.error().detail, Catch::Contains("SMFIC_OPTNEG"));
    CHECK(std::chrono::steady_clock::now() - start < milliseconds(2000));
    pair.peer.join();
}

TEST_CASE("a listening socket nobody accepts on is a timeout too") {
    // The kernel completes the handshake into the backlog; no process ever reads.
    const int listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    REQUIRE(listener >= 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    REQUIRE(listen(listener, 16) == 0);
    socklen_t length = sizeof address;
    REQUIRE(getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length) == 0);
    Options options;
    options.ioTimeout = milliseconds(200);
    auto session = Session::open("inet:" + std::to_string(ntohs(address.sin_port)) + "@127.0.0.1", options);
    REQUIRE_FALSE(session.ok());
    CHECK(session.error().kind == ErrorKind::Timeout);
    ::close(listener);
}

TEST_CASE("nothing listening is a connect error") {
    auto port = dmarc::testdns::pickFreePort(false);
    REQUIRE(port.ok());
    auto session = Session::open("inet:" + std::to_string(*port) + "@127.0.0.1");
    REQUIRE_FALSE(session.ok());
    CHECK(session.error().kind == ErrorKind::Connect);
}

TEST_CASE("silence at end of message, a filter that stops reading, and a closed connection") {
    SECTION("no answer to end of message") {
        expectSendError(
            [](ScriptedPeer& filter) {
                filter.negotiate();
                filter.continueUntil('E');
                filter.drain();
            },
            ErrorKind::Timeout, "SMFIC_BODYEOB");
    }
    SECTION("progress replies alone do not end the wait") {
        expectSendError(
            [](ScriptedPeer& filter) {
                filter.negotiate();
                filter.continueUntil('E');
                filter.reply('p');
                filter.reply('p');
                filter.drain();
            },
            ErrorKind::Timeout, "SMFIC_BODYEOB");
    }
    SECTION("a filter that stops reading while the body is written") {
        Message big = simpleMessage();
        big.raw = "Subject: s\n\n" + std::string(8 * 1024 * 1024, 'x') + "\n";
        Pair pair = scriptedFilter(
            [](ScriptedPeer& filter) {
                filter.negotiate(wire::protocol::kNoReplyBody);
                filter.continueUntil('B');
                std::this_thread::sleep_for(milliseconds(1500));
                filter.drain();
            },
            milliseconds(300));
        auto session = Session::start(std::move(pair.client));
        REQUIRE(session.ok());
        auto outcome = session.value().send(big);
        REQUIRE_FALSE(outcome.ok());
        CHECK(outcome.error().kind == ErrorKind::Timeout);
        CHECK_THAT(outcome.error().detail, Catch::Contains("did not read"));
        pair.peer.join();
    }
    SECTION("the filter closes the connection mid-message") {
        expectSendError(
            [](ScriptedPeer& filter) {
                filter.negotiate();
                filter.continueUntil('L');
            },
            ErrorKind::PeerClosed);
    }
    SECTION("the filter closes in the middle of a reply packet") {
        expectSendError(
            [](ScriptedPeer& filter) {
                filter.negotiate();
                filter.continueUntil('E');
                filter.writeRaw("\0\0\0\x10h"s + "X-Cut");
            },
            ErrorKind::PeerClosed);
    }
}

TEST_CASE("garbage and out-of-place replies are protocol errors that close the session") {
    const std::tuple<std::string, std::string> replies[] = {
        {"\0\0\0\0"s, "bad packet length 0"},
        {"\xff\xff\xff\xff"s, "bad packet length"},
        {"\x00\x40\x00\x01z"s, "bad packet length"},
        {"\0\0\0\x01z"s, "unknown reply"},
        {"\0\0\0\x02" "cX"s, "unexpected data"},
        {"\0\0\0\x0e" "y250 2.0.0 ok\0"s, "malformed reply"},
        {"\0\0\0\x01O"s, "only valid in negotiation"},
    };
    for (const auto& [bytes, detail] : replies) {
        CAPTURE(detail);
        expectSendError(
            [bytes = bytes](ScriptedPeer& filter) {
                filter.negotiate();
                filter.next();  // CONNECT
                filter.writeRaw(bytes);
                filter.drain();
            },
            ErrorKind::Protocol, detail);
    }
    SECTION("a header change before end of message") {
        expectSendError(
            [](ScriptedPeer& filter) {
                filter.negotiate();
                filter.next();
                filter.reply('h', "X-Early\0v\0"s);
                filter.drain();
            },
            ErrorKind::Protocol, "add_header request after SMFIC_CONNECT");
    }
    SECTION("a quarantine before end of message is fine, as Postfix takes it") {
        Pair pair = scriptedFilter([](ScriptedPeer& filter) {
            filter.negotiate();
            filter.next();  // CONNECT
            filter.reply('q', "early hold\0"s);
            filter.reply('c');
            filter.continueUntil('E');
            filter.reply('c');
            filter.drain();
        });
        auto session = Session::start(std::move(pair.client));
        REQUIRE(session.ok());
        auto outcome = session.value().send(simpleMessage());
        REQUIRE(outcome.ok());
        CHECK(outcome->quarantine == "early hold");
        CHECK(outcome->action == Action::Continue);
        session.value().closeAbruptly();
        pair.peer.join();
    }
}

TEST_CASE("negotiation answers the client cannot accept") {
    const std::tuple<std::string, ErrorKind> answers[] = {
        {"\0\0\0\x01" "c"s, ErrorKind::Negotiation},
        {"\0\0\0\x0d" "O"s + be32(7) + be32(0) + be32(0), ErrorKind::Negotiation},
        {"\0\0\0\x0d" "O"s + be32(6) + be32(0x400) + be32(0), ErrorKind::Negotiation},
        {"\0\0\0\x05" "O"s + be32(6), ErrorKind::Negotiation},
        {""s, ErrorKind::PeerClosed},
    };
    for (const auto& [bytes, kind] : answers) {
        CAPTURE(bytes);
        Pair pair = scriptedFilter([bytes = bytes](ScriptedPeer& filter) {
            filter.read();
            filter.writeRaw(bytes);
        });
        auto session = Session::start(std::move(pair.client));
        REQUIRE_FALSE(session.ok());
        CHECK(session.error().kind == kind);
        pair.peer.join();
    }
}

TEST_CASE("no-reply events are batched and never waited for") {
    // The filter answers nothing but end of message; with every SMFIP_NR_* negotiated the
    // client must not wait anywhere else.
    std::string seen;
    Pair pair = scriptedFilter([&seen](ScriptedPeer& filter) {
        filter.negotiate(wire::protocol::kNoReplyConnect | wire::protocol::kNoReplyHelo | wire::protocol::kNoReplyMail |
                         wire::protocol::kNoReplyRcpt | wire::protocol::kNoReplyData |
                         wire::protocol::kNoReplyHeader | wire::protocol::kNoReplyEndOfHeaders |
                         wire::protocol::kNoReplyBody);
        for (wire::Packet packet = filter.read(); packet.command != 0; packet = filter.read()) {
            seen += packet.command;
            if (packet.command == 'E') filter.reply('c');
        }
    });
    auto session = Session::start(std::move(pair.client));
    REQUIRE(session.ok());
    Message message = simpleMessage();
    message.envelope.client.helo = "helo.example";
    message.envelope.queueId = "Q1";
    message.envelope.recipients = {"one@x", "two@x"};
    auto outcome = session.value().send(message);
    REQUIRE(outcome.ok());
    CHECK(outcome->action == Action::Continue);
    for (const RecipientResult& recipient : outcome->recipients) CHECK(recipient.action == Action::None);
    REQUIRE(session.value().quit().ok());
    pair.peer.join();
    // Macros (D) first where there are values, then the events, the ABORT after the
    // transaction and the QUIT.
    CHECK(seen == "CHDMDRDRDTLDNBDEAQ");
}

TEST_CASE("a real libmilter filter slower than the I/O timeout is a timeout, and it survives") {
    auto started = testing::EchoFilter::start();
    if (!started) FAIL(started.error());
    testing::EchoFilter filter = std::move(started).value();
    Options options;
    options.ioTimeout = milliseconds(300);
    auto session = Session::open(filter.endpoint(), options);
    REQUIRE(session.ok());
    Message slow = simpleMessage();
    slow.raw = "X-Test-Eom-Delay-Ms: 1500\n" + slow.raw;
    const auto start = std::chrono::steady_clock::now();
    auto outcome = session.value().send(slow);
    REQUIRE_FALSE(outcome.ok());
    CHECK(outcome.error().kind == ErrorKind::Timeout);
    CHECK(std::chrono::steady_clock::now() - start < milliseconds(1400));
    options.ioTimeout = milliseconds(5000);
    auto next = Session::open(filter.endpoint(), options);
    REQUIRE(next.ok());
    auto fine = next.value().send(simpleMessage());
    REQUIRE(fine.ok());
    CHECK(fine->action == Action::Continue);
    CHECK(filter.running());
}
