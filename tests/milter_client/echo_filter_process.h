// Test support: echo_filter (echo_filter.cpp, the real-libmilter filter) started as a
// child process on a fresh inet, inet6 or unix socket, stopped by PID (SIGTERM) when the
// object goes; its event log read back and parsed. Also the paths of the built tools.
// Test code only; one thread owns an EchoFilter.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "child_process.h"
#include "core/result.h"

namespace dmarc::milterclient::testing {

// One line of echo_filter's log: "<connection>\t<event>\t<key>=<escaped value>…".
struct LogEvent {
    unsigned connection = 0;
    std::string event;
    std::vector<std::pair<std::string, std::string>> fields;  // values unescaped

    // The value of `key` ("" when absent); macros are the keys "macro:NAME".
    std::string field(std::string_view key) const;
    bool has(std::string_view key) const;
};

// Reverses echo_filter's escaping (\\ \n \r \t \xHH).
std::string unescape(std::string_view text);
std::vector<LogEvent> parseLog(std::string_view text);

struct EchoFilterOptions {
    enum class Socket { Inet, Inet6, Unix };
    Socket socket = Socket::Inet;
    std::vector<std::string> flags;  // --nr, --leadspc, --symlist, --decline LIST
};

class EchoFilter {
public:
    static core::Result<EchoFilter, std::string> start(const EchoFilterOptions& options = {});
    EchoFilter(EchoFilter&&) noexcept = default;
    // libmilter takes about 5 s to act on SIGTERM: a short grace, then SIGKILL.
    ~EchoFilter() { stop(); }

    // The socket in libmilter's form, e.g. "inet:40123@127.0.0.1".
    const std::string& endpoint() const { return endpoint_; }
    pid_t pid() const { return process_.pid(); }
    bool running() { return process_.running(); }
    void stop() { process_.stop(std::chrono::milliseconds(300)); }

    std::vector<LogEvent> log() const;
    // The events of the (last) connection that logged `event` with `key` = `value`, once one
    // of its events is `until` (waits up to `timeout` for it); empty if it never shows up.
    std::vector<LogEvent> connectionWhere(std::string_view event, std::string_view key, std::string_view value,
                                          std::string_view until,
                                          std::chrono::milliseconds timeout = std::chrono::milliseconds(5000)) const;
    // connectionWhere("connect", "host", host, until).
    std::vector<LogEvent> connectionEvents(std::string_view host, std::string_view until,
                                           std::chrono::milliseconds timeout = std::chrono::milliseconds(5000)) const {
        return connectionWhere("connect", "host", host, until, timeout);
    }
    // echo_filter's stderr, for failure messages.
    std::string diagnostics() const;

private:
    EchoFilter(testdns::TempDir dir, testdns::ChildProcess process, std::string endpoint)
        : dir_(std::move(dir)), process_(std::move(process)), endpoint_(std::move(endpoint)) {}
    testdns::TempDir dir_;
    testdns::ChildProcess process_;
    std::string endpoint_;
};

std::string echoFilterPath();
std::string milterSendPath();

// The events named `event` in order.
std::vector<LogEvent> eventsNamed(const std::vector<LogEvent>& events, std::string_view event);

}  // namespace dmarc::milterclient::testing
