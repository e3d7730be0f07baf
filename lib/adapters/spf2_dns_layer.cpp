// The SPF_dns_server_t libspf2 evaluates through: every query of the running evaluation
// (found through a thread_local, because libspf2's callbacks get no request pointer) goes
// to its DnsLookup, counted against RFC 7208 §4.6.4 on the way (spf_lookup_budget.h). Type
// SPF (99) is answered NODATA locally; records come only through get_spf (fetchRecord).
// Names of "any address" targets (spf2_record_text.h) are answered with the client's own
// address when the real name has one. Every callback returns an answer, never NULL
// (libspf2 aborts on NULL) and never lets an exception into libspf2's C frames.
#include <cstring>
#include <vector>

#include "adapters/spf2_internal.h"
#include "adapters/spf2_record_text.h"

namespace dmarc::adapters::spf2 {
namespace {

thread_local Evaluation* tCurrent = nullptr;

constexpr std::size_t kMaxNameOctets = 253;
constexpr std::size_t kMaxLabelOctets = 63;

enum class LayerStatus { Records, NoData, NotFound, TryAgain };

struct LayerAnswer {
    LayerStatus status = LayerStatus::TryAgain;
    std::vector<core::Ipv4Octets> a;
    std::vector<core::Ipv6Octets> aaaa;
    std::vector<std::string> names;  // MX targets, PTR names or TXT strings
};

LayerAnswer withStatus(LayerStatus status) {
    LayerAnswer answer;
    answer.status = status;
    return answer;
}

std::optional<RrType> rrTypeOf(ns_type type) {
    switch (type) {
        case ns_t_a: return RrType::A;
        case ns_t_aaaa: return RrType::Aaaa;
        case ns_t_mx: return RrType::Mx;
        case ns_t_ptr: return RrType::Ptr;
        case ns_t_txt: return RrType::Txt;
        default: return std::nullopt;  // type SPF (99) and anything else: NODATA
    }
}

std::size_t recordCount(const DnsReply& reply, RrType type) {
    switch (type) {
        case RrType::A: return reply.a.size();
        case RrType::Aaaa: return reply.aaaa.size();
        case RrType::Mx: return reply.mx.size();
        case RrType::Ptr: return reply.ptr.size();
        case RrType::Txt: return reply.txt.size();
        default: return 0;
    }
}

LayerAnswer stopEvaluation(Evaluation& evaluation, std::string reason) {
    evaluation.stop = Stop{core::SpfResult::PermError, std::move(reason)};
    return withStatus(LayerStatus::TryAgain);
}

// The records of an OK reply, shaped for libspf2; MX/PTR names also primed as the
// follow-up lookups of the term that asked.
LayerAnswer recordsOf(Evaluation& evaluation, const DnsReply& reply, RrType type, bool anyAddress, bool term) {
    LayerAnswer answer = withStatus(LayerStatus::Records);
    const core::ClientIp& client = evaluation.client;
    switch (type) {
        case RrType::A:
            if (anyAddress && client.v4) {
                answer.a.push_back({client.octets[0], client.octets[1], client.octets[2], client.octets[3]});
            } else {
                answer.a = reply.a;
            }
            break;
        case RrType::Aaaa:
            if (anyAddress && !client.v4) {
                answer.aaaa.push_back(client.octets);
            } else {
                answer.aaaa = reply.aaaa;
            }
            break;
        case RrType::Mx:
            for (const auto& mx : reply.mx) {
                const std::string name = queryName(mx.exchange);
                answer.names.push_back(anyAddress ? markAnyAddress(name) : name);
            }
            if (term) evaluation.budget.expectAddressLookups(answer.names, SpfLookupBudget::Follows::MxTarget);
            break;
        case RrType::Ptr:
            for (std::size_t i = 0; i < reply.ptr.size() && i < SpfLookupBudget::maxPtrNames; ++i) {
                answer.names.push_back(queryName(reply.ptr[i]));
            }
            if (term) evaluation.budget.expectAddressLookups(answer.names, SpfLookupBudget::Follows::PtrName);
            break;
        case RrType::Txt:
            answer.names = reply.txt;
            break;
        default:
            break;
    }
    return answer;
}

LayerAnswer resolve(Evaluation& evaluation, std::string_view rawName, ns_type rawType) {
    if (evaluation.stop) return withStatus(LayerStatus::TryAgain);
    const auto type = rrTypeOf(rawType);
    if (!type) return withStatus(LayerStatus::NoData);
    const std::string name = queryName(rawName);

    // Does this query start a DNS-querying term (§4.6.4), or follow one up?
    const bool counted = !evaluation.inExplanation && *type != RrType::Txt;
    std::optional<SpfLookupBudget::Follows> follows;
    if (counted && (*type == RrType::A || *type == RrType::Aaaa)) follows = evaluation.budget.takeAddressLookup(name);
    const bool term = counted && !follows;
    if (term) {
        // A new mx/ptr term: whatever the last one listed is no longer expected.
        if (*type == RrType::Mx || *type == RrType::Ptr) {
            evaluation.budget.expectAddressLookups({}, SpfLookupBudget::Follows::MxTarget);
        }
        if (!evaluation.budget.startTerm()) return stopEvaluation(evaluation, "more than 10 DNS-querying terms");
    }

    const auto stripped = stripAnyAddressMarker(name);
    const std::string target(stripped.value_or(name));
    DnsReply reply;
    reply.status = core::DnsStatus::NxDomain;  // what a name DNS cannot carry amounts to
    if (isQueryableName(target)) reply = evaluation.dns.lookup(target, *type, evaluation.deadline);
    const std::size_t count = recordCount(reply, *type);

    const bool isVoid = reply.status == core::DnsStatus::NxDomain || reply.status == core::DnsStatus::NoData ||
                        (reply.status == core::DnsStatus::Ok && count == 0);
    if (term && isVoid && !evaluation.budget.recordVoid()) {
        return stopEvaluation(evaluation, "more than 2 void lookups");
    }
    switch (reply.status) {
        case core::DnsStatus::Ok:
            break;
        case core::DnsStatus::NoData:
            return withStatus(LayerStatus::NoData);
        case core::DnsStatus::NxDomain:
            return withStatus(LayerStatus::NotFound);
        case core::DnsStatus::ServFail:
        case core::DnsStatus::Timeout:
        case core::DnsStatus::Malformed:
            // §5.5: a DNS error looking up one of a ptr's names skips that name.
            if (follows == SpfLookupBudget::Follows::PtrName) return withStatus(LayerStatus::NoData);
            evaluation.trouble = std::string(core::describe(reply.status)) + " for " + target;
            return withStatus(LayerStatus::TryAgain);
    }
    if (count == 0) return withStatus(LayerStatus::NoData);
    if (*type == RrType::Mx && term && count > SpfLookupBudget::maxMxNames) {
        return stopEvaluation(evaluation, "MX of " + target + " lists more than 10 names");
    }
    return recordsOf(evaluation, reply, *type, stripped.has_value(), term);
}

SPF_dns_stat_t herrnoOf(LayerStatus status) {
    switch (status) {
        case LayerStatus::Records: return NETDB_SUCCESS;
        case LayerStatus::NoData: return NO_DATA;
        case LayerStatus::NotFound: return HOST_NOT_FOUND;
        case LayerStatus::TryAgain: return TRY_AGAIN;
    }
    return TRY_AGAIN;
}

bool setRecord(SPF_dns_rr_t* rr, int index, const void* bytes, std::size_t length) {
    if (SPF_dns_rr_buf_realloc(rr, index, length) != SPF_E_SUCCESS) return false;
    std::memcpy(rr->rr[index], bytes, length);
    return true;
}

bool fill(SPF_dns_rr_t* rr, const LayerAnswer& answer) {
    int index = 0;
    for (const auto& octets : answer.a) {
        if (!setRecord(rr, index++, octets.data(), octets.size())) return false;
    }
    for (const auto& octets : answer.aaaa) {
        if (!setRecord(rr, index++, octets.data(), octets.size())) return false;
    }
    for (const auto& name : answer.names) {
        if (!setRecord(rr, index++, name.c_str(), name.size() + 1)) return false;
    }
    rr->num_rr = index;
    return true;
}

SPF_dns_rr_t* toRr(SPF_dns_server_t* server, const char* domain, ns_type type, const LayerAnswer& answer) {
    SPF_dns_rr_t* rr = SPF_dns_rr_new_init(server, domain, type, 0, herrnoOf(answer.status));
    if (rr == nullptr || answer.status != LayerStatus::Records || fill(rr, answer)) return rr;
    SPF_dns_rr_free(rr);
    return SPF_dns_rr_new_init(server, domain, type, 0, TRY_AGAIN);
}

SPF_dns_rr_t* lookupCallback(SPF_dns_server_t* server, const char* domain, ns_type type, int) {
    try {
        Evaluation* evaluation = tCurrent;
        const LayerAnswer answer = evaluation != nullptr
                                       ? resolve(*evaluation, domain != nullptr ? domain : "", type)
                                       : withStatus(LayerStatus::TryAgain);
        return toRr(server, domain, type, answer);
    } catch (...) {
        return SPF_dns_rr_new_init(server, domain, type, 0, TRY_AGAIN);
    }
}

// include: and redirect= targets: one DNS-querying term each.
SPF_errcode_t getSpfCallback(SPF_server_t* server, SPF_request_t* request, SPF_response_t* response,
                             SPF_record_t** record) {
    if (record == nullptr) return SPF_E_INTERNAL_ERROR;
    *record = nullptr;
    try {
        Evaluation* evaluation = tCurrent;
        if (evaluation == nullptr || request == nullptr || request->cur_dom == nullptr) return SPF_E_NOT_CONFIG;
        if (evaluation->stop) return SPF_E_DNS_ERROR;
        if (!evaluation->budget.startTerm()) {
            stopEvaluation(*evaluation, "more than 10 DNS-querying terms");
            return SPF_E_DNS_ERROR;
        }
        const FetchedRecord fetched = fetchRecord(*evaluation, request->cur_dom);
        switch (fetched.status) {
            case FetchStatus::Found:
                return compileRecord(*evaluation, server, response, fetched, record);
            case FetchStatus::NoRecord:
                evaluation->problem = fetched.detail;
                return SPF_E_NOT_SPF;
            case FetchStatus::DnsTrouble:
                evaluation->trouble = fetched.detail;
                return SPF_E_DNS_ERROR;
            case FetchStatus::MultipleRecords:
                evaluation->problem = fetched.detail;
                return SPF_E_MULTIPLE_RECORDS;
            case FetchStatus::InvalidRecord:
                evaluation->problem = fetched.detail;
                return SPF_E_SYNTAX;
        }
        return SPF_E_INTERNAL_ERROR;
    } catch (...) {
        return SPF_E_INTERNAL_ERROR;
    }
}

// exp= lookups (and the %{p} work they may need) count against no limit (§4.6.4).
class ExplanationPhase {
public:
    explicit ExplanationPhase(Evaluation& evaluation) : evaluation_(evaluation), was_(evaluation.inExplanation) {
        evaluation_.inExplanation = true;
    }
    ~ExplanationPhase() { evaluation_.inExplanation = was_; }
    ExplanationPhase(const ExplanationPhase&) = delete;
    ExplanationPhase& operator=(const ExplanationPhase&) = delete;

private:
    Evaluation& evaluation_;
    bool was_;
};

SPF_errcode_t getExpCallback(SPF_server_t* server, const char* domain, char** buffer, std::size_t* length) {
    try {
        Evaluation* evaluation = tCurrent;
        if (evaluation == nullptr || domain == nullptr || buffer == nullptr || length == nullptr) {
            return SPF_E_NOT_CONFIG;
        }
        const ExplanationPhase phase(*evaluation);
        return explain(*evaluation, server, domain, buffer, length);
    } catch (...) {
        return SPF_E_INTERNAL_ERROR;
    }
}

}  // namespace

ScopedEvaluation::ScopedEvaluation(Evaluation& evaluation) : previous_(tCurrent) { tCurrent = &evaluation; }

ScopedEvaluation::~ScopedEvaluation() { tCurrent = previous_; }

SPF_dns_server_t* dnsLayer() {
    static SPF_dns_server_t layer = [] {
        SPF_dns_server_t server{};
        server.destroy = nullptr;  // shared by every SPF_server_t: never freed by libspf2
        server.lookup = lookupCallback;
        server.get_spf = getSpfCallback;
        server.get_exp = getExpCallback;
        server.add_cache = nullptr;
        server.layer_below = nullptr;
        server.name = "dmarc-milter";
        server.debug = 0;
        server.hook = nullptr;
        return server;
    }();
    return &layer;
}

std::string queryName(std::string_view name) {
    std::string out;
    out.reserve(name.size());
    for (char c : name) out.push_back((c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c);
    if (!out.empty() && out.back() == '.') out.pop_back();
    while (out.size() > kMaxNameOctets) {
        const std::size_t dot = out.find('.');
        if (dot == std::string::npos) break;
        out.erase(0, dot + 1);
    }
    return out;
}

bool isQueryableName(std::string_view name) {
    if (name.empty() || name.size() > kMaxNameOctets) return false;
    std::size_t start = 0;
    while (true) {
        const std::size_t dot = name.find('.', start);
        const std::size_t end = dot == std::string_view::npos ? name.size() : dot;
        if (end == start || end - start > kMaxLabelOctets) return false;
        if (dot == std::string_view::npos) return true;
        start = dot + 1;
    }
}

}  // namespace dmarc::adapters::spf2
