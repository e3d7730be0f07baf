// ConfigError: why a configuration was refused, located for the admin as
// "FILE:LINE: KEY: DETAIL" (`dmarc-milter -n` prints exactly that). An error found in a
// file a setting names (IgnoreHosts, LocalPolicyFile) carries that file and its line; a
// setting's default that fails (AuthservID when the host name is unusable) has line 0.
// Plain value; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace dmarc::config {

enum class ConfigErrorKind {
    CannotRead,    // the file (or one a setting names) could not be read
    Syntax,        // not "Key value": a stray character, an unterminated quote, a NUL
    UnknownKey,    // no such setting (the detail suggests the nearest one)
    DuplicateKey,  // the same setting twice
    MissingValue,  // a key without a value
    BadValue,      // the value does not parse or is out of range
    Inconsistent,  // two settings that contradict each other
};

std::string_view describe(ConfigErrorKind kind);

struct ConfigError {
    ConfigErrorKind kind = ConfigErrorKind::Syntax;
    std::string file;
    std::size_t line = 0;  // 1-based; 0 when no line is to blame
    std::string key;       // the setting's name as written; empty for a syntax error
    std::string detail;
    friend bool operator==(const ConfigError&, const ConfigError&) = default;
};

// "file:line: key: detail"; ":line" is left out for line 0 and "key: " for an empty key.
std::string describe(const ConfigError& error);

}  // namespace dmarc::config
