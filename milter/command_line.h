// The dmarc-milter command line: -c FILE, -f, -e, -n, --dump-config, -V, -h, and the exit
// codes every path of the program uses (documented in the usage text). Pure; thread-safe.
#pragma once

#include <span>
#include <string>

#include "core/result.h"

namespace dmarc::milter {

enum ExitCode : int {
    kExitOk = 0,
    kExitBadConfig = 1,  // the configuration file is refused (file:line: key: detail)
    kExitUsage = 2,      // bad command line
    kExitStartup = 3,    // could not start: socket, pid file, account, logging, engines
};

struct CommandLine {
    enum class Action { Run, CheckConfig, DumpConfig, Version, Help };
    Action action = Action::Run;
    std::string configPath;   // the default path when not given
    bool configPathGiven = false;
    bool foreground = false;
    bool logToStderr = false;  // -e: standard error instead of syslog (needs -f)
};

// `arguments` without the program name.
core::Result<CommandLine, std::string> parseCommandLine(std::span<const char* const> arguments);

std::string usageText();

}  // namespace dmarc::milter
