// c-ares event loop: see cares_event_loop.h. The channel reports the sockets it wants
// watched through ARES_OPT_SOCK_STATE_CB; we mirror them into an epoll set, and sleep in
// epoll_wait no longer than ares_timeout says, so timeouts fire on time.
#include "cares_event_loop.h"

#include <ares.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/time.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <system_error>
#include <thread>
#include <unordered_map>
#include <utility>

namespace dmarc::adapters {

using core::fail;

namespace {

constexpr int classIn = 1;
// The loop wakes at least this often even with nothing to do: a cheap safety net should
// ares_timeout ever under-report.
constexpr long maxSleepMs = 1000;
// All queries share one UDP socket per server: a burst of answers (hundreds of lookups
// started at once) overflows the default 208 KiB buffer and costs a full timeout per lost
// packet. The kernel caps this at net.core.rmem_max.
constexpr int receiveBufferOctets = 4 << 20;

struct Request {
    std::string name;
    RrType type;
    QueryCallback done;
};

// Runs a callback without letting anything escape into c-ares' C stack.
void deliver(QueryCallback& done, RawAnswer answer) noexcept {
    try {
        done(std::move(answer));
    } catch (...) {
        // Nothing sensible remains to be done: the callback's owner made its own choice.
    }
}

QueryOutcome outcomeOf(int status) {
    switch (status) {
        // c-ares 1.18.1 drops SERVFAIL, REFUSED and NOTIMP replies to try the next server
        // (good: failover) and, once every try is spent, reports the status it started
        // with, ARES_ECONNREFUSED, without the reply. The same status comes from ICMP "port
        // unreachable". Either way the servers refused us: ServerFailure.
        case ARES_ECONNREFUSED:
        case ARES_ESERVFAIL:
        case ARES_EREFUSED:
        case ARES_ENOTIMP:
        case ARES_EFORMERR: return QueryOutcome::ServerFailure;
        case ARES_EBADRESP: return QueryOutcome::BadReply;
        case ARES_EBADNAME:
        case ARES_EBADQUERY: return QueryOutcome::BadName;
        case ARES_EDESTRUCTION:
        case ARES_ECANCELLED: return QueryOutcome::Shutdown;
        default: return QueryOutcome::NoAnswer;
    }
}

}  // namespace

struct CaresEventLoop::State {
    ares_channel channel = nullptr;
    int epollFd = -1;
    int wakeFd = -1;
    std::unordered_map<int, std::uint32_t> watched;  // loop thread only
    std::thread thread;

    std::mutex mutex;  // guards queue and stopping
    std::vector<Request> queue;
    bool stopping = false;
    bool joined = false;  // stop() ran to completion (guarded by stopMutex)
    std::mutex stopMutex;

    ~State() {
        if (channel != nullptr) ares_destroy(channel);  // only when the thread never started
        if (wakeFd >= 0) close(wakeFd);
        if (epollFd >= 0) close(epollFd);
    }

    void wake() const {
        const std::uint64_t one = 1;
        // A full counter (impossible in practice) still leaves the fd readable: ignore.
        [[maybe_unused]] const auto written = write(wakeFd, &one, sizeof one);
    }

    static void onSocketState(void* data, ares_socket_t fd, int readable, int writable) {
        auto* state = static_cast<State*>(data);
        if (!readable && !writable) {
            state->watched.erase(fd);
            epoll_ctl(state->epollFd, EPOLL_CTL_DEL, fd, nullptr);
            return;
        }
        epoll_event event{};
        event.events = (readable ? EPOLLIN : 0u) | (writable ? EPOLLOUT : 0u);
        event.data.fd = fd;
        const bool known = state->watched.contains(fd);
        state->watched[fd] = event.events;
        epoll_ctl(state->epollFd, known ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd, &event);
    }

    static void onAnswer(void* arg, int status, int /*timeouts*/, unsigned char* abuf, int alen) {
        std::unique_ptr<QueryCallback> done(static_cast<QueryCallback*>(arg));
        RawAnswer answer;
        if (abuf != nullptr && alen > 0 && status != ARES_EDESTRUCTION && status != ARES_ECANCELLED) {
            answer.outcome = QueryOutcome::Reply;
            answer.wire.assign(abuf, abuf + alen);
        } else {
            answer.outcome = outcomeOf(status);
        }
        deliver(*done, std::move(answer));
    }

    int sleepMs() const {
        timeval limit{maxSleepMs / 1000, (maxSleepMs % 1000) * 1000};
        timeval left{};
        const timeval* next = ares_timeout(channel, &limit, &left);
        return static_cast<int>(next->tv_sec * 1000 + (next->tv_usec + 999) / 1000);
    }

    // Sends what other threads queued; false once stop() was asked for.
    bool sendQueued() {
        std::vector<Request> batch;
        {
            const std::lock_guard lock(mutex);
            if (stopping) return false;
            batch.swap(queue);
        }
        for (Request& request : batch) {
            auto done = std::make_unique<QueryCallback>(std::move(request.done));
            ares_query(channel, request.name.c_str(), classIn, static_cast<int>(request.type), &State::onAnswer,
                       done.release());
        }
        return true;
    }

    void run() {
        std::array<epoll_event, 64> events{};
        while (true) {
            const int ready = epoll_wait(epollFd, events.data(), static_cast<int>(events.size()), sleepMs());
            for (int i = 0; i < ready; ++i) {
                const int fd = events[static_cast<std::size_t>(i)].data.fd;
                const std::uint32_t what = events[static_cast<std::size_t>(i)].events;
                if (fd == wakeFd) {
                    std::uint64_t count = 0;
                    [[maybe_unused]] const auto got = read(wakeFd, &count, sizeof count);
                    continue;
                }
                const bool readable = (what & (EPOLLIN | EPOLLERR | EPOLLHUP)) != 0;
                const bool writable = (what & EPOLLOUT) != 0;
                ares_process_fd(channel, readable ? fd : ARES_SOCKET_BAD, writable ? fd : ARES_SOCKET_BAD);
            }
            ares_process_fd(channel, ARES_SOCKET_BAD, ARES_SOCKET_BAD);  // the timer tick
            if (!sendQueued()) break;
        }
        // Outstanding queries get ARES_EDESTRUCTION; callbacks that submit more now get
        // Shutdown directly because `stopping` is set.
        ares_destroy(channel);
        channel = nullptr;
    }
};

CaresEventLoop::CaresEventLoop(std::unique_ptr<State> state) : state_(std::move(state)) {}

CaresEventLoop::~CaresEventLoop() { stop(); }

core::Result<std::unique_ptr<CaresEventLoop>, std::string> CaresEventLoop::create(const ChannelOptions& options) {
    static std::once_flag libraryInit;
    static int libraryStatus = ARES_SUCCESS;
    std::call_once(libraryInit, [] { libraryStatus = ares_library_init(ARES_LIB_INIT_ALL); });
    if (libraryStatus != ARES_SUCCESS) return fail(std::string("ares_library_init: ") + ares_strerror(libraryStatus));

    auto state = std::make_unique<State>();
    state->epollFd = epoll_create1(EPOLL_CLOEXEC);
    state->wakeFd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (state->epollFd < 0 || state->wakeFd < 0) return fail(std::string("epoll/eventfd: ") + std::strerror(errno));
    epoll_event wakeEvent{};
    wakeEvent.events = EPOLLIN;
    wakeEvent.data.fd = state->wakeFd;
    if (epoll_ctl(state->epollFd, EPOLL_CTL_ADD, state->wakeFd, &wakeEvent) != 0) {
        return fail(std::string("epoll_ctl: ") + std::strerror(errno));
    }

    ares_options aresOptions{};
    // NOSEARCH/NOALIASES: names are queried exactly as given (we use ares_query anyway).
    aresOptions.flags = ARES_FLAG_EDNS | ARES_FLAG_NOSEARCH | ARES_FLAG_NOALIASES;
    aresOptions.timeout = static_cast<int>(options.timeout.count());
    aresOptions.tries = options.tries;
    aresOptions.ednspsz = options.ednsPayload;
    aresOptions.socket_receive_buffer_size = receiveBufferOctets;
    aresOptions.sock_state_cb = &State::onSocketState;
    aresOptions.sock_state_cb_data = state.get();
    const int mask = ARES_OPT_FLAGS | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_EDNSPSZ | ARES_OPT_SOCK_RCVBUF |
                     ARES_OPT_SOCK_STATE_CB;
    if (const int status = ares_init_options(&state->channel, &aresOptions, mask); status != ARES_SUCCESS) {
        state->channel = nullptr;
        return fail(std::string("ares_init_options: ") + ares_strerror(status));
    }
    if (!options.servers.empty()) {
        std::vector<ares_addr_port_node> nodes(options.servers.size());
        for (std::size_t i = 0; i < nodes.size(); ++i) {
            const NameServer& server = options.servers[i];
            ares_addr_port_node& node = nodes[i];
            node.next = i + 1 < nodes.size() ? &nodes[i + 1] : nullptr;
            node.family = server.ipv6 ? AF_INET6 : AF_INET;
            if (server.ipv6) std::memcpy(&node.addr.addr6, server.address.data(), 16);
            else std::memcpy(&node.addr.addr4, server.address.data(), 4);
            node.udp_port = server.port;
            node.tcp_port = server.port;
        }
        if (const int status = ares_set_servers_ports(state->channel, nodes.data()); status != ARES_SUCCESS) {
            return fail(std::string("ares_set_servers_ports: ") + ares_strerror(status));
        }
    }

    try {
        State* raw = state.get();
        state->thread = std::thread([raw] { raw->run(); });
    } catch (const std::system_error& error) {
        return fail(std::string("cannot start the resolver thread: ") + error.what());
    }
    return std::unique_ptr<CaresEventLoop>(new CaresEventLoop(std::move(state)));
}

void CaresEventLoop::submit(std::string name, RrType type, QueryCallback done) {
    {
        const std::lock_guard lock(state_->mutex);
        if (!state_->stopping) {
            state_->queue.push_back(Request{std::move(name), type, std::move(done)});
            state_->wake();
            return;
        }
    }
    deliver(done, RawAnswer{QueryOutcome::Shutdown, {}});
}

void CaresEventLoop::stop() {
    const std::lock_guard stopLock(state_->stopMutex);
    if (state_->joined) return;
    {
        const std::lock_guard lock(state_->mutex);
        state_->stopping = true;
    }
    state_->wake();
    if (state_->thread.joinable()) state_->thread.join();
    std::vector<Request> left;
    {
        const std::lock_guard lock(state_->mutex);
        left.swap(state_->queue);
    }
    for (Request& request : left) deliver(request.done, RawAnswer{QueryOutcome::Shutdown, {}});
    state_->joined = true;
}

}  // namespace dmarc::adapters
