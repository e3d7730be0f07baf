// ClientError: why a milter-client operation failed, as a value (kind + human detail).
// Every public function of the milter client returns ClientResult<T> instead of throwing.
// Plain values; no shared state.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace dmarc::milterclient {

enum class ErrorKind {
    BadEndpoint,  // the socket specification does not parse or does not resolve
    Connect,      // connect(2) failed or timed out
    Timeout,      // the filter did not read or answer within the I/O timeout
    PeerClosed,   // the filter closed the connection
    Io,           // a socket error other than the above
    Protocol,     // the filter sent a malformed or out-of-place packet
    Negotiation,  // the filter's SMFIC_OPTNEG answer is incompatible with our offer
    NotConnected, // the session is closed (QUIT, abrupt close, connection-level decision)
    InvalidUse,   // the caller asked for something the protocol state does not allow
    Source,       // the message could not be read (file error, oversized header field)
};

std::string_view describe(ErrorKind kind);

struct ClientError {
    ErrorKind kind;
    std::string detail;
};

// "timeout: no reply to SMFIC_BODYEOB within 2000 ms"
std::string toString(const ClientError& error);

template <typename T>
using ClientResult = core::Result<T, ClientError>;

// For operations that return nothing but may fail.
struct Done {};

inline core::Failure<ClientError> clientFail(ErrorKind kind, std::string detail) {
    return core::fail(ClientError{kind, std::move(detail)});
}

}  // namespace dmarc::milterclient
