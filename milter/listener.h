// The milter's listening socket, from the configuration's Socket setting: a stale unix
// socket file is removed first (one nobody answers on; a live one is an error, so a second
// instance cannot steal the first one's socket), libmilter binds it (smfi_setconn,
// smfi_opensocket; the process umask applies to a unix socket), and TCP_NODELAY is set on
// libmilter's listening TCP socket, which libmilter does not expose: it is found among our
// open descriptors. Accepted sockets inherit TCP_NODELAY on Linux; without it every reply
// followed by a second packet waits for the MTA's delayed ACK (40 ms). Start-up only, on
// the main thread.
#pragma once

#include <string>
#include <vector>

#include "config/config.h"
#include "core/result.h"

namespace dmarc::milter {

struct Listening {
    int tcpSocketsTuned = 0;  // listening TCP sockets given TCP_NODELAY
};

core::Result<Listening, std::string> openListener(const config::SocketAddress& socket);

// The listening sockets (SO_ACCEPTCONN) among this process's descriptors, found through
// /proc/self/fd.
std::vector<int> listeningSockets();

}  // namespace dmarc::milter
