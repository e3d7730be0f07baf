// Batched packet writes and deadline-bound packet reads over one socket: see connection.h.
#include "milter_client/connection.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace dmarc::milterclient {

namespace {

constexpr std::size_t kFlushThreshold = 64 * 1024;
constexpr std::size_t kReadBlock = 16 * 1024;

int remainingMs(std::chrono::steady_clock::time_point deadline) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
    return left <= 0 ? 0 : static_cast<int>(left);
}

// 1: ready, 0: deadline passed, -1: poll failed (errno set).
int waitFor(int fd, short events, std::chrono::steady_clock::time_point deadline) {
    pollfd waiter{fd, events, 0};
    for (;;) {
        const int ready = poll(&waiter, 1, remainingMs(deadline));
        if (ready < 0 && errno == EINTR) continue;
        return ready < 0 ? -1 : (ready == 0 ? 0 : 1);
    }
}

bool isPeerGone(int error) { return error == EPIPE || error == ECONNRESET || error == ENOTCONN; }

}  // namespace

ClientResult<Connection> Connection::open(const Endpoint& endpoint, std::chrono::milliseconds connectTimeout,
                                          std::chrono::milliseconds ioTimeout) {
    auto fd = connectEndpoint(endpoint, connectTimeout);
    if (!fd) return core::fail(fd.error());
    return Connection(*fd, ioTimeout);
}

Connection::Connection(int fd, std::chrono::milliseconds ioTimeout) : fd_(fd), ioTimeout_(ioTimeout) {
    const int flags = fcntl(fd_, F_GETFL);
    if (flags >= 0) fcntl(fd_, F_SETFL, flags | O_NONBLOCK);
}

Connection::Connection(Connection&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      ioTimeout_(other.ioTimeout_),
      out_(std::move(other.out_)),
      in_(std::move(other.in_)),
      inPos_(std::exchange(other.inPos_, 0)) {}

Connection& Connection::operator=(Connection&& other) noexcept {
    if (this != &other) {
        close();
        fd_ = std::exchange(other.fd_, -1);
        ioTimeout_ = other.ioTimeout_;
        out_ = std::move(other.out_);
        in_ = std::move(other.in_);
        inPos_ = std::exchange(other.inPos_, 0);
    }
    return *this;
}

Connection::~Connection() { close(); }

void Connection::close(bool reset) {
    if (fd_ < 0) return;
    if (reset) {
        // SO_LINGER with a zero timeout makes close(2) send an RST instead of a FIN.
        const linger abortive{1, 0};
        setsockopt(fd_, SOL_SOCKET, SO_LINGER, &abortive, sizeof abortive);
    }
    ::close(fd_);
    fd_ = -1;
    out_.clear();
    in_.clear();
    inPos_ = 0;
}

core::Failure<ClientError> Connection::failAndClose(ErrorKind kind, std::string detail) {
    close();
    return clientFail(kind, std::move(detail));
}

ClientResult<Done> Connection::queue(wire::Command command, std::string_view payload) {
    if (fd_ < 0) return clientFail(ErrorKind::NotConnected, "connection is closed");
    wire::appendPacket(out_, static_cast<char>(command), payload);
    if (out_.size() >= kFlushThreshold) return flush();
    return Done{};
}

ClientResult<Done> Connection::queueRaw(std::string_view bytes) {
    if (fd_ < 0) return clientFail(ErrorKind::NotConnected, "connection is closed");
    out_.append(bytes);
    if (out_.size() >= kFlushThreshold) return flush();
    return Done{};
}

ClientResult<Done> Connection::flush() {
    if (fd_ < 0) return clientFail(ErrorKind::NotConnected, "connection is closed");
    if (out_.empty()) return Done{};
    auto written = writeAll(out_, std::chrono::steady_clock::now() + ioTimeout_);
    out_.clear();
    return written;
}

ClientResult<Done> Connection::writeAll(std::string_view bytes, Deadline deadline) {
    while (!bytes.empty()) {
        const ssize_t sent = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (sent > 0) {
            bytes.remove_prefix(static_cast<std::size_t>(sent));
            continue;
        }
        if (sent < 0 && errno == EINTR) continue;
        if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            const int ready = waitFor(fd_, POLLOUT, deadline);
            if (ready == 0)
                return failAndClose(ErrorKind::Timeout, "filter did not read " + std::to_string(bytes.size()) +
                                                            " pending bytes within " +
                                                            std::to_string(ioTimeout_.count()) + " ms");
            if (ready < 0) return failAndClose(ErrorKind::Io, std::string("poll: ") + std::strerror(errno));
            continue;
        }
        const int error = errno;
        return failAndClose(isPeerGone(error) ? ErrorKind::PeerClosed : ErrorKind::Io,
                            std::string("write: ") + std::strerror(error));
    }
    return Done{};
}

ClientResult<Done> Connection::fill(std::size_t count, Deadline deadline, std::string_view awaiting) {
    if (inPos_ > 0) {  // drop what earlier packets consumed, so the buffer never grows past one packet
        in_.erase(0, inPos_);
        inPos_ = 0;
    }
    while (in_.size() - inPos_ < count) {
        const std::size_t old = in_.size();
        in_.resize(old + kReadBlock);
        const ssize_t got = ::recv(fd_, in_.data() + old, kReadBlock, 0);
        in_.resize(old + (got > 0 ? static_cast<std::size_t>(got) : 0));
        if (got > 0) continue;
        if (got == 0)
            return failAndClose(ErrorKind::PeerClosed, "filter closed the connection awaiting the reply to " +
                                                           std::string(awaiting));
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            const int ready = waitFor(fd_, POLLIN, deadline);
            if (ready == 0)
                return failAndClose(ErrorKind::Timeout, "no reply to " + std::string(awaiting) + " within " +
                                                            std::to_string(ioTimeout_.count()) + " ms");
            if (ready < 0) return failAndClose(ErrorKind::Io, std::string("poll: ") + std::strerror(errno));
            continue;
        }
        const int error = errno;
        return failAndClose(isPeerGone(error) ? ErrorKind::PeerClosed : ErrorKind::Io,
                            std::string("read: ") + std::strerror(error));
    }
    return Done{};
}

ClientResult<wire::Packet> Connection::read(std::string_view awaiting) {
    auto flushed = flush();
    if (!flushed) return core::fail(flushed.error());
    const Deadline deadline = std::chrono::steady_clock::now() + ioTimeout_;
    auto header = fill(4, deadline, awaiting);
    if (!header) return core::fail(header.error());
    std::uint32_t length = 0;
    for (int i = 0; i < 4; ++i) length = (length << 8) | static_cast<unsigned char>(in_[inPos_ + i]);
    if (length < 1 || length > wire::kMaxReplyLength)
        return failAndClose(ErrorKind::Protocol, "bad packet length " + std::to_string(length) +
                                                     " in the reply to " + std::string(awaiting));
    auto body = fill(4 + length, deadline, awaiting);
    if (!body) return core::fail(body.error());
    wire::Packet packet;
    packet.command = in_[inPos_ + 4];
    packet.payload.assign(in_, inPos_ + 5, length - 1);
    inPos_ += 4 + length;
    return packet;
}

}  // namespace dmarc::milterclient
