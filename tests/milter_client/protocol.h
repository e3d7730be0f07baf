// The Sendmail milter protocol, version 6, from the MTA's side: command and reply letters,
// SMFIF_*/SMFIP_* bits, the per-event table (which SMFIP_NO*/SMFIP_NR_* bit and macro
// stage belong to each event), payload encoders and the parsers for the filter's packets.
// Values match libmilter's mfdef.h and Postfix's milter8.c. Pure functions; no I/O, no
// shared state.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "milter_client/client_error.h"
#include "milter_client/outcome.h"

namespace dmarc::milterclient::wire {

inline constexpr std::uint32_t kProtocolVersion = 6;
// Body chunk size of libmilter and Postfix (MILTER_CHUNK_SIZE).
inline constexpr std::size_t kChunkSize = 65535;
// Largest reply packet we accept. libmilter sends at most 1 MB of data per packet; the
// cap keeps a hostile length prefix from making us allocate gigabytes.
inline constexpr std::uint32_t kMaxReplyLength = 4u * 1024 * 1024;

// Commands (MTA to filter).
enum class Command : char {
    Abort = 'A',
    Body = 'B',
    Connect = 'C',
    Macro = 'D',
    EndOfMessage = 'E',
    Helo = 'H',
    QuitNewConnection = 'K',
    Header = 'L',
    Mail = 'M',
    EndOfHeaders = 'N',
    OptionNegotiation = 'O',
    Quit = 'Q',
    Rcpt = 'R',
    Data = 'T',
};
std::string_view commandName(Command command);  // "SMFIC_CONNECT", …

// SMFIF_*: what the filter may ask for at end of message.
namespace action {
inline constexpr std::uint32_t kAddHeaders = 0x001;
inline constexpr std::uint32_t kChangeBody = 0x002;
inline constexpr std::uint32_t kAddRecipients = 0x004;
inline constexpr std::uint32_t kDeleteRecipients = 0x008;
inline constexpr std::uint32_t kChangeHeaders = 0x010;
inline constexpr std::uint32_t kQuarantine = 0x020;
inline constexpr std::uint32_t kChangeFrom = 0x040;
inline constexpr std::uint32_t kAddRecipientArgs = 0x080;
inline constexpr std::uint32_t kSetSymbolList = 0x100;
// Postfix 3.7 offers every action.
inline constexpr std::uint32_t kAll = 0x1FF;
}  // namespace action

// SMFIP_*: events the filter does not want (NO*), replies it will not send (NR_*), and
// extensions.
namespace protocol {
inline constexpr std::uint32_t kNoConnect = 0x000001;
inline constexpr std::uint32_t kNoHelo = 0x000002;
inline constexpr std::uint32_t kNoMail = 0x000004;
inline constexpr std::uint32_t kNoRcpt = 0x000008;
inline constexpr std::uint32_t kNoBody = 0x000010;
inline constexpr std::uint32_t kNoHeaders = 0x000020;
inline constexpr std::uint32_t kNoEndOfHeaders = 0x000040;
inline constexpr std::uint32_t kNoReplyHeader = 0x000080;
inline constexpr std::uint32_t kNoUnknown = 0x000100;
inline constexpr std::uint32_t kNoData = 0x000200;
inline constexpr std::uint32_t kSkip = 0x000400;
inline constexpr std::uint32_t kRejectedRecipients = 0x000800;
inline constexpr std::uint32_t kNoReplyConnect = 0x001000;
inline constexpr std::uint32_t kNoReplyHelo = 0x002000;
inline constexpr std::uint32_t kNoReplyMail = 0x004000;
inline constexpr std::uint32_t kNoReplyRcpt = 0x008000;
inline constexpr std::uint32_t kNoReplyData = 0x010000;
inline constexpr std::uint32_t kNoReplyUnknown = 0x020000;
inline constexpr std::uint32_t kNoReplyEndOfHeaders = 0x040000;
inline constexpr std::uint32_t kNoReplyBody = 0x080000;
inline constexpr std::uint32_t kHeaderLeadingSpace = 0x100000;
// Postfix 3.7 with milter_protocol = 6 offers all of the above (MILTER8_V6_PROTO_MASK).
inline constexpr std::uint32_t kAll = 0x1FFFFF;
}  // namespace protocol

// SMFIM_*: the macro stages a filter may name in its SMFIR_SETSYMLIST lists.
enum class MacroStage { Connect = 0, Helo = 1, Mail = 2, Rcpt = 3, Data = 4, EndOfMessage = 5, EndOfHeaders = 6 };
inline constexpr std::size_t kMacroStages = 7;
std::string_view macroStageName(MacroStage stage);  // "connect", "helo", "envfrom", …

struct EventInfo {
    Command command;
    std::uint32_t noSendBit;   // SMFIP_NO*: the filter does not want the event at all
    std::uint32_t noReplyBit;  // SMFIP_NR_*: the filter will not answer it (0: always answers)
    std::optional<MacroStage> macros;  // the macro list sent before it, if any
};
// Postfix sends no macros before single headers and body chunks that libmilter would keep.
const EventInfo& eventInfo(Stage stage);

// Four-byte big-endian length (command letter included), the letter, the payload.
void appendPacket(std::string& out, char command, std::string_view payload);

void appendUint32(std::string& out, std::uint32_t value);
// The bytes and a NUL terminator, as libmilter's C strings travel.
void appendCString(std::string& out, std::string_view text);

std::string optionNegotiationPayload(std::uint32_t version, std::uint32_t actions, std::uint32_t protocolFlags);
// family: 'U' (unknown: no port or address follow), 'L' (unix), '4', '6'.
std::string connectPayload(std::string_view hostname, char family, std::uint16_t port, std::string_view address);
// MAIL and RCPT: the address token as the client sent it ("<a@b>"), then ESMTP arguments.
std::string argumentsPayload(std::string_view address, const std::vector<std::string>& esmtpArguments);
std::string headerPayload(std::string_view name, std::string_view value);
// SMFIC_MACRO: the letter of the event the macros belong to, then name/value pairs.
std::string macroPayload(Command event, const std::vector<std::pair<std::string, std::string>>& macros);

struct Packet {
    char command = 0;
    std::string payload;
};

// The filter's SMFIC_OPTNEG answer.
struct Negotiated {
    std::uint32_t version = 0;
    std::uint32_t actions = 0;
    std::uint32_t protocol = 0;
    // SMFIR_SETSYMLIST overrides, by SMFIM_* stage: space-separated macro names.
    std::array<std::optional<std::string>, kMacroStages> macroLists;

    bool has(std::uint32_t protocolBit) const { return (protocol & protocolBit) != 0; }
};

// Parses and checks the answer like Postfix does: the filter's version must not exceed
// ours and its actions must be a subset of what we offered. Unknown macro stages are
// ignored (Postfix logs and ignores them).
ClientResult<Negotiated> parseNegotiation(const Packet& packet, std::uint32_t offeredVersion,
                                          std::uint32_t offeredActions);

// One reply packet from the filter to an event.
struct Reply {
    enum class Type {
        Decision,      // final for the event: decision holds the action
        Skip,          // SMFIR_SKIP: final for the event, skip further events of its type
        Progress,      // SMFIR_PROGRESS: keep waiting
        Modification,  // a message change (or quarantine): keep waiting
    };
    Type type = Type::Decision;
    Action decision = Action::None;
    std::string replyText;  // SMFIR_REPLYCODE
    Modification modification;
};

// Strict: replies without data must carry none, strings must be NUL-terminated inside the
// packet, SMFIR_REPLYCODE must look like "4xx 4.x.x text" or "5xx 5.x.x text" (Postfix's
// check), and SMFIC_OPTNEG / SMFIR_SETSYMLIST are only valid during negotiation.
ClientResult<Reply> parseReply(const Packet& packet);

}  // namespace dmarc::milterclient::wire
