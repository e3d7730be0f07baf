// makeServices (services.h): builds the shared engines from the restart-only settings of
// the first configuration snapshot. The library log sinks are process-wide, so they are
// (re)installed here, each routing to log::logLibraryMessage.
#include "pipeline/services.h"

#include <algorithm>

#include <fmt/format.h>

#include "log/logging.h"
#include "pipeline/random_percent.h"

namespace dmarc::pipeline {
namespace {

log::LogLevel toLogLevel(adapters::Spf2LogLevel level) {
    switch (level) {
    case adapters::Spf2LogLevel::Error: return log::LogLevel::Error;
    case adapters::Spf2LogLevel::Warning: return log::LogLevel::Warning;
    case adapters::Spf2LogLevel::Info: return log::LogLevel::Info;
    case adapters::Spf2LogLevel::Debug: return log::LogLevel::Debug;
    }
    return log::LogLevel::Error;
}

adapters::ResolverOptions resolverOptions(const config::Config& config, const ServiceOptions& options) {
    adapters::ResolverOptions resolver;
    resolver.nameServers = options.nameservers ? *options.nameservers : config.nameservers;
    resolver.timeout = config.dnsTimeout;
    resolver.tries = static_cast<int>(config.dnsRetries) + 1;  // retries are tries after the first
    resolver.cache.maxEntries = config.dnsCacheSize;
    resolver.cache.minTtl = config.dnsTtlFloor;
    resolver.cache.maxTtl = config.dnsTtlCeiling;
    // Negative answers are never kept longer than positive ones.
    resolver.cache.maxNegativeTtl = std::min(resolver.cache.maxNegativeTtl, config.dnsTtlCeiling);
    return resolver;
}

// The list named by PublicSuffixList, else the newest one on the system.
core::Result<adapters::PslOrgDomain, std::string> loadPsl(const config::Config& config) {
    auto psl = config.publicSuffixList.empty() ? adapters::PslOrgDomain::systemLatest()
                                               : adapters::PslOrgDomain::fromFile(config.publicSuffixList);
    if (psl.ok()) return std::move(psl).value();
    const std::string what = config.publicSuffixList.empty() ? std::string("the system's public suffix list")
                                                             : "PublicSuffixList " + config.publicSuffixList;
    return core::fail(fmt::format("{}: {}", what, adapters::describe(psl.error())));
}

}  // namespace

Services::~Services() = default;

core::Result<std::shared_ptr<Services>, std::string> makeServices(const config::Config& config,
                                                                  const ServiceOptions& options) {
    auto services = std::make_shared<Services>();

    auto resolver = adapters::CaresResolver::create(resolverOptions(config, options));
    if (!resolver.ok()) return core::fail("DNS resolver: " + resolver.error());
    services->resolver = std::move(resolver).value();

    adapters::setSpf2LogSink([](adapters::Spf2LogLevel level, std::string_view message) {
        log::logLibraryMessage("libspf2", toLogLevel(level), message);
    });
    adapters::Spf2Options spf;
    spf.receiver = config.authservId;  // the host name unless AuthservID says otherwise
    services->spf = std::make_unique<adapters::Spf2Evaluator>(*services->resolver, spf);

    adapters::OpendkimOptions dkim;
    dkim.maxSignatures = config.maxDkimSignatures;
    // Its messages are diagnostics of one message (bad keys, OpenSSL errors), not faults.
    dkim.log = [](std::string_view message) {
        log::logLibraryMessage("libopendkim", log::LogLevel::Info, message);
    };
    auto verifier = adapters::OpendkimVerifier::create(*services->resolver, dkim);
    if (!verifier.ok()) return core::fail("DKIM verifier: " + verifier.error());
    services->dkim = std::move(verifier).value();

    auto psl = loadPsl(config);
    if (psl.ok()) {
        services->psl.emplace(std::move(psl).value());
    } else if (config.mode == core::DmarcMode::Rfc7489) {
        return core::fail(psl.error() + " (Mode rfc7489 needs one)");
    }

    services->random = std::make_unique<SharedRandomPercent>();
    services->spfPool = std::make_unique<TaskPool>(options.spfThreads);
    return services;
}

}  // namespace dmarc::pipeline
