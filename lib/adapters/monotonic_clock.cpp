// The real MonotonicClock: std::chrono::steady_clock.
#include "monotonic_clock.h"

namespace dmarc::adapters {

namespace {

class SteadyClock final : public MonotonicClock {
public:
    std::chrono::steady_clock::time_point now() const override { return std::chrono::steady_clock::now(); }
};

}  // namespace

const MonotonicClock& steadyClock() {
    static const SteadyClock clock;
    return clock;
}

}  // namespace dmarc::adapters
