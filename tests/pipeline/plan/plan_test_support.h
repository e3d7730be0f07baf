// Helpers for the plan tests: configurations parsed from real key names, verdicts built the
// way the core builds them (decideDisposition under the configuration's LocalPolicy), and
// the Evaluation and MessageFacts around them. Deterministic; single-threaded.
#pragma once

#include <catch2/catch.hpp>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "config/config_test_support.h"
#include "core/auth_results_parse.h"
#include "core/disposition.h"
#include "core/dmarc_record.h"
#include "pipeline/message_plan.h"
#include "support/fixed_random.h"

namespace dmarc::pipeline::testing {

// Parsed like dmarc-milter.conf; host name mx.example.net (the default AuthservID).
inline config::Config configFrom(const std::string& text) { return config::testing::parseOk(text); }


struct VerdictSpec {
    std::string author = "mydomain.com";
    core::DmarcResult result = core::DmarcResult::Fail;
    std::string record = "v=DMARC1; p=reject";  // "" → no record
    std::string recordDomain;                   // "" → the author domain
    core::PolicyTag tag = core::PolicyTag::P;
    core::LocalFacts facts;
    int draw = 0;  // the RFC 7489 pct draw
};

inline VerdictSpec specWith(core::DmarcResult result, std::string record) {
    VerdictSpec spec;
    spec.result = result;
    spec.record = std::move(record);
    return spec;
}

inline core::Policy policyFor(const core::UsablePolicy& usable, core::PolicyTag tag) {
    switch (tag) {
        case core::PolicyTag::P: return usable.p;
        case core::PolicyTag::Sp: return usable.sp.value_or(usable.p);
        case core::PolicyTag::Np: return usable.np.value_or(usable.sp.value_or(usable.p));
    }
    return usable.p;
}

// An ESP's message: SPF pass for its own bounce domain (unaligned), one DKIM signature
// that failed; the DMARC part per `spec`, the disposition decided by the core.
inline core::Verdict makeVerdict(const VerdictSpec& spec, const config::Config& config) {
    core::Verdict verdict;
    verdict.mode = config.mode;
    verdict.authorDomain = spec.author;
    verdict.spf = core::SpfVerdict{core::SpfResult::Pass, "bounce.esp.example", core::SpfScope::MailFrom,
                                   {core::Alignment::NotAligned, "bounce.esp.example is not within " + spec.author}};
    core::DkimVerdict dkim;
    dkim.result = core::DkimResult::Fail;
    dkim.domain = spec.author;
    dkim.selector = "sel";
    dkim.algorithm = "rsa-sha256";
    dkim.reason = "body hash mismatch";
    dkim.alignment = {core::Alignment::Relaxed, ""};
    dkim.signature = "AbCdEfGhIjKlMnOp";
    verdict.dkim.push_back(dkim);
    verdict.result = spec.result;

    core::DispositionInput input{spec.result, core::Policy::None, false, 100};
    if (!spec.record.empty()) {
        const auto record = core::parseDmarcRecord(spec.record);
        REQUIRE(record.ok());
        const auto usable = core::usablePolicy(record.value(), config.mode);
        REQUIRE(usable.ok());
        const std::string& where = spec.recordDomain.empty() ? spec.author : spec.recordDomain;
        verdict.discovery = core::DiscoveryOutcome::Found;
        verdict.record = core::DiscoveredPolicy{core::DomainName::parse(where).value(), record.value(),
                                                spec.recordDomain.empty() ? core::PolicySource::AuthorDomain
                                                                          : core::PolicySource::OrganizationalDomain};
        verdict.usable = usable.value();
        verdict.tag = spec.tag;
        verdict.policy = policyFor(usable.value(), spec.tag);
        input = core::DispositionInput{spec.result, *verdict.policy, record->testing, record->pct};
    } else {
        verdict.policyDetail = "no DMARC record";
    }
    test::FixedRandom random(spec.draw);
    const core::DispositionDecision decision =
        core::decideDisposition(input, config::localPolicy(config), spec.facts, random);
    verdict.requested = decision.requested;
    verdict.applied = decision.applied;
    verdict.overrides = decision.overrides;
    return verdict;
}

inline Evaluation evaluationOf(const std::vector<core::Verdict>& verdicts) {
    Evaluation evaluation;
    evaluation.verdicts = verdicts;
    evaluation.applied = core::strictest(verdicts);
    evaluation.spf = adapters::SpfOutcome{core::SpfResult::Pass, "bounce.esp.example", core::SpfScope::MailFrom, "", "mechanism matched"};
    adapters::DkimSignatureResult dkim;
    dkim.result = adapters::DkimResult::Fail;
    dkim.domain = "mydomain.com";
    dkim.selector = "sel";
    dkim.algorithm = "rsa-sha256";
    dkim.signaturePrefix = "AbCdEfGhIjKlMnOp";
    dkim.reason = "body hash mismatch";
    evaluation.dkim.push_back(dkim);
    evaluation.fromFieldCount = 1;
    evaluation.severalAuthors = verdicts.size() > 1;
    return evaluation;
}

// An evaluation that ended without an author domain.
inline Evaluation evaluationWithoutAuthor(std::optional<core::FromError> error, std::size_t fromFields) {
    Evaluation evaluation = evaluationOf({});
    evaluation.fromError = error;
    evaluation.fromFieldCount = fromFields;
    evaluation.severalAuthors = !error || fromFields > 1;
    return evaluation;
}

inline MessageFacts factsFor(std::vector<std::string> recipients = {"<alice@example.net>"}) {
    MessageFacts facts;
    facts.queueId = "3Zx1Kq4Hj";
    facts.clientIp = "192.0.2.1";
    facts.helo = "mail.esp.example";
    facts.mailFrom = "bounce@bounce.esp.example";
    facts.recipients = std::move(recipients);
    return facts;
}

// The changes of one kind, as "NAME INDEX" / "POSITION NAME:VALUE" lines.
inline std::vector<std::string> changeLines(const MessagePlan& plan, HeaderChange::Kind kind) {
    std::vector<std::string> lines;
    for (const HeaderChange& change : plan.changes) {
        if (change.kind != kind) continue;
        lines.push_back(kind == HeaderChange::Kind::Delete
                            ? change.name + " " + std::to_string(change.index)
                            : std::to_string(change.index) + " " + change.name + ":" + change.value);
    }
    return lines;
}

// The value of the inserted field called `name`, or nullopt.
inline std::optional<std::string> inserted(const MessagePlan& plan, std::string_view name) {
    for (const HeaderChange& change : plan.changes) {
        if (change.kind == HeaderChange::Kind::Insert && change.name == name) return change.value;
    }
    return std::nullopt;
}

// The dmarc= result of our inserted Authentication-Results field ("" when absent).
inline std::string insertedDmarcResult(const MessagePlan& plan) {
    const auto value = inserted(plan, "Authentication-Results");
    if (!value) return "";
    const auto parsed = core::parseAuthResults(*value);
    REQUIRE(parsed.ok());
    for (const auto& result : parsed->results) {
        if (result.method == "dmarc") return result.result;
    }
    return "";
}

inline bool contains(const std::string& text, std::string_view part) {
    return text.find(part) != std::string::npos;
}

}  // namespace dmarc::pipeline::testing
