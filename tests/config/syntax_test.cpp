// Unit tests for lib/config/config_syntax.cpp: "Key value" lines, comments, quoting and
// escapes, CRLF, every syntax error with its line, data-file lines, list splitting, and
// quoteValue's round trip through the lexer. Single-threaded, deterministic.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "config/config_syntax.h"

using namespace dmarc::config;

namespace {

std::vector<Statement> statements(const std::string& text) {
    auto parsed = parseStatements(text, "t.conf");
    INFO(text);
    if (!parsed) FAIL(describe(parsed.error()));
    return parsed.value();
}

}  // namespace

TEST_CASE("syntax: one statement per line, value as written") {
    const auto [text, key, value] = GENERATE(table<std::string, std::string, std::string>({
        {"Socket inet:8893@127.0.0.1", "Socket", "inet:8893@127.0.0.1"},
        {"Socket\tinet:1@h", "Socket", "inet:1@h"},
        {"   Socket    inet:1@h   ", "Socket", "inet:1@h"},
        {"\tsocket x", "socket", "x"},
        {"RejectReply Email rejected per DMARC policy for DOMAIN", "RejectReply",
         "Email rejected per DMARC policy for DOMAIN"},
        {"IgnoreNetworks 127.0.0.0/8, ::1   # loopback", "IgnoreNetworks", "127.0.0.0/8, ::1"},
        {"IgnoreNetworks 127.0.0.0/8,::1\t# loopback", "IgnoreNetworks", "127.0.0.0/8,::1"},
        {"QuarantineHeader X-Spam#Flag", "QuarantineHeader", "X-Spam#Flag"},  // '#' mid-word
        {"Key a\"b", "Key", "a\"b"},                                          // quote mid-value
        {"Key a\\b", "Key", "a\\b"},                                          // backslash kept
        {"Key \"\"", "Key", ""},
        {"Key \"  padded  \"", "Key", "  padded  "},
        {"Key \"a # b\"", "Key", "a # b"},
        {"Key \"say \\\"hi\\\"\"", "Key", "say \"hi\""},
        {"Key \"back\\\\slash\"", "Key", "back\\slash"},
        {"Key \"x\" # comment", "Key", "x"},
        {"Key \"x\"#comment", "Key", "x"},
        {"Key \"x\"   ", "Key", "x"},
        {"Key x\r", "Key", "x"},
        {"K1 v", "K1", "v"},
    }));
    const auto parsed = statements(text);
    REQUIRE(parsed.size() == 1);
    CHECK(parsed[0].line == 1);
    CHECK(parsed[0].key == key);
    CHECK(parsed[0].value == value);
}

TEST_CASE("syntax: blank lines and comments are skipped, lines are counted") {
    const std::string text =
        "# comment\n"
        "\n"
        "   \t  \n"
        "   # indented comment\n"
        "A 1\r\n"
        "#B 2\n"
        "C 3 # trailing\n"
        "D \"4\"";  // no final newline
    const auto parsed = statements(text);
    REQUIRE(parsed.size() == 3);
    CHECK(parsed[0].key == "A");
    CHECK(parsed[0].line == 5);
    CHECK(parsed[1].key == "C");
    CHECK(parsed[1].line == 7);
    CHECK(parsed[1].value == "3");
    CHECK(parsed[2].key == "D");
    CHECK(parsed[2].line == 8);
    CHECK(statements("").empty());
    CHECK(statements("\n\n\n").empty());
}

TEST_CASE("syntax: malformed lines are errors naming line and reason") {
    const auto [text, kind, message] = GENERATE(table<std::string, ConfigErrorKind, std::string>({
        {"Socket", ConfigErrorKind::MissingValue, "t.conf:1: Socket: missing value (write \"\" for an empty one)"},
        {"Socket   ", ConfigErrorKind::MissingValue, "t.conf:1: Socket: missing value (write \"\" for an empty one)"},
        {"Socket # no value", ConfigErrorKind::MissingValue,
         "t.conf:1: Socket: missing value (write \"\" for an empty one)"},
        {"\n\nSocket=inet:1@h", ConfigErrorKind::Syntax,
         "t.conf:3: \"Socket=inet:1@h\" is not a setting name (write: Name value)"},
        {"Socket: x", ConfigErrorKind::Syntax, "t.conf:1: \"Socket:\" is not a setting name (write: Name value)"},
        {"\"Socket\" x", ConfigErrorKind::Syntax,
         "t.conf:1: \"\"Socket\"\" is not a setting name (write: Name value)"},
        {"Dns-Timeout 2s", ConfigErrorKind::Syntax,
         "t.conf:1: \"Dns-Timeout\" is not a setting name (write: Name value)"},
        {"Key \"open", ConfigErrorKind::Syntax, "t.conf:1: Key: no closing quote"},
        {"Key \"open\\\"", ConfigErrorKind::Syntax, "t.conf:1: Key: no closing quote"},
        {"Key \"ends in backslash\\", ConfigErrorKind::Syntax, "t.conf:1: Key: no closing quote"},
        {"Key \"a\" b", ConfigErrorKind::Syntax, "t.conf:1: Key: text after the closing quote"},
        {"Key \"a\"\"b\"", ConfigErrorKind::Syntax, "t.conf:1: Key: text after the closing quote"},
        {"Key \"a\\nb\"", ConfigErrorKind::Syntax,
         "t.conf:1: Key: unknown escape \\n in quotes (only \\\" and \\\\)"},
        {std::string("A 1\nKey x\0y", 11), ConfigErrorKind::Syntax, "t.conf:2: NUL byte in line"},
        {"A 1\n" + std::string(kMaxLineLength + 1, 'x'), ConfigErrorKind::Syntax,
         "t.conf:2: line longer than 16384 bytes"},
        {"K\xC3\xA9y v", ConfigErrorKind::Syntax, "t.conf:1: \"K??y\" is not a setting name (write: Name value)"},
    }));
    CAPTURE(text);
    const auto parsed = parseStatements(text, "t.conf");
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.error().kind == kind);
    CHECK(describe(parsed.error()) == message);
}

TEST_CASE("syntax: the longest allowed line is accepted, CR not counted") {
    const std::string line = "K " + std::string(kMaxLineLength - 2, 'v');
    CHECK(statements(line).size() == 1);
    CHECK(statements(line + "\r\n").size() == 1);
}

TEST_CASE("syntax: a bad key in the message is cut and made printable") {
    const std::string key(100, 'k');
    const auto parsed = parseStatements(key + "- v", "t.conf");
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.error().detail == "\"" + std::string(40, 'k') + "...\" is not a setting name (write: Name value)");
}

TEST_CASE("syntax: data files give trimmed lines without comments") {
    const std::string text = "# networks\n10.0.0.0/8   # office\n\n  192.0.2.0/24, 198.51.100.0/24\r\n#x\n::1";
    const auto lines = parseDataLines(text, "hosts");
    REQUIRE(lines.ok());
    REQUIRE(lines->size() == 3);
    CHECK((*lines)[0].line == 2);
    CHECK((*lines)[0].content == "10.0.0.0/8");
    CHECK((*lines)[1].line == 4);
    CHECK((*lines)[1].content == "192.0.2.0/24, 198.51.100.0/24");
    CHECK((*lines)[2].line == 6);
    CHECK((*lines)[2].content == "::1");

    const auto bad = parseDataLines(std::string("ok\nbad\0line", 11), "hosts");
    REQUIRE_FALSE(bad.ok());
    CHECK(describe(bad.error()) == "hosts:2: NUL byte in line");
}

TEST_CASE("syntax: lists split on commas and blanks, empty items dropped") {
    const auto [text, items] = GENERATE(table<std::string, std::vector<std::string>>({
        {"", {}},
        {" , ,, ", {}},
        {"a", {"a"}},
        {"a,b", {"a", "b"}},
        {"a, b", {"a", "b"}},
        {"a b\tc", {"a", "b", "c"}},
        {"a,,b", {"a", "b"}},
        {",a,", {"a"}},
        {"127.0.0.0/8, ::1", {"127.0.0.0/8", "::1"}},
    }));
    CAPTURE(text);
    std::vector<std::string> got;
    for (auto item : splitList(text)) got.emplace_back(item);
    CHECK(got == items);
}

TEST_CASE("syntax: quoteValue writes what reads back unchanged") {
    const auto [value, written] = GENERATE(table<std::string, std::string>({
        {"inet:8893@127.0.0.1", "inet:8893@127.0.0.1"},
        {"Email rejected per DMARC policy for DOMAIN", "Email rejected per DMARC policy for DOMAIN"},
        {"", "\"\""},
        {" lead", "\" lead\""},
        {"trail ", "\"trail \""},
        {"\tlead", "\"\tlead\""},
        {"a#b", "\"a#b\""},
        {"a # b", "\"a # b\""},
        {"say \"hi\"", "\"say \\\"hi\\\"\""},
        {"\"", "\"\\\"\""},
        {"back\\slash", "\"back\\\\slash\""},
    }));
    CAPTURE(value);
    CHECK(quoteValue(value) == written);
    const auto parsed = statements("Key " + quoteValue(value));
    REQUIRE(parsed.size() == 1);
    CHECK(parsed[0].value == value);
}
