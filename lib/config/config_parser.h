// Reading dmarc-milter.conf into an immutable Config snapshot. Every setting the file does
// not name takes its default from the settings table; any problem is a ConfigError naming
// file, line and key (config_error.h), the first one found in file order. On reload the
// milter parses the file again and swaps in the new snapshot only when this succeeds.
// Thread-safe (no shared state beyond the read-only settings table).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "config/config.h"
#include "config/config_error.h"
#include "config/parse_context.h"
#include "core/result.h"

namespace dmarc::config {

inline constexpr std::string_view kDefaultConfigPath = "/etc/dmarc-milter.conf";

using ConfigPtr = std::shared_ptr<const Config>;

// `text` is the file's contents, `file` its name for error messages.
core::Result<ConfigPtr, ConfigError> parseConfig(std::string_view text, const std::string& file,
                                                 const ParseContext& context);

// Reads `path` through context.readFile, then parseConfig.
core::Result<ConfigPtr, ConfigError> loadConfig(const std::string& path, const ParseContext& context);

// Every setting at its default (fails only when the host name cannot be the AuthservID).
core::Result<ConfigPtr, ConfigError> defaultConfig(const ParseContext& context);

}  // namespace dmarc::config
