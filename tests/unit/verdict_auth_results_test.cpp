// Verdict → Authentication-Results: the header a mail admin reads must name each
// authenticated domain, say whether it is aligned and why, and carry policy.dmarc.
// Verdicts come from the real evaluate() over an in-memory DNS table.
#include <catch2/catch.hpp>

#include <string>

#include "core/auth_results_format.h"
#include "core/auth_results_parse.h"
#include "core/evaluate.h"
#include "core/verdict_auth_results.h"
#include "support/fixed_random.h"
#include "support/table_resolver.h"

namespace {

using namespace dmarc::core;
using dmarc::test::nameOf;
using dmarc::test::TableResolver;

using dmarc::test::FixedRandom;

struct Spf {
    SpfResult result = SpfResult::None;
    const char* domain = "";  // "" = no SPF identity
    SpfScope scope = SpfScope::MailFrom;
};

struct Scenario {
    const char* record;
    Spf spf;
    std::vector<DkimInput> dkim;
    LocalPolicy settings;
};

AuthInputs inputsOf(const Scenario& s) {
    AuthInputs inputs;
    inputs.spf.result = s.spf.result;
    inputs.spf.scope = s.spf.scope;
    if (*s.spf.domain) inputs.spf.domain = nameOf(s.spf.domain);
    inputs.dkim = s.dkim;
    return inputs;
}

std::string render(const Scenario& s, const char* author = "mydomain.com") {
    TableResolver resolver;
    resolver.addTxt(std::string("_dmarc.") + author, s.record);
    resolver.addName(author);
    FixedRandom random;
    const Verdict verdict =
        evaluate(nameOf(author), inputsOf(s), LocalFacts{}, s.settings,
                 EvaluationContext{resolver, random, nullptr});
    return formatAuthResults(authResultsFor(verdict, "mx.example.net"));
}

DkimInput signature(DkimResult result, const char* d, const char* b, const char* reason = "") {
    return DkimInput{result, nameOf(d), "sel", "rsa-sha256", reason, b};
}

}  // namespace

TEST_CASE("ESP sending for the author: SPF unaligned, DKIM aligned, dmarc=pass") {
    const Scenario esp{"v=DMARC1; p=none",
                       {SpfResult::Pass, "eu-west-1.amazonses.com", SpfScope::MailFrom},
                       {signature(DkimResult::Pass, "mydomain.com", "AbCd1234EfGh5678")},
                       {}};
    CHECK(render(esp) ==
          "mx.example.net;\n"
          "\tspf=pass (not aligned: eu-west-1.amazonses.com is not within mydomain.com)\n"
          "\tsmtp.mailfrom=eu-west-1.amazonses.com;\n"
          "\tdkim=pass (aligned strict) header.d=mydomain.com header.s=sel\n"
          "\theader.a=rsa-sha256 header.b=AbCd1234;\n"
          "\tdmarc=pass (p=none dis=none) header.from=mydomain.com policy.dmarc=none");
}

TEST_CASE("p=reject failure is quarantined by default and says why") {
    Scenario failing{"v=DMARC1; p=reject",
                     {SpfResult::Pass, "bounce.other.example", SpfScope::MailFrom},
                     {},
                     {}};
    const std::string header = render(failing);
    CHECK_THAT(header, Catch::Contains("dkim=none (no signatures)"));
    CHECK_THAT(header, Catch::Contains("dmarc=fail (p=reject dis=quarantine override=local_policy)"));
    CHECK_THAT(header, Catch::Contains("policy.dmarc=quarantine"));

    failing.settings.hardReject = true;
    const std::string hard = render(failing);
    CHECK_THAT(hard, Catch::Contains("dmarc=fail (p=reject dis=reject)"));
    CHECK_THAT(hard, Catch::Contains("policy.dmarc=reject"));
}

TEST_CASE("t=y is shown with the stepped-down disposition") {
    const Scenario testing{"v=DMARC1; p=reject; t=y",
                           {SpfResult::Fail, "mydomain.com", SpfScope::MailFrom},
                           {},
                           {}};
    CHECK_THAT(render(testing),
               Catch::Contains("dmarc=fail (p=reject t=y dis=quarantine override=policy_test_mode)"));
}

TEST_CASE("HELO-scope SPF is rendered as smtp.helo and never aligned") {
    const Scenario helo{"v=DMARC1; p=none",
                        {SpfResult::Pass, "mydomain.com", SpfScope::Helo},
                        {},
                        {}};
    const std::string header = render(helo);
    CHECK_THAT(header, Catch::Contains("smtp.helo=mydomain.com"));
    CHECK_THAT(header, !Catch::Contains("smtp.mailfrom"));
    CHECK_THAT(header, Catch::Contains("dmarc=fail"));
}

TEST_CASE("failed signatures carry the verifier's reason and distinct header.b prefixes") {
    const Scenario two{"v=DMARC1; p=none",
                       {},
                       {signature(DkimResult::Fail, "mydomain.com", "SameStart1111xyz", "body hash mismatch"),
                        signature(DkimResult::Pass, "mydomain.com", "SameStart2222xyz")},
                       {}};
    const std::string header = render(two);
    CHECK_THAT(header, Catch::Contains("reason=\"body hash mismatch\""));
    CHECK_THAT(header, Catch::Contains("header.b=SameStart1"));
    CHECK_THAT(header, Catch::Contains("header.b=SameStart2"));
    CHECK_THAT(header, Catch::Contains("dmarc=pass"));
}

TEST_CASE("signatures beyond the cap are summarised, and the header stays parseable") {
    std::vector<DkimInput> many;
    for (int i = 0; i < 20; ++i) {
        many.push_back(signature(DkimResult::Fail, "other.example", ("sig" + std::to_string(i) + "bbbbbbbb").c_str()));
    }
    const Scenario flood{"v=DMARC1; p=quarantine", {}, many, {}};
    const std::string header = render(flood);
    CHECK_THAT(header, Catch::Contains("12 more signatures not listed"));

    const auto parsed = parseAuthResults(header);
    REQUIRE(parsed.ok());
    CHECK(parsed->complete);
    CHECK(parsed->authservId == "mx.example.net");
    CHECK(parsed->results.size() == 1 + 8 + 1);
}

TEST_CASE("no policy: dmarc=none without policy.dmarc") {
    TableResolver resolver;
    resolver.addName("nopolicy.example");
    FixedRandom random;
    const Scenario noPolicy{"", {SpfResult::Pass, "nopolicy.example"}, {}, {}};
    const Verdict verdict = evaluate(nameOf("nopolicy.example"), inputsOf(noPolicy), LocalFacts{},
                                     LocalPolicy{}, EvaluationContext{resolver, random, nullptr});
    const std::string header = formatAuthResults(authResultsFor(verdict, "mx.example.net"));
    CHECK_THAT(header, Catch::Contains("dmarc=none"));
    CHECK_THAT(header, Catch::Contains("header.from=nopolicy.example"));
    CHECK_THAT(header, !Catch::Contains("policy.dmarc"));
}
