// See check_run.h.
#include "milter/check/check_run.h"

#include <memory>

#include <fmt/format.h>

#include "core/ip_network.h"
#include "pipeline/message_splitter.h"
#include "pipeline/services.h"

namespace dmarc::check {
namespace {

std::string bracketed(std::string_view address) { return fmt::format("<{}>", address); }

}  // namespace

std::string wouldSkipReason(const config::Config& config, const core::ClientIp& ip, std::string_view authUser) {
    // As Session::connect: a trusted relay is never skipped (the client behind it is judged).
    if (!core::anyContains(config.trustedRelays, ip) && config::isIgnoredClient(config, ip)) {
        const bool byNetwork = core::anyContains(config.ignoreNetworks, ip);
        return fmt::format("client {} is listed in {}", core::formatClientIp(ip),
                           byNetwork ? std::string("IgnoreNetworks")
                                     : fmt::format("IgnoreHosts ({})", config.ignoreHosts.path));
    }
    if (!authUser.empty() && config.ignoreAuthenticatedClients) {
        return fmt::format("the sender authenticated as {} (IgnoreAuthenticatedClients)", authUser);
    }
    return {};
}

config::ConfigPtr checkEverything(const config::Config& config) {
    auto copy = std::make_shared<config::Config>(config);
    copy->ignoreNetworks.clear();
    copy->ignoreHosts = {};
    copy->ignoreAuthenticatedClients = false;
    copy->ignoreDaemonNames.clear();
    return copy;
}

core::Result<CheckReport, std::string> runCheck(const CheckOptions& options, const config::Config& config,
                                                const core::ClientIp& ip, std::string_view message) {
    CheckReport report;
    report.options = options;
    report.wouldSkip = wouldSkipReason(config, ip, options.authUser);
    report.config = checkEverything(config);

    pipeline::ServiceOptions serviceOptions;
    if (!options.nameservers.empty()) {
        serviceOptions.nameservers = options.nameservers;
    }
    serviceOptions.spfThreads = 1;  // one message: SPF runs beside the header and body feed
    auto services = pipeline::makeServices(*report.config, serviceOptions);
    if (!services) {
        return core::fail(fmt::format("cannot start the DNS, SPF and DKIM services: {}", services.error()));
    }

    // The Session goes before the Services it uses (declared after them).
    const config::ConfigPtr snapshot = report.config;
    pipeline::Session session(services.value(), [snapshot] { return snapshot; });
    const std::string clientIp = core::formatClientIp(ip);
    if (session.connect({clientIp, fmt::format("[{}]", clientIp), "dmarc-check"}) == pipeline::EventReply::Accept) {
        return core::fail(fmt::format("the pipeline skipped the connection: {}", session.connectionSkipReason()));
    }
    if (options.helo) {
        session.helo(*options.helo);
    }
    // Authenticated senders are evaluated anyway (wouldSkip says so): no {auth_authen}.
    session.mailFrom(bracketed(options.mailFrom), "");
    for (const auto& recipient : options.recipients) {
        session.recipient(bracketed(recipient));
    }
    const pipeline::SplitMessage split = pipeline::splitMessage(message);
    for (const auto& field : split.headers) {
        session.header(field.name, field.value);
    }
    session.endOfHeaders();
    for (const auto chunk : pipeline::bodyChunks(split.body)) {
        if (session.body(chunk) == pipeline::EventReply::SkipBody) {
            break;
        }
    }
    report.outcome = session.endOfMessage("dmarc-check");
    const auto& facts = report.outcome.facts;
    if (!facts.internalError.empty()) {
        return core::fail(fmt::format("the pipeline failed: {}", facts.internalError));
    }
    if (!facts.skipReason.empty()) {
        return core::fail(fmt::format("the pipeline skipped the message: {}", facts.skipReason));
    }
    return report;
}

}  // namespace dmarc::check
