// Renderings of the settings table: --dump-config (a Config's effective values as a
// configuration file that parses back to the same Config), the example configuration
// conf/dmarc-milter.conf (every setting commented out at its default, with its help),
// and the SETTINGS section of dmarc-milter.conf(5) in roff, between marker lines so the
// hand-written rest of the page stays. The checked-in files must equal these outputs
// (dmarc_config_docs --check, a ctest). Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "config/config.h"

namespace dmarc::config {

inline constexpr std::string_view kManBeginMarker = ".\\\" BEGIN GENERATED SETTINGS";
inline constexpr std::string_view kManEndMarker = ".\\\" END GENERATED SETTINGS";

std::string dumpConfig(const Config& config);
std::string exampleConfig();
// From the begin marker line to the end marker line, both included, newline-terminated.
std::string manSettings();

// `text` wrapped at `width` columns, each line starting with `prefix`.
std::string wrapText(std::string_view text, std::string_view prefix, std::size_t width);

}  // namespace dmarc::config
