// Names for ErrorKind and the one-line rendering of a ClientError: see client_error.h.
#include "milter_client/client_error.h"

namespace dmarc::milterclient {

std::string_view describe(ErrorKind kind) {
    switch (kind) {
    case ErrorKind::BadEndpoint: return "bad endpoint";
    case ErrorKind::Connect: return "connect failed";
    case ErrorKind::Timeout: return "timeout";
    case ErrorKind::PeerClosed: return "filter closed the connection";
    case ErrorKind::Io: return "socket error";
    case ErrorKind::Protocol: return "protocol error";
    case ErrorKind::Negotiation: return "negotiation failed";
    case ErrorKind::NotConnected: return "not connected";
    case ErrorKind::InvalidUse: return "invalid use";
    case ErrorKind::Source: return "message source error";
    }
    return "unknown error";
}

std::string toString(const ClientError& error) {
    std::string text(describe(error.kind));
    if (!error.detail.empty()) text += ": " + error.detail;
    return text;
}

}  // namespace dmarc::milterclient
