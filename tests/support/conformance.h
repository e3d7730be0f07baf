// Shared helpers for conformance tests: where the public data lives, reading its files,
// and counting cases per file so a shortfall shows in the log and fails the test.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>

namespace dmarc::test {

// $DMARC_CONFORMANCE_DIR, else the build's default (../shared/conformance beside the repo).
std::filesystem::path conformanceDir();

// conformanceDir() / relative; fails the current test (REQUIRE) if the file is missing.
std::filesystem::path conformanceFile(const std::string& relative);

std::string readFile(const std::filesystem::path& path);

// Prints "conformance: <file> [<what>]: <ran> cases run" and REQUIREs ran >= expected,
// so that a file losing cases, or a loader skipping them, fails loudly.
void reportCases(const std::string& file, const std::string& what, std::size_t ran,
                 std::size_t expected);

}  // namespace dmarc::test
