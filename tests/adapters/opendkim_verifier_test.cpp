// Tests for lib/adapters/opendkim_verifier without a name server: key lookups answered by
// a table (opendkim_raw_message.h). The RFC 8463 Appendix A message (one Ed25519 and one
// RSA-1024 signature) is verified under every DNS outcome and key-record defect, the
// prescreen's cap and ordering are counted, the per-message limits, the streaming API's
// tolerance of misuse, the deadline, the log sink and concurrent messages are checked.
#include <catch2/catch.hpp>

#include <atomic>
#include <fstream>
#include <sstream>
#include <thread>

#include "nsd_server.h"
#include "opendkim_raw_message.h"

using namespace dmarc::adapters;
using dmarc::core::DnsStatus;
using dmarc::testdkim::TxtTable;
using dmarc::testdkim::verifyMessage;

namespace {

constexpr std::string_view edName = "brisbane._domainkey.football.example.com";
constexpr std::string_view rsaName = "test._domainkey.football.example.com";
constexpr std::string_view edKey = "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";
constexpr std::string_view rsaKey =
    "v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDkHlOQoBTzWRiGs5V6NpP3idY6Wk08a5qhdR6wy5bdOKb2jLQiY/"
    "J16JYi0Qvx/byYzCNb3W91y3FutACDfzwQ/BC/e/8uBsCR+yz1Lxj+PL6lHvqMKrM3rG4hstT5QjvHO9PzoxZyVYLzBfO2EeC3Ip3G+"
    "2kryOTIKT+l/K4w3QIDAQAB";
constexpr std::string_view rsaKeyBase64 =
    "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDkHlOQoBTzWRiGs5V6NpP3idY6Wk08a5qhdR6wy5bdOKb2jLQiY/"
    "J16JYi0Qvx/byYzCNb3W91y3FutACDfzwQ/BC/e/8uBsCR+yz1Lxj+PL6lHvqMKrM3rG4hstT5QjvHO9PzoxZyVYLzBfO2EeC3Ip3G+"
    "2kryOTIKT+l/K4w3QIDAQAB";

std::string vector(const std::string& name) {
    const std::string path = dmarc::testdns::testZonesDir() + "/../dkim/messages/" + name + ".eml";
    std::ifstream in(path, std::ios::binary);
    if (!in) FAIL("missing test vector " << path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

const std::string& rfc8463() {
    static const std::string text = vector("rfc8463");
    return text;
}

// The RFC 8463 message's header (both signatures) and its body, split at the blank line.
std::pair<std::string, std::string> rfc8463Parts() {
    const std::size_t blank = rfc8463().find("\r\n\r\n");
    return {rfc8463().substr(0, blank + 2), rfc8463().substr(blank + 2)};
}

void publishRfc8463(TxtTable& table) {
    table.add(std::string(edName), std::string(edKey));
    table.add(std::string(rsaName), std::string(rsaKey));
}

std::unique_ptr<OpendkimVerifier> makeVerifier(DnsLookup& dns, OpendkimOptions options = {}) {
    auto created = OpendkimVerifier::create(dns, std::move(options));
    if (!created) FAIL("verifier not created: " << created.error());
    return std::move(created).value();
}

// "result reason" per signature, for compact assertions.
std::vector<std::string> summary(const std::vector<DkimSignatureResult>& results) {
    std::vector<std::string> out;
    for (const auto& result : results) out.push_back(std::string(describe(result.result)) + " " + result.reason);
    return out;
}

// A DKIM-Signature field that parses and names `selector` at `domain`, but signs nothing real.
std::string junkSignature(const std::string& domain, const std::string& selector) {
    return "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=" + domain + "; s=" + selector +
           "; h=from; bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=; b=YWJj\r\n";
}

}  // namespace

TEST_CASE("opendkim_verifier passes both RFC 8463 Appendix A signatures") {
    TxtTable table;
    publishRfc8463(table);
    const auto verifier = makeVerifier(table);
    const auto results = verifyMessage(*verifier, rfc8463());
    REQUIRE(results.size() == 2);
    CHECK(summary(results) == std::vector<std::string>{"pass verified", "pass verified"});
    CHECK(results[0].algorithm == "ed25519-sha256");
    CHECK(results[0].selector == "brisbane");
    CHECK(results[0].domain == "football.example.com");
    CHECK(results[0].identity == "@football.example.com");
    CHECK(results[0].signaturePrefix == "/gCrinpcQOoIfuHN");
    CHECK(results[0].keyBits == 0);
    CHECK(results[1].algorithm == "rsa-sha256");
    CHECK(results[1].keyBits == 1024);
    CHECK_FALSE(results[1].testing);
    // Both key lookups were started at the end of the header, before either was waited for.
    auto prefetched = table.prefetched();
    std::sort(prefetched.begin(), prefetched.end());
    CHECK(prefetched == std::vector<std::string>{std::string(edName), std::string(rsaName)});
    CHECK(table.lookups() == 2);
}

TEST_CASE("opendkim_verifier reads the body in any chunking and folds with CRLF or bare LF") {
    TxtTable table;
    publishRfc8463(table);
    const auto verifier = makeVerifier(table);
    for (const std::size_t chunk : {std::size_t{1}, std::size_t{2}, std::size_t{7}, std::size_t{64}, std::size_t{100000}}) {
        CAPTURE(chunk);
        CHECK(summary(verifyMessage(*verifier, rfc8463(), chunk)) ==
              std::vector<std::string>{"pass verified", "pass verified"});
    }
    // The same fields with CRLF kept inside folded values (a caller that does not strip CR).
    const auto raw = dmarc::testdkim::splitMessage(rfc8463());
    auto message = verifier->startMessage();
    for (const auto& field : raw.fields) {
        std::string value;
        for (const char c : field.value) value += c == '\n' ? std::string("\r\n") : std::string(1, c);
        message->header(field.name, value);
    }
    message->endOfHeaders("football.example.com");
    message->body(raw.body);
    CHECK(summary(message->endOfMessage()) == std::vector<std::string>{"pass verified", "pass verified"});
}

TEST_CASE("opendkim_verifier maps each DNS outcome of the key lookup") {
    const auto [status, expected] = GENERATE(table<DnsStatus, std::string>({
        {DnsStatus::NxDomain, "permerror key not found (NXDOMAIN)"},
        {DnsStatus::NoData, "permerror key not found (no TXT record)"},
        {DnsStatus::ServFail, "temperror key lookup SERVFAIL"},
        {DnsStatus::Timeout, "temperror key lookup timed out"},
        {DnsStatus::Malformed, "temperror key lookup: malformed DNS reply"},
    }));
    TxtTable table;
    publishRfc8463(table);
    table.fail(std::string(rsaName), status);
    const auto verifier = makeVerifier(table);
    CAPTURE(expected);
    CHECK(summary(verifyMessage(*verifier, rfc8463())) == std::vector<std::string>{"pass verified", expected});
}

TEST_CASE("opendkim_verifier reports each key record defect") {
    const std::string p = "p=" + std::string(rsaKeyBase64);
    const auto [records, expected] = GENERATE_REF(table<std::vector<std::string>, std::string>({
        {{"v=DKIM1; k=rsa; " + p, "v=DKIM1; k=rsa; " + p}, "permerror several TXT records at the key name"},
        {{"v=DKIM1; k=rsa; p="}, "permerror key revoked (empty p=)"},
        {{"v=DKIM2; k=rsa; " + p}, "permerror key v= is not DKIM1"},
        {{"v=DKIM1; k=dsa; " + p}, "permerror key k= unknown"},
        {{"v=DKIM1; k=rsa; h=sha1; " + p}, "permerror key h= does not allow the signature's hash"},
        {{"v=DKIM1; k=rsa; h=md5; " + p}, "permerror key h= names no known hash"},
        {{"v=DKIM1; k=rsa; s=chat; " + p}, "permerror key s= does not allow email"},
        {{"v=DKIM1; k=rsa; p=bm90IGEga2V5"}, "permerror key p= could not be decoded"},
        {{"v=DKIM1; k=ed25519; " + p}, "permerror key k= does not match a="},
        {{"v=DKIM1; k=RSA; " + p}, "pass verified"},
        {{"v=DKIM1; k=rsa; " + p + "; bogus"}, "permerror key record syntax error"},
        {{""}, "permerror key record syntax error"},
        {{"\"\""}, "permerror key record syntax error"},
        {{"v=DKIM1; k=rsa; n=" + std::string(9000, 'x') + "; " + p}, "permerror key record too large"},
        {{"v=DKIM1; k=rsa; t=y; " + p}, "pass verified"},
        {{"v=DKIM1; k=rsa; t=s; " + p}, "pass verified"},  // i=@football.example.com is d= itself
        {{"v=DKIM1; " + p}, "pass verified"},                 // k= defaults to rsa
    }));
    TxtTable table;
    table.add(std::string(edName), std::string(edKey));
    for (const std::string& record : records) table.add(std::string(rsaName), record);
    const auto verifier = makeVerifier(table);
    CAPTURE(records.front().substr(0, 60));
    const auto results = verifyMessage(*verifier, rfc8463());
    REQUIRE(results.size() == 2);
    CHECK(summary(results)[0] == "pass verified");
    CHECK(summary(results)[1] == expected);
}

TEST_CASE("opendkim_verifier reports a t=y key as testing") {
    TxtTable table;
    table.add(std::string(edName), std::string(edKey) + "; t=y");
    table.add(std::string(rsaName), std::string(rsaKey));
    const auto verifier = makeVerifier(table);
    const auto results = verifyMessage(*verifier, rfc8463());
    REQUIRE(results.size() == 2);
    CHECK(results[0].result == DkimResult::Pass);
    CHECK(results[0].testing);
    CHECK_FALSE(results[1].testing);
}

TEST_CASE("opendkim_verifier fails a changed header or body, and reports which") {
    TxtTable table;
    publishRfc8463(table);
    const auto verifier = makeVerifier(table);
    std::string header = rfc8463();
    header.replace(header.find("Is dinner ready?"), 16, "Is dinner late??");
    CHECK(summary(verifyMessage(*verifier, header)) ==
          std::vector<std::string>{"fail signature did not verify", "fail signature did not verify"});
    std::string body = rfc8463();
    body.replace(body.find("hungry"), 6, "thirst");
    CHECK(summary(verifyMessage(*verifier, body)) ==
          std::vector<std::string>{"fail body hash mismatch", "fail body hash mismatch"});
    std::string signature = rfc8463();
    signature.replace(signature.find("b=F45dVW"), 8, "b=F45dVX");
    CHECK(summary(verifyMessage(*verifier, signature)) ==
          std::vector<std::string>{"pass verified", "fail signature did not verify"});
}

TEST_CASE("opendkim_verifier gives an unsigned or DomainKeys-only message no result") {
    TxtTable table;
    const auto verifier = makeVerifier(table);
    const auto [header, body] = rfc8463Parts();
    const std::string unsignedMessage = header.substr(header.find("From:")) + body;
    CHECK(verifyMessage(*verifier, unsignedMessage).empty());
    const std::string domainKeys =
        "DomainKey-Signature: a=rsa-sha1; q=dns; c=nofws; s=beta; d=football.example.com; h=from; b=YWJj\r\n" +
        unsignedMessage;
    CHECK(verifyMessage(*verifier, domainKeys).empty());
    CHECK(verifyMessage(*verifier, "").empty());
    CHECK(table.lookups() == 0);
}

TEST_CASE("opendkim_verifier refuses malformed and pre-RFC signatures without a lookup") {
    TxtTable table;
    publishRfc8463(table);
    const auto verifier = makeVerifier(table);
    const auto [header, body] = rfc8463Parts();
    const std::string fields =
        "DKIM-Signature: synerr\r\n"
        "DKIM-Signature: v=1; v=1; a=rsa-sha256; d=football.example.com; s=test; h=from; bh=YQ==; b=YQ==\r\n"
        "DKIM-Signature: a=rsa-sha256; d=football.example.com; s=test; h=from; bh=YQ==; b=YQ==\r\n"
        "DKIM-Signature: v=0.5; a=rsa-sha1; d=football.example.com; s=test; h=from; bh=YQ==; b=YQ==\r\n"
        "DKIM-Signature: v=1; a=rsa-sha256; d=football.example.com; s=test; h=from; bh=YQ==; b=YQ==; t=soon\r\n"
        "DKIM-Signature: v=1; a=rsa-md5; d=football.example.com; s=test; h=from; bh=YQ==; b=YQ==\r\n"
        "DKIM-Signature: v=1; a=rsa-sha256; c=future; d=football.example.com; s=test; h=from; bh=YQ==; b=YQ==\r\n"
        "DKIM-Signature: v=1; a=rsa-sha256; q=http; d=football.example.com; s=test; h=from; bh=YQ==; b=YQ==\r\n"
        "DKIM-Signature: v=1; a=rsa-sha256; d=football.example.com; s=test; h=to; bh=YQ==; b=YQ==\r\n"
        "DKIM-Signature: v=1; a=rsa-sha256; d=football.example.com; i=joe@example.net; s=test; h=from; bh=YQ==; "
        "b=YQ==\r\n"
        "DKIM-Signature: v=1; a=rsa-sha256; d=football.example.com; s=test; h=from; bh=YQ==; b=YQ==; x=1\r\n"
        "DKIM-Signature: v=1; a=rsa-sha256; d=football.example.com; s=test; h=from; bh=YQ==; b=YQ==; l=999999\r\n";
    const auto results = verifyMessage(*verifier, fields + header + body);
    CHECK(summary(results) == std::vector<std::string>{
                                  "permerror syntax error in tag synerr",
                                  "permerror duplicate tag v",
                                  "permerror v= tag missing (pre-RFC 6376 signature)",
                                  "permerror unsupported version v=0.5",
                                  "permerror syntax error in tag t",
                                  "permerror unknown algorithm a=",
                                  "permerror unknown canonicalization c=",
                                  "permerror unsupported query method q=",
                                  "permerror h= does not include From",
                                  "permerror i= is not within d=",
                                  "permerror signature expired (x=)",
                                  "permerror l= is longer than the body",
                                  "pass verified",
                                  "pass verified",
                              });
    CHECK(table.lookups() == 2);  // only the two real signatures fetched a key
}

TEST_CASE("opendkim_verifier accepts an RSA key of exactly 1024 bits (RFC 8301 minimum)") {
    TxtTable table;
    publishRfc8463(table);
    const auto verifier = makeVerifier(table);
    const auto results = verifyMessage(*verifier, rfc8463());
    REQUIRE(results.size() == 2);
    CHECK(results[1].keyBits == 1024);
    CHECK(results[1].result == DkimResult::Pass);
}

TEST_CASE("opendkim_verifier checks at most maxSignatures, author-aligned ones first") {
    TxtTable table;
    publishRfc8463(table);
    OpendkimOptions options;
    options.maxSignatures = 3;
    const auto verifier = makeVerifier(table, options);
    std::string junk;
    for (int i = 0; i < 40; ++i) junk += junkSignature("junk" + std::to_string(i) + ".example", "s" + std::to_string(i));
    junk += junkSignature("mail.football.example.com", "child");  // below the author domain: aligned
    const auto results = verifyMessage(*verifier, junk + rfc8463());
    REQUIRE(results.size() == 43);
    // Checked: the two real signatures and the aligned child (all aligned, found last).
    CHECK(results[40].reason == "key not found (NXDOMAIN)");
    CHECK(results[41].result == DkimResult::Pass);
    CHECK(results[42].result == DkimResult::Pass);
    for (int i = 0; i < 40; ++i) {
        CAPTURE(i);
        CHECK(summary({results[i]})[0] == "neutral not checked: over the limit of 3 signatures");
    }
    CHECK(table.lookups() == 3);
    CHECK(table.prefetched().size() == 3);
}

TEST_CASE("opendkim_verifier ranks rsa-sha1 after other signatures of the same alignment") {
    TxtTable table;
    publishRfc8463(table);
    OpendkimOptions options;
    options.maxSignatures = 2;
    const auto verifier = makeVerifier(table, options);
    std::string sha1 = junkSignature("football.example.com", "old");
    sha1.replace(sha1.find("rsa-sha256"), 10, "rsa-sha1");
    const auto results = verifyMessage(*verifier, sha1 + rfc8463());
    CHECK(summary(results) == std::vector<std::string>{"neutral not checked: over the limit of 2 signatures",
                                                       "pass verified", "pass verified"});
}

TEST_CASE("opendkim_verifier without an author domain keeps header order") {
    TxtTable table;
    publishRfc8463(table);
    OpendkimOptions options;
    options.maxSignatures = 1;
    const auto verifier = makeVerifier(table, options);
    const auto raw = dmarc::testdkim::splitMessage(rfc8463());
    auto message = verifier->startMessage();
    for (const auto& field : raw.fields) message->header(field.name, field.value);
    message->endOfHeaders();
    message->body(raw.body);
    CHECK(summary(message->endOfMessage()) ==
          std::vector<std::string>{"pass verified", "neutral not checked: over the limit of 1 signatures"});
}

TEST_CASE("opendkim_verifier reports at most 50 DKIM-Signature fields") {
    TxtTable table;
    publishRfc8463(table);
    std::vector<std::string> lines;
    OpendkimOptions options;
    options.log = [&lines](std::string_view line) { lines.emplace_back(line); };
    const auto verifier = makeVerifier(table, options);
    std::string junk;
    for (int i = 0; i < 60; ++i) junk += junkSignature("junk.example", "s" + std::to_string(i));
    const auto results = verifyMessage(*verifier, junk + rfc8463());
    CHECK(results.size() == 50);
    CHECK(table.lookups() == 8);  // the default cap, all junk: the real ones were beyond 50
    CHECK(std::find(lines.begin(), lines.end(), "dkim test: 12 DKIM-Signature fields beyond 50 ignored") !=
          lines.end());
}

TEST_CASE("opendkim_verifier leaves a message over its header limits unchecked") {
    TxtTable table;
    publishRfc8463(table);
    const auto verifier = makeVerifier(table);
    const auto [header, body] = rfc8463Parts();
    std::string many;
    for (int i = 0; i < 1000; ++i) many += "X-Filler: " + std::to_string(i) + "\r\n";
    CHECK(summary(verifyMessage(*verifier, header + many + body)) ==
          std::vector<std::string>{"neutral not checked: more than 1000 header fields",
                                   "neutral not checked: more than 1000 header fields"});
    const std::string big = "X-Big: " + std::string(1024 * 1024, 'x') + "\r\n";
    CHECK(summary(verifyMessage(*verifier, header + big + body)) ==
          std::vector<std::string>{"neutral not checked: header over 1024 KiB",
                                   "neutral not checked: header over 1024 KiB"});
    CHECK(table.lookups() == 0);
    const std::string fewer = many.substr(many.find("X-Filler: 2\r\n"));  // 998 + 7 fields: still over
    CHECK(verifyMessage(*verifier, header + fewer + body).front().result == DkimResult::Neutral);
    const std::string fits = many.substr(many.find("X-Filler: 7\r\n"));  // 993 + 7 = 1000 fields
    CHECK(summary(verifyMessage(*verifier, header + fits + body)) ==
          std::vector<std::string>{"pass verified", "pass verified"});
}

TEST_CASE("opendkim_verifier tolerates calls out of order") {
    TxtTable table;
    publishRfc8463(table);
    const auto verifier = makeVerifier(table);
    const auto raw = dmarc::testdkim::splitMessage(rfc8463());
    SECTION("body without endOfHeaders") {
        auto message = verifier->startMessage();
        for (const auto& field : raw.fields) message->header(field.name, field.value);
        message->body(raw.body);
        message->header("X-Late", " ignored");
        CHECK(summary(message->endOfMessage()) == std::vector<std::string>{"pass verified", "pass verified"});
        CHECK(summary(message->endOfMessage()) == std::vector<std::string>{"pass verified", "pass verified"});
        message->body("more");
        message->endOfHeaders();
        CHECK(message->endOfMessage().size() == 2);
    }
    SECTION("endOfMessage without endOfHeaders or body") {
        auto message = verifier->startMessage();
        for (const auto& field : raw.fields) message->header(field.name, field.value);
        CHECK(summary(message->endOfMessage()) ==
              std::vector<std::string>{"fail body hash mismatch", "fail body hash mismatch"});
    }
    SECTION("a message dropped half-way") {
        auto message = verifier->startMessage();
        for (const auto& field : raw.fields) message->header(field.name, field.value);
        message->endOfHeaders();
        message->body(raw.body.substr(0, 10));
    }
    SECTION("header fields libopendkim refuses") {
        auto message = verifier->startMessage();
        message->header("", " empty name");
        message->header("Bad\x01Name", " value");
        message->header("Sub;ject", " value");
        for (const auto& field : raw.fields) message->header(field.name, field.value);
        message->body(raw.body);
        CHECK(summary(message->endOfMessage()) == std::vector<std::string>{"pass verified", "pass verified"});
    }
}

TEST_CASE("opendkim_verifier lets a message outlive its verifier") {
    TxtTable table;
    publishRfc8463(table);
    auto verifier = makeVerifier(table);
    auto message = verifier->startMessage();
    verifier.reset();
    const auto raw = dmarc::testdkim::splitMessage(rfc8463());
    for (const auto& field : raw.fields) message->header(field.name, field.value);
    message->body(raw.body);
    CHECK(summary(message->endOfMessage()) == std::vector<std::string>{"pass verified", "pass verified"});
}

namespace {

// Answers only once the caller's deadline has passed (a server that never answers).
class SilentDns final : public DnsLookup {
public:
    DnsReply lookup(std::string_view, RrType, Deadline deadline) override {
        std::this_thread::sleep_until(std::min(deadline, std::chrono::steady_clock::now() + std::chrono::seconds(30)));
        return DnsReply{};  // Timeout
    }
};

}  // namespace

TEST_CASE("opendkim_verifier bounds all key lookups of a message by one deadline") {
    SilentDns silent;
    OpendkimOptions options;
    options.keyLookupTimeout = std::chrono::milliseconds(300);
    const auto verifier = makeVerifier(silent, options);
    const auto started = std::chrono::steady_clock::now();
    const auto results = verifyMessage(*verifier, rfc8463());
    const auto took = std::chrono::steady_clock::now() - started;
    CHECK(summary(results) == std::vector<std::string>{"temperror key lookup timed out", "temperror key lookup timed out"});
    CHECK(took >= std::chrono::milliseconds(300));
    CHECK(took < std::chrono::milliseconds(300 + 250));  // both lookups share the one deadline
}

TEST_CASE("opendkim_verifier routes libopendkim's diagnostics to the log sink") {
    TxtTable table;
    table.add(std::string(edName), std::string(edKey));
    table.add(std::string(rsaName), "v=DKIM1; k=rsa; p=bm90IGEga2V5");
    std::vector<std::string> lines;
    OpendkimOptions options;
    options.log = [&lines](std::string_view line) { lines.emplace_back(line); };
    const auto verifier = makeVerifier(table, options);
    const auto results = verifyMessage(*verifier, rfc8463());
    REQUIRE(results.size() == 2);
    CHECK(results[1].reason == "key p= could not be decoded");
    REQUIRE_FALSE(lines.empty());
    for (const auto& line : lines) CHECK(line.rfind("dkim test: ", 0) == 0);
    OpendkimOptions throwing;
    throwing.log = [](std::string_view) { throw std::runtime_error("sink down"); };
    const auto quiet = makeVerifier(table, throwing);
    CHECK(verifyMessage(*quiet, rfc8463()).size() == 2);
}

TEST_CASE("opendkim_verifier verifies concurrent messages on one verifier") {
    TxtTable table;
    publishRfc8463(table);
    const auto verifier = makeVerifier(table);
    std::atomic<int> passes{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t) {
        threads.emplace_back([&] {
            for (int i = 0; i < 25; ++i) {
                for (const auto& result : verifyMessage(*verifier, rfc8463(), 97)) {
                    if (result.result == DkimResult::Pass) ++passes;
                }
            }
        });
    }
    for (auto& thread : threads) thread.join();
    CHECK(passes == 8 * 25 * 2);
}

TEST_CASE("opendkim_verifier refuses invalid options") {
    TxtTable table;
    for (const std::size_t bad : {std::size_t{0}, std::size_t{65}}) {
        OpendkimOptions options;
        options.maxSignatures = bad;
        const auto created = OpendkimVerifier::create(table, options);
        REQUIRE_FALSE(created);
        CHECK(created.error() == "maxSignatures must be 1 to 64");
    }
    OpendkimOptions options;
    options.keyLookupTimeout = std::chrono::milliseconds(0);
    const auto created = OpendkimVerifier::create(table, options);
    REQUIRE_FALSE(created);
    CHECK(created.error() == "keyLookupTimeout must be positive");
    options.maxSignatures = 64;
    options.keyLookupTimeout = std::chrono::milliseconds(1);
    CHECK(OpendkimVerifier::create(table, options));
}

TEST_CASE("opendkim_verifier describes every result word") {
    CHECK(describe(DkimResult::Pass) == "pass");
    CHECK(describe(DkimResult::Fail) == "fail");
    CHECK(describe(DkimResult::Neutral) == "neutral");
    CHECK(describe(DkimResult::Policy) == "policy");
    CHECK(describe(DkimResult::TempError) == "temperror");
    CHECK(describe(DkimResult::PermError) == "permerror");
}
