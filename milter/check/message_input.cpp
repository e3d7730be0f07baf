// See message_input.h. Plain POSIX reads: errno gives the admin the real reason (EISDIR,
// EACCES, ENOENT), which iostreams would hide.
#include "milter/check/message_input.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace dmarc::check {
namespace {

core::Result<std::string, std::string> readAll(int fd, const std::string& name) {
    std::string data;
    char buffer[65536];
    for (;;) {
        const ssize_t got = ::read(fd, buffer, sizeof buffer);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) return core::fail(fmt::format("cannot read {}: {}", name, std::strerror(errno)));
        if (got == 0) return data;
        if (data.size() + static_cast<std::size_t>(got) > kMaxMessageSize) {
            return core::fail(fmt::format("cannot read {}: larger than {} MiB", name, kMaxMessageSize >> 20));
        }
        data.append(buffer, static_cast<std::size_t>(got));
    }
}

}  // namespace

core::Result<std::string, std::string> readMessage(const std::string& path) {
    if (path == "-") {
        return readAll(STDIN_FILENO, "standard input");
    }
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return core::fail(fmt::format("cannot read {}: {}", path, std::strerror(errno)));
    }
    auto result = readAll(fd, path);
    ::close(fd);
    return result;
}

}  // namespace dmarc::check
