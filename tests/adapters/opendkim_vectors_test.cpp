// Signed test vectors (tests/data/dkim/messages, made by tests/dkim/make_vectors.py) verified
// through the real path: a real NSD serving tests/data/dkim/zones on loopback, CaresResolver
// asking it, OpendkimVerifier. Each vector asserts the exact result and reason of every
// signature, in header order.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>
#include <thread>

#include "opendkim_raw_message.h"
#include "resolver_fixture.h"

using namespace dmarc::adapters;
using dmarc::testdns::NsdOptions;
using dmarc::testdns::NsdServer;

namespace {

std::string vectorsDir() { return dmarc::testdns::testZonesDir() + "/../dkim"; }

const NsdServer& vectorNsd() {
    static const auto started = NsdServer::start(NsdOptions{vectorsDir() + "/zones"});
    if (!started) FAIL("NSD did not start: " << started.error());
    return *started.value();
}

std::string readVector(const std::string& name) {
    const std::string path = vectorsDir() + "/messages/" + name + ".eml";
    std::ifstream in(path, std::ios::binary);
    if (!in) FAIL("missing test vector " << path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

struct Expected {
    DkimResult result;
    std::string reason;
    std::string selector;
    std::string algorithm;
    unsigned keyBits;
};

struct Vector {
    std::string name;
    std::string domain;  // d= of every signature
    std::vector<Expected> signatures;
};

const std::vector<Vector>& vectors() {
    using R = DkimResult;
    static const std::vector<Vector> table{
        {"rsa2048_simple", "dkim.test", {{R::Pass, "verified", "rsa2048", "rsa-sha256", 2048}}},
        {"rsa4096_relaxed", "dkim.test", {{R::Pass, "verified", "rsa4096", "rsa-sha256", 4096}}},
        {"ed25519", "dkim.test", {{R::Pass, "verified", "ed25519", "ed25519-sha256", 0}}},
        {"length_limit", "dkim.test", {{R::Pass, "verified", "rsa2048", "rsa-sha256", 2048}}},
        {"body_modified", "dkim.test", {{R::Fail, "body hash mismatch", "rsa2048", "rsa-sha256", 2048}}},
        {"header_modified", "dkim.test", {{R::Fail, "signature did not verify", "rsa2048", "rsa-sha256", 2048}}},
        {"multiple",
         "dkim.test",
         {{R::Pass, "verified", "rsa2048", "rsa-sha256", 2048},
          {R::Fail, "signature did not verify", "other2048", "rsa-sha256", 2048},
          {R::Policy, "rsa-sha1 not accepted (RFC 8301)", "rsa2048", "rsa-sha1", 2048},
          {R::Policy, "RSA key 512 bits < 1024 (RFC 8301)", "rsa512", "rsa-sha256", 512}}},
        {"cname_served", "dkim.test", {{R::Pass, "verified", "cnamed", "rsa-sha256", 2048}}},
        // The CNAME's target name does not exist: no key (RFC 6376 §6.1.2 step 2).
        {"cname_nxdomain", "dkim.test",
         {{R::PermError, "key not found (NXDOMAIN)", "cname-nxdomain", "rsa-sha256", 0}}},
        // The target's zone is served by nobody reachable (refused): try later (§6.1.2 step 2).
        {"cname_unserved", "dkim.test",
         {{R::TempError, "key lookup SERVFAIL", "cname-unserved", "rsa-sha256", 0}}},
        {"key_nodata", "dkim.test", {{R::PermError, "key not found (no TXT record)", "notxt", "rsa-sha256", 0}}},
        {"key_nxdomain", "dkim.test", {{R::PermError, "key not found (NXDOMAIN)", "absent", "rsa-sha256", 0}}},
        {"key_revoked", "dkim.test", {{R::PermError, "key revoked (empty p=)", "revoked", "rsa-sha256", 0}}},
        {"key_testing", "dkim.test", {{R::Pass, "verified", "testing", "rsa-sha256", 2048}}},
        {"key_hash_sha1_only", "dkim.test",
         {{R::PermError, "key h= does not allow the signature's hash", "sha1only", "rsa-sha256", 0}}},
        {"unsigned", "dkim.test", {}},
        {"rfc8463",
         "football.example.com",
         {{R::Pass, "verified", "brisbane", "ed25519-sha256", 0}, {R::Pass, "verified", "test", "rsa-sha256", 1024}}},
    };
    return table;
}

void checkVector(const OpendkimVerifier& verifier, const Vector& vector, std::size_t chunk) {
    CAPTURE(vector.name, chunk);
    const auto results = dmarc::testdkim::verifyMessage(verifier, readVector(vector.name), chunk);
    REQUIRE(results.size() == vector.signatures.size());
    for (std::size_t i = 0; i < results.size(); ++i) {
        CAPTURE(i);
        const Expected& expected = vector.signatures[i];
        CHECK(describe(results[i].result) == describe(expected.result));
        CHECK(results[i].reason == expected.reason);
        CHECK(results[i].domain == vector.domain);
        CHECK(results[i].selector == expected.selector);
        CHECK(results[i].algorithm == expected.algorithm);
        CHECK(results[i].keyBits == expected.keyBits);
        CHECK(results[i].testing == (vector.name == "key_testing"));
        CHECK(results[i].signaturePrefix.size() == 16);
    }
}

}  // namespace

TEST_CASE("opendkim_vectors verify as expected through NSD and the c-ares resolver") {
    const auto resolver = dmarc::testwire::makeResolver(vectorNsd().endpoint().hostPort());
    const auto verifier = OpendkimVerifier::create(*resolver);
    REQUIRE(verifier);
    for (const Vector& vector : vectors()) checkVector(*verifier.value(), vector, 4096);
    // Again, from the resolver's cache and with the body in small pieces.
    for (const Vector& vector : vectors()) checkVector(*verifier.value(), vector, 3);
}

TEST_CASE("opendkim_vectors verify concurrently on one verifier and one resolver") {
    const auto resolver = dmarc::testwire::makeResolver(vectorNsd().endpoint().hostPort());
    const auto verifier = OpendkimVerifier::create(*resolver);
    REQUIRE(verifier);
    std::vector<std::thread> threads;
    std::vector<std::vector<std::string>> failures(6);
    for (std::size_t t = 0; t < failures.size(); ++t) {
        threads.emplace_back([&, t] {
            for (int round = 0; round < 3; ++round) {
                for (const Vector& vector : vectors()) {
                    const auto results = dmarc::testdkim::verifyMessage(*verifier.value(), readVector(vector.name), 512);
                    bool same = results.size() == vector.signatures.size();
                    for (std::size_t i = 0; same && i < results.size(); ++i) {
                        same = results[i].result == vector.signatures[i].result &&
                               results[i].reason == vector.signatures[i].reason;
                    }
                    if (!same) failures[t].push_back(vector.name);
                }
            }
        });
    }
    for (auto& thread : threads) thread.join();
    for (const auto& failed : failures) CHECK(failed.empty());
}
