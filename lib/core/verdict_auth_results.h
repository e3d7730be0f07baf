// Renders a Verdict as the Authentication-Results field we stamp (RFC 8601, with RFC 9989's
// policy.dmarc): spf with smtp.mailfrom (or smtp.helo), one dkim result per signature with
// header.d/s/a/b, and dmarc with header.from and policy.dmarc. Comments carry the part
// people need: whether each identifier is aligned and why, and the policy that applied.
// Pure; thread-safe.
#pragma once

#include <cstddef>
#include <string_view>

#include "auth_results.h"
#include "verdict.h"

namespace dmarc::core {

struct VerdictRenderOptions {
    // Signatures listed; a message may carry hundreds (the rest are summarised in a comment).
    std::size_t maxSignatures = 8;
};

AuthResults authResultsFor(const Verdict& verdict, std::string_view authservId,
                           const VerdictRenderOptions& options = {});

}  // namespace dmarc::core
