// The lexical layer of dmarc-milter.conf and of the data files settings name:
//  - one "Key value" per line, the key a word of letters and digits (matched
//    case-insensitively later), separated from the value by spaces or tabs;
//  - '#' at the start of a line, or after a space or tab, starts a comment;
//  - a value may be written in double quotes, which keep '#', leading and trailing spaces,
//    and allow "" for an empty value; inside them \" is a quote and \\ a backslash;
//  - CRLF line ends are accepted; a NUL byte or a line over kMaxLineLength is an error.
// Data files (IgnoreHosts, LocalPolicyFile) use the same lines and comments, unquoted.
// Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "config/config_error.h"
#include "core/result.h"

namespace dmarc::config {

// Long enough for every line --dump-config writes (value_codecs.h bounds the values).
inline constexpr std::size_t kMaxLineLength = 16384;

struct Statement {
    std::size_t line = 0;
    std::string key;    // as written
    std::string value;  // quotes removed, escapes resolved
};

core::Result<std::vector<Statement>, ConfigError> parseStatements(std::string_view text,
                                                                  const std::string& file);

struct DataLine {
    std::size_t line = 0;
    std::string_view content;  // comment removed, trimmed, never empty
};

// The non-blank lines of a data file; `text` must outlive the result.
// Errors carry `file` and the line but no key: the caller knows which setting named the file.
core::Result<std::vector<DataLine>, ConfigError> parseDataLines(std::string_view text, const std::string& file);

// List items: separated by commas and/or whitespace; empty items are skipped.
std::vector<std::string_view> splitList(std::string_view value);

// `value` as it must be written in a configuration file to read back unchanged: bare when
// it can be, else in double quotes with '"' and '\' escaped.
std::string quoteValue(std::string_view value);

}  // namespace dmarc::config
