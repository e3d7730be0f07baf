// spdlog logger construction (syslog or stderr), the level mapping, and the sink for
// C-library messages (see logging.h). spdlog's loggers and *_mt sinks are thread-safe;
// exceptions from spdlog stop here.
#include "logging.h"

#include <syslog.h>

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/sinks/syslog_sink.h>
#include <spdlog/spdlog.h>

#include "log/sanitize.h"

namespace dmarc::log {
namespace {

constexpr const char* kIdent = "dmarc-milter";

int syslogFacility(SyslogFacility facility) {
    switch (facility) {
        case SyslogFacility::Mail: return LOG_MAIL;
        case SyslogFacility::Daemon: return LOG_DAEMON;
        case SyslogFacility::User: return LOG_USER;
        case SyslogFacility::Local0: return LOG_LOCAL0;
        case SyslogFacility::Local1: return LOG_LOCAL1;
        case SyslogFacility::Local2: return LOG_LOCAL2;
        case SyslogFacility::Local3: return LOG_LOCAL3;
        case SyslogFacility::Local4: return LOG_LOCAL4;
        case SyslogFacility::Local5: return LOG_LOCAL5;
        case SyslogFacility::Local6: return LOG_LOCAL6;
        case SyslogFacility::Local7: return LOG_LOCAL7;
    }
    return LOG_MAIL;
}

spdlog::sink_ptr makeSink(const LogOptions& options) {
    if (options.syslog) {
        // Syslog stamps time, ident and pid itself: the sink sends the bare message.
        auto sink = std::make_shared<spdlog::sinks::syslog_sink_mt>(kIdent, LOG_PID,
                                                                    syslogFacility(options.facility), false);
        sink->set_pattern("%v");
        return sink;
    }
    auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
    sink->set_pattern("%Y-%m-%d %H:%M:%S.%e dmarc-milter[%P] %l: %v");
    return sink;
}

}  // namespace

spdlog::level::level_enum toSpdlogLevel(LogLevel level) {
    switch (level) {
        case LogLevel::Error: return spdlog::level::err;
        case LogLevel::Warning: return spdlog::level::warn;
        case LogLevel::Info: return spdlog::level::info;
        case LogLevel::Debug: return spdlog::level::debug;
    }
    return spdlog::level::info;
}

core::Result<std::shared_ptr<spdlog::logger>, std::string> setUpLogging(const LogOptions& options) {
    try {
        // Drop the previous logger first: a syslog sink's destructor calls closelog(), which
        // must not come after the new sink's openlog().
        spdlog::set_default_logger(std::make_shared<spdlog::logger>(kIdent));
        auto logger = std::make_shared<spdlog::logger>(kIdent, makeSink(options));
        logger->set_level(toSpdlogLevel(options.level));
        // Errors are flushed at once: they often precede an exit.
        logger->flush_on(spdlog::level::err);
        spdlog::set_default_logger(logger);
        return logger;
    } catch (const std::exception& error) {
        return core::fail(std::string("cannot set up logging: ") + error.what());
    }
}

void setLogLevel(LogLevel level) { spdlog::default_logger_raw()->set_level(toSpdlogLevel(level)); }

void logLibraryMessage(std::string_view library, LogLevel level, std::string_view message) noexcept {
    try {
        spdlog::default_logger_raw()->log(toSpdlogLevel(level), "{}: {}", library, sanitizeText(message));
    } catch (...) {
        // Out of memory or a failing sink: a C callback must not unwind, the message is lost.
    }
}

}  // namespace dmarc::log
