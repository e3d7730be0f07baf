// Unit tests for lib/core/auth_results_parse.cpp: every RFC 8601 Appendix B example, the
// leniencies real headers need, resynchronisation after unreadable results (complete =
// false), the errors, the caps against hostile input, and the field-name helper.
// Single-threaded, deterministic.
#include <catch2/catch.hpp>

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/auth_results_parse.h"

using dmarc::core::ArParseError;
using dmarc::core::ParsedAuthResults;
using dmarc::core::parseAuthResults;
using dmarc::core::stripAuthResultsFieldName;

namespace Catch {
template <>
struct StringMaker<ArParseError> {
    static std::string convert(ArParseError error) { return std::string(dmarc::core::describe(error)); }
};
}  // namespace Catch

namespace {

// A compact, complete rendering of a parse, so that a table row states everything:
// "[id] v1 INCOMPLETE; method/version=result reason=[r] ptype.property=[value] (comment)".
std::string show(const ParsedAuthResults& parsed) {
    std::string out = "[" + parsed.authservId + "]";
    if (parsed.version) out += " v" + std::to_string(*parsed.version);
    if (!parsed.complete) out += " INCOMPLETE";
    for (const auto& r : parsed.results) {
        out += "; " + r.method;
        if (!r.methodVersion.empty()) out += "/" + r.methodVersion;
        out += "=" + r.result;
        if (!r.reason.empty()) out += " reason=[" + r.reason + "]";
        for (const auto& p : r.properties) out += " " + p.ptype + "." + p.property + "=[" + p.value + "]";
        for (const auto& c : r.comments) out += " (" + c + ")";
    }
    return out;
}

std::string parsedOrError(std::string_view field) {
    const auto parsed = parseAuthResults(field);
    return parsed ? show(*parsed) : "error: " + std::string(dmarc::core::describe(parsed.error()));
}

std::string repeat(std::string_view unit, std::size_t times) {
    std::string out;
    for (std::size_t i = 0; i < times; ++i) out += unit;
    return out;
}

struct Case {
    std::string field;
    std::string expected;  // show() of the parse
};

void checkAll(const std::vector<Case>& cases) {
    for (const auto& c : cases) {
        CAPTURE(c.field);
        CHECK(parsedOrError(c.field) == c.expected);
    }
}

}  // namespace

TEST_CASE("RFC 8601 Appendix B examples parse, with CRLF and with LF folding") {
    const std::vector<Case> cases = {
        // B.2 Nearly Trivial Case; Service Provided, but No Authentication Done
        {"Authentication-Results: example.org 1; none", "[example.org] v1"},
        // B.3 Service Provided, Authentication Done
        {"Authentication-Results: example.com;\r\n          spf=pass smtp.mailfrom=example.net",
         "[example.com]; spf=pass smtp.mailfrom=[example.net]"},
        // B.4 Service Provided, Several Authentications Done, Single MTA
        {"Authentication-Results: example.com;\r\n"
         "          auth=pass (cram-md5) smtp.auth=sender@example.net;\r\n"
         "          spf=pass smtp.mailfrom=example.net",
         "[example.com]; auth=pass smtp.auth=[sender@example.net] (cram-md5); spf=pass smtp.mailfrom=[example.net]"},
        {"Authentication-Results: example.com; iprev=pass\r\n          policy.iprev=192.0.2.200",
         "[example.com]; iprev=pass policy.iprev=[192.0.2.200]"},
        // B.5 Service Provided, Several Authentications Done, Different MTAs
        {"Authentication-Results: example.com;\r\n          dkim=pass (good signature) header.d=example.com",
         "[example.com]; dkim=pass header.d=[example.com] (good signature)"},
        {"Authentication-Results: example.com;\r\n"
         "          auth=pass (cram-md5) smtp.auth=sender@example.com;\r\n"
         "          spf=fail smtp.mailfrom=example.com",
         "[example.com]; auth=pass smtp.auth=[sender@example.com] (cram-md5); spf=fail smtp.mailfrom=[example.com]"},
        // B.6 Service Provided, Multi-tiered Authentication Done
        {"Authentication-Results: example.com;\r\n"
         "      dkim=pass reason=\"good signature\"\r\n"
         "        header.i=@mail-router.example.net;\r\n"
         "      dkim=fail reason=\"bad signature\"\r\n"
         "        header.i=@newyork.example.com",
         "[example.com]; dkim=pass reason=[good signature] header.i=[@mail-router.example.net]; "
         "dkim=fail reason=[bad signature] header.i=[@newyork.example.com]"},
        {"Authentication-Results: example.net;\r\n      dkim=pass (good signature) header.i=@newyork.example.com",
         "[example.net]; dkim=pass header.i=[@newyork.example.com] (good signature)"},
        // B.7 Comment-Heavy Example
        {"Authentication-Results: foo.example.net (foobar) 1 (baz);\r\n"
         "    dkim (Because I like it) / 1 (One yay) = (wait for it) fail\r\n"
         "      policy (A dot can go here) . (like that) expired\r\n"
         "      (this surprised me) = (as I wasn't expecting it) 1362471462",
         "[foo.example.net] v1; dkim/1=fail policy.expired=[1362471462] (Because I like it) (One yay) "
         "(wait for it) (A dot can go here) (like that) (this surprised me) (as I wasn't expecting it)"},
    };
    checkAll(cases);
    for (const auto& c : cases) {
        std::string lf = c.field;
        for (auto at = lf.find("\r\n"); at != std::string::npos; at = lf.find("\r\n", at)) lf.erase(at, 1);
        CAPTURE(lf);
        CHECK(parsedOrError(lf) == c.expected);
    }
}

TEST_CASE("lenient parsing of what real MTAs write") {
    checkAll({
        // field name, case and spacing; the milter's leading space
        {"Authentication-Results: mx.example.net; spf=pass smtp.mailfrom=a@example.org",
         "[mx.example.net]; spf=pass smtp.mailfrom=[a@example.org]"},
        {"authentication-results : mx; dkim=pass", "[mx]; dkim=pass"},
        {"AUTHENTICATION-RESULTS:mx; dkim=pass", "[mx]; dkim=pass"},
        {" mx.example.net; dkim=pass", "[mx.example.net]; dkim=pass"},
        // folding
        {"mx;\r\n\tdkim=pass\r\n header.d=example.com", "[mx]; dkim=pass header.d=[example.com]"},
        {"mx;\n\tdkim=pass\n header.d=example.com", "[mx]; dkim=pass header.d=[example.com]"},
        {"mx;dkim=pass;spf=fail", "[mx]; dkim=pass; spf=fail"},
        // trailing and empty resinfos
        {"mx; dkim=pass;", "[mx]; dkim=pass"},
        {"mx;; dkim=pass ;; spf=fail;", "[mx]; dkim=pass; spf=fail"},
        {"mx; (only a comment); dkim=pass", "[mx]; dkim=pass"},
        // none
        {"mx; none", "[mx]"},
        {"mx;none", "[mx]"},
        {"mx; NONE", "[mx]"},
        {"mx; none (nothing was checked)", "[mx]"},
        {"mx 1; none;", "[mx] v1"},
        {"mx 999999999; none", "[mx] v999999999"},
        {"mx; none; spf=pass", "[mx]; spf=pass"},
        // values: quoted, escaped, folded, unquoted specials, empty, non-ASCII
        {"mx; dkim=pass header.b=\"oF80QtY/\"", "[mx]; dkim=pass header.b=[oF80QtY/]"},
        {"mx; dkim=pass header.b=oF80QtY/", "[mx]; dkim=pass header.b=[oF80QtY/]"},
        {"mx; dkim=pass header.b=abc=", "[mx]; dkim=pass header.b=[abc=]"},
        {"mx; iprev=pass policy.iprev=2001:db8::1 (host.example)",
         "[mx]; iprev=pass policy.iprev=[2001:db8::1] (host.example)"},
        {"mx; x=y smtp.mailfrom=\"a\\\"b\\\\c\"", "[mx]; x=y smtp.mailfrom=[a\"b\\c]"},
        {"mx; dkim=fail reason=\"bad\r\n signature\"", "[mx]; dkim=fail reason=[bad signature]"},
        {"mx; x=y a.b=\"c\td\"", "[mx]; x=y a.b=[c\td]"},
        {"mx; dkim=pass header.d=", "[mx]; dkim=pass header.d=[]"},
        {"mx; spf=pass smtp.mailfrom=\"\"", "[mx]; spf=pass smtp.mailfrom=[]"},
        {"mx; spf=pass smtp.mailfrom= (comment) x@example.com", "[mx]; spf=pass smtp.mailfrom=[x@example.com] (comment)"},
        {"mx; spf=pass smtp.mailfrom=\xE7\x94\xA8\xE6\x88\xB7@\xE4\xBE\x8B\xE5\xAD\x90.\xE5\xB9\xBF\xE5\x91\x8A",
         "[mx]; spf=pass smtp.mailfrom=[\xE7\x94\xA8\xE6\x88\xB7@\xE4\xBE\x8B\xE5\xAD\x90.\xE5\xB9\xBF\xE5\x91\x8A]"},
        // authserv-id forms
        {"\"mx.example.net\"; dkim=pass", "[mx.example.net]; dkim=pass"},
        {"\"\"; none", "[]"},
        {"mx.\xE4\xBE\x8B\xE3\x81\x88.jp; dkim=pass", "[mx.\xE4\xBE\x8B\xE3\x81\x88.jp]; dkim=pass"},
        {"MX.Example.NET; DKIM=PASS Header.D=Example.COM", "[MX.Example.NET]; dkim=pass header.d=[Example.COM]"},
        // unknown methods and ptypes, properties without ptype, reason anywhere
        {"mx; x-frob=ok x-thing.prop=v", "[mx]; x-frob=ok x-thing.prop=[v]"},
        {"mx; dmarc=pass action=none header.from=example.com",
         "[mx]; dmarc=pass .action=[none] header.from=[example.com]"},
        {"mx; x-return-mx=pass smtp_is_org_domain=yes", "[mx]; x-return-mx=pass .smtp_is_org_domain=[yes]"},
        {"mx; dkim=fail reason=one reason=two", "[mx]; dkim=fail reason=[one] .reason=[two]"},
        {"mx; dkim=fail header.d=x.example reason=\"late\"", "[mx]; dkim=fail reason=[late] header.d=[x.example]"},
        {"mx; dkim=fail reason = \"spaced\"", "[mx]; dkim=fail reason=[spaced]"},
        // method versions
        {"mx; dkim/1=pass", "[mx]; dkim/1=pass"},
        {"mx; dkim / 2 = pass", "[mx]; dkim/2=pass"},
        // comments everywhere, nested, escaped, with ';', controls dropped
        {"(c0) mx (c1) ; (c2) dkim (c3) = (c4) pass (c5) header (c6) . (c7) d (c8) = (c9) example.com (c10) ; (c11)",
         "[mx]; dkim=pass header.d=[example.com] (c2) (c3) (c4) (c5) (c6) (c7) (c8) (c9) (c10)"},
        {"mx; dkim=pass (outer (inner) \\) done)", "[mx]; dkim=pass (outer (inner) ) done)"},
        {"mx; dkim=pass (2048-bit key; unprotected) header.d=kde.org",
         "[mx]; dkim=pass header.d=[kde.org] (2048-bit key; unprotected)"},
        {"mx; dkim=pass (  spaced \r\n  out  )", "[mx]; dkim=pass (spaced out)"},
        {"mx; dkim=pass (a\x01" "b)", "[mx]; dkim=pass (ab)"},
        {"mx; dkim=pass ()", "[mx]; dkim=pass"},
    });
}

TEST_CASE("unreadable parts are skipped to the next semicolon and flagged, keeping what parsed") {
    checkAll({
        // no "; none" or resinfo after the authserv-id
        {"mx", "[mx] INCOMPLETE"},
        {"mx 1", "[mx] v1 INCOMPLETE"},
        {"mx (comment)", "[mx] INCOMPLETE"},
        // junk between the authserv-id and the first ';'
        {"mx foo; dkim=pass", "[mx] INCOMPLETE; dkim=pass"},
        {"mx 12x; none", "[mx] v12 INCOMPLETE"},
        {"mx 1234567890; none", "[mx] INCOMPLETE"},
        {"mx = = test;", "[mx] INCOMPLETE"},
        {"mx from=fastmail.com; dkim=pass", "[mx] INCOMPLETE; dkim=pass"},
        {"mx (unterminated; dkim=pass", "[mx] INCOMPLETE"},
        // unreadable resinfos
        {"mx; dkim", "[mx] INCOMPLETE"},
        {"mx; dkim=", "[mx] INCOMPLETE"},
        {"mx; =pass; spf=pass", "[mx] INCOMPLETE; spf=pass"},
        {"mx; dkim/x=pass; spf=pass", "[mx] INCOMPLETE; spf=pass"},
        {"mx; dkim/=pass", "[mx] INCOMPLETE"},
        {"mx; dkim=pass header..d=x; spf=pass", "[mx] INCOMPLETE; spf=pass"},
        {"mx; dkim=pass header.=x", "[mx] INCOMPLETE"},
        {"mx; dkim=pa$s; spf=pass", "[mx] INCOMPLETE; spf=pass"},
        {"mx; dkim=pass\x01; spf=pass", "[mx] INCOMPLETE; spf=pass"},
        {"mx; dkim=pass header.d=x (c) junk junk; spf=pass", "[mx] INCOMPLETE; spf=pass"},
        {"mx; dkim=pass header.d=\"unterminated; spf=pass", "[mx] INCOMPLETE"},
        {"mx; dkim=pass (unterminated; spf=pass", "[mx] INCOMPLETE"},
        {"mx; dkim=pass header.d=x \"junk; with semicolon\"; spf=pass", "[mx] INCOMPLETE; spf=pass"},
        {"mx; dkim=pass header.d=x (junk; in comment) z; spf=pass", "[mx] INCOMPLETE; spf=pass"},
        // a second authserv-id in the middle (Outlook) and one glued to a value
        {"outlook.com; spf=pass smtp.mailfrom=fastmail.com; outlook.com; dkim=pass header.d=fastmail.com",
         "[outlook.com] INCOMPLETE; spf=pass smtp.mailfrom=[fastmail.com]; dkim=pass header.d=[fastmail.com]"},
        {"authentication-results: thehesiod.com; dkim=none (message not signed) header.d=none;thehesiod.com; "
         "dmarc=none action=none header.from=hotmail.com;",
         "[thehesiod.com] INCOMPLETE; dkim=none header.d=[none] (message not signed); "
         "dmarc=none .action=[none] header.from=[hotmail.com]"},
        // results without a result keyword
        {" test.example.com ; foo=bar;dkim=fail ;one=; two ;three;dmarc=pass",
         "[test.example.com] INCOMPLETE; foo=bar; dkim=fail; dmarc=pass"},
    });
}

TEST_CASE("fields without a readable authserv-id are errors") {
    struct ErrorCase {
        std::string field;
        ArParseError error;
    };
    const std::vector<ErrorCase> cases = {
        {"", ArParseError::Empty},
        {"   \r\n\t", ArParseError::Empty},
        {"(just a comment)", ArParseError::Empty},
        {"Authentication-Results:", ArParseError::Empty},
        {"Authentication-Results: (c)  ", ArParseError::Empty},
        {"; spf=pass", ArParseError::MissingAuthservId},
        {"=x", ArParseError::MissingAuthservId},
        {"/x", ArParseError::MissingAuthservId},
        {"@example.com; none", ArParseError::MissingAuthservId},
        {"\x01mx; none", ArParseError::MissingAuthservId},
        {")mx; none", ArParseError::MissingAuthservId},
        {"\"mx.example.net; dkim=pass", ArParseError::UnterminatedQuote},
        {"\"mx\\\"; none", ArParseError::UnterminatedQuote},
        {"(unterminated mx; dkim=pass", ArParseError::MalformedComment},
        {repeat("(", 33) + repeat(")", 33) + " mx; none", ArParseError::MalformedComment},
    };
    for (const auto& c : cases) {
        CAPTURE(c.field);
        const auto parsed = parseAuthResults(c.field);
        REQUIRE_FALSE(parsed.ok());
        CHECK(parsed.error() == c.error);
    }
    CHECK(parsedOrError(repeat("(", 32) + repeat(")", 32) + " mx; none") == "[mx]");
}

TEST_CASE("caps on results, properties, comments, nesting and input length") {
    using dmarc::core::kArMaxInputLength;
    SECTION("results") {
        const auto atCap = parseAuthResults("mx; " + repeat("dkim=pass; ", 256));
        REQUIRE(atCap.ok());
        CHECK(atCap->results.size() == 256);
        CHECK(atCap->complete);
        const auto overCap = parseAuthResults("mx; " + repeat("dkim=pass; ", 300));
        REQUIRE(overCap.ok());
        CHECK(overCap->results.size() == 256);
        CHECK_FALSE(overCap->complete);
    }
    SECTION("properties per result") {
        const auto atCap = parseAuthResults("mx; dkim=pass" + repeat(" header.d=x", 64));
        REQUIRE(atCap.ok());
        CHECK(atCap->results.at(0).properties.size() == 64);
        CHECK(atCap->complete);
        const auto overCap = parseAuthResults("mx; dkim=pass" + repeat(" header.d=x", 100) + "; spf=pass");
        REQUIRE(overCap.ok());
        REQUIRE(overCap->results.size() == 2);
        CHECK(overCap->results[0].properties.size() == 64);
        CHECK_FALSE(overCap->complete);
    }
    SECTION("comments per result") {
        const auto atCap = parseAuthResults("mx; dkim=pass" + repeat(" (c)", 64));
        REQUIRE(atCap.ok());
        CHECK(atCap->results.at(0).comments.size() == 64);
        CHECK(atCap->complete);
        const auto overCap = parseAuthResults("mx; dkim=pass" + repeat(" (c)", 70));
        REQUIRE(overCap.ok());
        CHECK(overCap->results.at(0).comments.size() == 64);
        CHECK_FALSE(overCap->complete);
    }
    SECTION("comment nesting inside a result") {
        CHECK(parsedOrError("mx; dkim=pass " + repeat("(", 32) + "x" + repeat(")", 32) + "; spf=pass") ==
              "[mx]; dkim=pass (" + repeat("(", 31) + "x" + repeat(")", 31) + "); spf=pass");
        CHECK(parsedOrError("mx; dkim=pass " + repeat("(", 33) + "x" + repeat(")", 33) + "; spf=pass") ==
              "[mx] INCOMPLETE; spf=pass");
    }
    SECTION("input length: the authserv-id is still found past the cap") {
        const std::string head = "mx.example.net; dkim=pass (";
        const std::string exact = head + std::string(kArMaxInputLength - head.size() - 1, 'x') + ")";
        REQUIRE(exact.size() == kArMaxInputLength);
        const auto atCap = parseAuthResults(exact);
        REQUIRE(atCap.ok());
        CHECK(atCap->complete);
        CHECK(atCap->results.size() == 1);
        const auto overCap = parseAuthResults(head + std::string(100000, 'x') + ")");
        REQUIRE(overCap.ok());
        CHECK(overCap->authservId == "mx.example.net");
        CHECK(overCap->results.empty());
        CHECK_FALSE(overCap->complete);
        // The field name does not count against the cap.
        const auto named = parseAuthResults("Authentication-Results:" + exact);
        REQUIRE(named.ok());
        CHECK(named->complete);
    }
}

TEST_CASE("hostile inputs give the expected answer without deep recursion") {
    const std::size_t n = dmarc::core::kArMaxInputLength;
    checkAll({
        {repeat("(", n), "error: a comment before the authserv-id is not closed or is nested too deeply"},
        {repeat("\"", n), "[] INCOMPLETE"},
        {repeat(";", n), "error: no authserv-id at the start of the field"},
        {"mx" + repeat(";", n), "[mx] INCOMPLETE"},
        {"mx; dkim=pass " + repeat("(", n), "[mx] INCOMPLETE"},
        {"mx; dkim=pass " + repeat("()", n / 2), "[mx] INCOMPLETE; dkim=pass"},
        {"mx; dkim=pass " + repeat("\\", n), "[mx] INCOMPLETE"},
        {"mx; " + repeat("a=b ", n / 4), "[mx] INCOMPLETE; a=b" + repeat(" .a=[b]", 64)},
        {"mx; a=b " + repeat("x.", n / 2), "[mx] INCOMPLETE"},
        {"mx; a=b c=\"" + repeat("x", n), "[mx] INCOMPLETE"},
        {"mx; " + repeat("a=b;", n / 4), "[mx] INCOMPLETE" + repeat("; a=b", 256)},
    });
}

TEST_CASE("stripAuthResultsFieldName removes only the exact field name and colon") {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"Authentication-Results: x", " x"},
        {"authentication-results:x", "x"},
        {"AUTHENTICATION-RESULTS \t: x", " x"},
        {"Authentication-Results:", ""},
        {"Authentication-Results x", "Authentication-Results x"},
        {"Authentication-Results", "Authentication-Results"},
        {"Authentication-Result: x", "Authentication-Result: x"},
        {"X-Authentication-Results: x", "X-Authentication-Results: x"},
        {"ARC-Authentication-Results: i=1; x", "ARC-Authentication-Results: i=1; x"},
        {" Authentication-Results: x", " Authentication-Results: x"},
        {"", ""},
    };
    for (const auto& [field, body] : cases) {
        CAPTURE(field);
        CHECK(stripAuthResultsFieldName(field) == body);
    }
}

TEST_CASE("toAuthResults keeps everything the builder can say") {
    const auto parsed = parseAuthResults(
        "mx 1; dkim/1=fail (one) reason=\"bad sig\" (two) header.d=example.com action=none; spf=pass");
    REQUIRE(parsed.ok());
    const auto ar = dmarc::core::toAuthResults(*parsed);
    CHECK(ar == dmarc::core::AuthResults{"mx",
                                         {{"dkim", "fail", "bad sig", "one two",
                                           {{"header", "d", "example.com"}, {"", "action", "none"}}},
                                          {"spf", "pass", "", "", {}}}});
}

TEST_CASE("every ArParseError has its own description") {
    const std::vector<ArParseError> all = {ArParseError::Empty, ArParseError::MissingAuthservId,
                                           ArParseError::UnterminatedQuote, ArParseError::MalformedComment};
    std::set<std::string_view> seen;
    for (const auto error : all) {
        CAPTURE(error);
        CHECK_FALSE(dmarc::core::describe(error).empty());
        CHECK(seen.insert(dmarc::core::describe(error)).second);
    }
}
