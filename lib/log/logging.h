// spdlog set-up for the milter: one logger named "dmarc-milter", made spdlog's default,
// writing to syslog (ident "dmarc-milter", with the pid, the configured facility) or to
// stderr; plus the entry point for C libraries' own messages (libspf2, libopendkim),
// which arrive as untrusted text and leave sanitised, tagged with the library's name.
// setUpLogging runs at start-up before other threads log (typically twice: stderr while
// the configuration is read, then the configured sink), and nothing else may keep the
// previous logger alive; setLogLevel (reload) and logLibraryMessage may be called from any
// thread at any time.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <spdlog/common.h>
#include <spdlog/logger.h>

#include "core/result.h"
#include "log/log_options.h"

namespace dmarc::log {

spdlog::level::level_enum toSpdlogLevel(LogLevel level);

// Builds the logger for `options` and installs it as spdlog's default; the error says why
// it could not (spdlog reports sink failures by exception, caught here).
core::Result<std::shared_ptr<spdlog::logger>, std::string> setUpLogging(const LogOptions& options);

// Changes the default logger's threshold (a reloadable setting).
void setLogLevel(LogLevel level);

// "libspf2: <message>" on the default logger at `level`, the message sanitised as text
// and capped (sanitize.h). Never throws: C callbacks call it.
void logLibraryMessage(std::string_view library, LogLevel level, std::string_view message) noexcept;

}  // namespace dmarc::log
