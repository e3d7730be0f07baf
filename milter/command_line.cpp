// Parsing dmarc-milter's arguments (see command_line.h).
#include "milter/command_line.h"

#include <string_view>

#include "config/config_parser.h"

namespace dmarc::milter {

core::Result<CommandLine, std::string> parseCommandLine(std::span<const char* const> arguments) {
    CommandLine line;
    line.configPath = std::string(config::kDefaultConfigPath);
    bool actionChosen = false;
    const auto choose = [&](CommandLine::Action action) -> bool {
        if (actionChosen && line.action != action) return false;
        actionChosen = true;
        line.action = action;
        return true;
    };
    for (std::size_t i = 0; i < arguments.size(); ++i) {
        const std::string_view argument = arguments[i];
        bool ok = true;
        if (argument == "-c") {
            if (i + 1 >= arguments.size() || std::string_view(arguments[i + 1]).empty())
                return core::fail(std::string("-c needs a file name"));
            line.configPath = arguments[++i];
            line.configPathGiven = true;
        } else if (argument == "-f") {
            line.foreground = true;
        } else if (argument == "-e") {
            line.logToStderr = true;
        } else if (argument == "-n") {
            ok = choose(CommandLine::Action::CheckConfig);
        } else if (argument == "--dump-config") {
            ok = choose(CommandLine::Action::DumpConfig);
        } else if (argument == "-V" || argument == "--version") {
            ok = choose(CommandLine::Action::Version);
        } else if (argument == "-h" || argument == "--help") {
            ok = choose(CommandLine::Action::Help);
        } else {
            return core::fail("unknown argument: " + std::string(argument));
        }
        if (!ok) return core::fail(std::string("-n, --dump-config, -V and -h exclude each other"));
    }
    // Detached, standard error is /dev/null: -e would silence the log.
    if (line.logToStderr && !line.foreground && line.action == CommandLine::Action::Run)
        return core::fail(std::string("-e needs -f"));
    return line;
}

std::string usageText() {
    return std::string("usage: dmarc-milter [-c FILE] [-f [-e]] [-n | --dump-config | -V | -h]\n"
                       "  -c FILE        the configuration file (default ") +
           std::string(config::kDefaultConfigPath) +
           "; when that default is missing, the built-in defaults)\n"
           "  -f             stay in the foreground (for systemd and tests); without it, detach\n"
           "  -e             with -f: log to standard error, whatever Syslog says\n"
           "  -n             check the configuration and exit\n"
           "  --dump-config  print the effective configuration (every setting) and exit\n"
           "  -V             print the version and exit\n"
           "  -h             this text\n"
           "signals: SIGHUP (or SIGUSR1) reloads the configuration, SIGTERM (or SIGINT) finishes the\n"
           "messages in progress, then exits\n"
           "exit status: 0 success, 1 configuration refused (FILE:LINE: KEY: DETAIL on stderr),\n"
           "2 bad command line, 3 could not start (socket, pid file, account, logging, DNS/SPF/DKIM)\n";
}

}  // namespace dmarc::milter
