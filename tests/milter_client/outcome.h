// What a filter did with one message, as the MTA side saw it: the decision (action, the
// event that produced it, SMFIR_REPLYCODE text), every modification request in the order
// it arrived, per-recipient decisions, how much of the message was sent and how the
// client ended it. Plain values, filled by Session (session.h) and rendered by
// outcome_json.h. No shared state.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dmarc::milterclient {

// The protocol events of one SMTP connection, in protocol order.
enum class Stage { Connect, Helo, Mail, Rcpt, Data, Header, EndOfHeaders, Body, EndOfMessage };
std::string_view stageName(Stage stage);  // "connect" … "eom"

// A decision reply. None: no decision was reached (a partial send ended first).
// Continue at end of message means "deliver as modified"; ReplyCode replies map to Reject
// (5xx) or Tempfail (4xx) with Outcome::reply holding the text.
enum class Action { None, Continue, Accept, Reject, Tempfail, Discard, Shutdown, ConnectionFailure };
std::string_view actionName(Action action);  // "none", "continue", "accept", …

struct Modification {
    enum class Kind {
        AddHeader,        // SMFIR_ADDHEADER: name, value
        InsertHeader,     // SMFIR_INSHEADER: index (0 = top), name, value
        ChangeHeader,     // SMFIR_CHGHEADER with a value: index (1 = first instance), name, value
        DeleteHeader,     // SMFIR_CHGHEADER with an empty value: index, name
        AddRecipient,     // SMFIR_ADDRCPT: value = address
        AddRecipientArgs, // SMFIR_ADDRCPT_PAR: value = address, args = ESMTP arguments
        DeleteRecipient,  // SMFIR_DELRCPT: value = address
        ChangeFrom,       // SMFIR_CHGFROM: value = address, args = ESMTP arguments
        ReplaceBody,      // SMFIR_REPLBODY: value = one chunk of the new body
        Quarantine,       // SMFIR_QUARANTINE: value = reason
    };
    Kind kind = Kind::AddHeader;
    std::uint32_t index = 0;
    std::string name;
    std::string value;
    std::string args;

    friend bool operator==(const Modification&, const Modification&) = default;
};
std::string_view modificationName(Modification::Kind kind);  // "add_header", …

struct RecipientResult {
    std::string address;
    Action action = Action::None;  // None: no reply expected (SMFIP_NR_RCPT) or not sent
    std::string reply;             // SMFIR_REPLYCODE text for this recipient, if any
};

// How the client ended the message.
enum class Ending {
    Completed,    // end of message sent and answered, or a decision ended the message
    Aborted,      // a partial send ended with SMFIC_ABORT; the session stays usable
    Disconnected, // a partial send ended by closing the socket (FIN)
    Reset,        // a partial send ended by resetting the socket (RST)
};
std::string_view endingName(Ending ending);

struct Outcome {
    Action action = Action::None;
    Stage stage = Stage::Connect;        // the event whose reply decided (or the last one sent)
    std::string reply;                   // SMFIR_REPLYCODE text ("550 5.7.1 …"), else empty
    std::optional<std::string> quarantine;  // reason of the last SMFIR_QUARANTINE
    std::vector<Modification> modifications;  // in arrival order, quarantine included
    std::vector<RecipientResult> recipients;
    std::size_t headersSent = 0;
    std::size_t bodyBytesSent = 0;
    std::size_t bodyChunksSent = 0;
    bool bodySkipped = false;            // the filter answered SMFIR_SKIP to a body chunk
    unsigned progressReplies = 0;        // SMFIR_PROGRESS packets seen
    Ending ending = Ending::Completed;
    std::vector<std::string> warnings;   // replies Postfix would ignore or log (e.g. DISCARD at connect)
    std::chrono::microseconds latency{0};  // from the start of send() to the decision or the ending
};

}  // namespace dmarc::milterclient
