// Stable lower-case names for the outcome enums (used in JSON and test messages).
#include "milter_client/outcome.h"

namespace dmarc::milterclient {

std::string_view stageName(Stage stage) {
    switch (stage) {
    case Stage::Connect: return "connect";
    case Stage::Helo: return "helo";
    case Stage::Mail: return "mail";
    case Stage::Rcpt: return "rcpt";
    case Stage::Data: return "data";
    case Stage::Header: return "header";
    case Stage::EndOfHeaders: return "eoh";
    case Stage::Body: return "body";
    case Stage::EndOfMessage: return "eom";
    }
    return "unknown";
}

std::string_view actionName(Action action) {
    switch (action) {
    case Action::None: return "none";
    case Action::Continue: return "continue";
    case Action::Accept: return "accept";
    case Action::Reject: return "reject";
    case Action::Tempfail: return "tempfail";
    case Action::Discard: return "discard";
    case Action::Shutdown: return "shutdown";
    case Action::ConnectionFailure: return "connection_failure";
    }
    return "unknown";
}

std::string_view modificationName(Modification::Kind kind) {
    switch (kind) {
    case Modification::Kind::AddHeader: return "add_header";
    case Modification::Kind::InsertHeader: return "insert_header";
    case Modification::Kind::ChangeHeader: return "change_header";
    case Modification::Kind::DeleteHeader: return "delete_header";
    case Modification::Kind::AddRecipient: return "add_recipient";
    case Modification::Kind::AddRecipientArgs: return "add_recipient_args";
    case Modification::Kind::DeleteRecipient: return "delete_recipient";
    case Modification::Kind::ChangeFrom: return "change_from";
    case Modification::Kind::ReplaceBody: return "replace_body";
    case Modification::Kind::Quarantine: return "quarantine";
    }
    return "unknown";
}

std::string_view endingName(Ending ending) {
    switch (ending) {
    case Ending::Completed: return "completed";
    case Ending::Aborted: return "aborted";
    case Ending::Disconnected: return "disconnected";
    case Ending::Reset: return "reset";
    }
    return "unknown";
}

}  // namespace dmarc::milterclient
