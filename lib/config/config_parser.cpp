// The configuration parser (see config_parser.h): statements from config_syntax, names
// looked up in the settings table, values parsed by each setting's codec, then the checks
// that span two settings. Pure apart from ParseContext::readFile.
#include "config_parser.h"

#include <map>
#include <optional>
#include <vector>

#include "config/config_syntax.h"
#include "config/settings.h"

namespace dmarc::config {
namespace {

using core::fail;

constexpr std::size_t kMaxShownKey = 64;

std::string shownKey(const std::string& key) {
    return key.size() > kMaxShownKey ? key.substr(0, kMaxShownKey) + "..." : key;
}

struct Assignment {
    const Setting* setting = nullptr;
    const Statement* statement = nullptr;
};

ConfigError valueError(ValueError error, const std::string& file, std::size_t line, std::string key) {
    if (!error.file.empty()) {
        return ConfigError{error.kind, std::move(error.file), error.line, std::move(key), std::move(error.detail)};
    }
    return ConfigError{error.kind, file, line, std::move(key), std::move(error.detail)};
}

// Checks between settings. `lineOf` gives the line a setting was set on (0: default).
template <typename LineOf>
std::optional<ConfigError> checkConsistency(const Config& config, const std::string& file, LineOf lineOf) {
    if (config.dnsTtlFloor > config.dnsTtlCeiling) {
        const std::size_t floorLine = lineOf("DNSTtlFloor");
        const std::size_t ceilingLine = lineOf("DNSTtlCeiling");
        const bool blameFloor = floorLine >= ceilingLine;
        const Setting& floor = *findSetting("DNSTtlFloor");
        const Setting& ceiling = *findSetting("DNSTtlCeiling");
        return ConfigError{ConfigErrorKind::Inconsistent, file, blameFloor ? floorLine : ceilingLine,
                           std::string(blameFloor ? floor.name : ceiling.name),
                           "DNSTtlFloor " + floor.format(config) + " is above DNSTtlCeiling " +
                               ceiling.format(config)};
    }
    return std::nullopt;
}

}  // namespace

core::Result<ConfigPtr, ConfigError> parseConfig(std::string_view text, const std::string& file,
                                                 const ParseContext& context) {
    auto statements = parseStatements(text, file);
    if (!statements) return fail(std::move(statements.error()));

    std::vector<Assignment> assignments;
    std::map<const Setting*, std::size_t> lines;
    for (const Statement& statement : *statements) {
        const Setting* setting = findSetting(statement.key);
        if (setting == nullptr) {
            const auto suggestion = suggestSetting(statement.key);
            return fail(ConfigError{ConfigErrorKind::UnknownKey, file, statement.line, shownKey(statement.key),
                                    suggestion ? "unknown key (did you mean " + std::string(*suggestion) + "?)"
                                               : std::string("unknown key")});
        }
        const auto [where, added] = lines.emplace(setting, statement.line);
        if (!added) {
            return fail(ConfigError{ConfigErrorKind::DuplicateKey, file, statement.line, statement.key,
                                    "set twice (first on line " + std::to_string(where->second) + ")"});
        }
        assignments.push_back(Assignment{setting, &statement});
    }

    Config config;
    for (const Assignment& assignment : assignments) {
        if (auto error = assignment.setting->apply(assignment.statement->value, context, config)) {
            return fail(valueError(std::move(*error), file, assignment.statement->line, assignment.statement->key));
        }
    }
    for (const Setting& setting : settings()) {
        if (lines.count(&setting) != 0) continue;
        if (auto error = setting.apply(setting.defaultText, context, config)) {
            return fail(valueError(std::move(*error), file, 0, std::string(setting.name)));
        }
    }
    const auto lineOf = [&lines](std::string_view name) -> std::size_t {
        const auto found = lines.find(findSetting(name));
        return found == lines.end() ? 0 : found->second;
    };
    if (auto error = checkConsistency(config, file, lineOf)) return fail(std::move(*error));
    return std::make_shared<const Config>(std::move(config));
}

core::Result<ConfigPtr, ConfigError> loadConfig(const std::string& path, const ParseContext& context) {
    if (!context.readFile) return fail(ConfigError{ConfigErrorKind::CannotRead, path, 0, "", "no file access"});
    auto text = context.readFile(path);
    if (!text) return fail(ConfigError{ConfigErrorKind::CannotRead, path, 0, "", text.error()});
    return parseConfig(*text, path, context);
}

core::Result<ConfigPtr, ConfigError> defaultConfig(const ParseContext& context) {
    return parseConfig("", "(defaults)", context);
}

}  // namespace dmarc::config
