// Which incoming header fields the plan deletes (see plan_header_changes.h). Pure;
// thread-safe.
#include "pipeline/plan_header_changes.h"

#include "core/auth_results_parse.h"

namespace dmarc::pipeline {

bool claimsAuthservId(std::string_view fieldValue, std::string_view authservId) {
    const auto parsed = core::parseAuthResults(fieldValue);
    return parsed.ok() && core::sameAuthservId(parsed->authservId, authservId);
}

ForeignFieldDeletions foreignFieldDeletions(const MessageFacts& facts, const config::Config& config) {
    ForeignFieldDeletions out;
    const auto& fields = facts.authResultsFields;
    for (std::size_t position = fields.size(); position-- > 0;) {
        if (!claimsAuthservId(fields[position], config.authservId)) continue;
        out.changes.push_back(HeaderChange{HeaderChange::Kind::Delete, std::string(kAuthResultsField),
                                           static_cast<int>(position + 1), ""});
        ++out.forgedAuthResults;
    }
    for (std::size_t index = facts.quarantineHeaderFields; index > 0; --index) {
        out.changes.push_back(
            HeaderChange{HeaderChange::Kind::Delete, config.quarantineHeader, static_cast<int>(index), ""});
    }
    return out;
}

}  // namespace dmarc::pipeline
