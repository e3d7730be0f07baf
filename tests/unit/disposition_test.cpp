// Unit tests for lib/core/disposition: requested vs applied disposition for every result,
// policy, t=y, pct (at its boundaries, with fixed draws), local rule, trusted forwarder,
// mailing list and the hard-reject opt-in, with the override reasons each one records.
#include <catch2/catch.hpp>

#include <optional>
#include <string>
#include <vector>

#include "core/disposition.h"
#include "support/fixed_random.h"

namespace {

using namespace dmarc::core;

using dmarc::test::FixedRandom;

struct Case {
    const char* what;
    DmarcMode mode = DmarcMode::Rfc9989;
    DmarcResult result = DmarcResult::Fail;
    Policy policy = Policy::Reject;
    bool testing = false;
    int pct = 100;
    int draw = 0;
    bool hardReject = true;
    LocalFacts facts = {};
    Disposition forwarderCap = Disposition::None;
    Disposition listCap = Disposition::None;
    Disposition requested = Disposition::None;
    Disposition applied = Disposition::None;
    std::vector<OverrideReason> reasons = {};
    int draws = 0;
};

LocalFacts forwarder() {
    LocalFacts facts;
    facts.trustedForwarder = true;
    return facts;
}

LocalFacts list() {
    LocalFacts facts;
    facts.mailingList = true;
    return facts;
}

LocalFacts rule(Disposition disposition) {
    LocalFacts facts;
    facts.domainRule = disposition;
    return facts;
}

constexpr auto R7489 = DmarcMode::Rfc7489;
constexpr auto None = Disposition::None;
constexpr auto Quar = Disposition::Quarantine;
constexpr auto Rej = Disposition::Reject;
constexpr auto TestMode = OverrideReason::PolicyTestMode;
constexpr auto Sampled = OverrideReason::SampledOut;
constexpr auto Local = OverrideReason::LocalPolicy;
constexpr auto Forwarder = OverrideReason::TrustedForwarder;
constexpr auto List = OverrideReason::MailingList;

std::vector<Case> cases() {
    std::vector<Case> all = {
        // Only a fail has a disposition.
        {.what = "pass", .result = DmarcResult::Pass},
        {.what = "none", .result = DmarcResult::None},
        {.what = "temperror", .result = DmarcResult::TempError},
        {.what = "permerror", .result = DmarcResult::PermError},
        {.what = "pass under t=y and pct", .mode = R7489, .result = DmarcResult::Pass,
         .testing = true, .pct = 10, .draw = 99},
        // The policy as published, hard reject on.
        {.what = "p=none", .policy = Policy::None},
        {.what = "p=quarantine", .policy = Policy::Quarantine, .requested = Quar, .applied = Quar},
        {.what = "p=reject, hard reject", .requested = Rej, .applied = Rej},
        {.what = "p=reject, hard reject, RFC 7489", .mode = R7489, .requested = Rej,
         .applied = Rej},
        // The default: p=reject becomes quarantine.
        {.what = "p=reject, default", .hardReject = false, .requested = Rej, .applied = Quar,
         .reasons = {Local}},
        {.what = "p=quarantine, default", .policy = Policy::Quarantine, .hardReject = false,
         .requested = Quar, .applied = Quar},
        // t=y (RFC 9989 only): one level down, nothing for none.
        {.what = "t=y reject", .testing = true, .requested = Rej, .applied = Quar,
         .reasons = {TestMode}},
        {.what = "t=y reject, default: no second override", .testing = true,
         .hardReject = false, .requested = Rej, .applied = Quar, .reasons = {TestMode}},
        {.what = "t=y quarantine", .policy = Policy::Quarantine, .testing = true,
         .requested = Quar, .applied = None, .reasons = {TestMode}},
        {.what = "t=y none", .policy = Policy::None, .testing = true},
        {.what = "t=y ignored in RFC 7489 mode", .mode = R7489, .testing = true,
         .requested = Rej, .applied = Rej},
        {.what = "t=y ignored in RFC 7489 mode, quarantine", .mode = R7489,
         .policy = Policy::Quarantine, .testing = true, .requested = Quar, .applied = Quar},
        // pct (RFC 7489 only): applied when draw < pct.
        {.what = "pct=50 draw 49: sampled in", .mode = R7489, .pct = 50, .draw = 49,
         .requested = Rej, .applied = Rej, .draws = 1},
        {.what = "pct=50 draw 50: sampled out", .mode = R7489, .pct = 50, .draw = 50,
         .requested = Rej, .applied = Quar, .reasons = {Sampled}, .draws = 1},
        {.what = "pct=50 quarantine draw 50: none", .mode = R7489, .policy = Policy::Quarantine,
         .pct = 50, .draw = 50, .requested = Quar, .applied = None, .reasons = {Sampled},
         .draws = 1},
        {.what = "pct=1 draw 0: in", .mode = R7489, .pct = 1, .draw = 0, .requested = Rej,
         .applied = Rej, .draws = 1},
        {.what = "pct=1 draw 1: out", .mode = R7489, .pct = 1, .draw = 1, .requested = Rej,
         .applied = Quar, .reasons = {Sampled}, .draws = 1},
        {.what = "pct=99 draw 98: in", .mode = R7489, .pct = 99, .draw = 98, .requested = Rej,
         .applied = Rej, .draws = 1},
        {.what = "pct=99 draw 99: out", .mode = R7489, .pct = 99, .draw = 99, .requested = Rej,
         .applied = Quar, .reasons = {Sampled}, .draws = 1},
        {.what = "pct=0: always out, no draw", .mode = R7489, .pct = 0, .draw = 0,
         .requested = Rej, .applied = Quar, .reasons = {Sampled}},
        {.what = "pct=0 quarantine: none", .mode = R7489, .policy = Policy::Quarantine, .pct = 0,
         .requested = Quar, .applied = None, .reasons = {Sampled}},
        {.what = "pct=100: no draw", .mode = R7489, .pct = 100, .draw = 99, .requested = Rej,
         .applied = Rej},
        {.what = "pct with p=none: no draw", .mode = R7489, .policy = Policy::None, .pct = 50,
         .draw = 99},
        {.what = "pct ignored in RFC 9989 mode", .pct = 0, .draw = 99, .requested = Rej,
         .applied = Rej},
        {.what = "pct in sample, default: quarantined by local policy", .mode = R7489,
         .pct = 50, .draw = 10, .hardReject = false, .requested = Rej, .applied = Quar,
         .reasons = {Local}, .draws = 1},
        {.what = "pct out of sample, default: no second override", .mode = R7489, .pct = 50,
         .draw = 60, .hardReject = false, .requested = Rej, .applied = Quar,
         .reasons = {Sampled}, .draws = 1},
        // Trusted forwarder and mailing list cap the disposition.
        {.what = "trusted forwarder, reject", .facts = forwarder(), .requested = Rej,
         .applied = None, .reasons = {Forwarder}},
        {.what = "trusted forwarder, quarantine", .policy = Policy::Quarantine,
         .facts = forwarder(), .requested = Quar, .applied = None, .reasons = {Forwarder}},
        {.what = "trusted forwarder, p=none: nothing to override", .policy = Policy::None,
         .facts = forwarder()},
        {.what = "trusted forwarder capped at quarantine, reject", .facts = forwarder(),
         .forwarderCap = Quar, .requested = Rej, .applied = Quar, .reasons = {Forwarder}},
        {.what = "trusted forwarder capped at quarantine, quarantine", .policy = Policy::Quarantine,
         .facts = forwarder(), .forwarderCap = Quar, .requested = Quar, .applied = Quar},
        {.what = "trusted forwarder capped at quarantine, default", .hardReject = false,
         .facts = forwarder(), .forwarderCap = Quar, .requested = Rej, .applied = Quar,
         .reasons = {Forwarder}},
        {.what = "trusted forwarder allowed to be rejected, default", .hardReject = false,
         .facts = forwarder(), .forwarderCap = Rej, .requested = Rej, .applied = Quar,
         .reasons = {Local}},
        {.what = "mailing list, reject", .facts = list(), .requested = Rej, .applied = None,
         .reasons = {List}},
        {.what = "mailing list capped at quarantine, reject", .facts = list(), .listCap = Quar,
         .requested = Rej, .applied = Quar, .reasons = {List}},
        {.what = "mailing list capped at quarantine, quarantine", .policy = Policy::Quarantine,
         .facts = list(), .listCap = Quar, .requested = Quar, .applied = Quar},
        {.what = "mailing list, default", .hardReject = false, .facts = list(),
         .requested = Rej, .applied = None, .reasons = {List}},
        // A local rule for the author domain replaces the policy.
        {.what = "local rule reject on p=none", .policy = Policy::None, .hardReject = false,
         .facts = rule(Rej), .requested = None, .applied = Rej, .reasons = {Local}},
        {.what = "local rule none on p=reject", .facts = rule(None), .requested = Rej,
         .applied = None, .reasons = {Local}},
        {.what = "local rule reject on p=reject keeps reject by default", .hardReject = false,
         .facts = rule(Rej), .requested = Rej, .applied = Rej},
        {.what = "local rule quarantine on p=reject", .facts = rule(Quar), .requested = Rej,
         .applied = Quar, .reasons = {Local}},
        {.what = "local rule replaces t=y's step", .policy = Policy::Reject, .testing = true,
         .facts = rule(Rej), .requested = Rej, .applied = Rej, .reasons = {TestMode, Local}},
        // Combinations, in order.
        {.what = "t=y then trusted forwarder", .testing = true, .facts = forwarder(),
         .requested = Rej, .applied = None, .reasons = {TestMode, Forwarder}},
        {.what = "t=y then mailing list capped at quarantine", .testing = true,
         .facts = list(), .listCap = Quar, .requested = Rej, .applied = Quar,
         .reasons = {TestMode}},
        {.what = "sampled out then mailing list", .mode = R7489, .pct = 20, .draw = 20,
         .facts = list(), .requested = Rej, .applied = None, .reasons = {Sampled, List},
         .draws = 1},
    };
    LocalFacts both;
    both.trustedForwarder = true;
    both.mailingList = true;
    all.push_back({.what = "forwarder and list: the forwarder acts first", .facts = both,
                   .requested = Rej, .applied = None, .reasons = {Forwarder}});
    LocalFacts ruleAndForwarder = forwarder();
    ruleAndForwarder.domainRule = Rej;
    all.push_back({.what = "local rule reject, then a trusted forwarder caps it",
                   .facts = ruleAndForwarder, .requested = Rej, .applied = None,
                   .reasons = {Forwarder}});
    return all;
}

TEST_CASE("disposition table") {
    for (const auto& c : cases()) {
        INFO(c.what);
        LocalPolicy settings;
        settings.mode = c.mode;
        settings.hardReject = c.hardReject;
        settings.trustedForwarderCap = c.forwarderCap;
        settings.mailingListCap = c.listCap;
        FixedRandom random(c.draw);
        const DispositionInput input{c.result, c.policy, c.testing, c.pct};
        const auto decision = decideDisposition(input, settings, c.facts, random);
        CHECK(decision.requested == c.requested);
        CHECK(decision.applied == c.applied);
        std::vector<OverrideReason> reasons;
        for (const auto& o : decision.overrides) {
            reasons.push_back(o.reason);
            CHECK_FALSE(o.comment.empty());
        }
        CHECK(reasons == c.reasons);
        CHECK(random.calls() == c.draws);
    }
}

TEST_CASE("disposition override comments say what happened") {
    LocalPolicy settings;
    settings.hardReject = true;
    FixedRandom random(73);
    SECTION("t=y") {
        const auto d = decideDisposition({DmarcResult::Fail, Policy::Reject, true, 100}, settings,
                                         {}, random);
        REQUIRE(d.overrides.size() == 1);
        CHECK(d.overrides[0].comment == "t=y: the domain owner is testing its reject policy");
    }
    SECTION("pct") {
        settings.mode = DmarcMode::Rfc7489;
        const auto d = decideDisposition({DmarcResult::Fail, Policy::Reject, false, 50}, settings,
                                         {}, random);
        REQUIRE(d.overrides.size() == 1);
        CHECK(d.overrides[0].comment == "pct=50: drew 73, outside the sample");
    }
    SECTION("pct=0") {
        settings.mode = DmarcMode::Rfc7489;
        const auto d = decideDisposition({DmarcResult::Fail, Policy::Reject, false, 0}, settings,
                                         {}, random);
        REQUIRE(d.overrides.size() == 1);
        CHECK(d.overrides[0].comment == "pct=0: no message is sampled for the policy");
    }
    SECTION("hard reject off") {
        settings.hardReject = false;
        const auto d = decideDisposition({DmarcResult::Fail, Policy::Reject, false, 100},
                                         settings, {}, random);
        REQUIRE(d.overrides.size() == 1);
        CHECK_THAT(d.overrides[0].comment, Catch::Contains("hard reject is not enabled"));
    }
    SECTION("the local note is kept") {
        LocalFacts facts = forwarder();
        facts.note = "forwarder.example.org";
        const auto d = decideDisposition({DmarcResult::Fail, Policy::Reject, false, 100},
                                         settings, facts, random);
        REQUIRE(d.overrides.size() == 1);
        CHECK(d.overrides[0].comment == "relayed by a trusted forwarder: forwarder.example.org");
    }
    SECTION("mailing list and local rule comments") {
        LocalFacts facts = list();
        CHECK(decideDisposition({DmarcResult::Fail, Policy::Reject, false, 100}, settings, facts,
                                random)
                  .overrides.at(0)
                  .comment == "mailing list message");
        CHECK(decideDisposition({DmarcResult::Fail, Policy::Reject, false, 100}, settings,
                                rule(Disposition::None), random)
                  .overrides.at(0)
                  .comment == "local rule for this author domain");
    }
}

TEST_CASE("default local policy follows DESIGN.md enforcement defaults") {
    const LocalPolicy defaults;
    CHECK(defaults.mode == DmarcMode::Rfc9989);
    CHECK_FALSE(defaults.hardReject);
    CHECK(defaults.trustedForwarderCap == Disposition::None);
    CHECK(defaults.mailingListCap == Disposition::None);
}

}  // namespace
