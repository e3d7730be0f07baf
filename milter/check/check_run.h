// Runs one message file through the same pipeline as dmarc-milter (pipeline::Services and a
// pipeline::Session fed connect, HELO, MAIL FROM, RCPT, the header fields, the body and end
// of message, in the order and shape libmilter delivers them) and returns what it decided.
// Unlike the milter it never skips a message: it evaluates with the ignore lists cleared
// and reports whether, and why, the milter would have skipped it. Blocks on DNS; one call
// per thread at a time (it builds its own Services).
#pragma once

#include <string>
#include <string_view>

#include "config/config_parser.h"
#include "core/result.h"
#include "core/spf_address.h"
#include "milter/check/check_options.h"
#include "pipeline/session.h"

namespace dmarc::check {

struct CheckReport {
    CheckOptions options;  // what was asked
    // Why dmarc-milter would not have checked this message (trusted client, authenticated
    // sender); "" when it would have.
    std::string wouldSkip;
    config::ConfigPtr config;  // the snapshot the message was evaluated with
    pipeline::MessageOutcome outcome;
};

// Why dmarc-milter, configured by `config`, would skip a message from `ip` whose sender
// authenticated as `authUser` ("" when not); "" when it would check it.
std::string wouldSkipReason(const config::Config& config, const core::ClientIp& ip, std::string_view authUser);

// `config` with nothing ignored: no IgnoreNetworks, IgnoreHosts or IgnoreDaemonNames, and
// authenticated senders checked.
config::ConfigPtr checkEverything(const config::Config& config);

// The error says why no verdict was reached: the services could not start (DNS
// configuration, public suffix list) or the pipeline failed inside.
core::Result<CheckReport, std::string> runCheck(const CheckOptions& options, const config::Config& config,
                                                const core::ClientIp& ip, std::string_view message);

}  // namespace dmarc::check
