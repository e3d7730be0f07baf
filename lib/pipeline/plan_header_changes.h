// The header fields the plan removes before inserting ours: incoming
// Authentication-Results fields that claim our authserv-id (forgeries, RFC 8601 §5) and
// every incoming QuarantineHeader field (a sender must not pre-mark, or pre-clear, its
// own mail). Pure; thread-safe.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "pipeline/message_plan.h"

namespace dmarc::pipeline {

inline constexpr std::string_view kAuthResultsField = "Authentication-Results";

// True when an incoming Authentication-Results value claims `authservId`. The parser reads
// the authserv-id even when the results after it are garbage, so such a field still counts;
// a value whose authserv-id cannot be read at all claims nothing.
bool claimsAuthservId(std::string_view fieldValue, std::string_view authservId);

struct ForeignFieldDeletions {
    std::vector<HeaderChange> changes;  // highest index first within each field name
    std::size_t forgedAuthResults = 0;  // how many Authentication-Results fields were ours
};

// Deletions for the forged Authentication-Results fields (facts.authResultsFields, index =
// position + 1), then for facts.quarantineHeaderFields QuarantineHeader fields (N..1).
// Indices are renumbered by the MTA after each delete, hence highest first.
ForeignFieldDeletions foreignFieldDeletions(const MessageFacts& facts, const config::Config& config);

}  // namespace dmarc::pipeline
