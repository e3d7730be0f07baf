// Fuzz target "domain_name": feeds any bytes to DomainName::parse and ::parseDnsName and
// traps when an accepted name breaks an invariant: at most 253 octets of lower-case ASCII
// (LDH, '_' only from parseDnsName), labels of 1..63 octets, str() re-parses to itself, a
// host name is also a DNS name, suffixes and the _dmarc name stay consistent. Stateless.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/domain_name.h"

namespace {

using dmarc::core::DomainError;
using dmarc::core::DomainName;
using dmarc::core::Result;
using Parser = Result<DomainName, DomainError> (*)(std::string_view);

void require(bool condition) {
    if (!condition) __builtin_trap();
}

bool allowedOctet(char c, bool underscoreOk) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
           (underscoreOk && c == '_');
}

void checkName(const DomainName& name, Parser parser, bool underscoreOk) {
    const std::string& text = name.str();
    require(!text.empty() && text.size() <= 253);
    for (char c : text) require(allowedOctet(c, underscoreOk));

    const auto labels = name.labels();
    require(labels.size() == name.labelCount());
    for (std::string_view label : labels) require(!label.empty() && label.size() <= 63);

    const auto again = parser(text);
    require(again.ok() && again.value() == name);

    const DomainName top = name.rightmostLabels(1);
    require(top.labelCount() == 1 && top.str() == labels.back() && name.isWithin(top));
    require(name.rightmostLabels(name.labelCount()) == name);
    require(name.rightmostLabels(0) == top);

    if (const auto dmarc = name.dmarcName()) {
        require(dmarc->str().size() <= 253 && dmarc->isWithin(name) && !name.isWithin(*dmarc));
        const auto reparsed = DomainName::parseDnsName(dmarc->str());
        require(reparsed.ok() && reparsed.value() == *dmarc);
    } else {
        require(text.size() + 7 > 253);
    }
}

void checkError(DomainError error) { require(!dmarc::core::describe(error).empty()); }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const auto host = DomainName::parse(input);
    const auto dns = DomainName::parseDnsName(input);
    if (host.ok()) {
        checkName(host.value(), &DomainName::parse, false);
        // Underscores only widen the DNS-name rules: a host name is a DNS name, unchanged.
        require(dns.ok() && dns.value() == host.value());
    } else {
        checkError(host.error());
    }
    if (dns.ok()) {
        checkName(dns.value(), &DomainName::parseDnsName, true);
    } else {
        checkError(dns.error());
    }
    return 0;
}
