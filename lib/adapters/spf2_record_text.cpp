// Rewrites validated SPF records into what libspf2 1.2.10 evaluates correctly (see
// spf2_record_text.h for each rule and why). Pure apart from the per-process marker.
#include "adapters/spf2_record_text.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <random>

namespace dmarc::adapters {
namespace {

using core::SpfMechanism;
using core::SpfMechanismType;

std::string makeMarker() {
    std::uint64_t bits = 0;
    try {
        std::random_device device;
        bits = (std::uint64_t{device()} << 32) ^ device();
    } catch (...) {
        // No entropy source: the clock still makes the label unguessable in practice.
        bits = static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
    }
    static constexpr char kHex[] = "0123456789abcdef";
    std::string marker = ".spf-cidr0-";
    for (int shift = 60; shift >= 0; shift -= 4) marker.push_back(kHex[(bits >> shift) & 0xFU]);
    marker += ".invalid";
    return marker;
}

// The two /1 halves that together are network/0 of the mechanism's family.
std::string halves(const SpfMechanism& mechanism) {
    SpfMechanism low = mechanism;
    low.network = {};
    const bool v4 = mechanism.type == SpfMechanismType::Ip4;
    (v4 ? low.ip4Prefix : low.ip6Prefix) = 1;
    SpfMechanism high = low;
    high.network[0] = 0x80;
    return core::toString(low) + ' ' + core::toString(high);
}

constexpr std::size_t kBlockAlignment = 8;
constexpr std::size_t kBlockHeader = 4;  // sizeof(SPF_data_t)

std::size_t alignedBlock(std::size_t payload) {
    return (kBlockHeader + payload + kBlockAlignment - 1) / kBlockAlignment * kBlockAlignment;
}

SpfMechanism addressMechanism(const SpfMechanism& mechanism, bool clientIsV4) {
    SpfMechanism written = mechanism;
    const auto prefix = clientIsV4 ? mechanism.ip4Prefix : mechanism.ip6Prefix;
    written.ip4Prefix = clientIsV4 ? prefix : std::nullopt;
    written.ip6Prefix = clientIsV4 ? std::nullopt : prefix;
    if (prefix == 0) {
        std::string target = mechanism.domainSpec.empty() ? std::string("%{d}") : mechanism.domainSpec;
        if (target.back() == '.') target.pop_back();
        written.domainSpec = target + anyAddressMarker();
        written.ip4Prefix.reset();
        written.ip6Prefix.reset();
    }
    return written;
}

}  // namespace

std::string_view describe(Libspf2TextError error) {
    switch (error) {
        case Libspf2TextError::TooManyMechanisms: return "more mechanisms than libspf2 can evaluate (255)";
        case Libspf2TextError::TransformerTooLarge: return "a macro transformer over libspf2's 128";
        case Libspf2TextError::UnsupportedDelimiter: return "a macro delimiter libspf2 does not know (',' or '/')";
        case Libspf2TextError::LiteralTooLong: return "a literal run over libspf2's 255 octets";
        case Libspf2TextError::MacroTooLarge: return "a macro-string too large for libspf2";
    }
    return "unknown libspf2 record problem";
}

Libspf2MacroShape libspf2MacroShape(std::string_view text) {
    Libspf2MacroShape shape;
    shape.bytes = alignedBlock(0);  // the CIDR block a mechanism may carry
    std::size_t literal = 0;
    const auto endLiteral = [&] {
        if (literal == 0) return;
        shape.bytes += alignedBlock(literal);
        shape.longestLiteral = std::max(shape.longestLiteral, literal);
        literal = 0;
    };
    std::size_t i = 0;
    while (i < text.size()) {
        if (text[i] != '%' || i + 1 >= text.size()) {
            ++literal;
            ++i;
            continue;
        }
        if (text[i + 1] != '{') {
            literal += text[i + 1] == '-' ? 3 : 1;  // "%-" becomes "%20"
            i += 2;
            continue;
        }
        endLiteral();
        shape.bytes += alignedBlock(0);
        std::size_t j = i + 3;  // past "%{" and the letter
        std::uint32_t value = 0;
        while (j < text.size() && text[j] >= '0' && text[j] <= '9') {
            value = std::min<std::uint32_t>(value * 10 + static_cast<std::uint32_t>(text[j] - '0'), 9999);
            ++j;
        }
        shape.largestTransformer = std::max(shape.largestTransformer, value);
        for (; j < text.size() && text[j] != '}'; ++j) {
            if (text[j] == ',' || text[j] == '/') shape.unsupportedDelimiter = true;
        }
        i = j + 1;
    }
    endLiteral();
    return shape;
}

std::optional<Libspf2TextError> libspf2MacroProblem(std::string_view macroString) {
    const Libspf2MacroShape shape = libspf2MacroShape(macroString);
    if (shape.largestTransformer > maxLibspf2Transformer) return Libspf2TextError::TransformerTooLarge;
    if (shape.unsupportedDelimiter) return Libspf2TextError::UnsupportedDelimiter;
    if (shape.longestLiteral > maxLibspf2Literal) return Libspf2TextError::LiteralTooLong;
    if (shape.bytes > maxLibspf2MacroBytes) return Libspf2TextError::MacroTooLarge;
    return std::nullopt;
}

std::string libspf2MacroString(std::string_view macroString) {
    std::string out(macroString);
    for (std::size_t i = 0; i + 1 < out.size(); ++i) {
        if (out[i] != '%') continue;
        if (out[i + 1] != '{') {
            ++i;  // "%%", "%_", "%-": skip the escaped character
            continue;
        }
        std::size_t j = i + 3;  // past "%{" and the letter, whose case means URL escaping
        while (j < out.size() && out[j] >= '0' && out[j] <= '9') ++j;
        if (j < out.size() && out[j] == 'R') out[j] = 'r';
        i = j;
    }
    return out;
}

core::Result<std::string, Libspf2TextError> libspf2RecordText(const core::SpfRecord& record, bool clientIsV4) {
    std::string out = "v=spf1";
    std::size_t mechanisms = 0;
    std::optional<Libspf2TextError> problem;
    const auto add = [&](SpfMechanism mechanism) {
        mechanism.domainSpec = libspf2MacroString(mechanism.domainSpec);
        if (!problem && !mechanism.domainSpec.empty()) problem = libspf2MacroProblem(mechanism.domainSpec);
        out += ' ' + core::toString(mechanism);
        ++mechanisms;
    };
    const auto modifier = [&](std::string_view name, const std::string& value) {
        const std::string spec = libspf2MacroString(value);
        if (!problem) problem = libspf2MacroProblem(spec);
        out += ' ' + std::string(name) + '=' + spec;
    };
    for (const auto& mechanism : record.mechanisms) {
        const bool ipZero = (mechanism.type == SpfMechanismType::Ip4 && mechanism.ip4Prefix == 0) ||
                            (mechanism.type == SpfMechanismType::Ip6 && mechanism.ip6Prefix == 0);
        if (ipZero) {
            out += ' ' + halves(mechanism);
            mechanisms += 2;
        } else if (mechanism.type == SpfMechanismType::A || mechanism.type == SpfMechanismType::Mx) {
            add(addressMechanism(mechanism, clientIsV4));
        } else {
            add(mechanism);
        }
    }
    if (record.redirect && !record.hasAll()) {
        modifier("redirect", *record.redirect);
        ++mechanisms;  // libspf2 compiles redirect= as a mechanism
    }
    if (record.explanation) modifier("exp", *record.explanation);
    if (mechanisms > maxLibspf2Mechanisms) return core::fail(Libspf2TextError::TooManyMechanisms);
    if (problem) return core::fail(*problem);
    return out;
}

const std::string& anyAddressMarker() {
    static const std::string marker = makeMarker();
    return marker;
}

std::optional<std::string_view> stripAnyAddressMarker(std::string_view name) {
    const std::string& marker = anyAddressMarker();
    if (name.size() < marker.size() || name.substr(name.size() - marker.size()) != marker) return std::nullopt;
    return name.substr(0, name.size() - marker.size());
}

std::string markAnyAddress(std::string_view name) { return std::string(name) + anyAddressMarker(); }

}  // namespace dmarc::adapters
