// The key=value line builder (see log_line.h). Pure; one instance per thread.
#include "log_line.h"

#include "sanitize.h"

namespace dmarc::log {

LogLine::LogLine(std::string_view id) : line_(id.empty() ? "NOQUEUE" : sanitizeAtom(id)) { line_ += ':'; }

LogLine& LogLine::atom(std::string_view key, std::string_view value) { return add(key, sanitizeAtom(value)); }

LogLine& LogLine::value(std::string_view key, std::string_view value) {
    return add(key, sanitizeValue(value));
}

LogLine& LogLine::raw(std::string_view key, std::string_view value) { return add(key, std::string(value)); }

LogLine& LogLine::word(std::string_view word) {
    line_ += ' ';
    line_ += word;
    return *this;
}

LogLine& LogLine::add(std::string_view key, const std::string& value) {
    line_ += ' ';
    line_ += key;
    line_ += '=';
    line_ += value;
    return *this;
}

}  // namespace dmarc::log
