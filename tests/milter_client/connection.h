// Connection: one socket to a filter, speaking milter packets. Outgoing packets are
// batched in a buffer and written when a reply is awaited, on flush(), or when 64 KiB are
// pending, so that a macro packet and its event leave in one segment the way Postfix's
// VSTREAM sends them (no Nagle/delayed-ACK stall). Every write and every reply read has a
// deadline of the I/O timeout (poll), so a hung filter is an ErrorKind::Timeout, never a
// hang. Any I/O or framing error closes the socket: the stream is out of sync after one.
// Not thread-safe: one thread owns a Connection; many connections may run in parallel.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "milter_client/client_error.h"
#include "milter_client/endpoint.h"
#include "milter_client/protocol.h"

namespace dmarc::milterclient {

class Connection {
public:
    static ClientResult<Connection> open(const Endpoint& endpoint, std::chrono::milliseconds connectTimeout,
                                         std::chrono::milliseconds ioTimeout);
    // Adopts a connected socket (made non-blocking here); for tests over socketpair(2).
    Connection(int fd, std::chrono::milliseconds ioTimeout);
    Connection(Connection&& other) noexcept;
    Connection& operator=(Connection&& other) noexcept;
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;
    ~Connection();  // close() without flushing

    bool isOpen() const { return fd_ >= 0; }

    // Appends one packet to the outgoing buffer (writes when 64 KiB are pending).
    ClientResult<Done> queue(wire::Command command, std::string_view payload);
    // Appends raw bytes, e.g. a deliberately truncated packet.
    ClientResult<Done> queueRaw(std::string_view bytes);
    ClientResult<Done> flush();
    // Flushes, then reads one whole packet. `awaiting` names the event in error details.
    ClientResult<wire::Packet> read(std::string_view awaiting);
    // Closes the socket, dropping unwritten bytes: a FIN, or an RST when `reset` is set.
    void close(bool reset = false);

private:
    using Deadline = std::chrono::steady_clock::time_point;
    ClientResult<Done> writeAll(std::string_view bytes, Deadline deadline);
    // Ensures `count` unread bytes are buffered.
    ClientResult<Done> fill(std::size_t count, Deadline deadline, std::string_view awaiting);
    core::Failure<ClientError> failAndClose(ErrorKind kind, std::string detail);

    int fd_ = -1;
    std::chrono::milliseconds ioTimeout_;
    std::string out_;
    std::string in_;
    std::size_t inPos_ = 0;
};

}  // namespace dmarc::milterclient
