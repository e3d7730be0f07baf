// Fuzz target "mailbox": feeds any bytes to parseFromValue as one From field body and traps
// when a result breaks an invariant: success means 1..kMaxMailboxes mailboxes, domains that
// are exactly the mailboxes' distinct domains in order of first appearance, each of which
// re-parses to itself; bodies over kMaxFromFieldLength are TooLong; surrounding whitespace
// changes nothing; authorDomains() on the single field agrees. Stateless.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/mailbox.h"

namespace {

using dmarc::core::AuthorDomains;
using dmarc::core::DomainName;
using dmarc::core::FromError;
using dmarc::core::Mailbox;
using dmarc::core::Result;
using Parsed = Result<AuthorDomains, FromError>;

void require(bool condition) {
    if (!condition) __builtin_trap();
}

void checkAccepted(const AuthorDomains& result, std::size_t inputSize) {
    require(!result.mailboxes.empty() && result.mailboxes.size() <= dmarc::core::kMaxMailboxes);
    std::vector<DomainName> expected;
    for (const Mailbox& mailbox : result.mailboxes) {
        // Display-name words are joined with one space, and an encoded-word ends a word even
        // with no space after it, so the name may gain up to one octet per input octet.
        require(mailbox.displayName.size() <= 2 * inputSize && mailbox.localPart.size() <= inputSize);
        if (std::find(expected.begin(), expected.end(), mailbox.domain) == expected.end()) {
            expected.push_back(mailbox.domain);
        }
    }
    require(expected == result.domains);
    for (const DomainName& domain : result.domains) {
        const auto again = DomainName::parse(domain.str());
        require(again.ok() && again.value() == domain);
    }
    require(result.singleDomain().has_value() == (result.domains.size() == 1));
}

bool sameMailboxes(const AuthorDomains& a, const AuthorDomains& b) {
    return std::equal(a.mailboxes.begin(), a.mailboxes.end(), b.mailboxes.begin(),
                      b.mailboxes.end(), [](const Mailbox& x, const Mailbox& y) {
                          return x.displayName == y.displayName && x.localPart == y.localPart &&
                                 x.domain == y.domain;
                      });
}

bool sameResult(const Parsed& a, const Parsed& b) {
    if (a.ok() != b.ok()) return false;
    return a.ok() ? sameMailboxes(a.value(), b.value()) && a->domains == b->domains
                  : a.error() == b.error();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const Parsed parsed = dmarc::core::parseFromValue(input);
    if (parsed.ok()) {
        checkAccepted(parsed.value(), size);
    } else {
        require(!dmarc::core::describe(parsed.error()).empty());
        require(parsed.error() != FromError::NoFromField &&
                parsed.error() != FromError::SeveralFromFields);
        require((parsed.error() == FromError::TooLong) == (size > dmarc::core::kMaxFromFieldLength));
    }
    require(sameResult(parsed, dmarc::core::authorDomains({input})));
    // FWS before and after a field body is not part of any token.
    const std::string padded = "\r\n " + std::string(input) + " \t";
    if (padded.size() <= dmarc::core::kMaxFromFieldLength) {
        require(sameResult(parsed, dmarc::core::parseFromValue(padded)));
    }
    return 0;
}
