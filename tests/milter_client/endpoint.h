// Milter socket specifications and connecting to them. Accepts libmilter's forms
// "unix:PATH" (also "local:PATH"), "inet:PORT@HOST", "inet6:PORT@HOST" (HOST may be in
// brackets), and Postfix's "inet:HOST:PORT" / "inet6:[HOST]:PORT". Returns values or a
// ClientError; no shared state, safe from any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "milter_client/client_error.h"

namespace dmarc::milterclient {

struct Endpoint {
    enum class Kind { Unix, Inet, Inet6 };
    Kind kind = Kind::Unix;
    std::string path;  // Unix
    std::string host;  // Inet, Inet6: a name or a literal address, without brackets
    std::uint16_t port = 0;

    std::string toString() const;  // libmilter form: "unix:/p", "inet:8893@127.0.0.1"
};

ClientResult<Endpoint> parseEndpoint(std::string_view text);

// A connected, non-blocking, close-on-exec stream socket (TCP_NODELAY for inet: the
// connection batches its own writes). Names are resolved with getaddrinfo in the
// endpoint's family; every address is tried until `timeout` runs out. A unix socket whose
// listen queue is full (EAGAIN) is retried until the timeout too.
ClientResult<int> connectEndpoint(const Endpoint& endpoint, std::chrono::milliseconds timeout);

}  // namespace dmarc::milterclient
