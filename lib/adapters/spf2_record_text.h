// Writes a record our validator accepted (core/spf_record.h) in the form libspf2 1.2.10
// compiles and evaluates per RFC 7208, for one client address family:
//  - unknown modifiers are left out (they have no effect; libspf2 refuses names with '.');
//  - redirect= is left out when the record has an "all" mechanism (§6.1), and otherwise
//    written last (libspf2 evaluates it where it stands);
//  - ip4:n/0 and ip6:n/0 become two /1 halves (libspf2 cannot compile /0);
//  - a and mx keep only the CIDR length of the client's family; when that length is /0
//    ("any address"), the target gets the process's any-address marker label instead
//    and the DNS layer answers address queries for marked names with the client's own
//    address when the real name has any (see markAnyAddress);
//  - the reversal transformer is written "r" (RFC 7208's ABNF also allows "R", which
//    libspf2 reads as a bad delimiter).
// What libspf2 cannot take is refused rather than handed over (the evaluator then says
// permerror and why): more than 255 mechanisms (it counts them in a byte and silently
// wraps), a transformer over 128 (it parses the digits into an int unchecked), the
// delimiters ',' and '/' (it knows only . - + = _ and its own '|'), a literal run over 255
// octets, and a macro-string compiling to more than 400 bytes (its buffers hold 511, and
// its compiler over- and underflows near that edge: CVE-2021-20314, and the integer
// underflow fixed upstream in 2023 but not in Debian's 1.2.10). Every text this returns
// compiles. Pure functions; the marker is fixed per process. Thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "core/spf_record.h"

namespace dmarc::adapters {

inline constexpr std::size_t maxLibspf2Mechanisms = 255;
inline constexpr std::size_t maxLibspf2MacroBytes = 400;
inline constexpr std::size_t maxLibspf2Literal = 255;
inline constexpr std::uint32_t maxLibspf2Transformer = 128;

enum class Libspf2TextError {
    TooManyMechanisms,
    TransformerTooLarge,
    UnsupportedDelimiter,
    LiteralTooLong,
    MacroTooLarge,
};

std::string_view describe(Libspf2TextError error);

core::Result<std::string, Libspf2TextError> libspf2RecordText(const core::SpfRecord& record, bool clientIsV4);

// A valid macro-string as libspf2 reads it: "%{dR}" becomes "%{dr}", nothing else changes.
std::string libspf2MacroString(std::string_view macroString);

// What libspf2 makes of a valid macro-string.
struct Libspf2MacroShape {
    std::size_t bytes = 0;  // upper bound of the compiled size, a CIDR block included
    std::size_t longestLiteral = 0;  // octets, after "%-" became "%20"
    std::uint32_t largestTransformer = 0;  // saturates at 9999
    bool unsupportedDelimiter = false;  // ',' or '/'
};
Libspf2MacroShape libspf2MacroShape(std::string_view macroString);
// The first libspf2 limit a valid macro-string breaks, if any.
std::optional<Libspf2TextError> libspf2MacroProblem(std::string_view macroString);

// The label suffix (".spf-cidr0-<random hex>.invalid") that marks an "any address" target.
// ".invalid" never resolves (RFC 6761), and the random part keeps record authors and
// senders (through macros) from writing it.
const std::string& anyAddressMarker();
// `name` (lower case, no trailing dot) without the marker, or nullopt if it has none.
std::optional<std::string_view> stripAnyAddressMarker(std::string_view name);
// Appends the marker to a name from DNS (MX targets of an "any address" mx).
std::string markAnyAddress(std::string_view name);

}  // namespace dmarc::adapters
