// Unit tests for lib/core/spf_macro.cpp: RFC 7208 §7.1 macro-string syntax in its three
// contexts (domain-spec with its domain-end and top-label rules, unknown-modifier values,
// explanation text), the error each bad text gets, and the macro letters reported.
// Single-threaded, deterministic.
#include <catch2/catch.hpp>

#include <string>

#include "core/spf_macro.h"

using namespace dmarc::core;
using namespace std::string_literals;

namespace Catch {
template <>
struct StringMaker<MacroError> {
    static std::string convert(MacroError error) { return std::string(describe(error)); }
};
}  // namespace Catch

TEST_CASE("spf_macro: valid domain-specs") {
    const std::string text = GENERATE(as<std::string>{},
        "example.com", "example.com.", "a.b.c", "_spf.example.com", "%{d}", "%{d2}.x", "%{D}",
        "%{ir}.%{v}._spf.%{d2}", "%{l}.%{o}", "%{i}._ip.%{h}._ehlo.%{d}._spf.vali.email",
        "foo:bar/baz.example.com",                             // any visible character but '%'
        "macro%%percent%_%_space%-url-space.example.com",      // the three escapes
        "foo.example.xn--zckzah",                              // toplabel with dashes
        "x.1-2", "x.a1", "x.1a", "x.A-b", "%{d}.example.com", "%{H}", "%{i.}", "%{l1r-+,/_=}",
        "%{d0001}.x.com",                                      // leading zeros, value 1
        "mail.example...com",                                  // empty labels are macro-string
        ".museum", "%-", "%%", "%_", "a.b-c.", "%{d}.%{d}.%{d}.%{d}.%{d}.%{d}.x.org",
        "%{s}", "%{p}.should.example.com", "%{v}");
    CAPTURE(text);
    const auto checked = checkDomainSpec(text);
    CHECK(checked.ok());
}

TEST_CASE("spf_macro: invalid domain-specs and why") {
    const auto [text, error] = GENERATE(table<std::string, MacroError>({
        {"", MacroError::Empty},
        {"museum", MacroError::InvalidDomainEnd},
        {"museum.", MacroError::InvalidDomainEnd},
        {"foo-bar", MacroError::InvalidDomainEnd},
        {"abc.123", MacroError::InvalidDomainEnd},
        {"111.222.33.44", MacroError::InvalidDomainEnd},
        {"example.-com", MacroError::InvalidDomainEnd},
        {"example.com-", MacroError::InvalidDomainEnd},
        {"example.com:8080", MacroError::InvalidDomainEnd},
        {"example.com/24", MacroError::InvalidDomainEnd},
        {"-all", MacroError::InvalidDomainEnd},
        {"foo..", MacroError::InvalidDomainEnd},
        {"%{d}.", MacroError::InvalidDomainEnd},  // "." toplabel "." needs a literal toplabel
        {"%{d}x", MacroError::InvalidDomainEnd},
        {"foo.%{d}x", MacroError::InvalidDomainEnd},
        {"x.a_b", MacroError::InvalidDomainEnd},
        {"exa mple.com", MacroError::InvalidCharacter},
        {"\xEF\xBB\xBFgarbage.example.net", MacroError::InvalidCharacter},
        {"foo\x7F.com", MacroError::InvalidCharacter},
        {"foo\0.com"s, MacroError::InvalidCharacter},
        {"foo\t.com", MacroError::InvalidCharacter},
        {"%(ir).sbl.example.com", MacroError::InvalidEscape},
        {"foo%.sbl.example.com", MacroError::InvalidEscape},
        {"%", MacroError::InvalidEscape},
        {"foo.com%", MacroError::InvalidEscape},
        {"%a.com", MacroError::InvalidEscape},
        {"%{d", MacroError::UnterminatedMacro},
        {"%{", MacroError::UnterminatedMacro},
        {"%{d2r", MacroError::UnterminatedMacro},
        {"%{d2r.", MacroError::UnterminatedMacro},
        {"%{a}.example.com", MacroError::InvalidMacroLetter},
        {"%{}", MacroError::InvalidMacroLetter},
        {"%{x}.com", MacroError::InvalidMacroLetter},
        {"%{%}", MacroError::InvalidMacroLetter},
        {"%{r}.example.com", MacroError::LetterOnlyInExplanation},
        {"%{c}.x.com", MacroError::LetterOnlyInExplanation},
        {"%{T}.x.com", MacroError::LetterOnlyInExplanation},
        {"%{d0}", MacroError::ZeroTransformer},
        {"%{d00r}", MacroError::ZeroTransformer},
        {"%{d2x}", MacroError::InvalidTransformer},
        {"%{dr2}", MacroError::InvalidTransformer},
        {"%{d.r}", MacroError::InvalidTransformer},
        {"%{d|}", MacroError::InvalidTransformer},  // libspf2 takes '|', RFC 7208 does not
        {"%{d 2}", MacroError::InvalidTransformer},
        {"%{d}}", MacroError::InvalidDomainEnd},
    }));
    CAPTURE(text);
    const auto checked = checkDomainSpec(text);
    REQUIRE_FALSE(checked.ok());
    CHECK(checked.error() == error);
    CHECK_FALSE(describe(error).empty());
}

TEST_CASE("spf_macro: usage reports the macro letters") {
    const auto [text, letters] = GENERATE(table<std::string, std::string>({
        {"example.com", ""},
        {"%{p}.x.com", "p"},
        {"%{P}.x.com", "p"},
        {"%{ir}.%{v}._spf.%{d2}", "idv"},
        {"%{d12}.%{l3}.x.com", "dl"},
        {"%{d99999999999999999999}", "d"},
        {"%%%_%-.x.com", ""},
        {"%{s}%{l}%{o}%{d}%{i}%{p}%{h}%{v}", "slodiphv"},
    }));
    CAPTURE(text);
    const auto checked = checkDomainSpec(text);
    REQUIRE(checked.ok());
    for (char letter = 'a'; letter <= 'z'; ++letter) {
        CAPTURE(letter);
        CHECK(checked->uses(letter) == (letters.find(letter) != std::string::npos));
    }
}

TEST_CASE("spf_macro: merged usage keeps every letter") {
    MacroUsage usage;
    usage.add('D');
    MacroUsage other;
    other.add('p');
    usage.merge(other);
    CHECK(usage.uses('d'));
    CHECK(usage.uses('P'));
    CHECK_FALSE(usage.uses('l'));
    CHECK_FALSE(usage.uses('%'));
}

TEST_CASE("spf_macro: unknown-modifier values are any macro-string") {
    const auto [text, ok] = GENERATE(table<std::string, bool>({
        {"", true},
        {"pass", true},
        {"+", true},
        {"man:dog/cat", true},
        {"%{c}%{r}%{t}", true},  // never expanded, so every letter is fine
        {"%{d}.", true},         // no domain-end rule
        {"%abc", false},
        {"a b", false},
        {"%{q}", false},
        {"\x96", false},
    }));
    CAPTURE(text);
    CHECK(checkModifierValue(text).ok() == ok);
}

TEST_CASE("spf_macro: explanation text allows spaces and every macro letter") {
    const auto [text, ok] = GENERATE(table<std::string, bool>({
        {"This is a test.", true},
        {"Connections from %{c} not authorized.", true},
        {"%{c} is queried as %{ir}.%{v}.arpa", true},
        {"http://example.com/why.html?l=%{L}", true},
        {"%{r} %{t} %{c} %{p}", true},
        {"Congratulations!  That was tricky.", true},
        {"", true},
        {"The %{x}-files.", false},
        {"\xEF\xBB\xBF" "Explanation", false},
        {"tab\there", false},
        {"100% sure", false},
        {"line\r\nbreak", false},
    }));
    CAPTURE(text);
    CHECK(checkExplanation(text).ok() == ok);
}
