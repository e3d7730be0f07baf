// evaluateMessage (session_evaluate.h): adapter results → core inputs, one core::evaluate
// per author domain, then core::strictest.
#include "pipeline/session_evaluate.h"

#include <fmt/format.h>

#include "core/evaluate.h"
#include "core/mailbox.h"
#include "pipeline/plan_auth_results.h"

namespace dmarc::pipeline {
namespace {

std::optional<core::DomainName> domainOrNothing(const std::string& text) {
    if (text.empty()) return std::nullopt;
    auto domain = core::DomainName::parse(text);
    if (!domain.ok()) return std::nullopt;
    return std::move(domain).value();
}

// MinimumKeyBits above RFC 8301's 1024 (which the verifier enforces itself): a pass with a
// shorter RSA key becomes policy, as the verifier does for keys under 1024 bits.
std::vector<adapters::DkimSignatureResult> withMinimumKeyBits(std::vector<adapters::DkimSignatureResult> results,
                                                              unsigned minimumKeyBits) {
    for (auto& signature : results) {
        if (signature.result == adapters::DkimResult::Pass && signature.keyBits != 0 &&
            signature.keyBits < minimumKeyBits) {
            signature.result = adapters::DkimResult::Policy;
            signature.reason = fmt::format("RSA key {} bits < MinimumKeyBits {}", signature.keyBits, minimumKeyBits);
        }
    }
    return results;
}

core::AuthInputs toAuthInputs(const adapters::SpfOutcome& spf, const std::vector<adapters::DkimSignatureResult>& dkim) {
    core::AuthInputs auth;
    auth.spf.result = spf.result;
    auth.spf.domain = domainOrNothing(spf.domain);
    auth.spf.scope = spf.scope;
    for (const auto& signature : dkim) {
        core::DkimInput input;
        input.result = toCoreDkimResult(signature.result);
        input.domain = domainOrNothing(signature.domain);
        input.selector = signature.selector;
        input.algorithm = signature.algorithm;
        input.reason = signature.reason;
        input.signature = signature.signaturePrefix;
        auth.dkim.push_back(std::move(input));
    }
    return auth;
}

// Trusted forwarders (config::isTrustedForwarder): by client address, by the SPF-passed
// MAIL FROM domain or by a DKIM-passed d=. Returns what matched, for the override note.
std::optional<std::string> trustedForwarder(const EvaluationInputs& inputs, const core::AuthInputs& auth,
                                            const config::Config& config) {
    if (inputs.clientIp && config::isTrustedForwarder(config, *inputs.clientIp)) {
        return "forwarder " + core::formatClientIp(*inputs.clientIp);
    }
    // Only the MAIL FROM identity: a HELO pass names a host, not a sending domain.
    if (auth.spf.result == core::SpfResult::Pass && auth.spf.scope == core::SpfScope::MailFrom && auth.spf.domain &&
        config::isTrustedForwarder(config, *auth.spf.domain)) {
        return "forwarder " + auth.spf.domain->str() + " (SPF)";
    }
    for (const auto& signature : auth.dkim) {
        if (signature.result == core::DkimResult::Pass && signature.domain &&
            config::isTrustedForwarder(config, *signature.domain)) {
            return "forwarder " + signature.domain->str() + " (DKIM)";
        }
    }
    return std::nullopt;
}

// The domain text of a From field whose domain did not parse: after the last '@', up to
// the closing angle bracket, a comment, a separator or whitespace.
std::string rawAuthorDomain(std::string_view fieldBody) {
    const auto at = fieldBody.rfind('@');
    if (at == std::string_view::npos) return {};
    const auto rest = fieldBody.substr(at + 1);
    const auto end = rest.find_first_of(">(),; \t\r\n");
    return std::string(rest.substr(0, end));
}

}  // namespace

Evaluation evaluateMessage(const EvaluationInputs& inputs, const config::Config& config, const Services& services) {
    Evaluation evaluation;
    evaluation.spf = inputs.spf;
    evaluation.spfFromUpstream = inputs.spfFromUpstream;
    evaluation.dkim = withMinimumKeyBits(inputs.dkim, config.minimumKeyBits);
    evaluation.fromFieldCount = inputs.fromFields.size();
    const core::AuthInputs auth = toAuthInputs(evaluation.spf, evaluation.dkim);
    const core::LocalPolicy policy = config::localPolicy(config);

    const std::vector<std::string_view> fields(inputs.fromFields.begin(), inputs.fromFields.end());
    const bool everyField = config.multipleFromAction == config::MultipleFromAction::Strictest;
    const auto authors = everyField ? core::authorDomainsOfEveryField(fields) : core::authorDomains(fields);
    if (!authors.ok()) {
        if (authors.error() == core::FromError::InvalidDomain && fields.size() == 1) {
            // A domain is named but is not one: permerror for that text, no DNS asked.
            const std::string raw = rawAuthorDomain(fields.front());
            const auto parsed = core::DomainName::parse(raw);
            if (!parsed.ok()) {
                evaluation.verdicts.push_back(core::invalidAuthorVerdict(raw, parsed.error(), auth, policy));
                evaluation.applied = evaluation.verdicts.front();
                return evaluation;
            }
        }
        evaluation.fromError = authors.error();
        return evaluation;
    }

    const auto& domains = authors.value().domains;
    evaluation.severalAuthors = domains.size() > 1 || fields.size() > 1;
    if (domains.size() > 1 && !everyField) return evaluation;  // the plan applies MultipleFromAction

    const auto forwarder = trustedForwarder(inputs, auth, config);
    const bool mailingList = inputs.listId && config.mailingListAction != config::MailingListAction::Off;
    core::EvaluationContext context{*services.resolver, *services.random, services.psl ? &*services.psl : nullptr};
    for (const auto& domain : domains) {
        core::LocalFacts facts;
        facts.trustedForwarder = forwarder.has_value();
        facts.mailingList = mailingList;
        facts.domainRule = config::localPolicyFor(config, domain);
        if (forwarder) {
            facts.note = *forwarder;
        } else if (mailingList) {
            facts.note = "List-Id";
        }
        evaluation.verdicts.push_back(core::evaluate(domain, auth, facts, policy, context));
    }
    evaluation.applied = core::strictest(evaluation.verdicts);
    return evaluation;
}

}  // namespace dmarc::pipeline
