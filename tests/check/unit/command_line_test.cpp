// dmarc-check's command line: options in any order, both "--opt value" and "--opt=value",
// addresses with or without <>, and a one-line reason for every usage error.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "milter/check/check_options.h"

using dmarc::check::Command;
using dmarc::check::parseCommandLine;

namespace {

auto parse(std::vector<std::string> args) { return parseCommandLine(args); }

}  // namespace

TEST_CASE("Every option is read") {
    const auto line = parse({"-c", "/etc/d.conf", "--nameserver", "127.0.0.1:5353", "--nameserver=[::1]:53",
                             "--client-ip", "192.0.2.10", "--helo", "mta.example.net", "--mail-from",
                             "<bounce@example.net>", "--rcpt", "bob@example.org", "--rcpt=<carol@example.org>",
                             "--auth-user", "alice", "--json", "-v", "message.eml"});
    REQUIRE(line.ok());
    CHECK(line->command == Command::Check);
    const auto& options = line->options;
    CHECK(options.configFile == "/etc/d.conf");
    CHECK(options.nameservers == std::vector<std::string>{"127.0.0.1:5353", "[::1]:53"});
    CHECK(options.clientIp == "192.0.2.10");
    CHECK(options.helo == "mta.example.net");
    CHECK(options.mailFrom == "bounce@example.net");
    CHECK(options.recipients == std::vector<std::string>{"bob@example.org", "carol@example.org"});
    CHECK(options.authUser == "alice");
    CHECK(options.json);
    CHECK(options.verbose);
    CHECK(options.message == "message.eml");
}

TEST_CASE("Defaults: no config, no HELO, the null sender, human output") {
    const auto line = parse({"-", "--client-ip", "2001:db8::1"});
    REQUIRE(line.ok());
    const auto& options = line->options;
    CHECK_FALSE(options.configFile);
    CHECK_FALSE(options.helo);
    CHECK(options.mailFrom.empty());
    CHECK(options.recipients.empty());
    CHECK_FALSE(options.json);
    CHECK(options.message == "-");
}

TEST_CASE("The null sender may be written <>") {
    const auto line = parse({"--client-ip=192.0.2.1", "--mail-from", "<>", "m"});
    REQUIRE(line.ok());
    CHECK(line->options.mailFrom.empty());
}

TEST_CASE("After -- a file name may start with a dash") {
    const auto line = parse({"--client-ip", "192.0.2.1", "--", "-odd.eml"});
    REQUIRE(line.ok());
    CHECK(line->options.message == "-odd.eml");
}

TEST_CASE("Help and version win over everything else") {
    CHECK(parse({"--help"})->command == Command::Help);
    CHECK(parse({"--json", "-h", "--bogus"})->command == Command::Help);
    CHECK(parse({"-V"})->command == Command::Version);
    CHECK(dmarc::check::usageText().find("--client-ip IP") != std::string_view::npos);
}

TEST_CASE("Usage errors say what is wrong") {
    using Case = std::pair<std::vector<std::string>, std::string>;
    const auto [args, reason] = GENERATE(
        Case{{"m.eml"}, "--client-ip is required"},
        Case{{"--client-ip=", "m.eml"}, "--client-ip is required"},
        Case{{"--client-ip", "192.0.2.1"}, "no message file given"},
        Case{{"--client-ip", "192.0.2.1", "a.eml", "b.eml"}, "one message file expected, got 2"},
        Case{{"--client-ip", "192.0.2.1", "--frobnicate", "a.eml"}, "unknown option --frobnicate"},
        Case{{"a.eml", "--client-ip"}, "--client-ip needs a value"},
        Case{{"--client-ip", "192.0.2.1", "a.eml", "-c"}, "-c needs a value"});
    const auto line = parse(args);
    REQUIRE_FALSE(line.ok());
    CHECK_THAT(line.error(), Catch::Matchers::StartsWith(reason));
}
