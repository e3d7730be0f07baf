// See check_options.h. A small table of options keeps the parser and its errors uniform.
#include "milter/check/check_options.h"

#include <algorithm>
#include <array>
#include <functional>

#include <fmt/format.h>

namespace dmarc::check {
namespace {

// "<a@b>" and "a@b" name the same address; the envelope keeps it without brackets.
std::string withoutBrackets(std::string_view address) {
    if (address.size() >= 2 && address.front() == '<' && address.back() == '>') {
        address = address.substr(1, address.size() - 2);
    }
    return std::string(address);
}

struct ValueOption {
    std::string_view shortName;  // "" when none
    std::string_view longName;
    std::function<void(CheckOptions&, std::string_view)> store;
};

const std::array<ValueOption, 7>& valueOptions() {
    static const std::array<ValueOption, 7> options{{
        {"-c", "--config", [](CheckOptions& o, std::string_view v) { o.configFile = std::string(v); }},
        {"", "--nameserver", [](CheckOptions& o, std::string_view v) { o.nameservers.emplace_back(v); }},
        {"", "--client-ip", [](CheckOptions& o, std::string_view v) { o.clientIp = std::string(v); }},
        {"", "--helo", [](CheckOptions& o, std::string_view v) { o.helo = std::string(v); }},
        {"", "--mail-from", [](CheckOptions& o, std::string_view v) { o.mailFrom = withoutBrackets(v); }},
        {"", "--rcpt", [](CheckOptions& o, std::string_view v) { o.recipients.push_back(withoutBrackets(v)); }},
        {"", "--auth-user", [](CheckOptions& o, std::string_view v) { o.authUser = std::string(v); }},
    }};
    return options;
}

}  // namespace

core::Result<CommandLine, std::string> parseCommandLine(std::span<const std::string> args) {
    CommandLine line;
    std::vector<std::string> operands;
    bool optionsEnded = false;
    bool clientIpGiven = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string_view arg = args[i];
        if (optionsEnded || arg == "-" || !arg.starts_with("-")) {
            operands.emplace_back(arg);
            continue;
        }
        if (arg == "--") {
            optionsEnded = true;
            continue;
        }
        if (arg == "-h" || arg == "--help") {
            line.command = Command::Help;
            return line;
        }
        if (arg == "-V" || arg == "--version") {
            line.command = Command::Version;
            return line;
        }
        if (arg == "--json") {
            line.options.json = true;
            continue;
        }
        if (arg == "-v" || arg == "--verbose") {
            line.options.verbose = true;
            continue;
        }
        const std::size_t equals = arg.find('=');
        const std::string_view name = arg.starts_with("--") ? arg.substr(0, equals) : arg;
        const auto& table = valueOptions();
        const auto option = std::find_if(table.begin(), table.end(), [&](const ValueOption& candidate) {
            return name == candidate.longName || (!candidate.shortName.empty() && name == candidate.shortName);
        });
        if (option == table.end()) {
            return core::fail(fmt::format("unknown option {}", arg));
        }
        std::string_view value;
        if (name.size() < arg.size()) {
            value = arg.substr(equals + 1);
        } else if (i + 1 < args.size()) {
            value = args[++i];
        } else {
            return core::fail(fmt::format("{} needs a value", name));
        }
        option->store(line.options, value);
        clientIpGiven = clientIpGiven || option->longName == "--client-ip";
    }
    if (!clientIpGiven || line.options.clientIp.empty()) {
        return core::fail(std::string("--client-ip is required (the SMTP client's address)"));
    }
    if (operands.size() != 1) {
        return core::fail(operands.empty() ? std::string("no message file given (use - for standard input)")
                                           : fmt::format("one message file expected, got {}", operands.size()));
    }
    line.options.message = operands.front();
    return line;
}

std::string_view usageText() {
    return R"(usage: dmarc-check [-c FILE] [--nameserver HOST:PORT]... --client-ip IP [--helo NAME]
                   [--mail-from ADDR] [--rcpt ADDR]... [--auth-user NAME] [--json] [-v]
                   MESSAGE|-

Runs dmarc-milter's checks (SPF, DKIM, DMARC policy, enforcement) on one message file, as
if it had arrived from IP, and explains the verdict.

  -c, --config FILE     dmarc-milter configuration to apply (default: built-in defaults)
  --nameserver HOST:PORT  ask this name server (repeatable; replaces Nameservers)
  --client-ip IP        the SMTP client's address (required)
  --helo NAME           the HELO/EHLO name the client sent
  --mail-from ADDR      the MAIL FROM address (default: the null sender <>)
  --rcpt ADDR           a recipient (repeatable)
  --auth-user NAME      the client authenticated with SMTP AUTH as NAME
  --json                print one JSON object instead of the explanation
  -v, --verbose         also log the pipeline's debug messages on stderr
  -h, --help            this text
  -V, --version         the version

Checks the milter would skip (IgnoreNetworks, IgnoreHosts, authenticated senders) are
run anyway; the output says the milter would have skipped the message, and why.
Exit status: 0 a verdict was reached, 2 bad usage or unreadable input or configuration,
1 an internal failure.
)";
}

}  // namespace dmarc::check
