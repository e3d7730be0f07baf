// Feeds a raw message file to an OpendkimMessage the way the milter will: one header()
// call per field with the value after the colon (leading space kept, folds as bare LF, as
// libmilter passes them), then the body with CRLF line ends in chunks. Files may use CRLF
// or LF line ends. Also a plain DnsLookup over a table of TXT answers, for tests that need
// no name server. Test code only.
#pragma once

#include <algorithm>
#include <cctype>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/opendkim_verifier.h"

namespace dmarc::testdkim {

struct RawField {
    std::string name;
    std::string value;  // after the colon; folds as "\n" + the continuation line
};

struct RawMessage {
    std::vector<RawField> fields;
    std::string body;  // CRLF line ends
};

inline RawMessage splitMessage(std::string_view raw) {
    RawMessage message;
    std::size_t pos = 0;
    bool inHeader = true;
    while (pos < raw.size()) {
        std::size_t end = raw.find('\n', pos);
        const bool lastLine = end == std::string_view::npos;
        if (lastLine) end = raw.size();
        std::string_view line = raw.substr(pos, end - pos);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        pos = lastLine ? raw.size() : end + 1;
        if (!inHeader) {
            message.body.append(line);
            if (!lastLine) message.body += "\r\n";
            continue;
        }
        if (line.empty()) {
            inHeader = false;
        } else if ((line.front() == ' ' || line.front() == '\t') && !message.fields.empty()) {
            message.fields.back().value += "\n";
            message.fields.back().value.append(line);
        } else if (const std::size_t colon = line.find(':'); colon != std::string_view::npos) {
            message.fields.push_back({std::string(line.substr(0, colon)), std::string(line.substr(colon + 1))});
        }
    }
    return message;
}

// The domain of the first From field's first address, lower-cased ("" when none).
inline std::string authorDomainOf(const RawMessage& message) {
    for (const RawField& field : message.fields) {
        std::string lower = field.name;
        std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
        if (lower != "from") continue;
        const std::size_t at = field.value.rfind('@');
        if (at == std::string::npos) return {};
        std::size_t end = field.value.find_first_of(">) \t\r\n,;", at);
        std::string domain = field.value.substr(at + 1, end == std::string::npos ? std::string::npos : end - at - 1);
        std::transform(domain.begin(), domain.end(), domain.begin(), [](unsigned char c) { return std::tolower(c); });
        return domain;
    }
    return {};
}

inline std::vector<adapters::DkimSignatureResult> verifyMessage(const adapters::OpendkimVerifier& verifier,
                                                                  std::string_view raw, std::size_t chunk = 1000) {
    const RawMessage message = splitMessage(raw);
    auto verification = verifier.startMessage("test");
    for (const RawField& field : message.fields) verification->header(field.name, field.value);
    verification->endOfHeaders(authorDomainOf(message));
    for (std::size_t pos = 0; pos < message.body.size(); pos += chunk) {
        verification->body(std::string_view(message.body).substr(pos, chunk));
    }
    return verification->endOfMessage();
}

// TXT answers by lower-case name; other names NXDOMAIN; statuses may be forced per name.
// Counts lookups and prefetches. Thread-safe.
class TxtTable final : public adapters::DnsLookup {
public:
    void add(const std::string& name, std::string record) { records_[name].push_back(std::move(record)); }
    void fail(const std::string& name, core::DnsStatus status) { statuses_[name] = status; }

    adapters::DnsReply lookup(std::string_view name, adapters::RrType, adapters::Deadline) override {
        const std::lock_guard lock(mutex_);
        ++lookups_;
        adapters::DnsReply reply;
        const std::string key = lowered(name);
        if (const auto forced = statuses_.find(key); forced != statuses_.end()) {
            reply.status = forced->second;
        } else if (const auto found = records_.find(key); found != records_.end()) {
            reply.status = core::DnsStatus::Ok;
            reply.txt = found->second;
        } else {
            reply.status = core::DnsStatus::NxDomain;
        }
        return reply;
    }
    void prefetch(std::string_view name, adapters::RrType) override {
        const std::lock_guard lock(mutex_);
        prefetched_.push_back(lowered(name));
    }

    std::size_t lookups() const {
        const std::lock_guard lock(mutex_);
        return lookups_;
    }
    std::vector<std::string> prefetched() const {
        const std::lock_guard lock(mutex_);
        return prefetched_;
    }

private:
    static std::string lowered(std::string_view name) {
        std::string out(name);
        std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
        return out;
    }

    mutable std::mutex mutex_;
    std::map<std::string, std::vector<std::string>> records_;
    std::map<std::string, core::DnsStatus> statuses_;
    std::size_t lookups_ = 0;
    std::vector<std::string> prefetched_;
};

}  // namespace dmarc::testdkim
