// Where log lines go and how many: syslog (with a facility) or stderr, and a threshold
// level. The names here are the words the configuration file uses ("mail", "local3",
// "warning"); lib/config parses them through these tables. Plain values; thread-safe.
#pragma once

#include <array>
#include <string_view>
#include <utility>

namespace dmarc::log {

enum class LogLevel { Error, Warning, Info, Debug };

enum class SyslogFacility {
    Mail, Daemon, User, Local0, Local1, Local2, Local3, Local4, Local5, Local6, Local7,
};

inline constexpr std::array<std::pair<std::string_view, LogLevel>, 4> kLogLevelNames{{
    {"error", LogLevel::Error},
    {"warning", LogLevel::Warning},
    {"info", LogLevel::Info},
    {"debug", LogLevel::Debug},
}};

inline constexpr std::array<std::pair<std::string_view, SyslogFacility>, 11> kSyslogFacilityNames{{
    {"mail", SyslogFacility::Mail},
    {"daemon", SyslogFacility::Daemon},
    {"user", SyslogFacility::User},
    {"local0", SyslogFacility::Local0},
    {"local1", SyslogFacility::Local1},
    {"local2", SyslogFacility::Local2},
    {"local3", SyslogFacility::Local3},
    {"local4", SyslogFacility::Local4},
    {"local5", SyslogFacility::Local5},
    {"local6", SyslogFacility::Local6},
    {"local7", SyslogFacility::Local7},
}};

std::string_view toString(LogLevel level);
std::string_view toString(SyslogFacility facility);

// The defaults describe logging before any configuration is read (command-line errors,
// `-n`): stderr at info. The configuration file's defaults live in lib/config's table.
struct LogOptions {
    bool syslog = false;
    SyslogFacility facility = SyslogFacility::Mail;
    LogLevel level = LogLevel::Info;
    friend bool operator==(const LogOptions&, const LogOptions&) = default;
};

}  // namespace dmarc::log
