// The production core::RandomSource (RFC 7489 pct= sampling): a Mersenne Twister seeded
// from std::random_device, behind a mutex so every session may draw from the one Services
// instance at once. Sampling needs fairness, not secrecy. Thread-safe.
#pragma once

#include <memory>
#include <mutex>
#include <random>

#include "core/random_source.h"

namespace dmarc::pipeline {

class SharedRandomPercent final : public core::RandomSource {
public:
    SharedRandomPercent();
    int percent() override;

private:
    std::mutex mutex_;
    std::mt19937 engine_;
    std::uniform_int_distribution<int> distribution_{0, 99};
};

}  // namespace dmarc::pipeline
