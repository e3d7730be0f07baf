// Unit tests for lib/core/policy_discovery.cpp: RFC 9989 discovery by one tree walk (policy
// record, its source, the author's Organizational Domain, DNS errors) and RFC 7489
// discovery by author then PSL organizational domain, each with the exact _dmarc queries
// made. DNS comes from the in-memory TableResolver; the PSL from a miniature list.
#include <catch2/catch.hpp>

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/policy_discovery.h"
#include "support/table_resolver.h"

using dmarc::core::DiscoveryOutcome;
using dmarc::core::DmarcMode;
using dmarc::core::DnsStatus;
using dmarc::core::DomainName;
using dmarc::core::PolicyDiscovery;
using dmarc::core::PolicySource;
using dmarc::test::nameOf;
using dmarc::test::TableResolver;

namespace {

using Strings = std::vector<std::string>;

// A public suffix list in miniature: the organizational domain is one label below the
// longest listed suffix (every TLD counts as listed, like the PSL's implicit "*" rule);
// a name that is itself a suffix is its own organizational domain.
class SuffixListFinder : public dmarc::core::OrgDomainFinder {
public:
    explicit SuffixListFinder(std::set<std::string> suffixes) : suffixes_(std::move(suffixes)) {}
    DomainName organizationalDomain(const DomainName& name) const override {
        std::size_t longest = 1;
        for (std::size_t count = 2; count <= name.labelCount(); ++count) {
            if (suffixes_.count(name.rightmostLabels(count).str())) longest = count;
        }
        return longest < name.labelCount() ? name.rightmostLabels(longest + 1) : name;
    }

private:
    std::set<std::string> suffixes_;
};

struct Case {
    std::string why;
    TableResolver::TxtTable txt;
    std::vector<std::pair<std::string, DnsStatus>> failing;  // _dmarc names
    std::string author;
    DiscoveryOutcome outcome;
    PolicySource source;      // read only when outcome is Found
    std::string policyDomain; // "" unless Found
    std::string p;            // the policy record's p=, "" for none
    std::string orgDomain;    // "" when undetermined
    Strings queries;          // _dmarc names, in order
    Strings detailHas;        // substrings of `detail`
};

std::string pOf(const PolicyDiscovery& found) {
    if (!found.policy || !found.policy->record.p) return "";
    return std::string(dmarc::core::toString(*found.policy->record.p));
}

void check(const Case& c, DmarcMode mode, const dmarc::core::OrgDomainFinder* psl) {
    INFO("case: " << c.why << " (author " << c.author << ")");
    TableResolver dns(c.txt);
    for (const auto& [name, status] : c.failing) dns.failTxt(name, status);
    const PolicyDiscovery found = dmarc::core::discoverPolicy(nameOf(c.author), dns, mode, psl);
    INFO("detail: " << found.detail);
    CHECK(found.outcome == c.outcome);
    CHECK(found.policy.has_value() == (c.outcome == DiscoveryOutcome::Found));
    if (found.policy && c.outcome == DiscoveryOutcome::Found) {
        CHECK(found.policy->source == c.source);
        CHECK(found.policy->domain.str() == c.policyDomain);
        CHECK(pOf(found) == c.p);
    }
    CHECK(found.orgDomain.has_value() == !c.orgDomain.empty());
    if (found.orgDomain) CHECK(found.orgDomain->str() == c.orgDomain);
    Strings queried;
    for (const auto& name : found.queried) queried.push_back(name.str());
    CHECK(queried == c.queries);
    CHECK(dns.txtQueries() == c.queries);
    CHECK(dns.queries().size() == c.queries.size());  // never an existence probe
    for (const auto& words : c.detailHas) CHECK_THAT(found.detail, Catch::Contains(words));
}

// 253 octets: "_dmarc." in front of it is too long to query.
const std::string kLongest = std::string(63, 'a') + "." + std::string(63, 'b') + "." +
                             std::string(63, 'c') + "." + std::string(57, 'd') + ".com";
const std::string kLongestParent =
    std::string(63, 'b') + "." + std::string(63, 'c') + "." + std::string(57, 'd') + ".com";

constexpr auto Found = DiscoveryOutcome::Found;
constexpr auto NoRecord = DiscoveryOutcome::NoRecord;
constexpr auto TempError = DiscoveryOutcome::TempError;
constexpr auto Author = PolicySource::AuthorDomain;
constexpr auto Org = PolicySource::OrganizationalDomain;
constexpr auto Psd = PolicySource::PublicSuffixDomain;

}  // namespace

TEST_CASE("discoverPolicy RFC 9989: records, sources and query sequences") {
    const std::vector<Case> cases{
        {"B.4.1 author: own record, walk goes on for the org domain",
         {{"_dmarc.example.com", {"v=DMARC1; p=reject"}},
          {"_dmarc.signing.example.com", {"v=DMARC1; p=none"}}},
         {}, "example.com", Found, Author, "example.com", "reject", "example.com",
         {"_dmarc.example.com", "_dmarc.com"}, {"record at _dmarc.example.com"}},
        {"B.4.2 deep author: 8 queries, org domain's record",
         {{"_dmarc.example.com", {"v=DMARC1; p=reject"}},
          {"_dmarc.signing.example.com", {"v=DMARC1; p=none"}}},
         {}, "a.b.c.d.e.f.g.h.i.j.k.example.com", Found, Org, "example.com", "reject",
         "example.com",
         {"_dmarc.a.b.c.d.e.f.g.h.i.j.k.example.com", "_dmarc.g.h.i.j.k.example.com",
          "_dmarc.h.i.j.k.example.com", "_dmarc.i.j.k.example.com", "_dmarc.j.k.example.com",
          "_dmarc.k.example.com", "_dmarc.example.com", "_dmarc.com"},
         {"no DMARC record at _dmarc.a.b.c.d.e.f.g.h.i.j.k.example.com",
          "organizational domain example.com: record at _dmarc.example.com"}},
        {"B.4.3 author: own record, psd=y above stops the walk",
         {{"_dmarc.bank.example", {"v=DMARC1; p=reject; psd=y"}},
          {"_dmarc.giant.bank.example", {"v=DMARC1; p=quarantine"}}},
         {}, "giant.bank.example", Found, Author, "giant.bank.example", "quarantine",
         "giant.bank.example", {"_dmarc.giant.bank.example", "_dmarc.bank.example"}, {}},
        {"B.4.3 names as author: no org record, the PSD's record applies",
         {{"_dmarc.bank.example", {"v=DMARC1; p=reject; psd=y"}},
          {"_dmarc.giant.bank.example", {"v=DMARC1; p=quarantine"}}},
         {}, "mail.mega.bank.example", Found, Psd, "bank.example", "reject",
         "mega.bank.example",
         {"_dmarc.mail.mega.bank.example", "_dmarc.mega.bank.example", "_dmarc.bank.example"},
         {"organizational domain mega.bank.example has no record",
          "public suffix domain (psd=y) record at _dmarc.bank.example"}},
        {"the org domain's record, not the nearer one, applies",
         {{"_dmarc.b.example.com", {"v=DMARC1; p=reject"}},
          {"_dmarc.example.com", {"v=DMARC1; p=none"}}},
         {}, "a.b.example.com", Found, Org, "example.com", "none", "example.com",
         {"_dmarc.a.b.example.com", "_dmarc.b.example.com", "_dmarc.example.com", "_dmarc.com"},
         {}},
        {"psd=n above the author: that record, and the walk stops",
         {{"_dmarc.b.example.com", {"v=DMARC1; p=quarantine; psd=n"}},
          {"_dmarc.example.com", {"v=DMARC1; p=reject"}}},
         {}, "a.b.example.com", Found, Org, "b.example.com", "quarantine", "b.example.com",
         {"_dmarc.a.b.example.com", "_dmarc.b.example.com"}, {}},
        {"psd=y directly above an author without record: author is its org domain, PSD policy",
         {{"_dmarc.bank.example", {"v=DMARC1; p=reject; psd=y"}}},
         {}, "a.bank.example", Found, Psd, "bank.example", "reject", "a.bank.example",
         {"_dmarc.a.bank.example", "_dmarc.bank.example"}, {}},
        {"psd=y at the author itself: the author's record, one query",
         {{"_dmarc.bank.example", {"v=DMARC1; p=reject; psd=y"}},
          {"_dmarc.example", {"v=DMARC1; p=none"}}},
         {}, "bank.example", Found, Author, "bank.example", "reject", "bank.example",
         {"_dmarc.bank.example"}, {}},
        {"psd=n at the author: one query",
         {{"_dmarc.mail.example.com", {"v=DMARC1; p=none; psd=n"}},
          {"_dmarc.example.com", {"v=DMARC1; p=reject"}}},
         {}, "mail.example.com", Found, Author, "mail.example.com", "none", "mail.example.com",
         {"_dmarc.mail.example.com"}, {}},
        {"psd=y at the TLD, record at the org domain: the org record",
         {{"_dmarc.com", {"v=DMARC1; p=reject; psd=y"}},
          {"_dmarc.example.com", {"v=DMARC1; p=none"}}},
         {}, "a.example.com", Found, Org, "example.com", "none", "example.com",
         {"_dmarc.a.example.com", "_dmarc.example.com", "_dmarc.com"}, {}},
        {"a plain record at the TLD only: it has the fewest labels, so it is the org's",
         {{"_dmarc.com", {"v=DMARC1; p=quarantine"}}},
         {}, "a.example.com", Found, Org, "com", "quarantine", "com",
         {"_dmarc.a.example.com", "_dmarc.example.com", "_dmarc.com"}, {}},
        {"no record anywhere: NoRecord, the author is its own org domain",
         {}, {}, "mail.example.com", NoRecord, Author, "", "", "mail.example.com",
         {"_dmarc.mail.example.com", "_dmarc.example.com", "_dmarc.com"},
         {"no DMARC record at _dmarc.mail.example.com", "none above it either (3 names"}},
        {"only non-DMARC TXT: NoRecord",
         {{"_dmarc.example.com", {"v=spf1 -all", "v=DMARC2; p=reject"}},
          {"_dmarc.mail.example.com", {"v=dmarc1; p=reject"}}},
         {}, "mail.example.com", NoRecord, Author, "", "", "mail.example.com",
         {"_dmarc.mail.example.com", "_dmarc.example.com", "_dmarc.com"}, {}},
        {"several records at the author are discarded, the walk goes on",
         {{"_dmarc.a.example.com", {"v=DMARC1; p=none", "v=DMARC1; p=reject"}},
          {"_dmarc.example.com", {"v=DMARC1; p=quarantine"}}},
         {}, "a.example.com", Found, Org, "example.com", "quarantine", "example.com",
         {"_dmarc.a.example.com", "_dmarc.example.com", "_dmarc.com"},
         {"2 DMARC records at _dmarc.a.example.com (several records count as none)"}},
        {"several records at every name: NoRecord, each named",
         {{"_dmarc.a.example.com", {"v=DMARC1; p=none", "v=DMARC1; p=reject"}},
          {"_dmarc.example.com", {"v=DMARC1", "v=DMARC1", "v=DMARC1"}}},
         {}, "a.example.com", NoRecord, Author, "", "", "a.example.com",
         {"_dmarc.a.example.com", "_dmarc.example.com", "_dmarc.com"},
         {"2 DMARC records at _dmarc.a.example.com", "3 DMARC records at _dmarc.example.com"}},
        {"garbage TXT beside the author's record",
         {{"_dmarc.example.com", {"hello", "v=DMARC1; p=reject", "v=spf1 -all"}}},
         {}, "example.com", Found, Author, "example.com", "reject", "example.com",
         {"_dmarc.example.com", "_dmarc.com"}, {}},
        {"10 labels, psd=y at the 7-label jump target: PSD policy, 8-label org never queried",
         {{"_dmarc.c.d.e.f.g.example.com", {"v=DMARC1; p=quarantine; psd=y"}},
          {"_dmarc.b.c.d.e.f.g.example.com", {"v=DMARC1; p=none"}}},
         {}, "y.x.b.c.d.e.f.g.example.com", Found, Psd, "c.d.e.f.g.example.com", "quarantine",
         "b.c.d.e.f.g.example.com",
         {"_dmarc.y.x.b.c.d.e.f.g.example.com", "_dmarc.c.d.e.f.g.example.com"}, {}},
        {"13 labels with an own record: still the full capped walk for the org domain",
         {{"_dmarc.a.b.c.d.e.f.g.h.i.j.k.example.com", {"v=DMARC1; p=reject"}},
          {"_dmarc.example.com", {"v=DMARC1; p=none"}}},
         {}, "a.b.c.d.e.f.g.h.i.j.k.example.com", Found, Author,
         "a.b.c.d.e.f.g.h.i.j.k.example.com", "reject", "example.com",
         {"_dmarc.a.b.c.d.e.f.g.h.i.j.k.example.com", "_dmarc.g.h.i.j.k.example.com",
          "_dmarc.h.i.j.k.example.com", "_dmarc.i.j.k.example.com", "_dmarc.j.k.example.com",
          "_dmarc.k.example.com", "_dmarc.example.com", "_dmarc.com"},
         {}},
        {"an author too long for _dmarc: no query there, the parents decide",
         {{"_dmarc." + kLongestParent, {"v=DMARC1; p=reject"}}},
         {}, kLongest, Found, Org, kLongestParent, "reject", kLongestParent,
         {"_dmarc." + kLongestParent, "_dmarc." + std::string(63, 'c') + "." +
                                          std::string(57, 'd') + ".com",
          "_dmarc." + std::string(57, 'd') + ".com", "_dmarc.com"},
         {"no query for _dmarc." + kLongest}},
        {"an author too long for _dmarc, no record anywhere",
         {}, {}, kLongest, NoRecord, Author, "", "", kLongest,
         {"_dmarc." + kLongestParent, "_dmarc." + std::string(63, 'c') + "." +
                                          std::string(57, 'd') + ".com",
          "_dmarc." + std::string(57, 'd') + ".com", "_dmarc.com"},
         {"no query for _dmarc." + kLongest, "none above it either (4 names"}},
    };
    for (const auto& c : cases) check(c, DmarcMode::Rfc9989, nullptr);
}

TEST_CASE("discoverPolicy RFC 9989: DNS errors") {
    const std::vector<Case> cases{
        {"SERVFAIL at the author: TempError; nothing above, so the org domain is known",
         {}, {{"_dmarc.mail.example.com", DnsStatus::ServFail}},
         "mail.example.com", TempError, Author, "", "", "mail.example.com",
         {"_dmarc.mail.example.com", "_dmarc.example.com", "_dmarc.com"},
         {"SERVFAIL at _dmarc.mail.example.com"}},
        {"timeout at the author with a record above: TempError, org undetermined",
         {{"_dmarc.example.com", {"v=DMARC1; p=reject"}}},
         {{"_dmarc.mail.example.com", DnsStatus::Timeout}},
         "mail.example.com", TempError, Author, "", "", "",
         {"_dmarc.mail.example.com", "_dmarc.example.com", "_dmarc.com"},
         {"timeout at _dmarc.mail.example.com"}},
        {"malformed reply at the author with psd=y directly above: TempError, org known",
         {{"_dmarc.bank.example", {"v=DMARC1; p=reject; psd=y"}}},
         {{"_dmarc.giant.bank.example", DnsStatus::Malformed}},
         "giant.bank.example", TempError, Author, "", "", "giant.bank.example",
         {"_dmarc.giant.bank.example", "_dmarc.bank.example"},
         {"malformed reply at _dmarc.giant.bank.example"}},
        {"own record, SERVFAIL above: the policy stands, the org domain does not",
         {{"_dmarc.mail.example.com", {"v=DMARC1; p=reject"}}},
         {{"_dmarc.example.com", DnsStatus::ServFail}},
         "mail.example.com", Found, Author, "mail.example.com", "reject", "",
         {"_dmarc.mail.example.com", "_dmarc.example.com", "_dmarc.com"},
         {"record at _dmarc.mail.example.com",
          "organizational domain undetermined: SERVFAIL at _dmarc.example.com"}},
        {"own record, timeout at the TLD: org undetermined (a TLD record could win)",
         {{"_dmarc.mail.example.com", {"v=DMARC1; p=reject"}},
          {"_dmarc.example.com", {"v=DMARC1; p=none"}}},
         {{"_dmarc.com", DnsStatus::Timeout}},
         "mail.example.com", Found, Author, "mail.example.com", "reject", "",
         {"_dmarc.mail.example.com", "_dmarc.example.com", "_dmarc.com"},
         {"organizational domain undetermined: timeout at _dmarc.com"}},
        {"own psd=n record: the walk stops before a failing parent",
         {{"_dmarc.mail.example.com", {"v=DMARC1; p=reject; psd=n"}}},
         {{"_dmarc.example.com", DnsStatus::ServFail}},
         "mail.example.com", Found, Author, "mail.example.com", "reject", "mail.example.com",
         {"_dmarc.mail.example.com"}, {}},
        {"no own record, timeout above: TempError",
         {{"_dmarc.com", {"v=DMARC1; p=none; psd=y"}}},
         {{"_dmarc.example.com", DnsStatus::Timeout}},
         "a.example.com", TempError, Author, "", "", "",
         {"_dmarc.a.example.com", "_dmarc.example.com", "_dmarc.com"},
         {"no DMARC record at _dmarc.a.example.com", "timeout at _dmarc.example.com"}},
        {"no own record, malformed reply at the TLD after the org's record: TempError",
         {{"_dmarc.example.com", {"v=DMARC1; p=reject"}}},
         {{"_dmarc.com", DnsStatus::Malformed}},
         "a.example.com", TempError, Author, "", "", "",
         {"_dmarc.a.example.com", "_dmarc.example.com", "_dmarc.com"},
         {"malformed reply at _dmarc.com"}},
        {"no own record, no record anywhere, SERVFAIL in the middle: TempError",
         {}, {{"_dmarc.b.example.com", DnsStatus::ServFail}},
         "a.b.example.com", TempError, Author, "", "", "",
         {"_dmarc.a.b.example.com", "_dmarc.b.example.com", "_dmarc.example.com", "_dmarc.com"},
         {"SERVFAIL at _dmarc.b.example.com"}},
        {"the first of several errors is named",
         {}, {{"_dmarc.b.example.com", DnsStatus::Timeout}, {"_dmarc.com", DnsStatus::ServFail}},
         "a.b.example.com", TempError, Author, "", "", "",
         {"_dmarc.a.b.example.com", "_dmarc.b.example.com", "_dmarc.example.com", "_dmarc.com"},
         {"timeout at _dmarc.b.example.com"}},
    };
    for (const auto& c : cases) check(c, DmarcMode::Rfc9989, nullptr);
}

TEST_CASE("discoverPolicy RFC 7489: author, then the PSL organizational domain") {
    const SuffixListFinder psl({"co.uk", "bank.example"});
    const std::vector<Case> cases{
        {"own record: one query",
         {{"_dmarc.mail.example.com", {"v=DMARC1; p=reject"}},
          {"_dmarc.example.com", {"v=DMARC1; p=none"}}},
         {}, "mail.example.com", Found, Author, "mail.example.com", "reject", "example.com",
         {"_dmarc.mail.example.com"}, {"record at _dmarc.mail.example.com"}},
        {"no own record: the organizational domain's",
         {{"_dmarc.example.com", {"v=DMARC1; p=none"}}},
         {}, "mail.example.com", Found, Org, "example.com", "none", "example.com",
         {"_dmarc.mail.example.com", "_dmarc.example.com"},
         {"no DMARC record at _dmarc.mail.example.com", "record at _dmarc.example.com"}},
        {"no walk: a record between author and org domain is never seen",
         {{"_dmarc.b.example.com", {"v=DMARC1; p=reject"}}},
         {}, "a.b.example.com", NoRecord, Author, "", "", "example.com",
         {"_dmarc.a.b.example.com", "_dmarc.example.com"},
         {"no DMARC record at _dmarc.example.com"}},
        {"author is its own org domain: one query",
         {{"_dmarc.com", {"v=DMARC1; p=reject"}}},
         {}, "example.com", NoRecord, Author, "", "", "example.com", {"_dmarc.example.com"},
         {"example.com is its own organizational domain"}},
        {"several records at the author: no policy, the org domain is not asked",
         {{"_dmarc.mail.example.com", {"v=DMARC1; p=none", "v=DMARC1; p=none"}},
          {"_dmarc.example.com", {"v=DMARC1; p=reject"}}},
         {}, "mail.example.com", NoRecord, Author, "", "", "example.com",
         {"_dmarc.mail.example.com"}, {"2 DMARC records at _dmarc.mail.example.com"}},
        {"several records at the org domain: no policy",
         {{"_dmarc.example.com", {"v=DMARC1; p=none", "v=DMARC1; p=reject"}}},
         {}, "mail.example.com", NoRecord, Author, "", "", "example.com",
         {"_dmarc.mail.example.com", "_dmarc.example.com"},
         {"2 DMARC records at _dmarc.example.com"}},
        {"SERVFAIL at the author: TempError, one query",
         {{"_dmarc.example.com", {"v=DMARC1; p=reject"}}},
         {{"_dmarc.mail.example.com", DnsStatus::ServFail}},
         "mail.example.com", TempError, Author, "", "", "example.com",
         {"_dmarc.mail.example.com"}, {"SERVFAIL at _dmarc.mail.example.com"}},
        {"timeout at the org domain: TempError",
         {}, {{"_dmarc.example.com", DnsStatus::Timeout}},
         "mail.example.com", TempError, Author, "", "", "example.com",
         {"_dmarc.mail.example.com", "_dmarc.example.com"}, {"timeout at _dmarc.example.com"}},
        {"psd= means nothing to RFC 7489: psd=y at the org domain is its policy",
         {{"_dmarc.example.com", {"v=DMARC1; p=quarantine; psd=y"}}},
         {}, "mail.example.com", Found, Org, "example.com", "quarantine", "example.com",
         {"_dmarc.mail.example.com", "_dmarc.example.com"}, {}},
        {"a multi-label public suffix: the record at co.uk is never asked",
         {{"_dmarc.co.uk", {"v=DMARC1; p=reject"}}},
         {}, "mail.bbc.co.uk", NoRecord, Author, "", "", "bbc.co.uk",
         {"_dmarc.mail.bbc.co.uk", "_dmarc.bbc.co.uk"}, {}},
        {"an author that is a public suffix with its own record",
         {{"_dmarc.bank.example", {"v=DMARC1; p=reject"}}},
         {}, "bank.example", Found, Author, "bank.example", "reject", "bank.example",
         {"_dmarc.bank.example"}, {}},
        {"an author too long for _dmarc: only the org domain is asked",
         {{"_dmarc." + std::string(57, 'd') + ".com", {"v=DMARC1; p=reject"}}},
         {}, kLongest, Found, Org, std::string(57, 'd') + ".com", "reject",
         std::string(57, 'd') + ".com", {"_dmarc." + std::string(57, 'd') + ".com"},
         {"no query for _dmarc." + kLongest}},
    };
    for (const auto& c : cases) check(c, DmarcMode::Rfc7489, &psl);
}

TEST_CASE("discoverPolicy RFC 7489 without a public suffix list: the author only") {
    check({"no list given", {{"_dmarc.example.com", {"v=DMARC1; p=reject"}}}, {},
           "mail.example.com", NoRecord, Author, "", "", "", {"_dmarc.mail.example.com"},
           {"no public suffix list"}},
          DmarcMode::Rfc7489, nullptr);
    check({"no list needed", {{"_dmarc.mail.example.com", {"v=DMARC1; p=reject"}}}, {},
           "mail.example.com", Found, Author, "mail.example.com", "reject", "",
           {"_dmarc.mail.example.com"}, {}},
          DmarcMode::Rfc7489, nullptr);
}

TEST_CASE("discoverPolicy: RFC 9989 ignores the public suffix list") {
    const SuffixListFinder psl({"example.com"});
    check({"walk, not list", {{"_dmarc.example.com", {"v=DMARC1; p=reject"}}}, {},
           "a.b.example.com", Found, Org, "example.com", "reject", "example.com",
           {"_dmarc.a.b.example.com", "_dmarc.b.example.com", "_dmarc.example.com",
            "_dmarc.com"},
           {}},
          DmarcMode::Rfc9989, &psl);
}

TEST_CASE("discoverPolicy: the whole record is returned") {
    TableResolver dns({{"_dmarc.example.com",
                        {"v=DMARC1; p=reject; sp=quarantine; np=none; adkim=s; aspf=s; t=y; "
                         "rua=mailto:agg@example.com"}}});
    const auto found = dmarc::core::discoverPolicy(nameOf("a.example.com"), dns,
                                                   DmarcMode::Rfc9989, nullptr);
    REQUIRE(found.policy);
    const auto& record = found.policy->record;
    CHECK(record.sp == dmarc::core::Policy::Quarantine);
    CHECK(record.np == dmarc::core::Policy::None);
    CHECK(record.adkim == dmarc::core::AlignmentMode::Strict);
    CHECK(record.aspf == dmarc::core::AlignmentMode::Strict);
    CHECK(record.testing);
    CHECK(record.rua == Strings{"mailto:agg@example.com"});
}

TEST_CASE("toString(PolicySource)") {
    CHECK(dmarc::core::toString(PolicySource::AuthorDomain) == "author");
    CHECK(dmarc::core::toString(PolicySource::OrganizationalDomain) == "organizational");
    CHECK(dmarc::core::toString(PolicySource::PublicSuffixDomain) == "psd");
}
