// Character classes and authserv-id comparison shared by the Authentication-Results builder
// and parser (see auth_results.h). Pure functions; thread-safe.
#include "auth_results.h"

#include <string_view>

namespace dmarc::core {

namespace {

char asciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string_view withoutTrailingDot(std::string_view s) {
    if (!s.empty() && s.back() == '.') s.remove_suffix(1);
    return s;
}

}  // namespace

bool isRfc2045TokenChar(char c) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7F) return false;
    return std::string_view("()<>@,;:\\\"/[]?=").find(c) == std::string_view::npos;
}

bool isArKeywordChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '_';
}

bool sameAuthservId(std::string_view a, std::string_view b) {
    a = withoutTrailingDot(a);
    b = withoutTrailingDot(b);
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (asciiLower(a[i]) != asciiLower(b[i])) return false;
    }
    return true;
}

}  // namespace dmarc::core
