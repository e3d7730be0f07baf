// dmarc-check end to end: the built binary run as a child process, as an admin would run
// it, against NSD on loopback serving tests/data/pipeline/zones (see make_test_data.py
// there for what each domain publishes). --json is parsed and every required field is
// checked; exit statuses and stderr are checked for usage, input and configuration errors.
// Client addresses are documentation ranges, never loopback, except where the loopback
// skip itself is under test.
#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "child_process.h"
#include "nsd_server.h"
#include "run_program.h"

using nlohmann::json;

namespace {

const std::string kData = DMARC_PIPELINE_DATA;

std::string messagePath(const std::string& name) { return kData + "/messages/" + name + ".eml"; }

// A directory for configuration files, removed at exit.
const std::string& scratchDir() {
    static const auto dir = [] {
        auto made = dmarc::testdns::TempDir::create("dmarc-check-test-");
        if (!made) FAIL(made.error());
        return std::make_unique<dmarc::testdns::TempDir>(std::move(made.value()));
    }();
    return dir->path();
}

const dmarc::testdns::NsdServer& nsd() {
    static const std::unique_ptr<dmarc::testdns::NsdServer> server = [] {
        dmarc::testdns::NsdOptions options;
        options.zonesDir = kData + "/zones";  // zones/test.zone answers the walk's _dmarc.test
        auto started = dmarc::testdns::NsdServer::start(options);
        if (!started) FAIL("NSD did not start: " << started.error());
        return std::move(started.value());
    }();
    return *server;
}

std::string writeConfig(const std::string& name, const std::string& text) {
    const std::string path = scratchDir() + "/" + name;
    std::ofstream(path) << text;
    return path;
}

// The envelope the ESP of the test data uses: its relay, its bounce domain.
std::vector<std::string> espEnvelope() {
    return {"--client-ip", "192.0.2.10", "--helo", "mta.esp.test", "--mail-from", "bounce@bounce.esp.test",
            "--rcpt", "bob@example.net"};
}

dmarc::checktest::ProgramRun check(std::vector<std::string> args, const std::string& input = {}) {
    std::vector<std::string> argv{DMARC_CHECK_PROGRAM, "--nameserver", nsd().endpoint().hostPort()};
    argv.insert(argv.end(), args.begin(), args.end());
    auto run = dmarc::checktest::runProgram(argv, input);
    if (!run) FAIL(run.error());
    return run.value();
}

json checkJson(std::vector<std::string> args, const std::string& input = {}) {
    args.insert(args.begin(), "--json");
    const auto run = check(args, input);
    INFO("stderr: " << run.err);
    REQUIRE(run.exitStatus == 0);
    const json parsed = json::parse(run.out, nullptr, false);
    INFO("stdout: " << run.out);
    REQUIRE(parsed.is_object());
    return parsed;
}

std::vector<std::string> with(std::vector<std::string> args, const std::vector<std::string>& more) {
    args.insert(args.end(), more.begin(), more.end());
    return args;
}

// Every key the issue requires, with its type.
void requireShape(const json& out) {
    for (const char* key : {"dmarc", "disposition", "authentication_results", "action", "explanation", "log_line"}) {
        INFO(key);
        REQUIRE(out.contains(key));
        REQUIRE(out[key].is_string());
    }
    for (const char* key : {"from_domain", "policy_domain", "policy", "override_reason", "would_skip", "reply"}) {
        INFO(key);
        REQUIRE(out.contains(key));
        REQUIRE((out[key].is_string() || out[key].is_null()));
    }
    REQUIRE(out["spf"].is_object());
    REQUIRE(out["spf"]["result"].is_string());
    REQUIRE((out["spf"]["domain"].is_string() || out["spf"]["domain"].is_null()));
    REQUIRE(out["spf"]["aligned"].is_boolean());
    REQUIRE(out["dkim"].is_array());
    for (const auto& signature : out["dkim"]) {
        REQUIRE(signature["result"].is_string());
        REQUIRE(signature["domain"].is_string());
        REQUIRE(signature["selector"].is_string());
        REQUIRE(signature["aligned"].is_boolean());
    }
}

const json* signatureOf(const json& out, const std::string& domain) {
    for (const auto& signature : out["dkim"]) {
        if (signature["domain"] == domain) return &signature;
    }
    return nullptr;
}

}  // namespace

TEST_CASE("An aligned DKIM signature passes DMARC although SPF passes unaligned") {
    const json out = checkJson(with(espEnvelope(), {messagePath("esp_signed")}));
    requireShape(out);
    CHECK(out["dmarc"] == "pass");
    CHECK(out["disposition"] == "none");
    CHECK(out["from_domain"] == "mydomain.test");
    CHECK(out["policy_domain"] == "mydomain.test");
    CHECK(out["policy"] == "reject");
    CHECK(out["policy_tag"] == "p");
    CHECK(out["override_reason"].is_null());
    CHECK(out["spf"]["result"] == "pass");
    CHECK(out["spf"]["domain"] == "bounce.esp.test");
    CHECK(out["spf"]["aligned"] == false);
    REQUIRE(out["dkim"].size() == 2);
    const json* customer = signatureOf(out, "mydomain.test");
    const json* esp = signatureOf(out, "esp.test");
    REQUIRE(customer != nullptr);
    REQUIRE(esp != nullptr);
    CHECK((*customer)["result"] == "pass");
    CHECK((*customer)["selector"] == "sel");
    CHECK((*customer)["aligned"] == true);
    CHECK((*esp)["result"] == "pass");
    CHECK((*esp)["aligned"] == false);
    const std::string ar = out["authentication_results"];
    CHECK_THAT(ar, Catch::Matchers::Contains("dmarc=pass"));
    CHECK_THAT(ar, Catch::Matchers::Contains("header.from=mydomain.test"));
    CHECK_THAT(ar, Catch::Matchers::Contains("smtp.mailfrom=bounce.esp.test"));
    CHECK(out["action"] == "accept");
    CHECK(out["reply"].is_null());
    CHECK(out["would_skip"].is_null());
}

TEST_CASE("An IPv6 client is checked against the ip6 mechanism") {
    const json out = checkJson({"--client-ip", "2001:db8::10", "--mail-from", "bounce@bounce.esp.test",
                                messagePath("esp_signed")});
    CHECK(out["spf"]["result"] == "pass");
    CHECK(out["dmarc"] == "pass");
}

TEST_CASE("Only an unaligned SPF pass under p=reject fails and is quarantined by default") {
    const json out = checkJson(with(espEnvelope(), {messagePath("esp_unsigned")}));
    requireShape(out);
    CHECK(out["dmarc"] == "fail");
    CHECK(out["requested_disposition"] == "reject");
    CHECK(out["disposition"] == "quarantine");
    CHECK(out["override_reason"] == "local_policy");
    CHECK(out["from_domain"] == "mydomain.test");
    CHECK(out["policy_domain"] == "mydomain.test");
    CHECK(out["policy"] == "reject");
    CHECK(out["spf"]["result"] == "pass");
    CHECK(out["spf"]["domain"] == "bounce.esp.test");
    CHECK(out["spf"]["aligned"] == false);
    REQUIRE(out["dkim"].size() == 1);
    CHECK(out["dkim"][0]["domain"] == "esp.test");
    CHECK(out["dkim"][0]["aligned"] == false);
    CHECK(out["action"] == "quarantine-header");
    CHECK(out["reply"].is_null());
    CHECK_THAT(out["authentication_results"].get<std::string>(), Catch::Matchers::Contains("dmarc=fail"));
}

TEST_CASE("With RejectFailures the same message is rejected with 550 naming the domain") {
    const std::string config = writeConfig("reject.conf", "AuthservID mx.check.test\nRejectFailures yes\n");
    const json out = checkJson(with(espEnvelope(), {"-c", config, messagePath("esp_unsigned")}));
    requireShape(out);
    CHECK(out["dmarc"] == "fail");
    CHECK(out["disposition"] == "reject");
    CHECK(out["override_reason"].is_null());
    CHECK(out["action"] == "reject");
    REQUIRE(out["reply"].is_string());
    const std::string reply = out["reply"];
    CHECK_THAT(reply, Catch::Matchers::StartsWith("550 5.7.1 "));
    CHECK_THAT(reply, Catch::Matchers::Contains("mydomain.test"));
    CHECK_THAT(out["authentication_results"].get<std::string>(), Catch::Matchers::StartsWith("mx.check.test;"));
}

TEST_CASE("A domain without a DMARC record gets dmarc=none and nothing applied") {
    const json out = checkJson({"--client-ip", "192.0.2.100", "--mail-from", "ned@nodmarc.test",
                                messagePath("nodmarc_unsigned")});
    requireShape(out);
    CHECK(out["dmarc"] == "none");
    CHECK(out["disposition"] == "none");
    CHECK(out["from_domain"] == "nodmarc.test");
    CHECK(out["policy_domain"].is_null());
    CHECK(out["policy"].is_null());
    CHECK(out["override_reason"].is_null());
    CHECK(out["spf"]["result"] == "pass");
    CHECK(out["spf"]["domain"] == "nodmarc.test");
    CHECK(out["dkim"].empty());
    CHECK(out["action"] == "accept");
}

TEST_CASE("A message without From has no author domain and says why") {
    const json out = checkJson({"--client-ip", "192.0.2.20", "--mail-from", "alice@mydomain.test",
                                messagePath("no_from")});
    requireShape(out);
    CHECK(out["dmarc"] == "none");
    CHECK(out["from_domain"].is_null());
    CHECK(out["from_domains"].empty());
    CHECK(out["from_error"].is_string());
    CHECK(out["policy_domain"].is_null());
    CHECK(out["spf"]["result"] == "pass");
    CHECK(out["spf"]["aligned"] == false);
}

TEST_CASE("Two author domains: the strictest verdict is the one reported") {
    const json out = checkJson({"--client-ip", "192.0.2.20", "--mail-from", "alice@mydomain.test",
                                messagePath("two_from_fields")});
    requireShape(out);
    CHECK(out["from_domains"] == json::array({"mydomain.test", "quarantine.test"}));
    CHECK(out["from_domain"] == "quarantine.test");
    CHECK(out["dmarc"] == "fail");
    CHECK(out["disposition"] == "quarantine");
}

TEST_CASE("The message may come on standard input") {
    std::ifstream file(messagePath("esp_signed"), std::ios::binary);
    REQUIRE(file);
    const std::string message((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    const json out = checkJson(with(espEnvelope(), {"-"}), message);
    requireShape(out);
    CHECK(out["dmarc"] == "pass");
    REQUIRE(signatureOf(out, "mydomain.test") != nullptr);
    CHECK((*signatureOf(out, "mydomain.test"))["result"] == "pass");
}

TEST_CASE("A loopback client is checked anyway and the output says the milter would skip it") {
    const json out = checkJson(with({"--client-ip", "127.0.0.1", "--mail-from", "bounce@bounce.esp.test"},
                                    {messagePath("esp_unsigned")}));
    requireShape(out);
    REQUIRE(out["would_skip"].is_string());
    CHECK_THAT(out["would_skip"].get<std::string>(), Catch::Matchers::Contains("IgnoreNetworks"));
    // Evaluated for real: libspf2's loopback pass is not taken.
    CHECK(out["spf"]["result"] == "fail");
    CHECK(out["dmarc"] == "fail");

    const auto text = check({"--client-ip", "127.0.0.1", "--mail-from", "bounce@bounce.esp.test",
                             messagePath("esp_unsigned")});
    CHECK(text.exitStatus == 0);
    CHECK_THAT(text.out, Catch::Matchers::Contains("dmarc-milter would skip this message"));
    CHECK_THAT(text.out, Catch::Matchers::Contains("IgnoreNetworks"));
}

TEST_CASE("An authenticated sender is checked anyway and the output says the milter would skip it") {
    const json out = checkJson(with(espEnvelope(), {"--auth-user", "alice", messagePath("esp_signed")}));
    REQUIRE(out["would_skip"].is_string());
    CHECK_THAT(out["would_skip"].get<std::string>(), Catch::Matchers::Contains("authenticated as alice"));
    CHECK(out["dmarc"] == "pass");
}

TEST_CASE("The explanation says why an unaligned SPF pass does not count") {
    const auto run = check(with(espEnvelope(), {messagePath("esp_unsigned")}));
    INFO(run.out << run.err);
    REQUIRE(run.exitStatus == 0);
    const auto& out = run.out;
    CHECK_THAT(out, Catch::Matchers::Contains("SPF: pass for bounce.esp.test (MAIL FROM identity)"));
    CHECK_THAT(out, Catch::Matchers::Contains("not aligned with the From domain mydomain.test: "));
    CHECK_THAT(out, Catch::Matchers::Contains("d=esp.test s=sel"));
    CHECK_THAT(out, Catch::Matchers::Contains("From domain: mydomain.test"));
    CHECK_THAT(out, Catch::Matchers::Contains("Policy: record at _dmarc.mydomain.test (the author domain)"));
    CHECK_THAT(out, Catch::Matchers::Contains("applied tag: p=reject"));
    CHECK_THAT(out, Catch::Matchers::Contains("DMARC: fail"));
    CHECK_THAT(out, Catch::Matchers::Contains("Disposition: requested reject, applied quarantine"));
    CHECK_THAT(out, Catch::Matchers::Contains("override local_policy"));
    CHECK_THAT(out, Catch::Matchers::Contains("The milter would: accept the message and mark it for quarantine"));
    CHECK_THAT(out, Catch::Matchers::Contains("Authentication-Results: "));
    CHECK_THAT(out, Catch::Matchers::Contains("Log line: "));
    CHECK_THAT(out, !Catch::Matchers::Contains("would skip"));
}

TEST_CASE("Bad usage exits 2 with one line on stderr and nothing on stdout") {
    const std::vector<std::string> args = GENERATE(
        std::vector<std::string>{"message.eml"},                                  // no --client-ip
        std::vector<std::string>{"--client-ip", "not-an-ip", "message.eml"},
        std::vector<std::string>{"--client-ip", "192.0.2.1"},                     // no message
        std::vector<std::string>{"--client-ip", "192.0.2.1", "--bogus", "m.eml"},
        std::vector<std::string>{"--client-ip", "192.0.2.1", "--nameserver", "ns.example:53", "m.eml"});
    const auto run = check(args);
    INFO(run.err);
    CHECK(run.exitStatus == 2);
    CHECK(run.out.empty());
    CHECK_THAT(run.err, Catch::Matchers::StartsWith("dmarc-check: "));
    CHECK(std::count(run.err.begin(), run.err.end(), '\n') == 1);
}

TEST_CASE("An unreadable message exits 2 naming the file") {
    const std::string path = GENERATE(std::string("/nonexistent/message.eml"), scratchDir());
    const auto run = check({"--json", "--client-ip", "192.0.2.1", path});
    CHECK(run.exitStatus == 2);
    CHECK(run.out.empty());
    CHECK_THAT(run.err, Catch::Matchers::Contains("cannot read " + path));
    CHECK(std::count(run.err.begin(), run.err.end(), '\n') == 1);
}

TEST_CASE("A broken configuration exits 2 naming file, line and key") {
    const std::string config = writeConfig("broken.conf", "AuthservID mx.check.test\nRejectFailures maybe\n");
    const auto run = check({"--json", "-c", config, "--client-ip", "192.0.2.1", messagePath("esp_signed")});
    CHECK(run.exitStatus == 2);
    CHECK(run.out.empty());
    CHECK_THAT(run.err, Catch::Matchers::Contains(config + ":2: RejectFailures"));
    const auto missing = check({"-c", scratchDir() + "/absent.conf", "--client-ip", "192.0.2.1",
                                messagePath("esp_signed")});
    CHECK(missing.exitStatus == 2);
    CHECK_THAT(missing.err, Catch::Matchers::Contains("absent.conf"));
}

TEST_CASE("Services that cannot start exit 1 with the reason") {
    const std::string config = writeConfig("psl.conf", "Mode rfc7489\nPublicSuffixList /nonexistent/psl.dat\n");
    const auto run = check({"--json", "-c", config, "--client-ip", "192.0.2.1", messagePath("esp_signed")});
    CHECK(run.exitStatus == 1);
    CHECK(run.out.empty());
    CHECK_THAT(run.err, Catch::Matchers::Contains("/nonexistent/psl.dat"));
}
