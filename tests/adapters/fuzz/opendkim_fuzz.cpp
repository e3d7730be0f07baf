// Fuzz target for lib/adapters/opendkim_verifier (and through it dkim_signature_tags,
// dkim_key_reply and libopendkim's header, tag-list, key-record and canonicalization code):
// any bytes as a message, verified against a table serving the RFC 8463 keys. An optional
// first line "K:<text>" replaces the RSA key record, so key records are fuzzed too.
// Must never crash or hang; invariants checked: at most 50 results, every result has a
// reason, a pass is only ed25519-sha256 or rsa-sha256 with a key of 1024 bits or more, and
// the rebuilt key reply reads back as the record it was built from.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "../opendkim_raw_message.h"
#include "adapters/dkim_key_reply.h"
#include "adapters/dns_message.h"

namespace {

using namespace dmarc::adapters;

constexpr std::string_view edName = "brisbane._domainkey.football.example.com";
constexpr std::string_view rsaName = "test._domainkey.football.example.com";
constexpr std::string_view edKey = "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";
constexpr std::string_view rsaKey =
    "v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDkHlOQoBTzWRiGs5V6NpP3idY6Wk08a5qhdR6wy5bdOKb2jLQiY/"
    "J16JYi0Qvx/byYzCNb3W91y3FutACDfzwQ/BC/e/8uBsCR+yz1Lxj+PL6lHvqMKrM3rG4hstT5QjvHO9PzoxZyVYLzBfO2EeC3Ip3G+"
    "2kryOTIKT+l/K4w3QIDAQAB";

void checkReply(std::string_view record) {
    DnsReply reply;
    reply.status = dmarc::core::DnsStatus::Ok;
    reply.txt = {std::string(record)};
    std::uint8_t buffer[8192];
    const std::size_t size = writeKeyReply(rsaName, reply, buffer, sizeof buffer);
    if (size == 0) return;  // too large for the buffer: refused, never cut
    const auto message = dns::parseMessage(std::span(buffer, size));
    if (!message || message->answers.size() != 1) __builtin_trap();
    const auto* txt = std::get_if<dns::TxtData>(&message->answers.front().data);
    if (txt == nullptr || txt->text != record) __builtin_trap();
}

// The RFC 8463 keys, the RSA one replaceable by the input. One verifier for all inputs
// (libFuzzer runs them one at a time).
class FuzzDns final : public DnsLookup {
public:
    DnsReply lookup(std::string_view name, RrType, Deadline) override {
        DnsReply reply;
        reply.status = dmarc::core::DnsStatus::Ok;
        if (name == edName) {
            reply.txt = {std::string(edKey)};
        } else if (name == rsaName) {
            reply.txt = {rsaRecord};
        } else {
            reply.status = dmarc::core::DnsStatus::NxDomain;
        }
        return reply;
    }
    std::string rsaRecord;
};

FuzzDns& fuzzDns() {
    static FuzzDns dns;
    return dns;
}

const OpendkimVerifier& verifier() {
    static const auto created = [] {
        OpendkimOptions options;
        options.maxSignatures = 4;
        auto made = OpendkimVerifier::create(fuzzDns(), options);
        if (!made) __builtin_trap();
        return std::move(made).value();
    }();
    return *created;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);
    std::string key(rsaKey);
    if (input.starts_with("K:")) {
        const std::size_t end = input.find('\n');
        key = std::string(input.substr(2, end == std::string_view::npos ? end : end - 2));
        input.remove_prefix(end == std::string_view::npos ? input.size() : end + 1);
    }
    checkReply(key);
    fuzzDns().rsaRecord = std::move(key);
    static constexpr std::size_t chunks[] = {1, 7, 4096};
    const auto results = dmarc::testdkim::verifyMessage(verifier(), input, chunks[size % 3]);
    if (results.size() > 50) __builtin_trap();
    for (const DkimSignatureResult& result : results) {
        if (result.reason.empty()) __builtin_trap();
        if (result.result != DkimResult::Pass) continue;
        const bool ed25519 = result.algorithm == "ed25519-sha256";
        const bool rsa = result.algorithm == "rsa-sha256" && result.keyBits >= 1024;
        if (!ed25519 && !rsa) __builtin_trap();
    }
    return 0;
}
