// The daemon's start-up sequence and signal loop (see daemon.h). Order matters: the
// configuration and socket errors reach the terminal before detaching; the fork happens
// before any thread exists; the pid file is written by the final process; privileges are
// dropped before the engines start their threads.
#include "milter/daemon.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>

#include <fmt/format.h>
#include <libmilter/mfapi.h>
#include <spdlog/spdlog.h>

#include "config/config_render.h"
#include "config/config_parser.h"
#include "log/logging.h"
#include "milter/callbacks.h"
#include "milter/config_loading.h"
#include "milter/filter_state.h"
#include "milter/listener.h"
#include "milter/pid_file.h"
#include "milter/privileges.h"
#include "milter/sd_notify.h"
#include "milter/signal_guard.h"

#ifndef DMARC_VERSION
#define DMARC_VERSION "unknown"
#endif

namespace dmarc::milter {
namespace {

constexpr auto kDrainLimit = std::chrono::seconds(10);
constexpr int kListenBacklog = 1024;

sigset_t controlSignals() {
    sigset_t set;
    sigemptyset(&set);
    for (const int signal : {SIGHUP, SIGTERM, SIGINT, SIGUSR1}) sigaddset(&set, signal);
    return set;
}

// Detaches from the terminal: fork (the parent exits 0), a new session, / as the working
// directory, standard streams on /dev/null. Before any thread exists.
bool detach() {
    const pid_t child = ::fork();
    if (child < 0) return false;
    if (child > 0) ::_exit(kExitOk);
    if (::setsid() < 0) return false;
    if (::chdir("/") != 0) return false;
    const int null = ::open("/dev/null", O_RDWR);
    if (null < 0) return false;
    for (const int fd : {STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO}) ::dup2(null, fd);
    if (null > STDERR_FILENO) ::close(null);
    return true;
}

std::string modeName(const config::Config& config) {
    if (config.monitorOnly) return "monitor-only";
    return config.rejectFailures ? "enforcing (hard reject)" : "enforcing (quarantine)";
}

class Daemon {
public:
    explicit Daemon(const CommandLine& commandLine) : commandLine_(commandLine) {}

    int run();

private:
    int fail(int code, const std::string& message) {
        spdlog::error("{}", message);
        return code;
    }
    void reload();
    [[noreturn]] void stop(int signal);
    void removeSocketFile() const;

    const CommandLine& commandLine_;
    config::ParseContext context_ = config::systemParseContext();
    FilterState state_;
    config::ConfigPtr startup_;
};

int Daemon::run() {
    auto loaded = loadStartupConfig(commandLine_.configPath, commandLine_.configPathGiven, context_);
    if (!loaded) return fail(kExitBadConfig, config::describe(loaded.error()));
    startup_ = loaded->config;
    const config::Config& config = *startup_;
    if (loaded->builtInDefaults)
        spdlog::info("{} does not exist: running on the built-in defaults", commandLine_.configPath);

    // Before any thread: every thread created from here on inherits the blocked set.
    const sigset_t signals = controlSignals();
    if (pthread_sigmask(SIG_BLOCK, &signals, nullptr) != 0) return fail(kExitStartup, "cannot block signals");
    ::signal(SIGPIPE, SIG_IGN);
    ::umask(config.umask);

    if (!registerFilter(state_)) return fail(kExitStartup, "libmilter refuses to register the filter");
    smfi_setbacklog(kListenBacklog);
    smfi_settimeout(static_cast<int>(config.milterTimeout.count()));
    auto listening = openListener(config.socket);
    if (!listening) return fail(kExitStartup, listening.error());

    log::LogOptions logging = config::logOptions(config);
    if (!commandLine_.foreground) {
        // Standard error goes to /dev/null: the log must go to syslog.
        if (!logging.syslog) spdlog::info("not in the foreground (-f): logging to syslog");
        logging.syslog = true;
        if (!detach()) return fail(kExitStartup, std::string("cannot detach: ") + std::strerror(errno));
    }
    if (commandLine_.logToStderr) logging.syslog = false;
    if (auto logger = log::setUpLogging(logging); !logger) return fail(kExitStartup, logger.error());

    if (!config.pidFile.empty()) {
        if (auto written = writePidFile(config.pidFile); !written) return fail(kExitStartup, written.error());
    }
    const bool unixSocket = config.socket.family == config::SocketAddress::Family::Unix;
    if (auto dropped = dropPrivileges(config.userId, unixSocket ? config.socket.path : std::string()); !dropped) {
        removePidFile(config.pidFile);
        return fail(kExitStartup, dropped.error());
    }

    auto services = pipeline::makeServices(config);
    if (!services) {
        removePidFile(config.pidFile);
        return fail(kExitStartup, "cannot start the DNS, SPF and DKIM engines: " + services.error());
    }
    state_.services = std::move(services).value();
    state_.config.store(startup_);

    std::thread milter([] {
        if (smfi_main() != MI_SUCCESS) spdlog::error("libmilter stopped with an error");
    });
    milter.detach();
    // Only once libmilter's signal thread sits in our sigwait() is a SIGHUP safe to send.
    const auto parkDeadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (!libmilterSignalThreadParked() && std::chrono::steady_clock::now() < parkDeadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    if (!libmilterSignalThreadParked()) {
        removePidFile(config.pidFile);
        spdlog::error("libmilter's signal thread did not start: a SIGHUP would stop the milter");
        spdlog::default_logger_raw()->flush();
        ::_exit(kExitStartup);  // libmilter's threads run: no static destructors
    }

    spdlog::info("dmarc-milter {} started: socket={} mode={} authserv-id={} config={}", DMARC_VERSION,
                 config::toString(config.socket), modeName(config), config.authservId,
                 loaded->builtInDefaults ? std::string("built-in defaults") : commandLine_.configPath);
    notifySystemd("READY=1");

    for (;;) {
        siginfo_t info{};
        const int signal = ::sigwaitinfo(&signals, &info);
        if (signal < 0) continue;  // EINTR
        if (signal == SIGHUP || signal == SIGUSR1) reload();
        else stop(signal);
    }
}

void Daemon::reload() {
    notifySystemd("RELOADING=1");
    const config::ConfigPtr running = state_.currentConfig();
    auto reloaded = reloadConfig(commandLine_.configPath, commandLine_.configPathGiven, context_, *running);
    if (!reloaded) {
        spdlog::error("reload refused: {} (keeping the running configuration)", config::describe(reloaded.error()));
        notifySystemd("READY=1");
        return;
    }
    const config::Config& fresh = *reloaded->config;
    log::setLogLevel(fresh.logLevel);
    state_.config.store(reloaded->config);
    std::string kept;
    for (const std::string_view name : reloaded->keptRestartOnly) kept += (kept.empty() ? "" : ",") + std::string(name);
    if (kept.empty()) spdlog::info("configuration reloaded: mode={}", modeName(fresh));
    else
        spdlog::warn("configuration reloaded: mode={}; changed settings that need a restart, not applied: {}",
                     modeName(fresh), kept);
    notifySystemd("READY=1");
}

void Daemon::stop(int signal) {
    notifySystemd("STOPPING=1");
    spdlog::info("stopping on {}: finishing {} message(s) in progress", ::strsignal(signal),
                 state_.messagesInFlight.load());
    // Not smfi_stop(): it ends libmilter's worker pool, and the sessions in flight with it.
    // New connections are refused instead, and the process leaves once the messages are done.
    state_.stopping.store(true);
    const auto giveUp = std::chrono::steady_clock::now() + kDrainLimit;
    while (state_.messagesInFlight.load() > 0 && std::chrono::steady_clock::now() < giveUp)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    const long left = state_.messagesInFlight.load();
    removePidFile(startup_->pidFile);
    removeSocketFile();
    if (left > 0) spdlog::warn("stopped with {} message(s) unfinished after {} s", left, kDrainLimit.count());
    else spdlog::info("stopped");
    spdlog::default_logger_raw()->flush();
    // No static destructors: libmilter's workers are detached and may still run.
    ::_exit(kExitOk);
}

void Daemon::removeSocketFile() const {
    if (startup_->socket.family != config::SocketAddress::Family::Unix) return;
    struct stat status {};
    if (::lstat(startup_->socket.path.c_str(), &status) == 0 && S_ISSOCK(status.st_mode))
        ::unlink(startup_->socket.path.c_str());
}

}  // namespace

int runDaemon(const CommandLine& commandLine) {
    // Messages before the configuration is read go to standard error.
    if (auto logger = log::setUpLogging(log::LogOptions{}); !logger) {
        std::fprintf(stderr, "dmarc-milter: %s\n", logger.error().c_str());
        return kExitStartup;
    }
    Daemon daemon(commandLine);
    return daemon.run();
}

}  // namespace dmarc::milter
