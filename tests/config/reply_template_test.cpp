// Unit tests for lib/config/reply_template.cpp: DOMAIN substitution (every occurrence,
// hostile domains sanitised and cut) and the validation that no filled-in reply can be
// refused by libmilter or exceed 512 octets. Deterministic.
#include <catch2/catch.hpp>

#include <string>

#include "config/reply_template.h"

using namespace dmarc::config;

TEST_CASE("reply_template: DOMAIN is replaced wherever it appears") {
    const auto [text, domain, expected] = GENERATE(table<std::string, std::string, std::string>({
        {"Email rejected per DMARC policy for DOMAIN", "example.com", "Email rejected per DMARC policy for example.com"},
        {"DOMAIN", "a.example", "a.example"},
        {"DOMAINDOMAIN", "x", "xx"},
        {"DOMAIN and DOMAIN", "x.example", "x.example and x.example"},
        {"no placeholder", "example.com", "no placeholder"},
        {"domain is lower case", "example.com", "domain is lower case"},
        {"DOMAINS", "x", "xS"},
        {"", "example.com", ""},
        {"for DOMAIN", "", "for "},
        {"for DOMAIN", "DOMAIN", "for DOMAIN"},  // no second pass over the inserted text
        {"for DOMAIN", "b\xC3\xBC" "cher.example", "for b??cher.example"},
        {"for DOMAIN", "evil\r\n250 2.0.0 ok", "for evil??250 2.0.0 ok"},
        {"for DOMAIN", std::string("nul\0byte", 8), "for nul?byte"},
        {"100% DOMAIN", "example.com", "100% example.com"},
    }));
    CAPTURE(text, domain);
    CHECK(fillReplyTemplate(text, domain) == expected);
}

TEST_CASE("reply_template: the filled text never exceeds what a reply line holds") {
    // "550 5.7.1 " + text + CRLF <= 512 octets: at most 500 octets of text.
    CHECK(fillReplyTemplate("[DOMAIN]", std::string(1000, 'd')) == "[" + std::string(499, 'd'));
    CHECK(fillReplyTemplate("DOMAIN DOMAIN", std::string(253, 'd')) ==
          std::string(253, 'd') + " " + std::string(246, 'd'));
    CHECK(fillReplyTemplate(std::string(500, 'x'), "a.example") == std::string(500, 'x'));
    CHECK(fillReplyTemplate(std::string(495, 'x') + "DOMAIN", "a.example") == std::string(495, 'x') + "a.exa");
    const std::string many = fillReplyTemplate(std::string(400, 'D') + "DOMAINDOMAINDOMAIN", std::string(253, 'z'));
    CHECK(many.size() == kMaxReplyText);
}

TEST_CASE("reply_template: validation takes the template as written") {
    CHECK_FALSE(validateReplyTemplate(std::string(500, 'x'), "550", "5.7.1").has_value());
    CHECK(validateReplyTemplate(std::string(501, 'x'), "550", "5.7.1") == "reply line would exceed 512 octets");
    CHECK_FALSE(validateReplyTemplate("DOMAIN DOMAIN", "550", "5.7.1").has_value());
}

TEST_CASE("reply_template: refused characters are named") {
    CHECK(validateReplyTemplate("a\rb", "451", "4.7.1") == "reply text contains CR or LF");
    CHECK(validateReplyTemplate("a\tb", "451", "4.7.1") == "reply text contains a control character");
    CHECK(validateReplyTemplate("caf\xC3\xA9", "451", "4.7.1") == "reply text contains non-ASCII octets");
    CHECK_FALSE(validateReplyTemplate("", "451", "4.7.1").has_value());
    CHECK_FALSE(validateReplyTemplate("100% sure", "451", "4.7.1").has_value());
}
