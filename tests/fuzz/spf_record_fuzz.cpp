// Fuzz target "spf_record": feeds any bytes to the SPF record validator and its helpers
// (macro-string checks, IP address parsing) and traps when an invariant breaks:
//  - an accepted record is printable ASCII, within the caps, its canonical text is
//    itself accepted, means the same record and is a fixed point of toString();
//  - every accepted mechanism is well-formed (required domain-specs present and valid,
//    CIDR lengths in range, ip4 networks in the first four octets) and the record's
//    macro use is exactly that of its domain-specs;
//  - a refused record names a term within the record, with at most 64 octets of it;
//  - a domain-spec is also a modifier value and explanation text; addresses round-trip.
// Stateless.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/spf_address.h"
#include "core/spf_macro.h"
#include "core/spf_record.h"

namespace {

using namespace dmarc::core;

void require(bool condition) {
    if (!condition) __builtin_trap();
}

bool printable(std::string_view text) {
    for (char c : text) {
        if (c < 0x20 || c > 0x7E) return false;
    }
    return true;
}

bool domainSpecRequired(SpfMechanismType type) {
    return type == SpfMechanismType::Include || type == SpfMechanismType::Exists;
}

MacroUsage checkMechanism(const SpfMechanism& mechanism) {
    MacroUsage usage;
    const bool takesDomain = mechanism.type != SpfMechanismType::All && mechanism.type != SpfMechanismType::Ip4 &&
                             mechanism.type != SpfMechanismType::Ip6;
    if (domainSpecRequired(mechanism.type)) require(!mechanism.domainSpec.empty());
    if (!takesDomain) require(mechanism.domainSpec.empty());
    if (!mechanism.domainSpec.empty()) {
        const auto checked = checkDomainSpec(mechanism.domainSpec);
        require(checked.ok());
        usage.merge(checked.value());
    }
    if (mechanism.ip4Prefix) require(*mechanism.ip4Prefix <= 32);
    if (mechanism.ip6Prefix) require(*mechanism.ip6Prefix <= 128);
    const bool ip4Cidr = mechanism.type == SpfMechanismType::A || mechanism.type == SpfMechanismType::Mx ||
                         mechanism.type == SpfMechanismType::Ip4;
    const bool ip6Cidr = mechanism.type == SpfMechanismType::A || mechanism.type == SpfMechanismType::Mx ||
                         mechanism.type == SpfMechanismType::Ip6;
    if (!ip4Cidr) require(!mechanism.ip4Prefix);
    if (!ip6Cidr) require(!mechanism.ip6Prefix);
    if (mechanism.type != SpfMechanismType::Ip6) {
        for (std::size_t i = mechanism.type == SpfMechanismType::Ip4 ? 4 : 0; i < 16; ++i) {
            require(mechanism.network[i] == 0);
        }
    }
    return usage;
}

void checkAccepted(std::string_view input, const SpfRecord& record) {
    require(isSpfRecord(input));
    require(input.size() <= maxSpfRecordLength);
    require(record.mechanisms.size() + record.unknownModifiers.size() + (record.redirect ? 1 : 0) +
                (record.explanation ? 1 : 0) <=
            maxSpfTerms);
    MacroUsage usage;
    for (const auto& mechanism : record.mechanisms) usage.merge(checkMechanism(mechanism));
    for (const auto* spec : {&record.redirect, &record.explanation}) {
        if (!*spec) continue;
        const auto checked = checkDomainSpec(**spec);
        require(checked.ok());
        usage.merge(checked.value());
    }
    require(usage == record.macros);

    const std::string text = toString(record);
    require(printable(text) && isSpfRecord(text));
    // The canonical form may be longer than what was published (an IPv4-mapped "::ffff:f:f1"
    // is written "::ffff:0.15.0.241", RFC 5952 §5), so a record near the length cap can come
    // out over it, where parsing rightly refuses it. The growth is bounded per term.
    require(text.size() <= 3 * input.size() + 16);
    if (text.size() > maxSpfRecordLength) return;
    const auto again = parseSpfRecord(text);
    require(again.ok() && again.value() == record);
    require(toString(again.value()) == text);
}

void checkRefused(std::string_view input, const SpfRecordError& error) {
    require(!describe(error.error).empty());
    require(error.text.size() <= 64);
    require(error.term <= input.size());
    if (error.term > 0) require(input.find(error.text) != std::string_view::npos);
    require(error.macro.has_value() == (error.error == SpfSyntaxError::InvalidDomainSpec ||
                                        error.error == SpfSyntaxError::InvalidModifierValue));
}

void checkMacroContexts(std::string_view input) {
    const auto spec = checkDomainSpec(input);
    const auto value = checkModifierValue(input);
    const auto explanation = checkExplanation(input);
    if (spec.ok()) {
        require(value.ok() && value.value() == spec.value());
        require(explanation.ok() && explanation.value() == spec.value());
        require(!spec->uses('c') && !spec->uses('r') && !spec->uses('t'));
    }
    if (value.ok()) require(explanation.ok() && explanation.value() == value.value());
}

void checkAddresses(std::string_view input) {
    if (const auto v4 = parseIpv4(input)) {
        require(formatIpv4(*v4) == input);
    }
    if (const auto v6 = parseIpv6(input)) {
        const auto again = parseIpv6(formatIpv6(*v6));
        require(again && *again == *v6);
    }
    if (const auto client = parseClientIp(input)) {
        require(parseClientIp(formatClientIp(*client)) == client);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const auto record = parseSpfRecord(input);
    if (record.ok()) {
        checkAccepted(input, record.value());
    } else {
        checkRefused(input, record.error());
    }
    checkMacroContexts(input);
    checkAddresses(input);
    return 0;
}
