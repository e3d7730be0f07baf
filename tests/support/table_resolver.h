// TableResolver: an in-memory core::Resolver for tests. It answers from a table of TXT
// records per name, knows which other names exist (and, as real DNS does, that every
// ancestor of an existing name exists too: empty non-terminals answer NODATA, not
// NXDOMAIN), can fail chosen names (SERVFAIL, timeout, malformed) per query kind, and
// records every query in order so tests can assert exact query sequences.
// nameOf()/dnsNameOf() turn literals into DomainNames. Header-only because unit tests link only
// dmarc_core and Catch2's main.
// Thread-safe: every member takes the one mutex, so concurrent lookups are fine.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <map>
#include <mutex>
#include <ostream>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/resolver.h"

namespace dmarc::test {

// DomainNames from literals in tests: nameOf() for host names, dnsNameOf() for owner
// names with underscores ("_dmarc.example.com"). They throw (Catch2 reports it as a
// failure naming the text) instead of returning a Result: a bad literal is a test bug.
inline core::DomainName orThrow(core::Result<core::DomainName, core::DomainError> parsed,
                                std::string_view text) {
    if (!parsed) {
        throw std::invalid_argument("test name does not parse: '" + std::string(text) + "': " +
                                    std::string(core::describe(parsed.error())));
    }
    return std::move(parsed).value();
}

inline core::DomainName nameOf(std::string_view text) {
    return orThrow(core::DomainName::parse(text), text);
}

inline core::DomainName dnsNameOf(std::string_view text) {
    return orThrow(core::DomainName::parseDnsName(text), text);
}

enum class QueryKind { Txt, Existence };

struct Query {
    std::string name;  // as queried (DomainName::str(): lower case, no trailing dot)
    QueryKind kind = QueryKind::Txt;
    friend bool operator==(const Query&, const Query&) = default;
};

inline std::ostream& operator<<(std::ostream& out, const Query& query) {
    return out << (query.kind == QueryKind::Txt ? "TXT " : "EXISTS ") << query.name;
}

class TableResolver : public core::Resolver {
public:
    using TxtTable = std::map<std::string, std::vector<std::string>>;

    TableResolver() = default;
    // `txt`: name → TXT strings (one per RR); a name mapped to an empty vector exists
    // without TXT records. Names that exist with other RRs: addName().
    explicit TableResolver(const TxtTable& txt) { addTable(txt); }
    // TableResolver dns({{"_dmarc.example.com", {"v=DMARC1; p=none"}}, ...}) — the
    // initializer-list form keeps such braces unambiguous.
    TableResolver(std::initializer_list<TxtTable::value_type> txt) { addTable(txt); }

    TableResolver& addTxt(std::string_view name, std::string record) {
        std::lock_guard lock(mutex_);
        const auto key = normalise(name);
        markExisting(key);
        txt_[key].push_back(std::move(record));
        return *this;
    }

    TableResolver& addName(std::string_view name) {
        std::lock_guard lock(mutex_);
        markExisting(normalise(name));
        return *this;
    }

    // Every TXT query for `name` answers `status` (which should be a non-definite one).
    TableResolver& failTxt(std::string_view name, core::DnsStatus status) {
        std::lock_guard lock(mutex_);
        txtFailures_[normalise(name)] = status;
        return *this;
    }

    // Every existence probe of `name` answers `status`.
    TableResolver& failExistence(std::string_view name, core::DnsStatus status) {
        std::lock_guard lock(mutex_);
        existenceFailures_[normalise(name)] = status;
        return *this;
    }

    core::TxtAnswer lookupTxt(const core::DomainName& name) override {
        std::lock_guard lock(mutex_);
        const auto& key = name.str();
        queries_.push_back({key, QueryKind::Txt});
        if (const auto failure = txtFailures_.find(key); failure != txtFailures_.end()) {
            return {failure->second, {}};
        }
        if (const auto found = txt_.find(key); found != txt_.end() && !found->second.empty()) {
            return {core::DnsStatus::Ok, found->second};
        }
        return {existing_.count(key) ? core::DnsStatus::NoData : core::DnsStatus::NxDomain, {}};
    }

    core::DnsStatus probeExistence(const core::DomainName& name) override {
        std::lock_guard lock(mutex_);
        const auto& key = name.str();
        queries_.push_back({key, QueryKind::Existence});
        if (const auto failure = existenceFailures_.find(key);
            failure != existenceFailures_.end()) {
            return failure->second;
        }
        if (!existing_.count(key)) return core::DnsStatus::NxDomain;
        return hasRecords_.count(key) ? core::DnsStatus::Ok : core::DnsStatus::NoData;
    }

    std::vector<Query> queries() const {
        std::lock_guard lock(mutex_);
        return queries_;
    }

    // The names of the TXT queries only, in order: what most tests compare.
    std::vector<std::string> txtQueries() const {
        std::lock_guard lock(mutex_);
        std::vector<std::string> names;
        for (const auto& query : queries_) {
            if (query.kind == QueryKind::Txt) names.push_back(query.name);
        }
        return names;
    }

    void clearQueries() {
        std::lock_guard lock(mutex_);
        queries_.clear();
    }

private:
    template <typename Rows>
    void addTable(const Rows& rows) {
        for (const auto& [name, records] : rows) {
            const auto key = normalise(name);
            markExisting(key);
            auto& stored = txt_[key];
            stored.insert(stored.end(), records.begin(), records.end());
        }
    }

    // Table keys are written by hand in tests: fold case and drop one trailing dot so they
    // match DomainName::str().
    static std::string normalise(std::string_view name) {
        if (!name.empty() && name.back() == '.') name.remove_suffix(1);
        std::string key(name);
        for (auto& c : key) {
            if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        }
        return key;
    }

    // The name holds records of its own; it and all its ancestors exist.
    void markExisting(const std::string& key) {
        hasRecords_.insert(key);
        for (std::size_t from = 0; from != std::string::npos;) {
            existing_.insert(key.substr(from));
            const auto dot = key.find('.', from);
            from = dot == std::string::npos ? dot : dot + 1;
        }
    }

    mutable std::mutex mutex_;
    TxtTable txt_;
    std::set<std::string> existing_;    // names with records and all their ancestors
    std::set<std::string> hasRecords_;  // names with records of their own
    std::map<std::string, core::DnsStatus> txtFailures_;
    std::map<std::string, core::DnsStatus> existenceFailures_;
    std::vector<Query> queries_;
};

}  // namespace dmarc::test
