// Conformance: the Mail::DKIM corpus (mail-dkim/corpus, 79 messages) through the project's
// DKIM path: tests/dns/responder.py serves mail-dkim/FAKE_DNS.dat on 127.0.0.1 (NSD cannot
// time out or SERVFAIL on purpose) inside a loopback-only network namespace, CaresResolver
// asks it, OpendkimVerifier verifies. Each message is checked against expected.json's
// `expected_rfc8301_reading` (a strict RFC 6376 + RFC 8301 reading of the upstream
// expectations):
//   "pass"       some signature passes;
//   "fail"       none passes, some fails;
//   "invalid"    none passes or fails: every signature is permerror/temperror/neutral/policy;
//   "none (...)" no DKIM signature at all (DomainKeys is not DKIM);
//   "not pass: <causes>"  signed, none passes, and some signature's reason is one of the
//                listed causes (RSA key < 1024 bits, rsa-sha1, v= missing or not "1").
// Messages where we answer otherwise are in kDifferences with our answer, so any change of
// behaviour fails here; the reasons are in docs/dkim-conformance.md.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "../adapters/opendkim_raw_message.h"
#include "adapters/cares_resolver.h"
#include "adapters/opendkim_verifier.h"
#include "scripted_responder.h"
#include "support/conformance.h"

using namespace dmarc::adapters;

namespace {

constexpr std::size_t kCorpusMessages = 79;

// Messages whose overall answer differs from the reading: our overall word and the reason
// of the signature that decides it. Why: docs/dkim-conformance.md.
struct Difference {
    std::string_view file;
    std::string_view ours;
    std::string_view reason;
};
constexpr std::array kDifferences{
    Difference{"corpus/bad_ietf01_1.txt", "permerror", "v= tag missing (pre-RFC 6376 signature)"},
    Difference{"corpus/bad_ietf01_2.txt", "permerror", "v= tag missing (pre-RFC 6376 signature)"},
    Difference{"corpus/bad_ietf01_3.txt", "permerror", "v= tag missing (pre-RFC 6376 signature)"},
    Difference{"corpus/bad_1.txt", "permerror", "v= tag missing (pre-RFC 6376 signature)"},
};

struct Case {
    std::string file;
    std::string reading;
};

std::vector<Case> loadCases() {
    const auto json = nlohmann::json::parse(dmarc::test::readFile(dmarc::test::conformanceFile("mail-dkim/expected.json")));
    std::vector<Case> cases;
    for (const auto& entry : json.at("cases")) {
        cases.push_back({entry.at("file").get<std::string>(), entry.at("expected_rfc8301_reading").get<std::string>()});
    }
    return cases;
}

// FAKE_DNS.dat ("<name> <TXT value>", NXDOMAIN, ~~Query timed out~~, ~~SERVFAIL~~) as a
// responder.py script: names absent from it are NXDOMAIN there too.
std::string responderScript(const std::string& fakeDns) {
    YAML::Node zonedata(YAML::NodeType::Map);
    YAML::Node faults(YAML::NodeType::Map);
    std::istringstream lines(fakeDns);
    std::string line;
    while (std::getline(lines, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty() || line.front() == '#') continue;
        const std::size_t space = line.find_first_of(" \t");
        if (space == std::string::npos) continue;
        const std::string name = line.substr(0, space);
        const std::size_t start = line.find_first_not_of(" \t", space);
        std::string value = start == std::string::npos ? std::string() : line.substr(start);
        if (value == "NXDOMAIN") continue;
        if (value == "~~Query timed out~~") {
            faults[name] = "drop";
        } else if (value == "~~SERVFAIL~~") {
            faults[name] = "servfail";
        } else {
            if (value == "\"\"") value.clear();  // an empty character-string
            YAML::Node record;
            record["TXT"] = value;
            zonedata[name].push_back(record);
        }
    }
    YAML::Node script;
    script["ttl"] = 300;
    script["soa_minimum"] = 60;
    script["zonedata"] = zonedata;
    script["faults"] = faults;
    YAML::Emitter out;
    out << script;
    return out.c_str();
}

std::string overall(const std::vector<DkimSignatureResult>& results) {
    if (results.empty()) return "none";
    for (const DkimResult wanted : {DkimResult::Pass, DkimResult::Fail}) {
        for (const auto& result : results) {
            if (result.result == wanted) return std::string(describe(wanted));
        }
    }
    return std::string(describe(results.front().result));
}

// A reason of ours that is one of the causes a "not pass:" reading lists.
bool showsCause(const std::string& reading, const std::string& reason) {
    const bool smallKey = reason.starts_with("RSA key ") && reason.ends_with(" < 1024 (RFC 8301)");
    const bool sha1 = reason == "rsa-sha1 not accepted (RFC 8301)";
    const bool version = reason.starts_with("v= tag missing") || reason.starts_with("unsupported version v=");
    return (smallKey && reading.find("key <1024 bits") != std::string::npos) ||
           (sha1 && reading.find("rsa-sha1") != std::string::npos) ||
           (version && reading.find("v= missing or not \"1\"") != std::string::npos);
}

bool matchesReading(const std::string& reading, const std::vector<DkimSignatureResult>& results) {
    const std::string word = overall(results);
    if (reading == "pass" || reading == "fail") return word == reading;
    if (reading == "invalid") return !results.empty() && word != "pass" && word != "fail";
    if (reading.starts_with("none")) return results.empty();
    if (reading.starts_with("not pass:")) {
        if (results.empty() || word == "pass") return false;
        return std::any_of(results.begin(), results.end(),
                           [&](const DkimSignatureResult& result) { return showsCause(reading, result.reason); });
    }
    FAIL("unknown reading: " << reading);
    return false;
}

std::string described(const std::vector<DkimSignatureResult>& results) {
    std::string text;
    for (const auto& result : results) {
        text += "\n  " + std::string(describe(result.result)) + " (" + result.reason + ") d=" + result.domain +
                " s=" + result.selector + " a=" + result.algorithm + " bits=" + std::to_string(result.keyBits);
    }
    return text.empty() ? "\n  (no signature)" : text;
}

}  // namespace

TEST_CASE("mail-dkim corpus through responder.py, CaresResolver and libopendkim") {
    const auto dir = dmarc::test::conformanceDir() / "mail-dkim";
    const auto scriptPath = std::filesystem::temp_directory_path() /
                            ("dmarc-mail-dkim-" + std::to_string(::getpid()) + ".yaml");
    {
        std::ofstream script(scriptPath);
        script << responderScript(dmarc::test::readFile(dmarc::test::conformanceFile("mail-dkim/FAKE_DNS.dat")));
    }
    auto responder = dmarc::testdns::ScriptedResponder::startScript(scriptPath.string());
    std::filesystem::remove(scriptPath);
    REQUIRE(responder.ok());

    ResolverOptions resolverOptions;
    resolverOptions.nameServers = {responder.value()->endpoint().hostPort()};
    resolverOptions.timeout = std::chrono::milliseconds(300);
    resolverOptions.tries = 1;
    auto resolver = CaresResolver::create(resolverOptions);
    REQUIRE(resolver.ok());
    OpendkimOptions options;
    options.keyLookupTimeout = std::chrono::milliseconds(2000);
    auto verifier = OpendkimVerifier::create(*resolver.value(), options);
    REQUIRE(verifier.ok());

    std::size_t ran = 0;
    std::size_t matched = 0;
    for (const Case& entry : loadCases()) {
        const auto results = dmarc::testdkim::verifyMessage(*verifier.value(), dmarc::test::readFile(dir / entry.file));
        ++ran;
        INFO(entry.file << ": reading \"" << entry.reading << "\", ours " << overall(results) << described(results));
        const auto difference = std::find_if(kDifferences.begin(), kDifferences.end(),
                                             [&](const Difference& d) { return d.file == entry.file; });
        if (difference == kDifferences.end()) {
            CHECK(matchesReading(entry.reading, results));
            if (matchesReading(entry.reading, results)) ++matched;
        } else {
            CHECK_FALSE(matchesReading(entry.reading, results));
            CHECK(overall(results) == difference->ours);
            CHECK(std::any_of(results.begin(), results.end(),
                              [&](const DkimSignatureResult& r) { return r.reason == difference->reason; }));
        }
    }
    std::printf("conformance: mail-dkim: %zu of %zu messages match the RFC 8301 reading, %zu known differences\n",
                matched, ran, kDifferences.size());
    dmarc::test::reportCases("mail-dkim/expected.json", "messages", ran, kCorpusMessages);
    CHECK(matched + kDifferences.size() == ran);
}
