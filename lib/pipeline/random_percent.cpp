// SharedRandomPercent (random_percent.h).
#include "pipeline/random_percent.h"

namespace dmarc::pipeline {

SharedRandomPercent::SharedRandomPercent() : engine_(std::random_device{}()) {}

int SharedRandomPercent::percent() {
    std::lock_guard lock(mutex_);
    return distribution_(engine_);
}

}  // namespace dmarc::pipeline
