// makeServices: the public suffix list is required in rfc7489 mode only; a resolver
// that cannot be built is an error with its reason, never a throw.
#include <catch2/catch.hpp>

#include "session_fixture.h"

using namespace dmarc;
using sessiontest::makeConfig;

TEST_CASE("makeServices needs a public suffix list in rfc7489 mode only") {
    const std::string missing = "PublicSuffixList /nonexistent/public_suffix_list.dat\n";
    const auto strictMode = pipeline::makeServices(*makeConfig("Mode rfc7489\n" + missing));
    REQUIRE_FALSE(strictMode.ok());
    CHECK_THAT(strictMode.error(), Catch::Matchers::Contains("/nonexistent/public_suffix_list.dat"));
    CHECK_THAT(strictMode.error(), Catch::Matchers::Contains("rfc7489"));

    const auto treeWalk = pipeline::makeServices(*makeConfig(missing));
    REQUIRE(treeWalk.ok());
    CHECK_FALSE(treeWalk.value()->psl);
    CHECK(treeWalk.value()->resolver);
    CHECK(treeWalk.value()->spf);
    CHECK(treeWalk.value()->dkim);
    CHECK(treeWalk.value()->random);
    CHECK(treeWalk.value()->spfPool);
}

TEST_CASE("makeServices reports a name server it cannot use") {
    pipeline::ServiceOptions options;
    options.nameservers = std::vector<std::string>{"not an address"};
    const auto services = pipeline::makeServices(*makeConfig(), options);
    REQUIRE_FALSE(services.ok());
    CHECK_THAT(services.error(), Catch::Matchers::Contains("DNS resolver"));
}

TEST_CASE("The random source draws percentages in [0, 100)") {
    const auto services = pipeline::makeServices(*makeConfig());
    REQUIRE(services.ok());
    bool low = false;
    bool high = false;
    for (int i = 0; i < 2000; ++i) {
        const int draw = services.value()->random->percent();
        REQUIRE(draw >= 0);
        REQUIRE(draw < 100);
        low = low || draw < 10;
        high = high || draw >= 90;
    }
    CHECK(low);
    CHECK(high);
}
