// The sigwait() override that parks libmilter's signal thread (see signal_guard.h).
#include "milter/signal_guard.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>

namespace dmarc::milter {
namespace {

std::atomic<bool> gParked{false};

}  // namespace

bool libmilterSignalThreadParked() { return gParked.load(); }

}  // namespace dmarc::milter

// Never returns: the caller (libmilter's signal thread) has every signal we use blocked,
// and pause() only returns after a handler ran on this thread, which none does.
extern "C" int sigwait(const sigset_t*, int*) {
    dmarc::milter::gParked.store(true);
    for (;;) ::pause();
}
