// Unit tests for lib/core/evaluate: which tag applies (p, sp, np and the existence probe),
// the DMARC result under DNS trouble in each place it can occur, alignment inputs (helo
// scope, strict/relaxed, failing and temperror identifiers, several signatures), the
// disposition through the whole pipeline, permerror, and RFC 9989 Appendix B.3.
#include <catch2/catch.hpp>

#include <map>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "core/evaluate.h"
#include "support/suffix_list_psl.h"
#include "support/fixed_random.h"
#include "support/table_resolver.h"

namespace {

using namespace dmarc::core;
using dmarc::test::nameOf;
using dmarc::test::SuffixListPsl;
using dmarc::test::QueryKind;
using dmarc::test::TableResolver;

using dmarc::test::FixedRandom;

struct Spf {
    SpfResult result = SpfResult::None;
    const char* domain = "";
    SpfScope scope = SpfScope::MailFrom;
};

struct Dkim {
    DkimResult result = DkimResult::Pass;
    const char* domain = "";
};

struct Case {
    const char* what;
    DmarcMode mode = DmarcMode::Rfc9989;
    const char* author = "example.com";
    std::vector<std::pair<const char*, const char*>> txt = {};
    std::vector<const char*> names = {};
    std::vector<std::pair<const char*, DnsStatus>> txtFailures = {};
    std::vector<std::pair<const char*, DnsStatus>> existenceFailures = {};
    Spf spf = {};
    std::vector<Dkim> dkim = {};
    LocalFacts facts = {};
    bool hardReject = true;
    int draw = 0;
    // Expectations.
    DmarcResult result = DmarcResult::Fail;
    std::optional<PolicyTag> tag = std::nullopt;
    std::optional<Policy> policy = std::nullopt;
    Disposition requested = Disposition::None;
    Disposition applied = Disposition::None;
    std::vector<OverrideReason> reasons = {};
    Alignment spfAlignment = Alignment::NotEvaluated;
    std::vector<Alignment> dkimAlignments = {};
    AuthorExistence existence = AuthorExistence::NotChecked;
    const char* detailContains = "";
};

std::optional<DomainName> optionalName(const char* text) {
    if (std::string_view(text).empty()) return std::nullopt;
    return nameOf(text);
}

AuthInputs inputsOf(const Case& c) {
    AuthInputs auth;
    auth.spf = {c.spf.result, optionalName(c.spf.domain), c.spf.scope};
    for (const auto& d : c.dkim) {
        auth.dkim.push_back({d.result, optionalName(d.domain), "sel", "rsa-sha256", "", ""});
    }
    return auth;
}

Verdict run(const Case& c, TableResolver& resolver) {
    for (const auto& [name, text] : c.txt) resolver.addTxt(name, text);
    for (const auto& name : c.names) resolver.addName(name);
    for (const auto& [name, status] : c.txtFailures) resolver.failTxt(name, status);
    for (const auto& [name, status] : c.existenceFailures) resolver.failExistence(name, status);
    LocalPolicy settings;
    settings.mode = c.mode;
    settings.hardReject = c.hardReject;
    FixedRandom random(c.draw);
    const SuffixListPsl psl{"co.uk", "psd.example"};
    return evaluate(nameOf(c.author), inputsOf(c), c.facts, settings,
                    EvaluationContext{resolver, random, &psl});
}

std::size_t existenceProbes(const TableResolver& resolver) {
    std::size_t probes = 0;
    for (const auto& query : resolver.queries()) probes += query.kind == QueryKind::Existence;
    return probes;
}

constexpr auto Pass = DmarcResult::Pass;
constexpr auto Fail = DmarcResult::Fail;
constexpr auto TempErr = DmarcResult::TempError;
constexpr auto NoneResult = DmarcResult::None;
constexpr auto Strict = Alignment::Strict;
constexpr auto Relaxed = Alignment::Relaxed;
constexpr auto Unaligned = Alignment::NotAligned;
constexpr auto Unknown = Alignment::Unknown;
constexpr auto Unevaluated = Alignment::NotEvaluated;
constexpr auto Quar = Disposition::Quarantine;
constexpr auto Rej = Disposition::Reject;
const Spf kUnrelatedSpf{SpfResult::Pass, "unrelated.example.net"};

std::vector<Case> cases() {
    LocalFacts forwarder;
    forwarder.trustedForwarder = true;
    LocalFacts list;
    list.mailingList = true;
    return {
        // --- which tag applies ---------------------------------------------------------
        {.what = "p for the author domain's own record",
         .txt = {{"_dmarc.example.com", "v=DMARC1; p=reject; sp=none; np=none"}},
         .names = {"example.com"},
         .spf = kUnrelatedSpf,
         .tag = PolicyTag::P,
         .policy = Policy::Reject,
         .requested = Rej,
         .applied = Rej,
         .spfAlignment = Unaligned},
        {.what = "sp for an existing subdomain",
         .author = "sub.example.com",
         .txt = {{"_dmarc.example.com", "v=DMARC1; p=none; sp=reject"}},
         .names = {"sub.example.com"},
         .spf = kUnrelatedSpf,
         .tag = PolicyTag::Sp,
         .policy = Policy::Reject,
         .requested = Rej,
         .applied = Rej,
         .spfAlignment = Unaligned},
        {.what = "p for a subdomain when sp and np are absent",
         .author = "sub.example.com",
         .txt = {{"_dmarc.example.com", "v=DMARC1; p=quarantine"}},
         .names = {"sub.example.com"},
         .spf = kUnrelatedSpf,
         .tag = PolicyTag::P,
         .policy = Policy::Quarantine,
         .requested = Quar,
         .applied = Quar,
         .spfAlignment = Unaligned},
        {.what = "np for a subdomain that does not exist",
         .author = "ghost.example.com",
         .txt = {{"_dmarc.example.com", "v=DMARC1; p=none; sp=quarantine; np=reject"}},
         .spf = kUnrelatedSpf,
         .tag = PolicyTag::Np,
         .policy = Policy::Reject,
         .requested = Rej,
         .applied = Rej,
         .spfAlignment = Unaligned,
         .existence = AuthorExistence::DoesNotExist},
        {.what = "np present but the subdomain exists: sp",
         .author = "real.example.com",
         .txt = {{"_dmarc.example.com", "v=DMARC1; p=none; sp=quarantine; np=reject"}},
         .names = {"real.example.com"},
         .spf = kUnrelatedSpf,
         .tag = PolicyTag::Sp,
         .policy = Policy::Quarantine,
         .requested = Quar,
         .applied = Quar,
         .spfAlignment = Unaligned,
         .existence = AuthorExistence::Exists},
        {.what = "np present, subdomain exists, no sp: p",
         .author = "real.example.com",
         .txt = {{"_dmarc.example.com", "v=DMARC1; p=none; np=reject"}},
         .names = {"real.example.com"},
         .spf = kUnrelatedSpf,
         .tag = PolicyTag::P,
         .policy = Policy::None,
         .spfAlignment = Unaligned,
         .existence = AuthorExistence::Exists},
        {.what = "np absent, subdomain does not exist: sp without a probe",
         .author = "ghost.example.com",
         .txt = {{"_dmarc.example.com", "v=DMARC1; p=none; sp=quarantine"}},
         .spf = kUnrelatedSpf,
         .tag = PolicyTag::Sp,
         .policy = Policy::Quarantine,
         .requested = Quar,
         .applied = Quar,
         .spfAlignment = Unaligned},
        {.what = "existence probe fails and np differs: temperror for a failing message",
         .author = "maybe.example.com",
         .txt = {{"_dmarc.example.com", "v=DMARC1; p=none; np=reject"}},
         .existenceFailures = {{"maybe.example.com", DnsStatus::ServFail}},
         .spf = kUnrelatedSpf,
         .result = TempErr,
         .tag = PolicyTag::P,
         .policy = Policy::None,
         .spfAlignment = Unaligned,
         .existence = AuthorExistence::Unknown,
         .detailContains =
             "existence of maybe.example.com unknown (SERVFAIL): np=reject or p=none"},
        {.what = "existence probe fails but np and sp agree: the failure stands",
         .author = "maybe.example.com",
         .txt = {{"_dmarc.example.com", "v=DMARC1; p=none; sp=reject; np=reject"}},
         .existenceFailures = {{"maybe.example.com", DnsStatus::Timeout}},
         .spf = kUnrelatedSpf,
         .tag = PolicyTag::Sp,
         .policy = Policy::Reject,
         .requested = Rej,
         .applied = Rej,
         .spfAlignment = Unaligned,
         .existence = AuthorExistence::Unknown,
         .detailContains = "but np and sp agree"},
        {.what = "existence probe fails for a passing message: pass",
         .author = "maybe.example.com",
         .txt = {{"_dmarc.example.com", "v=DMARC1; p=none; np=reject"}},
         .existenceFailures = {{"maybe.example.com", DnsStatus::ServFail}},
         .dkim = {{DkimResult::Pass, "example.com"}},
         .result = Pass,
         .tag = PolicyTag::P,
         .policy = Policy::None,
         .dkimAlignments = {Relaxed},
         .existence = AuthorExistence::Unknown},
        {.what = "RFC 7489 has no np: sp for a missing subdomain, no probe",
         .mode = DmarcMode::Rfc7489,
         .author = "ghost.example.com",
         .txt = {{"_dmarc.example.com", "v=DMARC1; p=none; sp=quarantine; np=reject"}},
         .spf = kUnrelatedSpf,
         .tag = PolicyTag::Sp,
         .policy = Policy::Quarantine,
         .requested = Quar,
         .applied = Quar,
         .spfAlignment = Unaligned},
        {.what = "record at the author domain: sp is ignored",
         .author = "sub.example.com",
         .txt = {{"_dmarc.sub.example.com", "v=DMARC1; p=quarantine; sp=reject"},
                 {"_dmarc.example.com", "v=DMARC1; p=none"}},
         .spf = kUnrelatedSpf,
         .tag = PolicyTag::P,
         .policy = Policy::Quarantine,
         .requested = Quar,
         .applied = Quar,
         .spfAlignment = Unaligned},
        {.what = "PSD record (psd=y) for a registrant without its own record",
         .author = "shop.psd.example",
         .txt = {{"_dmarc.psd.example", "v=DMARC1; p=quarantine; sp=reject; psd=y"}},
         .names = {"shop.psd.example"},
         .spf = kUnrelatedSpf,
         .tag = PolicyTag::Sp,
         .policy = Policy::Reject,
         .requested = Rej,
         .applied = Rej,
         .spfAlignment = Unaligned},
        {.what = "PSD record: registrants below a PSD do not align with each other",
         .author = "shop.psd.example",
         .txt = {{"_dmarc.psd.example", "v=DMARC1; p=quarantine; psd=y"}},
         .names = {"shop.psd.example"},
         .dkim = {{DkimResult::Pass, "other.psd.example"}},
         .tag = PolicyTag::P,
         .policy = Policy::Quarantine,
         .requested = Quar,
         .applied = Quar,
         .dkimAlignments = {Unaligned}},
        // --- none --------------------------------------------------------------------------
        {.what = "no record anywhere: none",
         .names = {"example.com"},
         .spf = {SpfResult::Pass, "example.com"},
         .dkim = {{DkimResult::Pass, "example.com"}},
         .result = NoneResult,
         .spfAlignment = Unevaluated,
         .dkimAlignments = {Unevaluated},
         .detailContains = "no DMARC record at _dmarc.example.com"},
        {.what = "unusable record (invalid p, no rua): none",
         .txt = {{"_dmarc.example.com", "v=DMARC1; p=bogus"}},
         .spf = kUnrelatedSpf,
         .result = NoneResult,
         .spfAlignment = Unevaluated},
        {.what = "invalid sp with rua: acts as p=none",
         .author = "sub.example.com",
         .txt = {{"_dmarc.example.com", "v=DMARC1; p=reject; sp=bogus; rua=mailto:d@example.com"}},
         .names = {"sub.example.com"},
         .spf = kUnrelatedSpf,
         .tag = PolicyTag::P,
         .policy = Policy::None,
         .spfAlignment = Unaligned},
        {.what = "several records at the author domain: none",
         .txt = {{"_dmarc.example.com", "v=DMARC1; p=reject"},
                 {"_dmarc.example.com", "v=DMARC1; p=none"}},
         .spf = kUnrelatedSpf,
         .result = NoneResult,
         .spfAlignment = Unevaluated},
        // --- policy lookup trouble ------------------------------------------------------
        {.what = "policy lookup fails: a pass for the author domain itself still passes",
         .txtFailures = {{"_dmarc.example.com", DnsStatus::ServFail}},
         .spf = kUnrelatedSpf,
         .dkim = {{DkimResult::Pass, "example.com"}},
         .result = Pass,
         .spfAlignment = Unevaluated,
         .dkimAlignments = {Strict}},
        {.what = "policy lookup fails: a relaxed candidate cannot be judged",
         .author = "news.example.com",
         .txtFailures = {{"_dmarc.news.example.com", DnsStatus::Timeout}},
         .dkim = {{DkimResult::Pass, "example.com"}},
         .result = TempErr,
         .dkimAlignments = {Unevaluated},
         .detailContains = "timeout at _dmarc.news.example.com"},
        {.what = "policy lookup fails with nothing passing: temperror",
         .txtFailures = {{"_dmarc.example.com", DnsStatus::ServFail}},
         .spf = {SpfResult::Fail, "example.com"},
         .result = TempErr,
         .spfAlignment = Unevaluated},
        // --- alignment with DNS trouble ---------------------------------------------------
        {.what = "identifier walk fails, nothing else aligned: temperror",
         .txt = {{"_dmarc.example.com", "v=DMARC1; p=reject"}},
         .txtFailures = {{"_dmarc.bounce.example.com", DnsStatus::ServFail}},
         .spf = {SpfResult::Pass, "a.bounce.example.com"},
         .result = TempErr,
         .tag = PolicyTag::P,
         .policy = Policy::Reject,
         .spfAlignment = Unknown},
        {.what = "identifier walk fails, another identifier aligned: pass",
         .txt = {{"_dmarc.example.com", "v=DMARC1; p=reject"}},
         .txtFailures = {{"_dmarc.bounce.example.com", DnsStatus::ServFail}},
         .spf = {SpfResult::Pass, "a.bounce.example.com"},
         .dkim = {{DkimResult::Pass, "example.com"}},
         .result = Pass,
         .tag = PolicyTag::P,
         .policy = Policy::Reject,
         .spfAlignment = Unknown,
         .dkimAlignments = {Strict}},
        {.what = "organizational domain undetermined after the author's record: relaxed unknown",
         .author = "news.example.com",
         .txt = {{"_dmarc.news.example.com", "v=DMARC1; p=reject"}},
         .txtFailures = {{"_dmarc.example.com", DnsStatus::ServFail}},
         .dkim = {{DkimResult::Pass, "example.com"}},
         .result = TempErr,
         .tag = PolicyTag::P,
         .policy = Policy::Reject,
         .dkimAlignments = {Unknown}},
        {.what = "organizational domain undetermined, identical DKIM pass: pass",
         .author = "news.example.com",
         .txt = {{"_dmarc.news.example.com", "v=DMARC1; p=reject"}},
         .txtFailures = {{"_dmarc.example.com", DnsStatus::ServFail}},
         .dkim = {{DkimResult::Pass, "news.example.com"}},
         .result = Pass,
         .tag = PolicyTag::P,
         .policy = Policy::Reject,
         .dkimAlignments = {Strict}},
        {.what = "organizational domain undetermined, only an unrelated pass: fail",
         .author = "news.example.com",
         .txt = {{"_dmarc.news.example.com", "v=DMARC1; p=reject"}},
         .txtFailures = {{"_dmarc.example.com", DnsStatus::ServFail}},
         .spf = {SpfResult::Pass, "mailer.example.net"},
         .tag = PolicyTag::P,
         .policy = Policy::Reject,
         .requested = Rej,
         .applied = Rej,
         .spfAlignment = Unaligned},
        // --- temperror and failing identifiers ----------------------------------------------
        {.what = "DKIM temperror for the author domain: temperror",
         .txt = {{"_dmarc.example.com", "v=DMARC1; p=reject"}},
         .spf = kUnrelatedSpf,
         .dkim = {{DkimResult::TempError, "example.com"}},
         .result = TempErr,
         .tag = PolicyTag::P,
         .policy = Policy::Reject,
         .spfAlignment = Unaligned,
         .dkimAlignments = {Strict}},
        {.what = "DKIM temperror for an unrelated domain does not matter: fail",
         .txt = {{"_dmarc.example.com", "v=DMARC1; p=reject"}},
         .dkim = {{DkimResult::TempError, "mailer.example.net"}},
         .tag = PolicyTag::P,
         .policy = Policy::Reject,
         .requested = Rej,
         .applied = Rej,
         .dkimAlignments = {Unaligned}},
        {.what = "SPF temperror for the author domain: temperror",
         .txt = {{"_dmarc.example.com", "v=DMARC1; p=reject"}},
         .spf = {SpfResult::TempError, "example.com"},
         .result = TempErr,
         .tag = PolicyTag::P,
         .policy = Policy::Reject,
         .spfAlignment = Strict},
        {.what = "SPF temperror, DKIM aligned pass: pass",
         .txt = {{"_dmarc.example.com", "v=DMARC1; p=reject"}},
         .spf = {SpfResult::TempError, "example.com"},
         .dkim = {{DkimResult::Pass, "example.com"}},
         .result = Pass,
         .tag = PolicyTag::P,
         .policy = Policy::Reject,
         .spfAlignment = Strict,
         .dkimAlignments = {Strict}},
        {.what = "DKIM temperror under strict adkim for a parent: does not matter",
         .author = "news.example.com",
         .txt = {{"_dmarc.example.com", "v=DMARC1; p=reject; adkim=s"}},
         .names = {"news.example.com"},
         .dkim = {{DkimResult::TempError, "example.com"}},
         .tag = PolicyTag::P,
         .policy = Policy::Reject,
         .requested = Rej,
         .applied = Rej,
         .dkimAlignments = {Unaligned}},
        {.what = "failing signature of the author domain cannot align",
         .txt = {{"_dmarc.example.com", "v=DMARC1; p=quarantine"}},
         .dkim = {{DkimResult::Fail, "example.com"}},
         .tag = PolicyTag::P,
         .policy = Policy::Quarantine,
         .requested = Quar,
         .applied = Quar,
         .dkimAlignments = {Unevaluated}},
        {.what = "several signatures: any aligned pass wins",
         .txt = {{"_dmarc.example.com", "v=DMARC1; p=reject"}},
         .dkim = {{DkimResult::Fail, "example.com"},
                  {DkimResult::Pass, "esp.example.net"},
                  {DkimResult::Policy, "example.com"},
                  {DkimResult::Pass, "mail.example.com"},
                  {DkimResult::PermError, ""}},
         .result = Pass,
         .tag = PolicyTag::P,
         .policy = Policy::Reject,
         .dkimAlignments = {Unevaluated, Unaligned, Unevaluated, Relaxed, Unevaluated}},
        {.what = "several signatures, none aligned: fail",
         .txt = {{"_dmarc.example.com", "v=DMARC1; p=reject"}},
         .dkim = {{DkimResult::Neutral, "example.com"}, {DkimResult::Pass, "esp.example.net"}},
         .tag = PolicyTag::P,
         .policy = Policy::Reject,
         .requested = Rej,
         .applied = Rej,
         .dkimAlignments = {Unevaluated, Unaligned}},
        // --- SPF scope and modes -----------------------------------------------------------------
        {.what = "HELO identity never aligns",
         .txt = {{"_dmarc.example.com", "v=DMARC1; p=reject"}},
         .spf = {SpfResult::Pass, "example.com", SpfScope::Helo},
         .tag = PolicyTag::P,
         .policy = Policy::Reject,
         .requested = Rej,
         .applied = Rej,
         .spfAlignment = Unaligned},
        {.what = "SPF pass without a domain",
         .txt = {{"_dmarc.example.com", "v=DMARC1; p=reject"}},
         .spf = {SpfResult::Pass, ""},
         .tag = PolicyTag::P,
         .policy = Policy::Reject,
         .requested = Rej,
         .applied = Rej,
         .spfAlignment = Unevaluated},
        {.what = "SPF softfail for the author domain does not align",
         .txt = {{"_dmarc.example.com", "v=DMARC1; p=reject"}},
         .spf = {SpfResult::SoftFail, "example.com"},
         .tag = PolicyTag::P,
         .policy = Policy::Reject,
         .requested = Rej,
         .applied = Rej,
         .spfAlignment = Unevaluated},
        {.what = "strict aspf: a subdomain MAIL FROM does not align",
         .txt = {{"_dmarc.example.com", "v=DMARC1; p=reject; aspf=s"}},
         .spf = {SpfResult::Pass, "bounce.example.com"},
         .tag = PolicyTag::P,
         .policy = Policy::Reject,
         .requested = Rej,
         .applied = Rej,
         .spfAlignment = Unaligned},
        {.what = "relaxed aspf: a subdomain MAIL FROM aligns",
         .txt = {{"_dmarc.example.com", "v=DMARC1; p=reject"}},
         .spf = {SpfResult::Pass, "bounce.example.com"},
         .result = Pass,
         .tag = PolicyTag::P,
         .policy = Policy::Reject,
         .spfAlignment = Relaxed},
        {.what = "strict adkim does not affect SPF",
         .txt = {{"_dmarc.example.com", "v=DMARC1; p=reject; adkim=s"}},
         .spf = {SpfResult::Pass, "bounce.example.com"},
         .dkim = {{DkimResult::Pass, "mail.example.com"}},
         .result = Pass,
         .tag = PolicyTag::P,
         .policy = Policy::Reject,
         .spfAlignment = Relaxed,
         .dkimAlignments = {Unaligned}},
        {.what = "RFC 7489 relaxed alignment by public suffix list",
         .mode = DmarcMode::Rfc7489,
         .author = "news.example.co.uk",
         .txt = {{"_dmarc.example.co.uk", "v=DMARC1; p=reject"}},
         .names = {"news.example.co.uk"},
         .dkim = {{DkimResult::Pass, "mail.example.co.uk"}, {DkimResult::Pass, "other.co.uk"}},
         .result = Pass,
         .tag = PolicyTag::P,
         .policy = Policy::Reject,
         .dkimAlignments = {Relaxed, Unaligned}},
        // --- the disposition through the pipeline ----------------------------------------
        {.what = "t=y on p",
         .txt = {{"_dmarc.example.com", "v=DMARC1; p=reject; t=y"}},
         .spf = kUnrelatedSpf,
         .tag = PolicyTag::P,
         .policy = Policy::Reject,
         .requested = Rej,
         .applied = Quar,
         .reasons = {OverrideReason::PolicyTestMode},
         .spfAlignment = Unaligned},
        {.what = "t=y on sp",
         .author = "sub.example.com",
         .txt = {{"_dmarc.example.com", "v=DMARC1; p=reject; sp=quarantine; t=y"}},
         .names = {"sub.example.com"},
         .spf = kUnrelatedSpf,
         .tag = PolicyTag::Sp,
         .policy = Policy::Quarantine,
         .requested = Quar,
         .applied = Disposition::None,
         .reasons = {OverrideReason::PolicyTestMode},
         .spfAlignment = Unaligned},
        {.what = "t=y on np",
         .author = "ghost.example.com",
         .txt = {{"_dmarc.example.com", "v=DMARC1; p=none; np=reject; t=y"}},
         .spf = kUnrelatedSpf,
         .tag = PolicyTag::Np,
         .policy = Policy::Reject,
         .requested = Rej,
         .applied = Quar,
         .reasons = {OverrideReason::PolicyTestMode},
         .spfAlignment = Unaligned,
         .existence = AuthorExistence::DoesNotExist},
        {.what = "RFC 7489 pct=30, draw 29: applied",
         .mode = DmarcMode::Rfc7489,
         .txt = {{"_dmarc.example.com", "v=DMARC1; p=reject; pct=30"}},
         .spf = kUnrelatedSpf,
         .draw = 29,
         .tag = PolicyTag::P,
         .policy = Policy::Reject,
         .requested = Rej,
         .applied = Rej,
         .spfAlignment = Unaligned},
        {.what = "RFC 7489 pct=30, draw 30: sampled out",
         .mode = DmarcMode::Rfc7489,
         .txt = {{"_dmarc.example.com", "v=DMARC1; p=reject; pct=30"}},
         .spf = kUnrelatedSpf,
         .draw = 30,
         .tag = PolicyTag::P,
         .policy = Policy::Reject,
         .requested = Rej,
         .applied = Quar,
         .reasons = {OverrideReason::SampledOut},
         .spfAlignment = Unaligned},
        {.what = "default: p=reject failure is quarantined",
         .txt = {{"_dmarc.example.com", "v=DMARC1; p=reject"}},
         .spf = kUnrelatedSpf,
         .hardReject = false,
         .tag = PolicyTag::P,
         .policy = Policy::Reject,
         .requested = Rej,
         .applied = Quar,
         .reasons = {OverrideReason::LocalPolicy},
         .spfAlignment = Unaligned},
        {.what = "trusted forwarder",
         .txt = {{"_dmarc.example.com", "v=DMARC1; p=reject"}},
         .spf = kUnrelatedSpf,
         .facts = forwarder,
         .tag = PolicyTag::P,
         .policy = Policy::Reject,
         .requested = Rej,
         .applied = Disposition::None,
         .reasons = {OverrideReason::TrustedForwarder},
         .spfAlignment = Unaligned},
        {.what = "mailing list",
         .txt = {{"_dmarc.example.com", "v=DMARC1; p=quarantine"}},
         .spf = kUnrelatedSpf,
         .facts = list,
         .tag = PolicyTag::P,
         .policy = Policy::Quarantine,
         .requested = Quar,
         .applied = Disposition::None,
         .reasons = {OverrideReason::MailingList},
         .spfAlignment = Unaligned},
        {.what = "overrides do not touch a pass",
         .txt = {{"_dmarc.example.com", "v=DMARC1; p=reject"}},
         .dkim = {{DkimResult::Pass, "example.com"}},
         .facts = forwarder,
         .hardReject = false,
         .result = Pass,
         .tag = PolicyTag::P,
         .policy = Policy::Reject,
         .dkimAlignments = {Strict}},
    };
}

TEST_CASE("evaluation table") {
    for (const auto& c : cases()) {
        INFO(c.what << (c.mode == DmarcMode::Rfc9989 ? " [RFC 9989]" : " [RFC 7489]"));
        TableResolver resolver;
        const Verdict v = run(c, resolver);
        INFO(v.explanation);
        CHECK(v.result == c.result);
        CHECK(v.tag == c.tag);
        CHECK(v.policy == c.policy);
        CHECK(v.requested == c.requested);
        CHECK(v.applied == c.applied);
        std::vector<OverrideReason> reasons;
        for (const auto& o : v.overrides) reasons.push_back(o.reason);
        CHECK(reasons == c.reasons);
        CHECK(v.spf.alignment.alignment == c.spfAlignment);
        CHECK_FALSE((v.spf.alignment.why.empty() && c.spfAlignment != Unevaluated));
        REQUIRE(v.dkim.size() == c.dkimAlignments.size());
        for (std::size_t i = 0; i < v.dkim.size(); ++i) {
            INFO("signature " << i << ": " << v.dkim[i].alignment.why);
            CHECK(v.dkim[i].alignment.alignment == c.dkimAlignments[i]);
        }
        CHECK(v.existence == c.existence);
        CHECK(existenceProbes(resolver) ==
              (c.existence == AuthorExistence::NotChecked ? 0u : 1u));
        CHECK_THAT(v.policyDetail, Catch::Contains(c.detailContains));
        CHECK(v.authorDomain == c.author);
        CHECK(v.mode == c.mode);
        CHECK_FALSE(v.explanation.empty());
    }
}

TEST_CASE("evaluation records the discovery it made") {
    TableResolver resolver;
    const Case c{
        .what = "discovery",
        .author = "a.b.example.com",
        .txt = {{"_dmarc.example.com", "v=DMARC1; p=quarantine; rua=mailto:d@example.com"}},
        .names = {"a.b.example.com"},
        .spf = {SpfResult::Pass, "example.com"}};
    const Verdict v = run(c, resolver);
    CHECK(v.result == Pass);
    CHECK(v.discovery == DiscoveryOutcome::Found);
    REQUIRE(v.record);
    CHECK(v.record->domain == nameOf("example.com"));
    CHECK(v.record->source == PolicySource::OrganizationalDomain);
    CHECK(v.record->record.rua == std::vector<std::string>{"mailto:d@example.com"});
    REQUIRE(v.usable);
    CHECK(v.usable->p == Policy::Quarantine);
    REQUIRE(v.orgDomain);
    CHECK(*v.orgDomain == nameOf("example.com"));
    std::vector<std::string> queried;
    for (const auto& name : v.queried) queried.push_back(name.str());
    CHECK(queried == std::vector<std::string>{"_dmarc.a.b.example.com", "_dmarc.b.example.com",
                                              "_dmarc.example.com", "_dmarc.com"});
    CHECK(v.spfAligned());
    CHECK_FALSE(v.dkimAligned());
    // The discovery walk already settled the author's organizational domain: the SPF
    // domain's own walk is the only other one.
    CHECK(resolver.txtQueries() == std::vector<std::string>{
                                       "_dmarc.a.b.example.com", "_dmarc.b.example.com",
                                       "_dmarc.example.com", "_dmarc.com", "_dmarc.example.com",
                                       "_dmarc.com"});
}

TEST_CASE("evaluation asks no alignment walks it does not need") {
    TableResolver resolver;
    const Case c{.what = "walks", .txt = {{"_dmarc.example.com", "v=DMARC1; p=reject"}},
                 .spf = {SpfResult::Pass, "amazonses.com"},
                 .dkim = {{DkimResult::Pass, "example.com"}, {DkimResult::Fail, "sub.example.com"},
                          {DkimResult::Pass, "esp.example.net"}}};
    const Verdict v = run(c, resolver);
    CHECK(v.result == Pass);
    CHECK(v.spf.alignment.why == "amazonses.com is not within example.com");
    CHECK(resolver.txtQueries() == std::vector<std::string>{"_dmarc.example.com", "_dmarc.com"});
}

TEST_CASE("evaluation in RFC 7489 mode without a public suffix list is a permerror") {
    TableResolver resolver;
    FixedRandom random(0);
    LocalPolicy settings;
    settings.mode = DmarcMode::Rfc7489;
    AuthInputs auth;
    auth.dkim.push_back({DkimResult::Pass, nameOf("example.com"), "s", "rsa-sha256", "", ""});
    const Verdict v = evaluate(nameOf("example.com"), auth, {}, settings,
                               EvaluationContext{resolver, random, nullptr});
    CHECK(v.result == DmarcResult::PermError);
    CHECK(v.dkim.at(0).alignment.alignment == Unevaluated);
    CHECK(resolver.queries().empty());
    CHECK_THAT(v.explanation, Catch::Contains("public suffix list"));
}

TEST_CASE("an invalid From domain is a permerror without DNS") {
    AuthInputs auth;
    auth.spf = {SpfResult::Pass, nameOf("example.com"), SpfScope::MailFrom};
    auth.dkim.push_back({DkimResult::Pass, nameOf("example.com"), std::string(1000, 's'),
                         "rsa-sha256", "", ""});
    LocalPolicy settings;
    const auto raw = std::string("....example.com....") + std::string(500, 'x');
    const Verdict v = invalidAuthorVerdict(raw, DomainError::EmptyLabel, auth, settings);
    CHECK(v.result == DmarcResult::PermError);
    CHECK(v.authorDomain.size() == 255);
    CHECK(v.dkim.at(0).selector.size() == 255);
    CHECK(v.spf.alignment.alignment == Unevaluated);
    CHECK(v.applied == Disposition::None);
    CHECK_THAT(v.policyDetail, Catch::Contains("not a valid domain name"));
    CHECK_THAT(v.explanation, Catch::EndsWith("-> permerror"));
}

TEST_CASE("evaluation echoes the authentication inputs") {
    TableResolver resolver;
    resolver.addTxt("_dmarc.example.com", "v=DMARC1; p=none");
    FixedRandom random(0);
    AuthInputs auth;
    auth.spf = {SpfResult::SoftFail, nameOf("bounce.example.com"), SpfScope::MailFrom};
    auth.dkim.push_back({DkimResult::Fail, nameOf("example.com"), "2024a", "ed25519-sha256",
                         "body hash mismatch", ""});
    const Verdict v = evaluate(nameOf("example.com"), auth, {}, LocalPolicy{},
                               EvaluationContext{resolver, random, nullptr});
    CHECK(v.spf.result == SpfResult::SoftFail);
    CHECK(v.spf.domain == "bounce.example.com");
    CHECK(v.spf.scope == SpfScope::MailFrom);
    REQUIRE(v.dkim.size() == 1);
    CHECK(v.dkim[0].result == DkimResult::Fail);
    CHECK(v.dkim[0].domain == "example.com");
    CHECK(v.dkim[0].selector == "2024a");
    CHECK(v.dkim[0].algorithm == "ed25519-sha256");
    CHECK(v.dkim[0].reason == "body hash mismatch");
    CHECK(v.result == Fail);
    CHECK(v.applied == Disposition::None);  // p=none
}

// RFC 9989 Appendix B.3: example.com with "v=DMARC1; p=reject; aspf=r;
// rua=mailto:dmarc-feedback@example.com", SPF-authenticated mail.example.com, DKIM example.com.
TEST_CASE("RFC 9989 Appendix B.3 mail receiver example") {
    const char* record = "v=DMARC1; p=reject; aspf=r; rua=mailto:dmarc-feedback@example.com";
    for (const auto mode : {DmarcMode::Rfc9989, DmarcMode::Rfc7489}) {
        INFO((mode == DmarcMode::Rfc9989 ? "RFC 9989" : "RFC 7489"));
        SECTION("both identifiers align: pass, the reject policy is avoided") {
            TableResolver resolver;
            const Case c{.what = "B.3", .mode = mode, .txt = {{"_dmarc.example.com", record}},
                         .spf = {SpfResult::Pass, "mail.example.com"},
                         .dkim = {{DkimResult::Pass, "example.com"}}};
            const Verdict v = run(c, resolver);
            CHECK(v.result == Pass);
            CHECK(v.spf.alignment.alignment == Relaxed);
            CHECK(v.dkim.at(0).alignment.alignment == Strict);
            CHECK(v.spfAligned());
            CHECK(v.dkimAligned());
            CHECK(v.policy == Policy::Reject);
            CHECK(v.applied == Disposition::None);
        }
        SECTION("no identifier aligns: the policy applies (reject only when opted in)") {
            for (const bool hard : {true, false}) {
                TableResolver resolver;
                const Case c{.what = "B.3 fail", .mode = mode,
                             .txt = {{"_dmarc.example.com", record}},
                             .spf = {SpfResult::Pass, "mail.example.net"},
                             .dkim = {{DkimResult::Pass, "example.net"}}, .hardReject = hard};
                const Verdict v = run(c, resolver);
                CHECK(v.result == Fail);
                CHECK(v.requested == Rej);
                CHECK(v.applied == (hard ? Rej : Quar));
            }
        }
        SECTION("no identifier aligns but a known trusted forwarder relayed it") {
            TableResolver resolver;
            LocalFacts facts;
            facts.trustedForwarder = true;
            const Case c{.what = "B.3 forwarder", .mode = mode,
                         .txt = {{"_dmarc.example.com", record}},
                         .spf = {SpfResult::Fail, "example.com"},
                         .dkim = {{DkimResult::Fail, "example.com"}}, .facts = facts};
            const Verdict v = run(c, resolver);
            CHECK(v.result == Fail);
            CHECK(v.requested == Rej);
            CHECK(v.applied == Disposition::None);
            CHECK(v.overrideReason() == OverrideReason::TrustedForwarder);
        }
        SECTION("DNS trouble: temperror, so the receiver can answer 4xy") {
            TableResolver resolver;
            const Case c{.what = "B.3 dns", .mode = mode,
                         .txtFailures = {{"_dmarc.example.com", DnsStatus::Timeout}},
                         .spf = {SpfResult::Pass, "mail.example.com"}};
            CHECK(run(c, resolver).result == TempErr);
        }
    }
}

// Generated inputs (fixed seed, so deterministic) checked against the invariants that
// must hold whatever DNS, authentication results and local settings come together.
TEST_CASE("evaluation invariants over generated inputs") {
    const std::vector<const char*> authors = {"example.com", "sub.example.com", "ghost.example.com",
                                              "a.b.example.com", "example.net", "shop.psd.example"};
    const std::vector<const char*> recordNames = {"example.com", "sub.example.com", "b.example.com",
                                                  "example.net", "psd.example", "shop.psd.example"};
    const std::vector<const char*> records = {
        "v=DMARC1; p=reject",
        "v=DMARC1; p=quarantine; sp=reject; np=none",
        "v=DMARC1; p=none",
        "v=DMARC1; p=reject; t=y; pct=40",
        "v=DMARC1; p=none; np=reject; adkim=s",
        "v=DMARC1; p=quarantine; aspf=s; psd=n",
        "v=DMARC1; psd=y",
        "v=DMARC1; p=bogus",
        "v=DMARC1; p=reject; sp=bogus; rua=mailto:d@example.com",
        "v=spf1 -all",
        "v=DMARC1; p=reject; pct=0"};
    const std::vector<const char*> identifiers = {"",
                                                  "example.com",
                                                  "sub.example.com",
                                                  "x.sub.example.com",
                                                  "example.net",
                                                  "shop.psd.example",
                                                  "other.psd.example",
                                                  "b.example.com",
                                                  "y.b.example.com",
                                                  "amazonses.com"};
    const std::vector<DnsStatus> troubles = {DnsStatus::ServFail, DnsStatus::Timeout,
                                             DnsStatus::Malformed};
    std::vector<std::string> dmarcNames;
    for (const auto* name : recordNames) dmarcNames.push_back(std::string("_dmarc.") + name);
    std::mt19937 rng(20260501);
    const auto pick = [&rng](const auto& pool) { return pool[rng() % pool.size()]; };
    const auto chance = [&rng](unsigned percent) { return rng() % 100 < percent; };

    // How often each outcome came up: the generator must reach all of them.
    std::map<std::string, int> seen;
    for (int iteration = 0; iteration < 5000; ++iteration) {
        Case c{.what = "generated"};
        c.mode = chance(50) ? DmarcMode::Rfc9989 : DmarcMode::Rfc7489;
        c.author = pick(authors);
        for (const auto& name : dmarcNames) {
            if (chance(35)) c.txt.push_back({name.c_str(), pick(records)});
            if (chance(10)) c.txtFailures.push_back({name.c_str(), pick(troubles)});
        }
        if (chance(50)) c.names.push_back(c.author);
        if (chance(10)) c.existenceFailures.push_back({c.author, pick(troubles)});
        c.spf = {static_cast<SpfResult>(rng() % 7), pick(identifiers),
                 chance(15) ? SpfScope::Helo : SpfScope::MailFrom};
        for (unsigned n = rng() % 4; n > 0; --n) {
            c.dkim.push_back({static_cast<DkimResult>(rng() % 7), pick(identifiers)});
        }
        c.facts.trustedForwarder = chance(10);
        c.facts.mailingList = chance(10);
        if (chance(10)) c.facts.domainRule = static_cast<Disposition>(rng() % 3);
        c.hardReject = chance(50);
        c.draw = static_cast<int>(rng() % 100);

        TableResolver resolver;
        const Verdict v = run(c, resolver);
        std::string txtDump;
        for (const auto& [name, text] : c.txt) txtDump += std::string(name) + "=" + text + " | ";
        INFO("iteration " << iteration << ": " << v.explanation << "\nrecords: " << txtDump);
        const bool dnsTrouble = !c.txtFailures.empty() || !c.existenceFailures.empty();
        bool identifierTempError = c.spf.result == SpfResult::TempError;
        for (const auto& d : c.dkim) identifierTempError |= d.result == DkimResult::TempError;
        const bool anyAligned = v.spfAligned() || v.dkimAligned();

        CHECK_FALSE(v.explanation.empty());
        if (v.result == DmarcResult::Pass) CHECK(anyAligned);
        if (v.usable && anyAligned) CHECK(v.result == DmarcResult::Pass);
        if (v.result == DmarcResult::TempError) CHECK((dnsTrouble || identifierTempError));
        if (v.result == DmarcResult::None) CHECK_FALSE(v.tag);
        if (v.usable) CHECK(v.tag);
        if (v.result != DmarcResult::Fail) {
            CHECK(v.requested == Disposition::None);
            CHECK(v.applied == Disposition::None);
            CHECK(v.overrides.empty());
        } else {
            REQUIRE(v.policy);
            CHECK(v.requested == toDisposition(*v.policy));
            if (!c.facts.domainRule) {
                CHECK(v.applied <= v.requested);
                CHECK((v.applied == v.requested) == v.overrides.empty());
                if (!c.hardReject) CHECK(v.applied != Disposition::Reject);
            }
        }
        if (c.spf.scope == SpfScope::Helo) CHECK_FALSE(v.spfAligned());
        for (const auto& d : v.dkim) {
            if (d.alignment.alignment == Alignment::Unknown) CHECK(dnsTrouble);
        }
        if (v.spf.alignment.alignment == Alignment::Unknown) CHECK(dnsTrouble);
        CHECK(existenceProbes(resolver) <= (c.mode == DmarcMode::Rfc9989 ? 1u : 0u));
        CHECK(resolver.queries().size() <= 8 * (2 + kMaxIdentifierWalks) + 1);

        TableResolver again;
        CHECK(run(c, again).explanation == v.explanation);

        ++seen[std::string("result ") + std::string(toString(v.result))];
        if (v.tag) ++seen[std::string("tag ") + std::string(toString(*v.tag))];
        for (const auto& o : v.overrides) ++seen[std::string(toString(o.reason))];
        ++seen[std::string("align ") + std::string(toString(v.spf.alignment.alignment))];
        for (const auto& d : v.dkim) {
            ++seen[std::string("align ") + std::string(toString(d.alignment.alignment))];
        }
    }
    for (const auto* outcome :
         {"result pass", "result fail", "result none", "result temperror", "tag p", "tag sp",
          "tag np", "policy_test_mode", "sampled_out", "local_policy", "trusted_forwarder",
          "mailing_list", "align strict", "align relaxed", "align unaligned", "align unknown",
          "align unevaluated"}) {
        INFO(outcome);
        CHECK(seen[outcome] >= 5);
    }
}

}  // namespace
