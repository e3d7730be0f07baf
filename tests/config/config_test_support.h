// Helpers for the config tests: a ParseContext with a fixed host name and in-memory
// files, and shorthands to parse a text or read one setting's formatted value.
#pragma once

#include <catch2/catch.hpp>

#include <map>
#include <string>

#include "config/config_parser.h"
#include "config/settings.h"

namespace dmarc::config::testing {

inline ParseContext testContext(std::map<std::string, std::string> files = {},
                                std::string hostName = "mx.example.net") {
    ParseContext context;
    context.hostName = std::move(hostName);
    context.readFile = [files = std::move(files)](const std::string& path) -> core::Result<std::string, std::string> {
        const auto found = files.find(path);
        if (found == files.end()) return core::fail(std::string("No such file or directory"));
        return found->second;
    };
    return context;
}

inline core::Result<ConfigPtr, ConfigError> parse(const std::string& text, const ParseContext& context = testContext()) {
    return parseConfig(text, "t.conf", context);
}

// The parsed config, failing the test with the error message otherwise.
inline Config parseOk(const std::string& text, const ParseContext& context = testContext()) {
    auto parsed = parse(text, context);
    INFO(text);
    if (!parsed) FAIL(describe(parsed.error()));
    return *parsed.value();
}

inline std::string errorOf(const std::string& text, const ParseContext& context = testContext()) {
    auto parsed = parse(text, context);
    INFO(text);
    if (parsed) FAIL("accepted");
    return describe(parsed.error());
}

inline std::string formatted(const Config& config, std::string_view name) {
    const Setting* setting = findSetting(name);
    REQUIRE(setting != nullptr);
    return setting->format(config);
}

}  // namespace dmarc::config::testing
