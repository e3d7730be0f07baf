// Starting echo_filter on a fresh socket and reading its log: see echo_filter_process.h.
#include "echo_filter_process.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <thread>

namespace dmarc::milterclient::testing {

namespace {

using core::fail;

int hexValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::vector<std::string_view> split(std::string_view text, char separator) {
    std::vector<std::string_view> parts;
    for (;;) {
        const std::size_t end = text.find(separator);
        parts.push_back(text.substr(0, end));
        if (end == std::string_view::npos) return parts;
        text.remove_prefix(end + 1);
    }
}

bool hasReadyLine(const std::string& path) {
    for (const LogEvent& event : parseLog(testdns::readWholeFile(path))) {
        if (event.connection == 0 && event.event == "ready") return true;
    }
    return false;
}

}  // namespace

std::string LogEvent::field(std::string_view key) const {
    for (const auto& [name, value] : fields) {
        if (name == key) return value;
    }
    return {};
}

bool LogEvent::has(std::string_view key) const {
    for (const auto& entry : fields) {
        if (entry.first == key) return true;
    }
    return false;
}

std::string unescape(std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '\\' || i + 1 >= text.size()) {
            out += text[i];
            continue;
        }
        const char next = text[++i];
        if (next == 'n') out += '\n';
        else if (next == 'r') out += '\r';
        else if (next == 't') out += '\t';
        else if (next == 'x' && i + 2 < text.size() && hexValue(text[i + 1]) >= 0 && hexValue(text[i + 2]) >= 0) {
            out += static_cast<char>(hexValue(text[i + 1]) * 16 + hexValue(text[i + 2]));
            i += 2;
        } else {
            out += next;
        }
    }
    return out;
}

std::vector<LogEvent> parseLog(std::string_view text) {
    std::vector<LogEvent> events;
    for (const std::string_view line : split(text, '\n')) {
        if (line.empty()) continue;
        const std::vector<std::string_view> parts = split(line, '\t');
        if (parts.size() < 2) continue;
        LogEvent event;
        const auto [end, error] = std::from_chars(parts[0].data(), parts[0].data() + parts[0].size(), event.connection);
        if (error != std::errc() || end != parts[0].data() + parts[0].size()) continue;
        event.event = std::string(parts[1]);
        for (std::size_t i = 2; i < parts.size(); ++i) {
            // Keys never contain '=' (macro names neither); values are escaped.
            const std::size_t equals = std::min(parts[i].find('='), parts[i].size());
            event.fields.emplace_back(std::string(parts[i].substr(0, equals)),
                                      unescape(parts[i].substr(std::min(equals + 1, parts[i].size()))));
        }
        events.push_back(std::move(event));
    }
    return events;
}

core::Result<EchoFilter, std::string> EchoFilter::start(const EchoFilterOptions& options) {
    std::string lastError = "echo_filter did not start";
    for (int attempt = 0; attempt < 5; ++attempt) {
        auto dir = testdns::TempDir::create("echo-filter-");
        if (!dir) return fail(dir.error());
        std::string endpoint;
        if (options.socket == EchoFilterOptions::Socket::Unix) {
            endpoint = "unix:" + dir->path() + "/echo.sock";
        } else {
            const bool ipv6 = options.socket == EchoFilterOptions::Socket::Inet6;
            auto port = testdns::pickFreePort(ipv6);
            if (!port) return fail(port.error());
            endpoint = (ipv6 ? "inet6:" : "inet:") + std::to_string(*port) + (ipv6 ? "@::1" : "@127.0.0.1");
        }
        const std::string logPath = dir->path() + "/events.log";
        const std::string errPath = dir->path() + "/stderr.txt";
        const int errFd = ::open(errPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (errFd < 0) return fail("cannot create " + errPath);
        std::vector<std::string> argv{echoFilterPath(), "-p", endpoint, "-l", logPath};
        argv.insert(argv.end(), options.flags.begin(), options.flags.end());
        auto process = testdns::ChildProcess::spawn(argv, errFd, errFd);
        ::close(errFd);
        if (!process) return fail(process.error());
        testdns::ChildProcess& child = process.value();
        const auto giveUp = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (std::chrono::steady_clock::now() < giveUp && child.running() && !hasReadyLine(logPath))
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        if (hasReadyLine(logPath)) return EchoFilter(std::move(dir).value(), std::move(process).value(), endpoint);
        lastError = "echo_filter on " + endpoint + " did not become ready: " + testdns::readWholeFile(errPath);
    }
    return fail(lastError);
}

std::vector<LogEvent> EchoFilter::log() const { return parseLog(testdns::readWholeFile(dir_.path() + "/events.log")); }

std::vector<LogEvent> EchoFilter::connectionWhere(std::string_view event, std::string_view key,
                                                  std::string_view value, std::string_view until,
                                                  std::chrono::milliseconds timeout) const {
    const auto giveUp = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        const std::vector<LogEvent> all = log();
        std::optional<unsigned> id;
        for (const LogEvent& entry : all) {
            if (entry.event == event && entry.field(key) == value) id = entry.connection;
        }
        std::vector<LogEvent> mine;
        bool found = false;
        for (const LogEvent& entry : all) {
            if (!id || entry.connection != *id) continue;
            mine.push_back(entry);
            found = found || entry.event == until;
        }
        if (found) return mine;
        if (std::chrono::steady_clock::now() >= giveUp) return {};
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
}

std::string EchoFilter::diagnostics() const { return testdns::readWholeFile(dir_.path() + "/stderr.txt"); }

std::string echoFilterPath() { return DMARC_ECHO_FILTER; }
std::string milterSendPath() { return DMARC_MILTER_SEND; }

std::vector<LogEvent> eventsNamed(const std::vector<LogEvent>& events, std::string_view event) {
    std::vector<LogEvent> named;
    for (const LogEvent& entry : events) {
        if (entry.event == event) named.push_back(entry);
    }
    return named;
}

}  // namespace dmarc::milterclient::testing
