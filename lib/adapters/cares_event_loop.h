// CaresEventLoop: one c-ares channel driven by its own thread (epoll + ares_process_fd;
// c-ares 1.18 has no event thread and is not thread-safe). Other threads hand queries over
// through a locked queue and an eventfd; only the loop thread touches the channel. Every
// loop pass also calls ares_process_fd with no sockets so queries time out. Each query's
// callback runs exactly once, on the loop thread (or, once stopping, on the caller's):
// keep it short. The only file that includes ares.h.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "adapters/dns_lookup.h"
#include "adapters/name_servers.h"
#include "core/result.h"

namespace dmarc::adapters {

struct ChannelOptions {
    std::vector<NameServer> servers;          // empty: the system's (/etc/resolv.conf, read once)
    std::chrono::milliseconds timeout{2000};  // first try; c-ares doubles it for each later round
    int tries = 2;                            // rounds over the server list
    std::uint16_t ednsPayload = 1232;         // the DNS Flag Day 2020 size: no IP fragmentation
};

enum class QueryOutcome {
    Reply,          // `wire` holds the reply (any RCODE c-ares hands back with its bytes)
    ServerFailure,  // every try got SERVFAIL, REFUSED, NOTIMP or FORMERR, or was refused
    NoAnswer,       // timed out, out of memory
    BadReply,       // c-ares itself could not use what came back
    BadName,        // c-ares refused to build a query for the name
    Shutdown,       // the loop stopped before an answer came
};

struct RawAnswer {
    QueryOutcome outcome = QueryOutcome::NoAnswer;
    std::vector<std::uint8_t> wire;
};

using QueryCallback = std::function<void(RawAnswer)>;

class CaresEventLoop {
public:
    static core::Result<std::unique_ptr<CaresEventLoop>, std::string> create(const ChannelOptions& options);
    ~CaresEventLoop();
    CaresEventLoop(const CaresEventLoop&) = delete;
    CaresEventLoop& operator=(const CaresEventLoop&) = delete;

    // Sends `name` (no trailing dot; no search domains are applied) as a class IN query.
    // Thread-safe, also from inside a callback. After stop() `done` gets Shutdown at once.
    void submit(std::string name, RrType type, QueryCallback done);
    // Stops the loop and joins its thread; outstanding queries get Shutdown. Idempotent;
    // call it before freeing anything the callbacks use.
    void stop();

    struct State;  // defined in the .cpp (holds the channel, epoll and the queue)

private:
    explicit CaresEventLoop(std::unique_ptr<State> state);
    std::unique_ptr<State> state_;
};

}  // namespace dmarc::adapters
