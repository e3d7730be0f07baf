// A public suffix list for unit tests in RFC 7489 mode, without libpsl: every TLD is a
// suffix, plus the two-label suffixes given. The organizational domain is one label below
// the suffix; a suffix itself is its own organizational domain (as PslOrgDomain does).
#pragma once

#include <initializer_list>
#include <string>
#include <vector>

#include "core/org_domain.h"
#include "support/table_resolver.h"

namespace dmarc::test {

class SuffixListPsl : public core::OrgDomainFinder {
public:
    SuffixListPsl(std::initializer_list<const char*> twoLabelSuffixes) {
        for (const char* suffix : twoLabelSuffixes) twoLabelSuffixes_.push_back(nameOf(suffix));
    }

    core::DomainName organizationalDomain(const core::DomainName& name) const override {
        std::size_t suffixLabels = 1;
        for (const auto& suffix : twoLabelSuffixes_) {
            if (name.isWithin(suffix)) suffixLabels = 2;
        }
        if (name.labelCount() <= suffixLabels) return name;
        return name.rightmostLabels(suffixLabels + 1);
    }

private:
    std::vector<core::DomainName> twoLabelSuffixes_;
};

}  // namespace dmarc::test
