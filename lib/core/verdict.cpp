// Words for the Verdict's enums (the ones A-R, logs and RFC 9990 reports use), the short
// human explanation of a verdict, and the choice among several author domains' verdicts.
// Pure functions of their arguments; thread-safe.
#include "verdict.h"

#include <algorithm>

namespace dmarc::core {
namespace {

std::string describeAlignment(const AlignmentCheck& check) {
    switch (check.alignment) {
        case Alignment::Strict:
        case Alignment::Relaxed:
            return ", aligned (" + std::string(toString(check.alignment)) + ")";
        case Alignment::NotAligned: return ", unaligned: " + check.why;
        case Alignment::Unknown: return ", alignment unknown: " + check.why;
        case Alignment::NotEvaluated: return "";
    }
    return "";
}

std::string describeSpf(const SpfVerdict& spf) {
    if (spf.domain.empty()) return "SPF " + std::string(toString(spf.result)) + " without a domain";
    std::string text = "SPF " + std::string(toString(spf.result)) + " for " + spf.domain;
    if (spf.scope == SpfScope::Helo) text += " (HELO)";
    return text + describeAlignment(spf.alignment);
}

std::string describeDkim(const DkimVerdict& dkim) {
    std::string text = "DKIM " + std::string(toString(dkim.result)) + " for " +
                       (dkim.domain.empty() ? std::string("an unknown domain") : dkim.domain);
    if (!dkim.selector.empty()) text += " (s=" + dkim.selector + ")";
    return text + describeAlignment(dkim.alignment);
}

std::string describePolicy(const Verdict& verdict) {
    const std::string detail =
        verdict.policyDetail.empty() ? "" : " (" + verdict.policyDetail + ")";
    if (verdict.result == DmarcResult::PermError) return "no evaluation" + detail;
    if (verdict.discovery == DiscoveryOutcome::TempError && !verdict.usable) {
        return "policy lookup failed" + detail;
    }
    if (!verdict.record) return "no DMARC record" + detail;
    const std::string where = verdict.record->domain.str();
    if (!verdict.usable || !verdict.tag || !verdict.policy) {
        return "record at " + where + " is unusable" + detail;
    }
    std::string text = "policy " + std::string(toString(*verdict.tag)) + "=" +
                       std::string(toString(*verdict.policy)) + " from " + where;
    if (verdict.mode == DmarcMode::Rfc9989 && verdict.record->record.testing) text += " t=y";
    if (verdict.mode == DmarcMode::Rfc7489 && verdict.record->record.pct < 100) {
        text += " pct=" + std::to_string(verdict.record->record.pct);
    }
    return text + detail;
}

std::string describeDisposition(const Verdict& verdict) {
    if (verdict.result != DmarcResult::Fail) return "";
    std::string text = ", disposition " + std::string(toString(verdict.applied));
    if (verdict.overrides.empty()) return text;
    text += " (requested " + std::string(toString(verdict.requested));
    for (const auto& entry : verdict.overrides) {
        text += "; " + std::string(toString(entry.reason)) + ": " + entry.comment;
    }
    return text + ")";
}

int dispositionRank(Disposition disposition) {
    switch (disposition) {
        case Disposition::None: return 0;
        case Disposition::Quarantine: return 1;
        case Disposition::Reject: return 2;
    }
    return 0;
}

int resultRank(DmarcResult result) {
    switch (result) {
        case DmarcResult::Pass: return 0;
        case DmarcResult::None: return 1;
        case DmarcResult::PermError: return 2;
        case DmarcResult::Fail: return 3;
        case DmarcResult::TempError: return 4;
    }
    return 0;
}

}  // namespace

std::string_view toString(SpfResult result) {
    switch (result) {
        case SpfResult::None: return "none";
        case SpfResult::Neutral: return "neutral";
        case SpfResult::Pass: return "pass";
        case SpfResult::Fail: return "fail";
        case SpfResult::SoftFail: return "softfail";
        case SpfResult::TempError: return "temperror";
        case SpfResult::PermError: return "permerror";
    }
    return "none";
}

std::string_view toString(SpfScope scope) {
    return scope == SpfScope::Helo ? "helo" : "mfrom";
}

std::string_view toString(DkimResult result) {
    switch (result) {
        case DkimResult::None: return "none";
        case DkimResult::Pass: return "pass";
        case DkimResult::Fail: return "fail";
        case DkimResult::Policy: return "policy";
        case DkimResult::Neutral: return "neutral";
        case DkimResult::TempError: return "temperror";
        case DkimResult::PermError: return "permerror";
    }
    return "none";
}

std::string_view toString(DmarcResult result) {
    switch (result) {
        case DmarcResult::None: return "none";
        case DmarcResult::Pass: return "pass";
        case DmarcResult::Fail: return "fail";
        case DmarcResult::TempError: return "temperror";
        case DmarcResult::PermError: return "permerror";
    }
    return "none";
}

std::string_view toString(Disposition disposition) {
    switch (disposition) {
        case Disposition::None: return "none";
        case Disposition::Quarantine: return "quarantine";
        case Disposition::Reject: return "reject";
    }
    return "none";
}

std::string_view toString(OverrideReason reason) {
    switch (reason) {
        case OverrideReason::TrustedForwarder: return "trusted_forwarder";
        case OverrideReason::MailingList: return "mailing_list";
        case OverrideReason::LocalPolicy: return "local_policy";
        case OverrideReason::PolicyTestMode: return "policy_test_mode";
        case OverrideReason::SampledOut: return "sampled_out";
        case OverrideReason::Other: return "other";
    }
    return "other";
}

std::string_view toString(PolicyTag tag) {
    switch (tag) {
        case PolicyTag::P: return "p";
        case PolicyTag::Sp: return "sp";
        case PolicyTag::Np: return "np";
    }
    return "p";
}

std::string_view toString(AuthorExistence existence) {
    switch (existence) {
        case AuthorExistence::NotChecked: return "not checked";
        case AuthorExistence::Exists: return "exists";
        case AuthorExistence::DoesNotExist: return "does not exist";
        case AuthorExistence::Unknown: return "unknown";
    }
    return "unknown";
}

Disposition toDisposition(Policy policy) {
    switch (policy) {
        case Policy::None: return Disposition::None;
        case Policy::Quarantine: return Disposition::Quarantine;
        case Policy::Reject: return Disposition::Reject;
    }
    return Disposition::None;
}

bool Verdict::spfAligned() const {
    return spf.result == SpfResult::Pass && isAligned(spf.alignment.alignment);
}

bool Verdict::dkimAligned() const {
    return std::any_of(dkim.begin(), dkim.end(), [](const DkimVerdict& signature) {
        return signature.result == DkimResult::Pass && isAligned(signature.alignment.alignment);
    });
}

std::optional<OverrideReason> Verdict::overrideReason() const {
    if (overrides.empty()) return std::nullopt;
    return overrides.front().reason;
}

std::string explain(const Verdict& verdict) {
    std::string text = describeSpf(verdict.spf);
    if (verdict.dkim.empty()) text += "; no DKIM signature";
    for (const auto& signature : verdict.dkim) text += "; " + describeDkim(signature);
    text += "; " + describePolicy(verdict);
    text += " -> " + std::string(toString(verdict.result));
    return text + describeDisposition(verdict);
}

std::optional<Verdict> strictest(const std::vector<Verdict>& verdicts) {
    if (verdicts.empty()) return std::nullopt;
    const auto stricter = [](const Verdict& a, const Verdict& b) {
        const int da = dispositionRank(a.applied);
        const int db = dispositionRank(b.applied);
        if (da != db) return da < db;
        return resultRank(a.result) < resultRank(b.result);
    };
    // max_element keeps the first of equals, so ties go to the earlier verdict.
    return *std::max_element(verdicts.begin(), verdicts.end(), stricter);
}

}  // namespace dmarc::core
