// Renders a core::Verdict as the per-message log line (see verdict_line.h). Pure; the
// only inputs are the arguments, every untrusted string goes through sanitize.h.
#include "verdict_line.h"

#include "log_line.h"
#include "sanitize.h"

namespace dmarc::log {
namespace {

// One position inside RESULT(...): "-" when absent; a value that is literally "-" is
// escaped so the two stay distinguishable.
std::string component(std::string_view text) {
    if (text.empty()) return "-";
    if (text == "-") return "\\x2d";
    return sanitizeAtom(text);
}

std::string_view alignmentWord(core::Alignment alignment) {
    switch (alignment) {
        case core::Alignment::Strict:
        case core::Alignment::Relaxed: return "aligned";
        case core::Alignment::NotAligned: return "unaligned";
        case core::Alignment::Unknown: return "unknown";
        case core::Alignment::NotEvaluated: return "unevaluated";
    }
    return "unknown";
}

std::string spfField(const core::SpfVerdict& spf) {
    std::string text = std::string(core::toString(spf.result)) + "(" + component(spf.domain) + "," +
                       std::string(alignmentWord(spf.alignment.alignment));
    if (spf.scope == core::SpfScope::Helo) text += ",helo";
    return text + ")";
}

std::string dkimField(const core::DkimVerdict& dkim) {
    return std::string(core::toString(dkim.result)) + "(" + component(dkim.domain) + "," +
           std::string(alignmentWord(dkim.alignment.alignment)) + ",s=" + component(dkim.selector) + ")";
}

std::string recordField(const core::Verdict& verdict) {
    std::string text = sanitizeAtom(verdict.record->domain.str()) + "(" +
                       std::string(core::toString(verdict.record->source));
    if (verdict.tag) text += "," + std::string(core::toString(*verdict.tag));
    return text + ")";
}

std::string overrideField(const core::Verdict& verdict) {
    std::string text;
    for (const auto& entry : verdict.overrides) {
        if (!text.empty()) text += ',';
        text += core::toString(entry.reason);
    }
    return text;
}

std::string reasonText(const core::Verdict& verdict) {
    std::string text = verdict.policyDetail;
    for (const auto& entry : verdict.overrides) {
        if (entry.comment.empty()) continue;
        if (!text.empty()) text += "; ";
        text += entry.comment;
    }
    return text;
}

}  // namespace

std::string formatVerdictLine(std::string_view queueId, std::string_view clientIp,
                              const core::Verdict& verdict, std::span<const ExtraField> extra) {
    LogLine line(queueId);
    line.atom("from", verdict.authorDomain);
    line.raw("dmarc", core::toString(verdict.result));
    if (verdict.policy) line.raw("policy", core::toString(*verdict.policy));
    if (verdict.record) line.raw("record", recordField(verdict));
    line.raw("spf", spfField(verdict.spf));
    if (verdict.dkim.empty()) line.raw("dkim", "none");
    for (std::size_t i = 0; i < verdict.dkim.size() && i < kMaxLoggedSignatures; ++i) {
        line.raw("dkim", dkimField(verdict.dkim[i]));
    }
    if (verdict.dkim.size() > kMaxLoggedSignatures) {
        line.raw("dkim_more", std::to_string(verdict.dkim.size() - kMaxLoggedSignatures));
    }
    line.raw("disposition", core::toString(verdict.applied));
    if (verdict.requested != verdict.applied) line.raw("requested", core::toString(verdict.requested));
    if (!verdict.overrides.empty()) line.raw("override", overrideField(verdict));
    line.atom("ip", clientIp);
    for (const ExtraField& field : extra) line.value(field.key, field.value);
    if (const std::string reason = reasonText(verdict); !reason.empty()) line.value("reason", reason);
    return line.str();
}

}  // namespace dmarc::log
