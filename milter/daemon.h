// The dmarc-milter process from parsed command line to exit: configuration, logging, the
// socket, daemonizing, pid file, privilege drop, the shared engines, libmilter on its own
// thread, and the main thread's signal loop (SIGHUP/SIGUSR1 reload, SIGTERM/SIGINT drain
// and exit). Signals are blocked before any thread exists, so every thread inherits the
// mask and only the main thread's sigwaitinfo() sees them (libmilter's signal thread is
// parked: signal_guard.h). Returns an exit code (command_line.h) or leaves with _exit so
// libmilter's detached workers never race static destructors. Call once, from main().
#pragma once

#include "milter/command_line.h"

namespace dmarc::milter {

int runDaemon(const CommandLine& commandLine);

}  // namespace dmarc::milter
