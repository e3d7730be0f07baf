// planMessage (see message_plan.h): from what the Session learnt about one message to every
// effect on the MTA and the one log line. Decided in three steps: the course the message
// would take (DMARC disposition, DNS temperror, From problems, internal error), then
// MonitorOnly and never-rejected recipients soften it, then it is written out as header
// changes, hold, reply and log line. Pure (no I/O, no logging); thread-safe.
#include "pipeline/message_plan.h"

#include <algorithm>
#include <utility>

#include "log/log_line.h"
#include "log/sanitize.h"
#include "log/verdict_line.h"
#include "pipeline/plan_auth_results.h"
#include "pipeline/plan_header_changes.h"

namespace dmarc::pipeline {
namespace {

// What is done with the message; Deliver is the only one that changes nothing.
enum class Action { Deliver, Mark, Hold, Reject, TempFail };

std::string_view toString(Action action) {
    switch (action) {
        case Action::Deliver: return "accept";
        case Action::Mark: return "mark";
        case Action::Hold: return "hold";
        case Action::Reject: return "reject";
        case Action::TempFail: return "tempfail";
    }
    return "accept";
}

struct Course {
    Action action = Action::Deliver;
    std::string subject;     // the author domain a mark or hold names; "" when none
    std::string why;         // what a mark or hold says after it
    std::string rejectText;  // Action::Reject: the 550 5.7.1 text
    std::string exempt;      // the never-rejected recipient that softened the action
    std::optional<Action> monitored;  // MonitorOnly: what would have been done
};

// Configured texts are validated when the configuration is parsed and templates are cut
// to fit; this only guards a Config assembled by hand: sanitised, and when still unusable
// (too long for one reply line) an empty text, which every valid code accepts.
core::SmtpReply failureReply(std::string_view code, std::string_view enhancedCode, std::string_view text) {
    auto reply = core::makeSmtpReply(code, enhancedCode, core::sanitizeReplyText(text));
    if (reply) return std::move(reply).value();
    return core::makeSmtpReply(code, enhancedCode, "").value();
}

std::string withoutAngles(std::string_view address) {
    if (address.size() >= 2 && address.front() == '<' && address.back() == '>') {
        address = address.substr(1, address.size() - 2);
    }
    return std::string(address);
}

// "DMARC fail, p=reject applied as quarantine (local_policy)": the verdict as a mark says it.
std::string dispositionText(const core::Verdict& verdict) {
    std::string text = "DMARC " + std::string(core::toString(verdict.result));
    if (verdict.tag && verdict.policy) {
        text += ", " + std::string(core::toString(*verdict.tag)) + "=" + std::string(core::toString(*verdict.policy));
    }
    if (verdict.requested != verdict.applied) {
        text += " applied as " + std::string(core::toString(verdict.applied));
        std::string reasons;
        for (const core::PolicyOverride& entry : verdict.overrides) {
            reasons += (reasons.empty() ? "" : ",") + std::string(core::toString(entry.reason));
        }
        if (!reasons.empty()) text += " (" + reasons + ")";
    }
    return text;
}

Course courseFor(const core::Verdict& verdict, const config::Config& config) {
    Course course;
    course.subject = verdict.authorDomain;
    if (verdict.result == core::DmarcResult::TempError) {
        if (config.dnsTempErrorAction == config::ErrorAction::TempFail) course.action = Action::TempFail;
        return course;
    }
    switch (verdict.applied) {
        case core::Disposition::None: break;
        case core::Disposition::Quarantine:
            course.action = config.holdQuarantined ? Action::Hold : Action::Mark;
            break;
        case core::Disposition::Reject: {
            // RejectReply's DOMAIN is the domain whose policy applied (the organizational
            // domain for sp= and np=), as its documentation says.
            const std::string& policyDomain = verdict.record ? verdict.record->domain.str() : verdict.authorDomain;
            course.action = Action::Reject;
            course.rejectText = config::rejectText(config, policyDomain);
            break;
        }
    }
    return course;
}

// Why a message that was evaluated has no DMARC verdict, and what its dmarc= says.
struct FromProblem {
    // RFC 9989 §9.2 (as RFC 7489 §11.2): none is also the result when "no aligned identifier
    // could be extracted" — no From field, or several we do not evaluate. A From field that
    // is there but unreadable is permerror, as the core's invalidAuthorVerdict has it for a
    // From domain that is not a domain name: a later attempt cannot do better.
    core::DmarcResult result = core::DmarcResult::None;
    std::string detail;      // for A-R comment and log reason
    std::string rejectText;  // the 550 5.7.1 text when the setting says reject
    bool severalFrom = false;  // MultipleFromAction applies (else MissingFromAction)
};

FromProblem fromProblem(const Evaluation& evaluation) {
    if (!evaluation.fromError) {
        // The contract leaves verdicts empty without a fromError only for several author
        // domains that MultipleFromAction did not let us evaluate.
        return {core::DmarcResult::None, "From names authors in several domains",
                "Message has From addresses in several domains", true};
    }
    switch (*evaluation.fromError) {
        case core::FromError::NoFromField:
            return {core::DmarcResult::None, "no From field", "Message has no From field", false};
        case core::FromError::SeveralFromFields:
            return {core::DmarcResult::None, "several From fields", "Message has several From fields", true};
        default:
            return {core::DmarcResult::PermError,
                    "From field unusable: " + std::string(core::describe(*evaluation.fromError)),
                    "Message has no usable From field", false};
    }
}

Action fromAction(const FromProblem& problem, const config::Config& config) {
    if (problem.severalFrom) {
        // Strictest without a verdict: the Session could not evaluate every author, so
        // there is nothing stricter to apply than delivery.
        return config.multipleFromAction == config::MultipleFromAction::Reject ? Action::Reject : Action::Deliver;
    }
    return config.missingFromAction == config::MissingFromAction::Reject ? Action::Reject : Action::Deliver;
}

// MonitorOnly: nothing but delivery. Otherwise a reject, hold or deferral for a message to
// a never-rejected recipient becomes a mark. Either change is recorded in the verdict as a
// local_policy override (a disposition MonitorOnly did not apply, or the exemption).
void soften(Course& course, const MessageFacts& facts, const config::Config& config, core::Verdict* verdict) {
    if (course.action == Action::Deliver) return;
    if (config.monitorOnly) {
        course.monitored = course.action;
        course.action = Action::Deliver;
        if (verdict != nullptr && verdict->applied != core::Disposition::None) {
            verdict->overrides.push_back(core::PolicyOverride{
                core::OverrideReason::LocalPolicy,
                "MonitorOnly: " + std::string(core::toString(verdict->applied)) + " not applied"});
            verdict->applied = core::Disposition::None;
        }
        return;
    }
    if (course.action == Action::Mark) return;
    const auto recipient = std::find_if(facts.recipients.begin(), facts.recipients.end(),
                                        [&](const std::string& r) { return config::isNeverRejected(config, r); });
    if (recipient == facts.recipients.end()) return;
    course.exempt = withoutAngles(*recipient);
    course.action = Action::Mark;
    if (verdict != nullptr) {
        if (verdict->applied == core::Disposition::Reject) verdict->applied = core::Disposition::Quarantine;
        verdict->overrides.push_back(core::PolicyOverride{
            core::OverrideReason::LocalPolicy, "recipient " + course.exempt + " is never rejected"});
    }
}

// The mark's text: "mydomain.com: DMARC fail, p=reject applied as quarantine (local_policy)".
// Header-safe: every client-derived part is sanitised to printable ASCII.
std::string markText(const Course& course) {
    std::string text = course.subject.empty() ? "" : log::sanitizeAtom(course.subject) + ": ";
    text += course.why;
    if (!course.exempt.empty()) text += "; recipient " + log::sanitizeAtom(course.exempt) + " is never rejected";
    return text;
}

// Header changes, hold, decision and reply from the (softened) course.
void writeCourse(MessagePlan& plan, const Course& course, const config::Config& config) {
    if (course.action == Action::Mark || course.action == Action::Hold) {
        const std::string text = markText(course);
        // Inserted before our A-R at the same position, so the A-R ends up directly below
        // the MTA's Received field and the mark below it.
        plan.changes.push_back(HeaderChange{HeaderChange::Kind::Insert, config.quarantineHeader,
                                            kOurFieldsPosition, " " + text});
        if (course.action == Action::Hold) plan.holdReason = text;
    }
    if (!plan.authResults.empty()) {
        plan.changes.push_back(HeaderChange{HeaderChange::Kind::Insert, std::string(kAuthResultsField),
                                            kOurFieldsPosition, plan.authResults});
    }
    if (course.action == Action::Reject) {
        plan.decision = Decision::Reject;
        plan.reply = failureReply("550", "5.7.1", course.rejectText);
    } else if (course.action == Action::TempFail) {
        plan.decision = Decision::TempFail;
        plan.reply = failureReply("451", "4.7.1", config.tempFailReply);
    }
}

// The extra log fields every planned message shares. Values are owned here; the
// ExtraFields handed to the log point into them.
class Extras {
public:
    void add(std::string_view key, std::string value) { fields_.emplace_back(key, std::move(value)); }

    void addCourse(const MessagePlan& plan, const Course& course, const config::Config& config,
                   std::size_t forgedAuthResults) {
        if (plan.reply) add("reply", plan.reply->code() + " " + plan.reply->enhancedCode() + " " + plan.reply->text());
        if (!course.exempt.empty()) add("exempt", course.exempt);
        if (config.monitorOnly) add("monitor", "yes");
        if (course.monitored) add("would_action", std::string(toString(*course.monitored)));
        if (forgedAuthResults > 0) add("deleted_ar", std::to_string(forgedAuthResults));
    }

    std::vector<log::ExtraField> view() const {
        std::vector<log::ExtraField> out;
        for (const auto& [key, value] : fields_) out.push_back(log::ExtraField{key, value});
        return out;
    }

private:
    std::vector<std::pair<std::string_view, std::string>> fields_;
};

MessagePlan skippedPlan(const MessageFacts& facts) {
    MessagePlan plan;
    log::LogLine line(facts.queueId);
    line.word("skip").value("reason", facts.skipReason).atom("ip", facts.clientIp);
    plan.logLine = line.str();
    return plan;
}

MessagePlan internalErrorPlan(const MessageFacts& facts, const config::Config& config,
                              ForeignFieldDeletions deletions) {
    MessagePlan plan;
    plan.changes = std::move(deletions.changes);
    Course course;
    course.why = "internal error";
    if (config.internalErrorAction == config::ErrorAction::TempFail) course.action = Action::TempFail;
    soften(course, facts, config, nullptr);
    writeCourse(plan, course, config);

    log::LogLine line(facts.queueId);
    line.word("error").value("reason", facts.internalError.empty() ? "message was not evaluated" : facts.internalError)
        .raw("action", toString(course.action))
        .atom("ip", facts.clientIp);
    Extras extras;
    extras.addCourse(plan, course, config, deletions.forgedAuthResults);
    for (const log::ExtraField& field : extras.view()) line.value(field.key, field.value);
    plan.logLine = line.str();
    return plan;
}

MessagePlan evaluatedPlan(const Evaluation& evaluation, const MessageFacts& facts, const config::Config& config,
                          ForeignFieldDeletions deletions) {
    MessagePlan plan;
    plan.changes = std::move(deletions.changes);
    Course course;
    core::Verdict verdict;
    if (evaluation.applied) {
        verdict = *evaluation.applied;
        course = courseFor(verdict, config);
        soften(course, facts, config, &verdict);
        course.why = dispositionText(verdict);
        plan.authResults = ourAuthResults(verdict, config);
    } else {
        const FromProblem problem = fromProblem(evaluation);
        verdict = verdictWithoutAuthor(evaluation.spf, evaluation.dkim, problem.result, problem.detail);
        course.action = fromAction(problem, config);
        course.rejectText = problem.rejectText;
        course.why = problem.detail;
        soften(course, facts, config, &verdict);
        plan.authResults = ourAuthResultsWithoutAuthor(verdict, config);
    }
    writeCourse(plan, course, config);

    Extras extras;
    if (course.action != Action::Deliver) extras.add("action", std::string(toString(course.action)));
    extras.addCourse(plan, course, config, deletions.forgedAuthResults);
    if (!evaluation.spfFromUpstream.empty()) extras.add("spf_source", "upstream(" + evaluation.spfFromUpstream + ")");
    if (evaluation.verdicts.size() > 1) extras.add("authors", std::to_string(evaluation.verdicts.size()));
    const auto fields = extras.view();
    plan.logLine = log::formatVerdictLine(facts.queueId, facts.clientIp, verdict, fields);
    plan.verdict = std::move(verdict);
    return plan;
}

}  // namespace

MessagePlan planMessage(const Evaluation* evaluation, const MessageFacts& facts, const config::Config& config) {
    // A skipped message gets no changes at all, not even the removal of forged fields:
    // its client is trusted (IgnoreNetworks, SMTP AUTH, a listed daemon).
    if (!facts.skipReason.empty()) return skippedPlan(facts);
    ForeignFieldDeletions deletions = foreignFieldDeletions(facts, config);
    if (evaluation == nullptr || !facts.internalError.empty()) {
        return internalErrorPlan(facts, config, std::move(deletions));
    }
    return evaluatedPlan(*evaluation, facts, config, std::move(deletions));
}

}  // namespace dmarc::pipeline
