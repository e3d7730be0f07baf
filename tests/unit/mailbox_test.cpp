// Unit tests for lib/core/mailbox: every RFC 5322 §3.4/§4.4 element the From parser
// accepts (RFC 5322 Appendix A examples included), every FromError, display-name spoofing
// shapes, the field-count rules, and hostile input at and beyond each cap.
#include <catch2/catch.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "core/mailbox.h"

using namespace dmarc::core;

namespace {

std::string joinedDomains(const AuthorDomains& result) {
    std::string joined;
    for (const DomainName& domain : result.domains) {
        if (!joined.empty()) joined += ' ';
        joined += domain.str();
    }
    return joined;
}

std::string repeated(std::string_view piece, std::size_t times) {
    std::string text;
    text.reserve(piece.size() * times);
    for (std::size_t i = 0; i < times; ++i) text += piece;
    return text;
}

struct Accepted {
    std::string input;
    std::string domains;      // distinct domains, space-separated, in order
    std::size_t mailboxes;
    std::string displayName;  // of the first mailbox
    std::string localPart;    // of the first mailbox
};

void checkAccepted(const std::vector<Accepted>& rows) {
    for (const Accepted& row : rows) {
        CAPTURE(row.input);
        const auto result = parseFromValue(row.input);
        if (!result) FAIL_CHECK("error: " << describe(result.error()));
        if (!result) continue;
        CHECK(joinedDomains(*result) == row.domains);
        CHECK(result->mailboxes.size() == row.mailboxes);
        CHECK(result->mailboxes.front().displayName == row.displayName);
        CHECK(result->mailboxes.front().localPart == row.localPart);
    }
}

struct Refused {
    std::string input;
    FromError error;
};

void checkRefused(const std::vector<Refused>& rows) {
    for (const Refused& row : rows) {
        CAPTURE(row.input, describe(row.error));
        const auto result = parseFromValue(row.input);
        REQUIRE_FALSE(result.ok());
        CHECK(result.error() == row.error);
    }
}

}  // namespace

TEST_CASE("mailbox: plain addresses, name-addr and the Mail::DMARC header shapes") {
    checkAccepted({
        {"user@example.com", "example.com", 1, "", "user"},
        {" user@example.com", "example.com", 1, "", "user"},
        {"user@example.com\r\n", "example.com", 1, "", "user"},
        {"<user@example.com>", "example.com", 1, "", "user"},
        {" <user@example.com > ", "example.com", 1, "", "user"},
        {"< user@example.com>", "example.com", 1, "", "user"},
        {"Sample User <user@example.com>", "example.com", 1, "Sample User", "user"},
        {"Sample Middle User <user@example.com>", "example.com", 1, "Sample Middle User", "user"},
        {"\"Sample User\" <user@example.com>", "example.com", 1, "Sample User", "user"},
        {"Sample User<user@example.com>", "example.com", 1, "Sample User", "user"},
        {"Sample   User   <user@example.com>", "example.com", 1, "Sample User", "user"},
        {"\"\" <user@example.com>", "example.com", 1, "", "user"},
        {"first.last@example.com", "example.com", 1, "", "first.last"},
        {"user+tag@example.com", "example.com", 1, "", "user+tag"},
        {"!#$%&'*+-/=?^_`{|}~@example.com", "example.com", 1, "", "!#$%&'*+-/=?^_`{|}~"},
        {"Jörg Müller <jorg@example.com>", "example.com", 1, "Jörg Müller", "jorg"},
        {"用户@example.com", "example.com", 1, "", "用户"},
    });
}

TEST_CASE("mailbox: RFC 5322 Appendix A examples") {
    checkAccepted({
        // A.1.1
        {"John Doe <jdoe@machine.example>", "machine.example", 1, "John Doe", "jdoe"},
        // A.1.2
        {"\"Joe Q. Public\" <john.q.public@example.com>", "example.com", 1, "Joe Q. Public",
         "john.q.public"},
        {"Mary Smith <mary@x.test>, jdoe@example.org, Who? <one@y.test>",
         "x.test example.org y.test", 3, "Mary Smith", "mary"},
        {"<boss@nil.test>, \"Giant; \\\"Big\\\" Box\" <sysservices@example.net>",
         "nil.test example.net", 2, "", "boss"},
        // A.1.3
        {"A Group:Ed Jones <c@a.test>,joe@where.test,John <jdoe@one.test>;",
         "a.test where.test one.test", 3, "Ed Jones", "c"},
        // A.5
        {"Pete(A nice \\) chap) <pete(his account)@silly.test(his host)>", "silly.test", 1,
         "Pete", "pete"},
        {"A Group(Some people)\r\n     :Chris Jones <c@(Chris's host.)public.example>,\r\n"
         "         joe@example.org,\r\n  John <jdoe@one.test> (my dear friend); (the end of "
         "the group)",
         "public.example example.org one.test", 3, "Chris Jones", "c"},
        // A.6.1
        {"Joe Q. Public <john.q.public@example.com>", "example.com", 1, "Joe Q. Public",
         "john.q.public"},
        {"Mary Smith <@node.test:mary@example.net>, , jdoe@test  . example",
         "example.net test.example", 2, "Mary Smith", "mary"},
        // A.6.3
        {"John Doe <jdoe@machine(comment).  example>", "machine.example", 1, "John Doe", "jdoe"},
        {"Mary Smith\r\n    \r\n <mary@example.net>", "example.net", 1, "Mary Smith", "mary"},
    });
}

TEST_CASE("mailbox: folding, comments and CFWS wherever the grammar allows it") {
    checkAccepted({
        {"Sample User\r\n <user@example.com>", "example.com", 1, "Sample User", "user"},
        {"Sample User\n\t<user@example.com>", "example.com", 1, "Sample User", "user"},
        {"\"Sample\r\n User\" <user@example.com>", "example.com", 1, "Sample User", "user"},
        {"user(comment)@(c)example.com", "example.com", 1, "", "user"},
        {"(a (b) c) user@example.com", "example.com", 1, "", "user"},
        {"user@example.com (Sample User)", "example.com", 1, "", "user"},
        {"user@example.com(x)", "example.com", 1, "", "user"},
        {"(\\(escaped paren) user@example.com", "example.com", 1, "", "user"},
        {"(\"a quote in a comment) user@example.com", "example.com", 1, "", "user"},
        {"Name (comment) <user@example.com>", "example.com", 1, "Name", "user"},
        {"<(c)user(c)@(c)example(c).(c)com(c)>", "example.com", 1, "", "user"},
        {"(8-bit \xC3\xA9 and \x01 control in a comment) user@example.com", "example.com", 1, "",
         "user"},
        {"user . name @ example . com", "example.com", 1, "", "user.name"},
        {"user\r\n .name@example.com", "example.com", 1, "", "user.name"},
        {repeated("(", 64) + repeated(")", 64) + " user@example.com", "example.com", 1, "",
         "user"},
    });
}

TEST_CASE("mailbox: a display name never supplies the address") {
    checkAccepted({
        {"\"ceo@bank.example\" <x@evil.example>", "evil.example", 1, "ceo@bank.example", "x"},
        {"\"<ceo@bank.example>\" <x@evil.example>", "evil.example", 1, "<ceo@bank.example>", "x"},
        {"\"ceo@bank.example,\" <x@evil.example>", "evil.example", 1, "ceo@bank.example,", "x"},
        {"(ceo@bank.example) x@evil.example", "evil.example", 1, "", "x"},
        {"Name (<ceo@bank.example>) <x@evil.example>", "evil.example", 1, "Name", "x"},
        {"\"=?utf-8?q?ceo@evil.example?=\" <x@example.com>", "example.com", 1,
         "=?utf-8?q?ceo@evil.example?=", "x"},
        // Unquoted encoded-words with '@' or '.' violate RFC 2047 §5(3) but are one word.
        {"=?utf-8?q?ceo@evil.example?= <x@example.com>", "example.com", 1,
         "=?utf-8?q?ceo@evil.example?=", "x"},
        {"=?UTF-8?Q?ceo@bank.example?==?UTF-8?Q?_?= <x@example.com>", "example.com", 1,
         "=?UTF-8?Q?ceo@bank.example?==?UTF-8?Q?_?=", "x"},
        {"=?utf-8?B?Q0VPIDxjZW9AYmFuay5leGFtcGxlPg==?= <x@example.com>", "example.com", 1,
         "=?utf-8?B?Q0VPIDxjZW9AYmFuay5leGFtcGxlPg==?=", "x"},
        {"=?UTF-8?Q?J=C3=B6rg?= <j@example.com>", "example.com", 1, "=?UTF-8?Q?J=C3=B6rg?=", "j"},
        {"=?utf-8?q?a?= =?utf-8?q?b?= <x@example.com>", "example.com", 1,
         "=?utf-8?q?a?= =?utf-8?q?b?=", "x"},
        {"=?iso-8859-1*en?q?a@b?= <x@example.com>", "example.com", 1, "=?iso-8859-1*en?q?a@b?=",
         "x"},
        // An encoded-word-shaped local part is still a local part.
        {"=?utf-8?q?x?=@example.com", "example.com", 1, "", "=?utf-8?q?x?="},
        {"\"a\\\"b\" <x@example.com>", "example.com", 1, "a\"b", "x"},
    });
}

TEST_CASE("mailbox: local parts, quoted and obsolete") {
    checkAccepted({
        {"\"john doe\"@example.com", "example.com", 1, "", "john doe"},
        {"\"john@doe\"@example.com", "example.com", 1, "", "john@doe"},
        {"\"john\\\"doe\"@example.com", "example.com", 1, "", "john\"doe"},
        {"<\"quoted\"@example.com>", "example.com", 1, "", "quoted"},
        {"\"a\".b@example.com", "example.com", 1, "", "a.b"},
        {"a.\"b c\".d@example.com", "example.com", 1, "", "a.b c.d"},
        {"\"\"@example.com", "example.com", 1, "", ""},
        {"\"with\\\x01obs-qp\"@example.com", "example.com", 1, "", "with\x01obs-qp"},
    });
}

TEST_CASE("mailbox: domains are validated and normalised by DomainName") {
    checkAccepted({
        {"user@EXAMPLE.COM", "example.com", 1, "", "user"},
        {"user@example.com.", "example.com", 1, "", "user"},
        {"<user@example.com.>", "example.com", 1, "", "user"},
        {"user@sub.example.co.uk", "sub.example.co.uk", 1, "", "user"},
        {"user@bücher.example", "xn--bcher-kva.example", 1, "", "user"},
        {"user@BÜCHER.example", "xn--bcher-kva.example", 1, "", "user"},
        {"user@xn--bcher-kva.example", "xn--bcher-kva.example", 1, "", "user"},
        {"user@example . com", "example.com", 1, "", "user"},
        {"user@example(c).com", "example.com", 1, "", "user"},
        {"user@localhost", "localhost", 1, "", "user"},
        {"user@123.example", "123.example", 1, "", "user"},
    });
}

TEST_CASE("mailbox: obs-route is skipped") {
    checkAccepted({
        {"<@hop1,@hop2:user@example.com>", "example.com", 1, "", "user"},
        {"Name <@hop1.example:user@example.com>", "example.com", 1, "Name", "user"},
        {"<,@hop1,,@hop2 , @[192.0.2.1]:user@example.com>", "example.com", 1, "", "user"},
        {"<@hop1,:user@example.com>", "example.com", 1, "", "user"},
        {"< @ hop1 . example (c) : user@example.com>", "example.com", 1, "", "user"},
    });
}

TEST_CASE("mailbox: mailbox lists, obs-mbox-list empty elements and groups") {
    checkAccepted({
        {"a@x.com, b@y.com", "x.com y.com", 2, "", "a"},
        {"a@x.com,,b@y.com", "x.com y.com", 2, "", "a"},
        {",a@x.com", "x.com", 1, "", "a"},
        {"a@x.com,", "x.com", 1, "", "a"},
        {", , a@x.com , ,", "x.com", 1, "", "a"},
        {"a@x.com, b@X.COM", "x.com", 2, "", "a"},
        {"a@x.com, b@y.com, c@x.com", "x.com y.com", 3, "", "a"},
        {"Sample User <user@example.com>,Sample2<user@example2.com>", "example.com example2.com",
         2, "Sample User", "user"},
        {"team: a@x.com, b@y.com;", "x.com y.com", 2, "", "a"},
        {"team: ,a@x.com,,;", "x.com", 1, "", "a"},
        {"\"Group Name\": Ann <a@x.com>;", "x.com", 1, "Ann", "a"},
        {"team: a@x.com; (trailing comment)", "x.com", 1, "", "a"},
        {"Undisclosed:;, a@x.com", "x.com", 1, "", "a"},
        {"a@x.com, Team: b@y.com, c@z.com;, d@w.com", "x.com y.com z.com w.com", 4, "", "a"},
    });
}

TEST_CASE("mailbox: the mailbox details survive into the result") {
    const auto result = parseFromValue("Ann <ann@x.com>, bob@Y.com, \"C\" <c@x.com>");
    REQUIRE(result.ok());
    REQUIRE(result->mailboxes.size() == 3);
    CHECK(result->mailboxes[1].displayName.empty());
    CHECK(result->mailboxes[1].localPart == "bob");
    CHECK(result->mailboxes[1].domain.str() == "y.com");
    CHECK(result->mailboxes[2].displayName == "C");
    CHECK(result->mailboxes[2].domain.str() == "x.com");
    CHECK_FALSE(result->singleDomain().has_value());

    const auto single = parseFromValue("a@x.com, b@X.com");
    REQUIRE(single.ok());
    REQUIRE(single->singleDomain().has_value());
    CHECK(single->singleDomain()->str() == "x.com");
}

TEST_CASE("mailbox: no mailbox at all") {
    checkRefused({
        {"", FromError::NoMailbox},
        {" ", FromError::NoMailbox},
        {"\r\n ", FromError::NoMailbox},
        {",", FromError::NoMailbox},
        {",,, ,", FromError::NoMailbox},
        {"(only a comment)", FromError::NoMailbox},
        {"Undisclosed:;", FromError::NoMailbox},
        {"Undisclosed recipients:;", FromError::NoMailbox},
        {"a:;, b:;", FromError::NoMailbox},
        {"team: (c) ;", FromError::NoMailbox},
    });
}

TEST_CASE("mailbox: mailboxes without a domain") {
    checkRefused({
        {"user", FromError::MailboxWithoutDomain},
        {"<user>", FromError::MailboxWithoutDomain},
        {"user@", FromError::MailboxWithoutDomain},
        {"user@ (comment)", FromError::MailboxWithoutDomain},
        {"<user@>", FromError::MailboxWithoutDomain},
        {"\"Test 1.1.5\"", FromError::MailboxWithoutDomain},
        {"user.name", FromError::MailboxWithoutDomain},
        {"a@x.com, user", FromError::MailboxWithoutDomain},
        {"Name <user>", FromError::MailboxWithoutDomain},
        {"team: user;", FromError::MailboxWithoutDomain},
        {"Doe, John <j@x.com>", FromError::MailboxWithoutDomain},
        {"MAILER-DAEMON", FromError::MailboxWithoutDomain},
    });
}

TEST_CASE("mailbox: address literals instead of domains") {
    checkRefused({
        {"user@[192.0.2.1]", FromError::DomainLiteral},
        {"<user@[IPv6:2001:db8::1]>", FromError::DomainLiteral},
        {"Name <user@[192.0.2.1]>", FromError::DomainLiteral},
        {"a@x.com, b@[192.0.2.1]", FromError::DomainLiteral},
        {"user@[]", FromError::DomainLiteral},
        {"user@[a\\]b]", FromError::DomainLiteral},
    });
}

TEST_CASE("mailbox: domains DomainName refuses") {
    checkRefused({
        {"user@exa_mple.com", FromError::InvalidDomain},
        {"user@-example.com", FromError::InvalidDomain},
        {"user@example-.com", FromError::InvalidDomain},
        {"user@example..com", FromError::InvalidDomain},
        {"user@.example.com", FromError::InvalidDomain},
        {"user@example.com..", FromError::InvalidDomain},
        {"user@.", FromError::InvalidDomain},
        {"user@192.0.2.1", FromError::InvalidDomain},
        {"user@example.123", FromError::InvalidDomain},
        {"user@ex!ample.com", FromError::InvalidDomain},
        {"user@=?utf-8?q?x?=", FromError::InvalidDomain},
        {"user@xn--zz.example", FromError::InvalidDomain},
        {"user@" + repeated("a", 64) + ".example", FromError::InvalidDomain},
        {"user@" + repeated("abcdefghi.", 26) + "com", FromError::InvalidDomain},
        {"a@x.com, b@bad_domain.com", FromError::InvalidDomain},
    });
}

TEST_CASE("mailbox: malformed fields") {
    checkRefused({
        {"\"unclosed <user@example.com>", FromError::Malformed},
        {"(unclosed user@example.com", FromError::Malformed},
        {"((a) user@example.com", FromError::Malformed},
        {"a) user@example.com", FromError::Malformed},
        {"user@example.com (trailing \\", FromError::Malformed},
        {"\"escape at the end\\", FromError::Malformed},
        {"<user@example.com", FromError::Malformed},
        {"user@example.com>", FromError::Malformed},
        {"<<user@example.com>>", FromError::Malformed},
        {"Name <a@x.com> trailing", FromError::Malformed},
        {"Name <a@x.com> <b@y.com>", FromError::Malformed},
        {"a@x.com b@y.com", FromError::Malformed},
        {"a@x.com <b@y.com>", FromError::Malformed},
        {"x@evil.example <ceo@bank.example>", FromError::Malformed},
        {"user@\"example.com\"", FromError::Malformed},
        {"a@b@example.com", FromError::Malformed},
        {"[192.0.2.1]", FromError::Malformed},
        {"user@[192.0.2.1", FromError::Malformed},
        {"user@[19[2.0.2.1]", FromError::Malformed},
        {"user@192.0.2.1]", FromError::Malformed},
        {"\\user@example.com", FromError::Malformed},
        {"team: a@x.com", FromError::Malformed},
        {"team: inner: a@x.com;;", FromError::Malformed},
        {": a@x.com;", FromError::Malformed},
        {"team:;a@x.com", FromError::Malformed},
        {"<>", FromError::Malformed},
        {"Name <>", FromError::Malformed},
        {". <a@x.com>", FromError::Malformed},
        {". Name: a@x.com;", FromError::Malformed},
        {"user..name@example.com", FromError::Malformed},
        {".user@example.com", FromError::Malformed},
        {"user.@example.com", FromError::Malformed},
        {"john doe@example.com", FromError::Malformed},
        {"\"a\" \"b\"@example.com", FromError::Malformed},
        {"<john doe@example.com>", FromError::Malformed},
        {"<user.>", FromError::Malformed},
        {"a@x.com;", FromError::Malformed},
        {"a@x.com, b@y.com;", FromError::Malformed},
        {"a@x.com:", FromError::Malformed},
        {"Sample User", FromError::Malformed},
        {"@example.com", FromError::Malformed},
        {"<@example.com>", FromError::Malformed},
        {"<@hop1 user@example.com>", FromError::Malformed},
        {"<@:user@example.com>", FromError::Malformed},
        {"<@hop1.:user@example.com>", FromError::Malformed},
        {"<@\"hop\":user@example.com>", FromError::Malformed},
        {"<,:user@example.com>", FromError::Malformed},
        {std::string("user\x01@example.com"), FromError::Malformed},
        {std::string("user\x7f@example.com"), FromError::Malformed},
        {std::string("user@exa\0mple.com", 17), FromError::Malformed},
        {std::string("\"a\0b\" <x@example.com>", 21), FromError::Malformed},
        {std::string("(a\0) x@example.com", 18), FromError::Malformed},
        {std::string("user@[1\0]", 9), FromError::Malformed},
        {"Name <a@x.com>, <", FromError::Malformed},
        {"a@x.com]", FromError::Malformed},
        // '<' is not encoded-text, so this is no encoded-word: "?=" is a stray word.
        {"=?utf-8?q?<x@evil.example>?= <y@example.com>", FromError::Malformed},
        // A lexical error anywhere outranks what the parser concluded before reaching it.
        {"user@[192.0.2.1] (unclosed", FromError::Malformed},
        {"Name <user> \"unclosed", FromError::Malformed},
        {repeated("(", 65) + repeated(")", 65) + " user@example.com", FromError::Malformed},
    });
}

TEST_CASE("mailbox: exactly one From field is required, or every field is merged") {
    using Bodies = std::vector<std::string_view>;

    const auto none = authorDomains(Bodies{});
    REQUIRE_FALSE(none.ok());
    CHECK(none.error() == FromError::NoFromField);

    const auto one = authorDomains(Bodies{" Ann <ann@example.com>"});
    REQUIRE(one.ok());
    CHECK(joinedDomains(*one) == "example.com");

    const auto bad = authorDomains(Bodies{"user@[192.0.2.1]"});
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error() == FromError::DomainLiteral);

    // Even two identical fields: RFC 5322 §3.6 allows one, and a second field is how
    // OpenDMARC was fooled (CVE-2019-16378, CVE-2021-34555).
    for (const Bodies& bodies : {Bodies{"a@x.com", "a@x.com"}, Bodies{"a@x.com", "b@evil.com"},
                                 Bodies{"", "a@x.com"}, Bodies{"a@x.com", "", ""}}) {
        const auto several = authorDomains(bodies);
        REQUIRE_FALSE(several.ok());
        CHECK(several.error() == FromError::SeveralFromFields);
    }

    const auto noneMerged = authorDomainsOfEveryField(Bodies{});
    REQUIRE_FALSE(noneMerged.ok());
    CHECK(noneMerged.error() == FromError::NoFromField);

    const auto merged = authorDomainsOfEveryField(Bodies{"a@x.com, b@y.com", "c@Y.com", "d@z.com"});
    REQUIRE(merged.ok());
    CHECK(joinedDomains(*merged) == "x.com y.com z.com");
    CHECK(merged->mailboxes.size() == 4);
    CHECK(merged->mailboxes[2].localPart == "c");

    const auto oneBad = authorDomainsOfEveryField(Bodies{"a@x.com", "b@[192.0.2.1]", "\"x"});
    REQUIRE_FALSE(oneBad.ok());
    CHECK(oneBad.error() == FromError::DomainLiteral);

    const auto emptyField = authorDomainsOfEveryField(Bodies{"a@x.com", "Undisclosed:;"});
    REQUIRE_FALSE(emptyField.ok());
    CHECK(emptyField.error() == FromError::NoMailbox);

    // The mailbox cap holds across fields too.
    const std::string half = repeated("a@x.com,", kMaxMailboxes / 2);
    const std::string overHalf = repeated("a@x.com,", kMaxMailboxes / 2 + 1);
    const auto atCap = authorDomainsOfEveryField(Bodies{half, half});
    REQUIRE(atCap.ok());
    CHECK(atCap->mailboxes.size() == kMaxMailboxes);
    const auto overCap = authorDomainsOfEveryField(Bodies{half, overHalf});
    REQUIRE_FALSE(overCap.ok());
    CHECK(overCap.error() == FromError::TooManyMailboxes);
}

TEST_CASE("mailbox: hostile input stays within the caps") {
    SECTION("length") {
        std::string atCap = "user@example.com";
        atCap += std::string(kMaxFromFieldLength - atCap.size(), ' ');
        REQUIRE(atCap.size() == kMaxFromFieldLength);
        CHECK(parseFromValue(atCap).ok());
        const auto over = parseFromValue(atCap + " ");
        REQUIRE_FALSE(over.ok());
        CHECK(over.error() == FromError::TooLong);
        const auto commas = parseFromValue(repeated(",", 100000) + "a@x.com");
        REQUIRE_FALSE(commas.ok());
        CHECK(commas.error() == FromError::TooLong);
    }
    SECTION("mailbox count") {
        const auto atCap = parseFromValue(repeated("a@x.com,", kMaxMailboxes));
        REQUIRE(atCap.ok());
        CHECK(atCap->mailboxes.size() == kMaxMailboxes);
        CHECK(atCap->domains.size() == 1);
        const auto over = parseFromValue(repeated("a@x.com,", kMaxMailboxes + 1));
        REQUIRE_FALSE(over.ok());
        CHECK(over.error() == FromError::TooManyMailboxes);
        const auto inGroup = parseFromValue("g:" + repeated("a@x.com,", kMaxMailboxes + 1) + ";");
        REQUIRE_FALSE(inGroup.ok());
        CHECK(inGroup.error() == FromError::TooManyMailboxes);
    }
    SECTION("many distinct domains") {
        std::string field;
        for (std::size_t i = 0; i < kMaxMailboxes; ++i) field += "a@d" + std::to_string(i) + ".example,";
        const auto result = parseFromValue(field);
        REQUIRE(result.ok());
        CHECK(result->domains.size() == kMaxMailboxes);
        CHECK(result->domains.back().str() == "d511.example");
    }
    SECTION("empty list elements and groups in bulk") {
        const auto leading = parseFromValue(repeated(",", 65000) + "a@x.com");
        REQUIRE(leading.ok());
        CHECK(leading->mailboxes.size() == 1);
        const auto trailing = parseFromValue("a@x.com" + repeated(" ,", 30000));
        REQUIRE(trailing.ok());
        const auto groups = parseFromValue(repeated("g:;,", 16000));
        REQUIRE_FALSE(groups.ok());
        CHECK(groups.error() == FromError::NoMailbox);
        const auto commasOnly = parseFromValue(repeated(",", kMaxFromFieldLength));
        REQUIRE_FALSE(commasOnly.ok());
        CHECK(commasOnly.error() == FromError::NoMailbox);
    }
    SECTION("deep and unbalanced nesting") {
        for (const std::string& input :
             {repeated("(", 60000), repeated(")", 60000), repeated("<", 60000),
              repeated(">", 60000), repeated("\"", 60001), repeated("[", 60000),
              repeated("(a)", 20000) + "(", repeated("<a@x.com>", 7000)}) {
            CAPTURE(input.substr(0, 20));
            const auto result = parseFromValue(input);
            REQUIRE_FALSE(result.ok());
            CHECK(result.error() == FromError::Malformed);
        }
    }
    SECTION("long words") {
        const auto longLocal = parseFromValue(repeated("a", 60000) + "@example.com");
        REQUIRE(longLocal.ok());
        CHECK(longLocal->mailboxes.front().localPart.size() == 60000);
        const auto dottedLocal = parseFromValue(repeated("a.", 30000) + "a@example.com");
        REQUIRE(dottedLocal.ok());
        const auto longName = parseFromValue(repeated("word ", 12000) + "<a@example.com>");
        REQUIRE(longName.ok());
        const auto quotedName = parseFromValue(repeated("\"q\" ", 15000) + "<a@example.com>");
        REQUIRE(quotedName.ok());
        const auto longDomain = parseFromValue("a@" + repeated("a.", 30000) + "com");
        REQUIRE_FALSE(longDomain.ok());
        CHECK(longDomain.error() == FromError::InvalidDomain);
        const auto dots = parseFromValue(repeated(".", 60000));
        REQUIRE_FALSE(dots.ok());
        CHECK(dots.error() == FromError::Malformed);
    }
    SECTION("encoded-word look-alikes") {
        for (const std::string& input :
             {repeated("=?", 30000), repeated("=?a?q?", 10000), repeated("=?utf-8?q?a@b", 4000),
              "=?utf-8?q?" + repeated("x", 80) + "@evil.example?= <a@example.com>"}) {
            CAPTURE(input.substr(0, 30));
            CHECK_FALSE(parseFromValue(input).ok());
        }
    }
}

TEST_CASE("mailbox: every error has its own description") {
    const std::vector<FromError> errors = {
        FromError::NoFromField,   FromError::SeveralFromFields, FromError::NoMailbox,
        FromError::MailboxWithoutDomain, FromError::DomainLiteral, FromError::InvalidDomain,
        FromError::Malformed,     FromError::TooManyMailboxes,  FromError::TooLong};
    for (std::size_t i = 0; i < errors.size(); ++i) {
        CAPTURE(i);
        CHECK_FALSE(describe(errors[i]).empty());
        for (std::size_t j = 0; j < i; ++j) CHECK(describe(errors[i]) != describe(errors[j]));
    }
}
