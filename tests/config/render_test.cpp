// Unit tests for lib/config/config_render.cpp: --dump-config's shape, the example
// configuration (parses to the defaults, commented out or not), the man page section
// (one entry per setting, roff-safe lines, markers), and word wrapping. Deterministic.
#include <catch2/catch.hpp>

#include <sstream>
#include <string>
#include <vector>

#include "config/config_render.h"
#include "config_test_support.h"

using namespace dmarc::config;
using namespace dmarc::config::testing;

namespace {

std::vector<std::string> linesOf(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

std::size_t countOf(const std::string& text, const std::string& needle) {
    std::size_t count = 0;
    for (std::size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++count;
    return count;
}

}  // namespace

TEST_CASE("render: --dump-config lists every setting once, aligned, in table order") {
    const std::string dump = dumpConfig(parseOk("RejectReply \"a # b\"\nIgnoreNetworks \"\""));
    const auto lines = linesOf(dump);
    REQUIRE_FALSE(lines.empty());
    CHECK(lines[0] == "# dmarc-milter: effective configuration (--dump-config)");
    std::size_t next = 0;
    for (const std::string& line : lines) {
        if (line.empty() || line[0] == '#') continue;
        REQUIRE(next < settings().size());
        const Setting& setting = settings()[next++];
        CAPTURE(line);
        CHECK(line.rfind(std::string(setting.name) + " ", 0) == 0);
        CHECK(line.find_first_not_of(' ', setting.name.size()) == std::string("IgnoreAuthenticatedClients ").size());
    }
    CHECK(next == settings().size());
    CHECK(dump.find("\nRejectReply                \"a # b\"\n") != std::string::npos);
    CHECK(dump.find("\nIgnoreNetworks             \"\"\n") != std::string::npos);
    CHECK(dump.find("\nAuthservID                 mx.example.net\n") != std::string::npos);
    CHECK(countOf(dump, "\n# Connection to the MTA\n") == 1);
    CHECK(countOf(dump, "\n# Logging\n") == 1);
}

TEST_CASE("render: the example configuration is the defaults, commented out or not") {
    const std::string example = exampleConfig();
    CHECK(parseOk(example) == parseOk(""));
    // Uncomment every setting line: still the defaults (so every shown default is valid and
    // correctly quoted).
    std::string uncommented;
    std::size_t settingLines = 0;
    for (const std::string& line : linesOf(example)) {
        const bool isSetting = line.size() > 1 && line[0] == '#' && line[1] != ' ' && line[1] != '=';
        settingLines += isSetting ? 1 : 0;
        uncommented += (isSetting ? line.substr(1) : line) + "\n";
    }
    CHECK(settingLines == settings().size());
    CHECK(parseOk(uncommented) == parseOk(""));
    for (const Setting& setting : settings()) {
        CAPTURE(setting.name);
        CHECK(countOf(example, "\n#" + std::string(setting.name) + " ") == 1);
    }
}

TEST_CASE("render: example lines stay within 78 columns except unbreakable words") {
    for (const std::string& line : linesOf(exampleConfig())) {
        CAPTURE(line);
        if (line.size() <= 78) continue;
        // Only a setting line with a long default, or a comment made of one long word.
        const bool settingLine = line.size() > 1 && line[0] == '#' && line[1] != ' ';
        CHECK((settingLine || (line[0] == '#' && line.find(' ', 2) == std::string::npos)));
    }
}

TEST_CASE("render: the man page section has one entry per setting and safe roff") {
    const std::string man = manSettings();
    const auto lines = linesOf(man);
    REQUIRE(lines.size() > 2);
    CHECK(lines.front().rfind(std::string(kManBeginMarker), 0) == 0);
    CHECK(lines.back() == kManEndMarker);
    CHECK(countOf(man, "\n.TP\n") == settings().size());
    for (const Setting& setting : settings()) {
        CAPTURE(setting.name);
        CHECK(countOf(man, "\n\\fB" + std::string(setting.name) + "\\fR \\fI") == 1);
    }
    for (const std::string& line : lines) {
        CAPTURE(line);
        CHECK_FALSE(line.empty());
        if (line[0] == '.') {
            const bool known = line.rfind(".\\\" ", 0) == 0 || line == ".SH SETTINGS" || line.rfind(".SS \"", 0) == 0 ||
                               line == ".TP" || line == ".br";
            CHECK(known);
        }
        CHECK(line[0] != '\'');
    }
    CHECK(man.find("Default: \\fB\"\"\\fR; needs a restart.") != std::string::npos);
    CHECK(man.find("\\fBSocket\\fR \\fIunix:PATH | inet:PORT@HOST | inet6:PORT@HOST\\fR") != std::string::npos);
}

TEST_CASE("render: wrapText fills lines up to the width") {
    CHECK(wrapText("", "# ", 20).empty());
    CHECK(wrapText("one two three", "# ", 78) == "# one two three\n");
    CHECK(wrapText("aaaa bbbb cccc dddd", "# ", 11) == "# aaaa bbbb\n# cccc dddd\n");
    CHECK(wrapText("aaaa bbbb cccc", "# ", 10) == "# aaaa\n# bbbb\n# cccc\n");
    CHECK(wrapText("averyveryverylongword x", "# ", 10) == "# averyveryverylongword\n# x\n");
    CHECK(wrapText("  spaced   out  ", "> ", 78) == "> spaced out\n");
}
