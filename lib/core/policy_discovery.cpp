// DMARC policy discovery. RFC 9989 (§4.10.1): one tree walk from the author domain
// yields both the policy record (the author's own; else its Organizational Domain's; else
// the Public Suffix Domain's, a psd=y record met on the walk) and the author's
// Organizational Domain (§4.10.2). RFC 7489 (§6.6.3): _dmarc.<author>, then
// _dmarc.<PSL organizational domain> when that differs. Returns a PolicyDiscovery value
// that also lists every name queried and says in words why. No shared state: thread-safe.
#include "policy_discovery.h"

#include <algorithm>
#include <string>

namespace dmarc::core {

namespace {

std::string dmarcText(const DomainName& name) { return "_dmarc." + name.str(); }

// What one lookup found, for `detail`.
std::string describeStep(const WalkStep& step) {
    if (!isDefinite(step.status)) {
        return std::string(describe(step.status)) + " at " + dmarcText(step.name);
    }
    if (step.record) return "record at " + dmarcText(step.name);
    if (step.dmarcRecords > 1) {
        return std::to_string(step.dmarcRecords) + " DMARC records at " + dmarcText(step.name) +
               " (several records count as none)";
    }
    return "no DMARC record at " + dmarcText(step.name);
}

std::string describeUnqueryable(const DomainName& name) {
    return "no query for " + dmarcText(name) + " (longer than a DNS name may be)";
}

void append(std::string& detail, const std::string& more) {
    if (!detail.empty()) detail += "; ";
    detail += more;
}

void found(PolicyDiscovery& result, const WalkStep& step, PolicySource source) {
    result.outcome = DiscoveryOutcome::Found;
    result.policy = DiscoveredPolicy{step.name, *step.record, source};
}

template <typename Matches>
const WalkStep* findStep(const TreeWalk& walk, Matches matches) {
    const auto step = std::find_if(walk.steps.begin(), walk.steps.end(), matches);
    return step == walk.steps.end() ? nullptr : &*step;
}

PolicyDiscovery discoverByTreeWalk(const DomainName& author, Resolver& resolver) {
    PolicyDiscovery result;
    const TreeWalk walk = walkTree(author, resolver);
    for (const auto& step : walk.steps) result.queried.push_back(*step.name.dmarcName());

    const WalkStep* authorStep =
        !walk.steps.empty() && walk.steps.front().name == author ? &walk.steps.front() : nullptr;
    result.detail = authorStep ? describeStep(*authorStep) : describeUnqueryable(author);
    const auto orgDomain = selectOrganizationalDomain(walk);
    if (orgDomain) result.orgDomain = orgDomain.value();

    // The author's own record would be the policy: trouble there leaves it unknown.
    if (authorStep && !isDefinite(authorStep->status)) {
        result.outcome = DiscoveryOutcome::TempError;
        return result;
    }
    // Every error after the start changes the selection (see selectOrganizationalDomain),
    // and the start is fine here, so the first error is the one that made it fail.
    const WalkStep* firstError =
        findStep(walk, [](const WalkStep& step) { return !isDefinite(step.status); });
    if (authorStep && authorStep->record) {
        found(result, *authorStep, PolicySource::AuthorDomain);
        if (!orgDomain) {
            append(result.detail,
                   "organizational domain undetermined: " + describeStep(*firstError));
        }
        return result;
    }
    if (!orgDomain) {
        result.outcome = DiscoveryOutcome::TempError;
        append(result.detail, describeStep(*firstError));
        return result;
    }
    const std::string orgWords = "organizational domain " + orgDomain->str();
    if (const WalkStep* orgStep = findStep(walk, [&](const WalkStep& step) {
            return step.record && step.name == *orgDomain;
        })) {
        found(result, *orgStep, PolicySource::OrganizationalDomain);
        append(result.detail, orgWords + ": " + describeStep(*orgStep));
        return result;
    }
    // §4.10.1: the PSD's record applies only when the Organizational Domain has none. When
    // an author of 9+ labels meets psd=y at its 7-label ancestor, the Organizational Domain
    // (8 labels) is one the walk skipped and so never queried: the PSD record applies.
    if (const WalkStep* psdStep = findStep(walk, [](const WalkStep& step) {
            return step.record && step.record->psd == PsdFlag::Yes;
        })) {
        found(result, *psdStep, PolicySource::PublicSuffixDomain);
        append(result.detail, orgWords + " has no record; public suffix domain (psd=y) " +
                                  describeStep(*psdStep));
        return result;
    }
    result.outcome = DiscoveryOutcome::NoRecord;
    for (const auto& step : walk.steps) {
        if (&step != authorStep && step.dmarcRecords > 1) append(result.detail, describeStep(step));
    }
    append(result.detail, "none above it either (" + std::to_string(walk.steps.size()) +
                              " names queried in all)");
    return result;
}

// RFC 7489 §6.6.3 at one name. True when that settled the outcome: a record, several
// records (policy discovery terminates: no policy), or DNS trouble.
bool settleAt(const DomainName& name, PolicySource source, Resolver& resolver,
              PolicyDiscovery& result) {
    const auto step = queryDmarcName(name, resolver);
    if (!step) {
        append(result.detail, describeUnqueryable(name));
        return false;
    }
    result.queried.push_back(*name.dmarcName());
    append(result.detail, describeStep(*step));
    if (!isDefinite(step->status)) {
        result.outcome = DiscoveryOutcome::TempError;
    } else if (step->record) {
        found(result, *step, source);
    } else if (step->dmarcRecords > 1) {
        result.outcome = DiscoveryOutcome::NoRecord;
    } else {
        return false;
    }
    return true;
}

PolicyDiscovery discoverByPsl(const DomainName& author, Resolver& resolver,
                              const OrgDomainFinder* psl) {
    PolicyDiscovery result;
    if (psl) result.orgDomain = psl->organizationalDomain(author);
    if (settleAt(author, PolicySource::AuthorDomain, resolver, result)) return result;
    result.outcome = DiscoveryOutcome::NoRecord;
    if (!result.orgDomain) {
        append(result.detail, "no public suffix list to find the organizational domain");
    } else if (*result.orgDomain == author) {
        append(result.detail, author.str() + " is its own organizational domain");
    } else {
        settleAt(*result.orgDomain, PolicySource::OrganizationalDomain, resolver, result);
    }
    return result;
}

}  // namespace

std::string_view toString(PolicySource source) {
    switch (source) {
        case PolicySource::AuthorDomain: return "author";
        case PolicySource::OrganizationalDomain: return "organizational";
        case PolicySource::PublicSuffixDomain: return "psd";
    }
    return "unknown";
}

PolicyDiscovery discoverPolicy(const DomainName& author, Resolver& resolver, DmarcMode mode,
                               const OrgDomainFinder* psl) {
    return mode == DmarcMode::Rfc7489 ? discoverByPsl(author, resolver, psl)
                                      : discoverByTreeWalk(author, resolver);
}

}  // namespace dmarc::core
