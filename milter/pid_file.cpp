// Writing and removing the pid file (see pid_file.h).
#include "milter/pid_file.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

namespace dmarc::milter {
namespace {

long pidIn(const std::string& path) {
    std::ifstream file(path);
    long pid = 0;
    if (!(file >> pid)) return 0;
    return pid;
}

}  // namespace

core::Result<bool, std::string> writePidFile(const std::string& path) {
    const long existing = pidIn(path);
    if (existing > 0 && existing != ::getpid() && ::kill(static_cast<pid_t>(existing), 0) == 0)
        return core::fail(path + " names process " + std::to_string(existing) + ", which is running");
    // Written beside and renamed, so a reader never sees half a pid.
    const std::string temporary = path + ".tmp";
    const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return core::fail("cannot write " + temporary + ": " + std::strerror(errno));
    const std::string text = std::to_string(::getpid()) + "\n";
    const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    ::close(fd);
    if (!written || ::rename(temporary.c_str(), path.c_str()) != 0) {
        ::unlink(temporary.c_str());
        return core::fail("cannot write " + path + ": " + std::strerror(errno));
    }
    return true;
}

void removePidFile(const std::string& path) {
    if (!path.empty() && pidIn(path) == ::getpid()) ::unlink(path.c_str());
}

}  // namespace dmarc::milter
