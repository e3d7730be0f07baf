// Generates --dump-config, the example configuration and the man page's settings section
// from the settings table (see config_render.h). Pure.
#include "config_render.h"

#include <algorithm>

#include "config/config_syntax.h"
#include "config/settings.h"

namespace dmarc::config {
namespace {

constexpr std::size_t kWidth = 78;

std::size_t longestName() {
    std::size_t longest = 0;
    for (const Setting& setting : settings()) longest = std::max(longest, setting.name.size());
    return longest;
}

std::string settingLine(std::string_view name, std::string_view value) {
    std::string line(name);
    line.append(longestName() + 1 - name.size(), ' ');
    return line + quoteValue(value) + "\n";
}

std::string_view reloadWords(Reload reload) {
    return reload == Reload::Applies ? "applied on reload" : "needs a restart";
}

// Text for a roff page: backslashes escaped, and a line never starting with a control
// character ('.' or '\'').
std::string roff(std::string_view text) {
    std::string out;
    for (char c : text) {
        if (c == '\\') {
            out += "\\e";
        } else {
            out.push_back(c);
        }
    }
    if (!out.empty() && (out.front() == '.' || out.front() == '\'')) out.insert(0, "\\&");
    return out;
}

}  // namespace

std::string wrapText(std::string_view text, std::string_view prefix, std::size_t width) {
    std::string out;
    std::string line(prefix);
    bool empty = true;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find(' ', start);
        if (end == std::string_view::npos) end = text.size();
        const std::string_view word = text.substr(start, end - start);
        start = end + 1;
        if (word.empty()) continue;
        if (!empty && line.size() + 1 + word.size() > width) {
            out += line + "\n";
            line = std::string(prefix);
            empty = true;
        }
        if (!empty) line += ' ';
        line += word;
        empty = false;
    }
    if (!empty) out += line + "\n";
    return out;
}

std::string dumpConfig(const Config& config) {
    std::string out = "# dmarc-milter: effective configuration (--dump-config)\n";
    std::string_view section;
    for (const Setting& setting : settings()) {
        if (setting.section != section) {
            section = setting.section;
            out += "\n# " + std::string(section) + "\n";
        }
        out += settingLine(setting.name, setting.format(config));
    }
    return out;
}

std::string exampleConfig() {
    std::string out =
        "# dmarc-milter.conf: example configuration.\n"
        "#\n" +
        wrapText("Every setting is shown commented out at its default value: to change one, remove the "
                 "'#' and edit the value. Names are case-insensitive; '#' after a space starts a comment; "
                 "double quotes keep spaces and '#' in a value, and \"\" is an empty value; list items are "
                 "separated by commas or spaces. After a change, check the file with dmarc-milter -n -c "
                 "FILE, then reload (SIGHUP) or restart as each setting says. See dmarc-milter.conf(5).",
                 "# ", kWidth) +
        "#\n"
        "# Generated from lib/config/settings.cpp by dmarc_config_docs --write.\n";
    std::string_view section;
    for (const Setting& setting : settings()) {
        if (setting.section != section) {
            section = setting.section;
            out += "\n# ==== " + std::string(section) + " ====\n";
        }
        out += "\n" + wrapText(setting.help, "# ", kWidth);
        out += wrapText(std::string(setting.name) + ": " + setting.type + "; " +
                            std::string(reloadWords(setting.reload)) + ".",
                        "# ", kWidth);
        out += "#" + settingLine(setting.name, setting.defaultText);
    }
    return out;
}

std::string manSettings() {
    std::string out = std::string(kManBeginMarker) + " (dmarc_config_docs --write; edit lib/config/settings.cpp)\n";
    out += ".SH SETTINGS\n";
    std::string_view section;
    for (const Setting& setting : settings()) {
        if (setting.section != section) {
            section = setting.section;
            out += ".SS \"" + std::string(section) + "\"\n";
        }
        out += ".TP\n";
        out += "\\fB" + std::string(setting.name) + "\\fR \\fI" + roff(setting.type) + "\\fR\n";
        out += roff(setting.help) + "\n";
        out += ".br\n";
        out += "Default: \\fB" + roff(quoteValue(setting.defaultText)) + "\\fR; " +
               std::string(reloadWords(setting.reload)) + ".\n";
    }
    return out + std::string(kManEndMarker) + "\n";
}

}  // namespace dmarc::config
