// LogLine: builds one "ID: key=value key=value ..." line, the shape of every per-message
// and per-connection log line (Postfix style: the queue id first, NOQUEUE without one).
// Keys are the caller's constants; every value passes through sanitize.h unless the
// caller vouches for it with raw() (our own enum words and numbers). Not thread-safe; one
// builder per line.
#pragma once

#include <string>
#include <string_view>

namespace dmarc::log {

class LogLine {
public:
    // `id` is sanitised as an atom; empty gives "NOQUEUE".
    explicit LogLine(std::string_view id);

    LogLine& atom(std::string_view key, std::string_view value);   // names, addresses
    LogLine& value(std::string_view key, std::string_view value);  // free text, quoted if needed
    LogLine& raw(std::string_view key, std::string_view value);    // trusted, printed as is
    // A bare word of ours saying what the line is about ("skip", "error"), before the fields.
    LogLine& word(std::string_view word);

    const std::string& str() const { return line_; }

private:
    LogLine& add(std::string_view key, const std::string& value);
    std::string line_;
};

}  // namespace dmarc::log
