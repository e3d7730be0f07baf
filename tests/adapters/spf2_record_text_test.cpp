// Unit tests for lib/adapters/spf2_record_text.cpp: how validated records are rewritten for
// libspf2 (/0 CIDRs, the any-address marker, the CIDR of the client's family, unknown
// modifiers, redirect with all, redirect last, the "R" transformer), the libspf2 limits
// (255 mechanisms, transformer, delimiters, literal runs, macro size), the macro-string
// shape and the marker helpers. Deterministic apart from
// the marker's random part, which the tests read back instead of spelling out.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "adapters/spf2_record_text.h"
#include "core/spf_record.h"

using namespace dmarc::adapters;
using dmarc::core::parseSpfRecord;

namespace {

std::string rewritten(const std::string& record, bool clientIsV4) {
    const auto parsed = parseSpfRecord(record);
    INFO("record: " << record);
    REQUIRE(parsed.ok());
    const auto text = libspf2RecordText(parsed.value(), clientIsV4);
    REQUIRE(text.ok());
    return text.value();
}

Libspf2TextError refusal(const std::string& record) {
    const auto parsed = parseSpfRecord(record);
    INFO("record: " << record.substr(0, 80));
    REQUIRE(parsed.ok());
    const auto text = libspf2RecordText(parsed.value(), true);
    REQUIRE_FALSE(text.ok());
    return text.error();
}

std::string repeated(const std::string& unit, std::size_t times) {
    std::string out;
    for (std::size_t i = 0; i < times; ++i) out += unit;
    return out;
}

}  // namespace

TEST_CASE("spf2_record_text: rewrites for libspf2, per client family") {
    const std::string m = anyAddressMarker();
    const auto [record, v4, v6] = GENERATE_COPY(table<std::string, std::string, std::string>({
        {"v=spf1 -all", "v=spf1 -all", "v=spf1 -all"},
        {"v=spf1 ip4:1.1.1.1/0 -all", "v=spf1 ip4:0.0.0.0/1 ip4:128.0.0.0/1 -all",
         "v=spf1 ip4:0.0.0.0/1 ip4:128.0.0.0/1 -all"},
        {"v=spf1 ~ip6:::1.1.1.1/0", "v=spf1 ~ip6:::/1 ~ip6:8000::/1", "v=spf1 ~ip6:::/1 ~ip6:8000::/1"},
        {"v=spf1 a/0 -all", "v=spf1 a:%{d}" + m + " -all", "v=spf1 a -all"},
        {"v=spf1 a//0 -all", "v=spf1 a -all", "v=spf1 a:%{d}" + m + " -all"},
        {"v=spf1 -mx:example.com./0//0", "v=spf1 -mx:example.com" + m, "v=spf1 -mx:example.com" + m},
        {"v=spf1 a/24//64 mx/24 mx//64", "v=spf1 a/24 mx/24 mx", "v=spf1 a//64 mx mx//64"},
        {"v=spf1 a:%{d}.x.example.com/32//128", "v=spf1 a:%{d}.x.example.com/32",
         "v=spf1 a:%{d}.x.example.com//128"},
        {"v=spf1 moo.cow-far_out=man:dog/cat ip4:1.2.3.4 -all", "v=spf1 ip4:1.2.3.4 -all", "v=spf1 ip4:1.2.3.4 -all"},
        {"v=spf1 redirect=t5.example.com ~all", "v=spf1 ~all", "v=spf1 ~all"},
        {"v=spf1 redirect=r.example.com ip4:1.2.3.4", "v=spf1 ip4:1.2.3.4 redirect=r.example.com",
         "v=spf1 ip4:1.2.3.4 redirect=r.example.com"},
        {"v=spf1 exp=e.example.com redirect=r.example.com", "v=spf1 redirect=r.example.com exp=e.example.com",
         "v=spf1 redirect=r.example.com exp=e.example.com"},
        {"v=spf1 -all exp=e.%{d}", "v=spf1 -all exp=e.%{d}", "v=spf1 -all exp=e.%{d}"},
        {"v=spf1 ptr:example.com include:i.example.com exists:%{i}.x.example.com",
         "v=spf1 ptr:example.com include:i.example.com exists:%{i}.x.example.com",
         "v=spf1 ptr:example.com include:i.example.com exists:%{i}.x.example.com"},
    }));
    CAPTURE(record);
    CHECK(rewritten(record, true) == v4);
    CHECK(rewritten(record, false) == v6);
    // What libspf2 gets is itself a valid record of ours.
    CHECK(parseSpfRecord(rewritten(record, true)).ok());
    CHECK(parseSpfRecord(rewritten(record, false)).ok());
}

TEST_CASE("spf2_record_text: at most 255 mechanisms, counting /0 halves and redirect") {
    const std::string base = "v=spf1";
    CHECK_NOTHROW(rewritten(base + repeated(" a", 255), true));
    CHECK(refusal(base + repeated(" a", 256)) == Libspf2TextError::TooManyMechanisms);
    CHECK(refusal(base + repeated(" a", 254) + " ip4:1.2.3.4/0") == Libspf2TextError::TooManyMechanisms);
    CHECK_NOTHROW(rewritten(base + repeated(" a", 254) + " redirect=r.example.com", true));
    CHECK(refusal(base + repeated(" a", 255) + " redirect=r.example.com") == Libspf2TextError::TooManyMechanisms);
    CHECK_NOTHROW(rewritten(base + repeated(" a", 255) + " exp=e.example.com", true));  // a modifier
    // With "all" the redirect is dropped, so it does not count.
    CHECK_NOTHROW(rewritten(base + repeated(" a", 254) + " all redirect=r.example.com", true));
}

TEST_CASE("spf2_record_text: what libspf2 cannot take is refused") {
    const std::string many = repeated("x%{d}", 40) + ".example.com";
    const std::string longLabel = std::string(240, 'x') + ".example.com";
    const auto [record, error] = GENERATE_COPY(table<std::string, Libspf2TextError>({
        {"v=spf1 a:%{d129}.example.com", Libspf2TextError::TransformerTooLarge},
        {"v=spf1 -all exp=%{d99999999999}.example.com", Libspf2TextError::TransformerTooLarge},
        {"v=spf1 exists:%{l,}.example.com", Libspf2TextError::UnsupportedDelimiter},
        {"v=spf1 redirect=%{s1r/}.example.com", Libspf2TextError::UnsupportedDelimiter},
        {"v=spf1 a:" + longLabel + "/0", Libspf2TextError::LiteralTooLong},  // the marker makes it 287
        {"v=spf1 include:" + std::string(300, 'y') + ".example.com", Libspf2TextError::LiteralTooLong},
        {"v=spf1 exists:" + many, Libspf2TextError::MacroTooLarge},
        {"v=spf1 -all exp=" + many, Libspf2TextError::MacroTooLarge},
        {"v=spf1 redirect=" + many, Libspf2TextError::MacroTooLarge},
    }));
    CAPTURE(record.substr(0, 60));
    CHECK(refusal(record) == error);
    CHECK(describe(error) != "unknown libspf2 record problem");
}

TEST_CASE("spf2_record_text: what libspf2 can take near those limits is kept") {
    const std::string longName = repeated("abcdefghi.", 25) + "com";  // 253 octets
    const std::vector<std::string> records = {
        "v=spf1 a:%{d128}.example.com", "v=spf1 exists:%{l.-+=_}.example.com", "v=spf1 a:" + longName,
        "v=spf1 a:" + std::string(200, 'x') + ".example.com/0",  // 247 octets with the marker
        "v=spf1 exists:" + repeated("x%{d}", 20) + ".example.com"};
    for (const std::string& record : records) {
        CAPTURE(record.substr(0, 60));
        CHECK_NOTHROW(rewritten(record, true));
    }
}

TEST_CASE("spf2_record_text: the reversal transformer is written in lower case for libspf2") {
    CHECK(libspf2MacroString("%{iR}.%{DR}.%{d2R-}.x.example.com") == "%{ir}.%{Dr}.%{d2r-}.x.example.com");
    CHECK(libspf2MacroString("%%{iR} R %_R %-R") == "%%{iR} R %_R %-R");  // escapes, not macros
    CHECK(rewritten("v=spf1 exists:%{iR}.x.example.com redirect=%{dR}.example.com", true) ==
          "v=spf1 exists:%{ir}.x.example.com redirect=%{dr}.example.com");
}

TEST_CASE("spf2_record_text: macro-string shape") {
    const auto [text, bytes, literal, transformer, delimiter] =
        GENERATE(table<std::string, std::size_t, std::size_t, std::uint32_t, bool>({
            {"", 8, 0, 0, false},                          // the CIDR block only
            {"example.com", 8 + 16, 11, 0, false},         // header + 11 octets, 8-aligned
            {"%{d}", 8 + 8, 0, 0, false},
            {"a%{d}b", 8 + 8 + 8 + 8, 1, 0, false},
            {"%-", 8 + 8, 3, 0, false},                    // "%20": 3 octets of literal text
            {"%%%_", 8 + 8, 2, 0, false},
            {"%{ir}.%{v}._spf.%{d2}", 8 + 8 + 8 + 8 + 16 + 8, 6, 2, false},
            {"%{d12r.}.%{l3,}.x.com", 8 + 8 + 8 + 8 + 16, 6, 12, true},
            {"%{d99999999999}", 8 + 8, 0, 9999, false},
        }));
    CAPTURE(text);
    const Libspf2MacroShape shape = libspf2MacroShape(text);
    CHECK(shape.bytes == bytes);
    CHECK(shape.longestLiteral == literal);
    CHECK(shape.largestTransformer == transformer);
    CHECK(shape.unsupportedDelimiter == delimiter);
}

TEST_CASE("spf2_record_text: the any-address marker") {
    const std::string& marker = anyAddressMarker();
    CHECK(marker.rfind(".spf-cidr0-", 0) == 0);
    CHECK(marker.size() == std::string(".spf-cidr0-").size() + 16 + std::string(".invalid").size());
    CHECK(marker.substr(marker.size() - 8) == ".invalid");
    for (char c : marker.substr(11, 16)) CHECK(((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')));
    CHECK(&anyAddressMarker() == &marker);

    CHECK(stripAnyAddressMarker(markAnyAddress("mx.example.com")) == "mx.example.com");
    CHECK(stripAnyAddressMarker(markAnyAddress("")) == "");
    CHECK_FALSE(stripAnyAddressMarker("mx.example.com").has_value());
    std::string forged = "x" + marker;  // another process's marker: one hex digit differs
    forged[12] = forged[12] == '0' ? '1' : '0';
    CHECK_FALSE(stripAnyAddressMarker(forged).has_value());
    CHECK_FALSE(stripAnyAddressMarker(marker.substr(1)).has_value());
}
