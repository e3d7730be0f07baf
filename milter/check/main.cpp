// dmarc-check: dmarc-milter's pipeline run offline on one message file, for admins asking
// "why did this fail?" and for tests. Parses the command line, reads the configuration
// (-c, or the defaults) and the message, runs the check (check_run.h) and prints the
// explanation or, with --json, one JSON object. Exit status: 0 a verdict was reached,
// 2 bad usage or unreadable input or configuration (one line on stderr), 1 an internal
// failure (the services could not start, the pipeline failed). Single-threaded apart from
// the pipeline's own resolver and SPF threads.
#include <cstdio>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "adapters/name_servers.h"
#include "config/config_parser.h"
#include "core/spf_address.h"
#include "log/logging.h"
#include "milter/check/check_options.h"
#include "milter/check/check_run.h"
#include "milter/check/message_input.h"
#include "milter/check/report_json.h"
#include "milter/check/report_text.h"

namespace {

constexpr int kExitVerdict = 0;
constexpr int kExitInternal = 1;
constexpr int kExitUsage = 2;

int usageError(std::string_view reason) {
    fmt::print(stderr, "dmarc-check: {} (see dmarc-check --help)\n", reason);
    return kExitUsage;
}

int failure(int status, std::string_view reason) {
    fmt::print(stderr, "dmarc-check: {}\n", reason);
    return status;
}

int run(const dmarc::check::CheckOptions& options) {
    using namespace dmarc;
    const auto ip = core::parseClientIp(options.clientIp);
    if (!ip) {
        return usageError(fmt::format("--client-ip {}: not an IPv4 or IPv6 address", options.clientIp));
    }
    if (!options.nameservers.empty()) {
        if (auto servers = adapters::parseNameServers(options.nameservers); !servers) {
            return usageError(fmt::format("--nameserver: {}", servers.error()));
        }
    }
    // The pipeline's own log (the verdict line is part of our output): problems only,
    // unless asked for everything.
    log::LogOptions logging;
    logging.level = options.verbose ? log::LogLevel::Debug : log::LogLevel::Warning;
    if (auto logger = log::setUpLogging(logging); !logger) {
        return failure(kExitInternal, fmt::format("cannot set up logging: {}", logger.error()));
    }
    const auto context = config::systemParseContext();
    auto loaded = options.configFile ? config::loadConfig(*options.configFile, context) : config::defaultConfig(context);
    if (!loaded) {
        return failure(kExitUsage, config::describe(loaded.error()));
    }
    auto message = check::readMessage(options.message);
    if (!message) {
        return failure(kExitUsage, message.error());
    }
    auto report = check::runCheck(options, *loaded.value(), *ip, message.value());
    if (!report) {
        return failure(kExitInternal, report.error());
    }
    if (options.json) {
        // Message and DNS text may hold invalid UTF-8: replaced, never an exception.
        fmt::print("{}\n", check::toJson(report.value()).dump(2, ' ', false, nlohmann::json::error_handler_t::replace));
    } else {
        fmt::print("{}", check::toText(report.value()));
    }
    std::fflush(stdout);
    return kExitVerdict;
}

}  // namespace

int main(int argc, char** argv) {
    const std::vector<std::string> args(argv + 1, argv + argc);
    const auto line = dmarc::check::parseCommandLine(args);
    if (!line) {
        return usageError(line.error());
    }
    switch (line->command) {
        case dmarc::check::Command::Help: fmt::print("{}", dmarc::check::usageText()); return kExitVerdict;
        case dmarc::check::Command::Version: fmt::print("dmarc-check {}\n", DMARC_VERSION); return kExitVerdict;
        case dmarc::check::Command::Check: break;
    }
    return run(line->options);
}
