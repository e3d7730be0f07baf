// Conformance: the from_header cases of mail-dmarc/dmarc-eval-cases.yml (Mail::DMARC's
// 04.PurePerl.t) through parseFromValue. A row's `domain` is the single author domain; ""
// means there is none, and for those rows this test asserts exactly what we produce
// instead (several distinct domains, or which error), so that a row we cannot explain fails.
#include <catch2/catch.hpp>
#include <yaml-cpp/yaml.h>

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "core/mailbox.h"
#include "support/conformance.h"

using namespace dmarc::core;

namespace {

// What a row without a single author domain must produce, keyed by its `raw`: the error,
// or (when the field parses) its distinct domains, space-separated.
struct NoSingleDomain {
    std::optional<FromError> error;
    std::string domains;
};

const std::map<std::string, NoSingleDomain>& noSingleDomainOutcomes() {
    static const std::map<std::string, NoSingleDomain> outcomes = {
        {"Sample User <user@example.com>,Sample2<user@example2.com>",
         {std::nullopt, "example.com example2.com"}},
        // A quoted string alone: a local part with no "@domain".
        {"From: \"Test 1.1.5\"", {FromError::MailboxWithoutDomain, ""}},
    };
    return outcomes;
}

// The rows give either a whole header line or just its value.
std::string_view fieldBody(std::string_view raw) {
    constexpr std::string_view kName = "From:";
    if (raw.substr(0, kName.size()) == kName) raw.remove_prefix(kName.size());
    return raw;
}

std::string joinedDomains(const AuthorDomains& result) {
    std::string joined;
    for (const DomainName& domain : result.domains) {
        if (!joined.empty()) joined += ' ';
        joined += domain.str();
    }
    return joined;
}

}  // namespace

TEST_CASE("from_header: Mail::DMARC From header cases") {
    const std::string file = "mail-dmarc/dmarc-eval-cases.yml";
    const YAML::Node root = YAML::LoadFile(dmarc::test::conformanceFile(file).string());
    const YAML::Node rows = root["from_header"];
    REQUIRE(rows.IsSequence());

    std::size_t ran = 0;
    for (const YAML::Node& row : rows) {
        const std::string raw = row["raw"].as<std::string>();
        const std::string expected = row["domain"].as<std::string>();
        const std::string_view body = fieldBody(raw);
        CAPTURE(raw, expected);
        const auto result = parseFromValue(body);
        if (!expected.empty()) {
            REQUIRE(result.ok());
            REQUIRE(result->singleDomain().has_value());
            CHECK(result->singleDomain()->str() == expected);
        } else {
            const auto outcome = noSingleDomainOutcomes().find(raw);
            if (outcome == noSingleDomainOutcomes().end()) {
                FAIL("a row without a single author domain that this test has no outcome for");
            }
            const NoSingleDomain& want = outcome->second;
            if (want.error) {
                REQUIRE_FALSE(result.ok());
                CHECK(result.error() == *want.error);
            } else {
                REQUIRE(result.ok());
                CHECK_FALSE(result->singleDomain().has_value());
                CHECK(joinedDomains(*result) == want.domains);
            }
        }
        ++ran;
    }
    dmarc::test::reportCases(file, "from_header", ran, 10);
}
