// Verdict → AuthResults. Property values come from validated DomainNames or the verifier;
// the formatter quotes and sanitises whatever is not a token, so nothing here escapes.
#include "verdict_auth_results.h"

#include <algorithm>
#include <string>
#include <vector>

#include "auth_results_format.h"

namespace dmarc::core {
namespace {

// "aligned (strict)" / "not aligned: x is not within y" / "" when alignment was not asked.
std::string alignmentComment(const AlignmentCheck& check) {
    switch (check.alignment) {
        case Alignment::Strict:
        case Alignment::Relaxed:
            return "aligned " + std::string(toString(check.alignment));
        case Alignment::NotAligned:
            return check.why.empty() ? "not aligned" : "not aligned: " + check.why;
        case Alignment::Unknown:
            return check.why.empty() ? "alignment unknown" : "alignment unknown: " + check.why;
        case Alignment::NotEvaluated:
            return "";
    }
    return "";
}

AuthMethodResult spfResult(const SpfVerdict& spf) {
    AuthMethodResult out{"spf", std::string(toString(spf.result)), "", alignmentComment(spf.alignment), {}};
    if (!spf.domain.empty()) {
        const char* property = spf.scope == SpfScope::Helo ? "helo" : "mailfrom";
        out.properties.push_back({"smtp", property, spf.domain});
    }
    return out;
}

AuthMethodResult dkimResult(const DkimVerdict& dkim, const std::vector<std::string_view>& allB) {
    AuthMethodResult out{"dkim", std::string(toString(dkim.result)), "", alignmentComment(dkim.alignment), {}};
    if (dkim.result != DkimResult::Pass && !dkim.reason.empty()) out.reason = dkim.reason;
    auto add = [&out](const char* property, const std::string& value) {
        if (!value.empty()) out.properties.push_back({"header", property, value});
    };
    add("d", dkim.domain);
    add("s", dkim.selector);
    add("a", dkim.algorithm);
    if (!dkim.signature.empty()) add("b", headerBPrefix(dkim.signature, allB));
    return out;
}

// "p=reject dis=quarantine override=local_policy": the policy in the words OpenDMARC made
// familiar, plus what we did about it.
std::string dmarcComment(const Verdict& verdict) {
    std::string comment;
    if (verdict.tag && verdict.policy) {
        comment = std::string(toString(*verdict.tag)) + "=" + std::string(toString(*verdict.policy));
    }
    if (verdict.record && verdict.record->record.testing && verdict.mode == DmarcMode::Rfc9989) {
        comment += " t=y";
    }
    if (verdict.record && verdict.mode == DmarcMode::Rfc7489 && verdict.record->record.pct < 100) {
        comment += " pct=" + std::to_string(verdict.record->record.pct);
    }
    if (!comment.empty()) comment += " ";
    comment += "dis=" + std::string(toString(verdict.applied));
    if (auto reason = verdict.overrideReason()) comment += " override=" + std::string(toString(*reason));
    return comment;
}

AuthMethodResult dmarcResult(const Verdict& verdict) {
    AuthMethodResult out{"dmarc", std::string(toString(verdict.result)), "", dmarcComment(verdict), {}};
    out.properties.push_back({"header", "from", verdict.authorDomain});
    if (verdict.policy) out.properties.push_back({"policy", "dmarc", std::string(toString(verdict.applied))});
    return out;
}

}  // namespace

AuthResults authResultsFor(const Verdict& verdict, std::string_view authservId,
                           const VerdictRenderOptions& options) {
    AuthResults out{std::string(authservId), {}};
    out.results.push_back(spfResult(verdict.spf));

    const std::size_t listed = std::min(verdict.dkim.size(), options.maxSignatures);
    std::vector<std::string_view> allB;
    for (std::size_t i = 0; i < listed; ++i) allB.push_back(verdict.dkim[i].signature);
    for (std::size_t i = 0; i < listed; ++i) out.results.push_back(dkimResult(verdict.dkim[i], allB));
    if (verdict.dkim.empty()) out.results.push_back({"dkim", "none", "", "no signatures", {}});
    if (verdict.dkim.size() > listed) {
        auto& last = out.results.back().comment;
        last += (last.empty() ? "" : "; ") + std::to_string(verdict.dkim.size() - listed) +
                " more signatures not listed";
    }

    out.results.push_back(dmarcResult(verdict));
    return out;
}

}  // namespace dmarc::core
