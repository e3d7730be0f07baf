// The pid file (PidFile): written once the socket is bound, removed at exit. A file that
// names a live process is refused, so a second instance does not clobber the first one's.
// Start-up and exit only, on the main thread.
#pragma once

#include <string>

#include "core/result.h"

namespace dmarc::milter {

core::Result<bool, std::string> writePidFile(const std::string& path);
// Removes the file if it still holds our pid.
void removePidFile(const std::string& path);

}  // namespace dmarc::milter
