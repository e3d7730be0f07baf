// Unit tests for planMessage (lib/pipeline/message_plan.cpp): forged Authentication-Results
// removal, QuarantineHeader replacement, our A-R, enforcement per DESIGN.md (quarantine by
// default, reject opt-in, hold, MonitorOnly, never-rejected recipients), DNS temperror and
// internal errors, several and missing From fields, reply texts and the log line.
// Configurations come from real key names. Deterministic; single-threaded.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "plan_test_support.h"

using namespace dmarc;
using namespace dmarc::pipeline;
using namespace dmarc::pipeline::testing;
using core::DmarcResult;
using core::Disposition;
using core::FromError;
using core::PolicyTag;

namespace {

const std::string kAr = "Authentication-Results";
const std::string kMark = "X-DMARC-Quarantine";

MessagePlan planFor(const VerdictSpec& spec, const std::string& configText,
                    std::vector<std::string> recipients = {"<alice@example.net>"}) {
    const config::Config config = configFrom(configText);
    const Evaluation evaluation = evaluationOf({makeVerdict(spec, config)});
    return planMessage(&evaluation, factsFor(std::move(recipients)), config);
}

}  // namespace

TEST_CASE("plan: forged Authentication-Results claiming our authserv-id are deleted, highest index first") {
    const auto [fields, expected] = GENERATE(table<std::vector<std::string>, std::vector<std::string>>({
        {{}, {}},
        {{" other.example; spf=pass smtp.mailfrom=a.example"}, {}},
        {{" mx.example.net; dmarc=pass header.from=mydomain.com"}, {"Authentication-Results 1"}},
        // ours mixed with others', in case and trailing-dot variants
        {{" mx.example.net; spf=pass", " other.example; dkim=pass", " MX.Example.NET.; dmarc=pass",
          " relay.example.org; none", " mx.EXAMPLE.net; none"},
         {"Authentication-Results 5", "Authentication-Results 3", "Authentication-Results 1"}},
        // garbage after our id still claims it; a longer or shorter name does not
        {{" mx.example.net; dmarc=pass ((( =;;", " mx.example.net.evil.example; dmarc=pass",
          " example.net; dmarc=pass", " mx.example.net garbage here"},
         {"Authentication-Results 4", "Authentication-Results 1"}},
        // comments before the id, a quoted id, a version, a field name left in the value
        {{" (forged) mx.example.net 1; dmarc=pass", " \"mx.example.net\"; none",
          "Authentication-Results: mx.example.net; none", " other.example (mx.example.net); none"},
         {"Authentication-Results 3", "Authentication-Results 2", "Authentication-Results 1"}},
        // no authserv-id to read: nothing claimed
        {{" ; dmarc=pass", "", " (unterminated mx.example.net; none", " mx.example.net; dmarc=pass"},
         {"Authentication-Results 4"}},
    }));
    CAPTURE(fields);
    const config::Config config = configFrom("");
    const Evaluation evaluation = evaluationOf({makeVerdict({}, config)});
    MessageFacts facts = factsFor();
    facts.authResultsFields = fields;
    const MessagePlan plan = planMessage(&evaluation, facts, config);
    CHECK(changeLines(plan, HeaderChange::Kind::Delete) == expected);
    // Deletions come before every insertion: indices refer to the incoming fields.
    const auto firstInsert = std::find_if(plan.changes.begin(), plan.changes.end(),
                                          [](const HeaderChange& c) { return c.kind == HeaderChange::Kind::Insert; });
    CHECK(std::all_of(firstInsert, plan.changes.end(),
                      [](const HeaderChange& c) { return c.kind == HeaderChange::Kind::Insert; }));
    if (expected.empty()) {
        CHECK_FALSE(contains(plan.logLine, "deleted_ar="));
    } else {
        CHECK(contains(plan.logLine, " deleted_ar=" + std::to_string(expected.size())));
    }
}

TEST_CASE("plan: a configured AuthservID decides which fields are forged") {
    const config::Config config = configFrom("AuthservID mail.example.org");
    const Evaluation evaluation = evaluationOf({makeVerdict({}, config)});
    MessageFacts facts = factsFor();
    facts.authResultsFields = {" mx.example.net; dmarc=pass", " Mail.Example.Org; dmarc=pass"};
    const MessagePlan plan = planMessage(&evaluation, facts, config);
    CHECK(changeLines(plan, HeaderChange::Kind::Delete) == std::vector<std::string>{"Authentication-Results 2"});
    const auto parsed = core::parseAuthResults(plan.authResults);
    REQUIRE(parsed.ok());
    CHECK(parsed->authservId == "mail.example.org");
}

TEST_CASE("plan: every incoming QuarantineHeader field is deleted, N down to 1") {
    const auto [configText, name] = GENERATE(table<std::string, std::string>({
        {"", "X-DMARC-Quarantine"},
        {"QuarantineHeader X-Spam-DMARC", "X-Spam-DMARC"},
    }));
    const std::size_t incoming = GENERATE(0u, 1u, 3u);
    const auto verdictRecord = GENERATE(as<std::string>{}, "v=DMARC1; p=none", "v=DMARC1; p=quarantine");
    CAPTURE(configText, incoming, verdictRecord);
    const config::Config config = configFrom(configText);
    VerdictSpec spec;
    spec.record = verdictRecord;
    const Evaluation evaluation = evaluationOf({makeVerdict(spec, config)});
    MessageFacts facts = factsFor();
    facts.quarantineHeaderFields = incoming;
    facts.authResultsFields = {" mx.example.net; none"};
    const MessagePlan plan = planMessage(&evaluation, facts, config);

    std::vector<std::string> expected{"Authentication-Results 1"};
    for (std::size_t index = incoming; index > 0; --index) expected.push_back(name + " " + std::to_string(index));
    CHECK(changeLines(plan, HeaderChange::Kind::Delete) == expected);
    // Only a quarantined message gets a new one.
    CHECK(inserted(plan, name).has_value() == (verdictRecord == "v=DMARC1; p=quarantine"));
}

TEST_CASE("plan: our Authentication-Results goes below the MTA's Received field, the mark below it") {
    const config::Config config = configFrom("");
    VerdictSpec spec;
    spec.record = "v=DMARC1; p=quarantine";
    const Evaluation evaluation = evaluationOf({makeVerdict(spec, config)});
    const MessagePlan plan = planMessage(&evaluation, factsFor(), config);
    // Both at kOurFieldsPosition: the mark first, so the A-R inserted after it lands above it.
    REQUIRE(plan.changes.size() == 2);
    CHECK(plan.changes[0].name == kMark);
    CHECK(plan.changes[0].index == kOurFieldsPosition);
    CHECK(plan.changes[1].name == kAr);
    CHECK(plan.changes[1].index == kOurFieldsPosition);
    CHECK(plan.changes[1].value == plan.authResults);
    REQUIRE_FALSE(plan.authResults.empty());
    CHECK(plan.authResults.front() == ' ');

    const auto parsed = core::parseAuthResults(plan.authResults);
    REQUIRE(parsed.ok());
    CHECK(parsed->complete);
    CHECK(parsed->authservId == "mx.example.net");
    std::vector<std::string> methods;
    for (const auto& result : parsed->results) methods.push_back(result.method + "=" + result.result);
    CHECK(methods == std::vector<std::string>{"spf=pass", "dkim=fail", "dmarc=fail"});
    CHECK(contains(plan.authResults, "header.from=mydomain.com"));
    CHECK(contains(plan.authResults, "policy.dmarc=quarantine"));
}

TEST_CASE("plan: MaxAuthResultsSignatures caps the signatures listed") {
    const config::Config config = configFrom("MaxAuthResultsSignatures 2");
    core::Verdict verdict = makeVerdict({}, config);
    verdict.dkim.resize(5, verdict.dkim.front());
    const Evaluation evaluation = evaluationOf({verdict});
    const MessagePlan plan = planMessage(&evaluation, factsFor(), config);
    const auto parsed = core::parseAuthResults(plan.authResults);
    REQUIRE(parsed.ok());
    CHECK(std::count_if(parsed->results.begin(), parsed->results.end(),
                        [](const auto& r) { return r.method == "dkim"; }) == 2);
    CHECK(contains(plan.authResults, "3 more signatures not listed"));
}

TEST_CASE("plan: a p=reject failure is marked by default and rejected only with RejectFailures") {
    SECTION("default: quarantined with override local_policy, a mark, no hold, no reply") {
        const MessagePlan plan = planFor({}, "");
        CHECK(plan.decision == Decision::Accept);
        CHECK_FALSE(plan.reply);
        CHECK_FALSE(plan.holdReason);
        CHECK(inserted(plan, kMark) == " mydomain.com: DMARC fail, p=reject applied as quarantine (local_policy)");
        REQUIRE(plan.verdict);
        CHECK(plan.verdict->applied == Disposition::Quarantine);
        CHECK(contains(plan.logLine, " disposition=quarantine requested=reject override=local_policy "));
        CHECK(contains(plan.logLine, " action=mark"));
        CHECK(contains(plan.authResults, "policy.dmarc=quarantine"));
    }
    SECTION("RejectFailures yes: 550 5.7.1 with the RejectReply text") {
        const MessagePlan plan = planFor({}, "RejectFailures yes");
        CHECK(plan.decision == Decision::Reject);
        REQUIRE(plan.reply);
        CHECK(plan.reply->code() == "550");
        CHECK(plan.reply->enhancedCode() == "5.7.1");
        CHECK(plan.reply->text() == "Email rejected per DMARC policy for mydomain.com");
        CHECK_FALSE(inserted(plan, kMark));
        CHECK_FALSE(plan.holdReason);
        CHECK(contains(plan.logLine, " disposition=reject "));
        CHECK(contains(plan.logLine, " action=reject reply=\"550 5.7.1 Email rejected per DMARC policy for mydomain.com\""));
    }
    SECTION("the reply names the domain whose policy applied: sp= of the organizational domain") {
        VerdictSpec spec;
        spec.author = "sub.mydomain.com";
        spec.record = "v=DMARC1; p=none; sp=reject";
        spec.recordDomain = "mydomain.com";
        spec.tag = PolicyTag::Sp;
        const MessagePlan plan = planFor(spec, "RejectFailures yes\nRejectReply Go away, DOMAIN says no");
        REQUIRE(plan.reply);
        CHECK(plan.reply->text() == "Go away, mydomain.com says no");
    }
    SECTION("t=y steps reject down to quarantine even with RejectFailures") {
        VerdictSpec spec;
        spec.record = "v=DMARC1; p=reject; t=y";
        const MessagePlan plan = planFor(spec, "RejectFailures yes");
        CHECK(plan.decision == Decision::Accept);
        CHECK(inserted(plan, kMark) == " mydomain.com: DMARC fail, p=reject applied as quarantine (policy_test_mode)");
        CHECK(contains(plan.logLine, " override=policy_test_mode "));
    }
}

TEST_CASE("plan: quarantine marks, and holds only with HoldQuarantinedMessages") {
    VerdictSpec spec;
    spec.record = "v=DMARC1; p=quarantine";
    SECTION("mark") {
        const MessagePlan plan = planFor(spec, "");
        CHECK(inserted(plan, kMark) == " mydomain.com: DMARC fail, p=quarantine");
        CHECK_FALSE(plan.holdReason);
        CHECK(plan.decision == Decision::Accept);
        CHECK(contains(plan.logLine, " action=mark"));
    }
    SECTION("hold: the mark and the hold queue") {
        const MessagePlan plan = planFor(spec, "HoldQuarantinedMessages yes");
        CHECK(inserted(plan, kMark) == " mydomain.com: DMARC fail, p=quarantine");
        CHECK(plan.holdReason == "mydomain.com: DMARC fail, p=quarantine");
        CHECK(plan.decision == Decision::Accept);
        CHECK_FALSE(plan.reply);
        CHECK(contains(plan.logLine, " action=hold"));
    }
    SECTION("a default p=reject quarantine is held too") {
        const MessagePlan plan = planFor({}, "HoldQuarantinedMessages yes");
        CHECK(plan.holdReason == "mydomain.com: DMARC fail, p=reject applied as quarantine (local_policy)");
    }
}

TEST_CASE("plan: passing, p=none and no-record messages get only our Authentication-Results") {
    const auto [result, record] = GENERATE(table<DmarcResult, std::string>({
        {DmarcResult::Pass, "v=DMARC1; p=reject"},
        {DmarcResult::Fail, "v=DMARC1; p=none"},
        {DmarcResult::None, ""},
        {DmarcResult::PermError, ""},
    }));
    CAPTURE(result, record);
    VerdictSpec spec;
    spec.result = result;
    spec.record = record;
    const std::string configText = GENERATE(as<std::string>{}, "", "RejectFailures yes\nHoldQuarantinedMessages yes");
    const MessagePlan plan = planFor(spec, configText);
    CHECK(plan.decision == Decision::Accept);
    CHECK_FALSE(plan.reply);
    CHECK_FALSE(plan.holdReason);
    CHECK(changeLines(plan, HeaderChange::Kind::Insert).size() == 1);
    CHECK(insertedDmarcResult(plan) == std::string(core::toString(result)));
    CHECK_FALSE(contains(plan.logLine, "action="));
}

TEST_CASE("plan: MonitorOnly never changes delivery") {
    struct Case {
        std::string name;
        std::string config;
        VerdictSpec spec;
        std::string wouldAction;
    };
    VerdictSpec reject;
    VerdictSpec quarantine;
    quarantine.record = "v=DMARC1; p=quarantine";
    VerdictSpec temperror;
    temperror.result = DmarcResult::TempError;
    VerdictSpec pass;
    pass.result = DmarcResult::Pass;
    const Case c = GENERATE_COPY(values<Case>({
        // localPolicy() drops the hard-reject opt-in under MonitorOnly: the core says quarantine
        {"reject opt-in", "RejectFailures yes", reject, "mark"},
        {"default quarantine", "", reject, "mark"},
        {"hold", "HoldQuarantinedMessages yes", quarantine, "hold"},
        {"dns temperror", "DNSTempErrorAction tempfail", temperror, "tempfail"},
        {"pass", "RejectFailures yes", pass, ""},
    }));
    CAPTURE(c.name);
    const std::vector<std::string> recipients = GENERATE(std::vector<std::string>{"<alice@example.net>"},
                                                         std::vector<std::string>{"<postmaster@example.net>"});
    const MessagePlan plan = planFor(c.spec, "MonitorOnly yes\n" + c.config, recipients);
    CHECK(plan.decision == Decision::Accept);
    CHECK_FALSE(plan.reply);
    CHECK_FALSE(plan.holdReason);
    CHECK_FALSE(inserted(plan, kMark));
    CHECK(inserted(plan, kAr) == plan.authResults);
    REQUIRE(plan.verdict);
    CHECK(plan.verdict->applied == Disposition::None);
    CHECK(contains(plan.logLine, " monitor=yes"));
    CHECK_FALSE(contains(plan.logLine, " action="));
    CHECK_FALSE(contains(plan.logLine, " exempt="));
    if (c.wouldAction.empty()) {
        CHECK_FALSE(contains(plan.logLine, "would_action="));
    } else {
        CHECK(contains(plan.logLine, " would_action=" + c.wouldAction));
    }
    if (c.spec.result == DmarcResult::Fail) {
        // What the policy asked for stays visible; the A-R tells the truth: nothing applied.
        CHECK(contains(plan.logLine, " disposition=none requested="));
        CHECK(contains(plan.logLine, "MonitorOnly: "));
        CHECK(contains(plan.authResults, "dis=none"));
    }
}

TEST_CASE("plan: MonitorOnly also overrides internal-error and From-problem actions") {
    const config::Config config = configFrom("MonitorOnly yes\nMissingFromAction reject\nMultipleFromAction reject");
    SECTION("internal error") {
        MessageFacts facts = factsFor();
        facts.internalError = "DKIM verifier failed";
        const MessagePlan plan = planMessage(nullptr, facts, config);
        CHECK(plan.decision == Decision::Accept);
        CHECK_FALSE(plan.reply);
        CHECK(plan.logLine ==
              "3Zx1Kq4Hj: error reason=\"DKIM verifier failed\" action=accept ip=192.0.2.1 monitor=yes "
              "would_action=tempfail");
    }
    SECTION("no From field") {
        const Evaluation evaluation = evaluationWithoutAuthor(FromError::NoFromField, 0);
        const MessagePlan plan = planMessage(&evaluation, factsFor(), config);
        CHECK(plan.decision == Decision::Accept);
        CHECK(contains(plan.logLine, " monitor=yes would_action=reject"));
    }
}

TEST_CASE("plan: mail to never-rejected recipients is marked instead of rejected, held or deferred") {
    const auto [recipient, exempt] = GENERATE(table<std::string, bool>({
        {"<postmaster@example.net>", true},
        {"<PostMaster@Example.NET>", true},
        {"<abuse@example.org>", true},
        {"postmaster", true},
        {"<dmarc-reports@example.net>", true},  // configured as a full address
        {"<reports@anywhere.example>", true},   // configured as a local part
        {"<dmarc-reports@other.example>", false},
        {"<alice@example.net>", false},
        {"<postmaster-not@example.net>", false},
    }));
    const auto [name, configText, spec, enforced] = GENERATE_COPY(table<std::string, std::string, VerdictSpec, std::string>({
        {"reject", "RejectFailures yes", VerdictSpec{}, "reject"},
        {"hold", "HoldQuarantinedMessages yes", specWith(DmarcResult::Fail, "v=DMARC1; p=quarantine"), "hold"},
        {"tempfail", "", specWith(DmarcResult::TempError, "v=DMARC1; p=reject"), "tempfail"},
    }));
    CAPTURE(recipient, name);
    const std::string settings = configText + "\nNeverRejectRecipients dmarc-reports@example.net, reports";
    const MessagePlan plan = planFor(spec, settings, {"<alice@example.net>", recipient});
    REQUIRE(plan.verdict);
    if (!exempt) {
        CHECK(contains(plan.logLine, " action=" + enforced));
        CHECK_FALSE(contains(plan.logLine, "exempt="));
        CHECK(plan.decision == (enforced == "reject"     ? Decision::Reject
                                : enforced == "tempfail" ? Decision::TempFail
                                                         : Decision::Accept));
        return;
    }
    const std::string bare = recipient.front() == '<' ? recipient.substr(1, recipient.size() - 2) : recipient;
    CHECK(plan.decision == Decision::Accept);
    CHECK_FALSE(plan.reply);
    CHECK_FALSE(plan.holdReason);
    const auto mark = inserted(plan, kMark);
    REQUIRE(mark);
    CHECK(contains(*mark, "; recipient " + bare + " is never rejected"));
    CHECK(contains(plan.logLine, " action=mark"));
    CHECK(contains(plan.logLine, " exempt=" + bare));
    CHECK(contains(plan.logLine, "recipient " + bare + " is never rejected"));
    REQUIRE_FALSE(plan.verdict->overrides.empty());
    CHECK(plan.verdict->overrides.back().reason == core::OverrideReason::LocalPolicy);
    CHECK(plan.verdict->overrides.back().comment == "recipient " + bare + " is never rejected");
    if (name == "reject") {
        CHECK(plan.verdict->applied == Disposition::Quarantine);
        CHECK(*mark == " mydomain.com: DMARC fail, p=reject applied as quarantine (local_policy); recipient " + bare +
                           " is never rejected");
    }
}

TEST_CASE("plan: DNS temperror follows DNSTempErrorAction") {
    VerdictSpec spec;
    spec.result = DmarcResult::TempError;
    SECTION("tempfail (default): 451 4.7.1 with TempFailReply") {
        const MessagePlan plan = planFor(spec, "");
        CHECK(plan.decision == Decision::TempFail);
        REQUIRE(plan.reply);
        CHECK(plan.reply->code() == "451");
        CHECK(plan.reply->enhancedCode() == "4.7.1");
        CHECK(plan.reply->text() == "DMARC policy evaluation failed temporarily, try again later");
        CHECK(contains(plan.logLine, " dmarc=temperror "));
        CHECK(contains(plan.logLine, " action=tempfail reply=\"451 4.7.1 DMARC policy evaluation failed"));
    }
    SECTION("a configured TempFailReply") {
        const MessagePlan plan = planFor(spec, "TempFailReply Try later please");
        REQUIRE(plan.reply);
        CHECK(plan.reply->text() == "Try later please");
    }
    SECTION("accept: delivered with dmarc=temperror") {
        const MessagePlan plan = planFor(spec, "DNSTempErrorAction accept");
        CHECK(plan.decision == Decision::Accept);
        CHECK_FALSE(plan.reply);
        CHECK_FALSE(inserted(plan, kMark));
        CHECK(insertedDmarcResult(plan) == "temperror");
        CHECK_FALSE(contains(plan.logLine, "action="));
    }
}

TEST_CASE("plan: internal errors follow InternalErrorAction") {
    MessageFacts facts = factsFor();
    facts.internalError = "std::bad_alloc";
    facts.authResultsFields = {" other.example; none", " mx.example.net; dmarc=pass"};
    facts.quarantineHeaderFields = 1;
    SECTION("tempfail (default)") {
        const MessagePlan plan = planMessage(nullptr, facts, configFrom(""));
        CHECK(plan.decision == Decision::TempFail);
        REQUIRE(plan.reply);
        CHECK(plan.reply->code() == "451");
        CHECK(plan.reply->enhancedCode() == "4.7.1");
        CHECK_FALSE(plan.verdict);
        CHECK(plan.authResults.empty());
        CHECK(plan.logLine ==
              "3Zx1Kq4Hj: error reason=std::bad_alloc action=tempfail ip=192.0.2.1 reply=\"451 4.7.1 DMARC policy "
              "evaluation failed temporarily, try again later\" deleted_ar=1");
    }
    SECTION("accept: delivered unchecked, forged fields still removed, no A-R of ours") {
        const MessagePlan plan = planMessage(nullptr, facts, configFrom("InternalErrorAction accept"));
        CHECK(plan.decision == Decision::Accept);
        CHECK_FALSE(plan.reply);
        CHECK(changeLines(plan, HeaderChange::Kind::Delete) ==
              std::vector<std::string>{"Authentication-Results 2", "X-DMARC-Quarantine 1"});
        CHECK(changeLines(plan, HeaderChange::Kind::Insert).empty());
        CHECK(plan.logLine == "3Zx1Kq4Hj: error reason=std::bad_alloc action=accept ip=192.0.2.1 deleted_ar=1");
    }
    SECTION("an internal error wins over a (partial) evaluation") {
        const config::Config config = configFrom("");
        const Evaluation evaluation = evaluationOf({makeVerdict({}, config)});
        const MessagePlan plan = planMessage(&evaluation, facts, config);
        CHECK(plan.decision == Decision::TempFail);
        CHECK_FALSE(plan.verdict);
    }
    SECTION("no evaluation and no reason given is an internal error too") {
        const MessagePlan plan = planMessage(nullptr, factsFor(), configFrom(""));
        CHECK(plan.decision == Decision::TempFail);
        CHECK(contains(plan.logLine, ": error reason=\"message was not evaluated\" action=tempfail"));
    }
    SECTION("to a never-rejected recipient: marked, not deferred") {
        facts.recipients = {"<abuse@example.net>"};
        const MessagePlan plan = planMessage(nullptr, facts, configFrom(""));
        CHECK(plan.decision == Decision::Accept);
        CHECK(inserted(plan, kMark) == " internal error; recipient abuse@example.net is never rejected");
        CHECK(contains(plan.logLine, " action=mark ip=192.0.2.1 exempt=abuse@example.net"));
    }
}

TEST_CASE("plan: skipped messages get their log line and nothing else") {
    MessageFacts facts = factsFor();
    facts.skipReason = "authenticated sender alice";
    facts.authResultsFields = {" mx.example.net; dmarc=pass"};
    facts.quarantineHeaderFields = 2;
    facts.internalError = "ignored for a skipped message";
    const config::Config config = configFrom("RejectFailures yes");
    const Evaluation evaluation = evaluationOf({makeVerdict({}, config)});
    const Evaluation* evaluated = GENERATE_REF(as<const Evaluation*>{}, nullptr, &evaluation);
    MessagePlan plan = planMessage(evaluated, facts, config);
    CHECK(plan.changes.empty());
    CHECK(plan.decision == Decision::Accept);
    CHECK_FALSE(plan.reply);
    CHECK_FALSE(plan.holdReason);
    CHECK_FALSE(plan.verdict);
    CHECK(plan.authResults.empty());
    CHECK(plan.logLine == "3Zx1Kq4Hj: skip reason=\"authenticated sender alice\" ip=192.0.2.1");

    facts.queueId.clear();
    facts.skipReason = "client in IgnoreNetworks\nforged=1";
    plan = planMessage(nullptr, facts, config);
    CHECK(plan.logLine == "NOQUEUE: skip reason=\"client in IgnoreNetworks\\x0aforged=1\" ip=192.0.2.1");
}

TEST_CASE("plan: several and missing From fields follow their settings") {
    struct Case {
        std::string config;
        std::optional<FromError> error;
        std::size_t fields;
        Decision decision;
        std::string replyText;
        std::string dmarc;
        std::string reason;
    };
    const Case c = GENERATE(values<Case>({
        {"", FromError::NoFromField, 0, Decision::Accept, "", "none", "no From field"},
        {"MissingFromAction reject", FromError::NoFromField, 0, Decision::Reject, "Message has no From field", "none",
         "no From field"},
        {"MissingFromAction reject", FromError::Malformed, 1, Decision::Reject, "Message has no usable From field",
         "permerror", "From field unusable: "},
        {"", FromError::MailboxWithoutDomain, 1, Decision::Accept, "", "permerror", "From field unusable: "},
        {"MultipleFromAction reject", FromError::SeveralFromFields, 2, Decision::Reject,
         "Message has several From fields", "none", "several From fields"},
        {"MultipleFromAction accept", FromError::SeveralFromFields, 2, Decision::Accept, "", "none",
         "several From fields"},
        {"MultipleFromAction reject", std::nullopt, 1, Decision::Reject,
         "Message has From addresses in several domains", "none", "From names authors in several domains"},
        {"MultipleFromAction accept", std::nullopt, 1, Decision::Accept, "", "none",
         "From names authors in several domains"},
        // strictest that could not read every field: the unusable field decides
        {"MissingFromAction reject", FromError::Malformed, 2, Decision::Reject, "Message has no usable From field",
         "permerror", "From field unusable: "},
        // the From actions do not care about MultipleFromAction/MissingFromAction of the other kind
        {"MultipleFromAction reject", FromError::NoFromField, 0, Decision::Accept, "", "none", "no From field"},
        {"MissingFromAction reject", FromError::SeveralFromFields, 3, Decision::Accept, "", "none",
         "several From fields"},
    }));
    CAPTURE(c.config, c.fields, c.replyText);
    const config::Config config = configFrom(c.config);
    const Evaluation evaluation = evaluationWithoutAuthor(c.error, c.fields);
    const MessagePlan plan = planMessage(&evaluation, factsFor(), config);
    CHECK(plan.decision == c.decision);
    if (c.replyText.empty()) {
        CHECK_FALSE(plan.reply);
    } else {
        REQUIRE(plan.reply);
        CHECK(plan.reply->code() == "550");
        CHECK(plan.reply->enhancedCode() == "5.7.1");
        CHECK(plan.reply->text() == c.replyText);
        CHECK(contains(plan.logLine, " action=reject reply=\"550 5.7.1 " + c.replyText + "\""));
    }
    // Our A-R still reports SPF and DKIM, and a dmarc result without header.from.
    CHECK(insertedDmarcResult(plan) == c.dmarc);
    CHECK(contains(plan.authResults, "spf=pass"));
    CHECK(contains(plan.authResults, "dkim=fail"));
    CHECK(contains(plan.authResults, c.reason));
    CHECK_FALSE(contains(plan.authResults, "header.from"));
    REQUIRE(plan.verdict);
    CHECK(std::string(core::toString(plan.verdict->result)) == c.dmarc);
    CHECK(contains(plan.logLine, "reason=\"" + c.reason));
    CHECK(contains(plan.logLine, " spf=pass(bounce.esp.example,unevaluated) dkim=fail(mydomain.com,unevaluated,s=sel)"));
}

TEST_CASE("plan: a From-problem reject to a never-rejected recipient is a mark") {
    const config::Config config = configFrom("MissingFromAction reject");
    const Evaluation evaluation = evaluationWithoutAuthor(FromError::NoFromField, 0);
    const MessagePlan plan = planMessage(&evaluation, factsFor({"<postmaster@example.net>"}), config);
    CHECK(plan.decision == Decision::Accept);
    CHECK(inserted(plan, kMark) == " no From field; recipient postmaster@example.net is never rejected");
    REQUIRE(plan.verdict);
    CHECK(plan.verdict->overrides.size() == 1);
}

TEST_CASE("plan: several author domains evaluated under strictest apply the strictest verdict") {
    const config::Config config = configFrom("RejectFailures yes");
    VerdictSpec passing;
    passing.author = "other.example";
    passing.result = DmarcResult::Pass;
    const Evaluation evaluation = evaluationOf({makeVerdict(passing, config), makeVerdict({}, config)});
    const MessagePlan plan = planMessage(&evaluation, factsFor(), config);
    CHECK(plan.decision == Decision::Reject);
    CHECK(contains(plan.logLine, "3Zx1Kq4Hj: from=mydomain.com dmarc=fail"));
    CHECK(contains(plan.logLine, " authors=2"));
}

TEST_CASE("plan: reply texts are sanitised and keep their percent signs for libmilter") {
    SECTION("RejectReply with %") {
        const MessagePlan plan = planFor({}, "RejectFailures yes\nRejectReply Rejected 100% for DOMAIN");
        REQUIRE(plan.reply);
        CHECK(plan.reply->text() == "Rejected 100% for mydomain.com");
        CHECK(plan.reply->textForMilter() == "Rejected 100%% for mydomain.com");
    }
    SECTION("TempFailReply with %") {
        VerdictSpec spec;
        spec.result = DmarcResult::TempError;
        const MessagePlan plan = planFor(spec, "TempFailReply 50% of lookups failed, retry");
        REQUIRE(plan.reply);
        CHECK(plan.reply->textForMilter() == "50%% of lookups failed, retry");
    }
    SECTION("a hostile author domain cannot break the reply line") {
        const config::Config config = configFrom("RejectFailures yes");
        core::Verdict verdict = makeVerdict({}, config);
        verdict.record.reset();
        verdict.authorDomain = "evil.example\r\n250 OK\xff";
        const Evaluation evaluation = evaluationOf({verdict});
        const MessagePlan plan = planMessage(&evaluation, factsFor(), config);
        REQUIRE(plan.reply);
        CHECK(plan.reply->text() == "Email rejected per DMARC policy for evil.example??250 OK?");
        CHECK_FALSE(contains(plan.logLine, "\n"));
    }
    SECTION("a hand-made Config with an unusable text still gives a valid reply") {
        config::Config config = configFrom("");
        config.tempFailReply = std::string(600, 'x');
        VerdictSpec spec;
        spec.result = DmarcResult::TempError;
        const Evaluation evaluation = evaluationOf({makeVerdict(spec, config)});
        const MessagePlan plan = planMessage(&evaluation, factsFor(), config);
        REQUIRE(plan.reply);
        CHECK(plan.reply->code() == "451");
        CHECK(plan.reply->text().empty());
    }
}

TEST_CASE("plan: the mark and hold texts are header-safe whatever the author domain holds") {
    const config::Config config = configFrom("HoldQuarantinedMessages yes");
    core::Verdict verdict = makeVerdict({}, config);
    verdict.authorDomain = "a\r\nX-Injected: 1";
    const Evaluation evaluation = evaluationOf({verdict});
    const MessagePlan plan = planMessage(&evaluation, factsFor(), config);
    const auto mark = inserted(plan, kMark);
    REQUIRE(mark);
    CHECK(*mark == " a\\x0d\\x0aX-Injected:\\x201: DMARC fail, p=reject applied as quarantine (local_policy)");
    REQUIRE(plan.holdReason);
    CHECK(*plan.holdReason == mark->substr(1));
}

TEST_CASE("plan: the log line names domains, alignment and the plan's extra fields") {
    const config::Config config = configFrom("");
    VerdictSpec spec;
    spec.record = "v=DMARC1; p=quarantine";
    Evaluation evaluation = evaluationOf({makeVerdict(spec, config)});
    evaluation.spfFromUpstream = "relay.example.net";
    MessageFacts facts = factsFor();
    facts.authResultsFields = {" mx.example.net; dmarc=pass", " mx.example.net; spf=pass"};
    const MessagePlan plan = planMessage(&evaluation, facts, config);
    CHECK(plan.logLine ==
          "3Zx1Kq4Hj: from=mydomain.com dmarc=fail policy=quarantine record=mydomain.com(author,p) "
          "spf=pass(bounce.esp.example,unaligned) dkim=fail(mydomain.com,aligned,s=sel) disposition=quarantine "
          "ip=192.0.2.1 action=mark deleted_ar=2 spf_source=\"upstream(relay.example.net)\"");
}

TEST_CASE("plan: the default configuration never answers 550") {
    const config::Config config = configFrom("");
    const std::vector<std::string> records{
        "",
        "v=DMARC1; p=none",
        "v=DMARC1; p=quarantine",
        "v=DMARC1; p=reject",
        "v=DMARC1; p=reject; t=y",
        "v=DMARC1; p=none; sp=reject; np=reject",
        "v=DMARC1; p=reject; pct=0",
        "v=DMARC1; rua=mailto:d@mydomain.com; p=bogus",
    };
    const std::vector<DmarcResult> results{DmarcResult::None, DmarcResult::Pass, DmarcResult::Fail,
                                           DmarcResult::TempError, DmarcResult::PermError};
    const std::vector<std::vector<std::string>> recipientSets{{"<alice@example.net>"}, {"<postmaster@example.net>"}, {}};
    std::size_t plans = 0;
    auto check = [&](const Evaluation* evaluation, const MessageFacts& facts) {
        const MessagePlan plan = planMessage(evaluation, facts, config);
        ++plans;
        INFO(plan.logLine);
        CHECK(plan.decision != Decision::Reject);
        if (plan.reply) CHECK(plan.reply->code() != "550");
        CHECK_FALSE(contains(plan.logLine, "550"));
        CHECK_FALSE(plan.holdReason);
    };
    for (const auto& recipients : recipientSets) {
        MessageFacts facts = factsFor(recipients);
        facts.authResultsFields = {" mx.example.net; dmarc=pass"};
        for (const auto& record : records) {
            for (const DmarcResult result : results) {
                for (const PolicyTag tag : {PolicyTag::P, PolicyTag::Sp, PolicyTag::Np}) {
                    for (int facts_bits = 0; facts_bits < 4; ++facts_bits) {
                        VerdictSpec spec;
                        spec.record = record;
                        spec.result = result;
                        spec.tag = tag;
                        spec.facts.trustedForwarder = (facts_bits & 1) != 0;
                        spec.facts.mailingList = (facts_bits & 2) != 0;
                        const Evaluation evaluation = evaluationOf({makeVerdict(spec, config)});
                        check(&evaluation, facts);
                    }
                }
            }
        }
        for (const auto error : {std::optional<FromError>{}, std::optional{FromError::NoFromField},
                                 std::optional{FromError::SeveralFromFields}, std::optional{FromError::Malformed},
                                 std::optional{FromError::InvalidDomain}}) {
            const Evaluation evaluation = evaluationWithoutAuthor(error, 2);
            check(&evaluation, facts);
        }
        MessageFacts failed = facts;
        failed.internalError = "boom";
        check(nullptr, failed);
        MessageFacts skipped = facts;
        skipped.skipReason = "authenticated sender bob";
        check(nullptr, skipped);
    }
    CHECK(plans == 3 * (8 * 5 * 3 * 4 + 5 + 2));
}
