// Verdict: everything the DMARC evaluation of one author domain decided, as a plain value.
// The Authentication-Results header, the log line, the SMTP reply and the RFC 9990 report
// row are all renderings of it. toString() gives the words those formats use (RFC 8601 /
// RFC 9989 §9.2 result names, RFC 9990 dispositions and override types). Values only;
// copy and share freely.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "alignment.h"
#include "dmarc_mode.h"
#include "dmarc_record.h"
#include "domain_name.h"
#include "policy_discovery.h"

namespace dmarc::core {

// RFC 7208 §2.6 results.
enum class SpfResult { None, Neutral, Pass, Fail, SoftFail, TempError, PermError };
// Which identity SPF checked: only MAIL FROM counts for DMARC (RFC 9989 §4.4.2).
enum class SpfScope { MailFrom, Helo };
// RFC 8601 §2.7.1 dkim results.
enum class DkimResult { None, Pass, Fail, Policy, Neutral, TempError, PermError };
// RFC 9989 §9.2.
enum class DmarcResult { None, Pass, Fail, TempError, PermError };
// What is done with the message (RFC 9990 DispositionType).
enum class Disposition { None, Quarantine, Reject };
// Why the applied disposition differs from the requested one (RFC 9990 PolicyOverrideType;
// sampled_out is RFC 7489's, for pct=).
enum class OverrideReason {
    TrustedForwarder,
    MailingList,
    LocalPolicy,
    PolicyTestMode,
    SampledOut,
    Other,
};
// Which tag of the record supplied the policy.
enum class PolicyTag { P, Sp, Np };
// Whether the author domain exists (RFC 9989 §3.2.13), asked only when np= could apply.
enum class AuthorExistence { NotChecked, Exists, DoesNotExist, Unknown };

// The enumerators' names in lower case ("softfail", "temperror", "permerror"), except:
// SpfScope "mfrom"/"helo"; OverrideReason in snake case ("trusted_forwarder", "mailing_list",
// "local_policy", "policy_test_mode", "sampled_out", "other"); AuthorExistence in words
// ("not checked", "exists", "does not exist", "unknown").
std::string_view toString(SpfResult result);
std::string_view toString(SpfScope scope);
std::string_view toString(DkimResult result);
std::string_view toString(DmarcResult result);
std::string_view toString(Disposition disposition);
std::string_view toString(OverrideReason reason);
std::string_view toString(PolicyTag tag);
std::string_view toString(AuthorExistence existence);

Disposition toDisposition(Policy policy);

struct PolicyOverride {
    OverrideReason reason = OverrideReason::Other;
    std::string comment;  // e.g. "t=y: the domain owner is testing p=reject"
};

struct SpfVerdict {
    SpfResult result = SpfResult::None;
    std::string domain;  // the checked identity's domain; empty when there was none
    SpfScope scope = SpfScope::MailFrom;
    AlignmentCheck alignment;
};

struct DkimVerdict {
    DkimResult result = DkimResult::None;
    std::string domain;     // d=; empty when the signature had none we could read
    std::string selector;   // s=
    std::string algorithm;  // a=
    std::string reason;     // the verifier's words for a non-pass
    AlignmentCheck alignment;
    std::string signature;  // b= (or a prefix of at least 16 characters): header.b
};

struct Verdict {
    DmarcMode mode = DmarcMode::Rfc9989;
    std::string authorDomain;  // A-label form; for a From domain that did not parse, its text

    SpfVerdict spf;
    std::vector<DkimVerdict> dkim;

    // Policy discovery: the record and where it was found, or why there is none.
    DiscoveryOutcome discovery = DiscoveryOutcome::NoRecord;
    std::optional<DiscoveredPolicy> record;  // as published (p/sp/np/adkim/aspf/t/pct, rua…)
    std::optional<UsablePolicy> usable;      // what the receiver acts on, if the record is usable
    std::optional<DomainName> orgDomain;     // the author's organizational domain, if known
    std::vector<DomainName> queried;         // _dmarc names asked during discovery
    std::string policyDetail;                // why no record / DNS trouble / why unusable
    AuthorExistence existence = AuthorExistence::NotChecked;

    DmarcResult result = DmarcResult::None;
    std::optional<PolicyTag> tag;  // which tag applied (set whenever a usable record exists)
    std::optional<Policy> policy;  // that tag's value (the policy.dmarc of RFC 9989 §9.1)
    Disposition requested = Disposition::None;  // what the domain owner's policy asks for
    Disposition applied = Disposition::None;    // what we do
    std::vector<PolicyOverride> overrides;      // in the order they were applied
    std::string explanation;                    // one short line for people

    // RFC 9990 policy_evaluated: did an aligned SPF / DKIM pass exist?
    bool spfAligned() const;
    bool dkimAligned() const;
    // The first override applied, the one a single-valued rendering shows.
    std::optional<OverrideReason> overrideReason() const;
};

// The short human explanation of a verdict, e.g. "SPF pass for amazonses.com: amazonses.com
// is not within mydomain.com; DKIM pass for mydomain.com (s=sel): aligned strict; policy
// p=reject at mydomain.com -> pass".
std::string explain(const Verdict& verdict);

// For messages with several author domains (RFC 9989 §11.5): the verdict whose applied
// disposition is the strictest; ties go to the worse result (temperror, fail, permerror,
// none, pass in that order), then to the earlier verdict. nullopt for an empty list.
std::optional<Verdict> strictest(const std::vector<Verdict>& verdicts);

}  // namespace dmarc::core
