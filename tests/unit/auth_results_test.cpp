// Unit tests for lib/core/auth_results.cpp (character classes, sameAuthservId) and for the
// contract between builder and parser: what formatAuthResults writes, parseAuthResults
// reads back unchanged, and formatting a parse of our own output is a fixed point.
// Single-threaded, deterministic.
#include <catch2/catch.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "core/auth_results.h"
#include "core/auth_results_format.h"
#include "core/auth_results_parse.h"

using dmarc::core::ArFormatOptions;
using dmarc::core::AuthMethodResult;
using dmarc::core::AuthProperty;
using dmarc::core::AuthResults;
using dmarc::core::formatAuthResults;
using dmarc::core::parseAuthResults;
using dmarc::core::toAuthResults;

namespace {

std::string repeat(std::string_view unit, std::size_t times) {
    std::string out;
    for (std::size_t i = 0; i < times; ++i) out += unit;
    return out;
}

std::vector<ArFormatOptions> allFoldStyles() {
    std::vector<ArFormatOptions> styles(4);
    styles[1].foldSequence = "\r\n\t";
    styles[2].foldSequence = "\r\n ";
    styles[3].foldSequence = "\n    ";
    styles[3].fieldNameLength = 0;
    return styles;
}

}  // namespace

TEST_CASE("isRfc2045TokenChar matches RFC 2045 for every octet") {
    const std::string_view tspecials = "()<>@,;:\\\"/[]?=";
    for (int i = 0; i < 256; ++i) {
        const char c = static_cast<char>(i);
        const bool expected = i > 0x20 && i < 0x7F && tspecials.find(c) == std::string_view::npos;
        CAPTURE(i);
        CHECK(dmarc::core::isRfc2045TokenChar(c) == expected);
    }
}

TEST_CASE("isArKeywordChar accepts letters, digits, hyphen and underscore only") {
    for (int i = 0; i < 256; ++i) {
        const char c = static_cast<char>(i);
        const bool expected = (i >= 'a' && i <= 'z') || (i >= 'A' && i <= 'Z') || (i >= '0' && i <= '9') ||
                              i == '-' || i == '_';
        CAPTURE(i);
        CHECK(dmarc::core::isArKeywordChar(c) == expected);
    }
}

TEST_CASE("sameAuthservId is ASCII case-insensitive and ignores one trailing dot") {
    struct Case {
        std::string a;
        std::string b;
        bool same;
    };
    const std::vector<Case> cases = {
        {"mx.example.net", "mx.example.net", true},
        {"MX.Example.NET", "mx.example.net", true},
        {"mx.example.net.", "mx.example.net", true},
        {"mx.example.net", "MX.EXAMPLE.NET.", true},
        {"mx.example.net..", "mx.example.net", false},
        {"mx.example.net", "mx.example.com", false},
        {"mx.example.net", "x.example.net", false},
        {"mx.example.net", "mmx.example.net", false},
        {"mx.example.net", " mx.example.net", false},
        {"mx.example.net", "mx.example.net ", false},
        {"mx.\xC3\x89xample.net", "mx.\xC3\xA9xample.net", false},  // no Unicode case folding
        {"mx.\xC3\xA9xample.net", "mx.\xC3\xA9xample.net", true},
        {"", "", true},
        {"", "mx", false},
    };
    for (const auto& c : cases) {
        CAPTURE(c.a, c.b);
        CHECK(dmarc::core::sameAuthservId(c.a, c.b) == c.same);
        CHECK(dmarc::core::sameAuthservId(c.b, c.a) == c.same);
    }
}

TEST_CASE("canonical results survive format then parse unchanged") {
    std::vector<AuthProperty> many;
    for (int i = 0; i < 40; ++i) many.push_back({"header", "x" + std::to_string(i), "value-" + std::to_string(i)});
    const std::vector<AuthResults> inputs = {
        {"mx.example.net", {}},
        {"mx.example.net",
         {{"spf", "pass", "", "", {{"smtp", "mailfrom", "eu-west-1.amazonses.com"}}},
          {"dkim", "pass", "", "", {{"header", "d", "mydomain.com"}, {"header", "s", "2anuc"}, {"header", "b", "AbCd1234"}}},
          {"dmarc", "pass", "", "p=none dis=none", {{"header", "from", "mydomain.com"}, {"policy", "dmarc", "none"}}}}},
        {"mx.example.net",
         {{"dkim", "fail", "signature did not verify", "2048-bit key; sha256",
           {{"header", "d", "example.com"}, {"header", "i", "@example.com"}, {"header", "b", "oF80QtY/"},
            {"header", "a", "rsa-sha256"}}},
          {"spf", "softfail", "", "", {{"smtp", "mailfrom", "first.last+tag@example.org"}, {"smtp", "helo", ""}}},
          {"iprev", "pass", "", "", {{"policy", "iprev", "2001:db8::1"}}},
          {"dmarc", "fail", "", "p=reject sp=quarantine dis=quarantine",
           {{"header", "from", "example.com"}, {"policy", "dmarc", "reject"}}}}},
        {"MX.Example.NET", {{"x-custom", "neutral", "say \"hi\" \\ bye", "a (nested) comment \\ with escapes", {}}}},
        {"\"quoted id\"", {{"arc", "none", "", "", {}}}},
        {"", {{"auth", "pass", "", "", {{"smtp", "auth", "sender@example.net"}}}}},
        {"mx", {{"dmarc", "pass", "", repeat("a long comment that needs folding ", 8) + "end", {}}}},
        {"mx", {{"dkim", "pass", "", "", many}}},
        {"mx", std::vector<AuthMethodResult>(50, {"dkim", "pass", "", "", {{"header", "d", "example.com"}}})},
        {"mx", {{"dkim", "pass", "", "", {{"header", "d", std::string(395, 'a') + "..."}}}}},
        {"mx", {{"dkim", "pass", "", std::string(395, 'c') + "...", {}}}},
    };
    for (const auto& options : allFoldStyles()) {
        for (std::size_t i = 0; i < inputs.size(); ++i) {
            const std::string body = formatAuthResults(inputs[i], options);
            CAPTURE(i, body);
            const auto parsed = parseAuthResults(body);
            REQUIRE(parsed.ok());
            CHECK(parsed->complete);
            CHECK_FALSE(parsed->version.has_value());
            CHECK(toAuthResults(*parsed) == inputs[i]);
            // The field as the milter would see it, with its name in front.
            const auto named = parseAuthResults("Authentication-Results: " + body);
            REQUIRE(named.ok());
            CHECK(*named == *parsed);
        }
    }
}

TEST_CASE("formatting a parse of our own output is a fixed point, whatever the input") {
    std::string binary;
    for (int i = 0; i < 600; ++i) binary += static_cast<char>((i * 37) % 256);
    const std::string huge(3000, 'z');
    const std::vector<AuthResults> inputs = {
        {"MX.Example.Net", {{"DKIM", "PASS", "", "", {{"HEADER", "D", "Example.COM"}}}}},
        {binary, {{binary, binary, binary, binary, {{binary, binary, binary}, {"header", "d", binary}}}}},
        {huge, {{huge, huge, huge, huge, {{"smtp", "mailfrom", huge}}}}},
        {"mx", {{"", "", "", "", {{"", "", "dropped"}, {"header", "", "dropped"}}}}},
        {"mx", {{"dmarc", "pass", "\t\r\n", "\t(\r\n)\t", {{"header", "from", "\r\n"}}}}},
        {"mx", {{"dkim", "pass", repeat("\"", 500), repeat("(", 500), {{"header", "b", repeat("\\", 500)}}}}},
        {"mx", {{"dkim", "pass", "", repeat("word ", 300), {}}}},
        {"user@example.com", {{"spf", "pass", "", "", {{"smtp", "mailfrom", "@example.com"}}}}},
    };
    for (const auto& options : allFoldStyles()) {
        for (std::size_t i = 0; i < inputs.size(); ++i) {
            const std::string first = formatAuthResults(inputs[i], options);
            CAPTURE(i, first);
            const auto parsed = parseAuthResults(first);
            REQUIRE(parsed.ok());
            CHECK(parsed->complete);
            CHECK(parsed->results.size() == inputs[i].results.size());
            CHECK(formatAuthResults(toAuthResults(*parsed), options) == first);
        }
    }
}
