// Tests for Session::sendPartial against echo_filter (real libmilter): a message stopped
// after the recipients, after some headers, in the middle of a header packet, after EOH,
// after N body bytes or before end of message, then ended with SMFIC_ABORT, a FIN or an
// RST. The filter must see exactly the events up to the stop point, then its abort (and
// close) callbacks, and stay up; after an ABORT the same session carries the next message.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "echo_filter_process.h"
#include "milter_client/session.h"

using namespace dmarc::milterclient;
using namespace dmarc::milterclient::testing;
using StopAt = PartialPlan::StopAt;
using PlanEnding = PartialPlan::Ending;

namespace {

EchoFilter startFilter() {
    auto filter = EchoFilter::start();
    if (!filter) FAIL(filter.error());
    return std::move(filter).value();
}

Session openSession(const EchoFilter& filter) {
    Options options;
    options.ioTimeout = std::chrono::milliseconds(5000);
    auto session = Session::open(filter.endpoint(), options);
    if (!session) FAIL(toString(session.error()));
    return std::move(session).value();
}

// Three header fields and a 300,000-byte body (lines of 75 characters and CRLF).
Message bigMessage(std::string host) {
    Message message;
    message.envelope.client = SmtpClient{"192.0.2.20", std::move(host), 2525, "client.example"};
    message.envelope.mailFrom = "sender@example.com";
    message.envelope.recipients = {"rcpt@example.org"};
    message.raw = "From: sender@example.com\nSubject: partial\nX-Third: 3\n\n";
    for (int i = 0; i < 4000; ++i) message.raw += std::string(75, 'p') + "\r\n";
    return message;
}

std::vector<std::string> eventNames(const std::vector<LogEvent>& events) {
    std::vector<std::string> names;
    for (const LogEvent& event : events) {
        if (event.event != "negotiate") names.push_back(event.event);
    }
    return names;
}

std::vector<std::string> bodyLengths(const std::vector<LogEvent>& events) {
    std::vector<std::string> lengths;
    for (const LogEvent& event : eventsNamed(events, "body")) lengths.push_back(event.field("length"));
    return lengths;
}

using Names = std::vector<std::string>;
const Names kEnvelope{"connect", "helo", "mail", "rcpt"};

Names with(Names names, const Names& more) {
    names.insert(names.end(), more.begin(), more.end());
    return names;
}

}  // namespace

TEST_CASE("a message stopped at each point and aborted: the filter sees exactly that, then its abort") {
    EchoFilter filter = startFilter();
    const Names headers{"data", "header", "header", "header"};
    struct Row {
        std::string host;
        PartialPlan plan;
        Names events;  // the filter's events for the message, abort included
        std::size_t headersSent;
        std::size_t bodyBytes;
        Names bodyChunks;
        Stage stage;
    };
    const Row rows[] = {
        {"after-rcpt.example", {StopAt::AfterRecipients, 0, PlanEnding::Abort}, with(kEnvelope, {"abort"}), 0, 0, {},
         Stage::Rcpt},
        {"after-0-headers.example", {StopAt::AfterHeaders, 0, PlanEnding::Abort},
         with(kEnvelope, {"data", "abort"}), 0, 0, {}, Stage::Data},
        {"after-2-headers.example", {StopAt::AfterHeaders, 2, PlanEnding::Abort},
         with(kEnvelope, {"data", "header", "header", "abort"}), 2, 0, {}, Stage::Header},
        {"after-9-headers.example", {StopAt::AfterHeaders, 9, PlanEnding::Abort},
         with(kEnvelope, with(headers, {"abort"})), 3, 0, {}, Stage::Header},
        {"after-eoh.example", {StopAt::AfterEndOfHeaders, 0, PlanEnding::Abort},
         with(kEnvelope, with(headers, {"eoh", "abort"})), 3, 0, {}, Stage::EndOfHeaders},
        {"after-0-bytes.example", {StopAt::AfterBodyBytes, 0, PlanEnding::Abort},
         with(kEnvelope, with(headers, {"eoh", "abort"})), 3, 0, {}, Stage::EndOfHeaders},
        {"after-100000-bytes.example", {StopAt::AfterBodyBytes, 100000, PlanEnding::Abort},
         with(kEnvelope, with(headers, {"eoh", "body", "body", "abort"})), 3, 100000, {"65535", "34465"}, Stage::Body},
        {"after-65535-bytes.example", {StopAt::AfterBodyBytes, 65535, PlanEnding::Abort},
         with(kEnvelope, with(headers, {"eoh", "body", "abort"})), 3, 65535, {"65535"}, Stage::Body},
        {"more-than-the-body.example", {StopAt::AfterBodyBytes, 10000000, PlanEnding::Abort},
         with(kEnvelope, with(headers, {"eoh", "body", "body", "body", "body", "body", "abort"})), 3, 308000,
         {"65535", "65535", "65535", "65535", "45860"}, Stage::Body},
        {"before-eom.example", {StopAt::BeforeEndOfMessage, 0, PlanEnding::Abort},
         with(kEnvelope, with(headers, {"eoh", "body", "body", "body", "body", "body", "abort"})), 3, 308000,
         {"65535", "65535", "65535", "65535", "45860"}, Stage::Body},
    };
    for (const Row& row : rows) {
        CAPTURE(row.host);
        Session session = openSession(filter);
        auto outcome = session.sendPartial(bigMessage(row.host), row.plan);
        REQUIRE(outcome.ok());
        CHECK(outcome->action == Action::None);
        CHECK(outcome->ending == Ending::Aborted);
        CHECK(outcome->stage == row.stage);
        CHECK(outcome->headersSent == row.headersSent);
        CHECK(outcome->bodyBytesSent == row.bodyBytes);
        CHECK(outcome->bodyChunksSent == row.bodyChunks.size());
        CHECK(outcome->modifications.empty());
        CHECK(session.isOpen());
        const auto events = filter.connectionEvents(row.host, "abort");
        CHECK(eventNames(events) == row.events);
        CHECK(bodyLengths(events) == row.bodyChunks);

        // The same connection carries the next message, and the filter starts it afresh.
        Message next = bigMessage(row.host);
        next.raw = "Subject: next\n\nsmall\n";
        auto second = session.send(next);
        REQUIRE(second.ok());
        CHECK(second->action == Action::Continue);
        CHECK(second->ending == Ending::Completed);
        const auto eom = eventsNamed(filter.connectionEvents(row.host, "eom"), "eom");
        REQUIRE(eom.size() == 1);
        CHECK(eom[0].field("stats").rfind("bytes=7 chunks=1 max=7 ", 0) == 0);
        REQUIRE(session.quit().ok());
    }
    CHECK(filter.running());
}

TEST_CASE("a message cut off by a disconnect or a reset: the filter aborts, closes and stays up") {
    EchoFilter filter = startFilter();
    struct Row {
        std::string host;
        PartialPlan plan;
        Ending ending;
        Names events;
    };
    const Row rows[] = {
        {"fin-after-rcpt.example", {StopAt::AfterRecipients, 0, PlanEnding::Disconnect}, Ending::Disconnected,
         with(kEnvelope, {"abort", "close"})},
        {"rst-after-rcpt.example", {StopAt::AfterRecipients, 0, PlanEnding::Reset}, Ending::Reset,
         with(kEnvelope, {"abort", "close"})},
        {"fin-after-1-header.example", {StopAt::AfterHeaders, 1, PlanEnding::Disconnect}, Ending::Disconnected,
         with(kEnvelope, {"data", "header", "abort", "close"})},
        {"fin-mid-header-0.example", {StopAt::MidHeader, 0, PlanEnding::Disconnect}, Ending::Disconnected,
         with(kEnvelope, {"data", "abort", "close"})},
        {"rst-mid-header-2.example", {StopAt::MidHeader, 2, PlanEnding::Reset}, Ending::Reset,
         with(kEnvelope, {"data", "header", "header", "abort", "close"})},
        {"fin-after-eoh.example", {StopAt::AfterEndOfHeaders, 0, PlanEnding::Disconnect}, Ending::Disconnected,
         with(kEnvelope, {"data", "header", "header", "header", "eoh", "abort", "close"})},
        {"fin-after-70000-bytes.example", {StopAt::AfterBodyBytes, 70000, PlanEnding::Disconnect},
         Ending::Disconnected,
         with(kEnvelope, {"data", "header", "header", "header", "eoh", "body", "body", "abort", "close"})},
        {"rst-after-70000-bytes.example", {StopAt::AfterBodyBytes, 70000, PlanEnding::Reset}, Ending::Reset,
         with(kEnvelope, {"data", "header", "header", "header", "eoh", "body", "body", "abort", "close"})},
        {"fin-before-eom.example", {StopAt::BeforeEndOfMessage, 0, PlanEnding::Disconnect}, Ending::Disconnected,
         with(kEnvelope,
              {"data", "header", "header", "header", "eoh", "body", "body", "body", "body", "body", "abort", "close"})},
    };
    for (const Row& row : rows) {
        CAPTURE(row.host);
        Session session = openSession(filter);
        auto outcome = session.sendPartial(bigMessage(row.host), row.plan);
        REQUIRE(outcome.ok());
        CHECK(outcome->action == Action::None);
        CHECK(outcome->ending == row.ending);
        CHECK_FALSE(session.isOpen());
        auto after = session.send(bigMessage(row.host));
        REQUIRE_FALSE(after.ok());
        CHECK(after.error().kind == ErrorKind::NotConnected);
        CHECK(eventNames(filter.connectionEvents(row.host, "close")) == row.events);
        // The filter answers the next connection promptly.
        Session next = openSession(filter);
        Message small = bigMessage("after-" + row.host);
        small.raw = "Subject: next\n\nsmall\n";
        auto fine = next.send(small);
        REQUIRE(fine.ok());
        CHECK(fine->action == Action::Continue);
    }
    CHECK(filter.running());
}

TEST_CASE("connections dropped outside a message: right after negotiation and after QUIT") {
    EchoFilter filter = startFilter();
    {
        Session session = openSession(filter);
        session.closeAbruptly(true);
        CHECK_FALSE(session.isOpen());
        auto quit = session.quit();
        REQUIRE_FALSE(quit.ok());
        CHECK(quit.error().kind == ErrorKind::NotConnected);
    }
    {
        Session session = openSession(filter);
        Message message = bigMessage("dropped-between.example");
        message.raw = "Subject: one\n\nbody\n";
        REQUIRE(session.send(message).ok());
        session.closeAbruptly();
        // Between messages nothing is in flight: close only, no abort.
        CHECK(eventNames(filter.connectionEvents("dropped-between.example", "close")) ==
              with(kEnvelope, {"data", "header", "eoh", "body", "eom", "close"}));
    }
    Session session = openSession(filter);
    Message message = bigMessage("still-up.example");
    message.raw = "Subject: one\n\nbody\n";
    auto outcome = session.send(message);
    REQUIRE(outcome.ok());
    CHECK(outcome->action == Action::Continue);
    CHECK(filter.running());
}

TEST_CASE("a decision before the stop point wins and a disconnect plan still drops the connection") {
    EchoFilter filter = startFilter();
    Message message = bigMessage("decided-early.example");
    message.raw.insert(0, "X-Test-Header-Reject: 1\n");
    {
        Session session = openSession(filter);
        auto outcome = session.sendPartial(message, {StopAt::AfterBodyBytes, 1000, PlanEnding::Abort});
        REQUIRE(outcome.ok());
        CHECK(outcome->action == Action::Reject);
        CHECK(outcome->stage == Stage::Header);
        CHECK(outcome->ending == Ending::Completed);
        CHECK(session.isOpen());
    }
    Session session = openSession(filter);
    auto outcome = session.sendPartial(message, {StopAt::AfterBodyBytes, 1000, PlanEnding::Disconnect});
    REQUIRE(outcome.ok());
    CHECK(outcome->action == Action::Reject);
    CHECK(outcome->ending == Ending::Disconnected);
    CHECK_FALSE(session.isOpen());
}

TEST_CASE("plans that cannot be carried out are refused before anything is sent") {
    EchoFilter filter = startFilter();
    Session session = openSession(filter);
    auto abortMidPacket = session.sendPartial(bigMessage("refused.example"), {StopAt::MidHeader, 0, PlanEnding::Abort});
    REQUIRE_FALSE(abortMidPacket.ok());
    CHECK(abortMidPacket.error().kind == ErrorKind::InvalidUse);
    CHECK(session.isOpen());
    Message noHeaders = bigMessage("refused.example");
    noHeaders.raw = "\nbody only\n";
    auto noField = session.sendPartial(noHeaders, {StopAt::MidHeader, 0, PlanEnding::Disconnect});
    REQUIRE_FALSE(noField.ok());
    CHECK(noField.error().kind == ErrorKind::InvalidUse);
    CHECK_FALSE(session.isOpen());
    CHECK(filter.running());
}
