// RandomSource: the one source of randomness the DMARC engine uses (RFC 7489 pct= sampling),
// injected so that tests can fix the draw. The production implementation lives outside
// lib/core. Implementations must be safe to call from the thread that evaluates a message.
#pragma once

namespace dmarc::core {

class RandomSource {
public:
    virtual ~RandomSource() = default;
    // A uniformly distributed integer in [0, 100).
    virtual int percent() = 0;
};

}  // namespace dmarc::core
