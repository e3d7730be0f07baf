// SMTP reply templates (RejectReply): the word DOMAIN, in capitals, stands for the author
// domain the policy belongs to. Filling in sanitises the domain for SMTP (a From domain
// that did not parse may hold anything) and cuts the result so the reply line stays
// within RFC 5321's 512 octets, however long the domain. validateReplyTemplate, run by
// the config parser, refuses templates libmilter or the MTA would refuse or mangle.
// Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace dmarc::config {

inline constexpr std::string_view kDomainPlaceholder = "DOMAIN";
// 512 octets minus "550 5.7.1 " and CRLF: the most text a reply line can carry.
inline constexpr std::size_t kMaxReplyText = 500;

std::string fillReplyTemplate(std::string_view text, std::string_view domain);

// Why `text` cannot serve as the text of a `code enhanced` reply; nullopt when it can.
std::optional<std::string> validateReplyTemplate(std::string_view text, std::string_view code,
                                                 std::string_view enhancedCode);

}  // namespace dmarc::config
