// See run_program.h. One poll loop feeds stdin and drains stdout and stderr together, so a
// child blocked writing one pipe can never deadlock against us writing another.
#include "run_program.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

extern char** environ;

namespace dmarc::checktest {
namespace {

struct Pipe {
    int read = -1;
    int write = -1;
};

bool makePipe(Pipe& pipe) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return false;
    pipe = {fds[0], fds[1]};
    return true;
}

void closeFd(int& fd) {
    if (fd >= 0) ::close(fd);
    fd = -1;
}

}  // namespace

core::Result<ProgramRun, std::string> runProgram(const std::vector<std::string>& argv, const std::string& input,
                                                 std::chrono::milliseconds timeout) {
    Pipe in, out, err;
    if (!makePipe(in) || !makePipe(out) || !makePipe(err)) {
        return core::fail(std::string("pipe: ") + std::strerror(errno));
    }
    std::vector<char*> args;
    for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in.read, STDIN_FILENO);
    posix_spawn_file_actions_adddup2(&actions, out.write, STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, err.write, STDERR_FILENO);
    pid_t pid = -1;
    const int spawned = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    closeFd(in.read);
    closeFd(out.write);
    closeFd(err.write);
    if (spawned != 0) {
        closeFd(in.write);
        closeFd(out.read);
        closeFd(err.read);
        return core::fail("cannot start " + argv[0] + ": " + std::strerror(spawned));
    }
    ::fcntl(in.write, F_SETFL, O_NONBLOCK);

    ProgramRun run;
    std::size_t written = 0;
    if (input.empty()) closeFd(in.write);
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    bool timedOut = false;
    std::array<char, 65536> buffer;
    while (out.read >= 0 || err.read >= 0) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            timedOut = true;
            break;
        }
        std::array<pollfd, 3> polls{{{out.read, POLLIN, 0}, {err.read, POLLIN, 0}, {in.write, POLLOUT, 0}}};
        if (::poll(polls.data(), polls.size(), static_cast<int>(left.count())) < 0 && errno != EINTR) break;
        if (polls[2].revents != 0) {
            const ssize_t n = ::write(in.write, input.data() + written, input.size() - written);
            if (n > 0) written += static_cast<std::size_t>(n);
            if (n < 0 && errno != EAGAIN) written = input.size();  // the child closed its stdin
            if (written == input.size()) closeFd(in.write);
        }
        for (std::size_t i = 0; i < 2; ++i) {
            if (polls[i].revents == 0) continue;
            int& fd = i == 0 ? out.read : err.read;
            const ssize_t n = ::read(fd, buffer.data(), buffer.size());
            if (n > 0) {
                (i == 0 ? run.out : run.err).append(buffer.data(), static_cast<std::size_t>(n));
            } else if (n == 0 || errno != EINTR) {
                closeFd(fd);
            }
        }
    }
    closeFd(in.write);
    closeFd(out.read);
    closeFd(err.read);
    if (timedOut) ::kill(pid, SIGKILL);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (timedOut) return core::fail(argv[0] + " did not finish in time; stderr so far: " + run.err);
    run.exitStatus = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return run;
}

}  // namespace dmarc::checktest
