// Milter protocol tables, encoders and reply parsers: see protocol.h.
#include "milter_client/protocol.h"

#include <cctype>

namespace dmarc::milterclient::wire {

namespace {

std::string letter(char command) {
    std::string text = "'";
    text += std::isprint(static_cast<unsigned char>(command)) != 0 ? std::string(1, command) : "?";
    return text + "'";
}

// Reads a 32-bit big-endian number at `pos`; nullopt when the packet is too short.
std::optional<std::uint32_t> readUint32(std::string_view data, std::size_t& pos) {
    if (pos > data.size() || data.size() - pos < 4) return std::nullopt;
    std::uint32_t value = 0;
    for (int i = 0; i < 4; ++i) value = (value << 8) | static_cast<unsigned char>(data[pos + i]);
    pos += 4;
    return value;
}

// Reads a NUL-terminated string at `pos`; nullopt when no NUL follows inside the packet.
std::optional<std::string> readCString(std::string_view data, std::size_t& pos) {
    if (pos >= data.size()) return std::nullopt;
    const std::size_t end = data.find('\0', pos);
    if (end == std::string_view::npos) return std::nullopt;
    std::string text(data.substr(pos, end - pos));
    pos = end + 1;
    return text;
}

// libmilter sends reply and quarantine texts with their terminating NUL; Postfix reads the
// raw buffer. Strip exactly that one NUL.
std::string textPayload(std::string_view data) {
    if (!data.empty() && data.back() == '\0') data.remove_suffix(1);
    return std::string(data);
}

bool isDigit(char c) { return c >= '0' && c <= '9'; }

// Postfix's check of an SMFIR_REPLYCODE text: "[45]dd[ -][same digit]…".
bool wellFormedReplyCode(std::string_view text) {
    return text.size() >= 5 && (text[0] == '4' || text[0] == '5') && isDigit(text[1]) && isDigit(text[2]) &&
           (text[3] == ' ' || text[3] == '-') && text[4] == text[0];
}

ClientResult<Reply> decision(std::string_view data, char code, Action action) {
    if (!data.empty())
        return clientFail(ErrorKind::Protocol, "reply " + letter(code) + " carries " + std::to_string(data.size()) +
                                                   " unexpected data bytes");
    Reply reply;
    reply.type = Reply::Type::Decision;
    reply.decision = action;
    return reply;
}

ClientResult<Reply> modification(Modification value) {
    Reply reply;
    reply.type = Reply::Type::Modification;
    reply.modification = std::move(value);
    return reply;
}

core::Failure<ClientError> malformed(char code, std::string_view what) {
    return clientFail(ErrorKind::Protocol, "malformed reply " + letter(code) + ": " + std::string(what));
}

// name\0value\0, optionally preceded by a 32-bit index.
ClientResult<Reply> headerEdit(std::string_view data, char code, Modification::Kind kind, bool indexed) {
    std::size_t pos = 0;
    Modification edit;
    edit.kind = kind;
    if (indexed) {
        const auto index = readUint32(data, pos);
        if (!index) return malformed(code, "no header index");
        edit.index = *index;
    }
    auto name = readCString(data, pos);
    auto value = readCString(data, pos);
    if (!name || !value) return malformed(code, "header name or value is not NUL-terminated");
    if (pos != data.size()) return malformed(code, "data after the header value");
    if (name->empty()) return malformed(code, "empty header name");
    edit.name = std::move(*name);
    edit.value = std::move(*value);
    if (kind == Modification::Kind::ChangeHeader && edit.value.empty()) edit.kind = Modification::Kind::DeleteHeader;
    return modification(std::move(edit));
}

// address\0 and, when allowed, an optional args\0.
ClientResult<Reply> addressEdit(std::string_view data, char code, Modification::Kind kind, bool withArgs) {
    std::size_t pos = 0;
    auto address = readCString(data, pos);
    if (!address) return malformed(code, "address is not NUL-terminated");
    Modification edit;
    edit.kind = kind;
    edit.value = std::move(*address);
    if (withArgs && pos < data.size()) {
        auto args = readCString(data, pos);
        if (!args) return malformed(code, "arguments are not NUL-terminated");
        edit.args = std::move(*args);
    }
    if (pos != data.size()) return malformed(code, "data after the address");
    return modification(std::move(edit));
}

}  // namespace

std::string_view commandName(Command command) {
    switch (command) {
    case Command::Abort: return "SMFIC_ABORT";
    case Command::Body: return "SMFIC_BODY";
    case Command::Connect: return "SMFIC_CONNECT";
    case Command::Macro: return "SMFIC_MACRO";
    case Command::EndOfMessage: return "SMFIC_BODYEOB";
    case Command::Helo: return "SMFIC_HELO";
    case Command::QuitNewConnection: return "SMFIC_QUIT_NC";
    case Command::Header: return "SMFIC_HEADER";
    case Command::Mail: return "SMFIC_MAIL";
    case Command::EndOfHeaders: return "SMFIC_EOH";
    case Command::OptionNegotiation: return "SMFIC_OPTNEG";
    case Command::Quit: return "SMFIC_QUIT";
    case Command::Rcpt: return "SMFIC_RCPT";
    case Command::Data: return "SMFIC_DATA";
    }
    return "SMFIC_?";
}

std::string_view macroStageName(MacroStage stage) {
    switch (stage) {
    case MacroStage::Connect: return "connect";
    case MacroStage::Helo: return "helo";
    case MacroStage::Mail: return "envfrom";
    case MacroStage::Rcpt: return "envrcpt";
    case MacroStage::Data: return "data";
    case MacroStage::EndOfMessage: return "eom";
    case MacroStage::EndOfHeaders: return "eoh";
    }
    return "?";
}

const EventInfo& eventInfo(Stage stage) {
    static const EventInfo kConnect{Command::Connect, protocol::kNoConnect, protocol::kNoReplyConnect,
                                    MacroStage::Connect};
    static const EventInfo kHelo{Command::Helo, protocol::kNoHelo, protocol::kNoReplyHelo, MacroStage::Helo};
    static const EventInfo kMail{Command::Mail, protocol::kNoMail, protocol::kNoReplyMail, MacroStage::Mail};
    static const EventInfo kRcpt{Command::Rcpt, protocol::kNoRcpt, protocol::kNoReplyRcpt, MacroStage::Rcpt};
    static const EventInfo kData{Command::Data, protocol::kNoData, protocol::kNoReplyData, MacroStage::Data};
    static const EventInfo kHeader{Command::Header, protocol::kNoHeaders, protocol::kNoReplyHeader, std::nullopt};
    static const EventInfo kEndOfHeaders{Command::EndOfHeaders, protocol::kNoEndOfHeaders,
                                         protocol::kNoReplyEndOfHeaders, MacroStage::EndOfHeaders};
    static const EventInfo kBody{Command::Body, protocol::kNoBody, protocol::kNoReplyBody, std::nullopt};
    static const EventInfo kEndOfMessage{Command::EndOfMessage, 0, 0, MacroStage::EndOfMessage};
    switch (stage) {
    case Stage::Connect: return kConnect;
    case Stage::Helo: return kHelo;
    case Stage::Mail: return kMail;
    case Stage::Rcpt: return kRcpt;
    case Stage::Data: return kData;
    case Stage::Header: return kHeader;
    case Stage::EndOfHeaders: return kEndOfHeaders;
    case Stage::Body: return kBody;
    case Stage::EndOfMessage: return kEndOfMessage;
    }
    return kEndOfMessage;
}

void appendUint32(std::string& out, std::uint32_t value) {
    for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>((value >> shift) & 0xFF));
}

void appendCString(std::string& out, std::string_view text) {
    out.append(text);
    out.push_back('\0');
}

void appendPacket(std::string& out, char command, std::string_view payload) {
    appendUint32(out, static_cast<std::uint32_t>(payload.size() + 1));
    out.push_back(command);
    out.append(payload);
}

std::string optionNegotiationPayload(std::uint32_t version, std::uint32_t actions, std::uint32_t protocolFlags) {
    std::string out;
    appendUint32(out, version);
    appendUint32(out, actions);
    appendUint32(out, protocolFlags);
    return out;
}

std::string connectPayload(std::string_view hostname, char family, std::uint16_t port, std::string_view address) {
    std::string out;
    appendCString(out, hostname);
    out.push_back(family);
    if (family == 'U') return out;
    out.push_back(static_cast<char>(port >> 8));
    out.push_back(static_cast<char>(port & 0xFF));
    appendCString(out, address);
    return out;
}

std::string argumentsPayload(std::string_view address, const std::vector<std::string>& esmtpArguments) {
    std::string out;
    appendCString(out, address);
    for (const std::string& argument : esmtpArguments) appendCString(out, argument);
    return out;
}

std::string headerPayload(std::string_view name, std::string_view value) {
    std::string out;
    appendCString(out, name);
    appendCString(out, value);
    return out;
}

std::string macroPayload(Command event, const std::vector<std::pair<std::string, std::string>>& macros) {
    std::string out(1, static_cast<char>(event));
    for (const auto& [name, value] : macros) {
        appendCString(out, name);
        appendCString(out, value);
    }
    return out;
}

ClientResult<Negotiated> parseNegotiation(const Packet& packet, std::uint32_t offeredVersion,
                                          std::uint32_t offeredActions) {
    if (packet.command != static_cast<char>(Command::OptionNegotiation))
        return clientFail(ErrorKind::Negotiation, "expected SMFIC_OPTNEG, got " + letter(packet.command));
    std::string_view data = packet.payload;
    std::size_t pos = 0;
    const auto version = readUint32(data, pos);
    const auto actions = readUint32(data, pos);
    const auto protocolFlags = readUint32(data, pos);
    if (!version || !actions || !protocolFlags)
        return clientFail(ErrorKind::Negotiation,
                          "SMFIC_OPTNEG answer too short (" + std::to_string(data.size()) + " bytes)");
    if (*version > offeredVersion)
        return clientFail(ErrorKind::Negotiation, "filter protocol version " + std::to_string(*version) +
                                                      " is above ours (" + std::to_string(offeredVersion) + ")");
    if ((*actions & offeredActions) != *actions)
        return clientFail(ErrorKind::Negotiation, "filter requests actions we did not offer");
    Negotiated negotiated;
    negotiated.version = *version;
    negotiated.actions = *actions;
    negotiated.protocol = *protocolFlags;
    while (pos < data.size()) {
        const auto stage = readUint32(data, pos);
        auto names = readCString(data, pos);
        if (!stage || !names) return clientFail(ErrorKind::Negotiation, "malformed SMFIR_SETSYMLIST list");
        if (*stage < kMacroStages) negotiated.macroLists[*stage] = std::move(*names);
    }
    return negotiated;
}

ClientResult<Reply> parseReply(const Packet& packet) {
    const std::string_view data = packet.payload;
    const char code = packet.command;
    switch (code) {
    case 'c': return decision(data, code, Action::Continue);
    case 'a': return decision(data, code, Action::Accept);
    case 'r': return decision(data, code, Action::Reject);
    case 't': return decision(data, code, Action::Tempfail);
    case 'd': return decision(data, code, Action::Discard);
    case '4': return decision(data, code, Action::Shutdown);
    case 'f': return decision(data, code, Action::ConnectionFailure);
    case 's': {
        auto reply = decision(data, code, Action::None);
        if (!reply) return reply;
        Reply skip = std::move(reply).value();
        skip.type = Reply::Type::Skip;
        return skip;
    }
    case 'p': {
        auto reply = decision(data, code, Action::None);
        if (!reply) return reply;
        Reply progress = std::move(reply).value();
        progress.type = Reply::Type::Progress;
        return progress;
    }
    case 'y': {
        Reply reply;
        reply.type = Reply::Type::Decision;
        reply.replyText = textPayload(data);
        if (!wellFormedReplyCode(reply.replyText)) return malformed(code, "\"" + reply.replyText + "\"");
        reply.decision = reply.replyText[0] == '5' ? Action::Reject : Action::Tempfail;
        return reply;
    }
    case 'q': {
        Modification quarantine;
        quarantine.kind = Modification::Kind::Quarantine;
        quarantine.value = textPayload(data);
        return modification(std::move(quarantine));
    }
    case 'h': return headerEdit(data, code, Modification::Kind::AddHeader, false);
    case 'i': return headerEdit(data, code, Modification::Kind::InsertHeader, true);
    case 'm': return headerEdit(data, code, Modification::Kind::ChangeHeader, true);
    case '+': return addressEdit(data, code, Modification::Kind::AddRecipient, false);
    case '-': return addressEdit(data, code, Modification::Kind::DeleteRecipient, false);
    case '2': return addressEdit(data, code, Modification::Kind::AddRecipientArgs, true);
    case 'e': return addressEdit(data, code, Modification::Kind::ChangeFrom, true);
    case 'b': {
        Modification body;
        body.kind = Modification::Kind::ReplaceBody;
        body.value = std::string(data);
        return modification(std::move(body));
    }
    case 'O':
    case 'l': return clientFail(ErrorKind::Protocol, "reply " + letter(code) + " is only valid in negotiation");
    default: return clientFail(ErrorKind::Protocol, "unknown reply " + letter(code));
    }
}

}  // namespace dmarc::milterclient::wire
