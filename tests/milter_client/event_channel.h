// EventChannel: the MTA half of one negotiated milter connection, event by event, with
// Postfix's rules (milter8.c): the stage's macros go first (also when the filter asked
// not to get the event itself), events the filter declined (SMFIP_NO*) are not sent,
// events it will not answer (SMFIP_NR_*) are not waited for, and after SMFIR_SKIP further
// events of the same type are dropped until another type is sent. Replies are read until
// a final one; progress, quarantine and (at end of message) modification requests along
// the way are recorded in the caller's Outcome. A reply that is malformed or out of place
// closes the connection and is returned as an error. One thread owns a channel.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "milter_client/client_error.h"
#include "milter_client/connection.h"
#include "milter_client/macros.h"
#include "milter_client/outcome.h"
#include "milter_client/protocol.h"

namespace dmarc::milterclient {

struct Offer {
    std::uint32_t version = wire::kProtocolVersion;
    std::uint32_t actions = wire::action::kAll;
    std::uint32_t protocol = wire::protocol::kAll;
    MacroLists macroLists = postfixDefaultMacroLists();
};

struct EventReply {
    enum class Status {
        NotSent,   // declined by SMFIP_NO* or dropped after SMFIR_SKIP
        NoReply,   // sent; SMFIP_NR_* says the filter will not answer
        Answered,  // sent and answered
    };
    Status status = Status::NotSent;
    Action decision = Action::None;  // Answered: the final reply (None after SMFIR_SKIP)
    bool skip = false;               // Answered with SMFIR_SKIP
    std::string replyText;           // SMFIR_REPLYCODE text
};

class EventChannel {
public:
    // Sends SMFIC_OPTNEG with the offer and parses the answer (Postfix's checks).
    static ClientResult<EventChannel> negotiate(Connection connection, const Offer& offer);

    const wire::Negotiated& negotiated() const { return negotiated_; }
    // The offer's lists with the filter's SMFIR_SETSYMLIST overrides applied.
    const MacroLists& macroLists() const { return macroLists_; }
    bool isOpen() const { return connection_.isOpen(); }

    ClientResult<EventReply> send(Stage stage, std::string_view payload, const std::vector<Macro>& macros,
                                  Outcome& outcome);
    // SMFIC_ABORT, SMFIC_QUIT, SMFIC_QUIT_NC: no reply; written at once.
    ClientResult<Done> command(wire::Command command);

    Connection& connection() { return connection_; }

private:
    EventChannel(Connection connection, wire::Negotiated negotiated, MacroLists lists)
        : connection_(std::move(connection)), negotiated_(std::move(negotiated)), macroLists_(std::move(lists)) {}
    ClientResult<EventReply> awaitFinal(Stage stage, Outcome& outcome);

    Connection connection_;
    wire::Negotiated negotiated_;
    MacroLists macroLists_;
    std::optional<Stage> skipping_;
};

}  // namespace dmarc::milterclient
