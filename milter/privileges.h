// Dropping root after the socket is bound and the pid file written (UserID user[:group]):
// the unix socket is handed to that account first, then supplementary groups
// (initgroups), group and user are switched; regaining root must then fail. Start-up
// only, before any thread exists (setuid applies per thread under glibc's emulation, so
// early is simplest).
#pragma once

#include <string>

#include "config/config.h"
#include "core/result.h"

namespace dmarc::milter {

// `unixSocketPath` is chowned to the account ("" when the socket is not a unix one). An
// empty user keeps the current account (and does nothing).
core::Result<bool, std::string> dropPrivileges(const config::RunAs& runAs, const std::string& unixSocketPath);

}  // namespace dmarc::milter
