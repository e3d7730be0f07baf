// Escaping of untrusted strings for log lines (see sanitize.h). One escaping loop serves
// all three shapes; they differ only in which bytes pass unchanged and whether quotes
// wrap the result. The loop stops as soon as the cap is exceeded, so a megabyte of
// hostile input costs no more than kMaxLogValue bytes of work. Pure; thread-safe.
#include "sanitize.h"

#include <algorithm>

namespace dmarc::log {
namespace {

constexpr std::string_view kEllipsis = "...";

enum class Shape { Atom, Quoted, Text };

bool isPrintableAscii(char c) { return c >= 0x20 && c <= 0x7E; }

bool passes(char c, Shape shape) {
    switch (shape) {
        case Shape::Atom: return isAtomChar(c);
        case Shape::Quoted: return isPrintableAscii(c) && c != '\\' && c != '"';
        case Shape::Text: return isPrintableAscii(c) && c != '\\';
    }
    return false;
}

// The escaped form of one byte under `shape`.
std::string_view escapeByte(char c, Shape shape, char (&buffer)[4]) {
    if (passes(c, shape)) {
        buffer[0] = c;
        return {buffer, 1};
    }
    if (shape != Shape::Atom && c == '\\') return "\\\\";
    if (shape == Shape::Quoted && c == '"') return "\\\"";
    static constexpr char kHex[] = "0123456789abcdef";
    const auto byte = static_cast<unsigned char>(c);
    buffer[0] = '\\';
    buffer[1] = 'x';
    buffer[2] = kHex[byte >> 4];
    buffer[3] = kHex[byte & 0xF];
    return {buffer, 4};
}

std::string escape(std::string_view text, Shape shape, std::size_t maxLength) {
    maxLength = std::max(maxLength, kMinLogLength);
    std::string out;
    // Where the output stood after the last piece that still leaves room for "...".
    std::size_t cut = 0;
    for (char c : text) {
        char buffer[4];
        const std::string_view piece = escapeByte(c, shape, buffer);
        if (out.size() + piece.size() > maxLength) {
            out.resize(cut);
            out += kEllipsis;
            return out;
        }
        out += piece;
        if (out.size() + kEllipsis.size() <= maxLength) cut = out.size();
    }
    return out;
}

}  // namespace

bool isAtomChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '-' || c == '_' || c == ':' || c == '@' || c == '+' || c == '/';
}

std::string sanitizeAtom(std::string_view text, std::size_t maxLength) {
    if (text.empty()) return "\"\"";
    return escape(text, Shape::Atom, maxLength);
}

std::string sanitizeValue(std::string_view text, std::size_t maxLength) {
    // Only the part that can survive the cap decides the shape (and bounds the work).
    const std::string_view head = text.substr(0, std::max(maxLength, kMinLogLength));
    if (!text.empty() && std::all_of(head.begin(), head.end(), isAtomChar)) {
        return escape(text, Shape::Atom, maxLength);
    }
    return "\"" + escape(text, Shape::Quoted, maxLength) + "\"";
}

std::string sanitizeText(std::string_view text, std::size_t maxLength) {
    return escape(text, Shape::Text, maxLength);
}

}  // namespace dmarc::log
