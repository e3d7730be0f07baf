// See report_json.h. Strings from the message or DNS may hold any bytes: the caller dumps
// with invalid UTF-8 replaced (nlohmann::json::error_handler_t::replace).
#include "milter/check/report_json.h"

#include "milter/check/plan_summary.h"

namespace dmarc::check {
namespace {

using nlohmann::json;

template <typename T>
json orNull(const std::optional<T>& value) {
    return value ? json(*value) : json(nullptr);
}

json textOrNull(std::string_view text) { return text.empty() ? json(nullptr) : json(std::string(text)); }

json spfJson(const pipeline::MessageOutcome& outcome, const std::optional<core::Verdict>& verdict) {
    json spf = json::object();
    const auto& evaluation = outcome.evaluation;
    if (verdict) {
        spf["result"] = core::toString(verdict->spf.result);
        spf["domain"] = textOrNull(verdict->spf.domain);
        spf["scope"] = core::toString(verdict->spf.scope);
        spf["aligned"] = core::isAligned(verdict->spf.alignment.alignment);
        spf["alignment"] = core::toString(verdict->spf.alignment.alignment);
        spf["why"] = textOrNull(verdict->spf.alignment.why);
    } else {
        const adapters::SpfOutcome none;
        const auto& checked = evaluation ? evaluation->spf : none;
        spf["result"] = core::toString(checked.result);
        spf["domain"] = textOrNull(checked.domain);
        spf["scope"] = core::toString(checked.scope);
        spf["aligned"] = false;
        spf["alignment"] = core::toString(core::Alignment::NotEvaluated);
        spf["why"] = "no author domain to align with";
    }
    spf["reason"] = evaluation ? textOrNull(evaluation->spf.reason) : json(nullptr);
    spf["from_upstream"] = evaluation ? textOrNull(evaluation->spfFromUpstream) : json(nullptr);
    return spf;
}

json dkimJson(const core::DkimVerdict& signature) {
    return {
        {"result", core::toString(signature.result)},
        {"domain", textOrNull(signature.domain)},
        {"selector", textOrNull(signature.selector)},
        {"algorithm", textOrNull(signature.algorithm)},
        {"aligned", core::isAligned(signature.alignment.alignment)},
        {"alignment", core::toString(signature.alignment.alignment)},
        {"why", textOrNull(signature.alignment.why)},
        {"reason", textOrNull(signature.reason)},
    };
}

// Signatures as the verifier saw them, when no verdict rendered them (no author domain).
json dkimJson(const adapters::DkimSignatureResult& signature) {
    return {
        {"result", adapters::describe(signature.result)},
        {"domain", textOrNull(signature.domain)},
        {"selector", textOrNull(signature.selector)},
        {"algorithm", textOrNull(signature.algorithm)},
        {"aligned", false},
        {"alignment", core::toString(core::Alignment::NotEvaluated)},
        {"why", "no author domain to align with"},
        {"reason", textOrNull(signature.reason)},
    };
}

}  // namespace

nlohmann::json toJson(const CheckReport& report) {
    const auto& outcome = report.outcome;
    const auto& plan = outcome.plan;
    const auto& verdict = plan.verdict;
    const PlanSummary summary = summarizePlan(plan, *report.config);

    json out = json::object();
    out["dmarc"] = core::toString(verdict ? verdict->result : core::DmarcResult::None);
    out["disposition"] = core::toString(summary.disposition);
    out["requested_disposition"] = verdict ? json(core::toString(verdict->requested)) : json(nullptr);
    out["from_domain"] = verdict ? textOrNull(verdict->authorDomain) : json(nullptr);
    json fromDomains = json::array();
    if (outcome.evaluation) {
        for (const auto& each : outcome.evaluation->verdicts) {
            if (!each.authorDomain.empty()) fromDomains.push_back(each.authorDomain);
        }
    }
    out["from_domains"] = std::move(fromDomains);
    out["from_error"] = outcome.evaluation && outcome.evaluation->fromError
                            ? json(core::describe(*outcome.evaluation->fromError))
                            : json(nullptr);
    const bool found = verdict && verdict->record;
    out["policy_domain"] = found ? json(verdict->record->domain.str()) : json(nullptr);
    out["policy_source"] = found ? json(core::toString(verdict->record->source)) : json(nullptr);
    out["policy"] = verdict && verdict->policy ? json(core::toString(*verdict->policy)) : json(nullptr);
    out["policy_tag"] = verdict && verdict->tag ? json(core::toString(*verdict->tag)) : json(nullptr);
    out["policy_detail"] = verdict ? textOrNull(verdict->policyDetail) : json(nullptr);
    const auto overrideReason = verdict ? verdict->overrideReason() : std::nullopt;
    out["override_reason"] = overrideReason ? json(core::toString(*overrideReason)) : json(nullptr);
    json overrides = json::array();
    if (verdict) {
        for (const auto& each : verdict->overrides) {
            overrides.push_back({{"reason", core::toString(each.reason)}, {"comment", textOrNull(each.comment)}});
        }
    }
    out["overrides"] = std::move(overrides);

    out["spf"] = spfJson(outcome, verdict);
    json dkim = json::array();
    if (verdict) {
        for (const auto& signature : verdict->dkim) dkim.push_back(dkimJson(signature));
    } else if (outcome.evaluation) {
        for (const auto& signature : outcome.evaluation->dkim) dkim.push_back(dkimJson(signature));
    }
    out["dkim"] = std::move(dkim);

    out["authentication_results"] = textOrNull(summary.authenticationResults);
    out["action"] = summary.action;
    out["reply"] = orNull(summary.reply);
    out["quarantine_header"] = orNull(summary.quarantineHeader);
    out["hold_reason"] = orNull(summary.holdReason);
    out["would_skip"] = textOrNull(report.wouldSkip);
    out["explanation"] = verdict ? json(verdict->explanation) : out["from_error"];
    out["log_line"] = plan.logLine;

    const auto& options = report.options;
    out["client_ip"] = outcome.facts.clientIp.empty() ? options.clientIp : outcome.facts.clientIp;
    out["helo"] = orNull(options.helo);
    out["mail_from"] = options.mailFrom;
    out["recipients"] = options.recipients;
    return out;
}

}  // namespace dmarc::check
