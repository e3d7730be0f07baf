// Conformance: the Public Suffix List's own tests (publicsuffix-list/test_psl.txt and its
// plain twin tests.txt) and the `org_domain` section of mail-dmarc/dmarc-eval-cases.yml,
// through adapters::PslOrgDomain loaded from the pinned list (or from the case's own
// rules). Also the adapter's loading errors, the system list and concurrent use; these
// live here because unit tests link only dmarc_core.
#include <catch2/catch.hpp>
#include <yaml-cpp/yaml.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "adapters/psl_org_domain.h"
#include "support/conformance.h"
#include "support/table_resolver.h"

namespace {

using dmarc::adapters::PslError;
using dmarc::adapters::PslOrgDomain;
using dmarc::core::DomainName;
using dmarc::test::nameOf;

constexpr const char* kList = "publicsuffix-list/public_suffix_list.dat";
constexpr const char* kTestPsl = "publicsuffix-list/test_psl.txt";
constexpr const char* kTestsTxt = "publicsuffix-list/tests.txt";
constexpr const char* kEvalCases = "mail-dmarc/dmarc-eval-cases.yml";
constexpr std::size_t kPslCases = 78;      // uncommented checks in each of the two files
constexpr std::size_t kOrgDomainCases = 2; // dmarc-eval-cases.yml `org_domain:` entries

PslOrgDomain pinnedList() {
    auto loaded = PslOrgDomain::fromFile(dmarc::test::conformanceFile(kList).string());
    INFO("loading the pinned list: "
         << (loaded ? std::string("ok") : std::string(describe(loaded.error()))));
    REQUIRE(loaded.ok());
    return std::move(loaded).value();
}

// A test value: nullopt for null. DomainName::parse is the project's input path, so a
// name it refuses (".com") counts as null, and U-labels become A-labels.
using Name = std::optional<std::string>;

std::optional<DomainName> parsed(const Name& text) {
    if (!text) return std::nullopt;
    auto name = DomainName::parse(*text);
    if (!name) return std::nullopt;
    return std::move(name).value();
}

// Checks one checkPublicSuffix(input, expected) through both adapter entry points.
void checkRegistrable(const PslOrgDomain& psl, const Name& input, const Name& expected) {
    INFO("input " << input.value_or("null") << ", expected " << expected.value_or("null"));
    std::optional<std::string> want;
    if (expected) {
        const auto expectedName = parsed(expected);
        REQUIRE(expectedName);  // expectations are always valid names
        want = expectedName->str();
    }
    const auto name = parsed(input);
    std::optional<std::string> got;
    if (name) {
        if (const auto registrable = psl.registrableDomain(*name)) got = registrable->str();
        // The organizational domain falls back to the name itself for public suffixes.
        CHECK(psl.organizationalDomain(*name).str() == want.value_or(name->str()));
    }
    CHECK(got == want);
}

Name argument(std::string_view text) {
    if (text == "null") return std::nullopt;
    if (text.size() >= 2 && text.front() == '\'' && text.back() == '\'') {
        return std::string(text.substr(1, text.size() - 2));
    }
    FAIL("unquoted argument in test_psl.txt: " << text);
    return std::nullopt;
}

std::string tempListWith(const std::vector<std::string>& rules, const std::string& tag) {
    const auto path = std::filesystem::temp_directory_path() /
                      ("dmarc-psl-" + std::to_string(::getpid()) + "-" + tag + ".dat");
    std::ofstream out(path);
    for (const auto& rule : rules) out << rule << '\n';
    REQUIRE(out.good());
    return path.string();
}

}  // namespace

TEST_CASE("test_psl.txt: checkPublicSuffix through the pinned list") {
    const PslOrgDomain psl = pinnedList();
    std::istringstream lines(dmarc::test::readFile(dmarc::test::conformanceFile(kTestPsl)));
    const std::string_view call = "checkPublicSuffix(";
    std::size_t ran = 0;
    for (std::string line; std::getline(lines, line);) {
        std::string_view text(line);
        if (text.substr(0, call.size()) != call) continue;  // comments, commented-out checks
        INFO(line);
        const auto close = text.rfind(");");
        const auto comma = text.find(", ");
        REQUIRE(close != std::string_view::npos);
        REQUIRE(comma != std::string_view::npos);
        const auto first = text.substr(call.size(), comma - call.size());
        const auto second = text.substr(comma + 2, close - comma - 2);
        checkRegistrable(psl, argument(first), argument(second));
        ++ran;
    }
    dmarc::test::reportCases(kTestPsl, "checkPublicSuffix", ran, kPslCases);
}

TEST_CASE("tests.txt: the same checks in the plain format") {
    const PslOrgDomain psl = pinnedList();
    std::istringstream lines(dmarc::test::readFile(dmarc::test::conformanceFile(kTestsTxt)));
    std::size_t ran = 0;
    for (std::string line; std::getline(lines, line);) {
        if (line.empty() || line.rfind("//", 0) == 0) continue;
        INFO(line);
        std::istringstream words(line);
        std::string input, expected, extra;
        REQUIRE(static_cast<bool>(words >> input >> expected));
        REQUIRE_FALSE(static_cast<bool>(words >> extra));
        const auto nullable = [](const std::string& word) -> Name {
            return word == "null" ? Name{} : Name{word};
        };
        checkRegistrable(psl, nullable(input), nullable(expected));
        ++ran;
    }
    dmarc::test::reportCases(kTestsTxt, "input expected", ran, kPslCases);
}

TEST_CASE("dmarc-eval-cases.yml org_domain: custom PSL rules") {
    const YAML::Node all =
        YAML::Load(dmarc::test::readFile(dmarc::test::conformanceFile(kEvalCases)));
    const YAML::Node cases = all["org_domain"];
    REQUIRE(cases.IsSequence());
    std::size_t ran = 0;
    for (const auto& entry : cases) {
        const std::string id = entry["id"].as<std::string>();
        INFO("case " << id);
        const std::string path =
            tempListWith(entry["psl_rules"].as<std::vector<std::string>>(), id);
        auto loaded = PslOrgDomain::fromFile(path);
        std::filesystem::remove(path);
        REQUIRE(loaded.ok());
        const auto domain = nameOf(entry["domain"].as<std::string>());
        CHECK(loaded->organizationalDomain(domain) == nameOf(entry["expect"].as<std::string>()));
        ++ran;
    }
    dmarc::test::reportCases(kEvalCases, "org_domain", ran, kOrgDomainCases);
}

TEST_CASE("PslOrgDomain: organizational domains a mail admin meets") {
    const PslOrgDomain psl = pinnedList();
    using Row = std::pair<std::string, std::string>;
    const std::vector<Row> rows{
        {"mail.example.com", "example.com"},
        {"a.b.c.d.e.f.g.h.example.com", "example.com"},
        {"bbc.co.uk", "bbc.co.uk"},
        {"news.bbc.co.uk", "bbc.co.uk"},
        {"co.uk", "co.uk"},                      // a public suffix is its own
        {"com", "com"},
        {"foo.blogspot.com", "foo.blogspot.com"}, // the private section counts
        {"blogspot.com", "blogspot.com"},
        {"www.city.kobe.jp", "city.kobe.jp"},    // wildcard with an exception
        {"a.b.c.kobe.jp", "b.c.kobe.jp"},
        {"mail.bücher.de", "xn--bcher-kva.de"},  // U-labels arrive as A-labels
        {"host.unlisted-tld-example", "host.unlisted-tld-example"},
        {"a.host.unlisted-tld-example", "host.unlisted-tld-example"},
    };
    for (const auto& [input, expected] : rows) {
        INFO(input);
        CHECK(psl.organizationalDomain(nameOf(input)).str() == nameOf(expected).str());
    }
}

TEST_CASE("PslOrgDomain: loading errors are values") {
    const auto missing = PslOrgDomain::fromFile("/nonexistent/public_suffix_list.dat");
    REQUIRE_FALSE(missing.ok());
    CHECK(missing.error() == PslError::NotAFile);

    const auto directory = PslOrgDomain::fromFile(std::filesystem::temp_directory_path());
    REQUIRE_FALSE(directory.ok());
    CHECK(directory.error() == PslError::NotAFile);

    const std::string empty = tempListWith({}, "empty");
    const auto fromEmpty = PslOrgDomain::fromFile(empty);
    std::filesystem::remove(empty);
    REQUIRE_FALSE(fromEmpty.ok());
    CHECK(fromEmpty.error() == PslError::LoadFailed);

    const std::string comments = tempListWith({"// nothing but a comment", "", "!www.ck"}, "nr");
    const auto fromComments = PslOrgDomain::fromFile(comments);
    std::filesystem::remove(comments);
    REQUIRE_FALSE(fromComments.ok());
    CHECK(fromComments.error() == PslError::NoRules);

    for (const auto error :
         {PslError::NotAFile, PslError::LoadFailed, PslError::NoRules, PslError::NoList}) {
        CHECK_FALSE(describe(error).empty());
        CHECK(describe(error) != "unknown public suffix list error");
    }
}

TEST_CASE("PslOrgDomain: the system's newest list loads") {
    const auto latest = PslOrgDomain::systemLatest();
    REQUIRE(latest.ok());
    CHECK(latest->organizationalDomain(nameOf("mail.example.com")).str() == "example.com");
    CHECK(latest->organizationalDomain(nameOf("news.bbc.co.uk")).str() == "bbc.co.uk");
    CHECK(latest->organizationalDomain(nameOf("co.uk")).str() == "co.uk");
}

TEST_CASE("PslOrgDomain: copies share the list, a moved-from one knows no suffix") {
    PslOrgDomain original = pinnedList();
    const PslOrgDomain copy = original;
    const PslOrgDomain moved = std::move(original);
    CHECK(copy.organizationalDomain(nameOf("a.b.co.uk")).str() == "b.co.uk");
    CHECK(moved.organizationalDomain(nameOf("a.b.co.uk")).str() == "b.co.uk");
    // The moved-from state is what is tested here.
    CHECK(original.organizationalDomain(nameOf("a.b.co.uk")).str() == "a.b.co.uk");
    CHECK_FALSE(original.registrableDomain(nameOf("a.b.co.uk")));
}

TEST_CASE("PslOrgDomain: one list serves many threads") {
    const PslOrgDomain psl = pinnedList();
    const std::vector<std::pair<std::string, std::string>> rows{
        {"a.b.example.com", "example.com"}, {"x.bbc.co.uk", "bbc.co.uk"},
        {"www.ck", "www.ck"}, {"a.b.c.mm", "b.c.mm"}};
    std::vector<std::size_t> mismatches(4, 0);
    std::vector<std::thread> threads;
    for (std::size_t t = 0; t < mismatches.size(); ++t) {
        threads.emplace_back([&, t] {
            for (int round = 0; round < 2000; ++round) {
                for (const auto& [input, expected] : rows) {
                    auto name = DomainName::parse(input);
                    if (!name || psl.organizationalDomain(*name).str() != expected) ++mismatches[t];
                }
            }
        });
    }
    for (auto& thread : threads) thread.join();
    CHECK(mismatches == std::vector<std::size_t>(4, 0));
}
