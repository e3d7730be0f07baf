// RFC 9989 DNS tree walk (§4.10) and Organizational Domain selection (§4.10.2).
// treeWalkTargets() is pure; walkTree() asks the Resolver once per target and returns
// every answer; selectOrganizationalDomain() returns the Organizational Domain or the DNS
// status that leaves it undetermined. No shared state: thread-safe.
#include "org_domain.h"

#include <utility>

namespace dmarc::core {

namespace {

// §4.10 steps 3, 4 and 7: a name with x >= 8 labels jumps to its last 7, which caps a walk
// at 8 queries however long a hostile author domain is.
constexpr std::size_t kJumpThreshold = 8;
constexpr std::size_t kLabelsAfterJump = 7;

// Strictly above `name` in the tree.
bool isAncestorOf(const DomainName& ancestor, const DomainName& name) {
    return ancestor.labelCount() < name.labelCount() && name.isWithin(ancestor);
}

struct Selection {
    DomainName orgDomain;
    // The step that ended the selection by rule 1 (psd=n) or rule 2 (psd=y above the
    // start), or steps.size() when rule 3 or the fallback to the start applied.
    std::size_t decidedAt;
};

// §4.10.2 over the definite answers, steps in walk order (longest name first). A step
// without a single DMARC record (none, several, or a DNS error) contributes nothing.
Selection selectIgnoringErrors(const TreeWalk& walk) {
    const WalkStep* fewestLabels = nullptr;
    for (std::size_t i = 0; i < walk.steps.size(); ++i) {
        const WalkStep& step = walk.steps[i];
        if (!step.record) continue;
        if (step.record->psd == PsdFlag::No) return {step.name, i};
        if (step.record->psd == PsdFlag::Yes && isAncestorOf(step.name, walk.start)) {
            return {walk.start.rightmostLabels(step.name.labelCount() + 1), i};
        }
        if (!fewestLabels || step.name.labelCount() < fewestLabels->name.labelCount()) {
            fewestLabels = &step;
        }
    }
    return {fewestLabels ? fewestLabels->name : walk.start, walk.steps.size()};
}

}  // namespace

std::vector<DomainName> treeWalkTargets(const DomainName& start) {
    std::vector<DomainName> targets{start};
    const std::size_t labels = start.labelCount();
    const std::size_t next = labels >= kJumpThreshold ? kLabelsAfterJump : labels - 1;
    for (std::size_t count = next; count >= 1; --count) {
        targets.push_back(start.rightmostLabels(count));
    }
    return targets;
}

// "_dmarc." + a name of 247 octets or more is not a valid DNS name: nothing can be
// published there, so such a name gets no query (nullopt) and has no record.
std::optional<WalkStep> queryDmarcName(const DomainName& name, Resolver& resolver) {
    const auto dmarcName = name.dmarcName();
    if (!dmarcName) return std::nullopt;
    WalkStep step{name, DnsStatus::NoData, 0, std::nullopt};
    TxtAnswer answer = resolver.lookupTxt(*dmarcName);
    step.status = answer.status;
    if (answer.status != DnsStatus::Ok) return step;
    // §4.10 step 2: TXT strings that are not DMARC records are discarded; several DMARC
    // records at one name are all discarded (the count stays, for logs).
    for (const auto& text : answer.records) {
        auto parsed = parseDmarcRecord(text);
        if (!parsed) continue;
        if (++step.dmarcRecords == 1) {
            step.record = std::move(parsed).value();
        } else {
            step.record.reset();
        }
    }
    return step;
}

TreeWalk walkTree(const DomainName& start, Resolver& resolver) {
    TreeWalk walk{start, {}};
    for (const auto& target : treeWalkTargets(start)) {
        auto step = queryDmarcName(target, resolver);
        if (!step) continue;
        walk.steps.push_back(std::move(*step));
        const auto& record = walk.steps.back().record;
        if (record && record->psd != PsdFlag::Unknown) break;  // §4.10 steps 2 and 6
    }
    return walk;
}

// Which DNS errors matter. A step before the one that decided the selection (or any step,
// when none decided it) could have held a single record, and:
//  * at a name above the start, psd=n there would make that name the Organizational
//    Domain and psd=y the name below it; the two differ, so at least one of them differs
//    from what the rest of the walk selects: such an error always matters;
//  * at the start itself, every possible answer (none, a plain record, psd=n, psd=y, which
//    rule 2 excludes at the start) yields the start or what the rest of the walk yields,
//    so the error matters only when the rest selects another domain, or is itself
//    uncertain (another error).
// Steps after the deciding one cannot change it (a real walk has none: it stops there).
// The first error that matters, in query order, is returned.
Result<DomainName, DnsStatus> selectOrganizationalDomain(const TreeWalk& walk) {
    Selection selection = selectIgnoringErrors(walk);
    std::size_t errors = 0;
    for (std::size_t i = 0; i < selection.decidedAt; ++i) {
        if (!isDefinite(walk.steps[i].status)) ++errors;
    }
    for (std::size_t i = 0; i < selection.decidedAt; ++i) {
        const WalkStep& step = walk.steps[i];
        if (isDefinite(step.status)) continue;
        const bool atStart = step.name == walk.start;
        if (!atStart || errors > 1 || selection.orgDomain != walk.start) return fail(step.status);
    }
    return std::move(selection.orgDomain);
}

}  // namespace dmarc::core
