// dmarc-milter's one-shot command-line actions, run as the real binary: -V, -h, -n on a
// good and a broken file (exit status, FILE:LINE: KEY on stderr), --dump-config parsing
// back to the same configuration, and bad usage.
#include <catch2/catch.hpp>

#include <fstream>

#include "child_process.h"
#include "config/config_parser.h"
#include "config/config_render.h"
#include "daemon_process.h"

using namespace dmarc;
using milter::testing::runMilter;

namespace {

std::string writeFile(const testdns::TempDir& dir, const std::string& name, const std::string& text) {
    const std::string path = dir.path() + "/" + name;
    std::ofstream(path) << text;
    return path;
}

}  // namespace

TEST_CASE("the version (-V) and the usage text with exit codes (-h)") {
    const auto version = runMilter({"-V"});
    CHECK(version.exitCode == 0);
    CHECK(version.output.rfind("dmarc-milter ", 0) == 0);
    const auto help = runMilter({"-h"});
    CHECK(help.exitCode == 0);
    CHECK(help.output.find("exit status") != std::string::npos);
}

TEST_CASE("checking (-n) accepts a good file and names file, line and key of a broken one") {
    auto dir = testdns::TempDir::create("milter-cli-");
    REQUIRE(dir);
    const std::string good = writeFile(*dir, "good.conf", "Socket inet:8893@127.0.0.1\nRejectFailures yes\n");
    const auto ok = runMilter({"-n", "-c", good});
    CHECK(ok.exitCode == 0);
    const std::string broken = writeFile(*dir, "broken.conf", "Socket inet:8893@127.0.0.1\n\nRejectFailures maybe\n");
    const auto refused = runMilter({"-n", "-c", broken});
    CHECK(refused.exitCode == 1);
    CHECK(refused.output.find(broken + ":3: RejectFailures:") != std::string::npos);
    const auto missing = runMilter({"-n", "-c", dir->path() + "/absent.conf"});
    CHECK(missing.exitCode == 1);
    CHECK(missing.output.find("absent.conf") != std::string::npos);
}

TEST_CASE("the dumped configuration (--dump-config) parses back to the same configuration") {
    auto dir = testdns::TempDir::create("milter-cli-");
    REQUIRE(dir);
    const std::string file = writeFile(*dir, "in.conf",
                                       "Socket inet6:8893@::1\nMonitorOnly yes\nIgnoreNetworks 192.0.2.0/24, 2001:db8::/32\n"
                                       "RejectReply \"No mail from DOMAIN, sorry\"\n");
    const auto dumped = runMilter({"--dump-config", "-c", file});
    REQUIRE(dumped.exitCode == 0);
    const config::ParseContext context = config::systemParseContext();
    auto original = config::loadConfig(file, context);
    REQUIRE(original);
    auto reparsed = config::parseConfig(dumped.output, "dump", context);
    INFO(dumped.output);
    REQUIRE(reparsed);
    CHECK(**reparsed == **original);
    CHECK(config::dumpConfig(**reparsed) == dumped.output);
}

TEST_CASE("bad usage exits 2 with the usage text") {
    const auto unknown = runMilter({"--bogus"});
    CHECK(unknown.exitCode == 2);
    CHECK(unknown.output.find("usage:") != std::string::npos);
    CHECK(runMilter({"-c"}).exitCode == 2);
    CHECK(runMilter({"-n", "-V"}).exitCode == 2);
    // -e without -f would log to the /dev/null a detached daemon has for standard error.
    const auto detachedToStderr = runMilter({"-e"});
    CHECK(detachedToStderr.exitCode == 2);
    CHECK(detachedToStderr.output.find("-e needs -f") != std::string::npos);
}
