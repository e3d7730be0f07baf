// FixedRandom: a core::RandomSource that always draws the same percentage and counts how
// often it was asked, so pct= sampling is deterministic in tests. Test code only; one
// thread per instance.
#pragma once

#include "core/random_source.h"

namespace dmarc::test {

class FixedRandom : public core::RandomSource {
public:
    explicit FixedRandom(int draw = 0) : draw_(draw) {}
    int percent() override {
        ++calls_;
        return draw_;
    }
    int calls() const { return calls_; }

private:
    int draw_;
    int calls_ = 0;
};

}  // namespace dmarc::test
