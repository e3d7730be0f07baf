// Load tests for the milter client against echo_filter (real libmilter): a 50 MB body
// streamed from a generated source in 65535-byte chunks without the client holding it in
// memory, 1,000 sessions one after another, and 200 sessions at once.
#include <catch2/catch.hpp>

#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <latch>
#include <string>
#include <thread>
#include <vector>

#include "echo_filter_process.h"
#include "milter_client/session.h"

using namespace dmarc::milterclient;
using namespace dmarc::milterclient::testing;

namespace {

EchoFilter startFilter(std::vector<std::string> flags = {}) {
    auto filter = EchoFilter::start({EchoFilterOptions::Socket::Inet, std::move(flags)});
    if (!filter) FAIL(filter.error());
    return std::move(filter).value();
}

std::size_t residentBytes() {
    std::ifstream statm("/proc/self/statm");
    std::size_t size = 0;
    std::size_t resident = 0;
    statm >> size >> resident;
    return resident * static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
}

// Passes a source through and samples the process's resident size every MiB read.
class RssProbe final : public ByteSource {
public:
    explicit RssProbe(ByteSource& inner) : inner_(inner) {}
    ClientResult<std::size_t> read(char* buffer, std::size_t capacity) override {
        auto got = inner_.read(buffer, capacity);
        if (got) {
            sinceSample_ += *got;
            if (sinceSample_ >= 1024 * 1024) {
                sinceSample_ = 0;
                peak_ = std::max(peak_, residentBytes());
            }
        }
        return got;
    }
    std::size_t peak() const { return peak_; }

private:
    ByteSource& inner_;
    std::size_t sinceSample_ = 0;
    std::size_t peak_ = 0;
};

// FNV-1a 64 of the body bytes `GeneratedSource(headers, size, seed)` produces.
std::uint64_t generatedBodyHash(const std::string& headers, std::uint64_t size, std::uint64_t seed) {
    GeneratedSource source(headers, size, seed);
    std::uint64_t hash = 0xcbf29ce484222325ULL;
    std::size_t skip = headers.size() + 2;
    std::vector<char> buffer(1 << 16);
    for (;;) {
        auto got = source.read(buffer.data(), buffer.size());
        REQUIRE(got.ok());
        if (*got == 0) return hash;
        for (std::size_t i = 0; i < *got; ++i) {
            if (skip > 0) {
                --skip;
                continue;
            }
            hash = (hash ^ static_cast<unsigned char>(buffer[i])) * 0x100000001b3ULL;
        }
    }
}

Message smallMessage(std::string host) {
    Message message;
    message.envelope.client = SmtpClient{"192.0.2.30", std::move(host), 1025, "load.example"};
    message.envelope.mailFrom = "load@example.com";
    message.envelope.recipients = {"sink@example.org"};
    message.envelope.queueId = "LOAD1";
    message.raw = "From: load@example.com\nSubject: load\n\nsmall body\n";
    return message;
}

bool isEchoedContinue(const ClientResult<Outcome>& outcome) {
    return outcome.ok() && outcome->action == Action::Continue && outcome->modifications.size() == 4 &&
           outcome->modifications[3].value == "[echo] load";
}

}  // namespace

TEST_CASE("a 50 MB body streams in 65535-byte chunks without being held in client memory") {
    EchoFilter filter = startFilter();
    Options options;
    options.ioTimeout = std::chrono::milliseconds(30000);
    auto opened = Session::open(filter.endpoint(), options);
    REQUIRE(opened.ok());
    Session& session = opened.value();

    constexpr std::uint64_t kBody = 50ULL * 1024 * 1024;
    const std::string headers = "From: big@example.com\r\nSubject: fifty megabytes\r\n";
    Envelope envelope = smallMessage("big.example").envelope;
    GeneratedSource generated(headers, kBody, 42);
    RssProbe probe(generated);
    const std::size_t before = residentBytes();
    auto outcome = session.send(envelope, probe);
    REQUIRE(outcome.ok());
    CHECK(outcome->action == Action::Continue);
    CHECK(outcome->bodyBytesSent == kBody);
    CHECK(outcome->bodyChunksSent == (kBody + 65534) / 65535);

    char stats[160];
    std::snprintf(stats, sizeof stats, "bytes=%llu chunks=%llu max=65535 fnv=%016llx",
                  static_cast<unsigned long long>(kBody), static_cast<unsigned long long>((kBody + 65534) / 65535),
                  static_cast<unsigned long long>(generatedBodyHash(headers, kBody, 42)));
    REQUIRE(outcome->modifications.size() == 4);
    CHECK(outcome->modifications[1].name == "X-Echo-Body");
    CHECK(outcome->modifications[1].value == stats);

    const auto bodies = eventsNamed(filter.connectionEvents("big.example", "eom"), "body");
    REQUIRE(bodies.size() == 801);
    for (std::size_t i = 0; i + 1 < bodies.size(); ++i) CHECK(bodies[i].field("length") == "65535");
    CHECK(bodies.back().field("length") == std::to_string(kBody - 800 * 65535));

    // Streaming: the resident size never grew by more than a few buffers, far below 50 MB.
    INFO("resident before " << before << ", peak while streaming " << probe.peak());
    CHECK(probe.peak() > 0);
    CHECK(probe.peak() < before + 8 * 1024 * 1024);
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    CHECK(static_cast<std::size_t>(usage.ru_maxrss) * 1024 < before + 16 * 1024 * 1024);
    REQUIRE(session.quit().ok());
}

TEST_CASE("1,000 sessions one after another all complete") {
    EchoFilter filter = startFilter();
    Options options;
    options.ioTimeout = std::chrono::milliseconds(5000);
    std::size_t completed = 0;
    for (int i = 0; i < 1000; ++i) {
        auto session = Session::open(filter.endpoint(), options);
        if (!session) FAIL("session " << i << ": " << toString(session.error()));
        const auto outcome = session.value().send(smallMessage("sequential.example"));
        if (!isEchoedContinue(outcome)) FAIL("session " << i << " did not complete");
        REQUIRE(session.value().quit().ok());
        ++completed;
    }
    CHECK(completed == 1000);
    CHECK(filter.running());
}

TEST_CASE("200 sessions at once all complete") {
    for (const auto& flags : {std::vector<std::string>{}, std::vector<std::string>{"--nr", "--leadspc"}}) {
        CAPTURE(flags.size());
        EchoFilter filter = startFilter(flags);
        Options options;
        options.ioTimeout = std::chrono::milliseconds(20000);
        options.connectTimeout = std::chrono::milliseconds(20000);
        constexpr int kSessions = 200;
        std::latch startTogether(kSessions);
        std::atomic<int> completed{0};
        std::vector<std::string> failures(kSessions);
        std::vector<std::thread> threads;
        for (int i = 0; i < kSessions; ++i) {
            threads.emplace_back([&, i] {
                startTogether.arrive_and_wait();
                auto session = Session::open(filter.endpoint(), options);
                if (!session) {
                    failures[i] = toString(session.error());
                    return;
                }
                const auto outcome = session.value().send(smallMessage("parallel-" + std::to_string(i) + ".example"));
                const std::string subject = flags.empty() ? "[echo] load" : " [echo] load";
                if (!outcome.ok() || outcome->action != Action::Continue || outcome->modifications.size() != 4 ||
                    outcome->modifications[3].value != subject) {
                    failures[i] = outcome.ok() ? "unexpected outcome" : toString(outcome.error());
                    return;
                }
                if (session.value().quit().ok()) ++completed;
            });
        }
        for (std::thread& thread : threads) thread.join();
        for (int i = 0; i < kSessions; ++i) {
            CAPTURE(i);
            CHECK(failures[i].empty());
        }
        CHECK(completed == kSessions);
        CHECK(filter.running());
    }
}
