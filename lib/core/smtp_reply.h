// SmtpReply: a validated SMTP failure reply (4xx/5xx code, RFC 3463 enhanced status code,
// one line of printable ASCII text) for the milter to hand to smfi_setreply. Anything that
// libmilter or the MTA would mangle or refuse is a typed SmtpReplyError here, at
// configuration time, instead of a reply that silently vanishes in production.
// Immutable value type; safe to share between threads.
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include "result.h"

namespace dmarc::core {

enum class SmtpReplyError {
    BadCode,                // not three digits with second digit 0-5 (RFC 5321 §4.2)
    NotFailureCode,         // first digit not 4 or 5: the milter only sets failure replies
    BadEnhancedCode,        // not class.subject.detail, 1-3 digits each, no leading zeros
    EnhancedClassMismatch,  // enhanced class differs from the code's first digit (RFC 3463)
    TextHasLineBreak,       // CR or LF: would end the reply line (reply injection)
    TextHasControl,         // NUL, TAB or another control character
    TextNotAscii,           // octets >= 0x80: SMTP reply text is US-ASCII
    TooLong,                // "code enhanced text" CRLF over 512 octets (RFC 5321 §4.5.3.1.5)
};

std::string_view describe(SmtpReplyError error);

inline constexpr std::size_t kSmtpMaxReplyLine = 512;  // octets, code and CRLF included

class SmtpReply {
public:
    const std::string& code() const { return code_; }                  // "550"
    const std::string& enhancedCode() const { return enhancedCode_; }  // "5.7.1"
    const std::string& text() const { return text_; }                  // as given
    // The text for smfi_setreply, which treats it as a printf format: every '%' doubled,
    // since a lone '%' makes libmilter drop the whole text.
    std::string textForMilter() const;

    friend bool operator==(const SmtpReply&, const SmtpReply&) = default;

private:
    friend Result<SmtpReply, SmtpReplyError> makeSmtpReply(std::string_view, std::string_view,
                                                           std::string_view);
    SmtpReply(std::string code, std::string enhancedCode, std::string text)
        : code_(std::move(code)), enhancedCode_(std::move(enhancedCode)), text_(std::move(text)) {}

    std::string code_;
    std::string enhancedCode_;
    std::string text_;
};

// Validates all three parts; the text may be empty.
Result<SmtpReply, SmtpReplyError> makeSmtpReply(std::string_view code, std::string_view enhancedCode,
                                                std::string_view text);

// `text` with every octet that makeSmtpReply would refuse (controls, CR, LF, non-ASCII)
// replaced by '?': for reply templates filled in with DNS or header data.
std::string sanitizeReplyText(std::string_view text);

}  // namespace dmarc::core
