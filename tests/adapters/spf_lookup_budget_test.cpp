// Unit tests for lib/adapters/spf_lookup_budget.cpp: the RFC 7208 §4.6.4 counters (10
// DNS-querying terms, 2 void lookups) and the classification of address lookups as the
// follow-up of the last mx/ptr term or the start of a new term. Deterministic.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "adapters/spf_lookup_budget.h"

using dmarc::adapters::SpfLookupBudget;
using Follows = SpfLookupBudget::Follows;

TEST_CASE("spf_lookup_budget: ten DNS-querying terms are allowed, the eleventh is not") {
    SpfLookupBudget budget;
    for (std::size_t i = 1; i <= SpfLookupBudget::maxTerms; ++i) {
        CAPTURE(i);
        CHECK(budget.startTerm());
        CHECK(budget.terms() == i);
    }
    CHECK_FALSE(budget.startTerm());
    CHECK_FALSE(budget.startTerm());
    CHECK(budget.terms() == SpfLookupBudget::maxTerms + 2);
}

TEST_CASE("spf_lookup_budget: two void lookups are allowed, the third is not") {
    SpfLookupBudget budget;
    CHECK(budget.recordVoid());
    CHECK(budget.recordVoid());
    CHECK_FALSE(budget.recordVoid());
    CHECK(budget.voids() == 3);
    CHECK(budget.terms() == 0);
}

TEST_CASE("spf_lookup_budget: address lookups of listed names follow their term, in order") {
    SpfLookupBudget budget;
    budget.expectAddressLookups({"mx1.example.com", "mx2.example.com"}, Follows::MxTarget);
    CHECK(budget.takeAddressLookup("mx1.example.com") == Follows::MxTarget);
    CHECK(budget.takeAddressLookup("mx2.example.com") == Follows::MxTarget);
    // The list is used up: the same name again starts a term (a:mx2.example.com).
    CHECK_FALSE(budget.takeAddressLookup("mx2.example.com").has_value());
}

TEST_CASE("spf_lookup_budget: any other name ends the follow-ups") {
    SpfLookupBudget budget;
    budget.expectAddressLookups({"a.example.com", "b.example.com", "c.example.com"}, Follows::PtrName);
    CHECK(budget.takeAddressLookup("a.example.com") == Follows::PtrName);
    // Out of order: a new term (libspf2 stopped at a match), and the rest is forgotten.
    CHECK_FALSE(budget.takeAddressLookup("c.example.com").has_value());
    CHECK_FALSE(budget.takeAddressLookup("b.example.com").has_value());
}

TEST_CASE("spf_lookup_budget: a new list replaces the old one") {
    SpfLookupBudget budget;
    budget.expectAddressLookups({"old.example.com"}, Follows::MxTarget);
    budget.expectAddressLookups({"new.example.com"}, Follows::PtrName);
    CHECK_FALSE(budget.takeAddressLookup("old.example.com").has_value());
    budget.expectAddressLookups({"new.example.com"}, Follows::PtrName);
    CHECK(budget.takeAddressLookup("new.example.com") == Follows::PtrName);
    budget.expectAddressLookups({}, Follows::MxTarget);
    CHECK_FALSE(budget.takeAddressLookup("new.example.com").has_value());
}
