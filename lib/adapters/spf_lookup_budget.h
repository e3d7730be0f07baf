// SpfLookupBudget: the RFC 7208 §4.6.4 processing limits of one check_host() evaluation,
// counted from the DNS queries libspf2 makes (libspf2 1.2.10 restarts its own count in
// every include and has no void-lookup limit). A query is either the first query of a
// DNS-querying term (include, redirect, a, mx, ptr, exists: at most 10 per evaluation, at
// most 2 of them "void") or an address lookup of a name an mx/ptr answer just listed,
// which libspf2 makes right afterwards and in answer order. One object per evaluation;
// not thread-safe (an evaluation runs on one thread).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dmarc::adapters {

class SpfLookupBudget {
public:
    static constexpr std::size_t maxTerms = 10;     // §4.6.4: DNS-querying terms
    static constexpr std::size_t maxVoids = 2;      // §4.6.4: void lookups (SHOULD, default 2)
    static constexpr std::size_t maxMxNames = 10;   // §4.6.4: more MX names → permerror
    static constexpr std::size_t maxPtrNames = 10;  // §4.6.4: PTR names beyond 10 are ignored

    enum class Follows { MxTarget, PtrName };

    // A DNS-querying term starts. False when it is one too many (the evaluation must end
    // with permerror before the query is made).
    bool startTerm();
    // That term's query found nothing (NODATA or NXDOMAIN). False when over the limit.
    bool recordVoid();
    // The names an mx or ptr answer listed (lower case, no trailing dot), in order: their
    // address lookups follow and are part of that term.
    void expectAddressLookups(std::vector<std::string> names, Follows kind);
    // Classifies an A/AAAA query for `name` (lower case, no trailing dot): the follow-up
    // of the last mx/ptr term when it is the next name that term listed, otherwise nullopt
    // (the query starts an a or exists term, and the expected names are forgotten).
    std::optional<Follows> takeAddressLookup(std::string_view name);

    std::size_t terms() const { return terms_; }
    std::size_t voids() const { return voids_; }

private:
    std::size_t terms_ = 0;
    std::size_t voids_ = 0;
    std::vector<std::string> expected_;
    std::size_t next_ = 0;
    Follows kind_ = Follows::MxTarget;
};

}  // namespace dmarc::adapters
