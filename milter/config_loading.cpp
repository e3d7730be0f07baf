// Start-up and reload configuration reading (see config_loading.h).
#include "milter/config_loading.h"

#include <sys/stat.h>

#include <cerrno>
#include <memory>

#include "config/settings.h"

namespace dmarc::milter {
namespace {

bool isMissing(const std::string& path) {
    struct stat status {};
    return ::stat(path.c_str(), &status) != 0 && errno == ENOENT;
}

}  // namespace

core::Result<LoadedConfig, config::ConfigError> loadStartupConfig(const std::string& path, bool pathGiven,
                                                                  const config::ParseContext& context) {
    if (!pathGiven && isMissing(path)) {
        auto defaults = config::defaultConfig(context);
        if (!defaults) return core::fail(defaults.error());
        return LoadedConfig{std::move(defaults).value(), true};
    }
    auto loaded = config::loadConfig(path, context);
    if (!loaded) return core::fail(loaded.error());
    return LoadedConfig{std::move(loaded).value(), false};
}

core::Result<Reloaded, config::ConfigError> reloadConfig(const std::string& path, bool pathGiven,
                                                         const config::ParseContext& context,
                                                         const config::Config& running) {
    auto loaded = loadStartupConfig(path, pathGiven, context);
    if (!loaded) return core::fail(loaded.error());
    auto fresh = std::make_shared<config::Config>(*loaded->config);
    Reloaded reloaded;
    reloaded.keptRestartOnly = config::keepRestartOnly(running, *fresh);
    reloaded.config = std::move(fresh);
    return reloaded;
}

}  // namespace dmarc::milter
