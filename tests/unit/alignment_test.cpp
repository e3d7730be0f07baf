// Unit tests for lib/core/alignment: strict and relaxed identifier alignment in both modes,
// the words given as reasons, which tree walks are made (and which are skipped), DNS errors
// as "unknown", the per-message walk limit, and RFC 9989 §4.4 Table 1 and Appendix B.1.
#include <catch2/catch.hpp>

#include <map>
#include <string>
#include <vector>

#include "core/alignment.h"
#include "support/suffix_list_psl.h"
#include "support/table_resolver.h"

namespace {

using dmarc::core::Alignment;
using dmarc::core::AlignmentChecker;
using dmarc::core::AlignmentMode;
using dmarc::core::DmarcMode;
using dmarc::core::DnsStatus;
using dmarc::core::DomainName;
using dmarc::test::nameOf;
using dmarc::test::SuffixListPsl;
using dmarc::test::TableResolver;

struct Case {
    const char* what;
    const char* author;
    const char* identifier;
    AlignmentMode mode;
    Alignment expected;
    const char* whyContains;
    std::vector<std::string> expectedQueries;  // TXT names, in order
};

// Records used by the RFC 9989 cases below.
void loadFixture(TableResolver& resolver) {
    const TableResolver::TxtTable records{
        {"_dmarc.example.com", {"v=DMARC1; p=reject"}},
        {"_dmarc.mail.example.com", {"v=DMARC1; p=none"}},
        {"_dmarc.split.example.com", {"v=DMARC1; p=none; psd=n"}},
        {"_dmarc.psd.example", {"v=DMARC1; p=none; psd=y"}},
        {"_dmarc.two.example.org", {"v=DMARC1; p=none", "v=DMARC1; p=reject"}},
        {"_dmarc.exumple.com", {"v=DMARC1; p=none"}},
    };
    for (const auto& [name, texts] : records) {
        for (const auto& text : texts) resolver.addTxt(name, text);
    }
    resolver.failTxt("_dmarc.broken.example.net", DnsStatus::ServFail);
    resolver.failTxt("_dmarc.slow.example.com", DnsStatus::Timeout);
}

TEST_CASE("alignment words") {
    CHECK(dmarc::core::toString(Alignment::Strict) == "strict");
    CHECK(dmarc::core::toString(Alignment::Relaxed) == "relaxed");
    CHECK(dmarc::core::toString(Alignment::NotAligned) == "unaligned");
    CHECK(dmarc::core::toString(Alignment::Unknown) == "unknown");
    CHECK(dmarc::core::toString(Alignment::NotEvaluated) == "unevaluated");
    CHECK(dmarc::core::isAligned(Alignment::Strict));
    CHECK(dmarc::core::isAligned(Alignment::Relaxed));
    CHECK_FALSE(dmarc::core::isAligned(Alignment::NotAligned));
    CHECK_FALSE(dmarc::core::isAligned(Alignment::Unknown));
    CHECK_FALSE(dmarc::core::isAligned(Alignment::NotEvaluated));
}

TEST_CASE("RFC 9989 alignment by tree walk, with the walks it needs and no others") {
    const std::vector<Case> cases = {
        {"identical names align strictly without DNS", "mydomain.com", "MyDomain.COM",
         AlignmentMode::Relaxed, Alignment::Strict, "mydomain.com is the author domain", {}},
        {"identical names align in strict mode too", "mail.example.com", "mail.example.com",
         AlignmentMode::Strict, Alignment::Strict, "is the author domain", {}},
        {"strict mode compares strings only", "example.com", "mail.example.com",
         AlignmentMode::Strict, Alignment::NotAligned,
         "mail.example.com is not example.com (strict alignment)", {}},
        {"strict mode: parent of the author is not aligned", "mail.example.com", "example.com",
         AlignmentMode::Strict, Alignment::NotAligned, "(strict alignment)", {}},
        {"no shared top-level domain needs no walk", "mydomain.com", "eu-west-1.amazonses.net",
         AlignmentMode::Relaxed, Alignment::NotAligned,
         "eu-west-1.amazonses.net and mydomain.com share no parent domain", {}},
        {"identifier outside the author's organizational domain: only the author is walked",
         "mydomain.com", "eu-west-1.amazonses.com", AlignmentMode::Relaxed,
         Alignment::NotAligned, "eu-west-1.amazonses.com is not within mydomain.com",
         {"_dmarc.mydomain.com", "_dmarc.com"}},
        {"child identifier of the organizational domain aligns relaxed", "example.com",
         "bounce.example.com", AlignmentMode::Relaxed, Alignment::Relaxed,
         "bounce.example.com and example.com share the organizational domain example.com",
         {"_dmarc.example.com", "_dmarc.com", "_dmarc.bounce.example.com", "_dmarc.example.com",
          "_dmarc.com"}},
        {"parent identifier of a subdomain author aligns relaxed", "news.example.com",
         "example.com", AlignmentMode::Relaxed, Alignment::Relaxed,
         "share the organizational domain example.com",
         {"_dmarc.news.example.com", "_dmarc.example.com", "_dmarc.com", "_dmarc.example.com",
          "_dmarc.com"}},
        {"siblings below the same organizational domain align (RFC 9989 Table 1)",
         "news.example.com", "foo.example.com", AlignmentMode::Relaxed, Alignment::Relaxed,
         "share the organizational domain example.com",
         {"_dmarc.news.example.com", "_dmarc.example.com", "_dmarc.com",
          "_dmarc.foo.example.com", "_dmarc.example.com", "_dmarc.com"}},
        {"records at two levels: the one with the fewest labels is the organizational domain",
         "a.mail.example.com", "mail.example.com", AlignmentMode::Relaxed, Alignment::Relaxed,
         "share the organizational domain example.com",
         {"_dmarc.a.mail.example.com", "_dmarc.mail.example.com", "_dmarc.example.com",
          "_dmarc.com", "_dmarc.mail.example.com", "_dmarc.example.com", "_dmarc.com"}},
        {"psd=n makes a subdomain its own organizational domain", "example.com",
         "x.split.example.com", AlignmentMode::Relaxed, Alignment::NotAligned,
         "x.split.example.com has the organizational domain split.example.com, example.com "
         "has example.com",
         {"_dmarc.example.com", "_dmarc.com", "_dmarc.x.split.example.com",
          "_dmarc.split.example.com"}},
        {"psd=n at the author: an identifier above it is outside", "split.example.com",
         "example.com", AlignmentMode::Relaxed, Alignment::NotAligned,
         "example.com is not within split.example.com", {"_dmarc.split.example.com"}},
        {"psd=y: the organizational domain is one label below the PSD", "a.shop.psd.example",
         "b.shop.psd.example", AlignmentMode::Relaxed, Alignment::Relaxed,
         "share the organizational domain shop.psd.example",
         {"_dmarc.a.shop.psd.example", "_dmarc.shop.psd.example", "_dmarc.psd.example",
          "_dmarc.b.shop.psd.example", "_dmarc.shop.psd.example", "_dmarc.psd.example"}},
        {"psd=y: two registrants below a PSD do not align", "a.shop.psd.example",
         "b.other.psd.example", AlignmentMode::Relaxed, Alignment::NotAligned,
         "b.other.psd.example is not within shop.psd.example",
         {"_dmarc.a.shop.psd.example", "_dmarc.shop.psd.example", "_dmarc.psd.example"}},
        {"no records anywhere: each name is its own organizational domain", "mail.nowhere.com",
         "nowhere.com", AlignmentMode::Relaxed, Alignment::NotAligned,
         "nowhere.com is not within mail.nowhere.com",
         {"_dmarc.mail.nowhere.com", "_dmarc.nowhere.com", "_dmarc.com"}},
        {"several records at one name count as none: each name is its own", "two.example.org",
         "x.two.example.org", AlignmentMode::Relaxed, Alignment::NotAligned,
         "x.two.example.org has the organizational domain x.two.example.org, two.example.org "
         "has two.example.org",
         {"_dmarc.two.example.org", "_dmarc.example.org", "_dmarc.org",
          "_dmarc.x.two.example.org", "_dmarc.two.example.org", "_dmarc.example.org",
          "_dmarc.org"}},
        {"DNS trouble in the author's walk makes a candidate unknown", "x.broken.example.net",
         "y.broken.example.net", AlignmentMode::Relaxed, Alignment::Unknown,
         "organizational domain of x.broken.example.net could not be determined (SERVFAIL at "
         "_dmarc.broken.example.net)",
         {"_dmarc.x.broken.example.net", "_dmarc.broken.example.net", "_dmarc.example.net",
          "_dmarc.net"}},
        {"DNS trouble does not matter when no parent is shared", "x.broken.example.net",
         "mydomain.com", AlignmentMode::Relaxed, Alignment::NotAligned, "share no parent domain",
         {}},
        {"DNS trouble in the identifier's walk makes it unknown", "example.com",
         "a.slow.example.com", AlignmentMode::Relaxed, Alignment::Unknown,
         "organizational domain of a.slow.example.com could not be determined (timeout at "
         "_dmarc.slow.example.com)",
         {"_dmarc.example.com", "_dmarc.com", "_dmarc.a.slow.example.com",
          "_dmarc.slow.example.com", "_dmarc.example.com", "_dmarc.com"}},
        {"lookalike domain does not align", "mail.exumple.com", "example.com",
         AlignmentMode::Relaxed, Alignment::NotAligned, "example.com is not within exumple.com",
         {"_dmarc.mail.exumple.com", "_dmarc.exumple.com", "_dmarc.com"}},
    };
    for (const auto& c : cases) {
        INFO(c.what);
        TableResolver resolver;
    loadFixture(resolver);
        resolver.clearQueries();
        AlignmentChecker checker(nameOf(c.author), DmarcMode::Rfc9989, resolver, nullptr);
        const auto result = checker.check(nameOf(c.identifier), c.mode);
        CHECK(result.alignment == c.expected);
        CHECK_THAT(result.why, Catch::Contains(c.whyContains));
        CHECK(resolver.txtQueries() == c.expectedQueries);
    }
}

TEST_CASE("RFC 9989 alignment reuses walks and discovery's answer") {
    TableResolver resolver;
    loadFixture(resolver);
    SECTION("one walk per distinct identifier") {
        AlignmentChecker checker(nameOf("example.com"), DmarcMode::Rfc9989, resolver, nullptr);
        CHECK(checker.check(nameOf("a.example.com"), AlignmentMode::Relaxed).alignment ==
              Alignment::Relaxed);
        const auto afterFirst = resolver.txtQueries().size();
        CHECK(checker.check(nameOf("a.example.com"), AlignmentMode::Relaxed).alignment ==
              Alignment::Relaxed);
        CHECK(resolver.txtQueries().size() == afterFirst);
    }
    SECTION("an organizational domain known from discovery saves the author's walk") {
        AlignmentChecker checker(
            nameOf("news.example.com"), DmarcMode::Rfc9989, resolver, nullptr,
            dmarc::core::Result<DomainName, std::string>(nameOf("example.com")));
        CHECK(checker.check(nameOf("other.org"), AlignmentMode::Relaxed).alignment ==
              Alignment::NotAligned);
        CHECK(checker.check(nameOf("other.com"), AlignmentMode::Relaxed).why ==
              "other.com is not within example.com");
        CHECK(resolver.txtQueries().empty());
    }
    SECTION("an organizational domain discovery could not determine stays unknown") {
        AlignmentChecker checker(nameOf("news.example.com"), DmarcMode::Rfc9989, resolver, nullptr,
                                 dmarc::core::Result<DomainName, std::string>(
                                     dmarc::core::fail(std::string("SERVFAIL upstream"))));
        const auto result = checker.check(nameOf("example.com"), AlignmentMode::Relaxed);
        CHECK(result.alignment == Alignment::Unknown);
        CHECK(result.why == "SERVFAIL upstream");
        CHECK(checker.check(nameOf("example.net"), AlignmentMode::Relaxed).alignment ==
              Alignment::NotAligned);
        CHECK(resolver.txtQueries().empty());
    }
}

TEST_CASE("RFC 9989 alignment stops walking after the per-message limit") {
    TableResolver resolver;
    loadFixture(resolver);
    AlignmentChecker checker(nameOf("example.com"), DmarcMode::Rfc9989, resolver, nullptr);
    for (std::size_t i = 0; i < dmarc::core::kMaxIdentifierWalks; ++i) {
        INFO("identifier " << i);
        CHECK(checker.check(nameOf("s" + std::to_string(i) + ".example.com"),
                            AlignmentMode::Relaxed)
                  .alignment == Alignment::Relaxed);
    }
    const auto queries = resolver.txtQueries().size();
    const auto capped = checker.check(nameOf("one-too-many.example.com"), AlignmentMode::Relaxed);
    CHECK(capped.alignment == Alignment::NotAligned);
    CHECK_THAT(capped.why, Catch::Contains("more than 8 identifiers needed a DNS tree walk"));
    CHECK(resolver.txtQueries().size() == queries);
    // Answers that need no walk, and identifiers already walked, are still given.
    CHECK(checker.check(nameOf("s0.example.com"), AlignmentMode::Relaxed).alignment ==
          Alignment::Relaxed);
    CHECK(checker.check(nameOf("example.com"), AlignmentMode::Relaxed).alignment ==
          Alignment::Strict);
    CHECK(checker.check(nameOf("other.com"), AlignmentMode::Relaxed).alignment ==
          Alignment::NotAligned);
}

TEST_CASE("RFC 7489 alignment by public suffix list, without DNS") {
    const SuffixListPsl psl{"co.uk"};  // com, net, org, example: one label
    struct PslCase {
        const char* author;
        const char* identifier;
        AlignmentMode mode;
        Alignment expected;
        const char* why;
    };
    const std::vector<PslCase> cases = {
        {"example.com", "example.com", AlignmentMode::Relaxed, Alignment::Strict,
         "example.com is the author domain"},
        {"example.com", "mail.example.com", AlignmentMode::Relaxed, Alignment::Relaxed,
         "mail.example.com and example.com share the organizational domain example.com"},
        {"a.example.co.uk", "b.example.co.uk", AlignmentMode::Relaxed, Alignment::Relaxed,
         "b.example.co.uk and a.example.co.uk share the organizational domain example.co.uk"},
        {"a.example.co.uk", "other.co.uk", AlignmentMode::Relaxed, Alignment::NotAligned,
         "other.co.uk is not within example.co.uk"},
        {"example.co.uk", "co.uk", AlignmentMode::Relaxed, Alignment::NotAligned,
         "co.uk is not within example.co.uk"},
        {"example.com", "mail.example.com", AlignmentMode::Strict, Alignment::NotAligned,
         "mail.example.com is not example.com (strict alignment)"},
        {"net", "net", AlignmentMode::Relaxed, Alignment::Strict, "net is the author domain"},
        {"example.net", "net", AlignmentMode::Relaxed, Alignment::NotAligned,
         "net is not within example.net"},
    };
    for (const auto& c : cases) {
        INFO(c.author << " vs " << c.identifier);
        TableResolver resolver;
        AlignmentChecker checker(nameOf(c.author), DmarcMode::Rfc7489, resolver, &psl);
        const auto result = checker.check(nameOf(c.identifier), c.mode);
        CHECK(result.alignment == c.expected);
        CHECK(result.why == c.why);
        CHECK(resolver.queries().empty());
    }
}

TEST_CASE("RFC 7489 alignment without a public suffix list is unknown, never a guess") {
    TableResolver resolver;
    AlignmentChecker checker(nameOf("mail.example.com"), DmarcMode::Rfc7489, resolver, nullptr);
    const auto result = checker.check(nameOf("example.com"), AlignmentMode::Relaxed);
    CHECK(result.alignment == Alignment::Unknown);
    CHECK_THAT(result.why, Catch::Contains("public suffix list"));
    CHECK(checker.check(nameOf("mail.example.com"), AlignmentMode::Relaxed).alignment ==
          Alignment::Strict);
}

TEST_CASE("identity-only checks when no alignment mode is known") {
    const auto same =
        dmarc::core::checkIdentity(nameOf("example.com"), nameOf("EXAMPLE.com"), "lookup failed");
    CHECK(same.alignment == Alignment::Strict);
    CHECK(same.why == "example.com is the author domain");
    const auto other = dmarc::core::checkIdentity(nameOf("example.com"), nameOf("mail.example.com"),
                                                  "lookup failed");
    CHECK(other.alignment == Alignment::NotEvaluated);
    CHECK(other.why == "lookup failed");
}

// RFC 9989 Appendix B.1: SPF (B.1.1) and DKIM (B.1.2) examples, under the relaxed default,
// with example.com publishing a record as in Appendix B.2, in both modes.
TEST_CASE("RFC 9989 Appendix B.1 identifier alignment examples") {
    struct Example {
        const char* what;
        const char* author;      // From: domain
        const char* identifier;  // MAIL FROM domain (B.1.1) or d= (B.1.2)
        Alignment expected;
    };
    const std::vector<Example> examples = {
        {"B.1.1 example 1: SPF strict", "example.com", "example.com", Alignment::Strict},
        {"B.1.1 example 2: SPF relaxed", "example.com", "child.example.com", Alignment::Relaxed},
        {"B.1.1 example 3: SPF not aligned", "child.example.com", "example.net",
         Alignment::NotAligned},
        {"B.1.2 example 1: DKIM strict", "example.com", "example.com", Alignment::Strict},
        {"B.1.2 example 2: DKIM relaxed", "child.example.com", "example.com", Alignment::Relaxed},
        {"B.1.2 example 3: DKIM not aligned", "child.example.com", "example.net",
         Alignment::NotAligned},
    };
    const SuffixListPsl psl{"co.uk"};  // com, net, org, example: one label
    for (const auto mode : {DmarcMode::Rfc9989, DmarcMode::Rfc7489}) {
        for (const auto& e : examples) {
            INFO(e.what << (mode == DmarcMode::Rfc9989 ? " (RFC 9989)" : " (RFC 7489)"));
            TableResolver resolver;
            resolver.addTxt("_dmarc.example.com", "v=DMARC1; p=none; rua=mailto:d@example.com");
            AlignmentChecker checker(nameOf(e.author), mode, resolver, &psl);
            CHECK(checker.check(nameOf(e.identifier), AlignmentMode::Relaxed).alignment ==
                  e.expected);
            // Strict alignment holds only for the identical pairs.
            const auto strict = checker.check(nameOf(e.identifier), AlignmentMode::Strict);
            CHECK(strict.alignment ==
                  (e.expected == Alignment::Strict ? Alignment::Strict : Alignment::NotAligned));
        }
    }
}

}  // namespace
