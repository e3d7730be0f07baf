// Unit tests for lib/core/auth_results_format.cpp: quoting decisions (token, RFC 8601
// address forms, quoted-string), comments, keyword clean-up, exact folded output of
// realistic fields, the 78/998 line limits under hostile input, fold options, and
// headerBPrefix (RFC 6008). Single-threaded, deterministic.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/auth_results_format.h"

using dmarc::core::ArFormatOptions;
using dmarc::core::AuthMethodResult;
using dmarc::core::AuthProperty;
using dmarc::core::AuthResults;
using dmarc::core::formatAuthResults;
using dmarc::core::headerBPrefix;

namespace {

ArFormatOptions noFieldName() {
    ArFormatOptions options;
    options.fieldNameLength = 0;
    return options;
}

// The lines of a body folded with `fold`.
std::vector<std::string> linesOf(const std::string& body, const std::string& fold) {
    std::vector<std::string> lines;
    std::size_t start = 0;
    while (true) {
        const auto at = body.find(fold, start);
        lines.push_back(body.substr(start, at == std::string::npos ? std::string::npos : at - start));
        if (at == std::string::npos) return lines;
        start = at + fold.size();
    }
}

// Every line (the first one after the field name) within `limit` octets, and nothing but
// printable ASCII between the folds.
void requireWellFormed(const std::string& body, const ArFormatOptions& options, std::size_t limit) {
    const auto lines = linesOf(body, options.foldSequence);
    const std::size_t indent = options.foldSequence.size() - (options.foldSequence.rfind('\n') + 1);
    for (std::size_t i = 0; i < lines.size(); ++i) {
        INFO("line " << i << ": " << lines[i]);
        const std::size_t length = (i == 0 ? options.fieldNameLength : indent) + lines[i].size();
        CHECK(length <= limit);
        CHECK(std::all_of(lines[i].begin(), lines[i].end(), [](char c) {
            const auto u = static_cast<unsigned char>(c);
            return u >= 0x20 && u < 0x7F;
        }));
    }
}

std::string withPropertyValue(const std::string& value) {
    return formatAuthResults({"mx.example.net", {{"dkim", "pass", "", "", {{"header", "d", value}}}}},
                             noFieldName());
}

// What follows `marker` in `body` (a value is never folded, so this is all of it).
std::string after(const std::string& body, const std::string& marker) {
    const auto at = body.find(marker);
    REQUIRE(at != std::string::npos);
    return body.substr(at + marker.size());
}

std::string withReason(const std::string& reason) {
    return formatAuthResults({"mx.example.net", {{"dkim", "fail", reason, "", {}}}}, noFieldName());
}

std::string withComment(const std::string& comment) {
    return formatAuthResults({"mx.example.net", {{"dmarc", "pass", "", comment, {}}}}, noFieldName());
}

}  // namespace

TEST_CASE("property values are bare tokens, bare address forms, or quoted-strings") {
    struct Case {
        std::string value;
        std::string rendered;
    };
    const std::vector<Case> cases = {
        // RFC 2045 tokens
        {"example.com", "example.com"},
        {"EXAMPLE.com", "EXAMPLE.com"},
        {"192.0.2.1", "192.0.2.1"},
        {"AbCd1234", "AbCd1234"},
        {"Ab+Cd12", "Ab+Cd12"},
        {"TLSv1.2", "TLSv1.2"},
        {"x_y", "x_y"},
        {"{curly}", "{curly}"},
        {"~!#$%&'*+-.^_`|", "~!#$%&'*+-.^_`|"},
        {"reject", "reject"},
        // RFC 8601 pvalue address forms, valid
        {"user@example.com", "user@example.com"},
        {"@example.com", "@example.com"},
        {"first.last+tag@sub.example.co.uk", "first.last+tag@sub.example.co.uk"},
        {"o'brien@example.com", "o'brien@example.com"},
        {"a=b/c@example.com", "a=b/c@example.com"},
        {"@xn--bcher-kva.example", "@xn--bcher-kva.example"},
        // address forms that are not valid: quoted
        {"user@localhost", "\"user@localhost\""},
        {"user@", "\"user@\""},
        {"@", "\"@\""},
        {"user@@example.com", "\"user@@example.com\""},
        {".user@example.com", "\".user@example.com\""},
        {"user.@example.com", "\"user.@example.com\""},
        {"us..er@example.com", "\"us..er@example.com\""},
        {"user@-example.com", "\"user@-example.com\""},
        {"user@example-.com", "\"user@example-.com\""},
        {"user@example..com", "\"user@example..com\""},
        {"user@exa_mple.com", "\"user@exa_mple.com\""},
        {"user@example.com.", "\"user@example.com.\""},
        {"user name@example.com", "\"user name@example.com\""},
        {"\"quoted local\"@example.com", "\"\\\"quoted local\\\"@example.com\""},
        {"user@" + std::string(64, 'a') + ".com", "\"user@" + std::string(64, 'a') + ".com\""},
        // not tokens: quoted, with '"' and '\' escaped
        {"", "\"\""},
        {"a b", "\"a b\""},
        {"a\"b", "\"a\\\"b\""},
        {"a\\b", "\"a\\\\b\""},
        {"oF80QtY/", "\"oF80QtY/\""},
        {"abc=", "\"abc=\""},
        {"2001:db8::1", "\"2001:db8::1\""},
        {"a;b", "\"a;b\""},
        {"a,b", "\"a,b\""},
        {"a(b)", "\"a(b)\""},
        {"a<b>", "\"a<b>\""},
        {"a[b]", "\"a[b]\""},
        {"a?b", "\"a?b\""},
        // non-printable input: controls dropped, whitespace controls become spaces,
        // non-ASCII octets become '?'
        {"tab\there", "\"tab here\""},
        {"line\r\nbreak", "\"line  break\""},
        {"nul\x01" "ctl\x7f", "nulctl"},
        {"caf\xC3\xA9", "\"caf??\""},
        {"\x80", "\"?\""},
        {"\x01", "\"\""},
    };
    for (const auto& c : cases) {
        CAPTURE(c.value);
        CHECK(after(withPropertyValue(c.value), "header.d=") == c.rendered);
    }
}

TEST_CASE("reason is a value without the address forms and is left out when empty") {
    struct Case {
        std::string reason;
        std::string rendered;  // "" = no reason= at all
    };
    const std::vector<Case> cases = {
        {"ok", " reason=ok"},
        {"good signature", " reason=\"good signature\""},
        {"user@example.com", " reason=\"user@example.com\""},
        {"say \"hi\"", " reason=\"say \\\"hi\\\"\""},
        {" ", " reason=\" \""},
        {"", ""},
        {"\x01\x02", ""},
    };
    for (const auto& c : cases) {
        CAPTURE(c.reason);
        CHECK(withReason(c.reason) == "mx.example.net; dkim=fail" + c.rendered);
    }
}

TEST_CASE("the authserv-id is a value: token or quoted-string, case kept") {
    struct Case {
        std::string id;
        std::string rendered;
    };
    const std::vector<Case> cases = {
        {"mx.example.net", "mx.example.net"},
        {"MX.Example.NET", "MX.Example.NET"},
        {"", "\"\""},
        {"mx example", "\"mx example\""},
        {"user@example.com", "\"user@example.com\""},
        {"mx\r\n.example.net", "\"mx  .example.net\""},
        {"mx;evil=pass", "\"mx;evil=pass\""},
    };
    for (const auto& c : cases) {
        CAPTURE(c.id);
        CHECK(formatAuthResults({c.id, {}}, noFieldName()) == c.rendered + "; none");
    }
}

TEST_CASE("comments are escaped, whitespace-collapsed and stripped of controls") {
    struct Case {
        std::string comment;
        std::string rendered;  // "" = no comment at all
    };
    const std::vector<Case> cases = {
        {"p=none dis=none", " (p=none dis=none)"},
        {"a(b)c\\", " (a\\(b\\)c\\\\)"},
        {"((nested))", " (\\(\\(nested\\)\\))"},
        {"  multiple   spaces  ", " (multiple spaces)"},
        {"tab\there\r\nnext", " (tab here next)"},
        {"\x01x\x7f", " (x)"},
        {"caf\xC3\xA9", " (caf?" "?)"},
        {"semi; colon", " (semi; colon)"},
        {"\"quotes\" stay", " (\"quotes\" stay)"},
        {"", ""},
        {"   ", ""},
        {"\r\n\t", ""},
    };
    for (const auto& c : cases) {
        CAPTURE(c.comment);
        CHECK(withComment(c.comment) == "mx.example.net; dmarc=pass" + c.rendered);
    }
}

TEST_CASE("keywords are lower-cased, cleaned and capped, unusable ones are replaced or dropped") {
    struct Case {
        AuthMethodResult result;
        std::string rendered;
    };
    const std::vector<Case> cases = {
        {{"DKIM", "PASS", "", "", {{"HEADER", "D", "Example.COM"}}}, "dkim=pass header.d=Example.COM"},
        {{"dkim-adsp", "pass", "", "", {}}, "dkim-adsp=pass"},
        {{"x_custom", "ok", "", "", {{"smtp", "tls_version", "1.3"}}}, "x_custom=ok smtp.tls_version=1.3"},
        {{"", "pass", "", "", {}}, "unknown=pass"},
        {{"dkim", "", "", "", {}}, "dkim=unknown"},
        {{"\x01", "\xC3\xA9", "", "", {}}, "unknown=unknown"},
        {{"d k=i;m", "p.a/s(s)", "", "", {}}, "dkim=pass"},
        {{"spf", "pass", "", "", {{"", "mailfrom", "x@example.com"}}}, "spf=pass"},
        {{"spf", "pass", "", "", {{"smtp", "", "x@example.com"}}}, "spf=pass"},
        {{"spf", "pass", "", "", {{"sm.tp", "mail from", "x@example.com"}}}, "spf=pass smtp.mailfrom=x@example.com"},
        {{std::string(100, 'M'), "pass", "", "", {}}, std::string(64, 'm') + "=pass"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.rendered);
        CHECK(formatAuthResults({"mx", {c.result}}, noFieldName()) == "mx; " + c.rendered);
    }
}

TEST_CASE("the order inside a result is method=result, comment, reason, properties") {
    const AuthResults ar{"mx",
                         {{"dkim", "fail", "bad sig", "2048-bit key", {{"header", "d", "example.com"}}}}};
    CHECK(formatAuthResults(ar, noFieldName()) ==
          "mx; dkim=fail (2048-bit key) reason=\"bad sig\" header.d=example.com");
}

TEST_CASE("no results is the authserv-id followed by none") {
    CHECK(formatAuthResults({"mx.example.net", {}}) == "mx.example.net; none");
    // An authserv-id too long for one line with "none": "none" moves to its own line.
    const std::string id = std::string(60, 'a') + ".example";
    CHECK(formatAuthResults({id, {}}) == id + ";\n\tnone");
}

TEST_CASE("realistic fields fold exactly as expected") {
    struct Case {
        std::string name;
        AuthResults results;
        ArFormatOptions options;
        std::string expected;
    };
    const AuthResults design{
        "mx.example.net",
        {{"spf", "pass", "", "", {{"smtp", "mailfrom", "eu-west-1.amazonses.com"}}},
         {"dkim", "pass", "", "", {{"header", "d", "mydomain.com"}, {"header", "s", "2anuc"}, {"header", "b", "AbCd1234"}}},
         {"dmarc", "pass", "", "p=none dis=none", {{"header", "from", "mydomain.com"}, {"policy", "dmarc", "none"}}}}};
    ArFormatOptions crlfSpace;
    crlfSpace.foldSequence = "\r\n ";
    ArFormatOptions wideName;
    wideName.fieldNameLength = 60;

    const std::vector<Case> cases = {
        {"DESIGN.md example, default options", design, {},
         "mx.example.net;\n"
         "\tspf=pass smtp.mailfrom=eu-west-1.amazonses.com;\n"
         "\tdkim=pass header.d=mydomain.com header.s=2anuc header.b=AbCd1234;\n"
         "\tdmarc=pass (p=none dis=none) header.from=mydomain.com policy.dmarc=none"},
        {"DESIGN.md example, CRLF + space", design, crlfSpace,
         "mx.example.net;\r\n"
         " spf=pass smtp.mailfrom=eu-west-1.amazonses.com;\r\n"
         " dkim=pass header.d=mydomain.com header.s=2anuc header.b=AbCd1234;\r\n"
         " dmarc=pass (p=none dis=none) header.from=mydomain.com policy.dmarc=none"},
        {"short field on one line", {"mx.example.net", {{"dmarc", "pass", "", "", {{"header", "from", "example.com"}}}}}, {},
         "mx.example.net; dmarc=pass header.from=example.com"},
        {"exactly 78 octets with the field name: one line",
         {"mx.example.net", {{"dmarc", "pass", "", "", {{"header", "from", "abcdefghijk.com"}}}}}, {},
         "mx.example.net; dmarc=pass header.from=abcdefghijk.com"},
        {"79 octets: folded",
         {"mx.example.net", {{"dmarc", "pass", "", "", {{"header", "from", "abcdefghijkl.com"}}}}}, {},
         "mx.example.net;\n\tdmarc=pass header.from=abcdefghijkl.com"},
        {"a longer field name prefix folds earlier",
         {"mx.example.net", {{"dmarc", "pass", "", "", {}}}}, wideName, "mx.example.net;\n\tdmarc=pass"},
        {"a long comment folds between its words",
         {"mx.aol.com",
          {{"dmarc", "pass", "", "aol.com: the domain fastmail.com reports that Both SPF and DKIM strictly align.",
            {{"header", "from", "fastmail.com"}}}}},
         {},
         "mx.aol.com;\n"
         "\tdmarc=pass (aol.com: the domain fastmail.com reports that Both SPF and DKIM\n"
         "\tstrictly align.) header.from=fastmail.com"},
        {"a result longer than a line folds between properties",
         {"mx.google.com",
          {{"dkim", "pass", "", "",
            {{"header", "i", "@fastmail.com"}, {"header", "s", "fm1"}, {"header", "b", "2j32dcmg"},
             {"header", "d", "fastmail.com"}, {"header", "a", "rsa-sha256"}}},
           {"dmarc", "pass", "", "p=NONE sp=NONE dis=NONE", {{"header", "from", "fastmail.com"}}}}},
         {},
         "mx.google.com;\n"
         "\tdkim=pass header.i=@fastmail.com header.s=fm1 header.b=2j32dcmg\n"
         "\theader.d=fastmail.com header.a=rsa-sha256;\n"
         "\tdmarc=pass (p=NONE sp=NONE dis=NONE) header.from=fastmail.com"},
        {"reason and quoted values",
         {"example.com",
          {{"dkim", "pass", "good signature", "", {{"header", "i", "@mail-router.example.net"}}},
           {"dkim", "fail", "bad signature", "", {{"header", "i", "@newyork.example.com"}}}}},
         {},
         "example.com;\n"
         "\tdkim=pass reason=\"good signature\" header.i=@mail-router.example.net;\n"
         "\tdkim=fail reason=\"bad signature\" header.i=@newyork.example.com"},
    };
    for (const auto& c : cases) {
        INFO(c.name);
        const std::string body = formatAuthResults(c.results, c.options);
        CHECK(body == c.expected);
        requireWellFormed(body, c.options, 78);
    }
    // A piece longer than a line cannot be folded: it stands alone on its line.
    const std::string domain = std::string(100, 'a') + ".com";
    const std::string body = formatAuthResults({"mx", {{"dkim", "pass", "", "", {{"header", "d", domain}}}}});
    CHECK(body == "mx;\n\tdkim=pass\n\theader.d=" + domain);
    requireWellFormed(body, ArFormatOptions{}, 998);
}

TEST_CASE("an unusable fold sequence falls back to LF TAB") {
    // Too long for one line with the field name, short enough for one continuation line.
    const std::string from = std::string(36, 'a') + ".com";
    const AuthResults longField{"mx.example.net", {{"dmarc", "pass", "", "", {{"header", "from", from}}}}};
    const std::string expected = "mx.example.net;\n\tdmarc=pass header.from=" + from;
    for (const std::string fold : {"", "\t", " ", "\n", "\r\n", "\r\t", "\n\tx", "\n         ", "x\n\t", "\n\n\t"}) {
        CAPTURE(fold);
        ArFormatOptions options;
        options.foldSequence = fold;
        CHECK(formatAuthResults(longField, options) == expected);
    }
    for (const std::string fold : {"\n ", "\r\n\t", "\n  \t", "\n        "}) {
        CAPTURE(fold);
        ArFormatOptions options;
        options.foldSequence = fold;
        CHECK(formatAuthResults(longField, options) ==
              "mx.example.net;" + fold + "dmarc=pass header.from=" + from);
    }
}

TEST_CASE("over-long values and comments are cut with an ellipsis, within their caps") {
    // Bare token: 395 characters fit with "..." under the 400-octet cap (room for quotes
    // is kept because the cut is measured before deciding bare or quoted).
    CHECK(after(withPropertyValue(std::string(1000, 'a')), "header.d=") == std::string(395, 'a') + "...");
    CHECK(after(withPropertyValue(std::string(1000, ' ')), "header.d=") ==
          "\"" + std::string(395, ' ') + "...\"");
    // Escapes count: 197 escaped quotes (394 octets) + "..." + quotes = 399.
    std::string escapedQuotes;
    for (int i = 0; i < 197; ++i) escapedQuotes += "\\\"";
    CHECK(after(withPropertyValue(std::string(500, '"')), "header.d=") == "\"" + escapedQuotes + "...\"");
    // A comment without spaces cannot fold: one piece of exactly 400 octets.
    CHECK(after(withComment(std::string(1000, 'x')), "dmarc=pass\n\t") == "(" + std::string(395, 'x') + "...)");
    std::string escapedParens;
    for (int i = 0; i < 197; ++i) escapedParens += "\\(";
    CHECK(after(withComment(std::string(500, '(')), "dmarc=pass\n\t") == "(" + escapedParens + "...)");
    // The authserv-id is a value like any other.
    CHECK(formatAuthResults({std::string(1000, 'm'), {}}, noFieldName()) ==
          std::string(395, 'm') + "...;\n\tnone");
}

TEST_CASE("no line ever exceeds 998 octets, whatever the input") {
    const std::string huge(20000, 'x');
    std::string hugeWords;
    for (int i = 0; i < 3000; ++i) hugeWords += "word ";
    std::string binary;
    for (int i = 0; i < 5000; ++i) binary += static_cast<char>(i % 256);

    std::vector<AuthProperty> manyProperties;
    for (int i = 0; i < 200; ++i) manyProperties.push_back({huge, huge, huge});
    const std::vector<AuthResults> inputs = {
        {huge, {}},
        {huge, {{huge, huge, huge, huge, {{huge, huge, huge}}}}},
        {binary, {{binary, binary, binary, binary, {{binary, binary, binary}}}}},
        {"mx", {{"dkim", "pass", hugeWords, hugeWords, manyProperties}}},
        {"mx", std::vector<AuthMethodResult>(300, {"dkim", "pass", huge, hugeWords, {{"header", "d", huge}}})},
    };
    for (const std::size_t fieldName : {std::size_t{0}, std::size_t{24}, std::size_t{400}}) {
        for (const std::string fold : {"\n\t", "\r\n        "}) {
            ArFormatOptions options;
            options.fieldNameLength = fieldName;
            options.foldSequence = fold;
            for (std::size_t i = 0; i < inputs.size(); ++i) {
                CAPTURE(fieldName, fold, i);
                requireWellFormed(formatAuthResults(inputs[i], options), options, 998);
            }
        }
    }
    // A field name beyond the cap is treated as the cap.
    ArFormatOptions absurd;
    absurd.fieldNameLength = 5000;
    ArFormatOptions capped;
    capped.fieldNameLength = dmarc::core::kArMaxFieldNameLength;
    CHECK(formatAuthResults(inputs[1], absurd) == formatAuthResults(inputs[1], capped));
}

TEST_CASE("every line is within 78 octets when each piece fits on a line") {
    // Deterministic pseudo-random fields made of short pieces: the folder must never
    // need more than 78 octets (field name included on the first line).
    std::uint32_t state = 12345;
    const auto next = [&state](std::uint32_t bound) {
        state = state * 1103515245u + 12345u;
        return (state >> 16) % bound;
    };
    const auto word = [&](std::uint32_t maxLength) {
        std::string w;
        const auto length = 1 + next(maxLength);
        for (std::uint32_t i = 0; i < length; ++i) w += static_cast<char>('a' + next(26));
        return w;
    };
    for (int round = 0; round < 500; ++round) {
        AuthResults ar{word(20) + ".example", {}};
        const auto count = next(6);
        for (std::uint32_t r = 0; r < count; ++r) {
            AuthMethodResult m{word(8), word(8), next(3) == 0 ? word(6) + " " + word(6) : "", "", {}};
            const auto words = next(25);
            for (std::uint32_t w = 0; w < words; ++w) m.comment += word(12) + " ";
            const auto properties = next(8);
            for (std::uint32_t p = 0; p < properties; ++p) m.properties.push_back({word(6), word(8), word(30)});
            ar.results.push_back(m);
        }
        CAPTURE(round);
        requireWellFormed(formatAuthResults(ar), ArFormatOptions{}, 78);
    }
}

TEST_CASE("headerBPrefix gives the shortest distinguishing prefix of at least 8 characters") {
    struct Case {
        std::string b;
        std::vector<std::string_view> all;
        std::string expected;
    };
    const std::vector<Case> cases = {
        {"AbCdEfGh1234", {}, "AbCdEfGh"},
        {"AbCdEfGh1234", {"AbCdEfGh1234"}, "AbCdEfGh"},
        {"AbCdEfGh1234", {"ZZZZ", "AbCdEfGh1234"}, "AbCdEfGh"},
        {"AbCdEfGh1234", {"AbCdEfGhXYZ"}, "AbCdEfGh1"},
        {"AbCdEfGh1234", {"AbCdEfGh12ZZ"}, "AbCdEfGh123"},
        {"AbCdEfGh1234", {"AbCdEfGhX", "AbCdEfGh12ZZ", "AbCdEfGh1Z"}, "AbCdEfGh123"},
        {"AbCdEfGh1234", {"AbCd"}, "AbCdEfGh"},
        {"AbCdEfGh1234", {"AbCdEfGh1"}, "AbCdEfGh12"},
        {"AbCdEfGh", {"AbCdEfGhIJ"}, "AbCdEfGh"},
        {"AbCdEfGh12", {"AbCdEfGh1234"}, "AbCdEfGh12"},
        {"AbC", {}, "AbC"},
        {"", {"AbCdEfGh"}, ""},
        {"AbCd Ef\r\n\tGh12", {}, "AbCdEfGh"},
        {"AbCdEfGh12", {"AbCdEfGh 1X"}, "AbCdEfGh12"},
        {"AbCdEfGh12", {"AbCd EfGh\r\n 12"}, "AbCdEfGh"},
        {"oF80QtY/a+b=", {"oF80QtY/a+c="}, "oF80QtY/a+b"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.b, c.all);
        CHECK(headerBPrefix(c.b, c.all) == c.expected);
    }
}
