// Unit tests for lib/core/domain_name.cpp: which names parse (and to what A-label form),
// which are refused and with which DomainError, and the label arithmetic (labels,
// rightmostLabels, isWithin, dmarcName). Single-threaded, deterministic.
#include <catch2/catch.hpp>

#include <algorithm>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "core/domain_name.h"

using dmarc::core::DomainError;
using dmarc::core::DomainName;
using namespace std::string_literals;

namespace Catch {
template <>
struct StringMaker<DomainError> {
    static std::string convert(DomainError error) {
        return std::string(dmarc::core::describe(error));
    }
};
}  // namespace Catch

namespace {

// Code points that are invisible or confusable in source, spelled out once.
const std::string kIdeographicDot = "\xE3\x80\x82";      // U+3002
const std::string kFullwidthDot = "\xEF\xBC\x8E";        // U+FF0E
const std::string kHalfwidthDot = "\xEF\xBD\xA1";        // U+FF61
const std::string kSmallFullStop = "\xEF\xB9\x92";       // U+FE52, not a separator
const std::string kOneFullStop = "\xE2\x92\x88";         // U+2488 "⒈", not a separator
const std::string kSoftHyphen = "\xC2\xAD";              // U+00AD, ignored by UTS#46
const std::string kZeroWidthJoiner = "\xE2\x80\x8D";     // U+200D
const std::string kCombiningDiaeresis = "\xCC\x88";      // U+0308
const std::string kFullwidthLowLine = "\xEF\xBC\xBF";    // U+FF3F, maps to '_'
const std::string kFullwidthExample = "\xEF\xBD\x85\xEF\xBD\x98\xEF\xBD\x81\xEF\xBD\x8D\xEF\xBD\x90"
                                      "\xEF\xBD\x8C\xEF\xBD\x85";  // "ｅｘａｍｐｌｅ"

std::string repeat(const std::string& unit, std::size_t times) {
    std::string out;
    for (std::size_t i = 0; i < times; ++i) out += unit;
    return out;
}

// A valid-looking ASCII name of exactly `octets` octets: 50-letter labels, then the rest.
std::string nameOfLength(std::size_t octets) {
    std::string name;
    while (octets - name.size() > 51) name += std::string(50, 'a') + '.';
    name += std::string(octets - name.size(), 'b');
    return name;
}

// `count` labels of 20 "例" each: 60 octets of UTF-8 but 26 octets as an A-label.
std::string cjkName(std::size_t count) {
    std::string name;
    for (std::size_t i = 0; i < count; ++i) name += (i ? "." : "") + repeat("例", 20);
    return name;
}
const std::string kCjkALabel = "xn--fsqaaaaaaaaaaaaaaaaaaa";

DomainName parsed(const std::string& text) {
    auto name = DomainName::parseDnsName(text);
    INFO("fixture: " << text);
    REQUIRE(name.ok());
    return name.value();
}

const std::vector<DomainError> kAllErrors = {
    DomainError::Empty,           DomainError::TooLong,           DomainError::EmptyLabel,
    DomainError::LabelTooLong,    DomainError::InvalidCharacter,  DomainError::HyphenAtLabelEdge,
    DomainError::NumericTld,      DomainError::InvalidIdna,
};

// Names both parse() and parseDnsName() accept, with their A-label form and label count.
struct ValidCase {
    std::string input;
    std::string expected;
    std::size_t labels;
};

std::vector<ValidCase> validHostNames() {
    return {
        {"example.com", "example.com", 2},
        {"EXAMPLE.COM", "example.com", 2},
        {"Example.Com.", "example.com", 2},
        {"mail.example.com.", "mail.example.com", 3},
        {"www.example.co.uk", "www.example.co.uk", 4},
        {"a.b.c.d.example.org", "a.b.c.d.example.org", 6},
        {"localhost", "localhost", 1},
        {"com", "com", 1},
        {"COM.", "com", 1},
        {"a", "a", 1},
        {"x.y", "x.y", 2},
        {"a1.com", "a1.com", 2},
        {"1a.com", "1a.com", 2},
        {"3com.com", "3com.com", 2},
        {"123.example", "123.example", 2},
        {"1.2.3.example", "1.2.3.example", 4},
        {"0.com", "0.com", 2},
        {"example.x1", "example.x1", 2},
        {"example.1x", "example.1x", 2},
        {"a-b.com", "a-b.com", 2},
        {"a--b.com", "a--b.com", 2},
        {"abc-d--e.com", "abc-d--e.com", 2},
        {"a-b-c-d.e-f.com", "a-b-c-d.e-f.com", 3},
        {"0-0.com", "0-0.com", 2},
        {"xn--bcher-kva.example", "xn--bcher-kva.example", 2},
        {"XN--BCHER-KVA.EXAMPLE", "xn--bcher-kva.example", 2},
        {"Xn--Bcher-Kva.example", "xn--bcher-kva.example", 2},
        {"xn--r8jz45g.xn--zckzah", "xn--r8jz45g.xn--zckzah", 2},
        {"xn--fa-hia.de", "xn--fa-hia.de", 2},
        {"xn--zca.de", "xn--zca.de", 2},
        {"xn--mnchen-3ya.de", "xn--mnchen-3ya.de", 2},
        {"example.xn--p1ai", "example.xn--p1ai", 2},
        {"xn--fsqu00a.xn--0zwm56d", "xn--fsqu00a.xn--0zwm56d", 2},
        {std::string(63, 'a') + ".com", std::string(63, 'a') + ".com", 2},
        {"com." + std::string(63, 'z'), "com." + std::string(63, 'z'), 2},
        {nameOfLength(253), nameOfLength(253), 5},
        {nameOfLength(253) + ".", nameOfLength(253), 5},
        {repeat("a.", 126) + "b", repeat("a.", 126) + "b", 127},
    };
}

}  // namespace

TEST_CASE("parse accepts host names and folds them to lower case") {
    for (const auto& [input, expected, labels] : validHostNames()) {
        CAPTURE(input);
        const auto name = DomainName::parse(input);
        REQUIRE(name.ok());
        CHECK(name->str() == expected);
        CHECK(name->labelCount() == labels);
    }
}

TEST_CASE("parseDnsName accepts every host name parse accepts, with the same result") {
    for (const auto& [input, expected, labels] : validHostNames()) {
        CAPTURE(input);
        const auto host = DomainName::parse(input);
        const auto dns = DomainName::parseDnsName(input);
        REQUIRE(host.ok());
        REQUIRE(dns.ok());
        CHECK(dns.value() == host.value());
    }
}

TEST_CASE("parse converts U-labels to A-labels with UTS#46 non-transitional mapping") {
    const auto [input, expected] = GENERATE_COPY(table<std::string, std::string>({
        {"bücher.example", "xn--bcher-kva.example"},
        {"Bücher.Example.", "xn--bcher-kva.example"},
        {"BÜCHER.EXAMPLE", "xn--bcher-kva.example"},
        {"mail.bücher.example", "mail.xn--bcher-kva.example"},
        {"bücher.xn--bcher-kva.example", "xn--bcher-kva.xn--bcher-kva.example"},
        {"例え.テスト", "xn--r8jz45g.xn--zckzah"},
        {"例子.测试", "xn--fsqu00a.xn--0zwm56d"},
        {"παράδειγμα.δοκιμή", "xn--hxajbheg2az3al.xn--jxalpdlp"},
        {"пример.испытание", "xn--e1afmkfd.xn--80akhbyknj4f"},
        {"مثال.إختبار", "xn--mgbh0fb.xn--kgbechtv"},
        {"münchen.de", "xn--mnchen-3ya.de"},
        {"MÜNCHEN.DE", "xn--mnchen-3ya.de"},
        // Non-transitional: ß is kept (IDNA2008), not turned into "ss" (IDNA2003).
        {"faß.de", "xn--fa-hia.de"},
        {"ΣΑΣ.gr", "xn--mxa9ab.gr"},
        {"公司.cn", "xn--55qx5d.cn"},
        {"123ü.example", "xn--123-joa.example"},
        // NFC: u + combining diaeresis is ü.
        {"bu" + kCombiningDiaeresis + "cher.example", "xn--bcher-kva.example"},
        // UTS#46 maps fullwidth letters to ASCII and drops the soft hyphen.
        {kFullwidthExample + ".com", "example.com"},
        {"exam" + kSoftHyphen + "ple.com", "example.com"},
        // The dots UTS#46 maps to '.' separate labels, also as the one trailing dot.
        {"bücher" + kFullwidthDot + "example", "xn--bcher-kva.example"},
        {"example" + kFullwidthDot + "com", "example.com"},
        {"例え" + kIdeographicDot + "テスト", "xn--r8jz45g.xn--zckzah"},
        {"例え" + kHalfwidthDot + "テスト", "xn--r8jz45g.xn--zckzah"},
        {"bücher.example" + kIdeographicDot, "xn--bcher-kva.example"},
        {"example.com" + kFullwidthDot, "example.com"},
        // 309 octets of UTF-8, but only 134 as A-labels: the limit applies to the A-labels.
        {cjkName(5), repeat(kCjkALabel + ".", 4) + kCjkALabel},
    }));
    CAPTURE(input);
    const auto name = DomainName::parse(input);
    REQUIRE(name.ok());
    CHECK(name->str() == expected);
    const auto dns = DomainName::parseDnsName(input);
    REQUIRE(dns.ok());
    CHECK(dns.value() == name.value());
}

TEST_CASE("input is capped at 1024 octets before any IDNA mapping") {
    // 12 + 2 * 506 = 1024 octets that map to "example.com"; one octet more is refused.
    const std::string atCap = "exam" + repeat(kSoftHyphen, 506) + "ple.com.";
    REQUIRE(atCap.size() == 1024);
    const auto name = DomainName::parse(atCap);
    REQUIRE(name.ok());
    CHECK(name->str() == "example.com");
    const auto overCap = DomainName::parse(atCap + ".");
    REQUIRE_FALSE(overCap.ok());
    CHECK(overCap.error() == DomainError::TooLong);
}

TEST_CASE("a U-label and its A-label parse to the same DomainName") {
    const auto [unicode, ascii] = GENERATE(table<std::string, std::string>({
        {"bücher.example", "xn--bcher-kva.example"},
        {"Bücher.Example.", "XN--BCHER-KVA.EXAMPLE."},
        {"例え.テスト", "xn--r8jz45g.xn--zckzah"},
    }));
    CAPTURE(unicode, ascii);
    const auto fromUnicode = DomainName::parse(unicode);
    const auto fromAscii = DomainName::parse(ascii);
    REQUIRE(fromUnicode.ok());
    REQUIRE(fromAscii.ok());
    CHECK(fromUnicode.value() == fromAscii.value());
    CHECK_FALSE(fromUnicode.value() < fromAscii.value());
}

TEST_CASE("parse refuses malformed names with the matching error") {
    const auto [input, expected] = GENERATE_COPY(table<std::string, DomainError>({
        {"", DomainError::Empty},
        {".", DomainError::Empty},
        {kIdeographicDot, DomainError::Empty},
        {kFullwidthDot, DomainError::Empty},

        {"..", DomainError::EmptyLabel},
        {"a..b", DomainError::EmptyLabel},
        {".com", DomainError::EmptyLabel},
        {".example.com", DomainError::EmptyLabel},
        {"com..", DomainError::EmptyLabel},
        {"example.com..", DomainError::EmptyLabel},
        {"example..com", DomainError::EmptyLabel},
        {"....example.com....", DomainError::EmptyLabel},
        {"bücher." + kFullwidthDot + "example", DomainError::EmptyLabel},
        {"example.com." + kFullwidthDot, DomainError::EmptyLabel},
        {kSoftHyphen + ".com", DomainError::EmptyLabel},
        {"example." + kSoftHyphen, DomainError::EmptyLabel},

        {nameOfLength(254), DomainError::TooLong},
        {nameOfLength(254) + ".", DomainError::TooLong},
        {nameOfLength(300), DomainError::TooLong},
        {std::string(2000, 'a'), DomainError::TooLong},
        {repeat("a.", 127) + "b", DomainError::TooLong},
        // Short as UTF-8 (609 octets, under the input cap) but 269 octets as A-labels.
        {cjkName(10), DomainError::TooLong},
        // Over the 1024-octet input cap however much mapping might shrink it.
        {repeat(kSoftHyphen, 600) + "example.com", DomainError::TooLong},

        {std::string(64, 'a') + ".com", DomainError::LabelTooLong},
        {"com." + std::string(64, 'a'), DomainError::LabelTooLong},
        {"a." + std::string(64, 'a') + ".com", DomainError::LabelTooLong},
        {std::string(200, 'a') + ".com", DomainError::LabelTooLong},
        {repeat("ü", 60) + ".example", DomainError::LabelTooLong},
        {"xn--" + std::string(60, 'a') + ".com", DomainError::LabelTooLong},

        {"exa mple.com", DomainError::InvalidCharacter},
        {"example.net(.example.com", DomainError::InvalidCharacter},
        {"[1.2.3.4]", DomainError::InvalidCharacter},
        {"[IPv6:2001:db8::1]", DomainError::InvalidCharacter},
        {"::1", DomainError::InvalidCharacter},
        {"a\0b.com"s, DomainError::InvalidCharacter},
        {"example.com\0"s, DomainError::InvalidCharacter},
        {"\0"s, DomainError::InvalidCharacter},
        {"bü\0cher.example"s, DomainError::InvalidCharacter},
        {"user@example.com", DomainError::InvalidCharacter},
        {"example.com:25", DomainError::InvalidCharacter},
        {"exa_mple.com", DomainError::InvalidCharacter},
        {"_dmarc.example.com", DomainError::InvalidCharacter},
        {"example.com ", DomainError::InvalidCharacter},
        {" example.com", DomainError::InvalidCharacter},
        {"example.com\r\n", DomainError::InvalidCharacter},
        {"a\tb.com", DomainError::InvalidCharacter},
        {"*.example.com", DomainError::InvalidCharacter},
        {"ex*ample.com", DomainError::InvalidCharacter},
        {"a/b.com", DomainError::InvalidCharacter},
        {"a\\.com", DomainError::InvalidCharacter},
        {"exa%2emple.com", DomainError::InvalidCharacter},
        {"\"example.com\"", DomainError::InvalidCharacter},
        {"<example.com>", DomainError::InvalidCharacter},
        {"example,com", DomainError::InvalidCharacter},
        {"example;com", DomainError::InvalidCharacter},
        {"example.com;x", DomainError::InvalidCharacter},
        {"bü cher.example", DomainError::InvalidCharacter},
        {"bü_cher.example", DomainError::InvalidCharacter},
        {"bücher.exa mple", DomainError::InvalidCharacter},

        {"-a.com", DomainError::HyphenAtLabelEdge},
        {"a-.com", DomainError::HyphenAtLabelEdge},
        {"-.com", DomainError::HyphenAtLabelEdge},
        {"example.-com", DomainError::HyphenAtLabelEdge},
        {"example.com-", DomainError::HyphenAtLabelEdge},
        {"-bücher.example", DomainError::HyphenAtLabelEdge},
        {"bücher-.example", DomainError::HyphenAtLabelEdge},

        {"1.2.3.4", DomainError::NumericTld},
        {"1.2.3.4.", DomainError::NumericTld},
        {"192.168.0.1", DomainError::NumericTld},
        {"4294967295", DomainError::NumericTld},
        {"123", DomainError::NumericTld},
        {"0", DomainError::NumericTld},
        {"example.123", DomainError::NumericTld},
        {"example.0", DomainError::NumericTld},
        {"bücher.42", DomainError::NumericTld},

        // Not punycode at all, or punycode that decodes to nothing / plain ASCII.
        {"xn--zz.com", DomainError::InvalidIdna},
        {"XN--ZZ.com", DomainError::InvalidIdna},
        {"xn--0.com", DomainError::InvalidIdna},
        {"xn--a.com", DomainError::InvalidIdna},
        {"xn--abc-x.com", DomainError::InvalidIdna},
        // The hyphen rule is checked first: these fail on their last octet.
        {"xn--.com", DomainError::HyphenAtLabelEdge},
        {"xn--abc-.com", DomainError::HyphenAtLabelEdge},
        {"example.xn--zz", DomainError::InvalidIdna},
        // Valid punycode of something that is not a valid U-label.
        {"xn--ls8h.example", DomainError::InvalidIdna},     // emoji, DISALLOWED
        {"xn--1ug.example", DomainError::InvalidIdna},      // lone ZWJ, CONTEXTJ
        {"xn--ber-ska.example", DomainError::InvalidIdna},  // "Über": not mapped to lower case
        {"xn--u-ccb.example", DomainError::InvalidIdna},    // u + U+0308: not NFC
        // Reserved R-LDH labels ("--" in positions 3-4) other than "xn--".
        {"ab--cd.com", DomainError::InvalidIdna},
        {"AB--CD.com", DomainError::InvalidIdna},
        {"r3---sn-abc.googlevideo.com", DomainError::InvalidIdna},
        {"example.zz--com", DomainError::InvalidIdna},
        {"ab--cü.example", DomainError::InvalidIdna},
        // U-labels libidn2 refuses.
        {"\xFF\xFE.com", DomainError::InvalidIdna},                // not UTF-8
        {"b\xC3.com", DomainError::InvalidIdna},                    // truncated sequence
        {"\xED\xA0\x80.com", DomainError::InvalidIdna},            // UTF-16 surrogate
        {"\xC0\xAE.com", DomainError::InvalidIdna},                // overlong '.'
        {"\xF0\x9F\x92\xA9.la", DomainError::InvalidIdna},         // emoji
        {"a" + kZeroWidthJoiner + ".com", DomainError::InvalidIdna},
        {kCombiningDiaeresis + "a.com", DomainError::InvalidIdna},  // leading combining mark
        {"a" + kOneFullStop + "com", DomainError::InvalidIdna},    // "⒈" is not a dot
        {"a" + kSmallFullStop + "com", DomainError::InvalidIdna},  // nor is U+FE52
        {"a\xD9\x85.com", DomainError::InvalidIdna},                // Bidi rule: L then AL
    }));
    CAPTURE(input);
    const auto name = DomainName::parse(input);
    REQUIRE_FALSE(name.ok());
    CHECK(name.error() == expected);
}

TEST_CASE("parseDnsName accepts underscores in ASCII labels") {
    const auto [input, expected] = GENERATE(table<std::string, std::string>({
        {"_dmarc.example.com", "_dmarc.example.com"},
        {"_DMARC.Example.COM.", "_dmarc.example.com"},
        {"sel._domainkey.example.com", "sel._domainkey.example.com"},
        {"s_1._domainkey.example.com", "s_1._domainkey.example.com"},
        {"_spf.example.com", "_spf.example.com"},
        {"_dmarc.bücher.example", "_dmarc.xn--bcher-kva.example"},
        {"_.example.com", "_.example.com"},
        {"a_.example.com", "a_.example.com"},
        {"_-_.example.com", "_-_.example.com"},
        {"example._com", "example._com"},
        {"_123", "_123"},
    }));
    CAPTURE(input);
    const auto name = DomainName::parseDnsName(input);
    REQUIRE(name.ok());
    CHECK(name->str() == expected);
}

TEST_CASE("parseDnsName refuses what parse refuses, underscores aside") {
    const auto [input, expected] = GENERATE_COPY(table<std::string, DomainError>({
        {"", DomainError::Empty},
        {"_dmarc..example.com", DomainError::EmptyLabel},
        {"_dmarc.example.com..", DomainError::EmptyLabel},
        {"_dmarc.1.2.3.4", DomainError::NumericTld},
        {"_dmarc.example.123", DomainError::NumericTld},
        {"-_dmarc.example.com", DomainError::HyphenAtLabelEdge},
        {"_dmarc-.example.com", DomainError::HyphenAtLabelEdge},
        {"_dmarc.exa mple.com", DomainError::InvalidCharacter},
        {"_dmarc.example.com\0"s, DomainError::InvalidCharacter},
        {"_dmarc.example.com.*", DomainError::InvalidCharacter},
        {std::string(64, '_') + ".example.com", DomainError::LabelTooLong},
        {"_" + nameOfLength(253), DomainError::TooLong},
        // Underscores never mix with IDNA: not in U-labels, not mapped in, not in A-labels.
        {"_bü.example", DomainError::InvalidCharacter},
        {kFullwidthLowLine + "dmarc.example.com", DomainError::InvalidCharacter},
        {"xn--_b-yka.example", DomainError::InvalidIdna},
        {"_x--y.example.com", DomainError::InvalidIdna},
    }));
    CAPTURE(input);
    const auto name = DomainName::parseDnsName(input);
    REQUIRE_FALSE(name.ok());
    CHECK(name.error() == expected);
}

TEST_CASE("describe names every DomainError distinctly") {
    std::vector<std::string_view> seen;
    for (DomainError error : kAllErrors) {
        const std::string_view text = dmarc::core::describe(error);
        CAPTURE(text);
        CHECK(text.size() > 10);
        CHECK(std::find(seen.begin(), seen.end(), text) == seen.end());
        seen.push_back(text);
    }
    CHECK(dmarc::core::describe(static_cast<DomainError>(999)) == "unknown domain name error");
}

TEST_CASE("labels splits the A-label form left to right") {
    const auto [input, expected] = GENERATE(table<std::string, std::vector<std::string_view>>({
        {"a.b.com", {"a", "b", "com"}},
        {"com", {"com"}},
        {"Example.COM.", {"example", "com"}},
        {"bücher.example", {"xn--bcher-kva", "example"}},
        {"_dmarc.example.com", {"_dmarc", "example", "com"}},
        {"1.2.3.example", {"1", "2", "3", "example"}},
    }));
    CAPTURE(input);
    const DomainName name = parsed(input);
    CHECK(name.labels() == expected);
    CHECK(name.labels().size() == name.labelCount());
}

TEST_CASE("rightmostLabels keeps the rightmost labels and clamps the count") {
    constexpr std::size_t kHuge = std::numeric_limits<std::size_t>::max();
    const auto [input, count, expected, labels] =
        GENERATE_COPY(table<std::string, std::size_t, std::string, std::size_t>({
            {"a.b.example.com", 1, "com", 1},
            {"a.b.example.com", 2, "example.com", 2},
            {"a.b.example.com", 3, "b.example.com", 3},
            {"a.b.example.com", 4, "a.b.example.com", 4},
            {"com", 1, "com", 1},
            {"_dmarc.mail.bücher.example", 2, "xn--bcher-kva.example", 2},
            {"_dmarc.mail.bücher.example", 3, "mail.xn--bcher-kva.example", 3},
            // Outside 1..labelCount(): clamped.
            {"a.b.example.com", 0, "com", 1},
            {"a.b.example.com", 5, "a.b.example.com", 4},
            {"a.b.example.com", kHuge, "a.b.example.com", 4},
            {"com", 0, "com", 1},
            {"com", 2, "com", 1},
        }));
    CAPTURE(input, count);
    const DomainName suffix = parsed(input).rightmostLabels(count);
    CHECK(suffix.str() == expected);
    CHECK(suffix.labelCount() == labels);
    CHECK(suffix == parsed(expected));
}

TEST_CASE("isWithin compares whole labels") {
    const auto [name, other, within] = GENERATE(table<std::string, std::string, bool>({
        {"a.b.com", "b.com", true},
        {"a.b.com", "com", true},
        {"a.b.com", "a.b.com", true},
        {"b.com", "b.com", true},
        {"example.com", "com", true},
        {"mail.example.com", "EXAMPLE.COM.", true},
        {"mail.xn--bcher-kva.example", "bücher.example", true},
        {"_dmarc.example.com", "example.com", true},
        {"notexample.com", "example.com", false},
        {"xample.com", "example.com", false},
        {"example.com", "a.example.com", false},
        {"example.com", "org", false},
        {"example.com", "om", false},
        {"example.com.au", "example.com", false},
        {"a.example.com", "example.co", false},
        {"com", "example.com", false},
        {"example.com", "_dmarc.example.com", false},
        {"a-example.com", "example.com", false},
    }));
    CAPTURE(name, other);
    CHECK(parsed(name).isWithin(parsed(other)) == within);
}

TEST_CASE("every name is within each of its rightmost-label suffixes") {
    const DomainName name = parsed("a.b.c.example.com");
    for (std::size_t count = 1; count <= name.labelCount(); ++count) {
        CAPTURE(count);
        const DomainName suffix = name.rightmostLabels(count);
        CHECK(name.isWithin(suffix));
        CHECK(suffix.isWithin(suffix));
        CHECK(suffix.isWithin(name) == (count == name.labelCount()));
    }
}

TEST_CASE("dmarcName prefixes _dmarc within the 253-octet limit") {
    const auto [input, expected] = GENERATE_COPY(table<std::string, std::string>({
        {"example.com", "_dmarc.example.com"},
        {"Mail.Example.COM.", "_dmarc.mail.example.com"},
        {"bücher.example", "_dmarc.xn--bcher-kva.example"},
        {"com", "_dmarc.com"},
        // 246 + 7 = 253 octets: still queryable.
        {nameOfLength(246), "_dmarc." + nameOfLength(246)},
    }));
    CAPTURE(input);
    const DomainName name = parsed(input);
    const auto dmarc = name.dmarcName();
    REQUIRE(dmarc.has_value());
    CHECK(dmarc->str() == expected);
    CHECK(dmarc->labelCount() == name.labelCount() + 1);
    CHECK(dmarc->isWithin(name));
    CHECK(dmarc->rightmostLabels(name.labelCount()) == name);
    CHECK(*dmarc == parsed(expected));
    CHECK_FALSE(DomainName::parse(dmarc->str()).ok());
}

TEST_CASE("dmarcName is nullopt when _dmarc would exceed 253 octets") {
    const std::size_t octets = GENERATE(247u, 250u, 253u);
    CAPTURE(octets);
    CHECK_FALSE(parsed(nameOfLength(octets)).dmarcName().has_value());
}

TEST_CASE("DomainName compares by its A-label form") {
    CHECK(parsed("Example.COM.") == parsed("example.com"));
    CHECK(parsed("example.com") != parsed("example.org"));
    CHECK(parsed("a.example") < parsed("b.example"));
    CHECK(parsed("bücher.example") == parsed("xn--bcher-kva.example"));
}
