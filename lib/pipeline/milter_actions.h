// MilterActions: every effect the milter has on the MTA, as an interface. The real one
// (milter/smfi_actions.cpp) calls libmilter's smfi_* for one end-of-message callback; tests
// use RecordingActions (tests/pipeline) to see the calls in order. applyPlan() walks a
// MessagePlan through it. One MilterActions per end-of-message callback; not shared.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/smtp_reply.h"
#include "pipeline/message_plan.h"

namespace dmarc::pipeline {

class MilterActions {
public:
    virtual ~MilterActions() = default;
    // Each returns false when the MTA refused or the action was not negotiated.
    virtual bool deleteHeader(std::string_view name, int index) = 0;  // smfi_chgheader(…, NULL)
    virtual bool insertHeader(int position, std::string_view name, std::string_view value) = 0;
    virtual bool quarantine(std::string_view reason) = 0;             // smfi_quarantine
    virtual bool setReply(const core::SmtpReply& reply) = 0;          // smfi_setreply
};

struct ApplyResult {
    Decision decision = Decision::Accept;  // what to return to the MTA
    std::vector<std::string> failures;     // one line per refused action, for the log
};

// Applies the plan's changes in order, then the hold, then the reply. A refused header
// change or hold is reported and the rest still applied; the decision stands.
ApplyResult applyPlan(const MessagePlan& plan, MilterActions& actions);

}  // namespace dmarc::pipeline
