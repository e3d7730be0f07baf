// Fuzz target "auth_results": parses any bytes as an Authentication-Results field, and
// formats a field built from the bytes. Traps when an invariant breaks: parsed keywords
// are lower-case keyword characters and the caps hold; formatted output is printable ASCII
// plus the fold with no line over 998 octets; our own output parses completely with the
// same authserv-id and result count; format(parse(format(x))) == format(x).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/auth_results_format.h"
#include "core/auth_results_parse.h"

namespace {

using namespace dmarc::core;

void require(bool condition) {
    if (!condition) __builtin_trap();
}

bool isLowerKeyword(std::string_view s) {
    for (const char c : s) {
        if (!isArKeywordChar(c) || (c >= 'A' && c <= 'Z')) return false;
    }
    return true;
}

bool hasControlOtherThanTab(std::string_view s) {
    for (const char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if ((u < 0x20 && c != '\t') || u == 0x7F) return true;
    }
    return false;
}

void checkParsed(const ParsedAuthResults& parsed) {
    require(parsed.results.size() <= kArMaxResults);
    require(!hasControlOtherThanTab(parsed.authservId));
    for (const auto& r : parsed.results) {
        require(!r.method.empty() && isLowerKeyword(r.method));
        require(!r.result.empty() && isLowerKeyword(r.result));
        require(r.properties.size() <= kArMaxPropertiesPerResult);
        require(r.comments.size() <= kArMaxCommentsPerResult);
        require(!hasControlOtherThanTab(r.reason));
        for (const auto& p : r.properties) {
            require(isLowerKeyword(p.ptype) && !p.property.empty() && isLowerKeyword(p.property));
            require(!hasControlOtherThanTab(p.value));
        }
        for (const auto& c : r.comments) require(!c.empty() && !hasControlOtherThanTab(c));
    }
}

// Output is printable ASCII between folds, and no line exceeds 998 octets.
void checkFormatted(const std::string& body, const ArFormatOptions& options) {
    const std::string& fold = options.foldSequence;
    const std::size_t indent = fold.size() - (fold.rfind('\n') + 1);
    std::size_t start = 0;
    std::size_t column = options.fieldNameLength;
    while (true) {
        const auto at = body.find(fold, start);
        const auto end = at == std::string::npos ? body.size() : at;
        require(column + (end - start) <= 998);
        for (std::size_t i = start; i < end; ++i) {
            const auto u = static_cast<unsigned char>(body[i]);
            require(u >= 0x20 && u < 0x7F);
        }
        if (at == std::string::npos) return;
        start = at + fold.size();
        column = indent;
    }
}

// Formats, checks the output, parses it back and checks the round trip; returns the parse.
ParsedAuthResults formatAndReparse(const AuthResults& input, const ArFormatOptions& options) {
    const std::string body = formatAuthResults(input, options);
    checkFormatted(body, options);
    const auto parsed = parseAuthResults(body);
    require(parsed.ok());
    require(parsed->complete);
    require(parsed->results.size() == input.results.size());
    checkParsed(*parsed);
    require(formatAuthResults(toAuthResults(*parsed), options) == body);
    return *parsed;
}

// Splits the bytes on '|' into fields and builds a field from them:
// authserv-id | method | result | reason | comment | n | (ptype | property | value) x n%4 | ...
AuthResults buildFromBytes(std::string_view bytes) {
    std::vector<std::string_view> fields;
    while (true) {
        const auto bar = bytes.find('|');
        fields.push_back(bytes.substr(0, bar));
        if (bar == std::string_view::npos) break;
        bytes.remove_prefix(bar + 1);
    }
    std::size_t next = 0;
    const auto take = [&]() { return next < fields.size() ? std::string(fields[next++]) : std::string(); };
    AuthResults ar;
    ar.authservId = take();
    while (next < fields.size() && ar.results.size() < 64) {
        AuthMethodResult r;
        r.method = take();
        r.result = take();
        r.reason = take();
        r.comment = take();
        const std::size_t properties = take().size() % 4;
        for (std::size_t i = 0; i < properties; ++i) {
            AuthProperty p;
            p.ptype = take();
            p.property = take();
            p.value = take();
            r.properties.push_back(std::move(p));
        }
        ar.results.push_back(std::move(r));
    }
    return ar;
}

// An authserv-id the builder writes without change: printable and short enough.
bool isPlainValue(std::string_view s) {
    std::size_t escaped = 2;
    for (const char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u >= 0x7F) return false;
        escaped += (c == '"' || c == '\\') ? 2 : 1;
    }
    return escaped <= kArMaxValueLength;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    ArFormatOptions wide;
    wide.fieldNameLength = kArMaxFieldNameLength;
    wide.foldSequence = "\r\n        ";
    const ArFormatOptions styles[] = {ArFormatOptions{}, wide};

    if (const auto parsed = parseAuthResults(bytes)) {
        checkParsed(*parsed);
        for (const auto& options : styles) formatAndReparse(toAuthResults(*parsed), options);
    }

    const AuthResults built = buildFromBytes(bytes);
    for (const auto& options : styles) {
        const ParsedAuthResults back = formatAndReparse(built, options);
        if (isPlainValue(built.authservId)) require(back.authservId == built.authservId);
    }
    return 0;
}
