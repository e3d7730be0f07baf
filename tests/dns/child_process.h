// Test-side plumbing for the DNS servers tests start (NSD, responder.py): a temporary
// directory removed on destruction, a child process stopped by PID (SIGTERM, wait, then
// SIGKILL), and a port free on loopback for both UDP and TCP. Test code only; each object
// belongs to one thread.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"

namespace dmarc::testdns {

class TempDir {
public:
    // mkdtemp under $TMPDIR (or /tmp) with the given prefix.
    static core::Result<TempDir, std::string> create(const std::string& prefix);
    TempDir(TempDir&& other) noexcept;
    TempDir& operator=(TempDir&&) = delete;
    ~TempDir();
    const std::string& path() const { return path_; }

private:
    explicit TempDir(std::string path) : path_(std::move(path)) {}
    std::string path_;
};

class ChildProcess {
public:
    // Starts argv[0] (an absolute path) with argv; stdout/stderr go to the given fds (-1:
    // inherited). The fds are the caller's to close.
    static core::Result<ChildProcess, std::string> spawn(const std::vector<std::string>& argv, int stdoutFd,
                                                         int stderrFd);
    ChildProcess(ChildProcess&& other) noexcept;
    ChildProcess& operator=(ChildProcess&&) = delete;
    ~ChildProcess();  // stop()

    pid_t pid() const { return pid_; }
    // True while the process has not exited (reaps it when it has).
    bool running();
    // SIGTERM, up to `grace` for it to exit, then SIGKILL; always reaped. Idempotent.
    void stop(std::chrono::milliseconds grace = std::chrono::milliseconds(5000));

private:
    explicit ChildProcess(pid_t pid) : pid_(pid) {}
    pid_t pid_ = -1;
};

// A port on which 127.0.0.1 (and ::1 when asked) accept both a UDP and a TCP bind right
// now. Found by binding port 0 and releasing it, so another process may still take it:
// callers retry with a new port when their server fails to bind.
core::Result<std::uint16_t, std::string> pickFreePort(bool ipv6);

// Reads the whole file ("" when it cannot be read); for server logs in failure messages.
std::string readWholeFile(const std::string& path);

}  // namespace dmarc::testdns
