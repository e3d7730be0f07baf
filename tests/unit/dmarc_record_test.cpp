// Unit tests for lib/core/dmarc_record: which TXT strings are DMARC records, every tag and
// every invalid value, whitespace/case/order/duplicate variants, reporting URIs, the work
// caps for hostile records, usablePolicy() in both modes, and every record shown in RFC
// 9989 (draft -41) Appendix B.2/B.3.
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cstddef>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "core/dmarc_record.h"

using dmarc::core::AlignmentMode;
using dmarc::core::describe;
using dmarc::core::DmarcMode;
using dmarc::core::DmarcRecord;
using dmarc::core::parseDmarcRecord;
using dmarc::core::Policy;
using dmarc::core::PsdFlag;
using dmarc::core::RecordError;
using dmarc::core::TagProblem;
using dmarc::core::toString;
using dmarc::core::UnusableReason;
using dmarc::core::usablePolicy;

namespace Catch {
template <>
struct StringMaker<Policy> {
    static std::string convert(Policy value) { return std::string(toString(value)); }
};
template <>
struct StringMaker<std::optional<Policy>> {
    static std::string convert(const std::optional<Policy>& value) {
        return value ? std::string(toString(*value)) : "(absent)";
    }
};
template <>
struct StringMaker<AlignmentMode> {
    static std::string convert(AlignmentMode value) { return std::string(toString(value)); }
};
template <>
struct StringMaker<PsdFlag> {
    static std::string convert(PsdFlag value) {
        return value == PsdFlag::Yes ? "y" : value == PsdFlag::No ? "n" : "u";
    }
};
template <>
struct StringMaker<RecordError> {
    static std::string convert(RecordError value) { return std::string(describe(value)); }
};
template <>
struct StringMaker<UnusableReason> {
    static std::string convert(UnusableReason value) { return std::string(describe(value)); }
};
}  // namespace Catch

namespace {

using Uris = std::vector<std::string>;

DmarcRecord parsed(const std::string& text) {
    INFO("record: " << text);
    auto result = parseDmarcRecord(text);
    REQUIRE(result.ok());
    return std::move(result).value();
}

std::string problemTags(const DmarcRecord& record) {
    std::string out;
    for (const TagProblem& problem : record.problems) out += problem.tag + " ";
    return out;
}

// Every field but the problems, so two records can be compared and a failure shows how.
std::string fields(const DmarcRecord& record) {
    std::ostringstream out;
    const auto policy = [](const std::optional<Policy>& p) {
        return p ? std::string(toString(*p)) : std::string("-");
    };
    out << "p=" << policy(record.p) << (record.pInvalid ? "!" : "") << " sp=" << policy(record.sp)
        << (record.spInvalid ? "!" : "") << " np=" << policy(record.np)
        << (record.npInvalid ? "!" : "") << " adkim=" << toString(record.adkim)
        << " aspf=" << toString(record.aspf)
        << " psd=" << Catch::StringMaker<PsdFlag>::convert(record.psd)
        << " t=" << record.testing << " fo=" << record.fo << " pct=" << record.pct
        << " rf=" << record.rf << " ri=" << record.ri << " rua=";
    for (const auto& uri : record.rua) out << uri << ",";
    out << " ruf=";
    for (const auto& uri : record.ruf) out << uri << ",";
    return out.str();
}

std::string summary(const DmarcRecord& record) {
    std::string out = fields(record) + " problems=";
    for (const auto& problem : record.problems) out += problem.tag + ":" + problem.value + ",";
    return out;
}

// What a full-record row expects; defaults are the record defaults with no problems.
struct Expect {
    std::optional<Policy> p{};
    std::optional<Policy> sp{};
    std::optional<Policy> np{};
    AlignmentMode adkim = AlignmentMode::Relaxed;
    AlignmentMode aspf = AlignmentMode::Relaxed;
    PsdFlag psd = PsdFlag::Unknown;
    bool testing = false;
    std::string fo = "0";
    Uris rua{};
    Uris ruf{};
    int pct = 100;
    std::string rf = "afrf";
    unsigned long ri = 86400;
    std::vector<std::string> problemTags{};
};

void checkRecord(const std::string& text, const Expect& expect) {
    const DmarcRecord record = parsed(text);
    INFO("record: " << text);
    INFO("parsed: " << summary(record));
    CHECK(record.p == expect.p);
    CHECK(record.sp == expect.sp);
    CHECK(record.np == expect.np);
    CHECK(record.adkim == expect.adkim);
    CHECK(record.aspf == expect.aspf);
    CHECK(record.psd == expect.psd);
    CHECK(record.testing == expect.testing);
    CHECK(record.fo == expect.fo);
    CHECK(record.rua == expect.rua);
    CHECK(record.ruf == expect.ruf);
    CHECK(record.pct == expect.pct);
    CHECK(record.rf == expect.rf);
    CHECK(record.ri == expect.ri);
    std::vector<std::string> tags;
    for (const TagProblem& problem : record.problems) tags.push_back(problem.tag);
    CHECK(tags == expect.problemTags);
}

}  // namespace

// ---- is it a DMARC record at all? -------------------------------------------------------

TEST_CASE("Texts that are not DMARC records are rejected with the right RecordError") {
    const auto [text, error] = GENERATE(table<std::string, RecordError>({
        {"", RecordError::Empty},
        {"   ", RecordError::Empty},
        {"\t \t", RecordError::Empty},
        // §4.7: v must be the first tag.
        {"p=reject; v=DMARC1", RecordError::NoVersionTag},
        {"; v=DMARC1; p=reject", RecordError::NoVersionTag},
        {"DMARC1; p=reject", RecordError::NoVersionTag},
        {"v DMARC1; p=reject", RecordError::NoVersionTag},
        {"ver=DMARC1; p=reject", RecordError::NoVersionTag},
        {"vv=DMARC1", RecordError::NoVersionTag},
        {"=DMARC1; p=reject", RecordError::NoVersionTag},
        {"\"v=DMARC1; p=reject\"", RecordError::NoVersionTag},  // zone-file quotes kept
        {"google-site-verification=abc123", RecordError::NoVersionTag},
        {"v=spf1 -all", RecordError::WrongVersion},
        // The version value is case-sensitive (%s"DMARC1").
        {"v=dmarc1", RecordError::WrongVersion},
        {"v=Dmarc1; p=reject", RecordError::WrongVersion},
        {"v=DMARC2; p=reject", RecordError::WrongVersion},
        {"v=DMARC10; p=reject", RecordError::WrongVersion},
        {"v=DMARC1.0; p=reject", RecordError::WrongVersion},
        {"v=DMARC 1; p=reject", RecordError::WrongVersion},
        {"v=\"DMARC1\"; p=reject", RecordError::WrongVersion},
        {"v=; p=reject", RecordError::WrongVersion},
        {"v=", RecordError::WrongVersion},
        {"v=DMARC", RecordError::WrongVersion},
        {std::string("v=DMARC1\0; p=reject", 19), RecordError::WrongVersion},
        {"v=DMARC1\r\n; p=reject", RecordError::WrongVersion},
        // The right version with the ';' forgotten: the first tag is not v=DMARC1 either.
        {"v=DMARC1p=reject", RecordError::Malformed},
        {"v=DMARC1 p=reject", RecordError::Malformed},
        {"v=DMARC1\tp=reject;", RecordError::Malformed},
        {"v=DMARC1,p=reject", RecordError::Malformed},
        {"v=DMARC1 rua=mailto:a@example.com", RecordError::Malformed},
        {"v=DMARC1 reject", RecordError::Malformed},
        {"v=DMARC1\tnone;", RecordError::Malformed},
        {"v=DMARC1,", RecordError::Malformed},
    }));
    CAPTURE(text);
    const auto result = parseDmarcRecord(text);
    REQUIRE_FALSE(result.ok());
    CHECK(result.error() == error);
}

TEST_CASE("Version tag spellings that are accepted") {
    const auto [text, p] = GENERATE(table<std::string, std::optional<Policy>>({
        {"v=DMARC1", std::nullopt},
        {"v=DMARC1;", std::nullopt},
        {"v=DMARC1; ", std::nullopt},
        {"v=DMARC1;;;", std::nullopt},
        {"v=DMARC1;p=reject", Policy::Reject},
        {"v=DMARC1; p=reject", Policy::Reject},
        {"v=DMARC1; p=reject;", Policy::Reject},
        {"v=DMARC1 ; p = reject ;", Policy::Reject},
        {"v = DMARC1 ; p = reject", Policy::Reject},
        {"v\t=\tDMARC1\t;\tp\t=\treject\t;\t", Policy::Reject},
        {"V=DMARC1; p=reject", Policy::Reject},  // tag names are case-insensitive
        {"  v=DMARC1; p=reject  ", Policy::Reject},
        {"v=DMARC1;;; p=reject;;", Policy::Reject},
        {"v=DMARC1; ; p=reject ; ;", Policy::Reject},
    }));
    CAPTURE(text);
    const DmarcRecord record = parsed(text);
    CHECK(record.p == p);
    CHECK_FALSE(record.pInvalid);
    CHECK(record.problems.empty());
}

TEST_CASE("A bare v=DMARC1 record has every default and no problems") {
    checkRecord("v=DMARC1", Expect{});
}

// ---- p, sp, np ---------------------------------------------------------------------------

namespace {

// The three policy tags, for loops that must treat each alike.
struct PolicyTag {
    std::string name;
    std::string upperCase;
    std::optional<Policy> DmarcRecord::*policy;
    bool DmarcRecord::*invalid;
};

const std::array<PolicyTag, 3> kPolicyTags{{
    {"p", "P", &DmarcRecord::p, &DmarcRecord::pInvalid},
    {"sp", "SP", &DmarcRecord::sp, &DmarcRecord::spInvalid},
    {"np", "NP", &DmarcRecord::np, &DmarcRecord::npInvalid},
}};

}  // namespace

TEST_CASE("Policy tags p, sp and np accept none, quarantine, reject in any case") {
    const auto [value, policy] = GENERATE(table<std::string, Policy>({
        {"none", Policy::None},
        {"quarantine", Policy::Quarantine},
        {"reject", Policy::Reject},
        {"NONE", Policy::None},
        {"Quarantine", Policy::Quarantine},
        {"ReJeCt", Policy::Reject},
    }));
    for (const PolicyTag& tag : kPolicyTags) {
        for (const std::string& spelling : {tag.name, tag.upperCase}) {
            const std::string text = "v=DMARC1; " + spelling + "=" + value;
            CAPTURE(text);
            const DmarcRecord record = parsed(text);
            for (const PolicyTag& other : kPolicyTags) {
                CHECK(record.*other.policy == (other.name == tag.name ? std::optional(policy) : std::nullopt));
                CHECK_FALSE(record.*other.invalid);
            }
            CHECK(record.problems.empty());
        }
    }
}

TEST_CASE("Invalid p, sp and np values set the invalid flag and name the problem") {
    const std::string value = GENERATE(as<std::string>{}, "", "rejected", "reject,quarantine",
                                       "re ject", "\"reject\"", "0", "1", "yes", "q", "nothing",
                                       "reject\r", "r\xC3\xA9ject", "quarantine:reject");
    for (const PolicyTag& tag : kPolicyTags) {
        const std::string text = "v=DMARC1; " + tag.name + "=" + value + "; adkim=s";
        CAPTURE(text);
        const DmarcRecord record = parsed(text);
        for (const PolicyTag& other : kPolicyTags) {
            CHECK(record.*other.policy == std::nullopt);
            CHECK(record.*other.invalid == (other.name == tag.name));
        }
        CHECK(record.adkim == AlignmentMode::Strict);  // the rest of the record still counts
        REQUIRE(record.problems.size() == 1);
        CHECK(record.problems[0].tag == tag.name);
        CHECK(record.problems[0].value == value);
        CHECK_FALSE(record.problems[0].why.empty());
    }
}

TEST_CASE("A problem names the tag lower-cased and the value as published") {
    const DmarcRecord record = parsed("v=DMARC1; SP=Bogus");
    REQUIRE(record.problems.size() == 1);
    CHECK(record.problems[0].tag == "sp");
    CHECK(record.problems[0].value == "Bogus");
    CHECK(record.problems[0].why == "not one of none, quarantine, reject");
    CHECK(record.spInvalid);
}

// ---- adkim, aspf, psd, t ---------------------------------------------------------------

TEST_CASE("adkim and aspf take r or s in any case, anything else keeps relaxed") {
    const auto [value, mode, valid] = GENERATE(table<std::string, AlignmentMode, bool>({
        {"r", AlignmentMode::Relaxed, true},
        {"s", AlignmentMode::Strict, true},
        {"R", AlignmentMode::Relaxed, true},
        {"S", AlignmentMode::Strict, true},
        {"relaxed", AlignmentMode::Relaxed, false},
        {"strict", AlignmentMode::Relaxed, false},
        {"", AlignmentMode::Relaxed, false},
        {"x", AlignmentMode::Relaxed, false},
        {"rs", AlignmentMode::Relaxed, false},
        {"s s", AlignmentMode::Relaxed, false},
        {"s:r", AlignmentMode::Relaxed, false},
    }));
    using Slot = AlignmentMode DmarcRecord::*;
    const auto [tag, slot, otherSlot] = GENERATE(table<std::string, Slot, Slot>({
        {"adkim", &DmarcRecord::adkim, &DmarcRecord::aspf},
        {"aspf", &DmarcRecord::aspf, &DmarcRecord::adkim},
    }));
    const std::string text = "v=DMARC1; p=none; " + tag + "=" + value;
    CAPTURE(text);
    const DmarcRecord record = parsed(text);
    CHECK(record.*slot == mode);
    CHECK(record.*otherSlot == AlignmentMode::Relaxed);
    CHECK(problemTags(record) == (valid ? "" : tag + " "));
}

TEST_CASE("psd takes y, n or u, anything else keeps u") {
    const auto [value, flag, valid] = GENERATE(table<std::string, PsdFlag, bool>({
        {"y", PsdFlag::Yes, true},
        {"n", PsdFlag::No, true},
        {"u", PsdFlag::Unknown, true},
        {"Y", PsdFlag::Yes, true},
        {"N", PsdFlag::No, true},
        {"U", PsdFlag::Unknown, true},
        {"yes", PsdFlag::Unknown, false},
        {"no", PsdFlag::Unknown, false},
        {"", PsdFlag::Unknown, false},
        {"1", PsdFlag::Unknown, false},
        {"true", PsdFlag::Unknown, false},
        {"y n", PsdFlag::Unknown, false},
    }));
    const std::string text = "v=DMARC1; psd=" + value;
    CAPTURE(text);
    const DmarcRecord record = parsed(text);
    CHECK(record.psd == flag);
    CHECK(problemTags(record) == (valid ? "" : "psd "));
}

TEST_CASE("t takes y or n, anything else keeps n") {
    const auto [value, testing, valid] = GENERATE(table<std::string, bool, bool>({
        {"y", true, true},
        {"n", false, true},
        {"Y", true, true},
        {"N", false, true},
        {"yes", false, false},
        {"u", false, false},
        {"", false, false},
        {"1", false, false},
        {"true", false, false},
    }));
    const std::string text = "v=DMARC1; p=reject; t=" + value;
    CAPTURE(text);
    const DmarcRecord record = parsed(text);
    CHECK(record.testing == testing);
    CHECK(problemTags(record) == (valid ? "" : "t "));
}

// ---- fo ------------------------------------------------------------------------------------

TEST_CASE("fo follows the dmarc-fo ABNF and is stored normalised") {
    const auto [value, fo, valid] = GENERATE(table<std::string, std::string, bool>({
        {"0", "0", true},
        {"1", "1", true},
        {"d", "d", true},
        {"s", "s", true},
        {"D", "d", true},
        {"S", "s", true},
        {"0:d", "0:d", true},
        {"d:0", "d:0", true},
        {"1:d:s", "1:d:s", true},
        {"s:d:1", "s:d:1", true},
        {"d:1:s", "d:1:s", true},
        {"d:s", "d:s", true},
        {"1:S:D", "1:s:d", true},
        {"0 : d", "0:d", true},  // RFC 7489's ABNF allowed WSP around ':'
        // 0 and 1 are mutually exclusive; d and s at most once (RFC 9989 §4.8).
        {"0:1", "0", false},
        {"1:0", "0", false},
        {"d:d", "0", false},
        {"s:1:s", "0", false},
        {"0:0", "0", false},
        {"", "0", false},
        {"2", "0", false},
        {"a", "0", false},
        {"0:", "0", false},
        {":0", "0", false},
        {"0::d", "0", false},
        {"01", "0", false},
        {"0,d", "0", false},
        {"dd", "0", false},
        {"0 d", "0", false},
    }));
    const std::string text = "v=DMARC1; p=none; ruf=mailto:f@example.com; fo=" + value;
    CAPTURE(text);
    const DmarcRecord record = parsed(text);
    CHECK(record.fo == fo);
    CHECK(problemTags(record) == (valid ? "" : "fo "));
}

// ---- rua, ruf ------------------------------------------------------------------------------

TEST_CASE("Reporting URI lists keep only valid URIs, in order") {
    const auto [value, uris, problems] = GENERATE(table<std::string, Uris, std::size_t>({
        {"mailto:dmarc@example.com", {"mailto:dmarc@example.com"}, 0},
        {"mailto:dmarc@example.com?subject=DMARC%20report",
         {"mailto:dmarc@example.com?subject=DMARC%20report"}, 0},
        {"mailto:dmarc@example.com?subject=x&body=y", {"mailto:dmarc@example.com?subject=x&body=y"}, 0},
        {"MAILTO:dmarc@example.com", {"mailto:dmarc@example.com"}, 0},  // scheme lower-cased
        {"mailto:Dmarc@EXAMPLE.com", {"mailto:Dmarc@EXAMPLE.com"}, 0},
        {"mailto:first.last+dmarc@example.com", {"mailto:first.last+dmarc@example.com"}, 0},
        {"mailto:%22john%20doe%22@example.com", {"mailto:%22john%20doe%22@example.com"}, 0},
        {"mailto:rua%21x@example.com", {"mailto:rua%21x@example.com"}, 0},  // encoded '!'
        {"mailto:dmarc@xn--bcher-kva.example", {"mailto:dmarc@xn--bcher-kva.example"}, 0},
        {"mailto:a@example.com%2Cb@example.net", {"mailto:a@example.com%2Cb@example.net"}, 0},
        // obs-dmarc-report-size is accepted and dropped.
        {"mailto:dmarc@example.com!10m", {"mailto:dmarc@example.com"}, 0},
        {"mailto:dmarc@example.com!10", {"mailto:dmarc@example.com"}, 0},
        {"mailto:dmarc@example.com!5K", {"mailto:dmarc@example.com"}, 0},
        {"mailto:dmarc@example.com!1g", {"mailto:dmarc@example.com"}, 0},
        {"mailto:dmarc@example.com!2t", {"mailto:dmarc@example.com"}, 0},
        {"https://reports.example.com/dmarc", {"https://reports.example.com/dmarc"}, 0},
        {"HTTPS://Reports.Example.com/dmarc", {"https://Reports.Example.com/dmarc"}, 0},
        {"https://reports.example.com/dmarc?a=1%2C2", {"https://reports.example.com/dmarc?a=1%2C2"}, 0},
        {"https://reports.example.com:8443/x", {"https://reports.example.com:8443/x"}, 0},
        {"https://user:pw@reports.example.com/x", {"https://user:pw@reports.example.com/x"}, 0},
        {"https://reports.example.com", {"https://reports.example.com"}, 0},
        {"http://[2001:db8::1]/dmarc", {"http://[2001:db8::1]/dmarc"}, 0},
        {"http://[2001:db8::1]:8080/dmarc", {"http://[2001:db8::1]:8080/dmarc"}, 0},
        {"https://reports.example.com/x#part", {"https://reports.example.com/x#part"}, 0},
        {"ftp://reports.example.com/dmarc", {"ftp://reports.example.com/dmarc"}, 0},  // any scheme
        {"mailto:a@example.com,mailto:b@example.net", {"mailto:a@example.com", "mailto:b@example.net"}, 0},
        {"mailto:a@example.com , mailto:b@example.net",
         {"mailto:a@example.com", "mailto:b@example.net"}, 0},
        {"mailto:a@example.com!10m,\thttps://r.example.net/x",
         {"mailto:a@example.com", "https://r.example.net/x"}, 0},
        // Invalid entries are problems; the valid ones stay.
        {"dmarc@example.com", {}, 1},  // a bare address has no scheme
        {"dmarc@example.com, mailto:ok@example.com", {"mailto:ok@example.com"}, 1},
        {"mailto:a@example.com,,mailto:b@example.com", {"mailto:a@example.com", "mailto:b@example.com"}, 1},
        {"mailto:a@example.com,", {"mailto:a@example.com"}, 1},
        {"", {}, 1},
        {"mailto:", {}, 1},
        {"mailto:?subject=x", {}, 1},
        {"mailto:@example.com", {}, 1},
        {"mailto:dmarc@", {}, 1},
        {"mailto:dmarc", {}, 1},
        {"mailto:dmarc@exa_mple.com", {}, 1},
        {"mailto:dmarc@-bad.example", {}, 1},
        {"mailto:dmarc@example..com", {}, 1},
        {"mailto:dmarc@[192.0.2.1]", {}, 1},
        {"mailto:dm arc@example.com", {}, 1},
        {"mailto:%20dmarc@example.com", {}, 1},
        {"mailto:a..b@example.com", {}, 1},
        {"mailto:.a@example.com", {}, 1},
        {"mailto:a.@example.com", {}, 1},
        {"mailto:dmarc@example.com%2C", {}, 1},
        {"mailto:dmarc@example.com%2Cbad", {}, 1},
        {"mailto:dmarc@example.com#frag", {}, 1},
        {"mailto://dmarc@example.com", {}, 1},
        {"mailto:dmarc@example.com!", {}, 1},
        {"mailto:dmarc@example.com!10x", {}, 1},
        {"mailto:dmarc@example.com!m", {}, 1},
        {"mailto:dmarc@example.com!10m!10m", {}, 1},
        {"mailto:dm!arc@example.com", {}, 1},
        {"mailto:dmarc@example.com\xC3\xA9", {}, 1},
        {"mailto:dmarc<dmarc@example.com>", {}, 1},
        {"https:", {}, 1},
        {"https:/path", {}, 1},
        {"https:///path", {}, 1},
        {"https://exa mple.com/", {}, 1},
        {"https://example.com:80a/", {}, 1},
        {"https://example.com/%zz", {}, 1},
        {"https://example.com/%2", {}, 1},
        {"https://example.com/a\"b", {}, 1},
        {"https://example.com/a#b#c", {}, 1},
        {"https://[2001:db8::1/x", {}, 1},
        {"https://[]/x", {}, 1},
        {"https://a@b@example.com/", {}, 1},
        {"1http://example.com", {}, 1},
        {":dmarc@example.com", {}, 1},
        {"mail to:dmarc@example.com", {}, 1},
        {"<mailto:dmarc@example.com>", {}, 1},
    }));
    using Slot = Uris DmarcRecord::*;
    const auto [tag, slot, otherSlot] = GENERATE(table<std::string, Slot, Slot>({
        {"rua", &DmarcRecord::rua, &DmarcRecord::ruf},
        {"ruf", &DmarcRecord::ruf, &DmarcRecord::rua},
    }));
    const std::string text = "v=DMARC1; p=none; " + tag + "=" + value;
    CAPTURE(text);
    const DmarcRecord record = parsed(text);
    CHECK(record.*slot == uris);
    CHECK((record.*otherSlot).empty());
    CHECK(record.problems.size() == problems);
    for (const TagProblem& problem : record.problems) {
        CHECK(problem.tag == tag);
        CHECK_FALSE(problem.why.empty());
    }
}

TEST_CASE("A reporting URI problem names the bad entry and why") {
    const DmarcRecord record = parsed("v=DMARC1; rua=mailto:ok@example.com, dmarc@example.com");
    REQUIRE(record.problems.size() == 1);
    CHECK(record.problems[0].tag == "rua");
    CHECK(record.problems[0].value == "dmarc@example.com");
    CHECK(record.problems[0].why == "no URI scheme");
    CHECK(record.rua == Uris{"mailto:ok@example.com"});
}

// ---- pct, rf, ri (RFC 7489 §6.3) -------------------------------------------------------------

TEST_CASE("pct is an integer from 0 to 100, else 100 and a problem") {
    const auto [value, pct, valid] = GENERATE(table<std::string, int, bool>({
        {"0", 0, true},
        {"1", 1, true},
        {"25", 25, true},
        {"100", 100, true},
        {"050", 50, true},
        {"007", 7, true},
        {"101", 100, false},
        {"200", 100, false},
        {"-1", 100, false},
        {"+5", 100, false},
        {"", 100, false},
        {"50%", 100, false},
        {"5 0", 100, false},
        {"1e2", 100, false},
        {"0x10", 100, false},
        {"50.5", 100, false},
        {"abc", 100, false},
        {"99999999999999999999999999999", 100, false},
    }));
    const std::string text = "v=DMARC1; p=quarantine; pct=" + value;
    CAPTURE(text);
    const DmarcRecord record = parsed(text);
    CHECK(record.pct == pct);
    CHECK(problemTags(record) == (valid ? "" : "pct "));
}

TEST_CASE("ri is an unsigned 32-bit number, else 86400 and a problem") {
    const auto [value, ri, valid] = GENERATE(table<std::string, unsigned long, bool>({
        {"0", 0, true},
        {"3600", 3600, true},
        {"86400", 86400, true},
        {"604800", 604800, true},
        {"4294967295", 4294967295ul, true},
        {"4294967296", 86400, false},
        {"18446744073709551617", 86400, false},
        {"-1", 86400, false},
        {"", 86400, false},
        {"1h", 86400, false},
        {"3600s", 86400, false},
        {"36 00", 86400, false},
    }));
    const std::string text = "v=DMARC1; p=none; ri=" + value;
    CAPTURE(text);
    const DmarcRecord record = parsed(text);
    CHECK(record.ri == ri);
    CHECK(problemTags(record) == (valid ? "" : "ri "));
}

TEST_CASE("rf keeps the known report formats, lower-cased") {
    const auto [value, rf, valid] = GENERATE(table<std::string, std::string, bool>({
        {"afrf", "afrf", true},
        {"iodef", "iodef", true},
        {"AFRF", "afrf", true},
        {"afrf:iodef", "afrf:iodef", true},
        {"iodef : afrf", "iodef:afrf", true},
        {"arf", "afrf", false},
        {"afrf:xml", "afrf", false},
        {"iodef:foo", "iodef", false},
        {"", "afrf", false},
        {"afrf:", "afrf", false},
        {"afrf,iodef", "afrf", false},
    }));
    const std::string text = "v=DMARC1; p=none; rf=" + value;
    CAPTURE(text);
    const DmarcRecord record = parsed(text);
    CHECK(record.rf == rf);
    CHECK(problemTags(record) == (valid ? "" : "rf "));
}

// ---- whole records: every tag, case, order, duplicates, malformed segments ------------------

TEST_CASE("Every tag at once, in odd case and spacing") {
    checkRecord(
        "V = DMARC1 ;P=Quarantine;\tSP = reject ; NP=None; ADKIM=s; Aspf = S; PSD=n; T=y; "
        "FO=1:d; RUA=mailto:agg@example.com, mailto:agg2@example.net!50m; "
        "Ruf = mailto:fail@example.com; PCT=20; RF=iodef; RI=3600 ;",
        Expect{.p = Policy::Quarantine,
               .sp = Policy::Reject,
               .np = Policy::None,
               .adkim = AlignmentMode::Strict,
               .aspf = AlignmentMode::Strict,
               .psd = PsdFlag::No,
               .testing = true,
               .fo = "1:d",
               .rua = {"mailto:agg@example.com", "mailto:agg2@example.net"},
               .ruf = {"mailto:fail@example.com"},
               .pct = 20,
               .rf = "iodef",
               .ri = 3600});
}

TEST_CASE("Tag order after v does not matter") {
    std::vector<std::string> tags{"p=reject", "sp=none", "adkim=s", "rua=mailto:a@example.com",
                                  "pct=50"};
    std::sort(tags.begin(), tags.end());
    const std::string reference = summary(parsed("v=DMARC1; p=reject; sp=none; adkim=s; "
                                                 "rua=mailto:a@example.com; pct=50"));
    std::size_t orders = 0;
    do {
        std::string text = "v=DMARC1";
        for (const auto& tag : tags) text += "; " + tag;
        CAPTURE(text);
        CHECK(summary(parsed(text)) == reference);
        ++orders;
    } while (std::next_permutation(tags.begin(), tags.end()));
    CHECK(orders == 120);
}

TEST_CASE("A duplicated known tag keeps the first occurrence and is a problem") {
    const auto [first, second] = GENERATE(table<std::string, std::string>({
        {"p=reject", "p=none"},
        {"p=reject", "P=none"},
        {"sp=reject", "sp=none"},
        {"np=reject", "np=none"},
        {"adkim=s", "adkim=r"},
        {"aspf=s", "aspf=r"},
        {"psd=y", "psd=n"},
        {"t=y", "t=n"},
        {"fo=1", "fo=0"},
        {"rua=mailto:a@example.com", "rua=mailto:b@example.com"},
        {"ruf=mailto:a@example.com", "ruf=mailto:b@example.com"},
        {"pct=10", "pct=90"},
        {"rf=iodef", "rf=afrf"},
        {"ri=60", "ri=120"},
    }));
    const std::string tag = first.substr(0, first.find('='));
    const std::string text = "v=DMARC1; " + first + "; " + second;
    CAPTURE(text);
    const DmarcRecord record = parsed(text);
    CHECK(fields(record) == fields(parsed("v=DMARC1; " + first)));
    CHECK(fields(record) != fields(parsed("v=DMARC1; " + second)));
    REQUIRE(record.problems.size() == 1);
    CHECK(record.problems[0].tag == tag);
    CHECK(record.problems[0].why == "duplicate tag; the first one counts");
}

TEST_CASE("Duplicates: an invalid first p still wins, a repeated v is a problem") {
    checkRecord("v=DMARC1; p=bogus; p=reject", Expect{.problemTags = {"p", "p"}});
    CHECK(parsed("v=DMARC1; p=bogus; p=reject").pInvalid);
    checkRecord("v=DMARC1; v=DMARC1; p=reject", Expect{.p = Policy::Reject, .problemTags = {"v"}});
    checkRecord("v=DMARC1; p=reject; V=DMARC2", Expect{.p = Policy::Reject, .problemTags = {"v"}});
    // An unknown tag repeated is still just ignored.
    checkRecord("v=DMARC1; p=none; x=1; x=2", Expect{.p = Policy::None});
}

TEST_CASE("Unknown tags are ignored without a problem") {
    checkRecord("v=DMARC1; p=reject; foo=bar; xyz=1; future=a,b:c; aaa=\x01\xff",
                Expect{.p = Policy::Reject});
    // Tags RFC 9989 removed are still parsed (RFC 7489 mode reads them), and tags from
    // other TXT syntaxes are unknown here.
    checkRecord("v=DMARC1; p=reject; k=rsa; h=sha256; s=email", Expect{.p = Policy::Reject});
}

TEST_CASE("Malformed segments are problems and the rest of the record stays") {
    const auto [segment, tag] = GENERATE(table<std::string, std::string>({
        {"p reject", "p reject"},
        {"reject", "reject"},
        {"Rua", "rua"},
        {"=reject", "(none)"},
        {" = reject", "(none)"},
        {"p-x=reject", "p-x"},
        {"p1=reject", "p1"},
        {"x_y=1", "x_y"},
        {"\"p\"=reject", "\"p\""},
    }));
    const std::string text = "v=DMARC1; sp=none; " + segment + "; adkim=s";
    CAPTURE(text);
    const DmarcRecord record = parsed(text);
    CHECK(record.sp == Policy::None);
    CHECK(record.adkim == AlignmentMode::Strict);
    CHECK(record.p == std::nullopt);
    CHECK_FALSE(record.pInvalid);
    REQUIRE(record.problems.size() == 1);
    CHECK(record.problems[0].tag == tag);
    CHECK_FALSE(record.problems[0].why.empty());
}

// ---- hostile sizes: linear work, bounded memory ----------------------------------------------

TEST_CASE("Problems are capped and long texts are clipped") {
    std::string text = "v=DMARC1; p=reject";
    for (int i = 0; i < 5000; ++i) text += "; junk";
    text += "; sp=quarantine";
    const DmarcRecord record = parsed(text);
    CHECK(record.p == Policy::Reject);
    CHECK(record.sp == Policy::Quarantine);  // tags after the junk still count
    CHECK(record.problems.size() == 32);

    const DmarcRecord longValue = parsed("v=DMARC1; p=" + std::string(5000, 'a'));
    REQUIRE(longValue.problems.size() == 1);
    CHECK(longValue.problems[0].value == std::string(64, 'a') + "...");
    CHECK(longValue.pInvalid);

    const DmarcRecord longName = parsed("v=DMARC1; " + std::string(5000, 'X'));
    REQUIRE(longName.problems.size() == 1);
    CHECK(longName.problems[0].tag == std::string(64, 'x') + "...");
}

TEST_CASE("A reporting URI list stops after 32 entries") {
    std::string list;
    for (int i = 0; i < 1000; ++i) list += "mailto:r" + std::to_string(i) + "@example.com,";
    const DmarcRecord record = parsed("v=DMARC1; p=none; rua=" + list + "; ruf=mailto:f@example.com");
    REQUIRE(record.rua.size() == 32);
    CHECK(record.rua.front() == "mailto:r0@example.com");
    CHECK(record.rua.back() == "mailto:r31@example.com");
    CHECK(record.ruf == Uris{"mailto:f@example.com"});
    REQUIRE(record.problems.size() == 1);
    CHECK(record.problems[0].tag == "rua");
    CHECK(record.problems[0].value == "mailto:r32@example.com");
}

TEST_CASE("A 64 KiB record of separators and long values parses") {
    const std::string semicolons = "v=DMARC1" + std::string(65535 - 8, ';');
    checkRecord(semicolons, Expect{});
    const std::string longAddress =
        "v=DMARC1; p=none; rua=mailto:" + std::string(65000, 'a') + "@example.com";
    const DmarcRecord record = parsed(longAddress);
    REQUIRE(record.rua.size() == 1);
    CHECK(record.rua[0].size() == 65000 + 19);
}

// ---- RFC 9989 (draft -41) Appendix B records -----------------------------------------------
// The zone files split the TXT into several strings; §4.5 says they are concatenated.

TEST_CASE("Appendix B.2.1: entire domain, monitoring mode") {
    checkRecord(std::string("v=DMARC1; p=none; ") + "rua=mailto:dmarc-feedback@example.com",
                Expect{.p = Policy::None, .rua = {"mailto:dmarc-feedback@example.com"}});
}

TEST_CASE("Appendix B.2.2: monitoring mode with per-message failure reports") {
    checkRecord(std::string("v=DMARC1; p=none; ") + "rua=mailto:dmarc-feedback@example.com; " +
                    "ruf=mailto:auth-reports@example.com",
                Expect{.p = Policy::None,
                       .rua = {"mailto:dmarc-feedback@example.com"},
                       .ruf = {"mailto:auth-reports@example.com"}});
}

TEST_CASE("Appendix B.2.3: failure reports to a third party, and its authorisation record") {
    checkRecord(std::string("v=DMARC1; p=none; ") + "rua=mailto:dmarc-feedback@example.com; " +
                    "ruf=mailto:auth-reports@thirdparty.example.net",
                Expect{.p = Policy::None,
                       .rua = {"mailto:dmarc-feedback@example.com"},
                       .ruf = {"mailto:auth-reports@thirdparty.example.net"}});
    // example.com._report._dmarc.thirdparty.example.net
    checkRecord("v=DMARC1;", Expect{});
}

TEST_CASE("Appendix B.2.4: third party overriding destination addresses") {
    checkRecord(std::string("v=DMARC1; ") + "rua=mailto:aggregate-reports@thirdparty.example.net; " +
                    "ruf=mailto:failure-reports@thirdparty.example.net",
                Expect{.rua = {"mailto:aggregate-reports@thirdparty.example.net"},
                       .ruf = {"mailto:failure-reports@thirdparty.example.net"}});
}

TEST_CASE("Appendix B.2.5: subdomain, testing, multiple aggregate report URIs") {
    checkRecord(std::string("v=DMARC1; p=quarantine; ") + "rua=mailto:dmarc-feedback@example.com," +
                    "mailto:tld-test@thirdparty.example.net; " + "t=y",
                Expect{.p = Policy::Quarantine,
                       .testing = true,
                       .rua = {"mailto:dmarc-feedback@example.com",
                               "mailto:tld-test@thirdparty.example.net"}});
    // ... and once the testing period is over.
    checkRecord(std::string("v=DMARC1; p=reject; ") + "rua=mailto:dmarc-feedback@example.com," +
                    "mailto:tld-test@thirdparty.example.net",
                Expect{.p = Policy::Reject,
                       .rua = {"mailto:dmarc-feedback@example.com",
                               "mailto:tld-test@thirdparty.example.net"}});
}

TEST_CASE("Appendix B.3.1: the SMTP session example record") {
    checkRecord("v=DMARC1; p=reject; aspf=r; rua=mailto:dmarc-feedback@example.com",
                Expect{.p = Policy::Reject, .rua = {"mailto:dmarc-feedback@example.com"}});
}

TEST_CASE("RFC 7489 Appendix B.2.4: pct and an obsolete size suffix") {
    checkRecord(std::string("v=DMARC1; p=quarantine; ") + "rua=mailto:dmarc-feedback@example.com," +
                    "mailto:tld-test@thirdparty.example.net!10m; " + "pct=25",
                Expect{.p = Policy::Quarantine,
                       .rua = {"mailto:dmarc-feedback@example.com",
                               "mailto:tld-test@thirdparty.example.net"},
                       .pct = 25});
}

// ---- usablePolicy --------------------------------------------------------------------------

namespace {

struct UsableRow {
    std::string record;
    DmarcMode mode;
    std::optional<UnusableReason> error;  // set → no DMARC processing
    Policy p = Policy::None;
    std::optional<Policy> sp;
    std::optional<Policy> np;
};

constexpr DmarcMode k9989 = DmarcMode::Rfc9989;
constexpr DmarcMode k7489 = DmarcMode::Rfc7489;
constexpr auto kInvalid = UnusableReason::InvalidPolicyWithoutRua;
constexpr auto kMissing = UnusableReason::MissingPolicyWithoutRua;
const std::string kRua = "; rua=mailto:rua@example.com";

}  // namespace

TEST_CASE("usablePolicy applies the invalid-policy and missing-policy rules of each mode") {
    const UsableRow row = GENERATE_COPY(values<UsableRow>({
        // Valid policies pass through; np only exists in RFC 9989.
        {"v=DMARC1; p=reject", k9989, {}, Policy::Reject, {}, {}},
        {"v=DMARC1; p=reject", k7489, {}, Policy::Reject, {}, {}},
        {"v=DMARC1; p=quarantine; sp=none; np=reject", k9989, {}, Policy::Quarantine, Policy::None, Policy::Reject},
        {"v=DMARC1; p=quarantine; sp=none; np=reject", k7489, {}, Policy::Quarantine, Policy::None, {}},
        // RFC 9989 §4.7: no p is p=none, sp and np kept; RFC 7489 needs a rua for that.
        {"v=DMARC1", k9989, {}, Policy::None, {}, {}},
        {"v=DMARC1", k7489, kMissing, Policy::None, {}, {}},
        {"v=DMARC1; sp=reject", k9989, {}, Policy::None, Policy::Reject, {}},
        {"v=DMARC1; np=reject", k9989, {}, Policy::None, {}, Policy::Reject},
        {"v=DMARC1; sp=reject", k7489, kMissing, Policy::None, {}, {}},
        {"v=DMARC1; sp=reject" + kRua, k7489, {}, Policy::None, {}, {}},
        {"v=DMARC1" + kRua, k7489, {}, Policy::None, {}, {}},
        // mail-dmarc dmarc-eval-cases.yml psd-y-without-p (rfc9989): result fail, disposition none.
        {"v=DMARC1; psd=y", k9989, {}, Policy::None, {}, {}},
        {"v=DMARC1; psd=y", k7489, kMissing, Policy::None, {}, {}},
        // mail-dmarc invalid-sp-with-rua-treated-as-p-none (both): act as p=none.
        {"v=DMARC1; p=reject; sp=invalid; rua=mailto:rua@example.com", k9989, {}, Policy::None, {}, {}},
        {"v=DMARC1; p=reject; sp=invalid; rua=mailto:rua@example.com", k7489, {}, Policy::None, {}, {}},
        // mail-dmarc invalid-sp-without-rua-no-dmarc (both): no DMARC processing.
        {"v=DMARC1; p=reject; sp=invalid", k9989, kInvalid, Policy::None, {}, {}},
        {"v=DMARC1; p=reject; sp=invalid", k7489, kInvalid, Policy::None, {}, {}},
        // Invalid p.
        {"v=DMARC1; p=bogus", k9989, kInvalid, Policy::None, {}, {}},
        {"v=DMARC1; p=bogus", k7489, kInvalid, Policy::None, {}, {}},
        {"v=DMARC1; p=", k9989, kInvalid, Policy::None, {}, {}},
        {"v=DMARC1; p=bogus; sp=reject; np=reject" + kRua, k9989, {}, Policy::None, {}, {}},
        {"v=DMARC1; p=bogus; sp=reject" + kRua, k7489, {}, Policy::None, {}, {}},
        {"v=DMARC1; sp=bogus", k7489, kInvalid, Policy::None, {}, {}},  // invalid beats missing
        {"v=DMARC1; sp=bogus" + kRua, k9989, {}, Policy::None, {}, {}},
        // Invalid np matters only in RFC 9989 mode.
        {"v=DMARC1; p=reject; np=bogus", k9989, kInvalid, Policy::None, {}, {}},
        {"v=DMARC1; p=reject; np=bogus" + kRua, k9989, {}, Policy::None, {}, {}},
        {"v=DMARC1; p=reject; sp=quarantine; np=bogus", k7489, {}, Policy::Reject, Policy::Quarantine, {}},
        // Only a syntactically valid rua URI counts; ruf does not.
        {"v=DMARC1; p=reject; sp=bogus; rua=dmarc@example.com", k9989, kInvalid, Policy::None, {}, {}},
        {"v=DMARC1; p=reject; sp=bogus; rua=", k7489, kInvalid, Policy::None, {}, {}},
        {"v=DMARC1; p=reject; sp=bogus; rua=dmarc@example.com,mailto:ok@example.com", k9989, {}, Policy::None, {}, {}},
        {"v=DMARC1; p=reject; sp=bogus; rua=https://r.example.com/x", k7489, {}, Policy::None, {}, {}},
        {"v=DMARC1; p=reject; sp=bogus; ruf=mailto:f@example.com", k9989, kInvalid, Policy::None, {}, {}},
        {"v=DMARC1; ruf=mailto:f@example.com", k7489, kMissing, Policy::None, {}, {}},
        // A duplicate is not an invalid value: the first p counts.
        {"v=DMARC1; p=reject; p=bogus", k9989, {}, Policy::Reject, {}, {}},
        {"v=DMARC1; p=reject; p=bogus", k7489, {}, Policy::Reject, {}, {}},
        // Other tags' problems do not affect the policy.
        {"v=DMARC1; p=quarantine; adkim=x; pct=500; fo=9", k7489, {}, Policy::Quarantine, {}, {}},
    }));
    INFO("record: " << row.record << (row.mode == k9989 ? " [RFC 9989]" : " [RFC 7489]"));
    const auto usable = usablePolicy(parsed(row.record), row.mode);
    if (row.error) {
        REQUIRE_FALSE(usable.ok());
        CHECK(usable.error() == *row.error);
    } else {
        REQUIRE(usable.ok());
        CHECK(usable->p == row.p);
        CHECK(usable->sp == row.sp);
        CHECK(usable->np == row.np);
    }
}

// ---- names ---------------------------------------------------------------------------------

TEST_CASE("Every enum value has a distinct, non-empty name") {
    CHECK(toString(Policy::None) == "none");
    CHECK(toString(Policy::Quarantine) == "quarantine");
    CHECK(toString(Policy::Reject) == "reject");
    CHECK(toString(AlignmentMode::Relaxed) == "r");
    CHECK(toString(AlignmentMode::Strict) == "s");
    std::set<std::string_view> recordErrors;
    for (auto error : {RecordError::Empty, RecordError::NoVersionTag, RecordError::WrongVersion,
                       RecordError::Malformed}) {
        CHECK_FALSE(describe(error).empty());
        recordErrors.insert(describe(error));
    }
    CHECK(recordErrors.size() == 4);
    CHECK(describe(UnusableReason::InvalidPolicyWithoutRua) !=
          describe(UnusableReason::MissingPolicyWithoutRua));
    CHECK_FALSE(describe(UnusableReason::InvalidPolicyWithoutRua).empty());
    CHECK_FALSE(describe(UnusableReason::MissingPolicyWithoutRua).empty());
}
