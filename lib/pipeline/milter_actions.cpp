// applyPlan (see milter_actions.h): walks a MessagePlan through a MilterActions in the
// plan's order — header changes, hold, reply — collecting what the MTA refused. A refusal
// never changes the decision: a missing header is logged, not worth bouncing mail for.
// Runs on the end-of-message callback's thread; no shared state.
#include "pipeline/milter_actions.h"

#include <fmt/format.h>

namespace dmarc::pipeline {

ApplyResult applyPlan(const MessagePlan& plan, MilterActions& actions) {
    ApplyResult result;
    result.decision = plan.decision;
    for (const HeaderChange& change : plan.changes) {
        if (change.kind == HeaderChange::Kind::Delete) {
            if (!actions.deleteHeader(change.name, change.index)) {
                result.failures.push_back(fmt::format("delete {}[{}] refused", change.name, change.index));
            }
        } else if (!actions.insertHeader(change.index, change.name, change.value)) {
            result.failures.push_back(fmt::format("insert {} at {} refused", change.name, change.index));
        }
    }
    if (plan.holdReason && !actions.quarantine(*plan.holdReason)) result.failures.push_back("hold refused");
    if (plan.decision != Decision::Accept && plan.reply && !actions.setReply(*plan.reply)) {
        result.failures.push_back(
            fmt::format("reply {} {} refused", plan.reply->code(), plan.reply->enhancedCode()));
    }
    return result;
}

}  // namespace dmarc::pipeline
