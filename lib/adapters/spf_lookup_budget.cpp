// RFC 7208 §4.6.4 accounting for one evaluation (see spf_lookup_budget.h). Pure.
#include "adapters/spf_lookup_budget.h"

#include <utility>

namespace dmarc::adapters {

bool SpfLookupBudget::startTerm() {
    ++terms_;
    return terms_ <= maxTerms;
}

bool SpfLookupBudget::recordVoid() {
    ++voids_;
    return voids_ <= maxVoids;
}

void SpfLookupBudget::expectAddressLookups(std::vector<std::string> names, Follows kind) {
    expected_ = std::move(names);
    next_ = 0;
    kind_ = kind;
}

std::optional<SpfLookupBudget::Follows> SpfLookupBudget::takeAddressLookup(std::string_view name) {
    if (next_ < expected_.size() && expected_[next_] == name) {
        ++next_;
        return kind_;
    }
    // libspf2 asks for the listed names in order and stops at a match, so any other name
    // means that term is over. (A later a:/exists: term naming exactly the next listed
    // name of a term cut short by a match inside an include would be missed; the count
    // is then one low, never high.)
    expected_.clear();
    next_ = 0;
    return std::nullopt;
}

}  // namespace dmarc::adapters
