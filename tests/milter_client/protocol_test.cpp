// Tests for protocol.h (packet encoders, reply and negotiation parsers, the event table),
// macros.h (Postfix's lists, SMFIR_SETSYMLIST, selection) and endpoint.h (socket
// specifications). Pure: no sockets, no filter.
#include <catch2/catch.hpp>

#include <string>
#include <tuple>

#include "milter_client/endpoint.h"
#include "milter_client/macros.h"
#include "milter_client/protocol.h"

using namespace dmarc::milterclient;
using namespace std::string_literals;

namespace {

wire::Packet packet(char command, std::string payload) { return wire::Packet{command, std::move(payload)}; }

std::string be32(std::uint32_t value) {
    std::string out;
    wire::appendUint32(out, value);
    return out;
}

}  // namespace

TEST_CASE("packets carry a big-endian length that counts the command letter") {
    std::string out;
    wire::appendPacket(out, 'Q', "");
    CHECK(out == "\0\0\0\x01Q"s);
    out.clear();
    wire::appendPacket(out, 'B', std::string(65535, 'x'));
    CHECK(out.size() == 5 + 65535);
    CHECK(out.substr(0, 5) == "\x00\x01\x00\x00" "B"s);
}

TEST_CASE("SMFIC_OPTNEG offers version 6, every action and every protocol flag like Postfix 3.7") {
    CHECK(wire::kProtocolVersion == 6);
    CHECK(wire::action::kAll == 0x1FF);
    CHECK(wire::protocol::kAll == 0x1FFFFF);
    CHECK(wire::optionNegotiationPayload(6, 0x1FF, 0x1FFFFF) == "\0\0\0\x06\0\0\x01\xFF\0\x1F\xFF\xFF"s);
}

TEST_CASE("event payloads are laid out as libmilter decodes them") {
    CHECK(wire::connectPayload("mx.example", '4', 2525, "192.0.2.1") == "mx.example\0" "4\x09\xDD" "192.0.2.1\0"s);
    CHECK(wire::connectPayload("[2001:db8::1]", '6', 0, "2001:db8::1") == "[2001:db8::1]\0" "6\0\0" "2001:db8::1\0"s);
    CHECK(wire::connectPayload("local", 'L', 0, "/tmp/s") == "local\0L\0\0/tmp/s\0"s);
    CHECK(wire::connectPayload("unknown", 'U', 25, "") == "unknown\0U"s);
    CHECK(wire::argumentsPayload("<a@b.example>", {"SIZE=10", "BODY=8BITMIME"}) ==
          "<a@b.example>\0SIZE=10\0BODY=8BITMIME\0"s);
    CHECK(wire::argumentsPayload("<>", {}) == "<>\0"s);
    CHECK(wire::headerPayload("Subject", " hi\n\tthere") == "Subject\0 hi\n\tthere\0"s);
    CHECK(wire::headerPayload("X-Empty", "") == "X-Empty\0\0"s);
    CHECK(wire::macroPayload(wire::Command::Mail, {{"{auth_authen}", "alice"}, {"i", "ABC"}}) ==
          "M{auth_authen}\0alice\0i\0ABC\0"s);
    CHECK(wire::macroPayload(wire::Command::Connect, {}) == "C");
}

TEST_CASE("each event has Postfix's NO and NR bits and macro stage") {
    using wire::MacroStage;
    struct Row {
        Stage stage;
        char command;
        std::uint32_t noSend;
        std::uint32_t noReply;
        std::optional<MacroStage> macros;
    };
    const Row rows[] = {
        {Stage::Connect, 'C', 0x1, 0x1000, MacroStage::Connect},
        {Stage::Helo, 'H', 0x2, 0x2000, MacroStage::Helo},
        {Stage::Mail, 'M', 0x4, 0x4000, MacroStage::Mail},
        {Stage::Rcpt, 'R', 0x8, 0x8000, MacroStage::Rcpt},
        {Stage::Data, 'T', 0x200, 0x10000, MacroStage::Data},
        {Stage::Header, 'L', 0x20, 0x80, std::nullopt},
        {Stage::EndOfHeaders, 'N', 0x40, 0x40000, MacroStage::EndOfHeaders},
        {Stage::Body, 'B', 0x10, 0x80000, std::nullopt},
        {Stage::EndOfMessage, 'E', 0, 0, MacroStage::EndOfMessage},
    };
    for (const Row& row : rows) {
        CAPTURE(stageName(row.stage));
        const wire::EventInfo& info = wire::eventInfo(row.stage);
        CHECK(static_cast<char>(info.command) == row.command);
        CHECK(info.noSendBit == row.noSend);
        CHECK(info.noReplyBit == row.noReply);
        CHECK(info.macros == row.macros);
    }
    CHECK(static_cast<int>(MacroStage::Mail) == 2);
    CHECK(static_cast<int>(MacroStage::EndOfMessage) == 5);
    CHECK(static_cast<int>(MacroStage::EndOfHeaders) == 6);
}

TEST_CASE("decision replies parse to their action and carry no data") {
    const std::tuple<char, Action> rows[] = {
        {'c', Action::Continue}, {'a', Action::Accept},   {'r', Action::Reject},
        {'t', Action::Tempfail}, {'d', Action::Discard},  {'4', Action::Shutdown},
        {'f', Action::ConnectionFailure},
    };
    for (const auto& [code, action] : rows) {
        CAPTURE(code);
        const auto reply = wire::parseReply(packet(code, ""));
        REQUIRE(reply.ok());
        CHECK(reply->type == wire::Reply::Type::Decision);
        CHECK(reply->decision == action);
        const auto withData = wire::parseReply(packet(code, "x"));
        REQUIRE_FALSE(withData.ok());
        CHECK(withData.error().kind == ErrorKind::Protocol);
    }
    CHECK(wire::parseReply(packet('s', "")).value().type == wire::Reply::Type::Skip);
    CHECK(wire::parseReply(packet('p', "")).value().type == wire::Reply::Type::Progress);
    CHECK_FALSE(wire::parseReply(packet('s', "?")).ok());
    CHECK_FALSE(wire::parseReply(packet('p', "?")).ok());
}

TEST_CASE("SMFIR_REPLYCODE keeps the text and maps 5xx to reject, 4xx to tempfail") {
    const std::tuple<std::string, bool, Action, std::string> rows[] = {
        {"550 5.7.1 Email rejected per DMARC policy\0"s, true, Action::Reject,
         "550 5.7.1 Email rejected per DMARC policy"},
        {"451 4.7.1 Try later\0"s, true, Action::Tempfail, "451 4.7.1 Try later"},
        {"550-5.7.1 first\r\n550 5.7.1 second\0"s, true, Action::Reject, "550-5.7.1 first\r\n550 5.7.1 second"},
        {"554 5.7.1 100%% sure\0"s, true, Action::Reject, "554 5.7.1 100%% sure"},
        {"550 5.7.1 no terminator"s, true, Action::Reject, "550 5.7.1 no terminator"},
        {"250 2.0.0 ok\0"s, false, Action::None, ""},
        {"550 4.7.1 class mismatch\0"s, false, Action::None, ""},
        {"55 5.7.1 short\0"s, false, Action::None, ""},
        {"5x0 5.7.1 letters\0"s, false, Action::None, ""},
        {"550_5.7.1 separator\0"s, false, Action::None, ""},
        {"\0"s, false, Action::None, ""},
        {""s, false, Action::None, ""},
    };
    for (const auto& [payload, ok, action, text] : rows) {
        CAPTURE(payload);
        const auto reply = wire::parseReply(packet('y', payload));
        REQUIRE(reply.ok() == ok);
        if (!ok) {
            CHECK(reply.error().kind == ErrorKind::Protocol);
            continue;
        }
        CHECK(reply->type == wire::Reply::Type::Decision);
        CHECK(reply->decision == action);
        CHECK(reply->replyText == text);
    }
}

TEST_CASE("modification replies parse into Modification values") {
    using Kind = Modification::Kind;
    struct Row {
        char code;
        std::string payload;
        Kind kind;
        std::uint32_t index;
        std::string name;
        std::string value;
        std::string args;
    };
    const Row rows[] = {
        {'h', "X-A\0 one\0"s, Kind::AddHeader, 0, "X-A", " one", ""},
        {'h', "X-Empty\0\0"s, Kind::AddHeader, 0, "X-Empty", "", ""},
        {'i', be32(0) + "Authentication-Results\0 mx; dmarc=pass\0"s, Kind::InsertHeader, 0,
         "Authentication-Results", " mx; dmarc=pass", ""},
        {'i', be32(7) + "X-B\0v\0"s, Kind::InsertHeader, 7, "X-B", "v", ""},
        {'m', be32(1) + "Subject\0[echo] hi\0"s, Kind::ChangeHeader, 1, "Subject", "[echo] hi", ""},
        {'m', be32(3) + "Authentication-Results\0\0"s, Kind::DeleteHeader, 3, "Authentication-Results", "", ""},
        {'m', be32(0) + "X-Folded\0a\n\tb\0"s, Kind::ChangeHeader, 0, "X-Folded", "a\n\tb", ""},
        {'+', "<new@example.org>\0"s, Kind::AddRecipient, 0, "", "<new@example.org>", ""},
        {'-', "<old@example.org>\0"s, Kind::DeleteRecipient, 0, "", "<old@example.org>", ""},
        {'2', "<p@example.org>\0NOTIFY=NEVER\0"s, Kind::AddRecipientArgs, 0, "", "<p@example.org>", "NOTIFY=NEVER"},
        {'2', "<p@example.org>\0"s, Kind::AddRecipientArgs, 0, "", "<p@example.org>", ""},
        {'e', "<bounce@example.org>\0SIZE=1\0"s, Kind::ChangeFrom, 0, "", "<bounce@example.org>", "SIZE=1"},
        {'e', "<>\0"s, Kind::ChangeFrom, 0, "", "<>", ""},
        {'b', "new body\r\n\0binary"s, Kind::ReplaceBody, 0, "", "new body\r\n\0binary"s, ""},
        {'q', "held for review\0"s, Kind::Quarantine, 0, "", "held for review", ""},
        {'q', ""s, Kind::Quarantine, 0, "", "", ""},
    };
    for (const Row& row : rows) {
        CAPTURE(row.code, row.payload);
        const auto reply = wire::parseReply(packet(row.code, row.payload));
        REQUIRE(reply.ok());
        CHECK(reply->type == wire::Reply::Type::Modification);
        const Modification& change = reply->modification;
        CHECK(change.kind == row.kind);
        CHECK(change.index == row.index);
        CHECK(change.name == row.name);
        CHECK(change.value == row.value);
        CHECK(change.args == row.args);
    }
}

TEST_CASE("malformed or out-of-place replies are protocol errors") {
    const std::tuple<char, std::string> rows[] = {
        {'h', "X-A\0no terminator"s},
        {'h', "X-A"s},
        {'h', "\0value\0"s},
        {'h', "X-A\0v\0extra"s},
        {'i', "\0\0"s},
        {'i', be32(1) + "X\0"s},
        {'m', "\0\0\0"s},
        {'m', be32(1) + "\0v\0"s},
        {'+', "no terminator"s},
        {'+', "<a@b>\0extra\0"s},
        {'-', ""s},
        {'2', "<a@b>\0args"s},
        {'e', "<a@b>\0args\0more\0"s},
        {'O', be32(6) + be32(0) + be32(0)},
        {'l', be32(2) + "{auth_authen}\0"s},
        {'z', ""s},
        {'\0', ""s},
    };
    for (const auto& [code, payload] : rows) {
        CAPTURE(code, payload);
        const auto reply = wire::parseReply(packet(code, payload));
        REQUIRE_FALSE(reply.ok());
        CHECK(reply.error().kind == ErrorKind::Protocol);
    }
}

TEST_CASE("negotiation answers are checked as Postfix checks them") {
    const std::string base = be32(6) + be32(0x31) + be32(0x1000FF);
    auto parsed = wire::parseNegotiation(packet('O', base), 6, 0x1FF);
    REQUIRE(parsed.ok());
    CHECK(parsed->version == 6);
    CHECK(parsed->actions == 0x31);
    CHECK(parsed->protocol == 0x1000FF);
    CHECK(parsed->has(wire::protocol::kHeaderLeadingSpace));
    CHECK_FALSE(parsed->has(wire::protocol::kSkip));
    for (const auto& list : parsed->macroLists) CHECK_FALSE(list.has_value());

    SECTION("an older filter version is fine") {
        CHECK(wire::parseNegotiation(packet('O', be32(2) + be32(1) + be32(0)), 6, 0x1FF).ok());
    }
    SECTION("symbol lists by stage, unknown stages ignored") {
        const std::string lists =
            base + be32(2) + "{auth_authen} {mail_addr}\0"s + be32(0) + "j\0"s + be32(9) + "{ignored}\0"s;
        auto withLists = wire::parseNegotiation(packet('O', lists), 6, 0x1FF);
        REQUIRE(withLists.ok());
        CHECK(withLists->macroLists[2] == "{auth_authen} {mail_addr}");
        CHECK(withLists->macroLists[0] == "j");
        CHECK_FALSE(withLists->macroLists[1].has_value());
    }
    const std::tuple<char, std::string, std::uint32_t, std::uint32_t> failures[] = {
        {'O', be32(7) + be32(0) + be32(0), 6, 0x1FF},         // version above ours
        {'O', be32(6) + be32(0x200) + be32(0), 6, 0x1FF},     // action we never offered
        {'O', be32(6) + be32(0x20) + be32(0), 6, 0x1F},       // quarantine not offered
        {'O', be32(6) + be32(0), 6, 0x1FF},                   // too short
        {'O', "", 6, 0x1FF},                                  // empty
        {'O', base + be32(2), 6, 0x1FF},                      // list stage without names
        {'O', base + be32(2) + "{x}", 6, 0x1FF},              // unterminated list
        {'c', "", 6, 0x1FF},                                  // not an OPTNEG answer
    };
    for (const auto& [command, payload, version, actions] : failures) {
        CAPTURE(command, payload);
        const auto failed = wire::parseNegotiation(packet(command, payload), version, actions);
        REQUIRE_FALSE(failed.ok());
        CHECK(failed.error().kind == ErrorKind::Negotiation);
    }
}

TEST_CASE("Postfix 3.7 macro lists by stage") {
    const MacroLists lists = postfixDefaultMacroLists();
    using V = std::vector<std::string>;
    CHECK(lists[0] == V{"j", "{daemon_name}", "{daemon_addr}", "v", "_"});
    CHECK(lists[1] == V{"{tls_version}", "{cipher}", "{cipher_bits}", "{cert_subject}", "{cert_issuer}"});
    CHECK(lists[2] == V{"i", "{auth_type}", "{auth_authen}", "{auth_author}", "{mail_addr}", "{mail_host}",
                        "{mail_mailer}"});
    CHECK(lists[3] == V{"i", "{rcpt_addr}", "{rcpt_host}", "{rcpt_mailer}"});
    CHECK(lists[4] == V{"i"});
    CHECK(lists[5] == V{"i"});
    CHECK(lists[6] == V{"i"});
}

TEST_CASE("macro names split, compare and select like Postfix") {
    using V = std::vector<std::string>;
    CHECK(splitMacroNames("{auth_authen} {mail_addr}") == V{"{auth_authen}", "{mail_addr}"});
    CHECK(splitMacroNames(" ,i,\t{x}\r\n j ,") == V{"i", "{x}", "j"});
    CHECK(splitMacroNames("").empty());
    CHECK(splitMacroNames(" , ").empty());
    CHECK(sameMacroName("i", "{i}"));
    CHECK(sameMacroName("{j}", "j"));
    CHECK_FALSE(sameMacroName("{ii}", "ii"));
    CHECK_FALSE(sameMacroName("{i", "i"));
    CHECK(listsMacro(postfixDefaultMacroLists(), "{auth_authen}"));
    CHECK(listsMacro(postfixDefaultMacroLists(), "{i}"));
    CHECK_FALSE(listsMacro(postfixDefaultMacroLists(), "{x_custom}"));

    const MacroLists lists = postfixDefaultMacroLists();
    const std::vector<Macro> available{{"{mail_addr}", "a@b"}, {"{i}", "Q1"}, {"{auth_authen}", "alice"},
                                       {"{mail_addr}", "override@b"}, {"j", "mx.example"}};
    using P = std::vector<std::pair<std::string, std::string>>;
    CHECK(selectMacros(lists, wire::MacroStage::Mail, available) ==
          P{{"i", "Q1"}, {"{auth_authen}", "alice"}, {"{mail_addr}", "override@b"}});
    CHECK(selectMacros(lists, wire::MacroStage::Connect, available) == P{{"j", "mx.example"}});
    CHECK(selectMacros(lists, wire::MacroStage::Helo, available).empty());

    wire::Negotiated negotiated;
    negotiated.macroLists[2] = "{auth_authen}";
    negotiated.macroLists[4] = "";
    const MacroLists overridden = applySymbolLists(lists, negotiated);
    CHECK(overridden[2] == V{"{auth_authen}"});
    CHECK(overridden[4].empty());
    CHECK(overridden[3] == lists[3]);
    CHECK(selectMacros(overridden, wire::MacroStage::Mail, available) == P{{"{auth_authen}", "alice"}});
}

TEST_CASE("socket specifications in libmilter and Postfix forms") {
    using K = Endpoint::Kind;
    const std::tuple<std::string, K, std::string, std::string, std::uint16_t, std::string> rows[] = {
        {"unix:/var/spool/postfix/dmarc/milter.sock", K::Unix, "/var/spool/postfix/dmarc/milter.sock", "", 0,
         "unix:/var/spool/postfix/dmarc/milter.sock"},
        {"local:/run/m.sock", K::Unix, "/run/m.sock", "", 0, "unix:/run/m.sock"},
        {"inet:8893@127.0.0.1", K::Inet, "", "127.0.0.1", 8893, "inet:8893@127.0.0.1"},
        {"inet:8893@localhost", K::Inet, "", "localhost", 8893, "inet:8893@localhost"},
        {"inet6:8893@::1", K::Inet6, "", "::1", 8893, "inet6:8893@::1"},
        {"inet6:8893@[::1]", K::Inet6, "", "::1", 8893, "inet6:8893@::1"},
        {"inet:127.0.0.1:8891", K::Inet, "", "127.0.0.1", 8891, "inet:8891@127.0.0.1"},
        {"inet6:[2001:db8::1]:65535", K::Inet6, "", "2001:db8::1", 65535, "inet6:65535@2001:db8::1"},
    };
    for (const auto& [text, kind, path, host, port, canonical] : rows) {
        CAPTURE(text);
        const auto endpoint = parseEndpoint(text);
        REQUIRE(endpoint.ok());
        CHECK(endpoint->kind == kind);
        CHECK(endpoint->path == path);
        CHECK(endpoint->host == host);
        CHECK(endpoint->port == port);
        CHECK(endpoint->toString() == canonical);
    }
    const std::string bad[] = {"",
                               "8893@127.0.0.1",
                               "tcp:8893@127.0.0.1",
                               "unix:",
                               "inet:@127.0.0.1",
                               "inet:0@127.0.0.1",
                               "inet:65536@127.0.0.1",
                               "inet:-1@127.0.0.1",
                               "inet:88x@127.0.0.1",
                               "inet:8893@",
                               "inet:8893",
                               "inet:127.0.0.1:",
                               "inet6:[]:25"};
    for (const std::string& text : bad) {
        CAPTURE(text);
        const auto endpoint = parseEndpoint(text);
        REQUIRE_FALSE(endpoint.ok());
        CHECK(endpoint.error().kind == ErrorKind::BadEndpoint);
    }
}

TEST_CASE("connecting to nothing fails fast with a value") {
    // An IPv4 literal cannot resolve in the inet6 family (and needs no DNS to find out).
    const auto wrongFamily =
        connectEndpoint(Endpoint{Endpoint::Kind::Inet6, "", "127.0.0.1", 25}, std::chrono::milliseconds(2000));
    REQUIRE_FALSE(wrongFamily.ok());
    CHECK(wrongFamily.error().kind == ErrorKind::BadEndpoint);
    const auto missingSocket = connectEndpoint(Endpoint{Endpoint::Kind::Unix, "/nonexistent/dir/milter.sock", "", 0},
                                               std::chrono::milliseconds(500));
    REQUIRE_FALSE(missingSocket.ok());
    CHECK(missingSocket.error().kind == ErrorKind::Connect);
    const auto tooLong = connectEndpoint(Endpoint{Endpoint::Kind::Unix, std::string(200, 'x'), "", 0},
                                         std::chrono::milliseconds(500));
    REQUIRE_FALSE(tooLong.ok());
    CHECK(tooLong.error().kind == ErrorKind::BadEndpoint);
}
