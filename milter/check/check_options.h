// dmarc-check's command line, parsed into plain values (no I/O): the message to check, the
// SMTP envelope the milter would have seen, the configuration and DNS to use, the output
// form. A usage error is a one-line reason (main prints it and exits 2). Pure; thread-safe.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace dmarc::check {

struct CheckOptions {
    std::optional<std::string> configFile;  // -c; absent: every setting at its default
    std::vector<std::string> nameservers;   // --nameserver, in order; empty: Nameservers
    std::string clientIp;                   // --client-ip (required), as given
    std::optional<std::string> helo;        // --helo; absent: no HELO was sent
    std::string mailFrom;                   // --mail-from without <>; "": the null sender
    std::vector<std::string> recipients;    // --rcpt, without <>
    std::string authUser;                   // --auth-user: the {auth_authen} the MTA would pass
    bool json = false;                      // --json
    bool verbose = false;                   // -v: the pipeline's log on stderr down to debug
    std::string message;                    // the message file, "-" for standard input
};

enum class Command { Check, Help, Version };

struct CommandLine {
    Command command = Command::Check;
    CheckOptions options;
};

// `args` without the program name. Options may come before or after the message operand;
// "--opt VALUE" and "--opt=VALUE" both work; "--" ends the options.
core::Result<CommandLine, std::string> parseCommandLine(std::span<const std::string> args);

// The --help text (a synopsis and one line per option).
std::string_view usageText();

}  // namespace dmarc::check
