// DOMAIN substitution in SMTP reply templates and their validation (see reply_template.h),
// both leaning on core::makeSmtpReply / sanitizeReplyText for what a reply may contain.
// Pure.
#include "reply_template.h"

#include "core/smtp_reply.h"

namespace dmarc::config {

std::string fillReplyTemplate(std::string_view text, std::string_view domain) {
    const std::string safeDomain = core::sanitizeReplyText(domain.substr(0, kMaxReplyText));
    std::string out;
    std::size_t start = 0;
    while (out.size() < kMaxReplyText) {
        const std::size_t at = text.find(kDomainPlaceholder, start);
        if (at == std::string_view::npos) break;
        out.append(text.substr(start, at - start));
        out += safeDomain;
        start = at + kDomainPlaceholder.size();
    }
    if (out.size() < kMaxReplyText) out.append(text.substr(start));
    if (out.size() > kMaxReplyText) out.resize(kMaxReplyText);
    return out;
}

std::optional<std::string> validateReplyTemplate(std::string_view text, std::string_view code,
                                                 std::string_view enhancedCode) {
    if (auto reply = core::makeSmtpReply(code, enhancedCode, text); !reply) {
        return std::string(core::describe(reply.error()));
    }
    return std::nullopt;
}

}  // namespace dmarc::config
