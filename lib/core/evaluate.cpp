// DMARC evaluation of one author domain: discovery -> usable policy -> alignment -> result
// -> applicable tag -> disposition, collected into a Verdict. The rules for each result are
// listed in evaluate.h. Never throws on any input; thread-safe per evaluate.h.
#include "evaluate.h"

#include <algorithm>
#include <cstddef>
#include <utility>

#include "alignment.h"
#include "disposition.h"

namespace dmarc::core {
namespace {

// Verifier-supplied text (selectors, reasons) ends up in logs and reports: keep it short.
constexpr std::size_t kMaxEchoedText = 255;

std::string capped(std::string_view text) {
    return std::string(text.substr(0, kMaxEchoedText));
}

std::string nameOrEmpty(const std::optional<DomainName>& name) {
    return name ? name->str() : std::string();
}

// One authenticated identifier as alignment sees it, pointing at where its answer goes.
struct Identifier {
    std::optional<DomainName> domain;
    bool pass = false;
    bool tempError = false;
    AlignmentMode mode = AlignmentMode::Relaxed;
    AlignmentCheck* out = nullptr;
};

Verdict echoInputs(std::string authorDomain, const AuthInputs& auth, DmarcMode mode) {
    Verdict verdict;
    verdict.mode = mode;
    verdict.authorDomain = std::move(authorDomain);
    verdict.spf = SpfVerdict{auth.spf.result, nameOrEmpty(auth.spf.domain), auth.spf.scope, {}};
    verdict.dkim.reserve(auth.dkim.size());
    for (const auto& input : auth.dkim) {
        verdict.dkim.push_back(DkimVerdict{input.result, nameOrEmpty(input.domain),
                                           capped(input.selector), capped(input.algorithm),
                                           capped(input.reason), {}, capped(input.signature)});
    }
    return verdict;
}

// Lists the identifiers whose alignment can matter (a pass, or a temperror that might have
// been one) and settles the alignment of every other one right away.
std::vector<Identifier> collectIdentifiers(const AuthInputs& auth, Verdict& verdict,
                                           const DmarcRecord* record) {
    std::vector<Identifier> identifiers;
    const AlignmentMode aspf = record ? record->aspf : AlignmentMode::Relaxed;
    const AlignmentMode adkim = record ? record->adkim : AlignmentMode::Relaxed;

    const auto& spf = auth.spf;
    auto& spfOut = verdict.spf.alignment;
    if (spf.scope == SpfScope::Helo) {
        spfOut = {Alignment::NotAligned, "the HELO identity never aligns (only MAIL FROM counts)"};
    } else if (!spf.domain) {
        spfOut = {Alignment::NotEvaluated, "no SPF domain"};
    } else if (spf.result != SpfResult::Pass && spf.result != SpfResult::TempError) {
        spfOut = {Alignment::NotEvaluated,
                  "spf=" + std::string(toString(spf.result)) + ": only a pass can align"};
    } else {
        identifiers.push_back({spf.domain, spf.result == SpfResult::Pass,
                               spf.result == SpfResult::TempError, aspf, &spfOut});
    }
    for (std::size_t i = 0; i < auth.dkim.size(); ++i) {
        const auto& dkim = auth.dkim[i];
        auto& out = verdict.dkim[i].alignment;
        if (!dkim.domain) {
            out = {Alignment::NotEvaluated, "no d= domain"};
        } else if (dkim.result != DkimResult::Pass && dkim.result != DkimResult::TempError) {
            out = {Alignment::NotEvaluated,
                   "dkim=" + std::string(toString(dkim.result)) + ": only a pass can align"};
        } else {
            identifiers.push_back({dkim.domain, dkim.result == DkimResult::Pass,
                                   dkim.result == DkimResult::TempError, adkim, &out});
        }
    }
    // Passes first: should the per-message walk limit bite, it bites temperrors.
    std::stable_partition(identifiers.begin(), identifiers.end(),
                          [](const Identifier& id) { return id.pass; });
    return identifiers;
}

bool anyAlignedPass(const std::vector<Identifier>& identifiers) {
    return std::any_of(identifiers.begin(), identifiers.end(), [](const Identifier& id) {
        return id.pass && isAligned(id.out->alignment);
    });
}

// An identifier keeps the result open when it passed with unknown alignment, or when it
// returned temperror but would (or might) align had it passed.
bool anyUndecided(const std::vector<Identifier>& identifiers) {
    return std::any_of(identifiers.begin(), identifiers.end(), [](const Identifier& id) {
        const Alignment a = id.out->alignment;
        return (id.pass && a == Alignment::Unknown) ||
               (id.tempError && (isAligned(a) || a == Alignment::Unknown));
    });
}

void markUnevaluated(std::vector<Identifier>& identifiers, const std::string& why) {
    for (auto& id : identifiers) *id.out = {Alignment::NotEvaluated, why};
}

struct TagChoice {
    PolicyTag tag = PolicyTag::P;
    Policy value = Policy::None;
    AuthorExistence existence = AuthorExistence::NotChecked;
    bool undetermined = false;  // sp and np differ and existence is unknown
    std::string note;
};

// RFC 9989 §4.10.1: p for the policy domain itself; for a subdomain sp if it exists, np if
// it does not (each falling back as §4.7 says). RFC 7489 has no np: sp or p for any
// subdomain. The existence probe is made only when np could change the answer.
TagChoice chooseTag(const DomainName& author, const DiscoveredPolicy& found,
                    const UsablePolicy& usable, DmarcMode mode, Resolver& resolver) {
    TagChoice choice;
    if (found.domain == author || !author.isWithin(found.domain)) {
        choice.value = usable.p;
        return choice;
    }
    const PolicyTag existingTag = usable.sp ? PolicyTag::Sp : PolicyTag::P;
    const Policy existingValue = usable.sp.value_or(usable.p);
    choice.tag = existingTag;
    choice.value = existingValue;
    if (mode == DmarcMode::Rfc7489 || !usable.np) return choice;

    const DnsStatus status = resolver.probeExistence(author);
    if (status == DnsStatus::NxDomain) {
        choice.existence = AuthorExistence::DoesNotExist;
        choice.tag = PolicyTag::Np;
        choice.value = *usable.np;
    } else if (isDefinite(status)) {
        choice.existence = AuthorExistence::Exists;
    } else {
        choice.existence = AuthorExistence::Unknown;
        choice.undetermined = *usable.np != existingValue;
        choice.note = "existence of " + author.str() + " unknown (" +
                      std::string(describe(status)) + ")";
        choice.note += choice.undetermined ? ": np=" + std::string(toString(*usable.np)) +
                                                 " or " + std::string(toString(existingTag)) +
                                                 "=" + std::string(toString(existingValue))
                                           : ", but np and " + std::string(toString(existingTag)) +
                                                 " agree";
    }
    return choice;
}

void appendDetail(std::string& detail, const std::string& more) {
    if (more.empty()) return;
    if (!detail.empty()) detail += "; ";
    detail += more;
}

// Discovery hit DNS trouble: no alignment mode is known, so only an identifier equal to
// the author domain can be judged, and only its pass settles anything.
void evaluateWithoutPolicy(const DomainName& author, std::vector<Identifier>& identifiers,
                           Verdict& verdict) {
    for (auto& id : identifiers) {
        *id.out = checkIdentity(author, *id.domain, "not assessed: the policy lookup failed");
    }
    verdict.result = anyAlignedPass(identifiers) ? DmarcResult::Pass : DmarcResult::TempError;
}

// A permerror verdict: nothing is looked up, no identifier is assessed.
Verdict permError(Verdict verdict, const AuthInputs& auth, std::string why) {
    verdict.result = DmarcResult::PermError;
    verdict.policyDetail = std::move(why);
    auto identifiers = collectIdentifiers(auth, verdict, nullptr);
    markUnevaluated(identifiers, "not assessed: " + verdict.policyDetail);
    verdict.explanation = explain(verdict);
    return verdict;
}

// Discovery walked from the author domain, so its organizational domain is settled: found,
// or undetermined because of the DNS trouble the discovery detail names.
Result<DomainName, std::string> knownOrgDomain(const DomainName& author, const Verdict& verdict) {
    if (verdict.orgDomain) return *verdict.orgDomain;
    return fail("organizational domain of " + author.str() +
                " could not be determined (" + verdict.policyDetail + ")");
}

void evaluateWithPolicy(const DomainName& author, std::vector<Identifier>& identifiers,
                        const LocalFacts& facts, const LocalPolicy& settings,
                        const EvaluationContext& context, Verdict& verdict) {
    const DiscoveredPolicy& found = *verdict.record;
    const UsablePolicy& usable = *verdict.usable;
    AlignmentChecker checker(author, settings.mode, context.resolver, context.psl,
                             knownOrgDomain(author, verdict));
    for (auto& id : identifiers) *id.out = checker.check(*id.domain, id.mode);

    if (anyAlignedPass(identifiers)) {
        verdict.result = DmarcResult::Pass;
    } else if (anyUndecided(identifiers)) {
        verdict.result = DmarcResult::TempError;
    } else {
        verdict.result = DmarcResult::Fail;
    }

    const TagChoice choice = chooseTag(author, found, usable, settings.mode, context.resolver);
    verdict.tag = choice.tag;
    verdict.policy = choice.value;
    verdict.existence = choice.existence;
    appendDetail(verdict.policyDetail, choice.note);
    if (verdict.result == DmarcResult::Fail && choice.undetermined) {
        verdict.result = DmarcResult::TempError;
    }

    const DispositionInput input{verdict.result, choice.value, found.record.testing,
                                 found.record.pct};
    auto decision = decideDisposition(input, settings, facts, context.random);
    verdict.requested = decision.requested;
    verdict.applied = decision.applied;
    verdict.overrides = std::move(decision.overrides);
}

}  // namespace

Verdict evaluate(const DomainName& author, const AuthInputs& auth, const LocalFacts& facts,
                 const LocalPolicy& settings, const EvaluationContext& context) {
    Verdict verdict = echoInputs(author.str(), auth, settings.mode);
    if (settings.mode == DmarcMode::Rfc7489 && context.psl == nullptr) {
        return permError(std::move(verdict), auth, "RFC 7489 mode needs a public suffix list");
    }

    PolicyDiscovery discovery =
        discoverPolicy(author, context.resolver, settings.mode, context.psl);
    verdict.discovery = discovery.outcome;
    verdict.record = std::move(discovery.policy);
    verdict.orgDomain = std::move(discovery.orgDomain);
    verdict.queried = std::move(discovery.queried);
    verdict.policyDetail = std::move(discovery.detail);

    if (verdict.discovery == DiscoveryOutcome::Found && verdict.record) {
        auto usable = usablePolicy(verdict.record->record, settings.mode);
        if (usable) {
            verdict.usable = std::move(usable).value();
        } else {
            appendDetail(verdict.policyDetail, std::string(describe(usable.error())));
        }
    }

    const DmarcRecord* record = verdict.usable ? &verdict.record->record : nullptr;
    auto identifiers = collectIdentifiers(auth, verdict, record);
    if (verdict.usable) {
        evaluateWithPolicy(author, identifiers, facts, settings, context, verdict);
    } else if (verdict.discovery == DiscoveryOutcome::TempError) {
        evaluateWithoutPolicy(author, identifiers, verdict);
    } else {
        verdict.result = DmarcResult::None;
        markUnevaluated(identifiers, "not assessed: no DMARC policy applies");
    }
    verdict.explanation = explain(verdict);
    return verdict;
}

Verdict invalidAuthorVerdict(std::string_view rawAuthor, DomainError error, const AuthInputs& auth,
                             const LocalPolicy& settings) {
    return permError(echoInputs(capped(rawAuthor), auth, settings.mode), auth,
                     "the From domain is not a valid domain name: " +
                         std::string(describe(error)));
}

}  // namespace dmarc::core
