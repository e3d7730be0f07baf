// Unit tests for lib/log/logging.cpp: level mapping, the stderr logger becoming spdlog's
// default with its level, level changes on reload, and C-library messages arriving
// sanitised and tagged. Uses an in-memory sink; runs in its own process (spdlog's default
// logger is process-wide).
#include <catch2/catch.hpp>

#include <memory>
#include <sstream>
#include <string>

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include "log/logging.h"

using namespace dmarc::log;

namespace {

// Installs a default logger writing "LEVEL|message" lines into `out`.
void captureInto(std::ostringstream& out) {
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out);
    sink->set_pattern("%l|%v");
    auto logger = std::make_shared<spdlog::logger>("test", sink);
    logger->set_level(spdlog::level::debug);
    spdlog::set_default_logger(logger);
}

}  // namespace

TEST_CASE("logging: levels map onto spdlog's") {
    CHECK(toSpdlogLevel(LogLevel::Error) == spdlog::level::err);
    CHECK(toSpdlogLevel(LogLevel::Warning) == spdlog::level::warn);
    CHECK(toSpdlogLevel(LogLevel::Info) == spdlog::level::info);
    CHECK(toSpdlogLevel(LogLevel::Debug) == spdlog::level::debug);
}

TEST_CASE("logging: names of levels and facilities") {
    CHECK(toString(LogLevel::Warning) == "warning");
    CHECK(toString(SyslogFacility::Mail) == "mail");
    CHECK(toString(SyslogFacility::Local7) == "local7");
}

TEST_CASE("logging: the stderr logger becomes the default, at the configured level") {
    const auto logger = setUpLogging(LogOptions{false, SyslogFacility::Mail, LogLevel::Warning});
    REQUIRE(logger.ok());
    CHECK(spdlog::default_logger().get() == logger.value().get());
    CHECK(logger.value()->name() == "dmarc-milter");
    CHECK(logger.value()->level() == spdlog::level::warn);
    setLogLevel(LogLevel::Debug);
    CHECK(spdlog::default_logger()->level() == spdlog::level::debug);
}

TEST_CASE("logging: the syslog logger can be built for every facility") {
    for (const auto& [name, facility] : kSyslogFacilityNames) {
        CAPTURE(name);
        const auto logger = setUpLogging(LogOptions{true, facility, LogLevel::Info});
        REQUIRE(logger.ok());
        CHECK(logger.value()->level() == spdlog::level::info);
    }
}

TEST_CASE("logging: C-library messages arrive tagged and sanitised") {
    std::ostringstream out;
    captureInto(out);
    logLibraryMessage("libspf2", LogLevel::Warning, "bad record\nat x.example\x1b[0m");
    logLibraryMessage("libopendkim", LogLevel::Debug, std::string(5000, 'k'));
    logLibraryMessage("libspf2", LogLevel::Error, "");
    std::istringstream lines(out.str());
    std::string line;
    REQUIRE(std::getline(lines, line));
    CHECK(line == "warning|libspf2: bad record\\x0aat x.example\\x1b[0m");
    REQUIRE(std::getline(lines, line));
    CHECK(line == "debug|libopendkim: " + std::string(1021, 'k') + "...");
    REQUIRE(std::getline(lines, line));
    CHECK(line == "error|libspf2: ");
    CHECK_FALSE(std::getline(lines, line));
}

TEST_CASE("logging: messages below the level are dropped") {
    std::ostringstream out;
    captureInto(out);
    setLogLevel(LogLevel::Error);
    logLibraryMessage("libspf2", LogLevel::Info, "chatty");
    logLibraryMessage("libspf2", LogLevel::Error, "fatal");
    CHECK(out.str() == "error|libspf2: fatal\n");
}
