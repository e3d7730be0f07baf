// Unit tests for applyPlan (lib/pipeline/milter_actions.cpp) through RecordingActions:
// changes in plan order, then the hold, then the reply; refused actions reported while the
// rest is still applied and the decision stands. Deterministic; single-threaded.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "plan_test_support.h"
#include "recording_actions.h"

using namespace dmarc;
using namespace dmarc::pipeline;
using namespace dmarc::pipeline::testing;
using Kind = RecordingActions::Kind;

namespace {

core::SmtpReply reply(const char* code, const char* enhanced, const char* text) {
    return core::makeSmtpReply(code, enhanced, text).value();
}

// Every kind of effect at once (no real plan holds and defers, applyPlan need not care).
MessagePlan everything() {
    MessagePlan plan;
    plan.changes = {
        {HeaderChange::Kind::Delete, "Authentication-Results", 3, ""},
        {HeaderChange::Kind::Delete, "Authentication-Results", 1, ""},
        {HeaderChange::Kind::Delete, "X-DMARC-Quarantine", 1, ""},
        {HeaderChange::Kind::Insert, "X-DMARC-Quarantine", 1, " mydomain.com: DMARC fail, p=quarantine"},
        {HeaderChange::Kind::Insert, "Authentication-Results", 1, " mx.example.net; dmarc=fail"},
    };
    plan.holdReason = "mydomain.com: DMARC fail, p=quarantine";
    plan.decision = Decision::TempFail;
    plan.reply = reply("451", "4.7.1", "Try again, 100% sure");
    return plan;
}

const std::vector<std::string> kEverythingCalls{
    "delete Authentication-Results 3",
    "delete Authentication-Results 1",
    "delete X-DMARC-Quarantine 1",
    "insert 1 X-DMARC-Quarantine: mydomain.com: DMARC fail, p=quarantine",
    "insert 1 Authentication-Results: mx.example.net; dmarc=fail",
    "quarantine mydomain.com: DMARC fail, p=quarantine",
    "reply 451 4.7.1 Try again, 100%% sure",
};

}  // namespace

TEST_CASE("applyPlan: changes in order, then the hold, then the reply") {
    RecordingActions actions;
    const ApplyResult result = applyPlan(everything(), actions);
    CHECK(actions.calls() == kEverythingCalls);
    CHECK(result.decision == Decision::TempFail);
    CHECK(result.failures.empty());
}

TEST_CASE("applyPlan: refused actions are reported, the rest applied, the decision stands") {
    const auto [refused, failures] = GENERATE(table<std::vector<Kind>, std::vector<std::string>>({
        {{Kind::Delete},
         {"delete Authentication-Results[3] refused", "delete Authentication-Results[1] refused",
          "delete X-DMARC-Quarantine[1] refused"}},
        {{Kind::Insert}, {"insert X-DMARC-Quarantine at 1 refused", "insert Authentication-Results at 1 refused"}},
        {{Kind::Quarantine}, {"hold refused"}},
        {{Kind::Reply}, {"reply 451 4.7.1 refused"}},
        {{Kind::Delete, Kind::Quarantine}, {"delete Authentication-Results[3] refused",
                                            "delete Authentication-Results[1] refused",
                                            "delete X-DMARC-Quarantine[1] refused", "hold refused"}},
    }));
    RecordingActions actions;
    for (const Kind kind : refused) actions.refuse(kind);
    const ApplyResult result = applyPlan(everything(), actions);
    CHECK(actions.calls() == kEverythingCalls);
    CHECK(result.failures == failures);
    CHECK(result.decision == Decision::TempFail);
}

TEST_CASE("applyPlan: an accepted message gets no reply and no hold unless planned") {
    MessagePlan plan;
    plan.changes = {{HeaderChange::Kind::Insert, "Authentication-Results", 1, " mx.example.net; none"}};
    RecordingActions actions;
    const ApplyResult result = applyPlan(plan, actions);
    CHECK(actions.calls() == std::vector<std::string>{"insert 1 Authentication-Results: mx.example.net; none"});
    CHECK(result.decision == Decision::Accept);
    CHECK(result.failures.empty());
}

TEST_CASE("applyPlan: planned messages reach the MTA as planned") {
    const auto [configText, verdictRecord, recipient, expected, decision] =
        GENERATE(table<std::string, std::string, std::string, std::vector<std::string>, Decision>({
            {"RejectFailures yes\nRejectReply 100% no for DOMAIN", "v=DMARC1; p=reject", "<alice@example.net>",
             {"delete Authentication-Results 2", "insert 1 Authentication-Results:", "reply 550 5.7.1 100%% no for mydomain.com"},
             Decision::Reject},
            {"HoldQuarantinedMessages yes", "v=DMARC1; p=quarantine", "<alice@example.net>",
             {"delete Authentication-Results 2", "insert 1 X-DMARC-Quarantine: mydomain.com: DMARC fail, p=quarantine",
              "insert 1 Authentication-Results:", "quarantine mydomain.com: DMARC fail, p=quarantine"},
             Decision::Accept},
            {"RejectFailures yes", "v=DMARC1; p=reject", "<postmaster@example.net>",
             {"delete Authentication-Results 2",
              "insert 1 X-DMARC-Quarantine: mydomain.com: DMARC fail, p=reject applied as quarantine (local_policy); "
              "recipient postmaster@example.net is never rejected",
              "insert 1 Authentication-Results:"},
             Decision::Accept},
        }));
    CAPTURE(configText, recipient);
    const config::Config config = configFrom(configText);
    VerdictSpec spec;
    spec.record = verdictRecord;
    const Evaluation evaluation = evaluationOf({makeVerdict(spec, config)});
    MessageFacts facts = factsFor({recipient});
    facts.authResultsFields = {" other.example; none", " mx.example.net; dmarc=pass"};
    const MessagePlan plan = planMessage(&evaluation, facts, config);

    RecordingActions actions;
    const ApplyResult result = applyPlan(plan, actions);
    CHECK(result.decision == decision);
    CHECK(result.failures.empty());
    REQUIRE(actions.calls().size() == expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
        // Our A-R's value is checked elsewhere; here its place in the sequence.
        CHECK(actions.calls()[i].rfind(expected[i], 0) == 0);
    }
}
