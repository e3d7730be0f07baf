// Binding the milter socket through libmilter, with the stale-socket check and
// TCP_NODELAY (see listener.h).
#include "milter/listener.h"

#include <dirent.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

#include <libmilter/mfapi.h>

namespace dmarc::milter {
namespace {

using core::fail;

// True when something accepts connections on the unix socket at `path`.
bool unixSocketAnswers(const std::string& path) {
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (path.size() >= sizeof address.sun_path) return false;
    std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return false;
    const bool answered = ::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0;
    ::close(fd);
    return answered;
}

core::Result<bool, std::string> removeStaleSocket(const std::string& path) {
    struct stat status {};
    if (::lstat(path.c_str(), &status) != 0) {
        if (errno == ENOENT) return false;
        return fail(path + ": " + std::strerror(errno));
    }
    if (!S_ISSOCK(status.st_mode)) return fail(path + " exists and is not a socket");
    if (unixSocketAnswers(path)) return fail(path + ": another process is listening on it");
    if (::unlink(path.c_str()) != 0) return fail(path + ": cannot remove the stale socket: " + std::strerror(errno));
    return true;
}

}  // namespace

std::vector<int> listeningSockets() {
    std::vector<int> sockets;
    DIR* directory = ::opendir("/proc/self/fd");
    if (directory == nullptr) return sockets;
    const int own = ::dirfd(directory);
    while (const dirent* entry = ::readdir(directory)) {
        char* end = nullptr;
        const long fd = std::strtol(entry->d_name, &end, 10);
        if (end == entry->d_name || *end != '\0' || fd == own) continue;
        int listening = 0;
        socklen_t length = sizeof listening;
        if (::getsockopt(static_cast<int>(fd), SOL_SOCKET, SO_ACCEPTCONN, &listening, &length) == 0 && listening != 0)
            sockets.push_back(static_cast<int>(fd));
    }
    ::closedir(directory);
    return sockets;
}

core::Result<Listening, std::string> openListener(const config::SocketAddress& socket) {
    if (socket.family == config::SocketAddress::Family::Unix) {
        auto removed = removeStaleSocket(socket.path);
        if (!removed) return fail(removed.error());
    }
    std::string spec = config::toString(socket);
    if (smfi_setconn(spec.data()) != MI_SUCCESS) return fail("libmilter refuses the socket " + spec);
    // Not rmsocket: libmilter would unlink whatever is there, even a live socket.
    if (smfi_opensocket(false) != MI_SUCCESS) return fail("cannot listen on " + spec);
    Listening listening;
    for (const int fd : listeningSockets()) {
        int domain = 0;
        socklen_t length = sizeof domain;
        if (::getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &length) != 0) continue;
        if (domain != AF_INET && domain != AF_INET6) continue;
        const int on = 1;
        if (::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on) != 0)
            return fail(std::string("cannot set TCP_NODELAY on the milter socket: ") + std::strerror(errno));
        ++listening.tcpSocketsTuned;
    }
    if (socket.family != config::SocketAddress::Family::Unix && listening.tcpSocketsTuned == 0)
        return fail("cannot find libmilter's listening socket for " + spec + " to set TCP_NODELAY");
    return listening;
}

}  // namespace dmarc::milter
