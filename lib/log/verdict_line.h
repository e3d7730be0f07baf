// The one log line per message: every field an admin needs to see why a message got its
// verdict, in the key=value shape of DESIGN.md "What the admin sees", e.g.
//   3Zx1Kq4Hj: from=mydomain.com dmarc=pass policy=none record=mydomain.com(author,p)
//   spf=pass(eu-west-1.amazonses.com,unaligned) dkim=pass(mydomain.com,aligned,s=2anuc)
//   disposition=none ip=54.240.6.219
// (one line). Fields, in order:
//   from=        author domain                     dmarc=   pass|fail|none|temperror|permerror
//   policy=      the p/sp/np value applied (only when a usable record exists)
//   record=      DOMAIN(SOURCE[,TAG]): where the record was found, how (author,
//                organizational, psd) and which tag applied (only when a record was found)
//   spf=         RESULT(DOMAIN,ALIGNMENT[,helo])
//   dkim=        RESULT(D,ALIGNMENT,s=SELECTOR), once per signature (dkim=none without
//                any; after kMaxLoggedSignatures, dkim_more=COUNT)
//   disposition= what we apply;  requested= what the policy asked, only when different
//   override=    the override reasons, comma-separated, in the order applied
//   ip=          the client address; then the caller's extra fields; then
//   reason=      the discovery detail and the override comments, quoted, when any.
// ALIGNMENT is aligned | unaligned | unknown | unevaluated; an empty DOMAIN, D or
// SELECTOR is "-". Every client-derived string is sanitised (sanitize.h), so hostile
// domains can add no field and no line break. Pure (no spdlog); thread-safe.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

#include "core/verdict.h"

namespace dmarc::log {

inline constexpr std::size_t kMaxLoggedSignatures = 10;

// A field the milter adds (e.g. action=hold); the key must be a constant of ours, the
// value is sanitised as free text.
struct ExtraField {
    std::string_view key;
    std::string_view value;
};

std::string formatVerdictLine(std::string_view queueId, std::string_view clientIp,
                              const core::Verdict& verdict, std::span<const ExtraField> extra = {});

}  // namespace dmarc::log
