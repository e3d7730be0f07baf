// Unit tests for lib/log/sanitize.cpp: hostile client strings (controls, line breaks,
// terminal escapes, non-ASCII, quotes, '=', spaces, backslashes) in the three shapes,
// the length caps (never splitting an escape), and linear cost on huge input.
// Deterministic.
#include <catch2/catch.hpp>

#include <string>

#include "log/sanitize.h"

using namespace dmarc::log;

namespace {

bool printableAscii(const std::string& text) {
    for (char c : text) {
        if (c < 0x20 || c > 0x7E) return false;
    }
    return true;
}

}  // namespace

TEST_CASE("sanitize: atoms keep names and addresses, escape everything else") {
    const auto [input, expected] = GENERATE(table<std::string, std::string>({
        {"mydomain.com", "mydomain.com"},
        {"eu-west-1.amazonses.com", "eu-west-1.amazonses.com"},
        {"_dmarc.example.com", "_dmarc.example.com"},
        {"2001:db8::1", "2001:db8::1"},
        {"user+tag@example.com", "user+tag@example.com"},
        {"a/b", "a/b"},
        {"3Zx1Kq4Hj", "3Zx1Kq4Hj"},
        {"", "\"\""},
        {"a b", "a\\x20b"},
        {"a=b", "a\\x3db"},
        {"ip=1.2.3.4", "ip\\x3d1.2.3.4"},
        {"a,b", "a\\x2cb"},
        {"a(b)", "a\\x28b\\x29"},
        {"\"quoted\"", "\\x22quoted\\x22"},
        {"back\\slash", "back\\x5cslash"},
        {"line\nbreak", "line\\x0abreak"},
        {"cr\rlf", "cr\\x0dlf"},
        {"tab\there", "tab\\x09here"},
        {std::string("nul\0x", 5), "nul\\x00x"},
        {"\x1b[31mred", "\\x1b\\x5b31mred"},
        {"del\x7f", "del\\x7f"},
        {"b\xC3\xBC" "cher.example", "b\\xc3\\xbccher.example"},
        {"\xff\xfe", "\\xff\\xfe"},
    }));
    CAPTURE(input);
    const std::string out = sanitizeAtom(input);
    CHECK(out == expected);
    CHECK(printableAscii(out));
    CHECK(out.find(' ') == std::string::npos);
    CHECK(out.find('=') == std::string::npos);
}

TEST_CASE("sanitize: values are bare atoms or quoted strings") {
    const auto [input, expected] = GENERATE(table<std::string, std::string>({
        {"mydomain.com", "mydomain.com"},
        {"", "\"\""},
        {"DNS timeout for _dmarc.example.com", "\"DNS timeout for _dmarc.example.com\""},
        {"a=b", "\"a=b\""},
        {"say \"hi\"", "\"say \\\"hi\\\"\""},
        {"back\\slash", "\"back\\\\slash\""},
        {"x dmarc=pass", "\"x dmarc=pass\""},
        {"line\nbreak", "\"line\\x0abreak\""},
        {"\r\n", "\"\\x0d\\x0a\""},
        {"caf\xC3\xA9 au lait", "\"caf\\xc3\\xa9 au lait\""},
        {"(comment)", "\"(comment)\""},
        {"trailing\\", "\"trailing\\\\\""},
    }));
    CAPTURE(input);
    const std::string out = sanitizeValue(input);
    CHECK(out == expected);
    CHECK(printableAscii(out));
}

TEST_CASE("sanitize: a quoted value ends at its closing quote and nowhere else") {
    // Whatever the input, an unescaped '"' appears only as the first and last character.
    for (const std::string input : {"\"", "\\\"", "a\\\"b", "\"\"\"", "x\\", "\\\\\"", "=\" dmarc=pass \""}) {
        CAPTURE(input);
        const std::string out = sanitizeValue(input);
        REQUIRE(out.size() >= 2);
        CHECK(out.front() == '"');
        CHECK(out.back() == '"');
        bool escaped = false;
        for (std::size_t i = 1; i + 1 < out.size(); ++i) {
            if (escaped) {
                escaped = false;
                continue;
            }
            if (out[i] == '\\') {
                escaped = true;
                continue;
            }
            CHECK(out[i] != '"');
        }
        CHECK_FALSE(escaped);  // the closing quote is not escaped
    }
}

TEST_CASE("sanitize: text escapes controls, non-ASCII and backslashes only") {
    const auto [input, expected] = GENERATE(table<std::string, std::string>({
        {"bad signature: key too short (512 bits)", "bad signature: key too short (512 bits)"},
        {"a=b \"c\"", "a=b \"c\""},
        {"two\nlines", "two\\x0alines"},
        {"back\\slash", "back\\\\slash"},
        {"\xe2\x80\xae" "evil", "\\xe2\\x80\\xaeevil"},
        {"", ""},
    }));
    CAPTURE(input);
    CHECK(sanitizeText(input) == expected);
}

TEST_CASE("sanitize: caps cut at a whole escape and mark the cut") {
    CHECK(sanitizeAtom(std::string(300, 'a')) == std::string(253, 'a') + "...");
    CHECK(sanitizeAtom(std::string(256, 'a')) == std::string(256, 'a'));
    CHECK(sanitizeAtom(std::string(257, 'a')) == std::string(253, 'a') + "...");
    CHECK(sanitizeAtom("abcdefghij", 10) == "abcdefghij");
    CHECK(sanitizeAtom("abcdefghijk", 10) == "abcdefg...");
    // 'a' then escapes of 4: "a\x20\x20..." must not be cut inside an escape.
    CHECK(sanitizeAtom("a      ", 10) == "a\\x20...");
    CHECK(sanitizeAtom("       ", 12) == "\\x20\\x20...");
    CHECK(sanitizeValue(std::string(300, ' ')).size() == 256 + 2);
    CHECK(sanitizeValue(std::string(300, 'a')) == std::string(253, 'a') + "...");
    CHECK(sanitizeValue(std::string(200, 'a') + " " + std::string(200, 'b')) ==
          "\"" + std::string(200, 'a') + " " + std::string(52, 'b') + "...\"");
    CHECK(sanitizeText(std::string(2000, 'x')) == std::string(1021, 'x') + "...");
    // Caps below the minimum are raised to it.
    CHECK(sanitizeAtom("abcdefghijkl", 0) == "abcde...");
}

TEST_CASE("sanitize: output stays bounded and printable for any byte") {
    for (int byte = 0; byte < 256; ++byte) {
        const std::string input(500, static_cast<char>(byte));
        CAPTURE(byte);
        for (const std::string& out : {sanitizeAtom(input), sanitizeValue(input), sanitizeText(input)}) {
            CHECK(printableAscii(out));
            CHECK(out.size() <= kMaxLogText + 2);
        }
        CHECK(sanitizeAtom(input).size() <= kMaxLogValue);
        CHECK(sanitizeValue(input).size() <= kMaxLogValue + 2);
    }
}

TEST_CASE("sanitize: a megabyte of hostile input costs no more than the cap") {
    const std::string huge(1 << 20, '\n');
    CHECK(sanitizeAtom(huge).size() <= kMaxLogValue);
    CHECK(sanitizeValue(huge).size() <= kMaxLogValue + 2);
    CHECK(sanitizeText(huge).size() <= kMaxLogText);
}
