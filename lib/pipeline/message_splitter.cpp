// See message_splitter.h. A line is read up to LF; a CR just before that LF is part of the
// line ending, any other CR is content (left for the DKIM verifier to judge).
#include "pipeline/message_splitter.h"

#include <algorithm>

namespace dmarc::pipeline {
namespace {

struct Line {
    std::string_view text;  // without its line end
    std::size_t next = 0;   // where the following line starts
    bool terminated = false;
};

Line lineAt(std::string_view message, std::size_t start) {
    const std::size_t lf = message.find('\n', start);
    if (lf == std::string_view::npos) {
        return {message.substr(start), message.size(), false};
    }
    std::size_t end = lf;
    if (end > start && message[end - 1] == '\r') {
        --end;
    }
    return {message.substr(start, end - start), lf + 1, true};
}

// RFC 5322 §3.6.8 field-name: printable US-ASCII except ':', at least one.
bool isFieldName(std::string_view name) {
    return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
        return c >= 33 && c <= 126 && c != ':';
    });
}

// An mbox separator ("From sender@host Mon Jan  1 12:00:00 2024"), not the obsolete
// "From : ..." form of the From field.
bool isMboxSeparator(std::string_view line) {
    if (!line.starts_with("From ")) {
        return false;
    }
    const std::size_t next = line.find_first_not_of(" \t", 4);
    return next != std::string_view::npos && line[next] != ':';
}

// The name of a field line, given what precedes its first colon: RFC 5322 §4.5.8
// (obs-optional) lets SP and HTAB sit between name and colon. Postfix's is_header()
// accepts that form and its milter8 sends the name without them, so an obsolete
// "From : a@example.com" reaches the milter as field "From"; so it must here. Empty when
// the line is no field.
std::string_view fieldName(std::string_view beforeColon) {
    const std::size_t last = beforeColon.find_last_not_of(" \t");
    const std::string_view name = last == std::string_view::npos ? std::string_view{} : beforeColon.substr(0, last + 1);
    return isFieldName(name) ? name : std::string_view{};
}

bool isContinuation(std::string_view line) {
    return !line.empty() && (line.front() == ' ' || line.front() == '\t');
}

// The body from `start` on with every line ended by CRLF.
std::string crlfBody(std::string_view message, std::size_t start) {
    std::string body;
    body.reserve(message.size() - start + (message.size() - start) / 32);
    while (start < message.size()) {
        const Line line = lineAt(message, start);
        body.append(line.text);
        body.append("\r\n");
        start = line.next;
    }
    return body;
}

}  // namespace

SplitMessage splitMessage(std::string_view message) {
    SplitMessage split;
    std::size_t pos = 0;
    if (const Line first = lineAt(message, 0); isMboxSeparator(first.text)) {
        pos = first.next;
    }
    while (pos < message.size()) {
        const Line line = lineAt(message, pos);
        if (line.text.empty() && line.terminated) {
            split.body = crlfBody(message, line.next);
            return split;
        }
        if (isContinuation(line.text) && !split.headers.empty()) {
            split.headers.back().value.append("\n").append(line.text);
            pos = line.next;
            continue;
        }
        const std::size_t colon = line.text.find(':');
        const std::string_view name =
            colon == std::string_view::npos ? std::string_view{} : fieldName(line.text.substr(0, colon));
        if (name.empty()) {
            split.body = crlfBody(message, pos);
            return split;
        }
        split.headers.push_back({std::string(name), std::string(line.text.substr(colon + 1))});
        pos = line.next;
    }
    return split;
}

std::vector<std::string_view> bodyChunks(std::string_view body, std::size_t chunkSize) {
    std::vector<std::string_view> chunks;
    const std::size_t size = std::max<std::size_t>(chunkSize, 1);
    for (std::size_t pos = 0; pos < body.size(); pos += size) {
        chunks.push_back(body.substr(pos, size));
    }
    return chunks;
}

}  // namespace dmarc::pipeline
