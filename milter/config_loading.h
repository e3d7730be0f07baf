// Reading the daemon's configuration at start-up and on reload. At start-up a missing
// default file (no -c) means the built-in defaults, said so in the log; a file named with
// -c must exist. A reload parses the file again and keeps the running values of the
// restart-only settings (Socket, UserID, DNS, …), naming those the file changed so the
// admin learns a restart is needed. Thread-safe (pure apart from reading files).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "config/config_parser.h"
#include "core/result.h"

namespace dmarc::milter {

struct LoadedConfig {
    config::ConfigPtr config;
    bool builtInDefaults = false;  // the default file is missing: defaultConfig()
};

core::Result<LoadedConfig, config::ConfigError> loadStartupConfig(const std::string& path, bool pathGiven,
                                                                  const config::ParseContext& context);

struct Reloaded {
    config::ConfigPtr config;                      // what to swap in
    std::vector<std::string_view> keptRestartOnly;  // changed in the file, not applied
};

core::Result<Reloaded, config::ConfigError> reloadConfig(const std::string& path, bool pathGiven,
                                                         const config::ParseContext& context,
                                                         const config::Config& running);

}  // namespace dmarc::milter
