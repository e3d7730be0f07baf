// Identifier alignment: strict = identical names; relaxed = same organizational domain,
// found by tree walk (RFC 9989) or public suffix list (RFC 7489). Walks are skipped when
// the answer is certain without them (identical names, strict mode, no shared parent, an
// identifier outside the author's organizational domain). Per-message; not thread-safe.
#include "alignment.h"

#include <utility>

namespace dmarc::core {
namespace {

// Names with different top-level labels can never share an organizational domain, which is
// always a suffix of the name it belongs to; this answer needs no DNS at all.
bool shareTopLevel(const DomainName& a, const DomainName& b) {
    return a.isWithin(b.rightmostLabels(1));
}

// Why a walk left the organizational domain undetermined: the failing status and where.
std::string walkFailure(const TreeWalk& walk, DnsStatus status) {
    std::string why = "organizational domain of " + walk.start.str() +
                      " could not be determined (" + std::string(describe(status));
    for (const auto& step : walk.steps) {
        if (step.status == status) {
            why += " at _dmarc." + step.name.str();
            break;
        }
    }
    return why + ")";
}

AlignmentCheck answer(Alignment alignment, std::string why) {
    return AlignmentCheck{alignment, std::move(why)};
}

}  // namespace

std::string_view toString(Alignment alignment) {
    switch (alignment) {
        case Alignment::Strict: return "strict";
        case Alignment::Relaxed: return "relaxed";
        case Alignment::NotAligned: return "unaligned";
        case Alignment::Unknown: return "unknown";
        case Alignment::NotEvaluated: return "unevaluated";
    }
    return "unknown";
}

bool isAligned(Alignment alignment) {
    return alignment == Alignment::Strict || alignment == Alignment::Relaxed;
}

AlignmentChecker::AlignmentChecker(DomainName author, DmarcMode mode, Resolver& resolver,
                                   const OrgDomainFinder* psl,
                                   std::optional<Result<DomainName, std::string>> authorOrgDomain)
    : author_(std::move(author)), mode_(mode), resolver_(resolver), psl_(psl) {
    if (authorOrgDomain) orgDomains_.emplace(author_, std::move(*authorOrgDomain));
}

AlignmentCheck checkIdentity(const DomainName& author, const DomainName& identifier,
                             std::string_view otherwise) {
    if (identifier == author) {
        return answer(Alignment::Strict, identifier.str() + " is the author domain");
    }
    return answer(Alignment::NotEvaluated, std::string(otherwise));
}

AlignmentCheck AlignmentChecker::check(const DomainName& identifier, AlignmentMode mode) {
    if (identifier == author_) return checkIdentity(author_, identifier, "");
    if (mode == AlignmentMode::Strict) {
        return answer(Alignment::NotAligned,
                      identifier.str() + " is not " + author_.str() + " (strict alignment)");
    }
    if (!shareTopLevel(identifier, author_)) {
        return answer(Alignment::NotAligned, identifier.str() + " and " + author_.str() +
                                                 " share no parent domain");
    }
    const auto& authorOrg = orgDomainOf(author_);
    if (!authorOrg) return answer(Alignment::Unknown, authorOrg.error());
    if (!identifier.isWithin(*authorOrg)) {
        return answer(Alignment::NotAligned,
                      identifier.str() + " is not within " + authorOrg->str());
    }
    if (mode_ == DmarcMode::Rfc9989 && !orgDomains_.contains(identifier)) {
        if (identifierWalks_ >= kMaxIdentifierWalks) {
            return answer(Alignment::NotAligned,
                          identifier.str() + " not checked: more than " +
                              std::to_string(kMaxIdentifierWalks) +
                              " identifiers needed a DNS tree walk");
        }
        ++identifierWalks_;
    }
    const auto& identifierOrg = orgDomainOf(identifier);
    if (!identifierOrg) return answer(Alignment::Unknown, identifierOrg.error());
    if (*identifierOrg == *authorOrg) {
        return answer(Alignment::Relaxed, identifier.str() + " and " + author_.str() +
                                              " share the organizational domain " +
                                              authorOrg->str());
    }
    return answer(Alignment::NotAligned, identifier.str() + " has the organizational domain " +
                                             identifierOrg->str() + ", " + author_.str() +
                                             " has " + authorOrg->str());
}

const Result<DomainName, std::string>& AlignmentChecker::orgDomainOf(const DomainName& name) {
    auto found = orgDomains_.find(name);
    if (found == orgDomains_.end()) found = orgDomains_.emplace(name, lookUpOrgDomain(name)).first;
    return found->second;
}

Result<DomainName, std::string> AlignmentChecker::lookUpOrgDomain(const DomainName& name) {
    if (mode_ == DmarcMode::Rfc7489) {
        if (psl_ == nullptr) return fail(std::string("RFC 7489 mode without a public suffix list"));
        return psl_->organizationalDomain(name);
    }
    const TreeWalk walk = walkTree(name, resolver_);
    auto selected = selectOrganizationalDomain(walk);
    if (!selected) return fail(walkFailure(walk, selected.error()));
    return std::move(selected).value();
}

}  // namespace dmarc::core
