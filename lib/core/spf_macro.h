// Syntax checks for SPF macro strings (RFC 7208 §7.1): the domain-spec of mechanisms and of
// redirect=/exp= (macro-string ending in "." toplabel or in a macro), the value of unknown
// modifiers (any macro-string) and explanation text fetched for exp= (macro-strings and
// spaces, where c, r and t are also allowed). Checking only: nothing is expanded. Each
// check returns which macro letters the text uses (an evaluator must know about %{p}) or
// the first problem. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string_view>

#include "result.h"

namespace dmarc::core {

enum class MacroError {
    Empty,                 // a domain-spec must not be empty
    InvalidCharacter,      // outside %x21-7E (space, control, 8-bit), or a space outside exp text
    InvalidEscape,         // '%' not followed by '{', '%', '_' or '-'
    UnterminatedMacro,     // "%{" without its "}"
    InvalidMacroLetter,    // not one of s l o d i p h c r t v
    LetterOnlyInExplanation, // c, r or t outside explanation text (§7.1)
    ZeroTransformer,       // "%{d0}": the part count must be nonzero
    InvalidTransformer,    // digits, then an optional "r", then delimiters only
    InvalidDomainEnd,      // a domain-spec must end in "." toplabel ["."] or in a macro
};

std::string_view describe(MacroError error);

// The macro letters a text uses, case-folded ("%{D}" counts as 'd').
struct MacroUsage {
    std::uint32_t letters = 0;  // bit (letter - 'a')
    bool uses(char letter) const;
    void add(char letter);
    void merge(const MacroUsage& other);
    friend bool operator==(const MacroUsage&, const MacroUsage&) = default;
};

// domain-spec = macro-string domain-end (letters c, r, t refused).
Result<MacroUsage, MacroError> checkDomainSpec(std::string_view text);
// unknown-modifier value: any macro-string, possibly empty. Such values are never
// expanded, so every macro letter is accepted.
Result<MacroUsage, MacroError> checkModifierValue(std::string_view text);
// Explanation TXT (§6.2): *( macro-string / SP ), every macro letter allowed. Anything
// outside printable ASCII makes the explanation unusable (RFC 7208 §6.2: ignore it).
Result<MacroUsage, MacroError> checkExplanation(std::string_view text);

}  // namespace dmarc::core
