// Parsing milter socket specifications and connecting with a deadline: see endpoint.h.
#include "milter_client/endpoint.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <thread>

namespace dmarc::milterclient {

namespace {

using Clock = std::chrono::steady_clock;

ClientResult<std::uint16_t> parsePort(std::string_view text, std::string_view spec) {
    unsigned value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || error != std::errc() || end != text.data() + text.size() || value == 0 || value > 65535)
        return clientFail(ErrorKind::BadEndpoint, "bad port \"" + std::string(text) + "\" in " + std::string(spec));
    return static_cast<std::uint16_t>(value);
}

std::string_view unbracket(std::string_view host) {
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') return host.substr(1, host.size() - 2);
    return host;
}

int remainingMs(Clock::time_point deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    return left <= 0 ? 0 : static_cast<int>(left);
}

// Waits for a non-blocking connect to finish; 0 or the errno it failed with.
int finishConnect(int fd, Clock::time_point deadline) {
    pollfd waiter{fd, POLLOUT, 0};
    for (;;) {
        const int ready = poll(&waiter, 1, remainingMs(deadline));
        if (ready < 0 && errno == EINTR) continue;
        if (ready < 0) return errno;
        if (ready == 0) return ETIMEDOUT;
        int error = 0;
        socklen_t length = sizeof error;
        if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0) return errno;
        return error;
    }
}

ClientResult<int> connectUnix(const Endpoint& endpoint, Clock::time_point deadline) {
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (endpoint.path.empty() || endpoint.path.size() >= sizeof address.sun_path)
        return clientFail(ErrorKind::BadEndpoint, "unix socket path empty or too long: " + endpoint.path);
    std::memcpy(address.sun_path, endpoint.path.data(), endpoint.path.size());
    for (;;) {
        const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0) return clientFail(ErrorKind::Connect, std::string("socket: ") + std::strerror(errno));
        if (connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0) return fd;
        const int error = errno;
        close(fd);
        // A full listen queue: the filter is busy, not gone. Wait for it like a TCP SYN would.
        if (error == EAGAIN && remainingMs(deadline) > 0) {
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
            continue;
        }
        return clientFail(ErrorKind::Connect, endpoint.toString() + ": " + std::strerror(error));
    }
}

ClientResult<int> connectInet(const Endpoint& endpoint, Clock::time_point deadline) {
    addrinfo hints{};
    hints.ai_family = endpoint.kind == Endpoint::Kind::Inet ? AF_INET : AF_INET6;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV;
    addrinfo* found = nullptr;
    const std::string port = std::to_string(endpoint.port);
    const int status = getaddrinfo(endpoint.host.c_str(), port.c_str(), &hints, &found);
    if (status != 0)
        return clientFail(ErrorKind::BadEndpoint, "cannot resolve " + endpoint.host + ": " + gai_strerror(status));
    std::string lastError = "no address";
    for (const addrinfo* candidate = found; candidate != nullptr; candidate = candidate->ai_next) {
        const int fd = socket(candidate->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            lastError = std::string("socket: ") + std::strerror(errno);
            continue;
        }
        int error = 0;
        if (connect(fd, candidate->ai_addr, candidate->ai_addrlen) != 0)
            error = errno == EINPROGRESS ? finishConnect(fd, deadline) : errno;
        if (error == 0) {
            const int on = 1;
            setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
            freeaddrinfo(found);
            return fd;
        }
        close(fd);
        lastError = std::strerror(error);
    }
    freeaddrinfo(found);
    return clientFail(ErrorKind::Connect, endpoint.toString() + ": " + lastError);
}

}  // namespace

std::string Endpoint::toString() const {
    switch (kind) {
    case Kind::Unix: return "unix:" + path;
    case Kind::Inet: return "inet:" + std::to_string(port) + "@" + host;
    case Kind::Inet6: return "inet6:" + std::to_string(port) + "@" + host;
    }
    return "?";
}

ClientResult<Endpoint> parseEndpoint(std::string_view text) {
    const std::size_t colon = text.find(':');
    if (colon == std::string_view::npos)
        return clientFail(ErrorKind::BadEndpoint, "expected unix:PATH, inet:PORT@HOST or inet6:PORT@HOST, got \"" +
                                                      std::string(text) + "\"");
    const std::string_view scheme = text.substr(0, colon);
    const std::string_view rest = text.substr(colon + 1);
    Endpoint endpoint;
    if (scheme == "unix" || scheme == "local") {
        if (rest.empty()) return clientFail(ErrorKind::BadEndpoint, "empty unix socket path");
        endpoint.kind = Endpoint::Kind::Unix;
        endpoint.path = std::string(rest);
        return endpoint;
    }
    if (scheme != "inet" && scheme != "inet6")
        return clientFail(ErrorKind::BadEndpoint, "unknown socket type \"" + std::string(scheme) + "\"");
    endpoint.kind = scheme == "inet" ? Endpoint::Kind::Inet : Endpoint::Kind::Inet6;
    std::string_view host;
    std::string_view port;
    if (const std::size_t at = rest.find('@'); at != std::string_view::npos) {
        port = rest.substr(0, at);  // libmilter: PORT@HOST
        host = rest.substr(at + 1);
    } else if (const std::size_t last = rest.rfind(':'); last != std::string_view::npos) {
        host = rest.substr(0, last);  // Postfix: HOST:PORT
        port = rest.substr(last + 1);
    } else {
        return clientFail(ErrorKind::BadEndpoint, "missing port in \"" + std::string(text) + "\"");
    }
    host = unbracket(host);
    if (host.empty()) return clientFail(ErrorKind::BadEndpoint, "missing host in \"" + std::string(text) + "\"");
    auto parsedPort = parsePort(port, text);
    if (!parsedPort) return core::fail(parsedPort.error());
    endpoint.host = std::string(host);
    endpoint.port = *parsedPort;
    return endpoint;
}

ClientResult<int> connectEndpoint(const Endpoint& endpoint, std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    if (endpoint.kind == Endpoint::Kind::Unix) return connectUnix(endpoint, deadline);
    return connectInet(endpoint, deadline);
}

}  // namespace dmarc::milterclient
