// Services: the long-lived engines every Session shares, built once at start-up from the
// restart-only settings of the first configuration snapshot: the c-ares resolver (all
// DNS), the libspf2 evaluator and its small pool of SPF threads (SPF starts at MAIL FROM
// and runs while the MTA sends the rest of the message), the libopendkim verifier, the
// public suffix list (RFC 7489 mode) and the random source for pct= sampling. The library
// log sinks (libspf2, libopendkim) are routed to log::logLibraryMessage. Built by a
// factory that returns the reason instead of throwing. Thread-safe: every member may be
// used from any number of sessions at once; destroy only after every Session is gone.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "adapters/cares_resolver.h"
#include "adapters/opendkim_verifier.h"
#include "adapters/psl_org_domain.h"
#include "adapters/spf2_evaluator.h"
#include "config/config.h"
#include "core/random_source.h"
#include "core/result.h"
#include "pipeline/task_pool.h"

namespace dmarc::pipeline {

struct ServiceOptions {
    // Replaces Nameservers (dmarc-check --nameserver).
    std::optional<std::vector<std::string>> nameservers;
    // SPF threads; SPF checks beyond it wait in the pool's queue (or run on the session's
    // thread at end of message if they have not started by then).
    std::size_t spfThreads = 4;
};

struct Services {
    std::unique_ptr<adapters::CaresResolver> resolver;
    std::unique_ptr<adapters::Spf2Evaluator> spf;
    std::unique_ptr<adapters::OpendkimVerifier> dkim;
    std::optional<adapters::PslOrgDomain> psl;  // required in RFC 7489 mode
    std::unique_ptr<core::RandomSource> random;  // thread-safe
    std::unique_ptr<TaskPool> spfPool;          // declared last: stopped first
    ~Services();
};

core::Result<std::shared_ptr<Services>, std::string> makeServices(const config::Config& config,
                                                                  const ServiceOptions& options = {});

}  // namespace dmarc::pipeline
