// Tests for lib/adapters/dkim_signature_tags: the RFC 6376 §3.2 tag-list reader and the
// §3.5/§6.1.1 checks run on every DKIM-Signature field before libopendkim sees it.
#include <catch2/catch.hpp>

#include <string>

#include "adapters/dkim_signature_tags.h"

using dmarc::adapters::DkimResult;
using dmarc::adapters::maxSignedHeaderFields;
using dmarc::adapters::readSignatureTags;

namespace {

// A complete, valid tag-list; `extra` is appended before b=.
std::string field(const std::string& extra = {}) {
    return " v=1; a=rsa-sha256; c=relaxed/simple; d=example.com; s=sel;\n"
           "\th=from:to:subject; bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=;" +
           extra + "\n b=AbCdEf GhIj\n KlMnOpQrStUvWxYz0123";
}

}  // namespace

TEST_CASE("dkim_signature_tags reads a valid field and its reporting values") {
    const auto tags = readSignatureTags(field(" i=@mail.example.com;"));
    CHECK(tags.usable);
    CHECK(tags.reason.empty());
    CHECK(tags.version == "1");
    CHECK(tags.algorithm == "rsa-sha256");
    CHECK(tags.domain == "example.com");
    CHECK(tags.selector == "sel");
    CHECK(tags.identity == "@mail.example.com");
    CHECK(tags.signaturePrefix == "AbCdEfGhIjKlMnOp");  // folding whitespace removed, 16 characters
}

TEST_CASE("dkim_signature_tags accepts RFC 6376 tag-list forms") {
    const auto [text] = GENERATE(table<std::string>({
        {"v=1;a=rsa-sha256;d=example.com;s=s;h=from;bh=YQ==;b=YQ=="},          // no spaces
        {"v=1;a=rsa-sha256;d=example.com;s=s;h=from;bh=YQ==;b=YQ==;"},         // trailing ';'
        {" v = 1 ; a = rsa-sha256 ; d = example.com ; s = s ; h = from ; bh = YQ== ; b = YQ== "},
        {"\r\n v=1;\r\n\ta=rsa-sha256; d=example.com; s=s; h=from; bh=YQ==; b=Y Q\r\n =="},  // CRLF folds
        {"v=1; a=rsa-sha256; d=example.com; s=s; h=from; bh=YQ==; b=YQ==; x_y9=anything!~; t=1; x=2; l=0"},
        {"v=1; a=rsa-sha256; d=example.com; s=s; h=from; bh=YQ==; b=YQ==; z=From:a=20b|To:c; q=dns/txt"},
    }));
    CAPTURE(text);
    const auto tags = readSignatureTags(text);
    CHECK(tags.usable);
    CHECK(tags.reason.empty());
}

TEST_CASE("dkim_signature_tags refuses malformed fields with a permerror reason") {
    const auto [text, reason] = GENERATE(table<std::string, std::string>({
        {"", "empty tag-list"},
        {"  \n ", "empty tag-list"},
        {"synerr", "syntax error in tag synerr"},                          // Mail::DKIM multiple_2
        {"v=1; ; a=rsa-sha256", "syntax error in tag-list"},               // empty tag-spec
        {";v=1", "syntax error in tag-list"},
        {"1v=1", "syntax error in tag-list"},                              // tag-name starts with ALPHA
        {"!cd=x; v=1", "syntax error in tag-list"},                        // no conditional signatures
        {"v-x=1", "syntax error in tag v"},
        {"v=1; a=rsa-sha256; d=exa\x80mple.com", "syntax error in tag d"},  // 8-bit octet
        {"v=1; a=rsa\x01sha256", "syntax error in tag a"},                  // control octet
        {"v=1; v=1; a=rsa-sha256", "duplicate tag v"},                     // RFC 6376 §3.2
        {"a=rsa-sha256; d=example.com; s=s; h=from; bh=YQ==; b=YQ==", "v= tag missing (pre-RFC 6376 signature)"},
        {"v=0.5; a=rsa-sha1; d=example.com; s=s; h=from; bh=YQ==; b=YQ==", "unsupported version v=0.5"},
        {"v=DKIM1; a=rsa-sha256", "unsupported version v=DKIM1"},
        {"v=; a=rsa-sha256", "unsupported version v="},
        {"v=1; d=example.com; s=s; h=from; bh=YQ==; b=YQ==", "tag a missing"},
        {"v=1; a=rsa-sha256; d=example.com; s=s; h=from; bh=YQ==", "tag b missing"},
        {"v=1; a=rsa-sha256; d=example.com; s=s; h=from; b=YQ==", "tag bh missing"},
        {"v=1; a=rsa-sha256; s=s; h=from; bh=YQ==; b=YQ==", "tag d missing"},
        {"v=1; a=rsa-sha256; d=example.com; s=s; bh=YQ==; b=YQ==", "tag h missing"},
        {"v=1; a=rsa-sha256; d=example.com; h=from; bh=YQ==; b=YQ==", "tag s missing"},
        {"v=1; a=rsa-sha256; d=; s=s; h=from; bh=YQ==; b=YQ==", "tag d empty"},
        {"v=1; a=rsa-sha256; d=example.com; s=s; h=from; bh=YQ==; b=", "tag b empty"},
        {"v=1; a=rsa-sha256; d=example.com; s=s; h=from; bh=YQ==; b=YQ==; t=-1", "syntax error in tag t"},
        {"v=1; a=rsa-sha256; d=example.com; s=s; h=from; bh=YQ==; b=YQ==; t=1234567890123", "syntax error in tag t"},
        {"v=1; a=rsa-sha256; d=example.com; s=s; h=from; bh=YQ==; b=YQ==; x=soon", "syntax error in tag x"},
        {"v=1; a=rsa-sha256; d=example.com; s=s; h=from; bh=YQ==; b=YQ==; l=", "syntax error in tag l"},
        {"v=1; a=rsa-sha256; d=example.com; s=s; h=from; bh=YQ==; b=YQ==; l=0x10", "syntax error in tag l"},
    }));
    CAPTURE(text);
    const auto tags = readSignatureTags(text);
    CHECK_FALSE(tags.usable);
    CHECK(tags.refusal == DkimResult::PermError);
    CHECK(tags.reason == reason);
}

TEST_CASE("dkim_signature_tags refuses a key name over 253 octets") {
    const std::string selector(120, 's');
    const std::string domain = std::string(63, 'a') + "." + std::string(63, 'b') + ".example";
    const std::string text = "v=1; a=rsa-sha256; d=" + domain + "; s=" + selector + "; h=from; bh=YQ==; b=YQ==";
    const auto tags = readSignatureTags(text);
    CHECK_FALSE(tags.usable);
    CHECK(tags.reason == "d= and s= too long for a DNS name");
    const auto fits = readSignatureTags("v=1; a=rsa-sha256; d=" + domain + "; s=" + selector.substr(0, 49) +
                                        "; h=from; bh=YQ==; b=YQ==");
    CHECK(fits.usable);  // 49 + 12 + 192 = 253
}

TEST_CASE("dkim_signature_tags leaves a field with too long an h= unchecked (neutral)") {
    std::string list = "from";
    for (std::size_t i = 1; i < maxSignedHeaderFields; ++i) list += ":from";
    const std::string head = "v=1; a=rsa-sha256; d=example.com; s=s; bh=YQ==; b=YQ==; h=";
    CHECK(readSignatureTags(head + list).usable);
    const auto over = readSignatureTags(head + list + ":to");
    CHECK_FALSE(over.usable);
    CHECK(over.refusal == DkimResult::Neutral);
    CHECK(over.reason == "not checked: h= lists more than 256 fields");
}

TEST_CASE("dkim_signature_tags cuts long values and reads hostile input in one pass") {
    const std::string longDomain(100000, 'a');
    const auto tags = readSignatureTags("v=1; a=rsa-sha256; s=s; h=from; bh=YQ==; b=YQ==; d=" + longDomain);
    CHECK(tags.domain.size() == 255);
    CHECK(tags.reason == "d= and s= too long for a DNS name");
    std::string many;
    for (int i = 0; i < 20000; ++i) many += "t" + std::to_string(i) + "=x;";
    const auto manyTags = readSignatureTags(many);
    CHECK(manyTags.reason == "v= tag missing (pre-RFC 6376 signature)");
    const auto shownVersion = readSignatureTags("v=" + std::string(1000, '9'));
    CHECK(shownVersion.reason == "unsupported version v=9999999999999999...");
}
