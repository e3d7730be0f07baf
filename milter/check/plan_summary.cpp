// See plan_summary.h.
#include "milter/check/plan_summary.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

namespace dmarc::check {
namespace {

bool sameFieldName(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

}  // namespace

PlanSummary summarizePlan(const pipeline::MessagePlan& plan, const config::Config& config) {
    PlanSummary summary;
    for (const auto& change : plan.changes) {
        if (change.kind == pipeline::HeaderChange::Kind::Insert && !config.quarantineHeader.empty() &&
            sameFieldName(change.name, config.quarantineHeader)) {
            summary.quarantineHeader = fmt::format("{}:{}", change.name, change.value);
        }
    }
    summary.holdReason = plan.holdReason;
    const std::size_t start = plan.authResults.find_first_not_of(" \t");
    if (start != std::string::npos) {
        summary.authenticationResults = plan.authResults.substr(start);
    }
    if (plan.reply) {
        summary.reply = fmt::format("{} {} {}", plan.reply->code(), plan.reply->enhancedCode(), plan.reply->text());
    }
    switch (plan.decision) {
        case pipeline::Decision::Reject: summary.action = "reject"; break;
        case pipeline::Decision::TempFail: summary.action = "tempfail"; break;
        case pipeline::Decision::Accept:
            summary.action = summary.holdReason ? "hold" : summary.quarantineHeader ? "quarantine-header" : "accept";
            break;
    }
    if (plan.verdict) {
        summary.disposition = plan.verdict->applied;
    } else if (plan.decision == pipeline::Decision::Reject) {
        summary.disposition = core::Disposition::Reject;
    } else if (summary.holdReason || summary.quarantineHeader) {
        summary.disposition = core::Disposition::Quarantine;
    }
    return summary;
}

}  // namespace dmarc::check
