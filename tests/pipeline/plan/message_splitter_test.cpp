// dmarc-check's message splitter: header fields as libmilter delivers them with
// SMFIP_HDR_LEADSPC (value after the colon, leading space kept, folds as LF), the body
// with CRLF line ends, from LF or CRLF files.
#include <catch2/catch.hpp>

#include <string>

#include "pipeline/message_splitter.h"

using dmarc::pipeline::bodyChunks;
using dmarc::pipeline::HeaderField;
using dmarc::pipeline::splitMessage;

TEST_CASE("CRLF and LF files split into the same fields and body") {
    const std::string crlf = "From: Alice <alice@example.com>\r\nSubject: hi\r\n\r\nline one\r\nline two\r\n";
    const std::string lf = "From: Alice <alice@example.com>\nSubject: hi\n\nline one\nline two\n";
    for (const std::string& input : {crlf, lf}) {
        const auto split = splitMessage(input);
        REQUIRE(split.headers.size() == 2);
        CHECK(split.headers[0] == HeaderField{"From", " Alice <alice@example.com>"});
        CHECK(split.headers[1] == HeaderField{"Subject", " hi"});
        CHECK(split.body == "line one\r\nline two\r\n");
    }
}

TEST_CASE("A folded value keeps its continuation whitespace joined by a bare LF") {
    const auto split = splitMessage("Subject: A folded\r\n  subject\r\n\tline\r\nTo: b@example.net\r\n\r\nx\r\n");
    REQUIRE(split.headers.size() == 2);
    CHECK(split.headers[0].value == " A folded\n  subject\n\tline");
    CHECK(split.headers[1] == HeaderField{"To", " b@example.net"});
}

TEST_CASE("The value is everything after the colon, with or without a leading space") {
    const auto split = splitMessage("X-A:tight\nX-B:  two spaces \nX-C:\n\n");
    REQUIRE(split.headers.size() == 3);
    CHECK(split.headers[0].value == "tight");
    CHECK(split.headers[1].value == "  two spaces ");
    CHECK(split.headers[2].value.empty());
    CHECK(split.body.empty());
}

TEST_CASE("A message without an empty line is all header") {
    const auto split = splitMessage("From: a@example.com\r\nSubject: s");
    REQUIRE(split.headers.size() == 2);
    CHECK(split.headers[1].value == " s");
    CHECK(split.body.empty());
}

TEST_CASE("A line that is no field starts the body") {
    const auto split = splitMessage("From: a@example.com\nnot a header line\nSecond: line\n");
    REQUIRE(split.headers.size() == 1);
    CHECK(split.body == "not a header line\r\nSecond: line\r\n");
}

TEST_CASE("A field name with a space or nothing before the colon is no field") {
    const std::string input = GENERATE(as<std::string>{}, "Bad Name: x\n\nbody\n", ": x\n\nbody\n");
    const auto split = splitMessage(input);
    CHECK(split.headers.empty());
    CHECK(split.body.starts_with(input.substr(0, input.find('\n')) + "\r\n"));
}

TEST_CASE("A continuation line before any field starts the body") {
    const auto split = splitMessage(" indented\nFrom: a@example.com\n");
    CHECK(split.headers.empty());
    CHECK(split.body == " indented\r\nFrom: a@example.com\r\n");
}

TEST_CASE("A leading mbox From_ line is dropped, the obsolete From : field is kept as a field") {
    const auto mbox = splitMessage("From alice@example.com Mon Jan  1 12:00:00 2024\nFrom: a@example.com\n\nb\n");
    REQUIRE(mbox.headers.size() == 1);
    CHECK(mbox.headers[0] == HeaderField{"From", " a@example.com"});
    // "From :" (RFC 5322 obs-optional) is not an mbox separator but the From field: Postfix
    // hands it to the milter as "From", so dmarc-check must evaluate the same author.
    const auto obsolete = splitMessage("From : a@example.com\n\nb\n");
    REQUIRE(obsolete.headers.size() == 1);
    CHECK(obsolete.headers[0] == HeaderField{"From", " a@example.com"});
    CHECK(obsolete.body == "b\r\n");
}

TEST_CASE("Whitespace before the colon is dropped from the name, a name with inner space is no field") {
    const auto split = splitMessage("Subject \t: hi\nX-Tab\t:v\nSub ject: no\nTo: c@example.net\n");
    REQUIRE(split.headers.size() == 2);
    CHECK(split.headers[0] == HeaderField{"Subject", " hi"});
    CHECK(split.headers[1] == HeaderField{"X-Tab", "v"});
    CHECK(split.body == "Sub ject: no\r\nTo: c@example.net\r\n");
    // Only whitespace before the colon names nothing.
    CHECK(splitMessage(" : x\n").headers.empty());
    CHECK(splitMessage("\t:\n").headers.empty());
}

TEST_CASE("Body line ends become CRLF, a last line without one gets it, stray CRs stay") {
    const auto split = splitMessage("A: b\n\none\r\ntwo\nthree\rstill three\nlast");
    CHECK(split.body == "one\r\ntwo\r\nthree\rstill three\r\nlast\r\n");
}

TEST_CASE("Empty lines inside the body are kept") {
    const auto split = splitMessage("A: b\r\n\r\n\r\npara\r\n\r\n\r\n");
    CHECK(split.body == "\r\npara\r\n\r\n\r\n");
}

TEST_CASE("An empty input has no fields and no body") {
    const auto split = splitMessage("");
    CHECK(split.headers.empty());
    CHECK(split.body.empty());
}

TEST_CASE("Body chunks cover the body in order, none over the chunk size") {
    const std::string body(150, 'x');
    const auto chunks = bodyChunks(body, 64);
    REQUIRE(chunks.size() == 3);
    CHECK(chunks[0].size() == 64);
    CHECK(chunks[1].size() == 64);
    CHECK(chunks[2].size() == 22);
    std::string joined;
    for (const auto chunk : chunks) joined.append(chunk);
    CHECK(joined == body);
    CHECK(bodyChunks("").empty());
    CHECK(bodyChunks(std::string(dmarc::pipeline::kBodyChunkSize, 'y')).size() == 1);
}
