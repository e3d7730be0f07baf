// The settings table: the one place a setting of dmarc-milter.conf is defined, with its
// name, section, default (as text, parsed like the file's own values), whether a reload
// (SIGHUP) applies it, its help text, its type, and how its value is parsed into and
// printed from a Config. The parser, the defaults, --dump-config, conf/dmarc-milter.conf
// and the dmarc-milter.conf(5) settings section are all generated from it. Built once on
// first use; read-only afterwards, thread-safe.
#pragma once

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "config/parse_context.h"
#include "config/value_codecs.h"

namespace dmarc::config {

enum class Reload { Applies, NeedsRestart };

struct Setting {
    std::string_view name;     // canonical spelling; matched case-insensitively
    std::string_view section;  // heading in the generated documentation
    std::string_view defaultText;
    Reload reload = Reload::Applies;
    std::string_view help;     // for a mail admin; plain sentences
    std::string type;          // from the codec: "yes or no", "duration, 1s to 1d", ...
    // Parses `text` into the setting's field of `config`, or says why not.
    std::function<std::optional<ValueError>(std::string_view text, const ParseContext&, Config&)> apply;
    // The field's value as the configuration file writes it (unquoted).
    std::function<std::string(const Config&)> format;
    // Copies the field from one snapshot to another.
    std::function<void(const Config& from, Config& to)> copy;
};

// Every setting, in documentation order (grouped by section).
std::span<const Setting> settings();

// The setting called `name` (any case), or nullptr.
const Setting* findSetting(std::string_view name);

// The setting name nearest to `name` by edit distance when it is close enough to be a
// plausible typo ("RejectFailure" → "RejectFailures"), else nullopt.
std::optional<std::string_view> suggestSetting(std::string_view name);

// Names of the restart-only settings whose values differ between two snapshots: what a
// reload cannot apply and must log.
std::vector<std::string_view> restartOnlyChanges(const Config& running, const Config& loaded);

// For a reload: puts the running values of the restart-only settings back into `loaded`,
// so the new snapshot says what is really in effect, and returns the names of those that
// the file had changed (restartOnlyChanges before the copy).
std::vector<std::string_view> keepRestartOnly(const Config& running, Config& loaded);

}  // namespace dmarc::config
