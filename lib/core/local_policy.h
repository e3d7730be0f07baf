// The receiver's own enforcement settings (LocalPolicy, from configuration) and what it
// knows about one message beyond SPF and DKIM (LocalFacts: a trusted forwarder, a mailing
// list, a per-author-domain rule). Plain values; the defaults follow DESIGN.md
// "Enforcement defaults" (RFC 9989 §5.4, §7.4). Immutable once built; share freely.
#pragma once

#include <optional>
#include <string>

#include "dmarc_mode.h"
#include "verdict.h"

namespace dmarc::core {

struct LocalPolicy {
    DmarcMode mode = DmarcMode::Rfc9989;
    // RFC 9989 §7.4: receivers MUST NOT reject solely because of p=reject. Without this
    // opt-in a failing message under p=reject is quarantined (override local_policy).
    bool hardReject = false;
    // The most a failing message may get when it came through an allow-listed forwarder
    // or a mailing list (override trusted_forwarder / mailing_list when that lowers it).
    // None: deliver normally; the Authentication-Results header still says dmarc=fail.
    Disposition trustedForwarderCap = Disposition::None;
    Disposition mailingListCap = Disposition::None;
};

struct LocalFacts {
    // The connection matched the trusted-forwarder list (by IP or authenticated domain).
    bool trustedForwarder = false;
    // The message carries List-Id and mailing-list handling is switched on.
    bool mailingList = false;
    // An administrator's rule for this author domain: the disposition for its failing
    // mail, whatever the published policy says (override local_policy when it differs).
    std::optional<Disposition> domainRule;
    // Free text for the override comment (e.g. which forwarder or list matched); may be
    // empty. Keep it short: it ends up in logs and reports.
    std::string note;
};

}  // namespace dmarc::core
