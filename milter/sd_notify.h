// sd_notify without libsystemd: one datagram with a state line ("READY=1",
// "RELOADING=1", "STOPPING=1", "STATUS=…") to the unix socket named by $NOTIFY_SOCKET
// (a path, or '@' for the abstract namespace). Without the variable it does nothing, as
// outside systemd. Thread-safe (reads the environment, one socket per call).
#pragma once

#include <string_view>

namespace dmarc::milter {

// False when $NOTIFY_SOCKET is set but the message could not be sent.
bool notifySystemd(std::string_view state) noexcept;

}  // namespace dmarc::milter
