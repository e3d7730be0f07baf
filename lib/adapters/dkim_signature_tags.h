// Our own reading of one DKIM-Signature field body (RFC 6376 §3.2 tag-list, §3.5 tags),
// done before libopendkim sees the field, for three reasons:
//  - libopendkim drops a field whose tag-list it cannot parse, and with
//    DKIM_LIBFLAGS_BADSIGHANDLES keeps it but may still verify one it marked bad (an invalid
//    t=, a stray byte after b=): every field it would mark bad we reject here first;
//  - RFC 6376 §3.2 and §6.1.1 make duplicate tags, a missing required tag and v= other
//    than "1" (pre-RFC drafts, v=0.5) a permanent error, which libopendkim handles unevenly;
//  - the verifier caps work per message: a field listing too many header fields is not
//    checked at all (canonicalization cost grows with h= times the header count).
// Returns d=, s=, a=, i= and the start of b= for reporting. Pure function: thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "adapters/dkim_result.h"

namespace dmarc::adapters {

// More h= entries than this and the signature is not checked (real signers list 5 to 40).
inline constexpr std::size_t maxSignedHeaderFields = 256;

struct SignatureTags {
    std::string version;          // v=
    std::string algorithm;        // a=
    std::string domain;           // d=
    std::string selector;         // s=
    std::string identity;         // i=
    std::string signaturePrefix;  // the first 16 characters of b=, whitespace removed
    // usable: libopendkim may check it. Otherwise `refusal` (PermError for a malformed
    // field, Neutral for one over our limits) and `reason` say why not.
    bool usable = false;
    DkimResult refusal = DkimResult::PermError;
    std::string reason;
};

// `value`: the field body after the colon, folding CRLFs included. Never throws; input of
// any length and content is read in one linear pass (values are cut to 255 octets).
SignatureTags readSignatureTags(std::string_view value);

}  // namespace dmarc::adapters
