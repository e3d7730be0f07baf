// FilterState: what every libmilter callback shares, owned by the daemon for the process's
// life: the engines (Services), the live configuration snapshot (swapped whole on SIGHUP;
// each message pins the one it started with through the Session's ConfigSource), and the
// counters the SIGTERM drain waits on. Thread-safe: the snapshot is a
// std::atomic<std::shared_ptr>, the counters are atomics.
#pragma once

#include <atomic>
#include <memory>

#include "config/config_parser.h"
#include "pipeline/services.h"

namespace dmarc::milter {

struct FilterState {
    std::shared_ptr<const pipeline::Services> services;
    std::atomic<config::ConfigPtr> config;
    std::atomic<long> connections{0};       // connection states alive (negotiate … close)
    std::atomic<long> messagesInFlight{0};  // MAIL FROM seen, end of message / abort not yet
    // SIGTERM: new MTA connections are refused at negotiation (the MTA applies its
    // milter_default_action, as if we were gone) while the messages in flight finish.
    std::atomic<bool> stopping{false};

    config::ConfigPtr currentConfig() const { return config.load(); }
};

}  // namespace dmarc::milter
