// Unit tests for lib/core/spf_record.cpp: record selection (§4.5), every mechanism and
// modifier form RFC 7208 accepts with its canonical text, every way a record is refused
// (error kind and offending term, including each syntax case of the OpenSPF suite), the
// typed fields, the length and term caps, and the round trip parse(toString(r)) == r.
// Single-threaded, deterministic.
#include <catch2/catch.hpp>

#include <string>

#include "core/spf_record.h"

using namespace dmarc::core;
using namespace std::string_literals;

namespace Catch {
template <>
struct StringMaker<SpfSyntaxError> {
    static std::string convert(SpfSyntaxError error) { return std::string(describe(error)); }
};
}  // namespace Catch

namespace {

SpfRecord parsed(const std::string& text) {
    const auto record = parseSpfRecord(text);
    INFO("record: " << text << (record ? std::string() : " → " + describe(record.error())));
    REQUIRE(record.ok());
    return record.value();
}

std::string repeated(const std::string& unit, std::size_t times) {
    std::string out;
    for (std::size_t i = 0; i < times; ++i) out += unit;
    return out;
}

}  // namespace

TEST_CASE("spf_record: record selection by version (RFC 7208 4.5)") {
    const auto [text, isSpf] = GENERATE(table<std::string, bool>({
        {"v=spf1", true},
        {"v=spf1 ", true},
        {"v=spf1 -all", true},
        {"V=SPF1 -all", true},
        {"v=SpF1 ~all", true},
        {"v=spf1-all", false},
        {"v=spf10", false},
        {"v=spf1mx", false},  // strings of one record are joined without a space
        {"v=spf1\t-all", false},
        {" v=spf1 -all", false},
        {"v=spf", false},
        {"", false},
        {"spf2.0/pra -all", false},
        {"v=spf3 -all", false},
        {"v=DMARC1; p=none", false},
        {"\x96", false},
    }));
    CAPTURE(text);
    CHECK(isSpfRecord(text) == isSpf);
    if (!isSpf) {
        const auto record = parseSpfRecord(text);
        REQUIRE_FALSE(record.ok());
        CHECK(record.error().error == SpfSyntaxError::NotSpfRecord);
        CHECK(record.error().term == 0);
    }
}

TEST_CASE("spf_record: valid records and their canonical text") {
    const auto [text, canonical] = GENERATE(table<std::string, std::string>({
        {"v=spf1", "v=spf1"},
        {"v=spf1 ", "v=spf1"},
        {"v=spf1 -all", "v=spf1 -all"},
        {"V=SPF1 +ALL", "v=spf1 all"},
        {"v=spf1  a  -all ", "v=spf1 a -all"},
        {"v=spf1 ?mx ~a -ptr +exists:x.example.com", "v=spf1 ?mx ~a -ptr exists:x.example.com"},
        {"v=spf1 a/24//64 -all", "v=spf1 a/24//64 -all"},
        {"v=spf1 a//64", "v=spf1 a//64"},
        {"v=spf1 a/0 mx//0", "v=spf1 a/0 mx//0"},
        {"v=spf1 a:foo.example.com/24", "v=spf1 a:foo.example.com/24"},
        {"v=spf1 MX:Example.COM/24", "v=spf1 mx:Example.COM/24"},
        {"v=spf1 ip4:192.0.2.0/24 ip6:2001:DB8::/32 -all", "v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 -all"},
        {"v=spf1 ip4:1.1.1.1/0 -all", "v=spf1 ip4:1.1.1.1/0 -all"},
        {"v=spf1 ip4:1.2.3.4/32", "v=spf1 ip4:1.2.3.4/32"},
        {"v=spf1 ip6:::1.1.1.1/0", "v=spf1 ip6:::101:101/0"},
        {"v=spf1 ip6:::/128", "v=spf1 ip6:::/128"},
        {"v=spf1 -ip4:1.2.3.4 ip6:::FFFF:1.2.3.4", "v=spf1 -ip4:1.2.3.4 ip6:::ffff:1.2.3.4"},
        {"v=spf1 ip6:Cafe:Babe:8000::/33", "v=spf1 ip6:cafe:babe:8000::/33"},
        {"v=spf1 include:_spf.google.com ~all", "v=spf1 include:_spf.google.com ~all"},
        {"v=spf1 exists:%{i}._spf.%{d} -all", "v=spf1 exists:%{i}._spf.%{d} -all"},
        {"v=spf1 ptr ptr:example.com ?all", "v=spf1 ptr ptr:example.com ?all"},
        {"v=spf1 redirect=_spf.example.com", "v=spf1 redirect=_spf.example.com"},
        {"v=spf1 REDIRECT=example.com", "v=spf1 redirect=example.com"},
        {"v=spf1 -all exp=explain.%{d}", "v=spf1 -all exp=explain.%{d}"},
        {"v=spf1 Exp=x.example.com -all", "v=spf1 -all exp=x.example.com"},
        {"v=spf1 redirect=a.example.com exp=b.example.com -all", "v=spf1 -all redirect=a.example.com exp=b.example.com"},
        {"v=spf1 moo.cow-far_out=man:dog/cat ip4:1.2.3.4 -all",
         "v=spf1 ip4:1.2.3.4 -all moo.cow-far_out=man:dog/cat"},
        {"v=spf1 default=pass", "v=spf1 default=pass"},
        {"v=spf1 default=+", "v=spf1 default=+"},
        {"v=spf1 foo=", "v=spf1 foo="},
        {"v=spf1 v=spf1 -all", "v=spf1 -all v=spf1"},
        {"v=spf1 a:foo:bar/baz.example.com", "v=spf1 a:foo:bar/baz.example.com"},
        {"v=spf1 a:foo.example.xn--zckzah -all", "v=spf1 a:foo.example.xn--zckzah -all"},
        {"v=spf1 a:mail.example...com -all", "v=spf1 a:mail.example...com -all"},
        {"v=spf1 a:%{H}.bar -all", "v=spf1 a:%{H}.bar -all"},
        {"v=spf1 a:%{d}/24", "v=spf1 a:%{d}/24"},
        {"v=spf1 a:macro%%percent%_%_space%-url-space.example.com -all",
         "v=spf1 a:macro%%percent%_%_space%-url-space.example.com -all"},
        {"v=spf1 redirect=%{d}.d.spf.example.com.", "v=spf1 redirect=%{d}.d.spf.example.com."},
        {"v=spf1 include:o.spf.example.com. ~all", "v=spf1 include:o.spf.example.com. ~all"},
        {"v=spf1 -include:_spfh.%{d2} ip4:1.2.3.0/24 -all", "v=spf1 -include:_spfh.%{d2} ip4:1.2.3.0/24 -all"},
        {"v=spf1 exists:%{l2r+-}.user.%{d2}", "v=spf1 exists:%{l2r+-}.user.%{d2}"},
        {"v=spf1 exists:%{p}.should.example.com ~exists:%{p}.ok.example.com",
         "v=spf1 exists:%{p}.should.example.com ~exists:%{p}.ok.example.com"},
        {"v=spf1 all -all", "v=spf1 all -all"},
    }));
    CAPTURE(text);
    const SpfRecord record = parsed(text);
    CHECK(toString(record) == canonical);
    // The canonical text is itself valid and means the same.
    const SpfRecord again = parsed(toString(record));
    CHECK(again == record);
    CHECK(toString(again) == canonical);
}

TEST_CASE("spf_record: invalid records name the error and the offending term") {
    const auto [text, error, term] = GENERATE(table<std::string, SpfSyntaxError, std::size_t>({
        // The OpenSPF suite's syntax cases.
        {"v=spf1 ip4:1.2.3.4 -all moo", SpfSyntaxError::UnknownMechanism, 3},
        {"v=spf1 moo.cow/far_out=man:dog/cat ip4:1.2.3.4 -all", SpfSyntaxError::UnknownMechanism, 1},
        {"v=spf1 moo.cow:far_out=man:dog/cat ip4:1.2.3.4 -all", SpfSyntaxError::UnknownMechanism, 1},
        {"v=spf1 ip4:1.2.3.4 redirect:t2.example.com", SpfSyntaxError::UnknownMechanism, 2},
        {"v=spf1 a:foo-bar -all", SpfSyntaxError::InvalidDomainSpec, 1},
        {"v=spf1 a:\xEF\xBB\xBFgarbage.example.net -all", SpfSyntaxError::InvalidCharacter, 1},
        {"v=spf1 \x80" "a:example.net -all", SpfSyntaxError::InvalidCharacter, 1},
        {"v=spf1 a:example.net \x96" "all", SpfSyntaxError::InvalidCharacter, 2},
        {"v=spf1 a:ctrl.example.com\rptr -all", SpfSyntaxError::InvalidCharacter, 1},
        {"v=spf1 ip4:192.0.2.5\n include:spf.protection.outlook.com ~all", SpfSyntaxError::InvalidCharacter, 1},
        {"v=spf1 a:foo.example.com\0"s, SpfSyntaxError::InvalidCharacter, 1},
        {"v=spf1 mx:foo.example.com\0"s, SpfSyntaxError::InvalidCharacter, 1},
        {"v=spf1 -all.", SpfSyntaxError::UnknownMechanism, 1},
        {"v=spf1 -all:foobar", SpfSyntaxError::UnexpectedArgument, 1},
        {"v=spf1 -all/8", SpfSyntaxError::UnexpectedCidr, 1},
        {"v=spf1 ptr/0 -all", SpfSyntaxError::UnexpectedCidr, 1},
        {"v=spf1 ptr:", SpfSyntaxError::MissingDomain, 1},
        {"v=spf1 ptr:example.com/24", SpfSyntaxError::UnexpectedCidr, 1},
        {"v=spf1 a//129 -all", SpfSyntaxError::InvalidCidr, 1},
        {"v=spf1 a/33 -all", SpfSyntaxError::InvalidCidr, 1},
        {"v=spf1 a/24/64 -all", SpfSyntaxError::InvalidCidr, 1},
        {"v=spf1 a:example.com:8080", SpfSyntaxError::InvalidDomainSpec, 1},
        {"v=spf1 a:111.222.33.44", SpfSyntaxError::InvalidDomainSpec, 1},
        {"v=spf1 a:abc.123", SpfSyntaxError::InvalidDomainSpec, 1},
        {"v=spf1 a:example.-com", SpfSyntaxError::InvalidDomainSpec, 1},
        {"v=spf1 a:museum", SpfSyntaxError::InvalidDomainSpec, 1},
        {"v=spf1 a:museum.", SpfSyntaxError::InvalidDomainSpec, 1},
        {"v=spf1 a:", SpfSyntaxError::MissingDomain, 1},
        {"v=spf1 include +all", SpfSyntaxError::MissingDomain, 1},
        {"v=spf1 include:ip5.example.com/24 -all", SpfSyntaxError::UnexpectedCidr, 1},
        {"v=spf1 include: -all", SpfSyntaxError::MissingDomain, 1},
        {"v=spf1 mx//129 -all", SpfSyntaxError::InvalidCidr, 1},
        {"v=spf1 mx: -all", SpfSyntaxError::MissingDomain, 1},
        {"v=spf1 exists:", SpfSyntaxError::MissingDomain, 1},
        {"v=spf1 exists", SpfSyntaxError::MissingDomain, 1},
        {"v=spf1 exists:mail.example.com/24", SpfSyntaxError::UnexpectedCidr, 1},
        {"v=spf1 ip4:1.2.3.4/33 -all", SpfSyntaxError::InvalidCidr, 1},
        {"v=spf1 ip4:1.2.3.4/032 -all", SpfSyntaxError::InvalidCidr, 1},
        {"v=spf1 ip4", SpfSyntaxError::MissingAddress, 1},
        {"v=spf1 ip4:1.2.3.4//32", SpfSyntaxError::InvalidCidr, 1},
        {"v=spf1 ip4:1.2.3.4:8080", SpfSyntaxError::InvalidIp4, 1},
        {"v=spf1 ip4:1.2.3", SpfSyntaxError::InvalidIp4, 1},
        {"v=spf1 -all ip6", SpfSyntaxError::MissingAddress, 2},
        {"v=spf1 ip6:::1.1.1.1/129", SpfSyntaxError::InvalidCidr, 1},
        {"v=spf1 ip6:::1.1.1.1//33", SpfSyntaxError::InvalidCidr, 1},
        {"v=spf1 ip6::CAFE::BABE", SpfSyntaxError::InvalidIp6, 1},
        {"v=spf1 1up=foo", SpfSyntaxError::UnknownMechanism, 1},
        {"v=spf1 =all", SpfSyntaxError::UnknownMechanism, 1},
        {"v=spf1 -all foo=%abc", SpfSyntaxError::InvalidModifierValue, 2},
        {"v=spf1 exp= -all", SpfSyntaxError::MissingDomain, 1},
        {"v=spf1 exp=-all", SpfSyntaxError::InvalidDomainSpec, 1},
        {"v=spf1 exp=e13msg.example.com -all exp=e11msg.example.com", SpfSyntaxError::DuplicateExplanation, 3},
        {"v=spf1 ?all redirect=", SpfSyntaxError::MissingDomain, 2},
        {"v=spf1 redirect=-all ?all", SpfSyntaxError::InvalidDomainSpec, 1},
        {"v=spf1 redirect=e12.example.com -all redirect=e12.example.com", SpfSyntaxError::DuplicateRedirect, 3},
        {"v=spf1 -all exp=%{r}.example.com", SpfSyntaxError::InvalidDomainSpec, 2},
        {"v=spf1 -exists:%(ir).sbl.example.com ?all", SpfSyntaxError::InvalidDomainSpec, 1},
        {"v=spf1 exists:foo%(ir).sbl.example.com ?all", SpfSyntaxError::InvalidDomainSpec, 1},
        {"v=spf1 exists:foo%.sbl.example.com ?all", SpfSyntaxError::InvalidDomainSpec, 1},
        {"v=spf1 a:%{a}.example.com -all", SpfSyntaxError::InvalidDomainSpec, 1},
        // More of the same families.
        {"v=spf2 -all", SpfSyntaxError::NotSpfRecord, 0},
        {"v=spf1 foo", SpfSyntaxError::UnknownMechanism, 1},
        {"v=spf1 +", SpfSyntaxError::UnknownMechanism, 1},
        {"v=spf1 ++all", SpfSyntaxError::UnknownMechanism, 1},
        {"v=spf1 -redirect=foo.example.com", SpfSyntaxError::UnknownMechanism, 1},
        {"v=spf1 +exp=foo.example.com", SpfSyntaxError::UnknownMechanism, 1},
        {"v=spf1 a/ -all", SpfSyntaxError::InvalidCidr, 1},
        {"v=spf1 a/024", SpfSyntaxError::InvalidCidr, 1},
        {"v=spf1 a//0128", SpfSyntaxError::InvalidCidr, 1},
        {"v=spf1 a/1000", SpfSyntaxError::InvalidCidr, 1},
        {"v=spf1 a:/24", SpfSyntaxError::MissingDomain, 1},
        {"v=spf1 a:b.example.com:", SpfSyntaxError::InvalidDomainSpec, 1},
        {"v=spf1 a:%{d0}.example.com", SpfSyntaxError::InvalidDomainSpec, 1},
        {"v=spf1 include/24", SpfSyntaxError::UnexpectedCidr, 1},
        {"v=spf1 ip4/24", SpfSyntaxError::MissingAddress, 1},
        {"v=spf1 ip4:", SpfSyntaxError::InvalidIp4, 1},
        {"v=spf1 ip4:1.2.3.4/", SpfSyntaxError::InvalidCidr, 1},
        {"v=spf1 ip4:01.2.3.4", SpfSyntaxError::InvalidIp4, 1},
        {"v=spf1 ip6:1.2.3.4", SpfSyntaxError::InvalidIp6, 1},
        {"v=spf1 ip6:2001:db8::/", SpfSyntaxError::InvalidCidr, 1},
        {"v=spf1 all:", SpfSyntaxError::UnexpectedArgument, 1},
        {"v=spf1 ?all redirect=a.example.com REDIRECT=b.example.com", SpfSyntaxError::DuplicateRedirect, 3},
        {"v=spf1 EXP=a.example.com exp=a.example.com", SpfSyntaxError::DuplicateExplanation, 2},
        {"v=spf1 unknown=\x7F", SpfSyntaxError::InvalidCharacter, 1},
        {"v=spf1 -all \t", SpfSyntaxError::InvalidCharacter, 2},
    }));
    CAPTURE(text);
    const auto record = parseSpfRecord(text);
    REQUIRE_FALSE(record.ok());
    CHECK(record.error().error == error);
    CHECK(record.error().term == term);
    CHECK_FALSE(describe(record.error()).empty());
}

TEST_CASE("spf_record: a domain-spec error carries the macro-string problem") {
    const auto [text, macro] = GENERATE(table<std::string, MacroError>({
        {"v=spf1 a:foo-bar", MacroError::InvalidDomainEnd},
        {"v=spf1 exists:%(ir).x.example.com", MacroError::InvalidEscape},
        {"v=spf1 -all exp=%{r}.example.com", MacroError::LetterOnlyInExplanation},
        {"v=spf1 a:%{a}.example.com", MacroError::InvalidMacroLetter},
        {"v=spf1 redirect=%{d", MacroError::UnterminatedMacro},
        {"v=spf1 -all foo=%abc", MacroError::InvalidEscape},
    }));
    CAPTURE(text);
    const auto record = parseSpfRecord(text);
    REQUIRE_FALSE(record.ok());
    REQUIRE(record.error().macro.has_value());
    CHECK(*record.error().macro == macro);
    CHECK(describe(record.error()).find(std::string(describe(macro))) != std::string::npos);
}

TEST_CASE("spf_record: the error text names the term, cut to 64 octets") {
    const std::string longTerm = "a:" + repeated("x", 100);
    const auto record = parseSpfRecord("v=spf1 -all " + longTerm);
    REQUIRE_FALSE(record.ok());
    CHECK(record.error().term == 2);
    CHECK(record.error().text == longTerm.substr(0, 64));
    CHECK(describe(record.error()) ==
          "term 2 \"" + longTerm.substr(0, 64) +
              "\": invalid domain-spec (domain-spec must end in a macro or in '.' and a valid top label)");
}

TEST_CASE("spf_record: typed fields of each mechanism") {
    const SpfRecord record =
        parsed("v=spf1 ~a:%{d}.x.example.com/24//64 -mx ?ptr:example.org ip4:192.0.2.1/28 "
               "ip6:2001:db8::1 +include:_spf.%{d2} exists:%{p}.x.example.com all "
               "redirect=r.example.com exp=e.example.com foo=bar");
    REQUIRE(record.mechanisms.size() == 8);

    const SpfMechanism& a = record.mechanisms[0];
    CHECK(a.qualifier == SpfQualifier::SoftFail);
    CHECK(a.type == SpfMechanismType::A);
    CHECK(a.domainSpec == "%{d}.x.example.com");
    CHECK(a.ip4Prefix == 24);
    CHECK(a.ip6Prefix == 64);

    const SpfMechanism& mx = record.mechanisms[1];
    CHECK(mx.qualifier == SpfQualifier::Fail);
    CHECK(mx.type == SpfMechanismType::Mx);
    CHECK(mx.domainSpec.empty());
    CHECK_FALSE(mx.ip4Prefix.has_value());
    CHECK_FALSE(mx.ip6Prefix.has_value());

    CHECK(record.mechanisms[2].qualifier == SpfQualifier::Neutral);
    CHECK(record.mechanisms[2].domainSpec == "example.org");

    const SpfMechanism& ip4 = record.mechanisms[3];
    CHECK(ip4.type == SpfMechanismType::Ip4);
    CHECK(ip4.network == Ipv6Octets{192, 0, 2, 1});
    CHECK(ip4.ip4Prefix == 28);

    const SpfMechanism& ip6 = record.mechanisms[4];
    CHECK(ip6.type == SpfMechanismType::Ip6);
    CHECK(ip6.network == Ipv6Octets{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});
    CHECK_FALSE(ip6.ip6Prefix.has_value());

    CHECK(record.mechanisms[5].qualifier == SpfQualifier::Pass);
    CHECK(record.mechanisms[5].type == SpfMechanismType::Include);
    CHECK(record.mechanisms[6].type == SpfMechanismType::Exists);
    CHECK(record.mechanisms[7].type == SpfMechanismType::All);
    CHECK(record.hasAll());

    CHECK(record.redirect == "r.example.com");
    CHECK(record.explanation == "e.example.com");
    REQUIRE(record.unknownModifiers.size() == 1);
    CHECK(record.unknownModifiers[0] == SpfModifier{"foo", "bar"});
    CHECK(record.macros.uses('d'));
    CHECK(record.macros.uses('p'));
    CHECK_FALSE(record.macros.uses('l'));
}

TEST_CASE("spf_record: macro use counts domain-specs of mechanisms and of redirect= and exp=") {
    CHECK(parsed("v=spf1 -all exp=%{l}.example.com").macros.uses('l'));
    CHECK(parsed("v=spf1 redirect=%{o}.example.com").macros.uses('o'));
    CHECK(parsed("v=spf1 ptr:%{h}").macros.uses('h'));
    // Unknown modifiers are never expanded, so they do not count.
    CHECK_FALSE(parsed("v=spf1 -all foo=%{p}").macros.uses('p'));
    CHECK(parsed("v=spf1 -all").hasAll());
    CHECK_FALSE(parsed("v=spf1 a mx").hasAll());
}

TEST_CASE("spf_record: length and term caps") {
    const std::string base = "v=spf1";
    SECTION("a record of exactly maxSpfRecordLength octets is read, one more is not") {
        // Padding with spaces keeps the term count under its own cap.
        const std::string atCap = base + " -all" + std::string(maxSpfRecordLength - base.size() - 5, ' ');
        REQUIRE(atCap.size() == maxSpfRecordLength);
        CHECK(parseSpfRecord(atCap).ok());
        const auto tooLong = parseSpfRecord(base + std::string(maxSpfRecordLength - base.size() + 1, ' '));
        REQUIRE_FALSE(tooLong.ok());
        CHECK(tooLong.error().error == SpfSyntaxError::TooLong);
        CHECK(tooLong.error().term == 0);
    }
    SECTION("maxSpfTerms terms are read, one more is not") {
        const auto atCap = parseSpfRecord(base + repeated(" a", maxSpfTerms));
        REQUIRE(atCap.ok());
        CHECK(atCap->mechanisms.size() == maxSpfTerms);
        const auto over = parseSpfRecord(base + repeated(" a", maxSpfTerms + 1));
        REQUIRE_FALSE(over.ok());
        CHECK(over.error().error == SpfSyntaxError::TooManyTerms);
        CHECK(over.error().term == maxSpfTerms + 1);
    }
}

TEST_CASE("spf_record: mechanism names") {
    const auto [type, name] = GENERATE(table<SpfMechanismType, std::string>({
        {SpfMechanismType::All, "all"},
        {SpfMechanismType::Include, "include"},
        {SpfMechanismType::A, "a"},
        {SpfMechanismType::Mx, "mx"},
        {SpfMechanismType::Ptr, "ptr"},
        {SpfMechanismType::Ip4, "ip4"},
        {SpfMechanismType::Ip6, "ip6"},
        {SpfMechanismType::Exists, "exists"},
    }));
    CHECK(toString(type) == name);
}

TEST_CASE("spf_record: every syntax error has a description") {
    for (int value = 0; value <= static_cast<int>(SpfSyntaxError::InvalidModifierValue); ++value) {
        CAPTURE(value);
        CHECK_FALSE(describe(static_cast<SpfSyntaxError>(value)).empty());
        CHECK(describe(static_cast<SpfSyntaxError>(value)) != "unknown SPF syntax error");
    }
}
