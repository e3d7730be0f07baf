// MonotonicClock: the time source for TTL expiry, injected so tests can move time by hand
// instead of sleeping. steadyClock() is the real one. Implementations must be thread-safe.
#pragma once

#include <chrono>

namespace dmarc::adapters {

class MonotonicClock {
public:
    virtual ~MonotonicClock() = default;
    virtual std::chrono::steady_clock::time_point now() const = 0;
};

// std::chrono::steady_clock; a process-wide instance that lives forever.
const MonotonicClock& steadyClock();

}  // namespace dmarc::adapters
