// Keeps libmilter's own signal thread from ever taking a signal. smfi_main starts a thread
// that sigwait()s for SIGHUP, SIGTERM and SIGINT and turns any of them into a shutdown
// (OpenDMARC's "SIGHUP kills the daemon"). Blocking the signals and waiting for them on a
// thread of ours is not enough: the kernel hands a process-directed signal to any thread
// waiting for it, so whenever our thread is busy (a reload) or already has one pending, the
// next SIGHUP can land in libmilter's thread. This file defines sigwait() in the daemon
// binary, which the dynamic linker prefers over libc's for libmilter.so; our code waits
// with sigwaitinfo() instead, so the only sigwait() caller is libmilter's signal thread,
// and it parks there for good. Stopping is ours (daemon.cpp: drain, then _exit).
#pragma once

namespace dmarc::milter {

// True once libmilter's signal thread has parked in our sigwait(). The daemon waits for
// it before announcing readiness (which also makes the linker keep this file).
bool libmilterSignalThreadParked();

}  // namespace dmarc::milter
