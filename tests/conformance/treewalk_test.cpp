// Conformance: ietf-dmarcbis/treewalk-cases.yml (RFC 9989 Appendix B.4 and Mail::DMARC's
// tree-walk tests) through walkTree + selectOrganizationalDomain and through
// discoverPolicy in RFC 9989 mode, each lookup over an in-memory DNS holding the case's
// _dmarc records. Checks the Organizational Domain, the policy domain, the exact query
// sequence, relaxed alignment against the case's author lookup, and "no record" cases.
#include <catch2/catch.hpp>
#include <yaml-cpp/yaml.h>

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/org_domain.h"
#include "core/policy_discovery.h"
#include "support/conformance.h"
#include "support/table_resolver.h"

namespace {

using dmarc::core::DiscoveryOutcome;
using dmarc::test::nameOf;
using dmarc::test::TableResolver;
using Strings = std::vector<std::string>;

constexpr const char* kFile = "ietf-dmarcbis/treewalk-cases.yml";
// 3 lookups in each of B.4.1, B.4.2, B.4.3 and 8 in mail-dmarc-treewalk.
constexpr std::size_t kLookups = 17;

const std::set<std::string> kKnownExpectations{
    "org_domain", "policy_domain", "queries", "spf_aligned_relaxed", "dkim_aligned_relaxed",
    "record", "org_domain_fallback", "note"};

TableResolver::TxtTable tableFor(const YAML::Node& records) {
    TableResolver::TxtTable table;
    for (const auto& entry : records) {
        table["_dmarc." + entry.first.as<std::string>()].push_back(entry.second.as<std::string>());
    }
    return table;
}

struct LookupResult {
    std::optional<std::string> orgDomain;  // from walkTree + selectOrganizationalDomain
    Strings walkQueries;
    dmarc::core::PolicyDiscovery discovery;
    Strings discoveryQueries;
};

LookupResult runLookup(const YAML::Node& records, const std::string& domain) {
    LookupResult result;
    TableResolver walkDns(tableFor(records));
    const auto selected =
        dmarc::core::selectOrganizationalDomain(dmarc::core::walkTree(nameOf(domain), walkDns));
    if (selected) result.orgDomain = selected->str();
    result.walkQueries = walkDns.txtQueries();
    TableResolver discoveryDns(tableFor(records));
    result.discovery = dmarc::core::discoverPolicy(nameOf(domain), discoveryDns,
                                                   dmarc::core::DmarcMode::Rfc9989, nullptr);
    result.discoveryQueries = discoveryDns.txtQueries();
    return result;
}

std::optional<std::string> discoveredOrg(const LookupResult& result) {
    if (!result.discovery.orgDomain) return std::nullopt;
    return result.discovery.orgDomain->str();
}

// The expected name as the project spells it (A-labels, lower case).
std::string canonical(const YAML::Node& node) { return nameOf(node.as<std::string>()).str(); }

}  // namespace

TEST_CASE("treewalk-cases.yml: every lookup") {
    const YAML::Node cases =
        YAML::Load(dmarc::test::readFile(dmarc::test::conformanceFile(kFile)));
    REQUIRE(cases.IsSequence());
    std::size_t ran = 0;
    for (const auto& testCase : cases) {
        const std::string id = testCase["id"].as<std::string>();
        const YAML::Node records = testCase["dmarc"];
        REQUIRE(records.IsMap());

        // The author's Organizational Domain, for the alignment expectations.
        std::optional<std::string> authorOrg;
        for (const auto& lookup : testCase["lookups"]) {
            if (lookup["role"] && lookup["role"].as<std::string>() == "author") {
                authorOrg = runLookup(records, lookup["domain"].as<std::string>()).orgDomain;
            }
        }

        for (const auto& lookup : testCase["lookups"]) {
            const std::string domain = lookup["domain"].as<std::string>();
            INFO("case " << id << ", lookup " << domain);
            const YAML::Node expect = lookup["expect"];
            REQUIRE(expect.IsMap());
            for (const auto& entry : expect) {
                INFO("expectation " << entry.first.as<std::string>());
                CHECK(kKnownExpectations.count(entry.first.as<std::string>()) == 1);
            }
            const LookupResult result = runLookup(records, domain);
            INFO("discovery detail: " << result.discovery.detail);
            // Discovery walks from the same start: same queries, same org domain.
            CHECK(result.discoveryQueries == result.walkQueries);
            CHECK(discoveredOrg(result) == result.orgDomain);

            if (expect["org_domain"]) {
                CHECK(result.orgDomain == canonical(expect["org_domain"]));
            }
            if (expect["policy_domain"]) {
                CHECK(result.discovery.outcome == DiscoveryOutcome::Found);
                REQUIRE(result.discovery.policy);
                CHECK(result.discovery.policy->domain.str() == canonical(expect["policy_domain"]));
            }
            if (expect["queries"]) {
                CHECK(result.walkQueries == expect["queries"].as<Strings>());
            }
            for (const char* key : {"spf_aligned_relaxed", "dkim_aligned_relaxed"}) {
                if (!expect[key]) continue;
                INFO(key);
                REQUIRE(authorOrg);
                REQUIRE(result.orgDomain);
                CHECK((*result.orgDomain == *authorOrg) == expect[key].as<bool>());
            }
            if (expect["record"]) {
                REQUIRE(expect["record"].as<std::string>() == "none");
                CHECK(result.discovery.outcome == DiscoveryOutcome::NoRecord);
                CHECK_FALSE(result.discovery.policy);
            }
            if (expect["org_domain_fallback"]) {
                const std::string fallback = canonical(expect["org_domain_fallback"]);
                CHECK(result.orgDomain == fallback);
                CHECK(discoveredOrg(result) == fallback);
            }
            ++ran;
        }
    }
    dmarc::test::reportCases(kFile, "lookups", ran, kLookups);
}
