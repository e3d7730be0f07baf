// Fuzz target "config": arbitrary bytes through the configuration parser. The input is a
// configuration file, optionally followed by a line "----" and the text every data file
// (IgnoreHosts, LocalPolicyFile) reads as. Traps when: an accepted configuration's
// --dump-config does not parse back to the same Config, or dumps differently; a reload of
// an identical snapshot reports restart-only changes; an error lacks a description or
// names a line the file does not have. Stateless.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "config/config_parser.h"
#include "config/config_render.h"
#include "config/settings.h"

namespace {

using namespace dmarc::config;

void require(bool condition) {
    if (!condition) __builtin_trap();
}

constexpr std::string_view kSeparator = "\n----\n";

std::size_t lineCount(std::string_view text) {
    std::size_t lines = 1;
    for (char c : text) lines += c == '\n' ? 1 : 0;
    return lines;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const std::size_t split = input.find(kSeparator);
    const std::string_view text = input.substr(0, split);
    const std::string dataFile =
        split == std::string_view::npos ? std::string() : std::string(input.substr(split + kSeparator.size()));

    ParseContext context;
    context.hostName = "mx.example.net";
    context.readFile = [&dataFile](const std::string&) -> dmarc::core::Result<std::string, std::string> {
        return dataFile;
    };

    const auto parsed = parseConfig(text, "fuzz.conf", context);
    if (!parsed) {
        const ConfigError& error = parsed.error();
        require(!describe(error).empty() && !error.detail.empty());
        if (error.file == "fuzz.conf") require(error.line <= lineCount(text));
        if (error.file != "fuzz.conf") require(error.line <= lineCount(dataFile));
        return 0;
    }
    const Config& config = **parsed;
    const std::string dump = dumpConfig(config);
    const auto again = parseConfig(dump, "dump.conf", context);
    require(again.ok());
    require(**again == config);
    require(dumpConfig(**again) == dump);
    require(restartOnlyChanges(config, **again).empty());
    return 0;
}
