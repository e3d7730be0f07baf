// FakeClock: a MonotonicClock moved by hand, so TTL expiry is tested without sleeping.
// Thread-safe (the resolver's thread reads it while the test advances it).
#pragma once

#include <atomic>
#include <chrono>

#include "adapters/monotonic_clock.h"

namespace dmarc::testwire {

class FakeClock final : public adapters::MonotonicClock {
public:
    std::chrono::steady_clock::time_point now() const override {
        return std::chrono::steady_clock::time_point(std::chrono::nanoseconds(ticks_.load()));
    }
    void advance(std::chrono::nanoseconds by) { ticks_.fetch_add(by.count()); }

private:
    std::atomic<std::int64_t> ticks_{std::chrono::nanoseconds(std::chrono::hours(24)).count()};
};

}  // namespace dmarc::testwire
