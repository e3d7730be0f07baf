// Unit tests for lib/core/verdict: the words of every enum (as A-R, logs and RFC 9990
// reports use them), the aligned-pass helpers, strictest() over several author domains,
// and the human explanation of typical verdicts.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "core/evaluate.h"
#include "core/verdict.h"
#include "support/table_resolver.h"

namespace {

using namespace dmarc::core;
using dmarc::test::nameOf;
using dmarc::test::TableResolver;

TEST_CASE("verdict words") {
    CHECK(toString(SpfResult::None) == "none");
    CHECK(toString(SpfResult::Neutral) == "neutral");
    CHECK(toString(SpfResult::Pass) == "pass");
    CHECK(toString(SpfResult::Fail) == "fail");
    CHECK(toString(SpfResult::SoftFail) == "softfail");
    CHECK(toString(SpfResult::TempError) == "temperror");
    CHECK(toString(SpfResult::PermError) == "permerror");
    CHECK(toString(SpfScope::MailFrom) == "mfrom");
    CHECK(toString(SpfScope::Helo) == "helo");
    CHECK(toString(DkimResult::None) == "none");
    CHECK(toString(DkimResult::Pass) == "pass");
    CHECK(toString(DkimResult::Fail) == "fail");
    CHECK(toString(DkimResult::Policy) == "policy");
    CHECK(toString(DkimResult::Neutral) == "neutral");
    CHECK(toString(DkimResult::TempError) == "temperror");
    CHECK(toString(DkimResult::PermError) == "permerror");
    CHECK(toString(DmarcResult::None) == "none");
    CHECK(toString(DmarcResult::Pass) == "pass");
    CHECK(toString(DmarcResult::Fail) == "fail");
    CHECK(toString(DmarcResult::TempError) == "temperror");
    CHECK(toString(DmarcResult::PermError) == "permerror");
    CHECK(toString(Disposition::None) == "none");
    CHECK(toString(Disposition::Quarantine) == "quarantine");
    CHECK(toString(Disposition::Reject) == "reject");
    CHECK(toString(OverrideReason::TrustedForwarder) == "trusted_forwarder");
    CHECK(toString(OverrideReason::MailingList) == "mailing_list");
    CHECK(toString(OverrideReason::LocalPolicy) == "local_policy");
    CHECK(toString(OverrideReason::PolicyTestMode) == "policy_test_mode");
    CHECK(toString(OverrideReason::SampledOut) == "sampled_out");
    CHECK(toString(OverrideReason::Other) == "other");
    CHECK(toString(PolicyTag::P) == "p");
    CHECK(toString(PolicyTag::Sp) == "sp");
    CHECK(toString(PolicyTag::Np) == "np");
    CHECK(toString(AuthorExistence::NotChecked) == "not checked");
    CHECK(toString(AuthorExistence::Exists) == "exists");
    CHECK(toString(AuthorExistence::DoesNotExist) == "does not exist");
    CHECK(toString(AuthorExistence::Unknown) == "unknown");
    CHECK(toDisposition(Policy::None) == Disposition::None);
    CHECK(toDisposition(Policy::Quarantine) == Disposition::Quarantine);
    CHECK(toDisposition(Policy::Reject) == Disposition::Reject);
}

TEST_CASE("aligned-pass helpers need both a pass and alignment") {
    Verdict v;
    v.spf = {SpfResult::Pass, "example.com", SpfScope::MailFrom, {Alignment::Relaxed, ""}};
    CHECK(v.spfAligned());
    v.spf.result = SpfResult::TempError;
    CHECK_FALSE(v.spfAligned());
    v.spf = {SpfResult::Pass, "example.net", SpfScope::MailFrom, {Alignment::NotAligned, ""}};
    CHECK_FALSE(v.spfAligned());
    v.spf.alignment.alignment = Alignment::Unknown;
    CHECK_FALSE(v.spfAligned());

    CHECK_FALSE(v.dkimAligned());
    v.dkim.push_back({DkimResult::TempError, "example.com", "s", "a", "", {Alignment::Strict, ""}, ""});
    CHECK_FALSE(v.dkimAligned());
    v.dkim.push_back({DkimResult::Pass, "x.example.com", "s", "a", "", {Alignment::Relaxed, ""}, ""});
    CHECK(v.dkimAligned());

    CHECK_FALSE(v.overrideReason());
    v.overrides = {{OverrideReason::PolicyTestMode, "t"}, {OverrideReason::MailingList, "m"}};
    CHECK(v.overrideReason() == OverrideReason::PolicyTestMode);
}

Verdict verdictOf(const char* author, DmarcResult result, Disposition applied) {
    Verdict v;
    v.authorDomain = author;
    v.result = result;
    v.applied = applied;
    return v;
}

TEST_CASE("strictest verdict among several author domains") {
    CHECK_FALSE(strictest({}));
    const auto pick = [](std::vector<Verdict> verdicts) {
        return strictest(verdicts).value().authorDomain;
    };
    CHECK(pick({verdictOf("a", DmarcResult::Pass, Disposition::None)}) == "a");
    CHECK(pick({verdictOf("a", DmarcResult::Fail, Disposition::Quarantine),
                verdictOf("b", DmarcResult::Fail, Disposition::Reject),
                verdictOf("c", DmarcResult::Pass, Disposition::None)}) == "b");
    CHECK(pick({verdictOf("a", DmarcResult::Pass, Disposition::None),
                verdictOf("b", DmarcResult::Fail, Disposition::Quarantine)}) == "b");
    // Equal dispositions: the worse result; temperror outranks fail (it may defer).
    CHECK(pick({verdictOf("a", DmarcResult::Fail, Disposition::None),
                verdictOf("b", DmarcResult::TempError, Disposition::None)}) == "b");
    CHECK(pick({verdictOf("a", DmarcResult::None, Disposition::None),
                verdictOf("b", DmarcResult::PermError, Disposition::None),
                verdictOf("c", DmarcResult::Pass, Disposition::None)}) == "b");
    CHECK(pick({verdictOf("a", DmarcResult::Pass, Disposition::None),
                verdictOf("b", DmarcResult::None, Disposition::None)}) == "b");
    CHECK(pick({verdictOf("a", DmarcResult::Fail, Disposition::None),
                verdictOf("b", DmarcResult::PermError, Disposition::None)}) == "a");
    // Full ties go to the first.
    CHECK(pick({verdictOf("a", DmarcResult::Fail, Disposition::Reject),
                verdictOf("b", DmarcResult::Fail, Disposition::Reject)}) == "a");
}

class NoRandom : public RandomSource {
public:
    int percent() override { return 0; }
};

TEST_CASE("explanations of typical verdicts") {
    TableResolver resolver;
    resolver.addTxt("_dmarc.mydomain.com", "v=DMARC1; p=reject; rua=mailto:d@mydomain.com");
    resolver.addTxt("_dmarc.testing.org", "v=DMARC1; p=reject; t=y");
    resolver.failTxt("_dmarc.broken.net", DnsStatus::ServFail);
    NoRandom random;
    const EvaluationContext context{resolver, random, nullptr};
    const LocalPolicy defaults;

    SECTION("pass by DKIM while SPF is a third party's") {
        AuthInputs auth;
        auth.spf = {SpfResult::Pass, nameOf("eu-west-1.amazonses.com"), SpfScope::MailFrom};
        auth.dkim.push_back({DkimResult::Pass, nameOf("mydomain.com"), "2anuc", "rsa-sha256", "", ""});
        const auto v = evaluate(nameOf("mydomain.com"), auth, {}, defaults, context);
        CHECK(v.explanation ==
              "SPF pass for eu-west-1.amazonses.com, unaligned: eu-west-1.amazonses.com is not "
              "within mydomain.com; DKIM pass for mydomain.com (s=2anuc), aligned (strict); "
              "policy p=reject from mydomain.com (record at _dmarc.mydomain.com) -> pass");
    }
    SECTION("fail, quarantined by default") {
        AuthInputs auth;
        auth.spf = {SpfResult::SoftFail, nameOf("mydomain.com"), SpfScope::MailFrom};
        const auto v = evaluate(nameOf("mydomain.com"), auth, {}, defaults, context);
        CHECK(v.explanation ==
              "SPF softfail for mydomain.com; no DKIM signature; policy p=reject from "
              "mydomain.com (record at _dmarc.mydomain.com) -> fail, disposition quarantine "
              "(requested reject; local_policy: p=reject is quarantined: hard reject is not "
              "enabled (RFC 9989 section 7.4))");
    }
    SECTION("test mode") {
        AuthInputs auth;
        const auto v = evaluate(nameOf("testing.org"), auth, {}, defaults, context);
        CHECK(v.explanation ==
              "SPF none without a domain; no DKIM signature; policy p=reject from testing.org "
              "t=y (record at _dmarc.testing.org) -> fail, disposition quarantine (requested "
              "reject; policy_test_mode: t=y: the domain owner is testing its reject policy)");
    }
    SECTION("no record") {
        AuthInputs auth;
        auth.spf = {SpfResult::Pass, nameOf("nowhere.com"), SpfScope::Helo};
        const auto v = evaluate(nameOf("nowhere.com"), auth, {}, defaults, context);
        CHECK_THAT(v.explanation,
                   Catch::StartsWith("SPF pass for nowhere.com (HELO), unaligned: the HELO "
                                     "identity never aligns (only MAIL FROM counts); no DKIM "
                                     "signature; no DMARC record (no DMARC record at "
                                     "_dmarc.nowhere.com"));
        CHECK_THAT(v.explanation, Catch::EndsWith("-> none"));
    }
    SECTION("policy lookup failed") {
        AuthInputs auth;
        auth.dkim.push_back({DkimResult::Pass, nameOf("mail.broken.net"), "", "rsa-sha256", "", ""});
        const auto v = evaluate(nameOf("broken.net"), auth, {}, defaults, context);
        CHECK(v.explanation ==
              "SPF none without a domain; DKIM pass for mail.broken.net; policy lookup failed "
              "(SERVFAIL at _dmarc.broken.net) -> temperror");
    }
}

}  // namespace
