// Outcome and ClientError as JSON: see outcome_json.h.
#include "milter_client/outcome_json.h"

namespace dmarc::milterclient {

namespace {

// Length of the well-formed UTF-8 sequence at text[i] (RFC 3629: no overlong forms, no
// surrogates, nothing above U+10FFFF), or 0.
std::size_t utf8Length(const std::string& text, std::size_t i) {
    const auto at = [&](std::size_t k) { return static_cast<unsigned char>(text[i + k]); };
    const unsigned char lead = at(0);
    if (lead < 0x80) return 1;
    std::size_t length = 0;
    unsigned char low = 0x80;
    unsigned char high = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        low = lead == 0xE0 ? 0xA0 : 0x80;
        high = lead == 0xED ? 0x9F : 0xBF;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        low = lead == 0xF0 ? 0x90 : 0x80;
        high = lead == 0xF4 ? 0x8F : 0xBF;
    }
    if (length == 0 || i + length > text.size()) return 0;
    if (at(1) < low || at(1) > high) return 0;
    for (std::size_t k = 2; k < length; ++k) {
        if ((at(k) & 0xC0) != 0x80) return 0;
    }
    return length;
}

// Header values and bodies may hold any bytes; JSON text must be UTF-8. Bytes that are
// not well-formed UTF-8 become \xHH, and a backslash becomes \\, so the mapping stays
// reversible.
std::string printable(const std::string& text) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        const std::size_t length = utf8Length(text, i);
        if (length == 1 && text[i] == '\\') {
            out += "\\\\";
        } else if (length > 0) {
            out.append(text, i, length);
        } else {
            const auto byte = static_cast<unsigned char>(text[i]);
            out += "\\x";
            out += kHex[byte >> 4];
            out += kHex[byte & 0xF];
        }
        i += length > 0 ? length : 1;
    }
    return out;
}

}  // namespace

nlohmann::json toJson(const Modification& modification) {
    nlohmann::json object{{"type", modificationName(modification.kind)}};
    switch (modification.kind) {
    case Modification::Kind::InsertHeader:
    case Modification::Kind::ChangeHeader:
    case Modification::Kind::DeleteHeader:
        object["index"] = modification.index;
        [[fallthrough]];
    case Modification::Kind::AddHeader:
        object["name"] = printable(modification.name);
        if (modification.kind != Modification::Kind::DeleteHeader) object["value"] = printable(modification.value);
        break;
    case Modification::Kind::AddRecipientArgs:
    case Modification::Kind::ChangeFrom:
        object["args"] = printable(modification.args);
        [[fallthrough]];
    case Modification::Kind::AddRecipient:
    case Modification::Kind::DeleteRecipient:
        object["address"] = printable(modification.value);
        break;
    case Modification::Kind::ReplaceBody:
        object["bytes"] = modification.value.size();
        break;
    case Modification::Kind::Quarantine:
        object["reason"] = printable(modification.value);
        break;
    }
    return object;
}

nlohmann::json toJson(const Outcome& outcome) {
    nlohmann::json object{
        {"action", actionName(outcome.action)},
        {"stage", stageName(outcome.stage)},
        {"reply", outcome.reply.empty() ? nlohmann::json() : nlohmann::json(printable(outcome.reply))},
        {"quarantine", outcome.quarantine ? nlohmann::json(printable(*outcome.quarantine)) : nlohmann::json()},
        {"modifications", nlohmann::json::array()},
        {"recipients", nlohmann::json::array()},
        {"headers_sent", outcome.headersSent},
        {"body_bytes", outcome.bodyBytesSent},
        {"body_chunks", outcome.bodyChunksSent},
        {"body_skipped", outcome.bodySkipped},
        {"progress", outcome.progressReplies},
        {"ending", endingName(outcome.ending)},
        {"latency_us", outcome.latency.count()},
    };
    for (const Modification& modification : outcome.modifications) object["modifications"].push_back(toJson(modification));
    for (const RecipientResult& recipient : outcome.recipients) {
        nlohmann::json entry{{"address", printable(recipient.address)}, {"action", actionName(recipient.action)}};
        if (!recipient.reply.empty()) entry["reply"] = printable(recipient.reply);
        object["recipients"].push_back(entry);
    }
    if (!outcome.warnings.empty()) object["warnings"] = outcome.warnings;
    return object;
}

nlohmann::json toJson(const ClientError& error) {
    return nlohmann::json{{"kind", describe(error.kind)}, {"detail", printable(error.detail)}};
}

}  // namespace dmarc::milterclient
