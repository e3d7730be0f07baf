// Tests for session.h against echo_filter, a filter built on the real libmilter: the
// client must report exactly what the filter did (decision, reply text, every
// modification in order) and send exactly what Postfix would (header values, macros by
// stage, declined events, no-reply events, SMFIR_SETSYMLIST, SMFIR_SKIP, QUIT_NC), over
// inet, inet6 and unix sockets.
#include <catch2/catch.hpp>

#include <cstdio>
#include <string>
#include <vector>

#include "echo_filter_process.h"
#include "milter_client/session.h"

using namespace dmarc::milterclient;
using namespace dmarc::milterclient::testing;
using Kind = Modification::Kind;

namespace {

std::uint64_t fnv1a(std::string_view bytes) {
    std::uint64_t hash = 0xcbf29ce484222325ULL;
    for (const char c : bytes) hash = (hash ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
    return hash;
}

std::string bodyStats(std::string_view body, std::size_t chunks) {
    char text[160];
    std::snprintf(text, sizeof text, "bytes=%zu chunks=%zu max=%zu fnv=%016llx", body.size(), chunks,
                  std::min<std::size_t>(body.size(), 65535), static_cast<unsigned long long>(fnv1a(body)));
    return text;
}

EchoFilter startFilter(EchoFilterOptions options = {}) {
    auto filter = EchoFilter::start(options);
    if (!filter) FAIL(filter.error());
    return std::move(filter).value();
}

Session openSession(const EchoFilter& filter, Options options = {}) {
    options.ioTimeout = std::chrono::milliseconds(5000);
    auto session = Session::open(filter.endpoint(), options);
    if (!session) FAIL(toString(session.error()) << "\n" << filter.diagnostics());
    return std::move(session).value();
}

Outcome sendOk(Session& session, const Message& message) {
    auto outcome = session.send(message);
    if (!outcome) FAIL(toString(outcome.error()));
    return std::move(outcome).value();
}

Envelope envelopeFrom(std::string host) {
    Envelope envelope;
    envelope.client = SmtpClient{"192.0.2.10", std::move(host), 40000, "relay.example.net"};
    envelope.mailFrom = "bounce@example.com";
    envelope.recipients = {"alice@example.org"};
    envelope.queueId = "4QxYz1AbC";
    envelope.macros = postfixConnectMacros(envelope.client, "mx.example.org", "198.51.100.1");
    envelope.macros.push_back({"{auth_authen}", "sasl-user"});
    return envelope;
}

Message plainMessage(std::string host) {
    return Message{envelopeFrom(std::move(host)), "From: a@example.com\nSubject: plain\n\nhello\n"};
}

Modification mod(Kind kind, std::uint32_t index, std::string name, std::string value, std::string args = {}) {
    Modification change;
    change.kind = kind;
    change.index = index;
    change.name = std::move(name);
    change.value = std::move(value);
    change.args = std::move(args);
    return change;
}

const std::string kRaw =
    "Received: from relay.example.net by mx.example.org;\r\n\tMon, 1 Jan 2024 00:00:00 +0000\r\n"
    "From: Alice <alice@example.com>\r\n"
    "Subject: Quarterly report\r\n"
    "X-Remove: me\r\n"
    "X-Test-Insert-At: 2\r\n"
    "X-Test-Delete: X-Remove\r\n"
    "X-Test-Quarantine: suspicious\r\n"
    "\r\n"
    "Hello\r\nsecond line\n";
const std::string kWireBody = "Hello\r\nsecond line\r\n";

}  // namespace

TEST_CASE("the client reports exactly the modifications and decision of a real libmilter filter") {
    EchoFilter filter = startFilter();
    Session session = openSession(filter);
    CHECK(session.negotiated().version == 6);
    CHECK(session.negotiated().has(wire::protocol::kSkip));
    CHECK_FALSE(session.negotiated().has(wire::protocol::kHeaderLeadingSpace));
    CHECK_FALSE(session.negotiated().has(wire::protocol::kNoReplyHeader));

    Message message{envelopeFrom("report.example"), kRaw + ""};
    message.raw.insert(message.raw.find("\r\n\r\n") + 2, "X-Test-Reject: Email rejected per DMARC policy for example.com\r\n");
    const Outcome outcome = sendOk(session, message);

    CHECK(outcome.action == Action::Reject);
    CHECK(outcome.stage == Stage::EndOfMessage);
    CHECK(outcome.reply == "550 5.7.1 Email rejected per DMARC policy for example.com");
    CHECK(outcome.quarantine == "suspicious");
    CHECK(outcome.ending == Ending::Completed);
    CHECK(outcome.headersSent == 8);
    CHECK(outcome.bodyBytesSent == kWireBody.size());
    CHECK(outcome.bodyChunksSent == 1);
    CHECK_FALSE(outcome.bodySkipped);
    CHECK(outcome.warnings.empty());
    REQUIRE(outcome.recipients.size() == 1);
    CHECK(outcome.recipients[0].action == Action::Continue);
    const std::vector<Modification> expected{
        mod(Kind::InsertHeader, 0, "X-Echo-First", "top"),
        mod(Kind::AddHeader, 0, "X-Echo-Body", bodyStats(kWireBody, 1)),
        mod(Kind::AddHeader, 0, "X-Echo-Headers", "count=8"),
        mod(Kind::ChangeHeader, 1, "Subject", "[echo] Quarterly report"),
        mod(Kind::InsertHeader, 2, "X-Echo-Inserted-At", "2"),
        mod(Kind::DeleteHeader, 1, "X-Remove", ""),
        mod(Kind::Quarantine, 0, "", "suspicious"),
    };
    CHECK(outcome.modifications == expected);

    // What the filter received: header values with the one space after the colon eaten,
    // folded lines joined by LF, envelope arguments in angle brackets.
    const auto events = filter.connectionEvents("report.example", "eom");
    REQUIRE_FALSE(events.empty());
    const auto headers = eventsNamed(events, "header");
    REQUIRE(headers.size() == 8);
    CHECK(headers[0].field("name") == "Received");
    CHECK(headers[0].field("value") == "from relay.example.net by mx.example.org;\n\tMon, 1 Jan 2024 00:00:00 +0000");
    CHECK(headers[1].field("value") == "Alice <alice@example.com>");
    CHECK(headers[7].field("name") == "X-Test-Reject");
    const auto connect = eventsNamed(events, "connect");
    REQUIRE(connect.size() == 1);
    CHECK(connect[0].field("family") == "inet");
    CHECK(connect[0].field("address") == "192.0.2.10");
    CHECK(connect[0].field("port") == "40000");
    CHECK(eventsNamed(events, "helo").at(0).field("name") == "relay.example.net");
    CHECK(eventsNamed(events, "mail").at(0).field("arg0") == "<bounce@example.com>");
    CHECK(eventsNamed(events, "rcpt").at(0).field("arg0") == "<alice@example.org>");
    CHECK(eventsNamed(events, "eom").at(0).field("stats") == bodyStats(kWireBody, 1));
    CHECK(eventsNamed(events, "negotiate").at(0).field("actions") == "1ff");
    CHECK(eventsNamed(events, "negotiate").at(0).field("protocol") == "1fffff");
    REQUIRE(session.quit().ok());
    CHECK_FALSE(session.isOpen());
    CHECK(filter.connectionEvents("report.example", "close").size() > 0);
}

TEST_CASE("with no-reply events and leading spaces negotiated, values keep their space and nothing waits") {
    EchoFilter filter = startFilter({EchoFilterOptions::Socket::Inet, {"--nr", "--leadspc"}});
    Session session = openSession(filter);
    const wire::Negotiated& negotiated = session.negotiated();
    for (const std::uint32_t bit : {wire::protocol::kNoReplyConnect, wire::protocol::kNoReplyHelo,
                                    wire::protocol::kNoReplyMail, wire::protocol::kNoReplyRcpt,
                                    wire::protocol::kNoReplyData, wire::protocol::kNoReplyHeader,
                                    wire::protocol::kNoReplyEndOfHeaders, wire::protocol::kNoReplyBody,
                                    wire::protocol::kHeaderLeadingSpace}) {
        CAPTURE(bit);
        CHECK(negotiated.has(bit));
    }
    Message message{envelopeFrom("nr.example"), kRaw + ""};
    message.raw.insert(0, "Subject:\ttabbed\r\nX-Spaces:   three\r\n");
    const Outcome outcome = sendOk(session, message);
    CHECK(outcome.action == Action::Continue);
    CHECK(outcome.stage == Stage::EndOfMessage);
    CHECK(outcome.reply.empty());
    REQUIRE(outcome.recipients.size() == 1);
    CHECK(outcome.recipients[0].action == Action::None);
    const std::vector<Modification> expected{
        mod(Kind::InsertHeader, 0, "X-Echo-First", " top"),
        mod(Kind::AddHeader, 0, "X-Echo-Body", " " + bodyStats(kWireBody, 1)),
        mod(Kind::AddHeader, 0, "X-Echo-Headers", " count=9"),
        mod(Kind::ChangeHeader, 1, "Subject", " [echo] tabbed"),
        mod(Kind::InsertHeader, 2, "X-Echo-Inserted-At", " 2"),
        mod(Kind::DeleteHeader, 1, "X-Remove", ""),
        mod(Kind::Quarantine, 0, "", "suspicious"),
    };
    CHECK(outcome.modifications == expected);
    const auto headers = eventsNamed(filter.connectionEvents("nr.example", "eom"), "header");
    REQUIRE(headers.size() == 9);
    CHECK(headers[0].field("value") == "\ttabbed");
    CHECK(headers[1].field("value") == "   three");
    CHECK(headers[2].field("value") == " from relay.example.net by mx.example.org;\n\tMon, 1 Jan 2024 00:00:00 +0000");
    CHECK(headers[3].field("value") == " Alice <alice@example.com>");
    REQUIRE(session.quit().ok());
}

TEST_CASE("without leading spaces negotiated one space is eaten, a tab or a second space is not") {
    EchoFilter filter = startFilter();
    Session session = openSession(filter);
    Message message{envelopeFrom("spaces.example"),
                    "A: one\nB:  two\nC:\tthree\nD:four\nE:\nF: \n\nbody\n"};
    sendOk(session, message);
    const auto headers = eventsNamed(filter.connectionEvents("spaces.example", "eom"), "header");
    REQUIRE(headers.size() == 6);
    const std::string values[] = {"one", " two", "\tthree", "four", "", ""};
    for (std::size_t i = 0; i < 6; ++i) {
        CAPTURE(i);
        CHECK(headers[i].field("value") == values[i]);
    }
}

TEST_CASE("decisions at every stage end what Postfix would end and keep the session in step") {
    EchoFilter filter = startFilter();
    struct Row {
        std::string name;
        std::string host;
        std::string helo;
        std::string mailFrom;
        std::vector<std::string> recipients;
        std::string extraHeader;
        Action action;
        Stage stage;
        std::string reply;
        bool sessionStaysOpen;
        std::size_t rcptEvents;
    };
    const Row rows[] = {
        {"connect reject", "reject-connect.example", "h", "a@b", {"r@x"}, "", Action::Reject, Stage::Connect,
         "554 5.7.1 connection refused by echo", false, 0},
        {"connect tempfail", "tempfail-connect.example", "h", "a@b", {"r@x"}, "", Action::Tempfail, Stage::Connect, "",
         false, 0},
        {"connect accept", "accept-connect.example", "h", "a@b", {"r@x"}, "", Action::Accept, Stage::Connect, "", false,
         0},
        {"connect discard is ignored", "discard-connect.example", "h", "a@b", {"r@x"}, "", Action::Continue,
         Stage::EndOfMessage, "", true, 1},
        {"helo tempfail", "helo.example", "tempfail-helo.example", "a@b", {"r@x"}, "", Action::Tempfail, Stage::Helo,
         "", false, 0},
        {"mail reject", "mail-reject.example", "h", "mail-reject@b", {"r@x"}, "", Action::Reject, Stage::Mail,
         "550 5.7.1 sender refused", true, 0},
        {"mail tempfail", "mail-tempfail.example", "h", "mail-tempfail@b", {"r@x"}, "", Action::Tempfail, Stage::Mail,
         "", true, 0},
        {"mail accept", "mail-accept.example", "h", "mail-accept@b", {"r@x"}, "", Action::Accept, Stage::Mail, "", true,
         0},
        {"mail discard", "mail-discard.example", "h", "mail-discard@b", {"r@x"}, "", Action::Discard, Stage::Mail, "",
         true, 0},
        {"one rcpt rejected", "rcpt-one.example", "h", "a@b", {"rcpt-reject@x", "ok@x"}, "", Action::Continue,
         Stage::EndOfMessage, "", true, 2},
        {"every rcpt rejected", "rcpt-all.example", "h", "a@b", {"rcpt-reject@x"}, "", Action::Reject, Stage::Rcpt,
         "550 5.1.1 no such user", true, 1},
        {"rcpt tempfail", "rcpt-tempfail.example", "h", "a@b", {"rcpt-tempfail@x"}, "", Action::Tempfail, Stage::Rcpt,
         "", true, 1},
        {"rcpt accept", "rcpt-accept.example", "h", "a@b", {"rcpt-accept@x", "never@x"}, "", Action::Accept,
         Stage::Rcpt, "", true, 1},
        {"rcpt discard", "rcpt-discard.example", "h", "a@b", {"rcpt-discard@x", "never@x"}, "", Action::Discard,
         Stage::Rcpt, "", true, 1},
        {"header reject", "header.example", "h", "a@b", {"r@x"}, "X-Test-Header-Reject: 1\n", Action::Reject,
         Stage::Header, "", true, 1},
        {"eoh tempfail", "eoh.example", "h", "a@b", {"r@x"}, "X-Test-Eoh-Tempfail: 1\n", Action::Tempfail,
         Stage::EndOfHeaders, "", true, 1},
        {"body reject", "body.example", "h", "a@b", {"r@x"}, "X-Test-Body-Reject: 1\n", Action::Reject, Stage::Body,
         "", true, 1},
        {"eom tempfail with text", "eom-tempfail.example", "h", "a@b", {"r@x"}, "X-Test-Tempfail: DNS timeout\n",
         Action::Tempfail, Stage::EndOfMessage, "451 4.7.1 DNS timeout", true, 1},
        {"eom plain reject", "eom-reject.example", "h", "a@b", {"r@x"}, "X-Test-Plain-Reject: 1\n", Action::Reject,
         Stage::EndOfMessage, "", true, 1},
        {"eom discard", "eom-discard.example", "h", "a@b", {"r@x"}, "X-Test-Discard: 1\n", Action::Discard,
         Stage::EndOfMessage, "", true, 1},
        {"eom accept", "eom-accept.example", "h", "a@b", {"r@x"}, "X-Test-Accept: 1\n", Action::Accept,
         Stage::EndOfMessage, "", true, 1},
    };
    for (const Row& row : rows) {
        CAPTURE(row.name);
        Session session = openSession(filter);
        Message message = plainMessage(row.host);
        message.envelope.client.helo = row.helo;
        message.envelope.mailFrom = row.mailFrom;
        message.envelope.recipients = row.recipients;
        message.raw = row.extraHeader + message.raw;
        const Outcome outcome = sendOk(session, message);
        CHECK(outcome.action == row.action);
        CHECK(outcome.stage == row.stage);
        CHECK(outcome.reply == row.reply);
        CHECK(session.isOpen() == row.sessionStaysOpen);
        const auto events = filter.connectionEvents(row.host, row.sessionStaysOpen ? "connect" : "close");
        REQUIRE_FALSE(events.empty());
        CHECK(eventsNamed(events, "rcpt").size() == row.rcptEvents);
        if (row.action == Action::Continue && row.stage == Stage::EndOfMessage && row.host == "discard-connect.example")
            CHECK(outcome.warnings == std::vector<std::string>{"DISCARD at connect ignored, as Postfix does"});
        if (!row.sessionStaysOpen) {
            auto again = session.send(plainMessage(row.host));
            REQUIRE_FALSE(again.ok());
            CHECK(again.error().kind == ErrorKind::NotConnected);
            continue;
        }
        // The next message on the same connection is handled normally: client and filter agree on the state.
        Message next = plainMessage(row.host);
        next.envelope.client.helo = row.helo;
        const Outcome second = sendOk(session, next);
        CHECK(second.action == Action::Continue);
        CHECK(second.stage == Stage::EndOfMessage);
        CHECK(second.modifications.size() == 4);
        REQUIRE(session.quit().ok());
    }
    CHECK(filter.running());
}

TEST_CASE("recipient results keep each recipient's decision and reply") {
    EchoFilter filter = startFilter();
    Session session = openSession(filter);
    Message message = plainMessage("recipients.example");
    message.envelope.recipients = {"ok1@x", "rcpt-reject@x", "rcpt-tempfail@x", "ok2@x"};
    const Outcome outcome = sendOk(session, message);
    REQUIRE(outcome.recipients.size() == 4);
    CHECK(outcome.recipients[0].action == Action::Continue);
    CHECK(outcome.recipients[1].action == Action::Reject);
    CHECK(outcome.recipients[1].reply == "550 5.1.1 no such user");
    CHECK(outcome.recipients[2].action == Action::Tempfail);
    CHECK(outcome.recipients[2].reply.empty());
    CHECK(outcome.recipients[3].action == Action::Continue);
    CHECK(outcome.action == Action::Continue);
}

TEST_CASE("macros go with the stages Postfix sends them at, the queue id only from RCPT on") {
    EchoFilter filter = startFilter();
    Session session = openSession(filter);
    Message message = plainMessage("macros.example");
    message.envelope.macros.push_back({"{x_custom}", "not listed anywhere"});
    sendOk(session, message);
    const auto events = filter.connectionEvents("macros.example", "eom");
    const LogEvent connect = eventsNamed(events, "connect").at(0);
    CHECK(connect.field("macro:j") == "mx.example.org");
    CHECK(connect.field("macro:{daemon_name}") == "mx.example.org");
    CHECK(connect.field("macro:{daemon_addr}") == "198.51.100.1");
    CHECK(connect.field("macro:v") == "Postfix 3.7.11");
    CHECK(connect.field("macro:_") == "macros.example [192.0.2.10]");
    CHECK_FALSE(connect.has("macro:{auth_authen}"));
    CHECK_FALSE(connect.has("macro:{x_custom}"));
    const LogEvent mail = eventsNamed(events, "mail").at(0);
    CHECK(mail.field("macro:{auth_authen}") == "sasl-user");
    CHECK(mail.field("macro:{mail_addr}") == "bounce@example.com");
    CHECK(mail.field("macro:{mail_host}") == "example.com");
    CHECK_FALSE(mail.has("macro:i"));
    const LogEvent rcpt = eventsNamed(events, "rcpt").at(0);
    CHECK(rcpt.field("macro:i") == "4QxYz1AbC");
    CHECK(rcpt.field("macro:{rcpt_addr}") == "alice@example.org");
    CHECK(rcpt.field("macro:{rcpt_host}") == "example.org");
    CHECK(eventsNamed(events, "eom").at(0).field("macro:i") == "4QxYz1AbC");

    SECTION("the null sender") {
        Message bounce = plainMessage("macros.example");
        bounce.envelope.mailFrom = "";
        sendOk(session, bounce);
        const auto mails = eventsNamed(filter.log(), "mail");
        CHECK(mails.back().field("arg0") == "<>");
        CHECK(mails.back().field("macro:{mail_addr}") == "");
        CHECK_FALSE(mails.back().has("macro:{mail_host}"));
    }
    SECTION("a custom macro reaches the filter once it is listed") {
        Options options;
        options.offer.macroLists[static_cast<std::size_t>(wire::MacroStage::Mail)].push_back("{x_custom}");
        Session listed = openSession(filter, options);
        Message custom = plainMessage("custom-macro.example");
        custom.envelope.macros.push_back({"{x_custom}", "listed"});
        sendOk(listed, custom);
        CHECK(eventsNamed(filter.connectionEvents("custom-macro.example", "eom"), "mail").at(0).field(
                  "macro:{x_custom}") == "listed");
    }
}

TEST_CASE("a filter's SMFIR_SETSYMLIST replaces the macro lists of its stages") {
    EchoFilter filter = startFilter({EchoFilterOptions::Socket::Inet, {"--symlist"}});
    Session session = openSession(filter);
    REQUIRE(session.negotiated().macroLists[0] == "j {daemon_name}");
    REQUIRE(session.negotiated().macroLists[2] == "{auth_authen}");
    CHECK(session.macroLists()[0] == std::vector<std::string>{"j", "{daemon_name}"});
    CHECK(session.macroLists()[2] == std::vector<std::string>{"{auth_authen}"});
    CHECK(session.macroLists()[3] == postfixDefaultMacroLists()[3]);
    sendOk(session, plainMessage("symlist.example"));
    const auto events = filter.connectionEvents("symlist.example", "eom");
    const LogEvent connect = eventsNamed(events, "connect").at(0);
    CHECK(connect.has("macro:j"));
    CHECK(connect.has("macro:{daemon_name}"));
    CHECK_FALSE(connect.has("macro:_"));
    CHECK_FALSE(connect.has("macro:v"));
    const LogEvent mail = eventsNamed(events, "mail").at(0);
    CHECK(mail.field("macro:{auth_authen}") == "sasl-user");
    CHECK_FALSE(mail.has("macro:{mail_addr}"));
    CHECK(eventsNamed(events, "rcpt").at(0).has("macro:{rcpt_addr}"));
}

TEST_CASE("declined events are not sent, but their macros still are") {
    EchoFilter filter = startFilter({EchoFilterOptions::Socket::Inet, {"--decline", "connect,helo,data,headers,body"}});
    Session session = openSession(filter);
    CHECK(session.negotiated().has(wire::protocol::kNoConnect));
    CHECK(session.negotiated().has(wire::protocol::kNoBody));
    Message message = plainMessage("declined.example");
    message.envelope.mailFrom = "declined@example.com";
    const Outcome outcome = sendOk(session, message);
    CHECK(outcome.action == Action::Continue);
    CHECK(outcome.headersSent == 0);
    CHECK(outcome.bodyBytesSent == 0);
    CHECK(outcome.bodyChunksSent == 0);
    const auto events = filter.connectionWhere("mail", "arg0", "<declined@example.com>", "eom");
    REQUIRE_FALSE(events.empty());
    CHECK(eventsNamed(events, "connect").empty());
    CHECK(eventsNamed(events, "helo").empty());
    CHECK(eventsNamed(events, "data").empty());
    CHECK(eventsNamed(events, "header").empty());
    CHECK(eventsNamed(events, "body").empty());
    // The connect-stage macros went out although SMFIC_CONNECT did not.
    CHECK(eventsNamed(events, "mail").at(0).field("macro:j") == "mx.example.org");
    CHECK(eventsNamed(events, "eom").at(0).field("stats") == "bytes=0 chunks=0 max=0 fnv=cbf29ce484222325");
    CHECK(outcome.modifications.at(2) == mod(Kind::AddHeader, 0, "X-Echo-Headers", "count=0"));
}

TEST_CASE("SMFIR_SKIP stops the body and goes on to end of message") {
    EchoFilter filter = startFilter();
    Session session = openSession(filter);
    Message message = plainMessage("skip.example");
    message.raw = "X-Test-Skip-After: 100000\n\n";
    for (int i = 0; i < 4000; ++i) message.raw += std::string(76, 'k') + "\n";  // 312,000 bytes on the wire
    const Outcome outcome = sendOk(session, message);
    CHECK(outcome.bodySkipped);
    CHECK(outcome.bodyChunksSent == 2);
    CHECK(outcome.bodyBytesSent == 2 * 65535);
    CHECK(outcome.action == Action::Continue);
    const auto eom = eventsNamed(filter.connectionEvents("skip.example", "eom"), "eom");
    CHECK(eom.at(0).field("skipped") == "yes");
    CHECK(eom.at(0).field("stats").rfind("bytes=131070 chunks=2 max=65535 ", 0) == 0);
}

TEST_CASE("every kind of modification reply a real libmilter sends is parsed") {
    EchoFilter filter = startFilter();
    Session session = openSession(filter);
    Message message = plainMessage("changes.example");
    message.raw =
        "X-Test-Progress: 1\n"
        "X-Test-Add-Rcpt: <added@example.org>\n"
        "X-Test-Add-Rcpt-Par: <par@example.org> NOTIFY=NEVER\n"
        "X-Test-Del-Rcpt: <alice@example.org>\n"
        "X-Test-Chg-From: <new-bounce@example.com> SIZE=100\n"
        "X-Test-Replace-Body: replaced body\n"
        "\noriginal body\n";
    const Outcome outcome = sendOk(session, message);
    CHECK(outcome.progressReplies == 1);
    REQUIRE(outcome.modifications.size() == 8);
    CHECK(outcome.modifications[3] == mod(Kind::AddRecipient, 0, "", "<added@example.org>"));
    CHECK(outcome.modifications[4] == mod(Kind::AddRecipientArgs, 0, "", "<par@example.org>", "NOTIFY=NEVER"));
    CHECK(outcome.modifications[5] == mod(Kind::DeleteRecipient, 0, "", "<alice@example.org>"));
    CHECK(outcome.modifications[6] == mod(Kind::ChangeFrom, 0, "", "<new-bounce@example.com>", "SIZE=100"));
    CHECK(outcome.modifications[7] == mod(Kind::ReplaceBody, 0, "", "replaced body"));
}

TEST_CASE("QUIT_NC lets one connection carry two SMTP clients, a client switch without it is refused") {
    EchoFilter filter = startFilter();
    Options options;
    options.abortAfterTransaction = false;  // libmilter ignores QUIT_NC after an ABORT
    Session session = openSession(filter, options);
    sendOk(session, plainMessage("first-client.example"));

    auto switched = session.send(plainMessage("second-client.example"));
    REQUIRE_FALSE(switched.ok());
    CHECK(switched.error().kind == ErrorKind::InvalidUse);

    REQUIRE(session.quitNewConnection().ok());
    const Outcome second = sendOk(session, plainMessage("second-client.example"));
    CHECK(second.action == Action::Continue);
    const auto first = filter.connectionEvents("first-client.example", "eom");
    const auto again = filter.connectionEvents("second-client.example", "eom");
    REQUIRE_FALSE(first.empty());
    REQUIRE_FALSE(again.empty());
    // The second SMTP client came over the same socket: no second negotiation.
    CHECK(eventsNamed(first, "connect").at(0).field("negotiated") == "yes");
    CHECK(eventsNamed(again, "connect").at(0).field("negotiated") == "no");
    CHECK(eventsNamed(again, "negotiate").empty());
    REQUIRE(session.quit().ok());
}

TEST_CASE("several messages over one connection, each ended with Postfix's ABORT") {
    EchoFilter filter = startFilter();
    Session session = openSession(filter);
    for (int i = 0; i < 5; ++i) {
        CAPTURE(i);
        Message message = plainMessage("many.example");
        message.raw = "Subject: message " + std::to_string(i) + "\n\nbody " + std::to_string(i) + "\n";
        const Outcome outcome = sendOk(session, message);
        CHECK(outcome.action == Action::Continue);
        CHECK(outcome.modifications.at(3) ==
              mod(Kind::ChangeHeader, 1, "Subject", "[echo] message " + std::to_string(i)));
    }
    REQUIRE(session.quit().ok());
    const auto events = filter.connectionEvents("many.example", "close");
    CHECK(eventsNamed(events, "connect").size() == 1);
    CHECK(eventsNamed(events, "eom").size() == 5);
    CHECK(eventsNamed(events, "abort").empty());  // libmilter ignores an ABORT after end of message
}

TEST_CASE("unix and inet6 sockets, IPv6, unix and unknown client families") {
    for (const auto socket : {EchoFilterOptions::Socket::Unix, EchoFilterOptions::Socket::Inet6}) {
        CAPTURE(static_cast<int>(socket));
        EchoFilter filter = startFilter({socket, {}});
        CHECK(filter.endpoint().rfind(socket == EchoFilterOptions::Socket::Unix ? "unix:" : "inet6:", 0) == 0);
        struct Row {
            std::string address;
            std::string host;
            std::string family;
            std::string logged;
        };
        const Row rows[] = {
            {"2001:db8::25", "v6.example", "inet6", "2001:db8::25"},
            {"192.0.2.77", "v4.example", "inet", "192.0.2.77"},
            {"/var/run/local.sock", "local.example", "unix", "/var/run/local.sock"},
            {"", "unknown.example", "unknown", ""},
        };
        for (const Row& row : rows) {
            CAPTURE(row.address);
            Session session = openSession(filter);
            Message message = plainMessage(row.host);
            message.envelope.client.address = row.address;
            CHECK(sendOk(session, message).action == Action::Continue);
            REQUIRE(session.quit().ok());
            const auto connect = eventsNamed(filter.connectionEvents(row.host, "close"), "connect");
            REQUIRE(connect.size() == 1);
            CHECK(connect[0].field("family") == row.family);
            CHECK(connect[0].field("address") == row.logged);
        }
        Session unnamed = openSession(filter);
        Message message = plainMessage("");
        message.envelope.client.address = "198.51.100.9";
        CHECK(sendOk(unnamed, message).action == Action::Continue);
        CHECK_FALSE(filter.connectionEvents("[198.51.100.9]", "eom").empty());
    }
}

TEST_CASE("a filter that needs an action we do not offer ends the negotiation") {
    EchoFilter filter = startFilter();
    Options options;
    options.offer.actions = wire::action::kAll & ~wire::action::kQuarantine;
    options.ioTimeout = std::chrono::milliseconds(5000);
    auto session = Session::open(filter.endpoint(), options);
    REQUIRE_FALSE(session.ok());
    CHECK(session.error().kind == ErrorKind::PeerClosed);
    CHECK(filter.running());
}
