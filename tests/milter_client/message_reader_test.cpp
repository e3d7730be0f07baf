// Tests for message_reader.h and message_source.h: how raw RFC 5322 bytes become the
// header fields and CRLF body chunks an MTA sends, streaming and bounded.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "milter_client/message_reader.h"
#include "milter_client/message_source.h"

using namespace dmarc::milterclient;
using namespace std::string_literals;

namespace {

struct Split {
    std::vector<HeaderField> headers;
    std::string body;
    std::vector<std::size_t> chunkSizes;
};

Split split(ByteSource& source, std::size_t chunk = 65535) {
    MessageReader reader(source);
    Split result;
    for (;;) {
        auto field = reader.nextHeader();
        REQUIRE(field.ok());
        if (!*field) break;
        result.headers.push_back(**field);
    }
    for (;;) {
        auto piece = reader.nextBodyChunk(chunk);
        REQUIRE(piece.ok());
        if (piece->empty()) break;
        result.chunkSizes.push_back(piece->size());
        result.body.append(*piece);
    }
    return result;
}

Split split(const std::string& raw, std::size_t chunk = 65535) {
    StringSource source(raw);
    return split(source, chunk);
}

// Serves its text a few bytes at a time, to cross every buffer boundary.
class TricklingSource final : public ByteSource {
public:
    TricklingSource(std::string text, std::size_t step) : text_(std::move(text)), step_(step) {}
    ClientResult<std::size_t> read(char* buffer, std::size_t capacity) override {
        const std::size_t count = std::min({capacity, step_, text_.size() - pos_});
        text_.copy(buffer, count, pos_);
        pos_ += count;
        return count;
    }

private:
    std::string text_;
    std::size_t step_;
    std::size_t pos_ = 0;
};

class FailingSource final : public ByteSource {
public:
    ClientResult<std::size_t> read(char*, std::size_t) override {
        return clientFail(ErrorKind::Source, "disk on fire");
    }
};

using H = std::vector<HeaderField>;

}  // namespace

TEST_CASE("header fields split like Postfix sends them to a milter") {
    struct Row {
        std::string raw;
        H headers;
        std::string body;
    };
    const Row rows[] = {
        {"Subject: hi\r\n\r\nbody\r\n", H{{"Subject", " hi"}}, "body\r\n"},
        {"Subject: hi\n\nbody\n", H{{"Subject", " hi"}}, "body\r\n"},
        {"Subject:hi\n\nx\n", H{{"Subject", "hi"}}, "x\r\n"},
        {"Subject:  two spaces\n\n", H{{"Subject", "  two spaces"}}, ""},
        {"Subject:\ttab\n\n", H{{"Subject", "\ttab"}}, ""},
        {"Subject:\n\n", H{{"Subject", ""}}, ""},
        // Folded fields keep their continuation lines, joined by a bare LF.
        {"DKIM-Signature: v=1;\r\n\ta=rsa-sha256;\r\n d=example.com\r\n\r\n",
         H{{"DKIM-Signature", " v=1;\n\ta=rsa-sha256;\n d=example.com"}}, ""},
        {"To: a,\n  b\nFrom: c\n\n", H{{"To", " a,\n  b"}, {"From", " c"}}, ""},
        // White space between the name and the colon is dropped (Postfix is_header).
        {"Subject : spaced\n\n", H{{"Subject", " spaced"}}, ""},
        {"Subject\t: tabbed\n\n", H{{"Subject", " tabbed"}}, ""},
        // Names are case-preserved and may hold any printable ASCII but the colon.
        {"x-WEIRD_name.1!: v\n\n", H{{"x-WEIRD_name.1!", " v"}}, ""},
        // A line that is no header field ends the section and starts the body.
        {"Subject: a\nnot a header\nmore\n", H{{"Subject", " a"}}, "not a header\r\nmore\r\n"},
        {"Subject: a\n: empty name\n", H{{"Subject", " a"}}, ": empty name\r\n"},
        {"Bad Name: x\n\nb\n", H{}, "Bad Name: x\r\n\r\nb\r\n"},
        // A message starting with white space has no header section at all.
        {" leading\nSubject: x\n", H{}, " leading\r\nSubject: x\r\n"},
        // No body, no empty line, no final line end.
        {"Subject: a", H{{"Subject", " a"}}, ""},
        {"Subject: a\n", H{{"Subject", " a"}}, ""},
        {"", H{}, ""},
        {"\n", H{}, ""},
        {"\r\n", H{}, ""},
        {"\n\nbody", H{}, "\r\nbody\r\n"},
        // Values keep their bytes: 8-bit, NUL, lone CR.
        {"Subject: caf\xC3\xA9 \x01\0x\rend\n\n"s, H{{"Subject", " caf\xC3\xA9 \x01\0x\rend"s}}, ""},
        // Duplicate fields stay separate and in order.
        {"Received: 1\nReceived: 2\n\n", H{{"Received", " 1"}, {"Received", " 2"}}, ""},
    };
    for (const Row& row : rows) {
        CAPTURE(row.raw);
        const Split result = split(row.raw);
        CHECK(result.headers == row.headers);
        CHECK(result.body == row.body);
    }
}

TEST_CASE("the body goes out with CRLF line ends and a final line end, as SMTP DATA carries it") {
    const std::tuple<std::string, std::string> rows[] = {
        {"\nline\n", "line\r\n"},
        {"\nline\r\n", "line\r\n"},
        {"\na\nb\r\nc\n", "a\r\nb\r\nc\r\n"},
        {"\nno final newline", "no final newline\r\n"},
        {"\ncr at end\r", "cr at end\r\n"},
        {"\nlone\rcr\n", "lone\rcr\r\n"},
        {"\n\n\n", "\r\n\r\n"},
        {"\n\r\n", "\r\n"},
        {"\n", ""},
        {"\n.\n..\n", ".\r\n..\r\n"},
        {"\nbin\0ary\n"s, "bin\0ary\r\n"s},
    };
    for (const auto& [raw, body] : rows) {
        CAPTURE(raw);
        CHECK(split(raw).body == body);
    }
}

TEST_CASE("body chunks are filled to the chunk size, CRLF pairs may straddle two chunks") {
    const std::string raw = "S: x\n\n" + std::string(10, 'a') + "\n" + std::string(3, 'b') + "\n";
    const std::string expected = std::string(10, 'a') + "\r\n" + std::string(3, 'b') + "\r\n";
    for (std::size_t chunk = 1; chunk <= expected.size() + 2; ++chunk) {
        CAPTURE(chunk);
        const Split result = split(raw, chunk);
        CHECK(result.body == expected);
        for (std::size_t i = 0; i + 1 < result.chunkSizes.size(); ++i) CHECK(result.chunkSizes[i] == chunk);
        REQUIRE_FALSE(result.chunkSizes.empty());
        CHECK(result.chunkSizes.back() <= chunk);
        CHECK(result.chunkSizes.size() == (expected.size() + chunk - 1) / chunk);
    }
}

TEST_CASE("splitting does not depend on how the source delivers its bytes") {
    const std::string raw =
        "Received: from a\r\n\tby b\r\nSubject: s\nDKIM-Signature: v=1;\n b=abc\n\nline 1\r\nline 2\nend";
    const Split whole = split(raw);
    for (std::size_t step = 1; step <= 7; ++step) {
        CAPTURE(step);
        TricklingSource source(raw, step);
        const Split trickled = split(source, 5);
        CHECK(trickled.headers == whole.headers);
        CHECK(trickled.body == whole.body);
    }
    CHECK(whole.headers == H{{"Received", " from a\n\tby b"}, {"Subject", " s"}, {"DKIM-Signature", " v=1;\n b=abc"}});
    CHECK(whole.body == "line 1\r\nline 2\r\nend\r\n");
}

TEST_CASE("reading the body first skips the header fields not read yet") {
    StringSource source("A: 1\nB: 2\n\nbody\n");
    MessageReader reader(source);
    auto first = reader.nextHeader();
    REQUIRE(first.ok());
    REQUIRE(first->has_value());
    auto chunk = reader.nextBodyChunk(100);
    REQUIRE(chunk.ok());
    CHECK(*chunk == "body\r\n");
    auto after = reader.nextHeader();
    REQUIRE(after.ok());
    CHECK_FALSE(after->has_value());
}

TEST_CASE("an oversized header field or a failing source is an error value") {
    SECTION("one long line") {
        StringSource source("X-Big: " + std::string(MessageReader::kMaxHeaderField, 'x') + "\n\n");
        MessageReader reader(source);
        auto field = reader.nextHeader();
        REQUIRE_FALSE(field.ok());
        CHECK(field.error().kind == ErrorKind::Source);
    }
    SECTION("many continuation lines") {
        std::string raw = "X-Folded: a\n";
        for (int i = 0; i < 20000; ++i) raw += " " + std::string(60, 'c') + "\n";
        StringSource source(raw + "\n");
        MessageReader reader(source);
        auto field = reader.nextHeader();
        REQUIRE_FALSE(field.ok());
        CHECK(field.error().kind == ErrorKind::Source);
    }
    SECTION("a field just under the cap passes") {
        StringSource source("X-Big:" + std::string(MessageReader::kMaxHeaderField - 8, 'x') + "\n\n");
        MessageReader reader(source);
        auto field = reader.nextHeader();
        REQUIRE(field.ok());
        CHECK((*field)->value.size() == MessageReader::kMaxHeaderField - 8);
    }
    SECTION("the source fails") {
        FailingSource source;
        MessageReader reader(source);
        auto field = reader.nextHeader();
        REQUIRE_FALSE(field.ok());
        CHECK(field.error().detail == "disk on fire");
        auto chunk = reader.nextBodyChunk(10);
        REQUIRE_FALSE(chunk.ok());
    }
}

TEST_CASE("GeneratedSource yields exactly the asked body size in CRLF lines, deterministically") {
    for (const std::uint64_t size : {0ULL, 2ULL, 77ULL, 78ULL, 80ULL, 156ULL, 100000ULL}) {
        CAPTURE(size);
        GeneratedSource first("Subject: generated\r\n", size, 7);
        GeneratedSource second("Subject: generated\r\n", size, 7);
        GeneratedSource other("Subject: generated\r\n", size, 8);
        const Split a = split(first);
        const Split b = split(second);
        const Split c = split(other);
        CHECK(a.headers == H{{"Subject", " generated"}});
        CHECK(a.body.size() == size);
        CHECK(a.body == b.body);
        if (size > 2) CHECK(a.body != c.body);
        for (std::size_t line = 0; line < a.body.size(); line += GeneratedSource::kLineLength) {
            const std::size_t end = std::min<std::size_t>(line + GeneratedSource::kLineLength, a.body.size());
            CHECK(a.body.substr(end - 2, 2) == "\r\n");
            CHECK(a.body.substr(line, end - line - 2).find_first_of("\r\n") == std::string::npos);
        }
    }
}

TEST_CASE("a generated size of 1 modulo the line length ends in a lone LF, sent as CRLF") {
    GeneratedSource source("", 79, 1);
    const Split result = split(source);
    CHECK(result.body.size() == 80);
    CHECK(result.body.substr(76) == "\r\n\r\n");
}

TEST_CASE("FileSource reads a file and reports a missing one") {
    auto missing = FileSource::open("/nonexistent/message.eml");
    REQUIRE_FALSE(missing.ok());
    CHECK(missing.error().kind == ErrorKind::Source);
    char path[] = "/tmp/milter-client-XXXXXX";
    const int fd = mkstemp(path);
    REQUIRE(fd >= 0);
    const std::string raw = "Subject: file\n\nfrom a file\n";
    REQUIRE(write(fd, raw.data(), raw.size()) == static_cast<ssize_t>(raw.size()));
    close(fd);
    auto file = FileSource::open(path);
    REQUIRE(file.ok());
    const Split result = split(file.value());
    unlink(path);
    CHECK(result.headers == H{{"Subject", " file"}});
    CHECK(result.body == "from a file\r\n");
}
