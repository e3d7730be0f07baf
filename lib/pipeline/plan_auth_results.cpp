// Our Authentication-Results body for the plan (see plan_auth_results.h): core's
// Verdict → AuthResults rendering, with the dmarc result replaced when there is no author
// domain. Pure; thread-safe.
#include "pipeline/plan_auth_results.h"

#include "core/auth_results_format.h"
#include "core/verdict_auth_results.h"

namespace dmarc::pipeline {
namespace {

std::string render(const core::AuthResults& results) { return " " + core::formatAuthResults(results); }

core::AuthResults coreResults(const core::Verdict& verdict, const config::Config& config) {
    return core::authResultsFor(verdict, config.authservId,
                                core::VerdictRenderOptions{config.maxAuthResultsSignatures});
}

}  // namespace

core::DkimResult toCoreDkimResult(adapters::DkimResult result) {
    switch (result) {
        case adapters::DkimResult::Pass: return core::DkimResult::Pass;
        case adapters::DkimResult::Fail: return core::DkimResult::Fail;
        case adapters::DkimResult::Neutral: return core::DkimResult::Neutral;
        case adapters::DkimResult::Policy: return core::DkimResult::Policy;
        case adapters::DkimResult::TempError: return core::DkimResult::TempError;
        case adapters::DkimResult::PermError: return core::DkimResult::PermError;
    }
    return core::DkimResult::PermError;
}

core::Verdict verdictWithoutAuthor(const adapters::SpfOutcome& spf,
                                   const std::vector<adapters::DkimSignatureResult>& dkim,
                                   core::DmarcResult result, std::string_view detail) {
    core::Verdict verdict;
    verdict.spf.result = spf.result;
    verdict.spf.domain = spf.domain;
    verdict.spf.scope = spf.scope;
    for (const adapters::DkimSignatureResult& signature : dkim) {
        core::DkimVerdict entry;
        entry.result = toCoreDkimResult(signature.result);
        entry.domain = signature.domain;
        entry.selector = signature.selector;
        entry.algorithm = signature.algorithm;
        entry.reason = signature.reason;
        entry.signature = signature.signaturePrefix;
        verdict.dkim.push_back(std::move(entry));
    }
    verdict.result = result;
    verdict.policyDetail = std::string(detail);
    verdict.explanation = std::string(detail);
    return verdict;
}

std::string ourAuthResults(const core::Verdict& verdict, const config::Config& config) {
    return render(coreResults(verdict, config));
}

std::string ourAuthResultsWithoutAuthor(const core::Verdict& verdict, const config::Config& config) {
    core::AuthResults results = coreResults(verdict, config);
    // authResultsFor always ends with the dmarc result; without an author domain it would
    // claim header.from="" — say instead why there is none.
    results.results.back() = core::AuthMethodResult{"dmarc", std::string(core::toString(verdict.result)), "",
                                                    verdict.policyDetail, {}};
    return render(results);
}

}  // namespace dmarc::pipeline
