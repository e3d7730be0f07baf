// Temporary directories, child processes and free ports for test DNS servers: see
// child_process.h.
#include "child_process.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

extern char** environ;

namespace dmarc::testdns {

using core::fail;

core::Result<TempDir, std::string> TempDir::create(const std::string& prefix) {
    const char* base = std::getenv("TMPDIR");
    std::string pattern = std::string(base != nullptr && *base != '\0' ? base : "/tmp") + "/" + prefix + "XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) return fail("mkdtemp " + pattern + ": " + std::strerror(errno));
    return TempDir(pattern);
}

TempDir::TempDir(TempDir&& other) noexcept : path_(std::move(other.path_)) { other.path_.clear(); }

TempDir::~TempDir() {
    if (path_.empty()) return;
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
}

core::Result<ChildProcess, std::string> ChildProcess::spawn(const std::vector<std::string>& argv, int stdoutFd,
                                                            int stderrFd) {
    std::vector<char*> args;
    for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    if (stdoutFd >= 0) posix_spawn_file_actions_adddup2(&actions, stdoutFd, STDOUT_FILENO);
    if (stderrFd >= 0) posix_spawn_file_actions_adddup2(&actions, stderrFd, STDERR_FILENO);
    pid_t pid = -1;
    const int status = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (status != 0) return fail("cannot start " + argv[0] + ": " + std::strerror(status));
    return ChildProcess(pid);
}

ChildProcess::ChildProcess(ChildProcess&& other) noexcept : pid_(other.pid_) { other.pid_ = -1; }

ChildProcess::~ChildProcess() { stop(); }

bool ChildProcess::running() {
    if (pid_ < 0) return false;
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return false;
    }
    return true;
}

void ChildProcess::stop(std::chrono::milliseconds grace) {
    if (!running()) return;
    kill(pid_, SIGTERM);
    const auto giveUp = std::chrono::steady_clock::now() + grace;
    while (std::chrono::steady_clock::now() < giveUp) {
        if (!running()) return;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
}

namespace {

// A socket bound to `port` on the loopback address of `family`; -1 when the bind fails.
int bindLoopback(int family, int type, std::uint16_t port) {
    const int fd = socket(family, type | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    int result = -1;
    if (family == AF_INET) {
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(port);
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        result = bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address);
    } else {
        sockaddr_in6 address{};
        address.sin6_family = AF_INET6;
        address.sin6_port = htons(port);
        address.sin6_addr = in6addr_loopback;
        result = bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address);
    }
    if (result != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

std::uint16_t boundPort(int fd) {
    sockaddr_storage address{};
    socklen_t length = sizeof address;
    getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
    return ntohs(reinterpret_cast<const sockaddr_in*>(&address)->sin_port);  // same offset for v6
}

}  // namespace

core::Result<std::uint16_t, std::string> pickFreePort(bool ipv6) {
    for (int attempt = 0; attempt < 50; ++attempt) {
        const int first = bindLoopback(AF_INET, SOCK_DGRAM, 0);
        if (first < 0) return fail(std::string("cannot bind a UDP socket on 127.0.0.1: ") + std::strerror(errno));
        const std::uint16_t port = boundPort(first);
        std::array<int, 3> others{bindLoopback(AF_INET, SOCK_STREAM, port), -1, -1};
        if (ipv6) {
            others[1] = bindLoopback(AF_INET6, SOCK_DGRAM, port);
            others[2] = bindLoopback(AF_INET6, SOCK_STREAM, port);
        }
        bool allBound = others[0] >= 0 && (!ipv6 || (others[1] >= 0 && others[2] >= 0));
        close(first);
        for (const int fd : others) {
            if (fd >= 0) close(fd);
        }
        if (allBound) return port;
    }
    return fail(std::string("no loopback port free for both UDP and TCP"));
}

std::string readWholeFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace dmarc::testdns
