// Starting and watching dmarc-milter as a child process: see daemon_process.h.
#include "daemon_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <thread>

namespace dmarc::milter::testing {
namespace {

using core::fail;

std::size_t occurrences(const std::string& text, const std::string& needle) {
    std::size_t count = 0;
    for (std::size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++count;
    return count;
}

// fork + execv with stdout and stderr into `outputPath`.
pid_t launch(const std::vector<std::string>& argv, const std::string& outputPath) {
    const int fd = ::open(outputPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return -1;
    std::vector<char*> args;
    for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::dup2(fd, STDOUT_FILENO);
        ::dup2(fd, STDERR_FILENO);
        ::execv(args[0], args.data());
        ::_exit(127);
    }
    ::close(fd);
    return pid;
}

}  // namespace

std::string milterBinary() { return DMARC_MILTER_BINARY; }

std::string pipelineMessage(const std::string& name) {
    return testdns::readWholeFile(std::string(DMARC_PIPELINE_DATA) + "/messages/" + name + ".eml");
}

core::Result<std::unique_ptr<testdns::NsdServer>, std::string> startPipelineNsd() {
    testdns::NsdOptions options;
    options.zonesDir = std::string(DMARC_PIPELINE_DATA) + "/zones";
    return testdns::NsdServer::start(options);
}

milterclient::Message passingMessage() {
    milterclient::Message message;
    message.envelope.client = {"192.0.2.10", "out.esp.test", 40000, "out.esp.test"};
    message.envelope.mailFrom = "bounce@bounce.esp.test";
    message.envelope.recipients = {"bob@example.net"};
    message.envelope.queueId = "4QTest1";
    message.envelope.macros = milterclient::postfixConnectMacros(message.envelope.client, "mx.pipeline.test",
                                                                 "127.0.0.1");
    message.raw = pipelineMessage("esp_signed");
    return message;
}

milterclient::ClientResult<milterclient::Outcome> sendOne(const std::string& endpoint,
                                                          const milterclient::Message& message) {
    auto session = milterclient::Session::open(endpoint);
    if (!session) return core::fail(session.error());
    auto outcome = session.value().send(message);
    if (outcome) (void)session.value().quit();
    return outcome;
}

std::string insertedAuthResults(const milterclient::Outcome& outcome) {
    for (const milterclient::Modification& change : outcome.modifications) {
        if (change.kind == milterclient::Modification::Kind::InsertHeader && change.name == "Authentication-Results")
            return change.value;
    }
    return {};
}

RunResult runMilter(const std::vector<std::string>& arguments) {
    RunResult result;
    auto dir = testdns::TempDir::create("milter-run-");
    if (!dir) return result;
    std::vector<std::string> argv{milterBinary()};
    argv.insert(argv.end(), arguments.begin(), arguments.end());
    const std::string output = dir->path() + "/output.txt";
    const pid_t pid = launch(argv, output);
    int status = 0;
    if (pid > 0 && ::waitpid(pid, &status, 0) == pid && WIFEXITED(status)) result.exitCode = WEXITSTATUS(status);
    result.output = testdns::readWholeFile(output);
    return result;
}

core::Result<std::unique_ptr<DaemonProcess>, std::string> DaemonProcess::start(const DaemonOptions& options) {
    std::string lastError = "dmarc-milter did not start";
    for (int attempt = 0; attempt < 5; ++attempt) {
        auto dir = testdns::TempDir::create("dmarc-milter-");
        if (!dir) return fail(dir.error());
        std::unique_ptr<DaemonProcess> daemon(new DaemonProcess(std::move(dir).value()));
        const std::string& path = daemon->dir_.path();
        if (options.socket == DaemonOptions::Socket::Unix) {
            daemon->endpoint_ = "unix:" + daemon->socketPath();
        } else {
            const bool ipv6 = options.socket == DaemonOptions::Socket::Inet6;
            auto port = testdns::pickFreePort(ipv6);
            if (!port) return fail(port.error());
            daemon->endpoint_ = (ipv6 ? "inet6:" : "inet:") + std::to_string(*port) + (ipv6 ? "@::1" : "@127.0.0.1");
        }
        std::string nameserver = options.nameserver;
        if (nameserver.empty()) {
            auto closed = testdns::pickFreePort(false);
            if (!closed) return fail(closed.error());
            nameserver = "127.0.0.1:" + std::to_string(*closed);
        }
        daemon->baseConfig_ = "Socket " + daemon->endpoint_ + "\nPidFile " + daemon->pidFilePath() +
                              "\nSyslog no\nLogLevel info\nIgnoreNetworks \"\"\nAuthservID mx.pipeline.test\n"
                              "Nameservers " + nameserver + "\nDNSTimeout 300ms\nDNSRetries 0\n";
        std::string text = daemon->baseConfig_;
        for (const std::string& line : options.extra) text += line + "\n";
        daemon->configPath_ = path + "/dmarc-milter.conf";
        daemon->writeConfig(text);
        daemon->pid_ = launch({milterBinary(), "-f", "-c", daemon->configPath_}, path + "/stderr.txt");
        if (daemon->pid_ < 0) return fail(std::string("cannot start ") + milterBinary());
        if (daemon->waitForLog("started:", std::chrono::seconds(10))) return daemon;
        lastError = "dmarc-milter on " + daemon->endpoint_ + " did not start: " + daemon->log();
    }
    return fail(lastError);
}

DaemonProcess::~DaemonProcess() {
    if (running()) {
        ::kill(pid_, SIGKILL);
        int status = 0;
        ::waitpid(pid_, &status, 0);
    }
}

std::string DaemonProcess::log() const { return testdns::readWholeFile(dir_.path() + "/stderr.txt"); }

bool DaemonProcess::waitForLog(const std::string& text, std::chrono::milliseconds timeout, std::size_t count) const {
    const auto giveUp = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        if (occurrences(log(), text) >= count) return true;
        if (std::chrono::steady_clock::now() >= giveUp) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
}

void DaemonProcess::signal(int number) const {
    if (pid_ > 0) ::kill(pid_, number);
}

bool DaemonProcess::running() {
    if (pid_ <= 0) return false;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) != pid_) return true;
    exitStatus_ = status;
    pid_ = -1;
    return false;
}

std::optional<int> DaemonProcess::waitExit(std::chrono::milliseconds timeout) {
    const auto giveUp = std::chrono::steady_clock::now() + timeout;
    while (running() && std::chrono::steady_clock::now() < giveUp)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    return exitStatus_;
}

void DaemonProcess::writeConfig(const std::string& text) const {
    // Written beside and renamed: a reload never reads half a file.
    const std::string temporary = configPath_ + ".tmp";
    std::ofstream(temporary, std::ios::trunc) << text;
    ::rename(temporary.c_str(), configPath_.c_str());
}

}  // namespace dmarc::milter::testing
