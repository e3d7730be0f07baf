// Unit tests for lib/core/smtp_reply.cpp: which code / enhanced code / text triples make a
// reply and which SmtpReplyError the others get, the 512-octet line limit, '%' doubling for
// smfi_setreply, and sanitizeReplyText. Single-threaded, deterministic.
#include <catch2/catch.hpp>

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/smtp_reply.h"

using dmarc::core::makeSmtpReply;
using dmarc::core::sanitizeReplyText;
using dmarc::core::SmtpReplyError;

namespace Catch {
template <>
struct StringMaker<SmtpReplyError> {
    static std::string convert(SmtpReplyError error) { return std::string(dmarc::core::describe(error)); }
};
}  // namespace Catch

namespace {

std::string allPrintableAscii() {
    std::string out;
    for (char c = 0x20; c < 0x7F; ++c) out += c;
    return out;
}

}  // namespace

TEST_CASE("valid failure replies are accepted as given") {
    struct Case {
        std::string code;
        std::string enhanced;
        std::string text;
    };
    const std::vector<Case> cases = {
        {"550", "5.7.1", "Rejected by DMARC policy for example.com"},
        {"554", "5.7.26", "Unauthenticated email from example.com is not accepted due to domain's DMARC policy"},
        {"450", "4.7.1", "Try again later"},
        {"451", "4.4.3", "Temporary DNS failure for _dmarc.example.com"},
        {"421", "4.3.0", "Service shutting down"},
        {"400", "4.0.0", "t"},
        {"500", "5.0.0", ""},
        {"559", "5.999.999", "largest numbers"},
        {"550", "5.10.100", "two and three digits"},
        {"550", "5.7.1", "  leading and trailing spaces  "},
        {"550", "5.7.1", allPrintableAscii()},
        {"550", "5.7.1", "100% sure"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.code, c.enhanced, c.text);
        const auto reply = makeSmtpReply(c.code, c.enhanced, c.text);
        REQUIRE(reply.ok());
        CHECK(reply->code() == c.code);
        CHECK(reply->enhancedCode() == c.enhanced);
        CHECK(reply->text() == c.text);
    }
}

TEST_CASE("invalid replies are refused with the matching error") {
    struct Case {
        std::string code;
        std::string enhanced;
        std::string text;
        SmtpReplyError error;
    };
    const std::vector<Case> cases = {
        // reply code syntax
        {"", "5.7.1", "x", SmtpReplyError::BadCode},
        {"55", "5.7.1", "x", SmtpReplyError::BadCode},
        {"5500", "5.7.1", "x", SmtpReplyError::BadCode},
        {"5a0", "5.7.1", "x", SmtpReplyError::BadCode},
        {"56x", "5.7.1", "x", SmtpReplyError::BadCode},
        {"560", "5.7.1", "x", SmtpReplyError::BadCode},
        {"590", "5.7.1", "x", SmtpReplyError::BadCode},
        {"5 0", "5.7.1", "x", SmtpReplyError::BadCode},
        {" 550", "5.7.1", "x", SmtpReplyError::BadCode},
        {"550 ", "5.7.1", "x", SmtpReplyError::BadCode},
        {"+50", "5.7.1", "x", SmtpReplyError::BadCode},
        {"x50", "5.7.1", "x", SmtpReplyError::BadCode},
        // not a failure
        {"250", "2.0.0", "ok", SmtpReplyError::NotFailureCode},
        {"354", "5.7.1", "x", SmtpReplyError::NotFailureCode},
        {"150", "5.7.1", "x", SmtpReplyError::NotFailureCode},
        {"050", "5.7.1", "x", SmtpReplyError::NotFailureCode},
        {"650", "5.7.1", "x", SmtpReplyError::NotFailureCode},
        // enhanced status code syntax
        {"550", "", "x", SmtpReplyError::BadEnhancedCode},
        {"550", "5", "x", SmtpReplyError::BadEnhancedCode},
        {"550", "5.7", "x", SmtpReplyError::BadEnhancedCode},
        {"550", "5.7.", "x", SmtpReplyError::BadEnhancedCode},
        {"550", "5..1", "x", SmtpReplyError::BadEnhancedCode},
        {"550", ".7.1", "x", SmtpReplyError::BadEnhancedCode},
        {"550", "5.7.1.", "x", SmtpReplyError::BadEnhancedCode},
        {"550", "5.7.1.1", "x", SmtpReplyError::BadEnhancedCode},
        {"550", "5.07.1", "x", SmtpReplyError::BadEnhancedCode},
        {"550", "5.7.01", "x", SmtpReplyError::BadEnhancedCode},
        {"550", "5.00.0", "x", SmtpReplyError::BadEnhancedCode},
        {"550", "5.1000.1", "x", SmtpReplyError::BadEnhancedCode},
        {"550", "5.7.1000", "x", SmtpReplyError::BadEnhancedCode},
        {"550", "2.0.0", "x", SmtpReplyError::BadEnhancedCode},
        {"550", "3.7.1", "x", SmtpReplyError::BadEnhancedCode},
        {"550", "55.7.1", "x", SmtpReplyError::BadEnhancedCode},
        {"550", "5.a.1", "x", SmtpReplyError::BadEnhancedCode},
        {"550", "5.-1.1", "x", SmtpReplyError::BadEnhancedCode},
        {"550", "5.+1.1", "x", SmtpReplyError::BadEnhancedCode},
        {"550", "5,7,1", "x", SmtpReplyError::BadEnhancedCode},
        {"550", " 5.7.1", "x", SmtpReplyError::BadEnhancedCode},
        {"550", "5.7.1 ", "x", SmtpReplyError::BadEnhancedCode},
        // class must match the code
        {"550", "4.7.1", "x", SmtpReplyError::EnhancedClassMismatch},
        {"450", "5.7.1", "x", SmtpReplyError::EnhancedClassMismatch},
        // text
        {"550", "5.7.1", "a\rb", SmtpReplyError::TextHasLineBreak},
        {"550", "5.7.1", "a\nb", SmtpReplyError::TextHasLineBreak},
        {"550", "5.7.1", "rejected\r\n250 ok", SmtpReplyError::TextHasLineBreak},
        {"550", "5.7.1", std::string("a\0b", 3), SmtpReplyError::TextHasControl},
        {"550", "5.7.1", "tab\there", SmtpReplyError::TextHasControl},
        {"550", "5.7.1", "\x1b[31mred", SmtpReplyError::TextHasControl},
        {"550", "5.7.1", "del\x7f", SmtpReplyError::TextHasControl},
        {"550", "5.7.1", "caf\xC3\xA9", SmtpReplyError::TextNotAscii},
        {"550", "5.7.1", "\x80", SmtpReplyError::TextNotAscii},
        {"550", "5.7.1", "\xFF", SmtpReplyError::TextNotAscii},
        // the first problem wins: code, then enhanced code, then text
        {"5a0", "x", "\n", SmtpReplyError::BadCode},
        {"550", "x", "\n", SmtpReplyError::BadEnhancedCode},
        {"550", "4.7.1", "\n", SmtpReplyError::EnhancedClassMismatch},
    };
    for (const auto& c : cases) {
        CAPTURE(c.code, c.enhanced, c.text);
        const auto reply = makeSmtpReply(c.code, c.enhanced, c.text);
        REQUIRE_FALSE(reply.ok());
        CHECK(reply.error() == c.error);
    }
}

TEST_CASE("the reply line is at most 512 octets including code and CRLF") {
    // "550 5.7.1 " (10) + text + CRLF (2) = 512 → 500 octets of text.
    CHECK(makeSmtpReply("550", "5.7.1", std::string(500, 'x')).ok());
    const auto tooLong = makeSmtpReply("550", "5.7.1", std::string(501, 'x'));
    REQUIRE_FALSE(tooLong.ok());
    CHECK(tooLong.error() == SmtpReplyError::TooLong);
    // A longer enhanced code leaves less room for text.
    CHECK(makeSmtpReply("550", "5.7.26", std::string(499, 'x')).ok());
    CHECK_FALSE(makeSmtpReply("550", "5.7.26", std::string(500, 'x')).ok());
    CHECK(makeSmtpReply("550", "5.100.100", std::string(496, 'x')).ok());
    CHECK_FALSE(makeSmtpReply("550", "5.100.100", std::string(497, 'x')).ok());
    // '%' counts once: doubling is libmilter's format escaping, not part of the line.
    CHECK(makeSmtpReply("550", "5.7.1", std::string(500, '%')).ok());
}

TEST_CASE("textForMilter doubles every percent sign") {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"", ""},
        {"no percent", "no percent"},
        {"%", "%%"},
        {"%%", "%%%%"},
        {"100% of %s and %n", "100%% of %%s and %%n"},
        {"trailing %", "trailing %%"},
    };
    for (const auto& [text, forMilter] : cases) {
        CAPTURE(text);
        const auto reply = makeSmtpReply("550", "5.7.1", text);
        REQUIRE(reply.ok());
        CHECK(reply->textForMilter() == forMilter);
        CHECK(reply->text() == text);
    }
}

TEST_CASE("sanitizeReplyText replaces every octet a reply may not carry") {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"ok", "ok"},
        {"", ""},
        {"a\r\nb", "a??b"},
        {"caf\xC3\xA9", "caf??"},
        {"\t", "?"},
        {std::string("a\0b", 3), "a?b"},
        {"\x7f", "?"},
        {allPrintableAscii(), allPrintableAscii()},
    };
    for (const auto& [text, sanitized] : cases) {
        CAPTURE(text);
        CHECK(sanitizeReplyText(text) == sanitized);
    }
    // Whatever the octet, the sanitised text passes the text checks.
    for (int i = 0; i < 256; ++i) {
        CAPTURE(i);
        const std::string text = "x" + std::string(1, static_cast<char>(i)) + "y";
        const auto reply = makeSmtpReply("550", "5.7.1", sanitizeReplyText(text));
        CHECK(reply.ok());
        CHECK(sanitizeReplyText(text).size() == text.size());
    }
}

TEST_CASE("every SmtpReplyError has its own description") {
    const std::vector<SmtpReplyError> all = {
        SmtpReplyError::BadCode,          SmtpReplyError::NotFailureCode, SmtpReplyError::BadEnhancedCode,
        SmtpReplyError::EnhancedClassMismatch, SmtpReplyError::TextHasLineBreak, SmtpReplyError::TextHasControl,
        SmtpReplyError::TextNotAscii,     SmtpReplyError::TooLong,
    };
    std::set<std::string_view> seen;
    for (const auto error : all) {
        CAPTURE(error);
        CHECK_FALSE(dmarc::core::describe(error).empty());
        CHECK(seen.insert(dmarc::core::describe(error)).second);
    }
}
