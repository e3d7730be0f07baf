// Session: one MTA connection's worth of DMARC work, fed the milter events in order and
// answering with plain values; it knows nothing of libmilter (milter/ maps events and
// replies, dmarc-check feeds it a message file). Per connection: the trusted-client check
// (IgnoreNetworks, IgnoreHosts, IgnoreDaemonNames; never by From domain). Per message: pins
// the current Config snapshot at MAIL FROM (a reload never changes a message in flight);
// skips SMTP-authenticated senders ({auth_authen}, IgnoreAuthenticatedClients); starts SPF
// on the services' pool at MAIL FROM; keeps recipients; streams headers and body into
// libopendkim; parses From and starts the _dmarc walk (prefetchDmarcLookups) when the From
// field arrives; notes incoming Authentication-Results and QuarantineHeader fields; with
// TrustedRelays takes the client address from the relay's Received field, with
// TrustedAuthservIDs takes the SPF (MAIL FROM only, never HELO) from a trusted relay's
// A-R; at end of message evaluates every author domain (core::evaluate with LocalFacts for
// trusted forwarders, List-Id and LocalPolicyFile) and returns the plan (message_plan.h).
//
// Never throws: a failure inside becomes an internal-error plan (InternalErrorAction) and a
// log line. Thread contract: one Session per connection, called by one thread at a time
// (libmilter may move a connection between its worker threads between calls).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "config/config_parser.h"
#include "pipeline/message_plan.h"
#include "pipeline/services.h"

namespace dmarc::pipeline {

struct ConnectInfo {
    std::string clientIp;    // "192.0.2.1", "2001:db8::1", "::ffff:192.0.2.1"; "" when unknown
    std::string clientName;  // the MTA's name for the client ("[192.0.2.1]" when none)
    std::string daemonName;  // {daemon_name}
};

// What the MTA should hear after an event.
enum class EventReply {
    Continue,  // go on (or no reply, when the MTA was told none is needed)
    Accept,    // nothing more to do here: connect → the whole connection, mail → this message
    SkipBody,  // body: no more body chunks are needed (SMFIS_SKIP)
};

struct MessageOutcome {
    MessagePlan plan;
    // What was evaluated (absent for a skipped message or an internal error).
    std::optional<Evaluation> evaluation;
    MessageFacts facts;
};

class Session {
public:
    // Returns the snapshot to use for a new connection or message (the live one).
    using ConfigSource = std::function<config::ConfigPtr()>;

    Session(std::shared_ptr<const Services> services, ConfigSource currentConfig);
    ~Session();
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    // Accept: a trusted client; the reason was logged (one line, NOQUEUE) and every later
    // call of this connection is a no-op.
    EventReply connect(const ConnectInfo& info);
    void helo(std::string_view name);
    // `address` as the MTA gives it ("<a@b>", "<>"); `authAuthen` the {auth_authen} macro
    // ("" when not authenticated). Starts a message (ending any unfinished one).
    EventReply mailFrom(std::string_view address, std::string_view authAuthen);
    void recipient(std::string_view address);
    // `value` exactly as received with SMFIP_HDR_LEADSPC (leading space kept, folds LF).
    void header(std::string_view name, std::string_view value);
    void endOfHeaders();
    EventReply body(std::string_view chunk);
    // The plan for the message (also for skipped ones: they get their log line). The
    // message ends here; the connection may carry another one.
    MessageOutcome endOfMessage(std::string_view queueId);
    // The message ended without end of message (SMTP RSET, client gone): drop its state.
    void abort();

    // The skip reason of the connection ("" when it is checked).
    const std::string& connectionSkipReason() const;

    struct State;  // defined in session.cpp

private:
    std::unique_ptr<State> state_;
};

}  // namespace dmarc::pipeline
