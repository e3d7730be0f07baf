// The sd_notify protocol (see sd_notify.h): a SOCK_DGRAM message to $NOTIFY_SOCKET.
#include "milter/sd_notify.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstddef>
#include <cstdlib>
#include <cstring>

namespace dmarc::milter {

bool notifySystemd(std::string_view state) noexcept {
    const char* target = std::getenv("NOTIFY_SOCKET");
    if (target == nullptr || *target == '\0') return true;
    const std::size_t length = std::strlen(target);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if ((target[0] != '/' && target[0] != '@') || length >= sizeof address.sun_path) return false;
    std::memcpy(address.sun_path, target, length);
    // An abstract socket's name starts with a NUL byte and has no terminator.
    if (target[0] == '@') address.sun_path[0] = '\0';
    const socklen_t addressLength = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + length +
                                                           (target[0] == '@' ? 0 : 1));
    const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return false;
    const ssize_t sent = ::sendto(fd, state.data(), state.size(), MSG_NOSIGNAL,
                                  reinterpret_cast<const sockaddr*>(&address), addressLength);
    ::close(fd);
    return sent == static_cast<ssize_t>(state.size());
}

}  // namespace dmarc::milter
