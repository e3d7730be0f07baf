// The end-of-message decision as a plain value: from what the Session learnt about one
// message (Evaluation, MessageFacts) and the configuration snapshot the message pinned, the
// plan of every effect on the MTA — header fields to delete and insert, hold, the final
// reply — and the one log line. Enforcement per DESIGN.md "Enforcement defaults": p=reject
// failures quarantined unless RejectFailures; quarantine marks (QuarantineHeader) and holds
// only with HoldQuarantinedMessages; MonitorOnly never changes delivery; postmaster, abuse
// and NeverRejectRecipients are never rejected, held or deferred; DNS temperror and
// internal errors follow their settings; several From fields and a missing From follow
// MultipleFromAction / MissingFromAction. Pure (no I/O, no logging); thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "adapters/dkim_result.h"
#include "adapters/spf2_evaluator.h"
#include "config/config.h"
#include "core/mailbox.h"
#include "core/smtp_reply.h"
#include "core/verdict.h"

namespace dmarc::pipeline {

// Where our fields go: just below the Received field the MTA itself added (Postfix passes
// it to milters as the first field), so the trace order stays true (RFC 8601 §5).
inline constexpr int kOurFieldsPosition = 1;

// What the Session learnt about a message it evaluated.
struct Evaluation {
    // One verdict per author domain evaluated, in From order; empty when there was no
    // usable From (see fromError) or several From fields under MultipleFromAction accept/reject.
    std::vector<core::Verdict> verdicts;
    // The verdict acted on (core::strictest over `verdicts`); absent when `verdicts` is empty.
    std::optional<core::Verdict> applied;
    // The SPF check as run here, or as taken from a trusted upstream A-R (spfFromUpstream).
    adapters::SpfOutcome spf;
    std::string spfFromUpstream;  // the trusted authserv-id whose spf result was used; "" when checked here
    // Every DKIM-Signature's result, in header order (empty: unsigned).
    std::vector<adapters::DkimSignatureResult> dkim;
    // Why no author domain could be read (FromError::NoFromField, SeveralFromFields, …).
    std::optional<core::FromError> fromError;
    std::size_t fromFieldCount = 0;
    // Several author domains (in one or several From fields): evaluated all (strictest).
    bool severalAuthors = false;
};

// The envelope and header facts the plan needs, whatever happened to the evaluation.
struct MessageFacts {
    std::string queueId;      // macro i; "" → NOQUEUE in the log
    std::string clientIp;     // the client judged (after TrustedRelays); "" when unknown
    std::string helo;
    std::string mailFrom;     // without <>; "" for the null sender
    std::vector<std::string> recipients;  // as the MTA gave them (may have <>)
    // The values of every incoming Authentication-Results field, in header order (the
    // field's occurrence index for smfi_chgheader is position + 1).
    std::vector<std::string> authResultsFields;
    // How many incoming fields carry the QuarantineHeader name (all are removed).
    std::size_t quarantineHeaderFields = 0;
    // Non-empty: the message was not checked (authenticated sender, …); the plan only logs.
    std::string skipReason;
    // Non-empty: evaluation failed inside the milter (InternalErrorAction applies).
    std::string internalError;
};

enum class Decision { Accept, Reject, TempFail };

struct HeaderChange {
    enum class Kind { Delete, Insert };
    Kind kind = Kind::Insert;
    std::string name;
    int index = 0;      // Delete: occurrence index (1-based, among fields of `name`);
                        // Insert: position (smfi_insheader's hdridx)
    std::string value;  // Insert only: the field body, with a leading space
};

struct MessagePlan {
    std::vector<HeaderChange> changes;   // in the order to apply (deletions highest index first)
    std::optional<std::string> holdReason;  // put the message in the MTA's hold queue
    Decision decision = Decision::Accept;
    std::optional<core::SmtpReply> reply;   // set for Reject and TempFail
    std::string authResults;  // our Authentication-Results body as inserted; "" when none
    // The verdict as finally applied (after plan-level overrides such as a never-rejected
    // recipient or MonitorOnly); absent when nothing was evaluated.
    std::optional<core::Verdict> verdict;
    std::string logLine;  // the one line for this message
};

// `evaluation` is null when the message was skipped or evaluation failed (facts say why).
MessagePlan planMessage(const Evaluation* evaluation, const MessageFacts& facts, const config::Config& config);

}  // namespace dmarc::pipeline
