// dmarc-milter: the DMARC milter daemon's entry point. Parses the command line and runs
// the one-shot actions (-n, --dump-config, -V, -h) itself; everything else is runDaemon.
// Exceptions are caught here only for start-up (after that the daemon never returns).
#include <cstdio>
#include <exception>
#include <span>

#include "config/config_parser.h"
#include "config/config_render.h"
#include "milter/command_line.h"
#include "milter/config_loading.h"
#include "milter/daemon.h"

#ifndef DMARC_VERSION
#define DMARC_VERSION "unknown"
#endif

namespace {

using namespace dmarc;

// -n and --dump-config: read the configuration as start-up would.
int checkConfig(const milter::CommandLine& line, bool dump) {
    auto loaded = milter::loadStartupConfig(line.configPath, line.configPathGiven, config::systemParseContext());
    if (!loaded) {
        std::fprintf(stderr, "%s\n", config::describe(loaded.error()).c_str());
        return milter::kExitBadConfig;
    }
    if (dump) {
        std::fputs(config::dumpConfig(*loaded->config).c_str(), stdout);
    } else if (loaded->builtInDefaults) {
        std::fprintf(stderr, "%s does not exist: the built-in defaults are valid\n", line.configPath.c_str());
    } else {
        std::fprintf(stderr, "%s: configuration OK\n", line.configPath.c_str());
    }
    return milter::kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        auto line = milter::parseCommandLine(std::span<const char* const>(argv + 1, argc > 0 ? argc - 1 : 0));
        if (!line) {
            std::fprintf(stderr, "dmarc-milter: %s\n%s", line.error().c_str(), milter::usageText().c_str());
            return milter::kExitUsage;
        }
        switch (line->action) {
            case milter::CommandLine::Action::Help: std::fputs(milter::usageText().c_str(), stdout); return 0;
            case milter::CommandLine::Action::Version: std::printf("dmarc-milter %s\n", DMARC_VERSION); return 0;
            case milter::CommandLine::Action::CheckConfig: return checkConfig(*line, false);
            case milter::CommandLine::Action::DumpConfig: return checkConfig(*line, true);
            case milter::CommandLine::Action::Run: return milter::runDaemon(*line);
        }
    } catch (const std::exception& error) {
        std::fprintf(stderr, "dmarc-milter: cannot start: %s\n", error.what());
    }
    return milter::kExitStartup;
}
