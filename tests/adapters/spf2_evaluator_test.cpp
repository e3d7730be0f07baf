// Unit tests for lib/adapters/spf2_evaluator.cpp and the libspf2 DNS layer behind it: the
// identity checked (MAIL FROM, null sender → postmaster@HELO, HELO), client addresses
// (IPv4-mapped, loopback evaluated for real), record fetching and validation before
// libspf2, the RFC 7208 §4.6.4 limits across includes, explanations, DNS trouble,
// deadlines, concurrent use and log routing. DNS comes from a TableDnsLookup (or a stub
// that fails on purpose), so no socket is used.
#include <catch2/catch.hpp>

#include <netinet/in.h>
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <netdb.h>
extern "C" {
#include <spf2/spf.h>
}

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "../support/table_dns_lookup.h"
#include "adapters/spf2_evaluator.h"
#include "core/spf_address.h"

using namespace dmarc::adapters;
using dmarc::core::DnsStatus;
using dmarc::core::SpfResult;
using dmarc::core::SpfScope;
using dmarc::test::TableDnsLookup;
using dmarc::test::TableEntry;

namespace Catch {
template <>
struct StringMaker<SpfResult> {
    static std::string convert(SpfResult result) { return std::string(dmarc::core::toString(result)); }
};
}  // namespace Catch

namespace {

TableEntry address(const std::string& text) {
    if (const auto v4 = dmarc::core::parseIpv4(text)) return TableEntry::a(*v4);
    const auto v6 = dmarc::core::parseIpv6(text);
    INFO("address: " << text);
    REQUIRE(v6.has_value());
    return TableEntry::aaaa(*v6);
}

SpfOutcome mailFrom(const Spf2Evaluator& evaluator, const std::string& ip, const std::string& sender,
                    const std::string& helo = "helo.example.org") {
    return evaluator.checkMailFrom(SpfRequest{ip, helo, sender});
}

std::string repeated(const std::string& unit, std::size_t times) {
    std::string out;
    for (std::size_t i = 0; i < times; ++i) out += unit;
    return out;
}

// `count` hosts h<first>..h<first+count-1>.example.com, each with an address that is not
// the client's, and " a:h<n>.example.com" terms naming them.
std::string addressTerms(TableDnsLookup& dns, int first, int count) {
    std::string terms;
    for (int i = first; i < first + count; ++i) {
        const std::string host = "h" + std::to_string(i) + ".example.com";
        dns.add(host, address("198.51.100." + std::to_string(i)));
        terms += " a:" + host;
    }
    return terms;
}

// Fails every lookup with one status and remembers the deadlines it was given.
class StatusDns : public DnsLookup {
public:
    explicit StatusDns(DnsStatus status) : status_(status) {}
    DnsReply lookup(std::string_view, RrType, Deadline deadline) override {
        const std::lock_guard<std::mutex> lock(mutex_);
        deadlines_.push_back(deadline);
        DnsReply reply;
        reply.status = status_;
        return reply;
    }
    std::vector<Deadline> deadlines() const {
        const std::lock_guard<std::mutex> lock(mutex_);
        return deadlines_;
    }

private:
    DnsStatus status_;
    mutable std::mutex mutex_;
    std::vector<Deadline> deadlines_;
};

}  // namespace

TEST_CASE("spf2_evaluator: loopback clients are evaluated like any other") {
    TableDnsLookup dns;
    dns.add("example.com", TableEntry::txt("v=spf1 ip4:192.0.2.1 -all"));
    const Spf2Evaluator evaluator(dns);
    for (const std::string ip : {"127.0.0.1", "127.1.2.3", "::1"}) {
        CAPTURE(ip);
        const SpfOutcome outcome = mailFrom(evaluator, ip, "user@example.com");
        CHECK(outcome.result == SpfResult::Fail);  // libspf2's own entry points say pass
        CHECK(outcome.reason == "mechanism matched");
    }
}

TEST_CASE("spf2_evaluator: IPv4-mapped IPv6 clients are IPv4 clients") {
    TableDnsLookup dns;
    dns.add("v4.example.com", TableEntry::txt("v=spf1 ip4:192.0.2.1 -all"));
    dns.add("v6.example.com", TableEntry::txt("v=spf1 ip6:::ffff:192.0.2.1 -all"));
    const Spf2Evaluator evaluator(dns);
    for (const std::string ip : {"::ffff:192.0.2.1", "::FFFF:c000:201", "192.0.2.1"}) {
        CAPTURE(ip);
        CHECK(mailFrom(evaluator, ip, "user@v4.example.com").result == SpfResult::Pass);
        CHECK(mailFrom(evaluator, ip, "user@v6.example.com").result == SpfResult::Fail);
    }
}

TEST_CASE("spf2_evaluator: the identity checked and its scope") {
    TableDnsLookup dns;
    dns.add("mail.example.com", TableEntry::txt("v=spf1 a -all exp=exp.example.com"));
    dns.add("mail.example.com", address("192.0.2.1"));
    dns.add("example.net", TableEntry::txt("v=spf1 -all exp=exp.example.com"));
    dns.add("exp.example.com", TableEntry::txt("%{s} %{l} %{o} %{d} %{h}"));
    const Spf2Evaluator evaluator(dns);

    SECTION("a null MAIL FROM is postmaster@HELO, scope helo") {
        const SpfOutcome fail = mailFrom(evaluator, "192.0.2.2", "", "mail.example.com");
        CHECK(fail.result == SpfResult::Fail);
        CHECK(fail.scope == SpfScope::Helo);
        CHECK(fail.domain == "mail.example.com");
        CHECK(fail.explanation ==
              "postmaster@mail.example.com postmaster mail.example.com mail.example.com mail.example.com");
        const SpfOutcome pass = mailFrom(evaluator, "192.0.2.1", "", "mail.example.com");
        CHECK(pass.result == SpfResult::Pass);
        CHECK(pass.scope == SpfScope::Helo);
        CHECK(pass.explanation.empty());
    }
    SECTION("checkHelo checks postmaster@HELO whatever MAIL FROM says") {
        const SpfOutcome outcome = evaluator.checkHelo(SpfRequest{"192.0.2.1", "Mail.Example.COM.", "x@example.net"});
        CHECK(outcome.result == SpfResult::Pass);
        CHECK(outcome.scope == SpfScope::Helo);
        CHECK(outcome.domain == "mail.example.com");
    }
    SECTION("a sender without local-part is postmaster (RFC 7208 4.3)") {
        for (const std::string sender : {"@example.net", "example.net"}) {
            CAPTURE(sender);
            const SpfOutcome outcome = mailFrom(evaluator, "192.0.2.9", sender, "mail.example.com");
            CHECK(outcome.result == SpfResult::Fail);
            CHECK(outcome.scope == SpfScope::MailFrom);
            CHECK(outcome.domain == "example.net");
            CHECK(outcome.explanation ==
                  "postmaster@example.net postmaster example.net example.net mail.example.com");
        }
    }
    SECTION("the last '@' separates the domain") {
        const SpfOutcome outcome = mailFrom(evaluator, "192.0.2.9", "\"a@b\"@example.net", "mail.example.com");
        CHECK(outcome.domain == "example.net");
        CHECK(outcome.explanation == "\"a@b\"@example.net \"a@b\" example.net example.net mail.example.com");
    }
}

TEST_CASE("spf2_evaluator: a malformed or single-label domain is none, without DNS") {
    const std::string sender = GENERATE(as<std::string>{}, "user@[192.0.2.1]", "user@192.0.2.1", "user@localhost",
                                        "user@a..example.com", "user@", "user@-x.example.com",
                                        "user@" + std::string(64, 'a') + ".example.com");
    CAPTURE(sender);
    TableDnsLookup dns;
    const Spf2Evaluator evaluator(dns);
    const SpfOutcome outcome = mailFrom(evaluator, "192.0.2.1", sender);
    CHECK(outcome.result == SpfResult::None);
    CHECK(outcome.scope == SpfScope::MailFrom);
    CHECK(dns.queries().empty());
}

TEST_CASE("spf2_evaluator: international and trailing-dot domains are checked in A-label form") {
    TableDnsLookup dns;
    dns.add("xn--bcher-kva.example", TableEntry::txt("v=spf1 ip4:192.0.2.1 -all"));
    const Spf2Evaluator evaluator(dns);
    for (const std::string sender : {"user@b\xC3\xBC" "cher.example", "user@XN--BCHER-KVA.example."}) {
        CAPTURE(sender);
        const SpfOutcome outcome = mailFrom(evaluator, "192.0.2.1", sender);
        CHECK(outcome.result == SpfResult::Pass);
        CHECK(outcome.domain == "xn--bcher-kva.example");
    }
}

TEST_CASE("spf2_evaluator: input that is not an SMTP conversation's") {
    TableDnsLookup dns;
    dns.add("example.com", TableEntry::txt("v=spf1 +all"));
    const Spf2Evaluator evaluator(dns);
    SECTION("a client address that is not an address is permerror, never pass") {
        for (const std::string ip : {"", "localhost", "192.0.2.1/32", "[::1]"}) {
            CAPTURE(ip);
            const SpfOutcome outcome = mailFrom(evaluator, ip, "user@example.com");
            CHECK(outcome.result == SpfResult::PermError);
            CHECK(outcome.reason == "client address is not an IP address");
        }
    }
    SECTION("an over-long MAIL FROM has no identity to check") {
        const SpfOutcome outcome = mailFrom(evaluator, "192.0.2.1", std::string(600, 'a') + "@example.com");
        CHECK(outcome.result == SpfResult::None);
        CHECK(dns.queries().empty());
    }
    SECTION("an over-long HELO is cut to 255 octets for %{h}") {
        dns.add("h.example.com", TableEntry::txt("v=spf1 -all exp=e.example.com"));
        dns.add("e.example.com", TableEntry::txt("%{h}"));
        const SpfOutcome outcome = mailFrom(evaluator, "192.0.2.1", "user@h.example.com", std::string(400, 'x'));
        CHECK(outcome.result == SpfResult::Fail);
        CHECK(outcome.explanation == std::string(255, 'x'));
    }
}

TEST_CASE("spf2_evaluator: records are fetched as TXT and selected per RFC 7208 4.5") {
    TableDnsLookup dns;
    dns.add("one.example.com", TableEntry::txt("some other text"));
    dns.add("one.example.com", TableEntry::txt("v=spf1 ip4:192.0.2.1 -all"));
    dns.add("two.example.com", TableEntry::txt("v=spf1 -all"));
    dns.add("two.example.com", TableEntry::txt("V=SPF1 +all"));
    dns.add("none.example.com", TableEntry::txt("v=spf10 +all"));
    dns.touch("empty.example.com");
    const Spf2Evaluator evaluator(dns);

    CHECK(mailFrom(evaluator, "192.0.2.1", "u@one.example.com").result == SpfResult::Pass);
    REQUIRE(dns.queries().size() == 1);
    CHECK(dns.queries().front() == dmarc::test::TableQuery{"one.example.com", RrType::Txt});

    const SpfOutcome two = mailFrom(evaluator, "192.0.2.1", "u@two.example.com");
    CHECK(two.result == SpfResult::PermError);
    CHECK(two.reason == "more than one SPF record at two.example.com");
    CHECK(mailFrom(evaluator, "192.0.2.1", "u@none.example.com").result == SpfResult::None);
    CHECK(mailFrom(evaluator, "192.0.2.1", "u@empty.example.com").result == SpfResult::None);
    CHECK(mailFrom(evaluator, "192.0.2.1", "u@nxdomain.example.com").result == SpfResult::None);
}

TEST_CASE("spf2_evaluator: DNS trouble is temperror, a definite no is none") {
    const auto [status, result] = GENERATE(table<DnsStatus, SpfResult>({
        {DnsStatus::Timeout, SpfResult::TempError},
        {DnsStatus::ServFail, SpfResult::TempError},
        {DnsStatus::Malformed, SpfResult::TempError},
        {DnsStatus::NxDomain, SpfResult::None},
        {DnsStatus::NoData, SpfResult::None},
    }));
    StatusDns dns(status);
    const Spf2Evaluator evaluator(dns);
    const SpfOutcome outcome = mailFrom(evaluator, "192.0.2.1", "user@example.com");
    CHECK(outcome.result == result);
    CHECK(outcome.reason.find("example.com") != std::string::npos);
}

TEST_CASE("spf2_evaluator: DNS trouble in a mechanism is temperror, naming the name") {
    TableDnsLookup dns;
    dns.add("example.com", TableEntry::txt("v=spf1 a:slow.example.com -all"));
    dns.add("slow.example.com", TableEntry::timeout());
    const Spf2Evaluator evaluator(dns);
    const SpfOutcome outcome = mailFrom(evaluator, "192.0.2.1", "user@example.com");
    CHECK(outcome.result == SpfResult::TempError);
    CHECK(outcome.reason == "timeout for slow.example.com");
}

TEST_CASE("spf2_evaluator: every lookup of a check shares one deadline, the configured timeout away") {
    StatusDns dns(DnsStatus::Timeout);
    Spf2Options options;
    options.timeout = std::chrono::milliseconds(1234);
    const Spf2Evaluator evaluator(dns, options);
    const auto before = std::chrono::steady_clock::now();
    CHECK(mailFrom(evaluator, "192.0.2.1", "user@example.com").result == SpfResult::TempError);
    const auto after = std::chrono::steady_clock::now();
    const auto deadlines = dns.deadlines();
    REQUIRE_FALSE(deadlines.empty());
    for (const auto deadline : deadlines) {
        CHECK(deadline == deadlines.front());
        CHECK(deadline >= before + options.timeout);
        CHECK(deadline <= after + options.timeout);
    }
}

TEST_CASE("spf2_evaluator: invalid records are permerror before libspf2 sees them") {
    // Each of these libspf2 would evaluate to something else (see the comment per row).
    const auto [record, reason] = GENERATE(table<std::string, std::string>({
        // libspf2 stops at the NUL: "v=spf1 -all" → fail.
        {std::string("v=spf1 -all\0 +all", 17),
         "invalid SPF record at example.com: term 1 \"-all" + std::string(1, '\0') +
             "\": character outside printable ASCII"},
        // libspf2 compiles "redirect:" as a redirect.
        {"v=spf1 redirect:other.example.com +all",
         "invalid SPF record at example.com: term 1 \"redirect:other.example.com\": unknown mechanism"},
        // libspf2 takes "a:museum" and looks it up.
        {"v=spf1 a:museum +all",
         "invalid SPF record at example.com: term 1 \"a:museum\": invalid domain-spec (domain-spec must end in a "
         "macro or in '.' and a valid top label)"},
        // libspf2 wraps its mechanism count at 256 and evaluates only the rest.
        {"v=spf1" + repeated(" a", 256), "SPF record at example.com: more mechanisms than libspf2 can evaluate (255)"},
        // libspf2 parses transformer digits into an int without an overflow check.
        {"v=spf1 a:%{d2147483649}.example.com +all", "SPF record at example.com: a macro transformer over libspf2's 128"},
    }));
    CAPTURE(record.substr(0, 60));
    TableDnsLookup dns;
    dns.add("example.com", TableEntry::txt(record));
    const Spf2Evaluator evaluator(dns);
    const SpfOutcome outcome = mailFrom(evaluator, "192.0.2.1", "user@example.com");
    CHECK(outcome.result == SpfResult::PermError);
    CHECK(outcome.reason == reason);
    CHECK(dns.queries().size() == 1);  // nothing evaluated
}

TEST_CASE("spf2_evaluator: ten DNS-querying terms, counted across include and redirect") {
    TableDnsLookup dns;
    const std::string ten = addressTerms(dns, 1, 10);
    dns.add("ten.example.com", TableEntry::txt("v=spf1" + ten + " ip4:192.0.2.1 -all"));
    dns.add("eleven.example.com", TableEntry::txt("v=spf1" + ten + " a:h1.example.com ip4:192.0.2.1 -all"));
    // 2 includes + 4 + 4 address terms = 10; one more in the second include = 11.
    dns.add("i1.example.com", TableEntry::txt("v=spf1" + addressTerms(dns, 1, 4) + " -all"));
    dns.add("i2.example.com", TableEntry::txt("v=spf1" + addressTerms(dns, 5, 4) + " -all"));
    dns.add("i3.example.com", TableEntry::txt("v=spf1" + addressTerms(dns, 5, 5) + " -all"));
    dns.add("inc10.example.com", TableEntry::txt("v=spf1 include:i1.example.com include:i2.example.com ip4:192.0.2.1 -all"));
    dns.add("inc11.example.com", TableEntry::txt("v=spf1 include:i1.example.com include:i3.example.com ip4:192.0.2.1 -all"));
    // redirect: 1 + the 9 of r9 = 10.
    dns.add("r9.example.com", TableEntry::txt("v=spf1" + addressTerms(dns, 1, 9) + " ip4:192.0.2.1 -all"));
    dns.add("redir10.example.com", TableEntry::txt("v=spf1 redirect=r9.example.com"));
    dns.add("redir11.example.com", TableEntry::txt("v=spf1 a:h1.example.com redirect=r9.example.com"));
    const Spf2Evaluator evaluator(dns);

    const auto [sender, result] = GENERATE(table<std::string, SpfResult>({
        {"u@ten.example.com", SpfResult::Pass},
        {"u@eleven.example.com", SpfResult::PermError},
        {"u@inc10.example.com", SpfResult::Pass},
        {"u@inc11.example.com", SpfResult::PermError},  // libspf2 alone: pass
        {"u@redir10.example.com", SpfResult::Pass},
        {"u@redir11.example.com", SpfResult::PermError},
    }));
    CAPTURE(sender);
    const SpfOutcome outcome = mailFrom(evaluator, "192.0.2.1", sender);
    CHECK(outcome.result == result);
    if (result == SpfResult::PermError) CHECK(outcome.reason == "more than 10 DNS-querying terms");
}

TEST_CASE("spf2_evaluator: follow-up lookups of mx and ptr, exp= and %{p} are not terms") {
    TableDnsLookup dns;
    addressTerms(dns, 1, 10);  // h1..h10: the MX targets
    for (int i = 1; i <= 10; ++i) dns.add("mx.example.com", TableEntry::mx(10, "h" + std::to_string(i) + ".example.com"));
    const std::string nine = addressTerms(dns, 11, 9);
    // mx and 9 a: 10 terms, however many address lookups the mx makes.
    dns.add("mx.example.com", TableEntry::txt("v=spf1 mx" + nine + " ip4:192.0.2.1 -all"));
    dns.add("p.example.com", TableEntry::txt("v=spf1 exists:%{p}.x.example.com" + nine + " -all exp=e.example.com"));
    dns.add("e.example.com", TableEntry::txt("%{p} is not allowed"));
    dns.add("1.2.0.192.in-addr.arpa", TableEntry::ptr("client.example.org"));
    dns.add("client.example.org", address("192.0.2.1"));
    dns.add("exp.example.com", TableEntry::txt("v=spf1" + addressTerms(dns, 21, 10) + " -all exp=nx.example.com"));
    const Spf2Evaluator evaluator(dns);

    CHECK(mailFrom(evaluator, "192.0.2.1", "u@mx.example.com").result == SpfResult::Pass);
    const SpfOutcome p = mailFrom(evaluator, "192.0.2.1", "u@p.example.com");
    CHECK(p.result == SpfResult::Fail);
    CHECK(p.explanation == "client.example.org is not allowed");
    const SpfOutcome exp = mailFrom(evaluator, "192.0.2.1", "u@exp.example.com");
    CHECK(exp.result == SpfResult::Fail);
    CHECK(exp.explanation.empty());
}

TEST_CASE("spf2_evaluator: two void lookups are fine, the third is permerror") {
    TableDnsLookup dns;
    dns.add("two.example.com", TableEntry::txt("v=spf1 a:nx1.example.com mx:nx2.example.com ?all"));
    dns.add("three.example.com", TableEntry::txt("v=spf1 a:nx1.example.com mx:nx2.example.com exists:nx3.example.com ?all"));
    dns.touch("nodata.example.com");
    dns.add("nodata3.example.com",
            TableEntry::txt("v=spf1 a:nodata.example.com ptr:nodata.example.com a:nodata.example.com ?all"));
    const Spf2Evaluator evaluator(dns);
    CHECK(mailFrom(evaluator, "192.0.2.1", "u@two.example.com").result == SpfResult::Neutral);
    for (const std::string sender : {"u@three.example.com", "u@nodata3.example.com"}) {
        CAPTURE(sender);
        const SpfOutcome outcome = mailFrom(evaluator, "192.0.2.1", sender);
        CHECK(outcome.result == SpfResult::PermError);
        CHECK(outcome.reason == "more than 2 void lookups");
    }
}

TEST_CASE("spf2_evaluator: more than 10 MX names is permerror, PTR names past 10 are ignored") {
    TableDnsLookup dns;
    for (int i = 1; i <= 11; ++i) {
        const std::string host = "m" + std::to_string(i) + ".example.com";
        dns.add("mx11.example.com", TableEntry::mx(static_cast<std::uint16_t>(i), host));
        if (i <= 10) dns.add("mx10.example.com", TableEntry::mx(static_cast<std::uint16_t>(i), host));
        dns.add(host, address(i == 1 ? "192.0.2.1" : "198.51.100." + std::to_string(i)));
        const std::string name = "p" + std::to_string(i) + ".example.com";
        dns.add("1.2.0.192.in-addr.arpa", TableEntry::ptr(name));
        // Only the 11th name validates.
        dns.add(name, address(i == 11 ? "192.0.2.1" : "198.51.100." + std::to_string(i)));
    }
    dns.add("mx10.example.com", TableEntry::txt("v=spf1 mx -all"));
    dns.add("mx11.example.com", TableEntry::txt("v=spf1 mx -all"));
    dns.add("ptr.example.com", TableEntry::txt("v=spf1 ptr:example.com -all"));
    const Spf2Evaluator evaluator(dns);
    CHECK(mailFrom(evaluator, "192.0.2.1", "u@mx10.example.com").result == SpfResult::Pass);
    const SpfOutcome mx = mailFrom(evaluator, "192.0.2.1", "u@mx11.example.com");
    CHECK(mx.result == SpfResult::PermError);
    CHECK(mx.reason == "MX of mx11.example.com lists more than 10 names");
    CHECK(mailFrom(evaluator, "192.0.2.1", "u@ptr.example.com").result == SpfResult::Fail);
}

TEST_CASE("spf2_evaluator: /0 on a and mx means any address of the client's family") {
    TableDnsLookup dns;
    dns.add("any.example.com", TableEntry::txt("v=spf1 a:host.example.com/0//0 -all"));
    dns.add("mxany.example.com", TableEntry::txt("v=spf1 mx:mxs.example.com/0//0 -all"));
    dns.add("mxs.example.com", TableEntry::mx(0, "host.example.com"));
    dns.add("host.example.com", address("203.0.113.9"));
    dns.add("v4only.example.com", TableEntry::txt("v=spf1 a:v4host.example.com//0 -all"));
    dns.add("v4host.example.com", address("203.0.113.9"));
    dns.add("host.example.com", address("2001:db8::9"));
    const Spf2Evaluator evaluator(dns);
    for (const std::string ip : {"192.0.2.1", "2001:db8::1", "::ffff:192.0.2.7"}) {
        CAPTURE(ip);
        CHECK(mailFrom(evaluator, ip, "u@any.example.com").result == SpfResult::Pass);
        CHECK(mailFrom(evaluator, ip, "u@mxany.example.com").result == SpfResult::Pass);
    }
    CHECK(mailFrom(evaluator, "2001:db8::1", "u@v4only.example.com").result == SpfResult::Fail);
    CHECK(mailFrom(evaluator, "203.0.113.9", "u@v4only.example.com").result == SpfResult::Pass);
    CHECK(mailFrom(evaluator, "192.0.2.1", "u@v4only.example.com").result == SpfResult::Fail);
}

TEST_CASE("spf2_evaluator: explanations only for fail, only the domain's own") {
    TableDnsLookup dns;
    dns.add("fail.example.com", TableEntry::txt("v=spf1 -all exp=e.example.com"));
    dns.add("soft.example.com", TableEntry::txt("v=spf1 ~all exp=e.example.com"));
    dns.add("plain.example.com", TableEntry::txt("v=spf1 -all"));
    dns.add("bad.example.com", TableEntry::txt("v=spf1 -all exp=bad.e.example.com"));
    dns.add("e.example.com", TableEntry::txt("%{i} may not send for %{d} (see %{r})"));
    dns.add("bad.e.example.com", TableEntry::txt("%{d200} too big for libspf2"));
    Spf2Options options;
    options.receiver = "mx.receiver.example";
    const Spf2Evaluator evaluator(dns, options);
    CHECK(mailFrom(evaluator, "192.0.2.1", "u@fail.example.com").explanation ==
          "192.0.2.1 may not send for fail.example.com (see mx.receiver.example)");
    const SpfOutcome soft = mailFrom(evaluator, "192.0.2.1", "u@soft.example.com");
    CHECK(soft.result == SpfResult::SoftFail);
    CHECK(soft.explanation.empty());
    CHECK(mailFrom(evaluator, "192.0.2.1", "u@plain.example.com").explanation.empty());
    const SpfOutcome bad = mailFrom(evaluator, "192.0.2.1", "u@bad.example.com");
    CHECK(bad.result == SpfResult::Fail);
    CHECK(bad.explanation.empty());

    // Another evaluator on the same thread has its own receiver name.
    Spf2Options other;
    other.receiver = "other.example";
    const Spf2Evaluator second(dns, other);
    CHECK(mailFrom(second, "192.0.2.1", "u@fail.example.com").explanation ==
          "192.0.2.1 may not send for fail.example.com (see other.example)");
}

TEST_CASE("spf2_evaluator: concurrent checks on one evaluator") {
    TableDnsLookup dns;
    dns.add("example.com", TableEntry::txt("v=spf1 include:inc.example.com mx -all"));
    dns.add("inc.example.com", TableEntry::txt("v=spf1 ip4:192.0.2.0/25 -all"));
    dns.add("example.com", TableEntry::mx(10, "mx.example.com"));
    dns.add("mx.example.com", address("192.0.2.200"));
    const Spf2Evaluator evaluator(dns);
    const auto expected = [](int host) {
        return host < 128 || host == 200 ? SpfResult::Pass : SpfResult::Fail;
    };
    std::atomic<int> wrong{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < 64; ++i) {
                const int host = (t * 64 + i) % 256;
                const auto outcome = mailFrom(evaluator, "192.0.2." + std::to_string(host), "u@example.com");
                if (outcome.result != expected(host)) ++wrong;
            }
        });
    }
    for (auto& thread : threads) thread.join();
    CHECK(wrong == 0);
}

TEST_CASE("spf2_evaluator: libspf2's messages go to the log sink") {
    std::mutex mutex;
    std::vector<std::pair<Spf2LogLevel, std::string>> seen;
    setSpf2LogSink([&](Spf2LogLevel level, std::string_view message) {
        const std::lock_guard<std::mutex> lock(mutex);
        seen.emplace_back(level, std::string(message));
    });
    TableDnsLookup dns;
    const Spf2Evaluator evaluator(dns);  // installs the handlers
    SPF_warningx(__FILE__, __LINE__, "warning %d", 1);
    SPF_infox(__FILE__, __LINE__, "info %s", "two");
    SPF_debugx(__FILE__, __LINE__, "debug");
    setSpf2LogSink({});
    SPF_warningx(__FILE__, __LINE__, "dropped");  // no sink: nothing, and no stderr
    REQUIRE(seen.size() == 3);
    CHECK(seen[0] == std::make_pair(Spf2LogLevel::Warning, std::string("warning 1")));
    CHECK(seen[1] == std::make_pair(Spf2LogLevel::Info, std::string("info two")));
    CHECK(seen[2] == std::make_pair(Spf2LogLevel::Debug, std::string("debug")));
}
