// TableDnsLookup: an in-memory adapters::DnsLookup for tests, with the semantics of the
// OpenSPF RFC 7208 suite's own test driver (pyspf's testspf.py) so that suite scenarios
// can be served from their zonedata:
//  - names are case-insensitive, a trailing dot is ignored; a name not in the table is
//    NXDOMAIN (a name starting with "error." times out), a known name without records of
//    the asked type is NODATA, and so is a name above a known one (empty non-terminal);
//  - entries of a name are read in order; a TIMEOUT entry makes the lookup time out unless
//    a record of the asked type came before it (then the lookup ends there);
//  - a CNAME entry is followed when the name has no records of the asked type (up to 8
//    hops; a loop is SERVFAIL, as a recursive resolver answers);
//  - TXT values are the concatenated character-strings of one record.
// Every lookup is recorded for assertions. Header-only (tests link no extra library).
// Thread-safe: one mutex around everything.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "adapters/dns_lookup.h"

namespace dmarc::test {

struct TableEntry {
    enum class Kind { Record, Timeout };
    Kind kind = Kind::Record;
    adapters::RrType type = adapters::RrType::Txt;
    std::string text;                      // TXT string, PTR/CNAME target, MX exchange
    std::array<std::uint8_t, 16> address{}; // A (first 4 octets) / AAAA
    std::uint16_t preference = 0;          // MX

    static TableEntry timeout() { return TableEntry{Kind::Timeout, adapters::RrType::Txt, {}, {}, 0}; }
    static TableEntry txt(std::string value) { return TableEntry{Kind::Record, adapters::RrType::Txt, std::move(value), {}, 0}; }
    static TableEntry ptr(std::string target) { return TableEntry{Kind::Record, adapters::RrType::Ptr, std::move(target), {}, 0}; }
    static TableEntry cname(std::string target) { return TableEntry{Kind::Record, adapters::RrType::Cname, std::move(target), {}, 0}; }
    static TableEntry mx(std::uint16_t preference, std::string exchange) {
        return TableEntry{Kind::Record, adapters::RrType::Mx, std::move(exchange), {}, preference};
    }
    static TableEntry a(std::array<std::uint8_t, 4> octets) {
        TableEntry entry{Kind::Record, adapters::RrType::A, {}, {}, 0};
        std::copy(octets.begin(), octets.end(), entry.address.begin());
        return entry;
    }
    static TableEntry aaaa(std::array<std::uint8_t, 16> octets) {
        return TableEntry{Kind::Record, adapters::RrType::Aaaa, {}, octets, 0};
    }
};

struct TableQuery {
    std::string name;  // normalised
    adapters::RrType type = adapters::RrType::A;
    friend bool operator==(const TableQuery&, const TableQuery&) = default;
};

class TableDnsLookup : public adapters::DnsLookup {
public:
    // Adds an entry after the name's earlier ones. A name with no entries can be made to
    // exist (NODATA for every type) with `touch`.
    void add(std::string_view name, TableEntry entry) {
        const std::lock_guard<std::mutex> lock(mutex_);
        table_[normalise(name)].push_back(std::move(entry));
    }
    void touch(std::string_view name) {
        const std::lock_guard<std::mutex> lock(mutex_);
        table_[normalise(name)];
    }

    adapters::DnsReply lookup(std::string_view name, adapters::RrType type, adapters::Deadline) override {
        const std::lock_guard<std::mutex> lock(mutex_);
        queries_.push_back(TableQuery{normalise(name), type});
        return resolve(normalise(name), type, 0);
    }

    std::vector<TableQuery> queries() const {
        const std::lock_guard<std::mutex> lock(mutex_);
        return queries_;
    }

private:
    static constexpr int kMaxCnameHops = 8;

    static std::string normalise(std::string_view name) {
        std::string out(name);
        std::transform(out.begin(), out.end(), out.begin(),
                       [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; });
        if (!out.empty() && out.back() == '.') out.pop_back();
        return out;
    }

    static adapters::DnsReply withStatus(core::DnsStatus status) {
        adapters::DnsReply reply;
        reply.status = status;
        return reply;
    }

    static void append(adapters::DnsReply& reply, const TableEntry& entry) {
        switch (entry.type) {
            case adapters::RrType::A:
                reply.a.push_back({entry.address[0], entry.address[1], entry.address[2], entry.address[3]});
                break;
            case adapters::RrType::Aaaa: reply.aaaa.push_back(entry.address); break;
            case adapters::RrType::Mx: reply.mx.push_back({entry.preference, entry.text}); break;
            case adapters::RrType::Ptr: reply.ptr.push_back(entry.text); break;
            case adapters::RrType::Txt: reply.txt.push_back(entry.text); break;
            default: break;
        }
    }

    bool hasDescendant(const std::string& name) const {
        const std::string suffix = "." + name;
        return std::any_of(table_.begin(), table_.end(), [&](const auto& entry) {
            const std::string& known = entry.first;
            return known.size() > suffix.size() && known.compare(known.size() - suffix.size(), suffix.size(), suffix) == 0;
        });
    }

    adapters::DnsReply resolve(const std::string& name, adapters::RrType type, int hops) const {
        const auto found = table_.find(name);
        if (found == table_.end()) {
            if (name.rfind("error.", 0) == 0) return withStatus(core::DnsStatus::Timeout);
            return withStatus(hasDescendant(name) ? core::DnsStatus::NoData : core::DnsStatus::NxDomain);
        }
        adapters::DnsReply reply = withStatus(core::DnsStatus::Ok);
        bool sawType = false;
        std::optional<std::string> cname;
        for (const TableEntry& entry : found->second) {
            if (entry.kind == TableEntry::Kind::Timeout) {
                if (!sawType) return withStatus(core::DnsStatus::Timeout);
                break;
            }
            if (entry.type == type) {
                sawType = true;
                append(reply, entry);
            } else if (entry.type == adapters::RrType::Cname && !cname) {
                cname = normalise(entry.text);
            }
        }
        if (sawType) return reply;
        if (cname) {
            if (hops >= kMaxCnameHops) return withStatus(core::DnsStatus::ServFail);
            return resolve(*cname, type, hops + 1);
        }
        return withStatus(core::DnsStatus::NoData);
    }

    mutable std::mutex mutex_;
    std::map<std::string, std::vector<TableEntry>> table_;
    std::vector<TableQuery> queries_;
};

}  // namespace dmarc::test
