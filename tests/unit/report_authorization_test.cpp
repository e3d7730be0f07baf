// Unit tests for lib/core/report_authorization: internal destinations, external ones with
// and without the <policy domain>._report._dmarc.<destination> record, DNS trouble, URIs we
// cannot use, hostile lengths and the per-record destination limit.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "core/report_authorization.h"
#include "support/table_resolver.h"

namespace {

using namespace dmarc::core;
using dmarc::test::nameOf;
using dmarc::test::TableResolver;

struct Case {
    const char* what;
    const char* policyDomain;
    const char* orgDomain;
    std::string uri;
    DestinationStatus status;
    const char* domain;  // expected destination domain ("" = none)
    std::string why;
    std::vector<std::string> queries;
};

void loadFixture(TableResolver& resolver) {
    resolver.addTxt("example.com._report._dmarc.other.com", "v=DMARC1");
    resolver.addTxt("sub.example.com._report._dmarc.other.com", "v=DMARC1; rua=mailto:x@other.com");
    resolver.addTxt("example.com._report._dmarc.mixed.net", "v=spf1 -all");
    resolver.addTxt("example.com._report._dmarc.mixed.net", "v=DMARC1;");
    resolver.addTxt("example.com._report._dmarc.spf-only.net", "v=spf1 -all");
    resolver.addTxt("example.com._report._dmarc.lower.net", "v=dmarc1");
    resolver.failTxt("example.com._report._dmarc.flaky.net", DnsStatus::ServFail);
}

TEST_CASE("report destination table") {
    const std::string longLabel(63, 'a');
    const std::string longDomain = longLabel + "." + longLabel + "." + longLabel + ".com";
    const std::vector<Case> cases = {
        {"same domain", "example.com", "example.com", "mailto:dmarc@example.com",
         DestinationStatus::Internal, "example.com", "example.com is within example.com", {}},
        {"subdomain of the organizational domain", "example.com", "example.com",
         "mailto:dmarc@reports.example.com", DestinationStatus::Internal, "reports.example.com",
         "reports.example.com is within example.com", {}},
        {"subdomain policy, organizational domain destination", "sub.example.com",
         "example.com", "mailto:dmarc@example.com", DestinationStatus::Internal, "example.com",
         "example.com is within example.com", {}},
        {"external, authorized (Mail::DMARC 30.Validate.t)", "example.com", "example.com",
         "mailto:dmarc@other.com", DestinationStatus::Authorized, "other.com",
         "other.com authorizes reports for example.com at example.com._report._dmarc.other.com",
         {"example.com._report._dmarc.other.com"}},
        {"external, authorized for the subdomain policy domain", "sub.example.com",
         "example.com", "mailto:dmarc@other.com", DestinationStatus::Authorized, "other.com",
         "other.com authorizes reports for sub.example.com at "
         "sub.example.com._report._dmarc.other.com",
         {"sub.example.com._report._dmarc.other.com"}},
        {"external, not authorized", "example.com", "example.com", "mailto:dmarc@third.org",
         DestinationStatus::NotAuthorized, "third.org",
         "no v=DMARC1 record at example.com._report._dmarc.third.org",
         {"example.com._report._dmarc.third.org"}},
        {"external, one DMARC1 record among others", "example.com", "example.com",
         "mailto:dmarc@mixed.net", DestinationStatus::Authorized, "mixed.net",
         "mixed.net authorizes reports for example.com at example.com._report._dmarc.mixed.net",
         {"example.com._report._dmarc.mixed.net"}},
        {"external, only a non-DMARC record", "example.com", "example.com",
         "mailto:dmarc@spf-only.net", DestinationStatus::NotAuthorized, "spf-only.net",
         "no v=DMARC1 record at example.com._report._dmarc.spf-only.net",
         {"example.com._report._dmarc.spf-only.net"}},
        {"external, version in the wrong case", "example.com", "example.com",
         "mailto:dmarc@lower.net", DestinationStatus::NotAuthorized, "lower.net",
         "no v=DMARC1 record at example.com._report._dmarc.lower.net",
         {"example.com._report._dmarc.lower.net"}},
        {"external, DNS trouble", "example.com", "example.com", "mailto:dmarc@flaky.net",
         DestinationStatus::TempError, "flaky.net",
         "SERVFAIL at example.com._report._dmarc.flaky.net",
         {"example.com._report._dmarc.flaky.net"}},
        {"scheme in capitals, size suffix", "example.com", "example.com",
         "MAILTO:dmarc@Other.COM!10m", DestinationStatus::Authorized, "other.com",
         "other.com authorizes reports for example.com at example.com._report._dmarc.other.com",
         {"example.com._report._dmarc.other.com"}},
        {"query part ignored", "example.com", "example.com",
         "mailto:dmarc@example.com?subject=x@evil.com", DestinationStatus::Internal,
         "example.com", "example.com is within example.com", {}},
        {"lookalike is external", "example.com", "example.com", "mailto:d@example.com.evil.net",
         DestinationStatus::NotAuthorized, "example.com.evil.net",
         "no v=DMARC1 record at example.com._report._dmarc.example.com.evil.net",
         {"example.com._report._dmarc.example.com.evil.net"}},
        {"not mailto", "example.com", "example.com", "https://reports.example.com/dmarc",
         DestinationStatus::Unusable, "", "only mailto: destinations are supported", {}},
        {"no mailbox", "example.com", "example.com", "mailto:example.com",
         DestinationStatus::Unusable, "", "no mailbox in the URI", {}},
        {"empty local part", "example.com", "example.com", "mailto:@example.com",
         DestinationStatus::Unusable, "", "no mailbox in the URI", {}},
        {"empty", "example.com", "example.com", "", DestinationStatus::Unusable, "",
         "only mailto: destinations are supported", {}},
        {"invalid domain", "example.com", "example.com", "mailto:d@-bad.example",
         DestinationStatus::Unusable, "", "the destination domain is invalid: ", {}},
        {"authorization name too long", longDomain.c_str(), longDomain.c_str(),
         "mailto:d@" + longDomain.substr(0, 190) + ".net", DestinationStatus::NotAuthorized,
         "", "too long to exist", {}},
    };
    for (const auto& c : cases) {
        INFO(c.what);
        TableResolver resolver;
        loadFixture(resolver);
        resolver.clearQueries();
        const auto d = checkReportDestination(nameOf(c.policyDomain), nameOf(c.orgDomain), c.uri,
                                              resolver);
        CHECK(d.status == c.status);
        CHECK(d.kept() == (c.status == DestinationStatus::Internal ||
                           c.status == DestinationStatus::Authorized));
        CHECK(d.uri == c.uri);
        if (*c.domain != '\0') {
            REQUIRE(d.domain);
            CHECK(d.domain->str() == c.domain);
        }
        CHECK_THAT(d.why, Catch::Contains(c.why));
        CHECK(resolver.txtQueries() == c.queries);
    }
}

TEST_CASE("report destination words") {
    CHECK(toString(DestinationStatus::Internal) == "internal");
    CHECK(toString(DestinationStatus::Authorized) == "authorized");
    CHECK(toString(DestinationStatus::NotAuthorized) == "not authorized");
    CHECK(toString(DestinationStatus::TempError) == "temperror");
    CHECK(toString(DestinationStatus::Unusable) == "unusable");
}

TEST_CASE("report destinations: order kept, at most the limit checked") {
    TableResolver resolver;
    loadFixture(resolver);
    resolver.clearQueries();
    std::vector<std::string> uris = {"mailto:a@example.com", "mailto:b@other.com",
                                     "mailto:c@third.org", "https://x.example.com/",
                                     "mailto:d@flaky.net"};
    uris.push_back("mailto:e@other.com");
    uris.push_back("mailto:f@example.com");
    const auto destinations =
        checkReportDestinations(nameOf("example.com"), nameOf("example.com"), uris, resolver);
    REQUIRE(destinations.size() == uris.size());
    const std::vector<DestinationStatus> expected = {
        DestinationStatus::Internal,   DestinationStatus::Authorized,
        DestinationStatus::NotAuthorized, DestinationStatus::Unusable,
        DestinationStatus::TempError,  DestinationStatus::Unusable,
        DestinationStatus::Unusable};
    for (std::size_t i = 0; i < uris.size(); ++i) {
        INFO(uris[i]);
        CHECK(destinations[i].uri == uris[i]);
        CHECK(destinations[i].status == expected[i]);
    }
    CHECK_THAT(destinations[5].why, Catch::Contains("more than 5 destinations"));
    CHECK(resolver.txtQueries() ==
          std::vector<std::string>{"example.com._report._dmarc.other.com",
                                   "example.com._report._dmarc.third.org",
                                   "example.com._report._dmarc.flaky.net"});
}

TEST_CASE("report destination: hostile URI lengths are cut in the echo") {
    TableResolver resolver;
    const std::string uri = "mailto:" + std::string(5000, 'a') + "@example.com";
    const auto d =
        checkReportDestination(nameOf("example.com"), nameOf("example.com"), uri, resolver);
    CHECK(d.status == DestinationStatus::Internal);
    CHECK(d.uri.size() == 255);
    const auto none =
        checkReportDestinations(nameOf("example.com"), nameOf("example.com"), {}, resolver);
    CHECK(none.empty());
}

}  // namespace
