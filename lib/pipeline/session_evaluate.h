// The end-of-message evaluation of a Session: from the SPF outcome, the DKIM results, the
// From field bodies and the List-Id flag of one message, every author domain is evaluated
// by core::evaluate (with LocalFacts for trusted forwarders, mailing lists and
// LocalPolicyFile rules) and the strictest verdict chosen, giving the Evaluation that
// planMessage turns into effects. Several From fields or author domains follow
// MultipleFromAction: strictest evaluates them all; reject and accept evaluate none and
// leave the decision to the plan (fromError SeveralFromFields, or severalAuthors for
// several domains in one field). DNS goes through the Services' resolver (blocking).
// Thread-safe for distinct inputs (Services are).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "adapters/dkim_result.h"
#include "adapters/spf2_evaluator.h"
#include "config/config.h"
#include "core/spf_address.h"
#include "pipeline/message_plan.h"
#include "pipeline/services.h"

namespace dmarc::pipeline {

struct EvaluationInputs {
    std::optional<core::ClientIp> clientIp;  // the client judged; nullopt when unknown
    adapters::SpfOutcome spf;
    std::string spfFromUpstream;  // the trusted authserv-id that supplied `spf`, or ""
    std::vector<adapters::DkimSignatureResult> dkim;
    std::vector<std::string> fromFields;  // From field bodies in header order
    bool listId = false;                  // the message has a List-Id field
};

Evaluation evaluateMessage(const EvaluationInputs& inputs, const config::Config& config, const Services& services);

}  // namespace dmarc::pipeline
