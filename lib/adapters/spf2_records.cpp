// What libspf2 gets to compile and expand: SPF records fetched and selected by us (RFC
// 7208 §4.4–4.5), validated by core::parseSpfRecord and rewritten for libspf2, exp= texts
// checked per §6.2 before libspf2 expands them, and the %{p} name (§7.3) worked out by us
// before any expansion needs it, so that libspf2 never looks it up itself (its PTR query
// would otherwise be indistinguishable from a ptr term's). Runs on the evaluating thread.
#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>

#include "adapters/spf2_internal.h"
#include "adapters/spf2_record_text.h"

namespace dmarc::adapters::spf2 {
namespace {

// RFC 7208 §4.6.4: as for ptr, at most 10 PTR names are looked at for %{p}.
constexpr std::size_t kMaxClientNames = 10;

std::string reverseName(const core::ClientIp& ip) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string name;
    if (ip.v4) {
        for (int i = 3; i >= 0; --i) name += std::to_string(ip.octets[static_cast<std::size_t>(i)]) + '.';
        return name + "in-addr.arpa";
    }
    for (int i = 15; i >= 0; --i) {
        const std::uint8_t byte = ip.octets[static_cast<std::size_t>(i)];
        name.push_back(kHex[byte & 0xF]);
        name.push_back('.');
        name.push_back(kHex[byte >> 4]);
        name.push_back('.');
    }
    return name + "ip6.arpa";
}

bool hasClientAddress(const DnsReply& reply, const core::ClientIp& ip) {
    if (reply.status != core::DnsStatus::Ok) return false;
    if (ip.v4) {
        for (const auto& a : reply.a) {
            if (std::equal(a.begin(), a.end(), ip.octets.begin())) return true;
        }
        return false;
    }
    for (const auto& aaaa : reply.aaaa) {
        if (aaaa == ip.octets) return true;
    }
    return false;
}

bool isWithin(std::string_view name, std::string_view domain) {
    if (domain.empty() || name.size() < domain.size()) return false;
    if (name.size() == domain.size()) return name == domain;
    return name.substr(name.size() - domain.size()) == domain && name[name.size() - domain.size() - 1] == '.';
}

// §7.3 "p": the validated names of the client address; <domain> itself if validated, else
// a subdomain of it, else the first validated name, else "unknown". Queries here count
// against no term limit: the term that uses %{p} is counted when it queries.
std::string validatedClientName(Evaluation& evaluation) {
    const DnsReply ptr = evaluation.dns.lookup(reverseName(evaluation.client), RrType::Ptr, evaluation.deadline);
    if (ptr.status != core::DnsStatus::Ok) return "unknown";
    const std::string domain = evaluation.request->cur_dom != nullptr ? queryName(evaluation.request->cur_dom) : "";
    std::optional<std::string> first;
    std::optional<std::string> below;
    const RrType type = evaluation.client.v4 ? RrType::A : RrType::Aaaa;
    for (std::size_t i = 0; i < ptr.ptr.size() && i < kMaxClientNames; ++i) {
        const std::string name = queryName(ptr.ptr[i]);
        if (!isQueryableName(name)) continue;
        if (!hasClientAddress(evaluation.dns.lookup(name, type, evaluation.deadline), evaluation.client)) continue;
        if (name == domain) return name;
        if (!below && isWithin(name, domain)) below = name;
        if (!first) first = name;
    }
    if (below) return *below;
    return first.value_or("unknown");
}

void ensureClientName(Evaluation& evaluation) {
    SPF_request_t* request = evaluation.request;
    if (request == nullptr || request->client_dom != nullptr) return;
    // libspf2 owns the string from here on (SPF_request_free frees it), so malloc'ed. If
    // that fails, libspf2 finds the name itself (its queries then count as a ptr term).
    const std::string name = validatedClientName(evaluation);
    auto* copy = static_cast<char*>(std::malloc(name.size() + 1));
    if (copy == nullptr) return;
    std::memcpy(copy, name.c_str(), name.size() + 1);
    request->client_dom = copy;
}

// Explanation text as libspf2 1.2.10 can compile it. Its macro compiler mangles everything
// after a literal space ("a b %{i}" expands to "a%b%{i}"), so each space is written as the
// "%_" macro, which expands to a space (§7.1; no space occurs inside a macro), and the
// reversal transformer is written in lower case (libspf2MacroString).
std::string libspf2Explanation(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        if (c == ' ') {
            out += "%_";
        } else {
            out.push_back(c);
        }
    }
    return libspf2MacroString(out);
}

// §6.2: exactly one TXT record, printable ASCII explain-string; otherwise no explanation.
std::optional<std::string> fetchExplanation(Evaluation& evaluation, const std::string& name) {
    if (!isQueryableName(name)) return std::nullopt;
    const DnsReply reply = evaluation.dns.lookup(name, RrType::Txt, evaluation.deadline);
    if (reply.status != core::DnsStatus::Ok || reply.txt.size() != 1) return std::nullopt;
    const std::string& text = reply.txt.front();
    // Also what libspf2 cannot compile safely is no explanation (spf2_record_text.h).
    if (!core::checkExplanation(text) || libspf2MacroProblem(libspf2Explanation(text))) return std::nullopt;
    return text;
}

// The macro data libspf2 compiled, which follows the SPF_macro_t header in memory (see
// spf_record.h); libspf2's own accessor macro is not in its installed headers.
SPF_data_t* macroData(SPF_macro_t* macro) {
    return reinterpret_cast<SPF_data_t*>(reinterpret_cast<char*>(macro) + sizeof(SPF_macro_t));
}

}  // namespace

FetchedRecord fetchRecord(Evaluation& evaluation, std::string_view domain) {
    FetchedRecord fetched;
    const std::string name = queryName(domain);
    if (!isQueryableName(name)) {
        fetched.detail = "not a valid domain name: " + name.substr(0, 255);
        return fetched;
    }
    const DnsReply reply = evaluation.dns.lookup(name, RrType::Txt, evaluation.deadline);
    switch (reply.status) {
        case core::DnsStatus::Ok:
            break;
        case core::DnsStatus::NoData:
        case core::DnsStatus::NxDomain:
            fetched.detail = "no SPF record at " + name;
            return fetched;
        case core::DnsStatus::ServFail:
        case core::DnsStatus::Timeout:
        case core::DnsStatus::Malformed:
            fetched.status = FetchStatus::DnsTrouble;
            fetched.detail = std::string(core::describe(reply.status)) + " for the SPF record of " + name;
            return fetched;
    }
    const std::string* selected = nullptr;
    for (const auto& text : reply.txt) {
        if (!core::isSpfRecord(text)) continue;
        if (selected != nullptr) {
            fetched.status = FetchStatus::MultipleRecords;
            fetched.detail = "more than one SPF record at " + name;
            return fetched;
        }
        selected = &text;
    }
    if (selected == nullptr) {
        fetched.detail = "no SPF record at " + name;
        return fetched;
    }
    const auto record = core::parseSpfRecord(*selected);
    if (!record) {
        fetched.status = FetchStatus::InvalidRecord;
        fetched.detail = "invalid SPF record at " + name + ": " + core::describe(record.error());
        return fetched;
    }
    const auto text = libspf2RecordText(record.value(), evaluation.client.v4);
    if (!text) {
        fetched.status = FetchStatus::InvalidRecord;
        fetched.detail = "SPF record at " + name + ": " + std::string(describe(text.error()));
        return fetched;
    }
    fetched.status = FetchStatus::Found;
    fetched.text = text.value();
    fetched.macros = record->macros;
    return fetched;
}

SPF_errcode_t compileRecord(Evaluation& evaluation, SPF_server_t* server, SPF_response_t* response,
                            const FetchedRecord& fetched, SPF_record_t** record) {
    *record = nullptr;
    if (fetched.macros.uses('p')) ensureClientName(evaluation);
    SPF_errcode_t error = SPF_record_compile(server, response, record, fetched.text.c_str());
    if (error == SPF_E_SUCCESS && *record != nullptr) return SPF_E_SUCCESS;
    if (*record != nullptr) {
        SPF_record_free(*record);
        *record = nullptr;
    }
    // Not expected: libspf2RecordText refuses what libspf2 cannot compile. Should it happen
    // all the same, the record is permerror, never a DNS error (that would read as temperror).
    if (error == SPF_E_SUCCESS || error == SPF_E_DNS_ERROR) error = SPF_E_INTERNAL_ERROR;
    evaluation.problem = std::string("libspf2 cannot compile the record: ") + SPF_strerror(error);
    return error;
}

SPF_errcode_t explain(Evaluation& evaluation, SPF_server_t* server, std::string_view domain, char** buffer,
                      std::size_t* length) {
    const std::string name = queryName(domain);
    auto cached = evaluation.explanations.find(name);
    if (cached == evaluation.explanations.end()) {
        cached = evaluation.explanations.emplace(name, fetchExplanation(evaluation, name)).first;
    }
    if (!cached->second) return SPF_E_NOT_SPF;
    const std::string& text = *cached->second;
    if (core::checkExplanation(text)->uses('p')) ensureClientName(evaluation);

    SPF_response_t* scratch = SPF_response_new(evaluation.request);
    if (scratch == nullptr) return SPF_E_NO_MEMORY;
    SPF_macro_t* macro = nullptr;
    SPF_errcode_t error = SPF_record_compile_macro(server, scratch, &macro, libspf2Explanation(text).c_str());
    if (error == SPF_E_SUCCESS && macro != nullptr) {
        error = SPF_record_expand_data(server, evaluation.request, scratch, macroData(macro), macro->macro_len,
                                       buffer, length);
    } else if (error == SPF_E_SUCCESS) {
        error = SPF_E_INTERNAL_ERROR;
    }
    if (macro != nullptr) SPF_macro_free(macro);
    SPF_response_free(scratch);
    return error;
}

}  // namespace dmarc::adapters::spf2
