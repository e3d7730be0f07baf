// The enforcement step: from a DMARC result and the applicable policy to the requested and
// the applied disposition, with every override named (RFC 9989 §5.3.6, §5.4, §7.4, A.6;
// RFC 7489 §6.6.4 pct sampling; RFC 9990 override types). Pure apart from the injected
// RandomSource, which is consulted only for an RFC 7489 pct below 100. Thread-safe if the
// RandomSource is.
#pragma once

#include <vector>

#include "dmarc_record.h"
#include "local_policy.h"
#include "random_source.h"
#include "verdict.h"

namespace dmarc::core {

struct DispositionInput {
    DmarcResult result = DmarcResult::None;
    Policy policy = Policy::None;  // the value of the tag that applies (p, sp or np)
    bool testing = false;          // t=y (honoured in RFC 9989 mode only)
    int pct = 100;                 // pct= (honoured in RFC 7489 mode only)
};

struct DispositionDecision {
    Disposition requested = Disposition::None;
    Disposition applied = Disposition::None;
    std::vector<PolicyOverride> overrides;
};

// Only a DMARC fail has a disposition; every other result yields none/none. For a fail,
// in this order: t=y steps the policy down one level (policy_test_mode); an RFC 7489 pct
// draw that misses the sample steps it down (sampled_out); the author domain's local rule
// replaces it (local_policy); a trusted forwarder or mailing list caps it (trusted_forwarder,
// mailing_list); finally, without hardReject, a reject that nothing else touched becomes
// quarantine (local_policy). Each override is recorded only when it changed something.
DispositionDecision decideDisposition(const DispositionInput& input, const LocalPolicy& settings,
                                      const LocalFacts& facts, RandomSource& random);

}  // namespace dmarc::core
