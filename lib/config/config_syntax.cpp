// Line splitting, comments, quoting and list splitting for configuration and data files
// (see config_syntax.h). Linear in the input; every error names its line. Pure.
#include "config_syntax.h"

#include <algorithm>
#include <optional>

namespace dmarc::config {
namespace {

using core::fail;

bool isBlank(char c) { return c == ' ' || c == '\t'; }
bool isKeyChar(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

std::string_view trimLeft(std::string_view text) {
    while (!text.empty() && isBlank(text.front())) text.remove_prefix(1);
    return text;
}

std::string_view trimRight(std::string_view text) {
    while (!text.empty() && isBlank(text.back())) text.remove_suffix(1);
    return text;
}

// The text before a comment: '#' at the start or after a blank.
std::string_view withoutComment(std::string_view text) {
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '#' && (i == 0 || isBlank(text[i - 1]))) return text.substr(0, i);
    }
    return text;
}

ConfigError lineError(ConfigErrorKind kind, const std::string& file, std::size_t line, std::string key,
                      std::string detail) {
    return ConfigError{kind, file, line, std::move(key), std::move(detail)};
}

// Calls `each(number, text)` for every line, CR removed; stops at the first error
// (from the line checks or from `each`).
template <typename Each>
std::optional<ConfigError> forEachLine(std::string_view text, const std::string& file, Each each) {
    std::size_t number = 0;
    while (!text.empty()) {
        ++number;
        const std::size_t end = text.find('\n');
        std::string_view line = text.substr(0, end);
        text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.size() > kMaxLineLength) {
            return lineError(ConfigErrorKind::Syntax, file, number, "",
                             "line longer than " + std::to_string(kMaxLineLength) + " bytes");
        }
        if (line.find('\0') != std::string_view::npos) {
            return lineError(ConfigErrorKind::Syntax, file, number, "", "NUL byte in line");
        }
        if (auto error = each(number, line)) return error;
    }
    return std::nullopt;
}

// A quoted value: `text` starts at the opening quote. The unquoted value, or why not.
core::Result<std::string, std::string> unquote(std::string_view text) {
    std::string value;
    for (std::size_t i = 1; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '"') {
            const std::string_view rest = trimLeft(text.substr(i + 1));
            if (!rest.empty() && rest.front() != '#') return fail(std::string("text after the closing quote"));
            return value;
        }
        if (c == '\\') {
            if (i + 1 == text.size()) break;
            const char next = text[++i];
            if (next != '"' && next != '\\') {
                return fail("unknown escape \\" + std::string(1, next) + " in quotes (only \\\" and \\\\)");
            }
            value.push_back(next);
            continue;
        }
        value.push_back(c);
    }
    return fail(std::string("no closing quote"));
}

// A printable rendering of a bad key for the message, cut short.
std::string shownKey(std::string_view key) {
    std::string shown;
    for (char c : key.substr(0, 40)) shown.push_back(c >= 0x21 && c <= 0x7E ? c : '?');
    if (key.size() > 40) shown += "...";
    return shown;
}

}  // namespace

core::Result<std::vector<Statement>, ConfigError> parseStatements(std::string_view text, const std::string& file) {
    std::vector<Statement> statements;
    auto error = forEachLine(text, file, [&](std::size_t number, std::string_view line) -> std::optional<ConfigError> {
        line = trimLeft(line);
        if (line.empty() || line.front() == '#') return std::nullopt;
        const auto keyEnd = std::find_if(line.begin(), line.end(), isBlank);
        const std::string_view key = line.substr(0, static_cast<std::size_t>(keyEnd - line.begin()));
        if (!std::all_of(key.begin(), key.end(), isKeyChar)) {
            return lineError(ConfigErrorKind::Syntax, file, number, "",
                             "\"" + shownKey(key) + "\" is not a setting name (write: Name value)");
        }
        const std::string_view rest = trimLeft(line.substr(key.size()));
        Statement statement{number, std::string(key), {}};
        if (!rest.empty() && rest.front() == '"') {
            auto value = unquote(rest);
            if (!value) return lineError(ConfigErrorKind::Syntax, file, number, statement.key, value.error());
            statement.value = std::move(value).value();
        } else {
            const std::string_view value = trimRight(withoutComment(rest));
            if (value.empty()) {
                return lineError(ConfigErrorKind::MissingValue, file, number, statement.key,
                                 "missing value (write \"\" for an empty one)");
            }
            statement.value = std::string(value);
        }
        statements.push_back(std::move(statement));
        return std::nullopt;
    });
    if (error) return fail(std::move(*error));
    return statements;
}

core::Result<std::vector<DataLine>, ConfigError> parseDataLines(std::string_view text, const std::string& file) {
    std::vector<DataLine> lines;
    auto error = forEachLine(text, file, [&](std::size_t number, std::string_view line) -> std::optional<ConfigError> {
        const std::string_view content = trimRight(trimLeft(withoutComment(line)));
        if (!content.empty()) lines.push_back(DataLine{number, content});
        return std::nullopt;
    });
    if (error) return fail(std::move(*error));
    return lines;
}

std::vector<std::string_view> splitList(std::string_view value) {
    std::vector<std::string_view> items;
    std::size_t start = 0;
    for (std::size_t i = 0; i <= value.size(); ++i) {
        if (i == value.size() || value[i] == ',' || isBlank(value[i])) {
            if (i > start) items.push_back(value.substr(start, i - start));
            start = i + 1;
        }
    }
    return items;
}

std::string quoteValue(std::string_view value) {
    const bool bare = !value.empty() && !isBlank(value.front()) && !isBlank(value.back()) &&
                      value.find_first_of("\"\\#") == std::string_view::npos;
    if (bare) return std::string(value);
    std::string quoted = "\"";
    for (char c : value) {
        if (c == '"' || c == '\\') quoted.push_back('\\');
        quoted.push_back(c);
    }
    return quoted + "\"";
}

}  // namespace dmarc::config
