// Tests for the milter-send CLI (run as a separate process against echo_filter) and for
// outcome_json.h, the JSON it prints: one object per session with the decision, reply,
// modifications, recipients, ending and latency; exit status 0 / 1 / 2.
#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "echo_filter_process.h"
#include "milter_client/outcome_json.h"

using namespace dmarc::milterclient;
using namespace dmarc::milterclient::testing;
using nlohmann::json;
using namespace std::string_literals;

namespace {

struct Run {
    int status = -1;
    std::vector<json> lines;
    std::string raw;
};

std::string quote(const std::string& argument) {
    std::string quoted = "'";
    for (const char c : argument) quoted += c == '\'' ? "'\\''"s : std::string(1, c);
    return quoted + "'";
}

// Runs milter-send; stdout is parsed as JSON lines when `json` is set.
Run milterSend(const std::vector<std::string>& arguments, bool parseJson = true) {
    std::string command = quote(milterSendPath());
    for (const std::string& argument : arguments) command += " " + quote(argument);
    command += " 2>/dev/null";
    Run run;
    FILE* pipe = popen(command.c_str(), "r");
    REQUIRE(pipe != nullptr);
    char buffer[4096];
    std::size_t got = 0;
    while ((got = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) run.raw.append(buffer, got);
    const int status = pclose(pipe);
    run.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    std::size_t start = parseJson ? 0 : run.raw.size();
    while (start < run.raw.size()) {
        const std::size_t end = run.raw.find('\n', start);
        run.lines.push_back(json::parse(run.raw.substr(start, end - start)));
        start = end == std::string::npos ? run.raw.size() : end + 1;
    }
    return run;
}

struct Fixture {
    Fixture() {
        auto started = EchoFilter::start();
        if (!started) FAIL(started.error());
        filter.emplace(std::move(started).value());
        auto dir = dmarc::testdns::TempDir::create("milter-send-test-");
        REQUIRE(dir.ok());
        temp.emplace(std::move(dir).value());
    }
    std::string write(const std::string& name, const std::string& text) const {
        const std::string path = temp->path() + "/" + name;
        std::ofstream(path, std::ios::binary) << text;
        return path;
    }
    std::optional<EchoFilter> filter;
    std::optional<dmarc::testdns::TempDir> temp;
};

}  // namespace

TEST_CASE("milter-send prints the filter's decision, reply and modifications as one JSON line") {
    Fixture fixture;
    const std::string file = fixture.write(
        "reject.eml", "From: a@example.com\nSubject: Hi\nX-Test-Quarantine: look\nX-Test-Reject: no thanks\n\nbody\n");
    const Run run = milterSend({"--socket", fixture.filter->endpoint(), "--client-ip", "192.0.2.1", "--client-host",
                                "cli.example", "--helo", "helo.example", "--mail-from", "a@example.com", "--mail-arg",
                                "SIZE=100", "--rcpt", "c@example.org", "--macro", "{auth_authen}=alice", "--macro",
                                "{x_custom}=custom value", "--queue-id", "QID42", file});
    CHECK(run.status == 0);
    REQUIRE(run.lines.size() == 1);
    const json& line = run.lines[0];
    CHECK(line["session"] == 0);
    CHECK(line["action"] == "reject");
    CHECK(line["stage"] == "eom");
    CHECK(line["reply"] == "550 5.7.1 no thanks");
    CHECK(line["quarantine"] == "look");
    CHECK(line["ending"] == "completed");
    CHECK(line["body_bytes"] == 6);
    CHECK(line["body_chunks"] == 1);
    CHECK(line["headers_sent"] == 4);
    CHECK(line["latency_us"].is_number_integer());
    CHECK(line["latency_us"].get<long>() > 0);
    CHECK(line["session_us"].get<long>() >= line["latency_us"].get<long>());
    CHECK(line["recipients"] == json::parse(R"([{"address":"c@example.org","action":"continue"}])"));
    // fnv: FNV-1a 64 of "body\r\n", the body as sent.
    CHECK(line["modifications"] == json::parse(R"([
        {"type":"insert_header","index":0,"name":"X-Echo-First","value":"top"},
        {"type":"add_header","name":"X-Echo-Body","value":"bytes=6 chunks=1 max=6 fnv=870150c9a345d826"},
        {"type":"add_header","name":"X-Echo-Headers","value":"count=4"},
        {"type":"change_header","index":1,"name":"Subject","value":"[echo] Hi"},
        {"type":"quarantine","reason":"look"}])"));

    const auto events = fixture.filter->connectionEvents("cli.example", "close");
    REQUIRE_FALSE(events.empty());
    const LogEvent connect = eventsNamed(events, "connect").at(0);
    CHECK(connect.field("address") == "192.0.2.1");
    CHECK(connect.field("macro:{x_custom}") == "custom value");
    CHECK(connect.field("macro:j") == "mx.milter-send.test");
    CHECK(connect.field("macro:_") == "cli.example [192.0.2.1]");
    const LogEvent mail = eventsNamed(events, "mail").at(0);
    CHECK(mail.field("arg0") == "<a@example.com>");
    CHECK(mail.field("arg1") == "SIZE=100");
    CHECK(mail.field("macro:{auth_authen}") == "alice");
    CHECK(eventsNamed(events, "rcpt").at(0).field("macro:i") == "QID42");
    CHECK(eventsNamed(events, "helo").at(0).field("name") == "helo.example");
}

TEST_CASE("milter-send --repeat and --parallel run that many sessions") {
    Fixture fixture;
    const std::string file = fixture.write("plain.eml", "Subject: repeat\n\nbody\n");
    const Run run = milterSend({"--socket", fixture.filter->endpoint(), "--repeat", "40", "--parallel", "8", file});
    CHECK(run.status == 0);
    REQUIRE(run.lines.size() == 40);
    std::set<int> sessions;
    for (const json& line : run.lines) {
        sessions.insert(line["session"].get<int>());
        CHECK(line["action"] == "continue");
        CHECK(line["modifications"].size() == 4);
        CHECK_FALSE(line.contains("error"));
    }
    CHECK(sessions.size() == 40);
    CHECK(*sessions.begin() == 0);
    CHECK(*sessions.rbegin() == 39);
}

TEST_CASE("milter-send stops after N body bytes with an abort or a disconnect") {
    Fixture fixture;
    const std::string file = fixture.write("long.eml", "Subject: long\n\n" + std::string(100000, 'l') + "\n");
    const Run aborted = milterSend({"--socket", fixture.filter->endpoint(), "--client-host", "abort.example",
                                    "--abort-after-bytes", "70000", file});
    CHECK(aborted.status == 0);
    REQUIRE(aborted.lines.size() == 1);
    CHECK(aborted.lines[0]["action"] == "none");
    CHECK(aborted.lines[0]["ending"] == "aborted");
    CHECK(aborted.lines[0]["body_bytes"] == 70000);
    CHECK(aborted.lines[0]["body_chunks"] == 2);
    const auto abortEvents = fixture.filter->connectionEvents("abort.example", "close");
    CHECK(eventsNamed(abortEvents, "abort").size() == 1);
    CHECK(eventsNamed(abortEvents, "eom").empty());

    const Run dropped = milterSend({"--socket", fixture.filter->endpoint(), "--client-host", "drop.example",
                                    "--disconnect-after-bytes", "10", file});
    CHECK(dropped.status == 0);
    REQUIRE(dropped.lines.size() == 1);
    CHECK(dropped.lines[0]["ending"] == "disconnected");
    CHECK(dropped.lines[0]["body_bytes"] == 10);
    CHECK(eventsNamed(fixture.filter->connectionEvents("drop.example", "close"), "abort").size() == 1);
}

TEST_CASE("milter-send exit status: 1 when a session fails, 2 on bad usage") {
    Fixture fixture;
    const std::string file = fixture.write("m.eml", "Subject: x\n\nbody\n");
    auto port = dmarc::testdns::pickFreePort(false);
    REQUIRE(port.ok());
    const Run refused = milterSend({"--socket", "inet:" + std::to_string(*port) + "@127.0.0.1", file});
    CHECK(refused.status == 1);
    REQUIRE(refused.lines.size() == 1);
    CHECK(refused.lines[0]["error"]["kind"] == "connect failed");

    const Run slow = milterSend({"--socket", fixture.filter->endpoint(), "--timeout-ms", "200",
                                 fixture.write("slow.eml", "X-Test-Eom-Delay-Ms: 1000\n\nbody\n")});
    CHECK(slow.status == 1);
    REQUIRE(slow.lines.size() == 1);
    CHECK(slow.lines[0]["error"]["kind"] == "timeout");

    const std::vector<std::vector<std::string>> usage{
        {file},
        {"--socket", fixture.filter->endpoint()},
        {"--socket", "nonsense", file},
        {"--socket", fixture.filter->endpoint(), fixture.temp->path() + "/missing.eml"},
        {"--socket", fixture.filter->endpoint(), "--repeat", "0", file},
        {"--socket", fixture.filter->endpoint(), "--repeat", "2", "-"},
        {"--socket", fixture.filter->endpoint(), "--client-port", "70000", file},
        {"--socket", fixture.filter->endpoint(), "--macro", "novalue", file},
        {"--socket", fixture.filter->endpoint(), "--abort-after-bytes", "1", "--disconnect-after-bytes", "1", file},
        {"--socket", fixture.filter->endpoint(), "--bogus", file},
        {"--socket", fixture.filter->endpoint(), file, file},
    };
    for (const auto& arguments : usage) {
        CAPTURE(arguments);
        const Run run = milterSend(arguments);
        CHECK(run.status == 2);
        CHECK(run.lines.empty());
    }
    const Run help = milterSend({"--help"}, false);
    CHECK(help.status == 0);
    CHECK_THAT(help.raw, Catch::StartsWith("usage: milter-send --socket SPEC"));
}

TEST_CASE("outcome JSON names every field and keeps arbitrary bytes reversible") {
    Outcome outcome;
    outcome.action = Action::Tempfail;
    outcome.stage = Stage::Rcpt;
    outcome.reply = "451 4.7.1 busy";
    outcome.recipients = {{"a@x", Action::Tempfail, "451 4.7.1 busy"}, {"b@x", Action::None, ""}};
    outcome.warnings = {"DISCARD at helo ignored, as Postfix does"};
    outcome.latency = std::chrono::microseconds(1234);
    auto change = [](Modification::Kind kind, std::uint32_t index, std::string name, std::string value,
                     std::string args) {
        Modification modification;
        modification.kind = kind;
        modification.index = index;
        modification.name = std::move(name);
        modification.value = std::move(value);
        modification.args = std::move(args);
        return modification;
    };
    using Kind = Modification::Kind;
    outcome.modifications = {
        change(Kind::AddHeader, 0, "X-A", "caf\xC3\xA9 \xFF\\ \x01", ""),
        change(Kind::InsertHeader, 3, "X-B", "v", ""),
        change(Kind::ChangeHeader, 2, "X-C", "w", ""),
        change(Kind::DeleteHeader, 1, "X-D", "", ""),
        change(Kind::AddRecipient, 0, "", "<r@x>", ""),
        change(Kind::AddRecipientArgs, 0, "", "<s@x>", "NOTIFY=NEVER"),
        change(Kind::DeleteRecipient, 0, "", "<t@x>", ""),
        change(Kind::ChangeFrom, 0, "", "<f@x>", "SIZE=1"),
        change(Kind::ReplaceBody, 0, "", "0123456789", ""),
        change(Kind::Quarantine, 0, "", "why \xC0\x80", ""),
    };
    const json rendered = toJson(outcome);
    CHECK(rendered["action"] == "tempfail");
    CHECK(rendered["stage"] == "rcpt");
    CHECK(rendered["reply"] == "451 4.7.1 busy");
    CHECK(rendered["quarantine"].is_null());
    CHECK(rendered["latency_us"] == 1234);
    CHECK(rendered["ending"] == "completed");
    CHECK(rendered["warnings"] == json::array({"DISCARD at helo ignored, as Postfix does"}));
    CHECK(rendered["recipients"] == json::parse(R"([{"address":"a@x","action":"tempfail","reply":"451 4.7.1 busy"},
                                                    {"address":"b@x","action":"none"}])"));
    CHECK(rendered["modifications"] == json::parse(R"([
        {"type":"add_header","name":"X-A","value":"café \\xff\\\\ \u0001"},
        {"type":"insert_header","index":3,"name":"X-B","value":"v"},
        {"type":"change_header","index":2,"name":"X-C","value":"w"},
        {"type":"delete_header","index":1,"name":"X-D"},
        {"type":"add_recipient","address":"<r@x>"},
        {"type":"add_recipient_args","address":"<s@x>","args":"NOTIFY=NEVER"},
        {"type":"delete_recipient","address":"<t@x>"},
        {"type":"change_from","address":"<f@x>","args":"SIZE=1"},
        {"type":"replace_body","bytes":10},
        {"type":"quarantine","reason":"why \\xc0\\x80"}])"));
    // Every string is valid UTF-8: dumping must not throw.
    CHECK_NOTHROW(rendered.dump());
    const json error = toJson(ClientError{ErrorKind::Timeout, "no reply \xFE"});
    CHECK(error == json::parse(R"({"kind":"timeout","detail":"no reply \\xfe"})"));
    CHECK_FALSE(toJson(Outcome{}).contains("warnings"));
}
