// Test support: the built dmarc-milter started in the foreground (-f) as a child process on
// a fresh inet, inet6 or unix socket, with a configuration file written to a temporary
// directory (stderr logging, the given name server, short DNS timeouts, IgnoreNetworks
// empty so documentation-range clients are checked), its stderr captured to a file. The
// object owns the process: signals, exit status, and SIGKILL on destruction if still
// running. Also NSD on tests/data/pipeline/zones and the pipeline test messages.
// Test code only; one thread owns a DaemonProcess.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "child_process.h"
#include "core/result.h"
#include "milter_client/session.h"
#include "nsd_server.h"

namespace dmarc::milter::testing {

struct DaemonOptions {
    enum class Socket { Inet, Inet6, Unix };
    Socket socket = Socket::Inet;
    std::string nameserver;          // "127.0.0.1:PORT"; "" → a closed port (DNS times out)
    std::vector<std::string> extra;  // more configuration lines
};

class DaemonProcess {
public:
    static core::Result<std::unique_ptr<DaemonProcess>, std::string> start(const DaemonOptions& options);
    ~DaemonProcess();
    DaemonProcess(const DaemonProcess&) = delete;
    DaemonProcess& operator=(const DaemonProcess&) = delete;

    const std::string& endpoint() const { return endpoint_; }  // "inet:PORT@127.0.0.1", …
    pid_t pid() const { return pid_; }
    const std::string& configPath() const { return configPath_; }
    std::string pidFilePath() const { return dir_.path() + "/dmarc-milter.pid"; }
    std::string socketPath() const { return dir_.path() + "/milter.sock"; }
    std::string log() const;  // stderr so far
    // Waits up to `timeout` for a line containing `text` in the log, `count` times in all.
    bool waitForLog(const std::string& text, std::chrono::milliseconds timeout, std::size_t count = 1) const;

    void signal(int number) const;
    bool running();
    // The exit status (waitpid's), once exited within `timeout`.
    std::optional<int> waitExit(std::chrono::milliseconds timeout);
    // Rewrites the configuration file (for reload tests).
    void writeConfig(const std::string& text) const;
    std::string baseConfig() const { return baseConfig_; }

private:
    DaemonProcess(testdns::TempDir dir) : dir_(std::move(dir)) {}
    testdns::TempDir dir_;
    pid_t pid_ = -1;
    std::optional<int> exitStatus_;  // once reaped
    std::string endpoint_;
    std::string configPath_;
    std::string baseConfig_;
};

std::string milterBinary();
std::string pipelineMessage(const std::string& name);  // tests/data/pipeline/messages/<name>.eml
core::Result<std::unique_ptr<testdns::NsdServer>, std::string> startPipelineNsd();

// The ESP case of tests/data/pipeline: From mydomain.test, signed d=mydomain.test, sent by
// 192.0.2.10 for bounce.esp.test: dmarc=pass with NSD serving the pipeline zones.
milterclient::Message passingMessage();
// Opens a session on `endpoint`, sends passingMessage() and quits; the error, or the outcome.
milterclient::ClientResult<milterclient::Outcome> sendOne(const std::string& endpoint,
                                                          const milterclient::Message& message = passingMessage());
// The Authentication-Results value the daemon inserted ("" when none).
std::string insertedAuthResults(const milterclient::Outcome& outcome);

// Runs the binary with `arguments` to completion; exit status and combined output.
struct RunResult {
    int exitCode = -1;
    std::string output;
};
RunResult runMilter(const std::vector<std::string>& arguments);

}  // namespace dmarc::milter::testing
