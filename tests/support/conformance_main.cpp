// Main for the conformance tests. Without the public data (a user's fresh clone has no
// ../shared) the run is skipped with exit code 77 and a message saying why; under CI=true
// the missing data is a failure, because CI must never pass by testing nothing.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string_view>

#include "support/conformance.h"

namespace dmarc::test {

std::filesystem::path conformanceDir() {
    if (const char* dir = std::getenv("DMARC_CONFORMANCE_DIR"); dir && *dir) return dir;
    if (const char* dir = std::getenv("DMARC_CONFORMANCE_DIR_DEFAULT"); dir && *dir) return dir;
    return "../shared/conformance";
}

std::filesystem::path conformanceFile(const std::string& relative) {
    const auto path = conformanceDir() / relative;
    INFO("conformance file " << path.string());
    REQUIRE(std::filesystem::is_regular_file(path));
    return path;
}

std::string readFile(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    INFO("reading " << path.string());
    REQUIRE(in.good());
    std::ostringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

void reportCases(const std::string& file, const std::string& what, std::size_t ran,
                 std::size_t expected) {
    std::printf("conformance: %s [%s]: %zu cases run (expected at least %zu)\n", file.c_str(),
                what.c_str(), ran, expected);
    std::fflush(stdout);
    INFO(file << " [" << what << "]: ran " << ran << " cases, expected at least " << expected);
    REQUIRE(ran >= expected);
}

}  // namespace dmarc::test

int main(int argc, char* argv[]) {
    const auto dir = dmarc::test::conformanceDir();
    if (!std::filesystem::is_directory(dir)) {
        const char* ci = std::getenv("CI");
        const bool underCi = ci && std::string_view(ci) == "true";
        std::fprintf(stderr,
                     "conformance data not found at %s (set DMARC_CONFORMANCE_DIR): %s\n",
                     dir.string().c_str(), underCi ? "FAILED under CI=true" : "skipped");
        return underCi ? 1 : 77;
    }
    std::printf("conformance data: %s\n", dir.string().c_str());
    return Catch::Session().run(argc, argv);
}
