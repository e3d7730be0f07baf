// Validation of SMTP failure replies for smfi_setreply (see smtp_reply.h). Pure; thread-safe.
#include "smtp_reply.h"

#include <string>
#include <string_view>
#include <utility>

namespace dmarc::core {

namespace {

bool isDigit(char c) { return c >= '0' && c <= '9'; }

// What a reply text octet is, in the order of the errors makeSmtpReply reports.
enum class TextOctet { Printable, LineBreak, Control, NonAscii };

TextOctet classify(char c) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\r' || c == '\n') return TextOctet::LineBreak;
    if (u >= 0x80) return TextOctet::NonAscii;
    if (u < 0x20 || u == 0x7F) return TextOctet::Control;
    return TextOctet::Printable;
}

// RFC 3463 subject or detail: 1-3 digits, no leading zero except "0" itself.
bool isStatusNumber(std::string_view s) {
    if (s.empty() || s.size() > 3) return false;
    for (const char c : s) {
        if (!isDigit(c)) return false;
    }
    return s.size() == 1 || s.front() != '0';
}

bool isEnhancedCode(std::string_view s) {
    const auto first = s.find('.');
    if (first != 1 || (s[0] != '4' && s[0] != '5')) return false;
    const auto second = s.find('.', first + 1);
    if (second == std::string_view::npos) return false;
    return isStatusNumber(s.substr(first + 1, second - first - 1)) && isStatusNumber(s.substr(second + 1));
}

}  // namespace

std::string_view describe(SmtpReplyError error) {
    switch (error) {
        case SmtpReplyError::BadCode: return "reply code is not three digits with the second digit 0-5";
        case SmtpReplyError::NotFailureCode: return "reply code is not a 4xx or 5xx failure code";
        case SmtpReplyError::BadEnhancedCode:
            return "enhanced status code is not class.subject.detail (class 4 or 5, 1-3 digits, no leading zeros)";
        case SmtpReplyError::EnhancedClassMismatch:
            return "enhanced status class differs from the reply code's first digit";
        case SmtpReplyError::TextHasLineBreak: return "reply text contains CR or LF";
        case SmtpReplyError::TextHasControl: return "reply text contains a control character";
        case SmtpReplyError::TextNotAscii: return "reply text contains non-ASCII octets";
        case SmtpReplyError::TooLong: return "reply line would exceed 512 octets";
    }
    return "unknown SMTP reply error";
}

std::string SmtpReply::textForMilter() const {
    std::string out;
    out.reserve(text_.size());
    for (const char c : text_) {
        if (c == '%') out += '%';
        out += c;
    }
    return out;
}

Result<SmtpReply, SmtpReplyError> makeSmtpReply(std::string_view code, std::string_view enhancedCode,
                                                std::string_view text) {
    if (code.size() != 3 || !isDigit(code[0]) || code[1] < '0' || code[1] > '5' || !isDigit(code[2])) {
        return fail(SmtpReplyError::BadCode);
    }
    if (code[0] != '4' && code[0] != '5') return fail(SmtpReplyError::NotFailureCode);
    if (!isEnhancedCode(enhancedCode)) return fail(SmtpReplyError::BadEnhancedCode);
    if (enhancedCode[0] != code[0]) return fail(SmtpReplyError::EnhancedClassMismatch);
    for (const char c : text) {
        switch (classify(c)) {
            case TextOctet::Printable: break;
            case TextOctet::LineBreak: return fail(SmtpReplyError::TextHasLineBreak);
            case TextOctet::Control: return fail(SmtpReplyError::TextHasControl);
            case TextOctet::NonAscii: return fail(SmtpReplyError::TextNotAscii);
        }
    }
    // "550" SP "5.7.1" SP text CRLF
    if (code.size() + 1 + enhancedCode.size() + 1 + text.size() + 2 > kSmtpMaxReplyLine) {
        return fail(SmtpReplyError::TooLong);
    }
    return SmtpReply(std::string(code), std::string(enhancedCode), std::string(text));
}

std::string sanitizeReplyText(std::string_view text) {
    std::string out(text);
    for (char& c : out) {
        if (classify(c) != TextOctet::Printable) c = '?';
    }
    return out;
}

}  // namespace dmarc::core
