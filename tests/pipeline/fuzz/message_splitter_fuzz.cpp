// Fuzz target for pipeline::splitMessage and bodyChunks (message_splitter.h): any bytes as
// the message file dmarc-check reads, which an admin may have saved from anywhere.
// Invariants on any input: never throws; every field name is non-empty printable ASCII
// without ':' and the name, any SP/HTAB (the obsolete "name :" form Postfix accepts), ':'
// and the value's first line are in the input, as is every fold;
// a value has no LF but the one a fold starts with (followed by SP or HTAB); the body is
// the input's tail with each line ended by CRLF (so no bare LF, CRLF last) and at most
// twice the input plus one line end; bodyChunks cut it into non-empty pieces of at most
// the chunk size that join back to it. And, as the header promises, the split does not
// depend on how the file was written: bare LF or CRLF line ends, an added mbox "From "
// line, or the split itself written back out (fields, blank line, body) split again all
// give the same fields and body. CRs other than a line end's are content by design (left
// for the DKIM verifier), so values and body lines may hold them.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "pipeline/message_splitter.h"

namespace {

using dmarc::pipeline::bodyChunks;
using dmarc::pipeline::kBodyChunkSize;
using dmarc::pipeline::SplitMessage;
using dmarc::pipeline::splitMessage;

void check(bool ok) {
    if (!ok) __builtin_trap();
}

bool sameSplit(const SplitMessage& a, const SplitMessage& b) { return a.headers == b.headers && a.body == b.body; }

// `text` with every line ended by LF alone: a CR just before an LF dropped, an unterminated
// last line terminated. The splitter's view of line ends, computed independently.
std::string lfLines(std::string_view text) {
    std::string out;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t lf = text.find('\n', start);
        std::size_t end = lf == std::string_view::npos ? text.size() : lf;
        const std::size_t next = lf == std::string_view::npos ? text.size() : lf + 1;
        if (lf != std::string_view::npos && end > start && text[end - 1] == '\r') --end;
        out.append(text.substr(start, end - start)).push_back('\n');
        start = next;
    }
    return out;
}

// Every LF not already after a CR turned into CRLF.
std::string crlfLineEnds(std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r')) out.push_back('\r');
        out.push_back(text[i]);
    }
    return out;
}

// The split written back out as a file: "name:value" lines (folds as CRLF), a blank line,
// then the body. CRLF, not LF: a value may end in a CR of its own (from "X: a\r\r\n"),
// which a bare LF after it would turn into a line end.
std::string serialise(const SplitMessage& split) {
    constexpr std::string_view lineEnd = "\r\n";
    std::string out;
    for (const auto& field : split.headers) {
        out.append(field.name).push_back(':');
        for (char c : field.value) {
            if (c == '\n') {
                out.append(lineEnd);
            } else {
                out.push_back(c);
            }
        }
        out.append(lineEnd);
    }
    out.append(lineEnd).append(split.body);
    return out;
}

// True when `input` holds `name`, then any SP/HTAB, then ':' and `rest`.
bool holdsFieldLine(std::string_view input, std::string_view name, std::string_view rest) {
    for (std::size_t at = input.find(name); at != std::string_view::npos; at = input.find(name, at + 1)) {
        const std::size_t colon = input.find_first_not_of(" \t", at + name.size());
        if (colon != std::string_view::npos && input[colon] == ':' && input.substr(colon + 1).starts_with(rest)) {
            return true;
        }
    }
    return false;
}

void checkFields(std::string_view input, const SplitMessage& split) {
    std::size_t total = 0;
    for (const auto& field : split.headers) {
        check(!field.name.empty());
        for (char c : field.name) check(c >= 33 && c <= 126 && c != ':');
        const std::string_view value(field.value);
        std::size_t lf = value.find('\n');
        check(holdsFieldLine(input, field.name, value.substr(0, lf)));
        while (lf != std::string_view::npos) {
            check(lf + 1 < value.size() && (value[lf + 1] == ' ' || value[lf + 1] == '\t'));
            const std::size_t nextLf = value.find('\n', lf + 1);
            check(input.find(value.substr(lf + 1, nextLf - lf - 1)) != std::string_view::npos);
            lf = nextLf;
        }
        total += field.name.size() + 1 + value.size();
    }
    check(total <= input.size());
}

void checkBody(std::string_view input, const std::string& body) {
    check(body.size() <= 2 * input.size() + 2);
    if (body.empty()) return;
    check(body.ends_with("\r\n"));
    for (std::size_t lf = body.find('\n'); lf != std::string::npos; lf = body.find('\n', lf + 1)) {
        check(lf > 0 && body[lf - 1] == '\r');
    }
    check(lfLines(input).ends_with(lfLines(body)));
}

void checkChunks(const std::string& body, std::size_t chunkSize) {
    std::string joined;
    const std::size_t limit = chunkSize == 0 ? 1 : chunkSize;
    for (std::string_view chunk : bodyChunks(body, chunkSize)) {
        check(!chunk.empty() && chunk.size() <= limit);
        joined.append(chunk);
    }
    check(joined == body);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    try {
        const SplitMessage split = splitMessage(input);
        checkFields(input, split);
        checkBody(input, split.body);
        checkChunks(split.body, kBodyChunkSize);
        checkChunks(split.body, size == 0 ? 0 : data[0] % 8);  // 0: treated as 1

        check(sameSplit(splitMessage(crlfLineEnds(input)), split));
        if (!input.starts_with("From ")) {
            const std::string mbox = "From sender@example.org Mon Jan  1 12:00:00 2024\n" + std::string(input);
            check(sameSplit(splitMessage(mbox), split));
        }
        check(sameSplit(splitMessage(serialise(split)), split));
    } catch (...) {
        __builtin_trap();  // never throws
    }
    return 0;
}
