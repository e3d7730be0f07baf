// The enforcement step: requested disposition from the policy, then test mode, pct
// sampling, local rules and the hard-reject opt-in, each recorded as an RFC 9990 override.
// Pure except for the injected RandomSource. Thread-safe if the RandomSource is.
#include "disposition.h"

#include <string>
#include <utility>

namespace dmarc::core {
namespace {

Disposition stepDown(Disposition disposition) {
    return disposition == Disposition::Reject ? Disposition::Quarantine : Disposition::None;
}

// Applies `to` when it differs from the current disposition, recording why.
void change(DispositionDecision& decision, Disposition to, OverrideReason reason,
            std::string comment) {
    if (decision.applied == to) return;
    decision.applied = to;
    decision.overrides.push_back(PolicyOverride{reason, std::move(comment)});
}

std::string withNote(std::string text, const std::string& note) {
    return note.empty() ? text : text + ": " + note;
}

// RFC 7489 §6.6.4: the policy applies to a message when a draw in [0, 100) falls below
// pct. pct=0 never samples in, so it needs no draw (nor does 100, handled by the caller).
void samplePct(DispositionDecision& decision, int pct, RandomSource& random) {
    if (pct <= 0) {
        change(decision, stepDown(decision.applied), OverrideReason::SampledOut,
               "pct=0: no message is sampled for the policy");
        return;
    }
    const int draw = random.percent();
    if (draw < pct) return;
    change(decision, stepDown(decision.applied), OverrideReason::SampledOut,
           "pct=" + std::to_string(pct) + ": drew " + std::to_string(draw) +
               ", outside the sample");
}

}  // namespace

DispositionDecision decideDisposition(const DispositionInput& input, const LocalPolicy& settings,
                                      const LocalFacts& facts, RandomSource& random) {
    DispositionDecision decision;
    if (input.result != DmarcResult::Fail) return decision;

    decision.requested = toDisposition(input.policy);
    decision.applied = decision.requested;
    const bool enforcing = decision.applied != Disposition::None;

    if (settings.mode == DmarcMode::Rfc9989 && input.testing && enforcing) {
        change(decision, stepDown(decision.applied), OverrideReason::PolicyTestMode,
               "t=y: the domain owner is testing its " + std::string(toString(input.policy)) +
                   " policy");
    }
    if (settings.mode == DmarcMode::Rfc7489 && input.pct < 100 && enforcing) {
        samplePct(decision, input.pct, random);
    }
    if (facts.domainRule) {
        change(decision, *facts.domainRule, OverrideReason::LocalPolicy,
               withNote("local rule for this author domain", facts.note));
    }
    if (facts.trustedForwarder && decision.applied > settings.trustedForwarderCap) {
        change(decision, settings.trustedForwarderCap, OverrideReason::TrustedForwarder,
               withNote("relayed by a trusted forwarder", facts.note));
    }
    if (facts.mailingList && decision.applied > settings.mailingListCap) {
        change(decision, settings.mailingListCap, OverrideReason::MailingList,
               withNote("mailing list message", facts.note));
    }
    // An explicit rule for the domain is the administrator's own decision, so it is not
    // second-guessed by the default below even when it left the disposition at reject.
    if (!settings.hardReject && decision.applied == Disposition::Reject &&
        decision.overrides.empty() && !facts.domainRule) {
        change(decision, Disposition::Quarantine, OverrideReason::LocalPolicy,
               "p=reject is quarantined: hard reject is not enabled (RFC 9989 section 7.4)");
    }
    return decision;
}

}  // namespace dmarc::core
