// Session end to end over real DNS: NSD on loopback serving tests/data/pipeline/zones,
// libspf2 and libopendkim through the CaresResolver, the real planMessage. Client
// addresses are documentation ranges, never loopback. Every scenario has a control that
// differs in the one thing under test.
#include <catch2/catch.hpp>

#include <atomic>

#include "session_fixture.h"

using namespace dmarc;
using namespace dmarc::sessiontest;
using pipeline::Decision;
using pipeline::EventReply;

namespace {

const core::Verdict& applied(const pipeline::MessageOutcome& outcome) {
    REQUIRE(outcome.evaluation);
    REQUIRE(outcome.evaluation->applied);
    return *outcome.evaluation->applied;
}

bool aligned(const core::AlignmentCheck& check) {
    return check.alignment == core::Alignment::Strict || check.alignment == core::Alignment::Relaxed;
}

bool hasAlignedDkimPass(const core::Verdict& verdict, const std::string& domain) {
    for (const auto& dkim : verdict.dkim) {
        if (dkim.result == core::DkimResult::Pass && dkim.domain == domain && aligned(dkim.alignment)) return true;
    }
    return false;
}

Envelope esp() { return client("192.0.2.10", "mta1.esp.test", "<bounce-123@bounce.esp.test>"); }

}  // namespace

TEST_CASE("ESP: SPF passes unaligned, the author's DKIM signature aligns: dmarc pass") {
    const auto outcome = deliver(esp(), "esp_signed");
    const auto& verdict = applied(outcome);
    CHECK(verdict.authorDomain == "mydomain.test");
    CHECK(verdict.spf.result == core::SpfResult::Pass);
    CHECK(verdict.spf.domain == "bounce.esp.test");
    CHECK_FALSE(aligned(verdict.spf.alignment));
    CHECK(hasAlignedDkimPass(verdict, "mydomain.test"));
    CHECK(outcome.evaluation->dkim.size() == 2);
    CHECK(verdict.result == core::DmarcResult::Pass);
    CHECK(outcome.plan.decision == Decision::Accept);
    CHECK(outcome.facts.clientIp == "192.0.2.10");
    CHECK(outcome.facts.mailFrom == "bounce-123@bounce.esp.test");
    CHECK(outcome.facts.queueId == "4QTEST");
    CHECK_FALSE(outcome.plan.authResults.empty());
}

TEST_CASE("ESP without the author's signature under p=reject is quarantined, not rejected, by default") {
    const auto outcome = deliver(esp(), "esp_unsigned");
    const auto& verdict = applied(outcome);
    CHECK(verdict.result == core::DmarcResult::Fail);
    CHECK(verdict.requested == core::Disposition::Reject);
    CHECK(verdict.applied == core::Disposition::Quarantine);
    CHECK(verdict.overrideReason() == core::OverrideReason::LocalPolicy);
    CHECK(outcome.plan.decision == Decision::Accept);

    SECTION("RejectFailures yes: rejected") {
        const auto rejected = deliver(esp(), "esp_unsigned", makeConfig("RejectFailures yes\n"));
        CHECK(applied(rejected).applied == core::Disposition::Reject);
        CHECK(rejected.plan.decision == Decision::Reject);
    }
}

TEST_CASE("SPF alone passes aligned for a custom MAIL FROM subdomain in relaxed mode") {
    const auto outcome = deliver(client("192.0.2.21", "mail.mydomain.test", "<b@mail.mydomain.test>"), "mydomain_unsigned");
    const auto& verdict = applied(outcome);
    CHECK(verdict.spf.result == core::SpfResult::Pass);
    CHECK(aligned(verdict.spf.alignment));
    CHECK(verdict.dkim.empty());
    CHECK(verdict.result == core::DmarcResult::Pass);

    SECTION("control: aspf=s does not align the subdomain") {
        const auto strict = deliver(client("192.0.2.71", "mail.strict.test", "<b@mail.strict.test>"), "strict_unsigned");
        CHECK(applied(strict).spf.result == core::SpfResult::Pass);
        CHECK_FALSE(aligned(applied(strict).spf.alignment));
        CHECK(applied(strict).result == core::DmarcResult::Fail);
    }
}

TEST_CASE("An IPv6 client is checked by SPF over IPv6") {
    const auto outcome = deliver(client("2001:db8::20", "mx6.mydomain.test", "<a@mydomain.test>"), "mydomain_unsigned");
    CHECK(applied(outcome).spf.result == core::SpfResult::Pass);
    CHECK(applied(outcome).result == core::DmarcResult::Pass);
    CHECK(outcome.facts.clientIp == "2001:db8::20");

    SECTION("control: an address the record does not list fails") {
        const auto other = deliver(client("2001:db8::99", "mx6.mydomain.test", "<a@mydomain.test>"), "mydomain_unsigned");
        CHECK(applied(other).spf.result == core::SpfResult::Fail);
        CHECK(applied(other).result == core::DmarcResult::Fail);
    }
}

TEST_CASE("A body changed in transit fails DKIM") {
    const auto outcome = deliver(esp(), "body_modified");
    const auto& verdict = applied(outcome);
    REQUIRE(verdict.dkim.size() == 1);
    CHECK(verdict.dkim[0].result == core::DkimResult::Fail);
    CHECK(verdict.result == core::DmarcResult::Fail);
}

TEST_CASE("Trusted clients are skipped with a reason") {
    const auto config = makeConfig("IgnoreNetworks 192.0.2.0/25\nIgnoreDaemonNames submission\n");
    pipeline::Session session(sharedServices(), [config] { return config; });

    SECTION("by network") {
        CHECK(session.connect({"192.0.2.10", "x", "smtpd"}) == EventReply::Accept);
        CHECK(session.connectionSkipReason().find("192.0.2.10") != std::string::npos);
        CHECK(session.mailFrom("<a@b.test>", "") == EventReply::Accept);
    }
    SECTION("by daemon name") {
        CHECK(session.connect({"198.51.100.7", "x", "submission"}) == EventReply::Accept);
        CHECK(session.connectionSkipReason().find("submission") != std::string::npos);
    }
    SECTION("control: another network and daemon are checked") {
        CHECK(session.connect({"192.0.2.200", "x", "smtpd"}) == EventReply::Continue);
        CHECK(session.connectionSkipReason().empty());
    }
}

TEST_CASE("An SMTP-authenticated sender's message is skipped, not evaluated") {
    Envelope envelope = esp();
    envelope.authAuthen = "alice";
    const auto outcome = deliver(envelope, "esp_unsigned");
    CHECK_FALSE(outcome.evaluation);
    CHECK(outcome.facts.skipReason == "authenticated sender alice");
    CHECK(outcome.plan.decision == Decision::Accept);
    CHECK(outcome.plan.authResults.empty());

    SECTION("control: IgnoreAuthenticatedClients no evaluates it") {
        const auto checked = deliver(envelope, "esp_unsigned", makeConfig("IgnoreAuthenticatedClients no\n"));
        CHECK(checked.facts.skipReason.empty());
        CHECK(applied(checked).result == core::DmarcResult::Fail);
    }
}

TEST_CASE("Behind a trusted relay the client comes from the relay's Received field") {
    // Our MTA's own Received field on top (naming the relay), the relay's below it.
    const std::string received =
        "Received: from relay.pipeline.test (relay.pipeline.test [198.51.100.1])\r\n"
        "\tby mx.pipeline.test (Postfix) with ESMTP id 4QTEST\r\n"
        "Received: from mx1.mydomain.test (mx1.mydomain.test [192.0.2.20])\r\n"
        "\tby relay.pipeline.test (Postfix) with ESMTP id R1\r\n";
    const std::string message = received + readMessage("mydomain_unsigned");
    auto run = [&](const config::ConfigPtr& config) {
        pipeline::Session session(sharedServices(), [config] { return config; });
        REQUIRE(session.connect({"198.51.100.1", "relay.pipeline.test", "smtpd"}) == EventReply::Continue);
        session.helo("relay.pipeline.test");
        return sendMessage(session, client("198.51.100.1", "relay.pipeline.test", "<a@mydomain.test>"), message);
    };
    const auto relayed = run(makeConfig("TrustedRelays 198.51.100.0/24\n"));
    CHECK(relayed.facts.clientIp == "192.0.2.20");
    CHECK(relayed.facts.helo == "mx1.mydomain.test");
    CHECK(applied(relayed).spf.result == core::SpfResult::Pass);
    CHECK(applied(relayed).result == core::DmarcResult::Pass);

    SECTION("control: without TrustedRelays the relay itself is judged") {
        const auto direct = run(makeConfig());
        CHECK(direct.facts.clientIp == "198.51.100.1");
        CHECK(applied(direct).spf.result == core::SpfResult::Fail);
        CHECK(applied(direct).result == core::DmarcResult::Fail);
    }
    SECTION("the client behind the relay is in IgnoreNetworks: skipped") {
        const auto skipped = run(makeConfig("TrustedRelays 198.51.100.0/24\nIgnoreNetworks 192.0.2.20\n"));
        CHECK_FALSE(skipped.evaluation);
        CHECK(skipped.facts.skipReason.find("192.0.2.20") != std::string::npos);
    }
}

TEST_CASE("A trusted upstream Authentication-Results supplies SPF for MAIL FROM only") {
    // 203.0.113.5 is not in none.test's SPF record: our own check fails. It is the relay
    // in front of us; the upstream field is only believed from such a relay.
    const Envelope envelope = client("203.0.113.5", "gw.upstream.test", "<nora@none.test>");
    const std::string relayed = "TrustedRelays 203.0.113.5\nTrustedAuthservIDs upstream.pipeline.test\n";
    const auto trusted = deliver(envelope, "forged_auth_results", makeConfig(relayed));
    CHECK(trusted.evaluation->spfFromUpstream == "upstream.pipeline.test");
    CHECK(applied(trusted).spf.result == core::SpfResult::Pass);
    CHECK(applied(trusted).result == core::DmarcResult::Pass);
    CHECK(trusted.facts.authResultsFields.size() == 2);

    SECTION("control: without TrustedAuthservIDs our own SPF check counts") {
        const auto own = deliver(envelope, "forged_auth_results");
        CHECK(own.evaluation->spfFromUpstream.empty());
        CHECK(applied(own).spf.result == core::SpfResult::Fail);
        CHECK(applied(own).result == core::DmarcResult::Fail);
    }
    SECTION("from a client that is not a trusted relay the field is anyone's forgery") {
        const auto direct =
            deliver(envelope, "forged_auth_results", makeConfig("TrustedAuthservIDs upstream.pipeline.test\n"));
        CHECK(direct.evaluation->spfFromUpstream.empty());
        CHECK(applied(direct).spf.result == core::SpfResult::Fail);
        CHECK(applied(direct).result == core::DmarcResult::Fail);
    }
    SECTION("an upstream HELO result is never used") {
        const std::string helo =
            "Authentication-Results: upstream.pipeline.test; spf=pass smtp.helo=none.test\r\n" +
            readMessage("none_unsigned");
        const auto config = makeConfig(relayed);
        pipeline::Session session(sharedServices(), [config] { return config; });
        REQUIRE(session.connect({envelope.clientIp, "x", "smtpd"}) == EventReply::Continue);
        session.helo(envelope.helo);
        const auto outcome = sendMessage(session, envelope, helo);
        CHECK(outcome.evaluation->spfFromUpstream.empty());
        CHECK(applied(outcome).spf.result == core::SpfResult::Fail);
    }
}

TEST_CASE("Several From fields follow MultipleFromAction") {
    const Envelope envelope = client("192.0.2.20", "mx1.mydomain.test", "<a@mydomain.test>");
    const auto strictest = deliver(envelope, "two_from_fields");
    REQUIRE(strictest.evaluation);
    CHECK(strictest.evaluation->fromFieldCount == 2);
    CHECK(strictest.evaluation->severalAuthors);
    REQUIRE(strictest.evaluation->verdicts.size() == 2);
    CHECK(strictest.evaluation->verdicts[0].result == core::DmarcResult::Pass);  // mydomain.test, SPF aligned
    CHECK(strictest.evaluation->verdicts[1].result == core::DmarcResult::Fail);  // quarantine.test
    CHECK(applied(strictest).authorDomain == "quarantine.test");
    CHECK(applied(strictest).applied == core::Disposition::Quarantine);

    SECTION("MultipleFromAction reject: nothing evaluated, the plan decides") {
        const auto rejected = deliver(envelope, "two_from_fields", makeConfig("MultipleFromAction reject\n"));
        REQUIRE(rejected.evaluation);
        CHECK(rejected.evaluation->fromError == core::FromError::SeveralFromFields);
        CHECK(rejected.evaluation->verdicts.empty());
        CHECK(rejected.plan.decision == Decision::Reject);
    }
    SECTION("several authors in one field are evaluated under strictest") {
        const auto two = deliver(envelope, "two_authors");
        CHECK(two.evaluation->severalAuthors);
        CHECK(two.evaluation->verdicts.size() == 2);
    }
}

TEST_CASE("A message without From has no author domain") {
    const auto outcome = deliver(client("192.0.2.20", "mx1.mydomain.test", "<a@mydomain.test>"), "no_from");
    REQUIRE(outcome.evaluation);
    CHECK(outcome.evaluation->fromError == core::FromError::NoFromField);
    CHECK(outcome.evaluation->verdicts.empty());
    CHECK(outcome.evaluation->fromFieldCount == 0);
    CHECK(outcome.plan.decision == Decision::Accept);  // MissingFromAction accept (default)

    SECTION("MissingFromAction reject") {
        const auto rejected =
            deliver(client("192.0.2.20", "mx1.mydomain.test", "<a@mydomain.test>"), "no_from", makeConfig("MissingFromAction reject\n"));
        CHECK(rejected.plan.decision == Decision::Reject);
    }
}

TEST_CASE("List-Id with MailingListAction accept downgrades a failure to mailing_list") {
    const Envelope envelope = client("192.0.2.90", "mail.list.test", "<dev-bounces@list.test>");
    const auto off = deliver(envelope, "list_resigned");
    CHECK(applied(off).result == core::DmarcResult::Fail);
    CHECK(applied(off).applied == core::Disposition::Quarantine);
    CHECK(applied(off).overrideReason() == core::OverrideReason::LocalPolicy);

    const auto accepted = deliver(envelope, "list_resigned", makeConfig("MailingListAction accept\n"));
    CHECK(applied(accepted).result == core::DmarcResult::Fail);
    CHECK(applied(accepted).applied == core::Disposition::None);
    CHECK(applied(accepted).overrideReason() == core::OverrideReason::MailingList);
}

TEST_CASE("A trusted forwarder's failures are accepted with trusted_forwarder") {
    const Envelope envelope = client("192.0.2.80", "mx.forwarder.test", "<fwd@forwarder.test>");
    const auto plain = deliver(envelope, "body_modified");
    CHECK(applied(plain).applied == core::Disposition::Quarantine);
    const auto trusted = deliver(envelope, "body_modified", makeConfig("TrustedForwarders 192.0.2.80\n"));
    CHECK(applied(trusted).result == core::DmarcResult::Fail);
    CHECK(applied(trusted).applied == core::Disposition::None);
    CHECK(applied(trusted).overrideReason() == core::OverrideReason::TrustedForwarder);
    const auto byDomain = deliver(envelope, "body_modified", makeConfig("TrustedForwarders forwarder.test\n"));
    CHECK(applied(byDomain).overrideReason() == core::OverrideReason::TrustedForwarder);
}

TEST_CASE("A message keeps the configuration it started with across a reload") {
    auto before = makeConfig();
    auto after = makeConfig("RejectFailures yes\n");
    std::atomic<bool> reloaded{false};
    pipeline::Session session(sharedServices(), [&] { return reloaded ? after : before; });
    REQUIRE(session.connect({"192.0.2.10", "x", "smtpd"}) == EventReply::Continue);
    session.helo("mta1.esp.test");
    session.mailFrom("<b@bounce.esp.test>", "");
    const auto [fields, body] = pipeline::splitMessage(readMessage("esp_unsigned"));
    for (const auto& field : fields) session.header(field.name, field.value);
    reloaded = true;  // SIGHUP mid-message
    session.endOfHeaders();
    session.body(body);
    const auto first = session.endOfMessage("Q1");
    CHECK(applied(first).applied == core::Disposition::Quarantine);
    CHECK(first.plan.decision == Decision::Accept);

    const auto second = sendMessage(session, esp(), readMessage("esp_unsigned"), "Q2");
    CHECK(applied(second).applied == core::Disposition::Reject);
    CHECK(second.plan.decision == Decision::Reject);
}

TEST_CASE("An aborted message leaves nothing behind for the next one on the connection") {
    const auto config = makeConfig();
    pipeline::Session session(sharedServices(), [config] { return config; });
    REQUIRE(session.connect({"192.0.2.10", "x", "smtpd"}) == EventReply::Continue);
    session.helo("mta1.esp.test");
    session.mailFrom("<b@bounce.esp.test>", "");
    session.recipient("<first@example.net>");
    const auto [fields, body] = pipeline::splitMessage(readMessage("two_from_fields"));
    for (const auto& field : fields) session.header(field.name, field.value);
    session.abort();

    Envelope envelope = esp();
    envelope.recipients = {"<second@example.net>"};
    const auto outcome = sendMessage(session, envelope, readMessage("esp_signed"));
    CHECK(outcome.facts.recipients == std::vector<std::string>{"<second@example.net>"});
    CHECK(outcome.evaluation->fromFieldCount == 1);
    CHECK(applied(outcome).result == core::DmarcResult::Pass);
}

TEST_CASE("DNS trouble for the author domain is a temperror") {
    // unserved.test is not served: NSD answers REFUSED for every name in it.
    const auto outcome = deliver(client("192.0.2.20", "mx1.mydomain.test", "<a@mydomain.test>"), "unserved_unsigned");
    CHECK(applied(outcome).result == core::DmarcResult::TempError);
    CHECK(outcome.plan.decision == Decision::TempFail);  // DNSTempErrorAction tempfail (default)

    SECTION("control: a served domain without DNS trouble") {
        const auto served = deliver(client("192.0.2.20", "mx1.mydomain.test", "<a@mydomain.test>"), "nodmarc_unsigned");
        CHECK(applied(served).result == core::DmarcResult::None);
        CHECK(served.plan.decision == Decision::Accept);
    }
}

TEST_CASE("An unknown client address is checked: SPF none, DKIM can still pass") {
    const auto outcome = deliver(client("", "mta1.esp.test", "<b@bounce.esp.test>"), "esp_signed");
    CHECK(outcome.evaluation->spf.result == core::SpfResult::None);
    CHECK(outcome.evaluation->spf.reason == "client address unknown");
    CHECK(applied(outcome).result == core::DmarcResult::Pass);

    SECTION("control: unsigned, nothing can pass") {
        const auto unsigned_ = deliver(client("", "mta1.esp.test", "<b@bounce.esp.test>"), "mydomain_unsigned");
        CHECK(applied(unsigned_).result == core::DmarcResult::Fail);
    }
}

TEST_CASE("Unsigned messages need no body, signed ones do") {
    const auto config = makeConfig();
    pipeline::Session session(sharedServices(), [config] { return config; });
    REQUIRE(session.connect({"192.0.2.10", "x", "smtpd"}) == EventReply::Continue);
    for (const char* name : {"mydomain_unsigned", "esp_signed"}) {
        session.mailFrom("<b@bounce.esp.test>", "");
        const auto [fields, body] = pipeline::splitMessage(readMessage(name));
        for (const auto& field : fields) session.header(field.name, field.value);
        session.endOfHeaders();
        const bool isSigned = std::string(name) == "esp_signed";
        CHECK(session.body(body) == (isSigned ? EventReply::Continue : EventReply::SkipBody));
        session.endOfMessage("Q");
    }
}

TEST_CASE("A failure inside the session becomes an internal-error plan, and the next message is fine") {
    const auto config = makeConfig();
    int calls = 0;
    // The second snapshot request (MAIL FROM of the first message) fails.
    pipeline::Session session(sharedServices(), [&] {
        if (++calls == 2) throw std::runtime_error("snapshot unavailable");
        return config;
    });
    REQUIRE(session.connect({"192.0.2.10", "x", "smtpd"}) == EventReply::Continue);
    const auto failed = sendMessage(session, esp(), readMessage("esp_signed"), "Q1");
    CHECK_FALSE(failed.evaluation);
    CHECK(failed.facts.internalError.find("snapshot unavailable") != std::string::npos);
    CHECK(failed.plan.decision == Decision::TempFail);  // InternalErrorAction tempfail (default)

    const auto next = sendMessage(session, esp(), readMessage("esp_signed"), "Q2");
    CHECK(next.facts.internalError.empty());
    CHECK(applied(next).result == core::DmarcResult::Pass);
    CHECK(next.plan.decision == Decision::Accept);
}
