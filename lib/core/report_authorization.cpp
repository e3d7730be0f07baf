// External report destination verification (RFC 9990 §3, RFC 7489 §7.1): read the mailto:
// destination's domain, keep it when it is within the policy domain's organizational
// domain, else look for a v=DMARC1 record at <policy domain>._report._dmarc.<destination>.
// Pure over the Resolver; thread-safe.
#include "report_authorization.h"

#include <algorithm>
#include <cctype>
#include <utility>

#include "dmarc_record.h"

namespace dmarc::core {
namespace {

constexpr std::size_t kMaxUriEcho = 255;
constexpr std::string_view kMailto = "mailto:";

bool startsWithIgnoringCase(std::string_view text, std::string_view prefix) {
    return text.size() >= prefix.size() &&
           std::equal(prefix.begin(), prefix.end(), text.begin(), [](char a, char b) {
               return std::tolower(static_cast<unsigned char>(a)) ==
                      std::tolower(static_cast<unsigned char>(b));
           });
}

// The domain of a mailto: URI: after the last '@' of the address, before RFC 7489's
// "!size" suffix or any "?hfields". nullopt with `why` set when there is none.
std::optional<DomainName> mailtoDomain(std::string_view uri, std::string& why) {
    if (!startsWithIgnoringCase(uri, kMailto)) {
        why = "only mailto: destinations are supported";
        return std::nullopt;
    }
    std::string_view address = uri.substr(kMailto.size());
    address = address.substr(0, address.find_first_of("!?"));
    const auto at = address.rfind('@');
    if (at == std::string_view::npos || at == 0) {
        why = "no mailbox in the URI";
        return std::nullopt;
    }
    auto domain = DomainName::parse(address.substr(at + 1));
    if (!domain) {
        why = "the destination domain is invalid: " + std::string(describe(domain.error()));
        return std::nullopt;
    }
    return std::move(domain).value();
}

void verifyExternal(const DomainName& policyDomain, ReportDestination& destination,
                    Resolver& resolver) {
    const DomainName& target = *destination.domain;
    auto name = DomainName::parseDnsName(policyDomain.str() + "._report._dmarc." + target.str());
    if (!name) {
        destination.status = DestinationStatus::NotAuthorized;
        destination.why = "the authorization name for " + target.str() + " is too long to exist";
        return;
    }
    const TxtAnswer answer = resolver.lookupTxt(*name);
    if (!isDefinite(answer.status)) {
        destination.status = DestinationStatus::TempError;
        destination.why = std::string(describe(answer.status)) + " at " + name->str();
        return;
    }
    const bool authorized = std::any_of(answer.records.begin(), answer.records.end(),
                                        [](const std::string& text) {
                                            return parseDmarcRecord(text).ok();
                                        });
    destination.status =
        authorized ? DestinationStatus::Authorized : DestinationStatus::NotAuthorized;
    destination.why = authorized ? target.str() + " authorizes reports for " + policyDomain.str() +
                                       " at " + name->str()
                                 : "no v=DMARC1 record at " + name->str();
}

}  // namespace

std::string_view toString(DestinationStatus status) {
    switch (status) {
        case DestinationStatus::Internal: return "internal";
        case DestinationStatus::Authorized: return "authorized";
        case DestinationStatus::NotAuthorized: return "not authorized";
        case DestinationStatus::TempError: return "temperror";
        case DestinationStatus::Unusable: return "unusable";
    }
    return "unusable";
}

ReportDestination checkReportDestination(const DomainName& policyDomain,
                                         const DomainName& policyOrgDomain, std::string_view uri,
                                         Resolver& resolver) {
    ReportDestination destination;
    destination.uri = std::string(uri.substr(0, kMaxUriEcho));
    destination.domain = mailtoDomain(uri, destination.why);
    if (!destination.domain) return destination;
    if (destination.domain->isWithin(policyOrgDomain)) {
        destination.status = DestinationStatus::Internal;
        destination.why = destination.domain->str() + " is within " + policyOrgDomain.str();
        return destination;
    }
    verifyExternal(policyDomain, destination, resolver);
    return destination;
}

std::vector<ReportDestination> checkReportDestinations(const DomainName& policyDomain,
                                                       const DomainName& policyOrgDomain,
                                                       const std::vector<std::string>& uris,
                                                       Resolver& resolver) {
    std::vector<ReportDestination> destinations;
    destinations.reserve(uris.size());
    for (const auto& uri : uris) {
        if (destinations.size() >= kMaxReportDestinations) {
            ReportDestination skipped;
            skipped.uri = uri.substr(0, kMaxUriEcho);
            skipped.why = "more than " + std::to_string(kMaxReportDestinations) +
                          " destinations in one record";
            destinations.push_back(std::move(skipped));
            continue;
        }
        destinations.push_back(
            checkReportDestination(policyDomain, policyOrgDomain, uri, resolver));
    }
    return destinations;
}

}  // namespace dmarc::core
