// Sanitising untrusted strings (HELO names, header-derived domains, DNS text, C-library
// messages) before they reach a log line, so a client can neither forge log fields nor
// inject line breaks or terminal escapes, and no value can make a line unbounded.
// Three shapes, all returning printable ASCII only:
//  - atom:  a bare key=value token; bytes outside [A-Za-z0-9.-_:@+/] become \xHH.
//           Empty gives "" (two quote characters).
//  - value: an atom when it is one, else a double-quoted string in which '"' and '\' are
//           backslash-escaped and controls and non-ASCII bytes are \xHH.
//  - text:  free text (not key=value): '\' doubled, controls and non-ASCII as \xHH.
// Each caps its output (quotes not counted) at `maxLength` bytes; a cut value ends in
// "..." and no escape is ever split. Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace dmarc::log {

inline constexpr std::size_t kMaxLogValue = 256;   // one field of a key=value line
inline constexpr std::size_t kMaxLogText = 1024;   // one message from a C library
inline constexpr std::size_t kMinLogLength = 8;    // smaller caps are raised to this

// True for the bytes an atom keeps as they are.
bool isAtomChar(char c);

std::string sanitizeAtom(std::string_view text, std::size_t maxLength = kMaxLogValue);
std::string sanitizeValue(std::string_view text, std::size_t maxLength = kMaxLogValue);
std::string sanitizeText(std::string_view text, std::size_t maxLength = kMaxLogText);

}  // namespace dmarc::log
