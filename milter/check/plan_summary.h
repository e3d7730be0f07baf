// What dmarc-milter would do with a message, in a few words, from the MessagePlan the
// pipeline returned: the action (accept, quarantine-header, hold, reject, tempfail), the
// SMTP reply line, the quarantine header and the disposition actually carried out. Shared
// by the human and the JSON renderings. Pure; thread-safe.
#pragma once

#include <optional>
#include <string>

#include "config/config.h"
#include "core/verdict.h"
#include "pipeline/message_plan.h"

namespace dmarc::check {

struct PlanSummary {
    // "accept", "quarantine-header" (accept, marked with QuarantineHeader), "hold" (the MTA's
    // hold queue), "reject" or "tempfail".
    std::string action;
    std::optional<std::string> reply;             // "550 5.7.1 Email rejected per …"
    std::optional<std::string> quarantineHeader;  // "X-DMARC-Quarantine: …" when inserted
    std::optional<std::string> holdReason;
    // Our Authentication-Results field body without the space it is inserted with; "" when
    // the plan adds none.
    std::string authenticationResults;
    // The applied disposition: the verdict's when one exists, else what the plan does
    // (a message without a usable From may still be rejected per MissingFromAction).
    core::Disposition disposition = core::Disposition::None;
};

PlanSummary summarizePlan(const pipeline::MessagePlan& plan, const config::Config& config);

}  // namespace dmarc::check
