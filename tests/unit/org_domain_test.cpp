// Unit tests for lib/core/org_domain.cpp: tree-walk targets (RFC 9989 §4.10), the walk's
// stop rules and record handling, §4.10.2 selection, and which DNS errors leave the
// Organizational Domain undetermined. DNS comes from the in-memory TableResolver.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <tuple>
#include <vector>

#include "core/org_domain.h"
#include "support/table_resolver.h"

using dmarc::core::DnsStatus;
using dmarc::core::DomainName;
using dmarc::core::selectOrganizationalDomain;
using dmarc::core::treeWalkTargets;
using dmarc::core::TreeWalk;
using dmarc::core::walkTree;
using dmarc::core::WalkStep;
using dmarc::test::dnsNameOf;
using dmarc::test::nameOf;
using dmarc::test::TableResolver;

namespace {

using Strings = std::vector<std::string>;

// "l<n>. … .l2.com": label i (numbered from the right, as §4.10 does) is "l<i>", label 1 "com".
std::string numberedName(std::size_t labels) {
    std::string name = "com";
    for (std::size_t i = 2; i <= labels; ++i) name = "l" + std::to_string(i) + "." + name;
    return name;
}

// 253 octets, the longest a name may be: "_dmarc." in front of it cannot be queried.
std::string longestName() {
    return std::string(63, 'a') + "." + std::string(63, 'b') + "." + std::string(63, 'c') + "." +
           std::string(57, 'd') + ".com";
}

Strings strings(const std::vector<DomainName>& names) {
    Strings out;
    for (const auto& name : names) out.push_back(name.str());
    return out;
}

Strings stepNames(const TreeWalk& walk) {
    Strings out;
    for (const auto& step : walk.steps) out.push_back(step.name.str());
    return out;
}

Strings dmarcNames(const Strings& names) {
    Strings out;
    for (const auto& name : names) out.push_back("_dmarc." + name);
    return out;
}

// Walks from `start` over `resolver` and returns the selection as text: the domain, or
// "error:<status>".
std::string selectionOf(const std::string& start, TableResolver& resolver) {
    const auto selected = selectOrganizationalDomain(walkTree(nameOf(start), resolver));
    if (!selected) return "error:" + std::string(dmarc::core::describe(selected.error()));
    return selected->str();
}

WalkStep step(const std::string& name, DnsStatus status, const char* record = nullptr) {
    WalkStep out{nameOf(name), status, 0, std::nullopt};
    if (record) {
        auto parsed = dmarc::core::parseDmarcRecord(record);
        REQUIRE(parsed.ok());
        out.record = parsed.value();
        out.dmarcRecords = 1;
    }
    return out;
}

}  // namespace

TEST_CASE("treeWalkTargets: at most 8 names, jumping to 7 labels from 8 or more") {
    for (std::size_t labels = 1; labels <= 40; ++labels) {
        const std::string start = numberedName(labels);
        CAPTURE(labels, start);
        const auto targets = treeWalkTargets(nameOf(start));
        const std::size_t expected = std::min<std::size_t>(labels, 8);
        REQUIRE(targets.size() == expected);
        CHECK(targets[0].str() == start);
        for (std::size_t k = 1; k < targets.size(); ++k) {
            CAPTURE(k);
            CHECK(targets[k] == nameOf(start).rightmostLabels(expected - k));
        }
        CHECK(targets.back().labelCount() == 1);
    }
}

TEST_CASE("treeWalkTargets: the RFC 9989 examples") {
    using Row = std::tuple<std::string, Strings>;
    auto [start, expected] = GENERATE(table<std::string, Strings>({
        // §4.10's illustration (13 labels).
        Row{"a.b.c.d.e.f.g.h.i.j.mail.example.com",
            {"a.b.c.d.e.f.g.h.i.j.mail.example.com", "g.h.i.j.mail.example.com",
             "h.i.j.mail.example.com", "i.j.mail.example.com", "j.mail.example.com",
             "mail.example.com", "example.com", "com"}},
        // B.4.2 (14 labels).
        Row{"a.b.c.d.e.f.g.h.i.j.k.example.com",
            {"a.b.c.d.e.f.g.h.i.j.k.example.com", "g.h.i.j.k.example.com", "h.i.j.k.example.com",
             "i.j.k.example.com", "j.k.example.com", "k.example.com", "example.com", "com"}},
        // §4.10.2's "a.mail.example.com" example and B.4.3's names.
        Row{"a.mail.example.com", {"a.mail.example.com", "mail.example.com", "example.com", "com"}},
        Row{"mail.mega.bank.example", {"mail.mega.bank.example", "mega.bank.example",
                                       "bank.example", "example"}},
        // 8 labels: the jump to 7 is the ordinary step.
        Row{"a.b.c.d.e.f.example.com",
            {"a.b.c.d.e.f.example.com", "b.c.d.e.f.example.com", "c.d.e.f.example.com",
             "d.e.f.example.com", "e.f.example.com", "f.example.com", "example.com", "com"}},
        // 9 labels: one label skipped.
        Row{"x.a.b.c.d.e.f.example.com",
            {"x.a.b.c.d.e.f.example.com", "b.c.d.e.f.example.com", "c.d.e.f.example.com",
             "d.e.f.example.com", "e.f.example.com", "f.example.com", "example.com", "com"}},
        Row{"example.com", {"example.com", "com"}},
        Row{"com", {"com"}},
        // Case is folded before the walk.
        Row{"Mail.EXAMPLE.com", {"mail.example.com", "example.com", "com"}},
    }));
    CAPTURE(start);
    CHECK(strings(treeWalkTargets(nameOf(start))) == expected);
}

TEST_CASE("treeWalkTargets: a 253-octet name still yields its 5 names") {
    const auto targets = treeWalkTargets(nameOf(longestName()));
    REQUIRE(targets.size() == 5);
    CHECK(targets[0].str() == longestName());
    CHECK(targets[4].str() == "com");
}

TEST_CASE("walkTree: without psd=y or psd=n every target is queried") {
    TableResolver dns({{"_dmarc.example.com", {"v=DMARC1; p=reject"}},
                       {"_dmarc.signing.example.com", {"v=DMARC1; p=none"}},
                       {"example.com._report._dmarc.com", {"v=DMARC1"}}});
    const auto walk = walkTree(nameOf("signing.example.com"), dns);
    CHECK(walk.start.str() == "signing.example.com");
    CHECK(stepNames(walk) == Strings{"signing.example.com", "example.com", "com"});
    CHECK(dns.txtQueries() ==
          Strings{"_dmarc.signing.example.com", "_dmarc.example.com", "_dmarc.com"});
    CHECK(dns.queries().size() == 3);  // TXT only: the walk never probes existence
    REQUIRE(walk.steps.size() == 3);
    CHECK(walk.steps[0].status == DnsStatus::Ok);
    CHECK(walk.steps[0].dmarcRecords == 1);
    REQUIRE(walk.steps[0].record);
    CHECK(walk.steps[0].record->p == dmarc::core::Policy::None);
    CHECK(walk.steps[1].record->p == dmarc::core::Policy::Reject);
    // _dmarc.com is an empty non-terminal (a name below it has records): NODATA.
    CHECK(walk.steps[2].status == DnsStatus::NoData);
    CHECK(walk.steps[2].dmarcRecords == 0);
    CHECK_FALSE(walk.steps[2].record);
}

TEST_CASE("walkTree: stop rules and what counts as a DMARC record") {
    using Row = std::tuple<std::string, TableResolver::TxtTable, std::string, Strings>;
    auto [why, txt, start, expectedSteps] = GENERATE(table<std::string, TableResolver::TxtTable,
                                                             std::string, Strings>({
        Row{"psd=n at the start stops at once",
            {{"_dmarc.a.b.example.com", {"v=DMARC1; p=none; psd=n"}},
             {"_dmarc.example.com", {"v=DMARC1; p=reject"}}},
            "a.b.example.com", {"a.b.example.com"}},
        Row{"psd=y at the start stops at once",
            {{"_dmarc.bank.example", {"v=DMARC1; p=reject; psd=y"}}},
            "bank.example", {"bank.example"}},
        Row{"psd=n in the middle stops there",
            {{"_dmarc.b.example.com", {"v=DMARC1; p=none; psd=n"}}},
            "a.b.example.com", {"a.b.example.com", "b.example.com"}},
        Row{"psd=y in the middle stops there (B.4.3)",
            {{"_dmarc.bank.example", {"v=DMARC1; p=reject; psd=y"}},
             {"_dmarc.giant.bank.example", {"v=DMARC1; p=reject"}}},
            "mail.giant.bank.example",
            {"mail.giant.bank.example", "giant.bank.example", "bank.example"}},
        Row{"psd=y at the TLD is the last step anyway",
            {{"_dmarc.com", {"v=DMARC1; p=none; psd=y"}}},
            "a.example.com", {"a.example.com", "example.com", "com"}},
        Row{"explicit psd=u does not stop",
            {{"_dmarc.b.example.com", {"v=DMARC1; p=none; psd=u"}}},
            "a.b.example.com", {"a.b.example.com", "b.example.com", "example.com", "com"}},
        Row{"an invalid psd value falls back to u and does not stop",
            {{"_dmarc.b.example.com", {"v=DMARC1; p=none; psd=yes"}}},
            "a.b.example.com", {"a.b.example.com", "b.example.com", "example.com", "com"}},
        Row{"psd tag name and value are case-insensitive",
            {{"_dmarc.b.example.com", {"v=DMARC1; p=none; PSD=N"}}},
            "a.b.example.com", {"a.b.example.com", "b.example.com"}},
        Row{"two psd=n records at one name are both discarded: the walk goes on",
            {{"_dmarc.b.example.com", {"v=DMARC1; p=none; psd=n", "v=DMARC1; p=reject; psd=n"}}},
            "a.b.example.com", {"a.b.example.com", "b.example.com", "example.com", "com"}},
        Row{"a psd=y record beside a second DMARC record does not stop",
            {{"_dmarc.example.com", {"v=DMARC1; p=none; psd=y", "v=DMARC1; p=none"}}},
            "a.example.com", {"a.example.com", "example.com", "com"}},
        Row{"non-DMARC TXT beside one psd=n record: still a single record, stop",
            {{"_dmarc.b.example.com",
              {"v=spf1 -all", "google-site-verification=abc", "v=DMARC1; p=none; psd=n", ""}}},
            "a.b.example.com", {"a.b.example.com", "b.example.com"}},
        Row{"a wrong-case version (v=dmarc1) is no DMARC record: no stop",
            {{"_dmarc.b.example.com", {"v=dmarc1; p=none; psd=n"}}},
            "a.b.example.com", {"a.b.example.com", "b.example.com", "example.com", "com"}},
        Row{"psd=n not after the version tag is no DMARC record: no stop",
            {{"_dmarc.b.example.com", {"psd=n; v=DMARC1; p=none"}}},
            "a.b.example.com", {"a.b.example.com", "b.example.com", "example.com", "com"}},
        Row{"records at names the jump skipped are never seen",
            {{"_dmarc.a.b.c.d.e.f.g.example.com", {"v=DMARC1; p=reject; psd=n"}},
             {"_dmarc.c.d.e.f.g.example.com", {"v=DMARC1; p=none; psd=n"}}},
            "x.y.a.b.c.d.e.f.g.example.com",
            {"x.y.a.b.c.d.e.f.g.example.com", "c.d.e.f.g.example.com"}},
        Row{"a 20-label name with no record anywhere costs exactly 8 queries",
            {},
            numberedName(20),
            {numberedName(20), numberedName(7), numberedName(6), numberedName(5),
             numberedName(4), numberedName(3), numberedName(2), "com"}},
    }));
    CAPTURE(why, start);
    TableResolver dns(txt);
    const auto walk = walkTree(nameOf(start), dns);
    CHECK(stepNames(walk) == expectedSteps);
    CHECK(dns.txtQueries() == dmarcNames(expectedSteps));
    CHECK(dns.queries().size() <= 8);
}

TEST_CASE("walkTree: each step counts DMARC records and keeps one only when it is alone") {
    using Row = std::tuple<Strings, std::size_t, bool>;
    auto [records, dmarcRecords, kept] = GENERATE(table<Strings, std::size_t, bool>({
        Row{{}, 0, false},
        Row{{"v=spf1 -all"}, 0, false},
        Row{{"not a record at all", "v=DMARC2; p=none", "v=dmarc1; p=none"}, 0, false},
        Row{{"V=DMARC1; p=none"}, 1, true},  // tag names are case-insensitive, the value not
        Row{{"v=DMARC1; p=none"}, 1, true},
        Row{{"v=DMARC1"}, 1, true},  // no p: still a DMARC record (usable or not is later)
        Row{{"v=spf1 -all", "v=DMARC1; p=reject"}, 1, true},
        Row{{"v=DMARC1; p=none", "v=DMARC1; p=none"}, 2, false},  // identical duplicates too
        Row{{"v=DMARC1; p=none", "v=DMARC1; p=reject", "v=DMARC1; p=quarantine"}, 3, false},
    }));
    CAPTURE(records);
    TableResolver dns;
    for (const auto& record : records) dns.addTxt("_dmarc.example.com", record);
    const auto walk = walkTree(nameOf("example.com"), dns);
    REQUIRE(walk.steps.size() == 2);
    CHECK(walk.steps[0].status == (records.empty() ? DnsStatus::NxDomain : DnsStatus::Ok));
    CHECK(walk.steps[0].dmarcRecords == dmarcRecords);
    CHECK(walk.steps[0].record.has_value() == kept);
}

TEST_CASE("walkTree: a DNS error is recorded and the walk goes on, at every position") {
    const Strings names{"a.b.c.example.com", "b.c.example.com", "c.example.com", "example.com",
                        "com"};
    const auto status = GENERATE(DnsStatus::ServFail, DnsStatus::Timeout, DnsStatus::Malformed);
    for (std::size_t failing = 0; failing < names.size(); ++failing) {
        CAPTURE(status, failing);
        TableResolver dns({{"_dmarc.example.com", {"v=DMARC1; p=none"}}});
        dns.failTxt("_dmarc." + names[failing], status);
        const auto walk = walkTree(nameOf(names[0]), dns);
        REQUIRE(stepNames(walk) == names);
        for (std::size_t i = 0; i < names.size(); ++i) {
            CAPTURE(i);
            if (i == failing) {
                CHECK(walk.steps[i].status == status);
                CHECK(walk.steps[i].dmarcRecords == 0);
                CHECK_FALSE(walk.steps[i].record);
            } else {
                CHECK(dmarc::core::isDefinite(walk.steps[i].status));
            }
        }
        CHECK(dns.txtQueries() == dmarcNames(names));
    }
}

TEST_CASE("walkTree: a name too long to prefix with _dmarc is skipped without a query") {
    const std::string start = longestName();
    TableResolver dns;
    const auto walk = walkTree(nameOf(start), dns);
    const auto targets = strings(treeWalkTargets(nameOf(start)));
    CHECK(stepNames(walk) == Strings(targets.begin() + 1, targets.end()));
    CHECK(dns.txtQueries() == dmarcNames(Strings(targets.begin() + 1, targets.end())));
    CHECK(walk.start.str() == start);
}

TEST_CASE("selectOrganizationalDomain: RFC 9989 section 4.10.2 and Appendix B.4") {
    using Row = std::tuple<std::string, TableResolver::TxtTable, std::string, std::string>;
    auto [why, txt, start, expected] = GENERATE(table<std::string, TableResolver::TxtTable,
                                                        std::string, std::string>({
        Row{"4.10.2: records at mail.example.com and example.com: fewest labels",
            {{"_dmarc.mail.example.com", {"v=DMARC1; p=none"}},
             {"_dmarc.example.com", {"v=DMARC1; p=reject"}}},
            "a.mail.example.com", "example.com"},
        Row{"4.10.2: psd=n at mail.example.com",
            {{"_dmarc.mail.example.com", {"v=DMARC1; p=none; psd=n"}},
             {"_dmarc.example.com", {"v=DMARC1; p=reject"}}},
            "a.mail.example.com", "mail.example.com"},
        Row{"4.10.2: only _dmarc.com, with psd=y",
            {{"_dmarc.com", {"v=DMARC1; p=none; psd=y"}}},
            "a.mail.example.com", "example.com"},
        Row{"B.4.1 author", {{"_dmarc.example.com", {"v=DMARC1; p=reject"}},
                             {"_dmarc.signing.example.com", {"v=DMARC1; p=none"}}},
            "example.com", "example.com"},
        Row{"B.4.1 DKIM identifier", {{"_dmarc.example.com", {"v=DMARC1; p=reject"}},
                                      {"_dmarc.signing.example.com", {"v=DMARC1; p=none"}}},
            "signing.example.com", "example.com"},
        Row{"B.4.2 deep author", {{"_dmarc.example.com", {"v=DMARC1; p=reject"}}},
            "a.b.c.d.e.f.g.h.i.j.k.example.com", "example.com"},
        Row{"B.4.3 author: psd=y directly above", {{"_dmarc.bank.example", {"v=DMARC1; psd=y"}},
                                                   {"_dmarc.giant.bank.example", {"v=DMARC1"}}},
            "giant.bank.example", "giant.bank.example"},
        Row{"B.4.3 MAIL FROM", {{"_dmarc.bank.example", {"v=DMARC1; psd=y"}},
                                {"_dmarc.giant.bank.example", {"v=DMARC1"}}},
            "mail.giant.bank.example", "giant.bank.example"},
        Row{"B.4.3 DKIM: one label below psd=y even without a record there",
            {{"_dmarc.bank.example", {"v=DMARC1; psd=y"}},
             {"_dmarc.giant.bank.example", {"v=DMARC1"}}},
            "mail.mega.bank.example", "mega.bank.example"},
        Row{"no record anywhere: the start itself", {}, "a.b.example.com", "a.b.example.com"},
        Row{"only non-DMARC TXT anywhere: the start itself",
            {{"_dmarc.example.com", {"v=spf1 -all"}}, {"_dmarc.com", {"hello"}}},
            "a.b.example.com", "a.b.example.com"},
        Row{"a record only at the start", {{"_dmarc.a.b.example.com", {"v=DMARC1; p=none"}}},
            "a.b.example.com", "a.b.example.com"},
        Row{"psd=y at the start: rule 2 excludes it, rule 3 picks it",
            {{"_dmarc.bank.example", {"v=DMARC1; p=reject; psd=y"}},
             {"_dmarc.example", {"v=DMARC1; p=none"}}},
            "bank.example", "bank.example"},
        Row{"psd=n at the start", {{"_dmarc.example.com", {"v=DMARC1; psd=n"}},
                                   {"_dmarc.com", {"v=DMARC1; p=none"}}},
            "example.com", "example.com"},
        Row{"a plain record at the TLD has the fewest labels",
            {{"_dmarc.example.com", {"v=DMARC1; p=reject"}}, {"_dmarc.com", {"v=DMARC1"}}},
            "mail.example.com", "com"},
        Row{"several records at the shortest name are ignored",
            {{"_dmarc.mail.example.com", {"v=DMARC1; p=none"}},
             {"_dmarc.example.com", {"v=DMARC1; p=reject", "v=DMARC1; p=none"}}},
            "a.mail.example.com", "mail.example.com"},
        Row{"psd=y found after a nearer plain record",
            {{"_dmarc.b.example", {"v=DMARC1; p=none"}},
             {"_dmarc.example", {"v=DMARC1; psd=y"}}},
            "a.b.example", "b.example"},
        Row{"psd=n wins over a shorter record, which is never queried",
            {{"_dmarc.b.example.com", {"v=DMARC1; psd=n"}},
             {"_dmarc.example.com", {"v=DMARC1; p=reject"}}},
            "a.b.example.com", "b.example.com"},
        Row{"deep: psd=y at the 7-label jump target selects the skipped 8-label name",
            {{"_dmarc.c.d.e.f.g.example.com", {"v=DMARC1; psd=y"}}},
            "x.y.b.c.d.e.f.g.example.com", "b.c.d.e.f.g.example.com"},
        Row{"deep: psd=y at the 7-label parent of an 8-label start selects the start",
            {{"_dmarc.c.d.e.f.g.example.com", {"v=DMARC1; psd=y"}}},
            "b.c.d.e.f.g.example.com", "b.c.d.e.f.g.example.com"},
    }));
    CAPTURE(why, start);
    TableResolver dns(txt);
    CHECK(selectionOf(start, dns) == expected);
}

TEST_CASE("selectOrganizationalDomain: which DNS errors leave it undetermined") {
    using Row = std::tuple<std::string, TableResolver::TxtTable, std::string, Strings,
                           std::string>;
    const auto status = GENERATE(DnsStatus::ServFail, DnsStatus::Timeout, DnsStatus::Malformed);
    const std::string error = "error:" + std::string(dmarc::core::describe(status));
    const std::vector<Row> rows{
        Row{"error at the start, nothing above: every answer there gives the start", {},
            "a.example.com", {"a.example.com"}, "a.example.com"},
        Row{"error at the start, a record above: a psd=n there would win",
            {{"_dmarc.example.com", {"v=DMARC1; p=none"}}},
            "a.example.com", {"a.example.com"}, error},
        Row{"error at the start, psd=n above", {{"_dmarc.example.com", {"v=DMARC1; psd=n"}}},
            "a.example.com", {"a.example.com"}, error},
        Row{"error at the start, psd=y directly above: the start either way",
            {{"_dmarc.example.com", {"v=DMARC1; psd=y"}}},
            "a.example.com", {"a.example.com"}, "a.example.com"},
        Row{"error at the start, psd=y two labels above",
            {{"_dmarc.com", {"v=DMARC1; psd=y"}}},
            "a.example.com", {"a.example.com"}, error},
        Row{"error at a 9-label start, psd=y at the jump target: that selects the 8-label name",
            {{"_dmarc.c.d.e.f.g.example.com", {"v=DMARC1; psd=y"}}},
            "x.b.c.d.e.f.g.example.com", {"x.b.c.d.e.f.g.example.com"}, error},
        Row{"error in the middle, no record anywhere: psd=n there would make it the org domain",
            {}, "a.b.example.com", {"b.example.com"}, error},
        Row{"error in the middle, a record further up",
            {{"_dmarc.example.com", {"v=DMARC1; p=none"}}},
            "a.b.example.com", {"b.example.com"}, error},
        Row{"error at the TLD, records below: a plain record at the TLD would win",
            {{"_dmarc.example.com", {"v=DMARC1; p=none"}}},
            "a.example.com", {"com"}, error},
        Row{"error at the TLD after a record at the start",
            {{"_dmarc.example.com", {"v=DMARC1; p=none"}}},
            "example.com", {"com"}, error},
        Row{"error after the start's own record, below a psd=y",
            {{"_dmarc.a.b.example", {"v=DMARC1"}}, {"_dmarc.example", {"v=DMARC1; psd=y"}}},
            "a.b.example", {"b.example"}, error},
        Row{"errors at the start and above", {}, "a.example.com",
            {"a.example.com", "com"}, error},
        Row{"psd=n at the start stops the walk before a failing parent",
            {{"_dmarc.a.example.com", {"v=DMARC1; psd=n"}}},
            "a.example.com", {"example.com", "com"}, "a.example.com"},
        Row{"psd=n stops the walk before a failing TLD",
            {{"_dmarc.example.com", {"v=DMARC1; psd=n"}}},
            "a.example.com", {"com"}, "example.com"},
    };
    for (const auto& [why, txt, start, failing, expected] : rows) {
        CAPTURE(why, status);
        TableResolver dns(txt);
        for (const auto& name : failing) dns.failTxt("_dmarc." + name, status);
        CHECK(selectionOf(start, dns) == expected);
    }
}

TEST_CASE("selectOrganizationalDomain: the first error that matters is the one returned") {
    TableResolver dns;
    dns.failTxt("_dmarc.a.example.com", DnsStatus::Timeout)
        .failTxt("_dmarc.example.com", DnsStatus::ServFail)
        .failTxt("_dmarc.com", DnsStatus::Malformed);
    CHECK(selectionOf("a.example.com", dns) == "error:timeout");
    TableResolver later;
    later.failTxt("_dmarc.example.com", DnsStatus::ServFail)
        .failTxt("_dmarc.com", DnsStatus::Malformed);
    CHECK(selectionOf("a.example.com", later) == "error:SERVFAIL");
}

TEST_CASE("selectOrganizationalDomain: hand-built walks") {
    SECTION("no steps at all: the start") {
        const TreeWalk walk{nameOf("a.example.com"), {}};
        const auto selected = selectOrganizationalDomain(walk);
        REQUIRE(selected.ok());
        CHECK(selected->str() == "a.example.com");
    }
    SECTION("an error after the deciding psd=n step does not matter") {
        const TreeWalk walk{nameOf("a.example.com"),
                            {step("a.example.com", DnsStatus::NxDomain),
                             step("example.com", DnsStatus::Ok, "v=DMARC1; psd=n"),
                             step("com", DnsStatus::ServFail)}};
        const auto selected = selectOrganizationalDomain(walk);
        REQUIRE(selected.ok());
        CHECK(selected->str() == "example.com");
    }
    SECTION("an error before the deciding psd=n step does") {
        const TreeWalk walk{nameOf("a.b.example.com"),
                            {step("a.b.example.com", DnsStatus::NoData),
                             step("b.example.com", DnsStatus::Timeout),
                             step("example.com", DnsStatus::Ok, "v=DMARC1; psd=n")}};
        const auto selected = selectOrganizationalDomain(walk);
        REQUIRE_FALSE(selected.ok());
        CHECK(selected.error() == DnsStatus::Timeout);
    }
    SECTION("psd=y at a name that is not above the start counts as a plain record") {
        const TreeWalk walk{nameOf("a.example.com"),
                            {step("other.example", DnsStatus::Ok, "v=DMARC1; psd=y")}};
        const auto selected = selectOrganizationalDomain(walk);
        REQUIRE(selected.ok());
        CHECK(selected->str() == "other.example");
    }
}

// The walk tests above lean on TableResolver answering as DNS would; so do other tests.
TEST_CASE("TableResolver: answers, empty non-terminals, injected failures, query log") {
    TableResolver dns({{"_dmarc.Example.COM.", {"v=DMARC1; p=none"}},
                       {"empty.example.net", {}}});
    dns.addName("mx.example.org")
        .failTxt("_dmarc.broken.example", DnsStatus::ServFail)
        .failExistence("broken.example", DnsStatus::Timeout);

    const auto answer = dns.lookupTxt(dnsNameOf("_dmarc.example.com"));
    CHECK(answer.status == DnsStatus::Ok);
    CHECK(answer.records == Strings{"v=DMARC1; p=none"});
    CHECK(dns.lookupTxt(nameOf("example.com")).status == DnsStatus::NoData);  // ancestor
    CHECK(dns.lookupTxt(nameOf("com")).status == DnsStatus::NoData);
    CHECK(dns.lookupTxt(nameOf("empty.example.net")).status == DnsStatus::NoData);
    CHECK(dns.lookupTxt(nameOf("mx.example.org")).status == DnsStatus::NoData);
    CHECK(dns.lookupTxt(nameOf("other.example.com")).status == DnsStatus::NxDomain);
    CHECK(dns.lookupTxt(dnsNameOf("_dmarc.broken.example")).status == DnsStatus::ServFail);

    CHECK(dns.probeExistence(nameOf("mx.example.org")) == DnsStatus::Ok);
    CHECK(dns.probeExistence(nameOf("example.org")) == DnsStatus::NoData);  // non-terminal
    CHECK(dns.probeExistence(nameOf("nowhere.example.org")) == DnsStatus::NxDomain);
    CHECK(dns.probeExistence(nameOf("broken.example")) == DnsStatus::Timeout);

    using dmarc::test::Query;
    using dmarc::test::QueryKind;
    const auto queries = dns.queries();
    REQUIRE(queries.size() == 11);
    CHECK(queries[0] == Query{"_dmarc.example.com", QueryKind::Txt});
    CHECK(queries[7] == Query{"mx.example.org", QueryKind::Existence});
    CHECK(dns.txtQueries().size() == 7);
    dns.clearQueries();
    CHECK(dns.queries().empty());
}
