// milter-send: play the MTA against a milter from the shell. Sends FILE (an RFC 5322
// message) with the given envelope over the milter protocol, like Postfix 3.7 would, and
// prints one JSON object per session on stdout: the filter's decision, reply, every
// modification, latency. --repeat/--parallel run many sessions (one connection each);
// --abort-after-bytes / --disconnect-after-bytes stop after N body bytes. Exit status: 0
// when every session completed, 1 when one failed (its line has "error"), 2 on bad usage or
// an unreadable FILE. See docs/milter-client.md.
#include <getopt.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cstdio>
#include <iostream>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <vector>

#include "milter_client/outcome_json.h"
#include "milter_client/session.h"

namespace {

using namespace dmarc::milterclient;

struct Arguments {
    std::string socket;
    Envelope envelope;
    Options options;
    std::optional<PartialPlan> plan;
    std::size_t repeat = 1;
    std::size_t parallel = 1;
    std::string file;
};

constexpr std::string_view kUsage =
    "usage: milter-send --socket SPEC [--client-ip IP] [--client-host NAME] [--client-port N]\n"
    "                   [--helo NAME] [--mail-from ADDR] [--mail-arg ARG]... [--rcpt ADDR]...\n"
    "                   [--macro NAME=VALUE]... [--queue-id ID] [--timeout-ms N]\n"
    "                   [--abort-after-bytes N | --disconnect-after-bytes N]\n"
    "                   [--repeat N] [--parallel P] FILE\n"
    "  SPEC: unix:PATH, inet:PORT@HOST or inet6:PORT@HOST. FILE may be - (standard input)\n"
    "  unless --repeat is above 1. Prints one JSON object per session.\n";

int usage(std::string_view problem) {
    std::cerr << "milter-send: " << problem << "\n" << kUsage;
    return 2;
}

std::optional<std::size_t> number(std::string_view text, std::size_t minimum) {
    std::size_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || error != std::errc() || end != text.data() + text.size() || value < minimum) return std::nullopt;
    return value;
}

// Parses argv into `arguments`; an error message, or nullopt when all is well.
std::optional<std::string> parse(int argc, char** argv, Arguments& arguments) {
    enum Option { Socket = 1000, ClientIp, ClientHost, ClientPort, Helo, MailFrom, MailArg, Rcpt, MacroOption,
                  QueueId, Timeout, AbortAfter, DisconnectAfter, Repeat, Parallel, Help };
    static const option kOptions[] = {
        {"socket", required_argument, nullptr, Socket},       {"client-ip", required_argument, nullptr, ClientIp},
        {"client-host", required_argument, nullptr, ClientHost}, {"client-port", required_argument, nullptr, ClientPort},
        {"helo", required_argument, nullptr, Helo},           {"mail-from", required_argument, nullptr, MailFrom},
        {"mail-arg", required_argument, nullptr, MailArg},    {"rcpt", required_argument, nullptr, Rcpt},
        {"macro", required_argument, nullptr, MacroOption},   {"queue-id", required_argument, nullptr, QueueId},
        {"timeout-ms", required_argument, nullptr, Timeout},  {"abort-after-bytes", required_argument, nullptr, AbortAfter},
        {"disconnect-after-bytes", required_argument, nullptr, DisconnectAfter},
        {"repeat", required_argument, nullptr, Repeat},       {"parallel", required_argument, nullptr, Parallel},
        {"help", no_argument, nullptr, Help},                 {nullptr, 0, nullptr, 0}};
    Envelope& envelope = arguments.envelope;
    envelope.client.address = "192.0.2.1";
    envelope.queueId = "4AbCdEfGh";
    bool haveRecipient = false;
    int option = 0;
    opterr = 0;
    while ((option = getopt_long(argc, argv, "", kOptions, nullptr)) != -1) {
        const std::string_view value = optarg != nullptr ? optarg : "";
        switch (option) {
        case Socket: arguments.socket = value; break;
        case ClientIp: envelope.client.address = value; break;
        case ClientHost: envelope.client.hostname = value; break;
        case ClientPort: {
            const auto port = number(value, 0);
            if (!port || *port > 65535) return "bad --client-port " + std::string(value);
            envelope.client.port = static_cast<std::uint16_t>(*port);
            break;
        }
        case Helo: envelope.client.helo = value; break;
        case MailFrom: envelope.mailFrom = value; break;
        case MailArg: envelope.mailArguments.emplace_back(value); break;
        case Rcpt:
            envelope.recipients.emplace_back(value);
            haveRecipient = true;
            break;
        case MacroOption: {
            const std::size_t equals = value.find('=');
            if (equals == std::string_view::npos || equals == 0) return "bad --macro " + std::string(value);
            Macro macro{std::string(value.substr(0, equals)), std::string(value.substr(equals + 1))};
            // Like adding the name to milter_connect_macros: otherwise no stage would send it.
            MacroLists& lists = arguments.options.offer.macroLists;
            if (!listsMacro(lists, macro.name))
                lists[static_cast<std::size_t>(wire::MacroStage::Connect)].push_back(macro.name);
            envelope.macros.push_back(std::move(macro));
            break;
        }
        case QueueId: envelope.queueId = value; break;
        case Timeout: {
            const auto milliseconds = number(value, 1);
            if (!milliseconds) return "bad --timeout-ms " + std::string(value);
            arguments.options.ioTimeout = std::chrono::milliseconds(*milliseconds);
            arguments.options.connectTimeout = std::chrono::milliseconds(*milliseconds);
            break;
        }
        case AbortAfter:
        case DisconnectAfter: {
            const auto bytes = number(value, 0);
            if (!bytes) return "bad byte count " + std::string(value);
            if (arguments.plan) return "--abort-after-bytes and --disconnect-after-bytes exclude each other";
            arguments.plan = PartialPlan{PartialPlan::StopAt::AfterBodyBytes, *bytes,
                                         option == AbortAfter ? PartialPlan::Ending::Abort
                                                              : PartialPlan::Ending::Disconnect};
            break;
        }
        case Repeat:
        case Parallel: {
            const auto count = number(value, 1);
            if (!count) return "bad count " + std::string(value);
            (option == Repeat ? arguments.repeat : arguments.parallel) = *count;
            break;
        }
        case Help: return "";
        default: return "unknown option " + std::string(argv[optind - 1]);
        }
    }
    if (optind + 1 != argc) return "expected exactly one FILE";
    arguments.file = argv[optind];
    if (arguments.socket.empty()) return "--socket is required";
    if (!haveRecipient) envelope.recipients.emplace_back("postmaster@example.org");
    // Postfix's connect macros first, so that --macro values (later, so preferred) override them.
    std::vector<Macro> macros = postfixConnectMacros(envelope.client, "mx.milter-send.test", "127.0.0.1");
    macros.insert(macros.end(), envelope.macros.begin(), envelope.macros.end());
    envelope.macros = std::move(macros);
    if (arguments.file == "-" && arguments.repeat > 1) return "--repeat needs a FILE, not standard input";
    return std::nullopt;
}

// One session: connect, negotiate, one message, quit.
ClientResult<Outcome> sendOnce(const Arguments& arguments, const Endpoint& endpoint) {
    auto source = FileSource::open(arguments.file);
    if (!source) return dmarc::core::fail(source.error());
    auto session = Session::open(endpoint, arguments.options);
    if (!session) return dmarc::core::fail(session.error());
    Session& live = session.value();
    FileSource& file = source.value();
    auto outcome = arguments.plan ? live.sendPartial(arguments.envelope, file, *arguments.plan)
                                  : live.send(arguments.envelope, file);
    if (outcome && live.isOpen()) {
        if (auto quit = live.quit(); !quit) return dmarc::core::fail(quit.error());
    }
    return outcome;
}

// The JSON line for session `index`; sets `failed` when it ended in an error.
nlohmann::json runSession(const Arguments& arguments, const Endpoint& endpoint, std::size_t index, bool& failed) {
    const auto start = std::chrono::steady_clock::now();
    nlohmann::json line{{"session", index}};
    const auto outcome = sendOnce(arguments, endpoint);
    if (outcome) {
        line.update(toJson(*outcome));
    } else {
        line["error"] = toJson(outcome.error());
        failed = true;
    }
    line["session_us"] =
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start).count();
    return line;
}

}  // namespace

int main(int argc, char** argv) {
    Arguments arguments;
    if (const auto problem = parse(argc, argv, arguments)) {
        if (problem->empty()) {
            std::cout << kUsage;
            return 0;
        }
        return usage(*problem);
    }
    const auto endpoint = parseEndpoint(arguments.socket);
    if (!endpoint) return usage(toString(endpoint.error()));
    if (arguments.file != "-") {
        if (auto probe = FileSource::open(arguments.file); !probe) {
            std::cerr << "milter-send: " << toString(probe.error()) << "\n";
            return 2;
        }
    }
    std::mutex outputMutex;
    std::atomic<std::size_t> next{0};
    std::atomic<bool> anyFailed{false};
    const auto worker = [&] {
        for (std::size_t index = next++; index < arguments.repeat; index = next++) {
            bool failed = false;
            const nlohmann::json line = runSession(arguments, *endpoint, index, failed);
            if (failed) anyFailed = true;
            const std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
            const std::lock_guard<std::mutex> lock(outputMutex);
            std::cout << text << "\n" << std::flush;
        }
    };
    std::vector<std::thread> threads;
    try {
        for (std::size_t i = 1; i < std::min(arguments.parallel, arguments.repeat); ++i) threads.emplace_back(worker);
    } catch (const std::system_error& error) {
        // Fewer threads than asked for: the ones running take the remaining sessions.
        std::cerr << "milter-send: started only " << threads.size() + 1 << " threads: " << error.what() << "\n";
    }
    worker();
    for (std::thread& thread : threads) thread.join();
    return anyFailed ? 1 : 0;
}
