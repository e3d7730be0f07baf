// Unit tests for lib/log/verdict_line.cpp: the one log line per message for pass, fail
// (with overrides), none, temperror and permerror; several DKIM signatures; missing SPF
// domain; HELO scope; organizational records with sp/np; the cap on listed signatures;
// extra fields; and hostile domain, selector, id and address strings that must not add
// fields or break the line. Deterministic.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "log/verdict_line.h"

using namespace dmarc::core;
using dmarc::log::ExtraField;
using dmarc::log::formatVerdictLine;

namespace {

DomainName domain(const std::string& text) { return DomainName::parse(text).value(); }

SpfVerdict spf(SpfResult result, std::string name, Alignment alignment, SpfScope scope = SpfScope::MailFrom) {
    SpfVerdict verdict;
    verdict.result = result;
    verdict.domain = std::move(name);
    verdict.scope = scope;
    verdict.alignment.alignment = alignment;
    return verdict;
}

DkimVerdict dkim(DkimResult result, std::string name, Alignment alignment, std::string selector) {
    DkimVerdict verdict;
    verdict.result = result;
    verdict.domain = std::move(name);
    verdict.selector = std::move(selector);
    verdict.alignment.alignment = alignment;
    return verdict;
}

// A verdict whose record was found at `where` by `source`, with tag and policy applied.
Verdict withRecord(const std::string& author, const std::string& where, PolicySource source, PolicyTag tag,
                   Policy policy) {
    Verdict verdict;
    verdict.authorDomain = author;
    verdict.discovery = DiscoveryOutcome::Found;
    verdict.record = DiscoveredPolicy{domain(where), DmarcRecord{}, source};
    verdict.tag = tag;
    verdict.policy = policy;
    return verdict;
}

bool hasNoControl(const std::string& line) {
    for (char c : line) {
        if (c < 0x20 || c > 0x7E) return false;
    }
    return true;
}

}  // namespace

TEST_CASE("verdict_line: the DESIGN.md example") {
    Verdict verdict = withRecord("mydomain.com", "mydomain.com", PolicySource::AuthorDomain, PolicyTag::P, Policy::None);
    verdict.result = DmarcResult::Pass;
    verdict.spf = spf(SpfResult::Pass, "eu-west-1.amazonses.com", Alignment::NotAligned);
    verdict.dkim = {dkim(DkimResult::Pass, "mydomain.com", Alignment::Relaxed, "2anuc")};
    CHECK(formatVerdictLine("3Zx1Kq4Hj", "54.240.6.219", verdict) ==
          "3Zx1Kq4Hj: from=mydomain.com dmarc=pass policy=none record=mydomain.com(author,p) "
          "spf=pass(eu-west-1.amazonses.com,unaligned) dkim=pass(mydomain.com,aligned,s=2anuc) "
          "disposition=none ip=54.240.6.219");
}

TEST_CASE("verdict_line: a p=reject failure quarantined by default shows both dispositions") {
    Verdict verdict = withRecord("bank.example", "bank.example", PolicySource::AuthorDomain, PolicyTag::P, Policy::Reject);
    verdict.result = DmarcResult::Fail;
    verdict.spf = spf(SpfResult::Fail, "bank.example", Alignment::NotEvaluated);
    verdict.requested = Disposition::Reject;
    verdict.applied = Disposition::Quarantine;
    verdict.overrides = {{OverrideReason::LocalPolicy, "hard reject is off: quarantined instead"}};
    CHECK(formatVerdictLine("4AbCdEf", "203.0.113.9", verdict) ==
          "4AbCdEf: from=bank.example dmarc=fail policy=reject record=bank.example(author,p) "
          "spf=fail(bank.example,unevaluated) dkim=none disposition=quarantine requested=reject "
          "override=local_policy ip=203.0.113.9 reason=\"hard reject is off: quarantined instead\"");
}

TEST_CASE("verdict_line: several overrides are listed in the order applied") {
    Verdict verdict = withRecord("a.example", "a.example", PolicySource::AuthorDomain, PolicyTag::P, Policy::Reject);
    verdict.result = DmarcResult::Fail;
    verdict.requested = Disposition::Reject;
    verdict.applied = Disposition::None;
    verdict.overrides = {{OverrideReason::PolicyTestMode, "t=y"}, {OverrideReason::TrustedForwarder, ""}};
    const std::string line = formatVerdictLine("Q", "192.0.2.1", verdict);
    CHECK(line.find(" disposition=none requested=reject override=policy_test_mode,trusted_forwarder ip=192.0.2.1 "
                    "reason=\"t=y\"") != std::string::npos);
}

TEST_CASE("verdict_line: no record: dmarc=none without policy or record, with the reason") {
    Verdict verdict;
    verdict.authorDomain = "example.org";
    verdict.result = DmarcResult::None;
    verdict.spf = spf(SpfResult::SoftFail, "example.org", Alignment::NotEvaluated);
    verdict.policyDetail = "no DMARC record at _dmarc.example.org";
    CHECK(formatVerdictLine("Q1", "2001:db8::25", verdict) ==
          "Q1: from=example.org dmarc=none spf=softfail(example.org,unevaluated) dkim=none disposition=none "
          "ip=2001:db8::25 reason=\"no DMARC record at _dmarc.example.org\"");
}

TEST_CASE("verdict_line: temperror carries the DNS detail") {
    Verdict verdict;
    verdict.authorDomain = "slow.example";
    verdict.discovery = DiscoveryOutcome::TempError;
    verdict.result = DmarcResult::TempError;
    verdict.spf = spf(SpfResult::TempError, "slow.example", Alignment::Unknown);
    verdict.dkim = {dkim(DkimResult::TempError, "slow.example", Alignment::Unknown, "k1")};
    verdict.policyDetail = "timeout at _dmarc.slow.example";
    CHECK(formatVerdictLine("Q2", "198.51.100.4", verdict) ==
          "Q2: from=slow.example dmarc=temperror spf=temperror(slow.example,unknown) "
          "dkim=temperror(slow.example,unknown,s=k1) disposition=none ip=198.51.100.4 "
          "reason=\"timeout at _dmarc.slow.example\"");
}

TEST_CASE("verdict_line: permerror for a From domain that did not parse") {
    Verdict verdict;
    verdict.authorDomain = "....example.com....";
    verdict.result = DmarcResult::PermError;
    verdict.policyDetail = "empty label";
    CHECK(formatVerdictLine("Q3", "192.0.2.1", verdict) ==
          "Q3: from=....example.com.... dmarc=permerror spf=none(-,unevaluated) dkim=none disposition=none "
          "ip=192.0.2.1 reason=\"empty label\"");
}

TEST_CASE("verdict_line: every DKIM signature gets its own field") {
    Verdict verdict = withRecord("shop.example", "shop.example", PolicySource::AuthorDomain, PolicyTag::P, Policy::Quarantine);
    verdict.result = DmarcResult::Pass;
    verdict.spf = spf(SpfResult::Pass, "bounces.esp.example", Alignment::NotAligned);
    verdict.dkim = {dkim(DkimResult::Fail, "shop.example", Alignment::NotEvaluated, "old"),
                    dkim(DkimResult::Pass, "esp.example", Alignment::NotAligned, "esp1"),
                    dkim(DkimResult::Pass, "mail.shop.example", Alignment::Relaxed, "s2024"),
                    dkim(DkimResult::PermError, "", Alignment::NotEvaluated, "")};
    CHECK(formatVerdictLine("Q4", "192.0.2.1", verdict) ==
          "Q4: from=shop.example dmarc=pass policy=quarantine record=shop.example(author,p) "
          "spf=pass(bounces.esp.example,unaligned) dkim=fail(shop.example,unevaluated,s=old) "
          "dkim=pass(esp.example,unaligned,s=esp1) dkim=pass(mail.shop.example,aligned,s=s2024) "
          "dkim=permerror(-,unevaluated,s=-) disposition=none ip=192.0.2.1");
}

TEST_CASE("verdict_line: a missing SPF domain and a HELO-scope result") {
    Verdict verdict;
    verdict.authorDomain = "example.net";
    verdict.spf = spf(SpfResult::None, "", Alignment::NotEvaluated);
    CHECK(formatVerdictLine("Q5", "192.0.2.1", verdict).find(" spf=none(-,unevaluated) ") != std::string::npos);
    verdict.spf = spf(SpfResult::Pass, "mx.example.net", Alignment::NotEvaluated, SpfScope::Helo);
    CHECK(formatVerdictLine("Q5", "192.0.2.1", verdict).find(" spf=pass(mx.example.net,unevaluated,helo) ") !=
          std::string::npos);
}

TEST_CASE("verdict_line: where the record came from and which tag applied") {
    const auto [source, tag, policy, expected] = GENERATE(table<PolicySource, PolicyTag, Policy, std::string>({
        {PolicySource::OrganizationalDomain, PolicyTag::Sp, Policy::Quarantine,
         "policy=quarantine record=example.com(organizational,sp)"},
        {PolicySource::OrganizationalDomain, PolicyTag::Np, Policy::Reject,
         "policy=reject record=example.com(organizational,np)"},
        {PolicySource::PublicSuffixDomain, PolicyTag::P, Policy::None, "policy=none record=example.com(psd,p)"},
    }));
    Verdict verdict = withRecord("nx.sub.example.com", "example.com", source, tag, policy);
    CHECK(formatVerdictLine("Q6", "192.0.2.1", verdict).find(" " + expected + " ") != std::string::npos);
}

TEST_CASE("verdict_line: a record without a usable policy shows the record only") {
    Verdict verdict = withRecord("x.example", "x.example", PolicySource::AuthorDomain, PolicyTag::P, Policy::None);
    verdict.tag.reset();
    verdict.policy.reset();
    verdict.policyDetail = "invalid p= and no rua";
    const std::string line = formatVerdictLine("Q7", "192.0.2.1", verdict);
    CHECK(line.find(" record=x.example(author) ") != std::string::npos);
    CHECK(line.find("policy=") == std::string::npos);
}

TEST_CASE("verdict_line: at most kMaxLoggedSignatures signatures, then a count") {
    Verdict verdict;
    verdict.authorDomain = "many.example";
    for (int i = 0; i < 25; ++i) {
        verdict.dkim.push_back(dkim(DkimResult::Fail, "d" + std::to_string(i) + ".example", Alignment::NotEvaluated, "s"));
    }
    const std::string line = formatVerdictLine("Q8", "192.0.2.1", verdict);
    std::size_t count = 0;
    for (std::size_t at = line.find(" dkim="); at != std::string::npos; at = line.find(" dkim=", at + 1)) ++count;
    CHECK(count == dmarc::log::kMaxLoggedSignatures);
    CHECK(line.find("dkim=fail(d9.example,unevaluated,s=s) dkim_more=15 ") != std::string::npos);
    CHECK(line.find("d10.example") == std::string::npos);
}

TEST_CASE("verdict_line: extra fields come after the address, sanitised") {
    Verdict verdict;
    verdict.authorDomain = "example.com";
    const std::vector<ExtraField> extra{{"action", "hold"}, {"note", "held for review"}};
    CHECK(formatVerdictLine("Q9", "192.0.2.1", verdict, extra) ==
          "Q9: from=example.com dmarc=none spf=none(-,unevaluated) dkim=none disposition=none ip=192.0.2.1 "
          "action=hold note=\"held for review\"");
}

TEST_CASE("verdict_line: hostile strings cannot forge fields or break the line") {
    Verdict verdict;
    verdict.authorDomain = "evil.example dmarc=pass\nX";
    verdict.spf = spf(SpfResult::Fail, "a.example,aligned) spf=pass(b", Alignment::NotAligned);
    verdict.dkim = {dkim(DkimResult::Pass, "-", Alignment::NotAligned, "s=x) dkim=pass(y"),
                    dkim(DkimResult::Fail, "\x1b]0;pwned\x07", Alignment::NotEvaluated, std::string(400, 's'))};
    verdict.policyDetail = "\"quoted\" \\ detail\r\n";
    const std::string line = formatVerdictLine("Q\nID", "1.2.3.4 ip=5.6.7.8", verdict);
    CHECK(line ==
          "Q\\x0aID: from=evil.example\\x20dmarc\\x3dpass\\x0aX dmarc=none "
          "spf=fail(a.example\\x2caligned\\x29\\x20spf\\x3dpass\\x28b,unaligned) "
          "dkim=pass(\\x2d,unaligned,s=s\\x3dx\\x29\\x20dkim\\x3dpass\\x28y) "
          "dkim=fail(\\x1b\\x5d0\\x3bpwned\\x07,unevaluated,s=" + std::string(253, 's') + "...) "
          "disposition=none ip=1.2.3.4\\x20ip\\x3d5.6.7.8 reason=\"\\\"quoted\\\" \\\\ detail\\x0d\\x0a\"");
    CHECK(hasNoControl(line));
    // Exactly one of each single-valued key.
    for (const std::string key : {" dmarc=", " disposition=", " ip=", " from="}) {
        CAPTURE(key);
        CHECK(line.find(key) == line.rfind(key));
    }
}

TEST_CASE("verdict_line: the line stays bounded whatever the verdict holds") {
    Verdict verdict;
    verdict.authorDomain = std::string(100000, 'a');
    verdict.spf = spf(SpfResult::Pass, std::string(100000, '\n'), Alignment::NotAligned);
    for (int i = 0; i < 1000; ++i) verdict.dkim.push_back(dkim(DkimResult::Pass, std::string(1000, 'x'), Alignment::Strict, std::string(1000, 'y')));
    verdict.policyDetail = std::string(100000, '"');
    verdict.overrides.assign(50, PolicyOverride{OverrideReason::Other, std::string(1000, 'c')});
    const std::string line = formatVerdictLine(std::string(1000, 'q'), std::string(1000, 'i'), verdict);
    CHECK(line.size() < 16000);
    CHECK(hasNoControl(line));
}
