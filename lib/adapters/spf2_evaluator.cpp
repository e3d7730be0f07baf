// Spf2Evaluator (see spf2_evaluator.h): works out the identity to check, then runs
// check_host() through libspf2 on this thread's SPF_server_t, with the top-level record
// fetched, validated and rewritten by us (spf2_records.cpp) and every DNS query answered
// by our layer (spf2_dns_layer.cpp). libspf2's request entry points are bypassed on
// purpose: SPF_request_query_mailfrom() passes loopback clients without reading the
// record and leaves "(invalid)" results; SPF_record_interpret() does neither.
#include "adapters/spf2_evaluator.h"

#include <cstring>
#include <memory>

#include "adapters/spf2_internal.h"
#include "core/domain_name.h"
#include "core/spf_address.h"

namespace dmarc::adapters {
namespace {

using core::SpfResult;
using core::SpfScope;

constexpr std::size_t kMaxHeloOctets = 255;         // RFC 5321 §4.5.3.1.2: a domain
constexpr std::size_t kMaxMailFromOctets = 512;     // far above RFC 5321's 64 + 1 + 255
// libspf2 checks its own term count per include; ours (SpfLookupBudget) is the one that
// holds, so libspf2's must never fire first.
constexpr int kLibspf2TermLimit = 1000;

struct ServerFree {
    void operator()(SPF_server_t* server) const { SPF_server_free(server); }
};
struct RequestFree {
    void operator()(SPF_request_t* request) const { SPF_request_free(request); }
};
struct ResponseFree {
    void operator()(SPF_response_t* response) const { SPF_response_free(response); }
};

// One SPF_server_t per thread: libspf2 servers are not shared between threads, and
// creating one per check would compile libspf2's defaults every time.
SPF_server_t* threadServer() {
    thread_local std::unique_ptr<SPF_server_t, ServerFree> server;
    if (!server) {
        spf2::installLogHandlers();
        server.reset(SPF_server_new_dns(spf2::dnsLayer(), 0));
        if (!server) return nullptr;
        // No built-in explanation: SpfOutcome::explanation is only ever the domain's own.
        SPF_response_t* messages = nullptr;
        SPF_server_set_explanation(server.get(), "", &messages);
        if (messages != nullptr) SPF_response_free(messages);
        SPF_server_set_max_dns_mech(server.get(), kLibspf2TermLimit);
    }
    return server.get();
}

struct Identity {
    std::string local;   // "postmaster" when there is none
    std::string domain;  // as given
    SpfScope scope = SpfScope::MailFrom;
};

SpfOutcome outcome(SpfResult result, std::string domain, SpfScope scope, std::string reason) {
    SpfOutcome out;
    out.result = result;
    out.domain = std::move(domain);
    out.scope = scope;
    out.reason = std::move(reason);
    return out;
}

void setClient(SPF_request_t* request, const core::ClientIp& ip) {
    if (ip.v4) {
        in_addr address{};
        std::memcpy(&address, ip.octets.data(), sizeof(address));
        SPF_request_set_ipv4(request, address);
    } else {
        in6_addr address{};
        std::memcpy(&address, ip.octets.data(), sizeof(address));
        SPF_request_set_ipv6(request, address);
    }
}

SpfOutcome readResponse(const spf2::Evaluation& evaluation, SPF_response_t* response, SpfOutcome out) {
    if (evaluation.stop) {
        out.result = evaluation.stop->result;
        out.reason = evaluation.stop->reason;
        return out;
    }
    const SPF_errcode_t error = SPF_response_errcode(response);
    const auto troubleOr = [&](const std::string& why) { return why.empty() ? std::string(SPF_strerror(error)) : why; };
    const bool byDefault = SPF_response_reason(response) == SPF_REASON_DEFAULT;
    switch (SPF_response_result(response)) {
        case SPF_RESULT_PASS: out.result = SpfResult::Pass; break;
        case SPF_RESULT_FAIL: out.result = SpfResult::Fail; break;
        case SPF_RESULT_SOFTFAIL: out.result = SpfResult::SoftFail; break;
        case SPF_RESULT_NEUTRAL: out.result = SpfResult::Neutral; break;
        case SPF_RESULT_NONE:
            out.result = SpfResult::None;
            out.reason = "no SPF record";
            return out;
        case SPF_RESULT_TEMPERROR:
            out.result = SpfResult::TempError;
            out.reason = troubleOr(evaluation.trouble);
            return out;
        case SPF_RESULT_PERMERROR:
            out.result = SpfResult::PermError;
            out.reason = troubleOr(evaluation.problem);
            return out;
        case SPF_RESULT_INVALID:
        default:
            // libspf2's "(invalid)": DNS trouble is temporary, anything else is not.
            out.result = error == SPF_E_DNS_ERROR ? SpfResult::TempError : SpfResult::PermError;
            out.reason = troubleOr(error == SPF_E_DNS_ERROR ? evaluation.trouble : evaluation.problem);
            return out;
    }
    out.reason = byDefault ? "no mechanism matched" : "mechanism matched";
    if (out.result == SpfResult::Fail) {
        const char* explanation = SPF_response_get_explanation(response);
        if (explanation != nullptr) out.explanation = explanation;
    }
    return out;
}

SpfOutcome evaluate(DnsLookup& dns, const Spf2Options& options, const SpfRequest& input, const Identity& identity) {
    const std::string shownDomain = identity.domain.substr(0, kMaxHeloOctets);
    const auto client = core::parseClientIp(input.clientIp);
    if (!client) return outcome(SpfResult::PermError, shownDomain, identity.scope, "client address is not an IP address");
    // RFC 7208 §4.3: a malformed or single-label domain has no SPF record to check.
    const auto domain = core::DomainName::parseDnsName(identity.domain);
    if (!domain) {
        return outcome(SpfResult::None, shownDomain, identity.scope,
                       "not a valid domain name (" + std::string(core::describe(domain.error())) + ")");
    }
    if (domain->labelCount() < 2) {
        return outcome(SpfResult::None, domain->str(), identity.scope, "not a multi-label domain name");
    }
    SpfOutcome out = outcome(SpfResult::None, domain->str(), identity.scope, {});

    spf2::Evaluation evaluation(dns, std::chrono::steady_clock::now() + options.timeout, *client);
    const spf2::ScopedEvaluation scoped(evaluation);
    SPF_server_t* server = threadServer();
    if (server == nullptr) return outcome(SpfResult::TempError, out.domain, out.scope, "libspf2 unavailable");
    SPF_server_set_rec_dom(server, options.receiver.c_str());
    const std::unique_ptr<SPF_request_t, RequestFree> request(SPF_request_new(server));
    if (!request) return outcome(SpfResult::TempError, out.domain, out.scope, "out of memory");
    setClient(request.get(), *client);
    // HELO first: libspf2 derives the sender from it when MAIL FROM is empty.
    SPF_request_set_helo_dom(request.get(), input.helo.substr(0, kMaxHeloOctets).c_str());
    SPF_request_set_env_from(request.get(), (identity.local + "@" + domain->str()).c_str());
    if (request->env_from_dp == nullptr) return outcome(SpfResult::TempError, out.domain, out.scope, "out of memory");
    request->cur_dom = request->env_from_dp;
    evaluation.request = request.get();

    const spf2::FetchedRecord fetched = spf2::fetchRecord(evaluation, domain->str());
    switch (fetched.status) {
        case spf2::FetchStatus::Found: break;
        case spf2::FetchStatus::NoRecord: return outcome(SpfResult::None, out.domain, out.scope, fetched.detail);
        case spf2::FetchStatus::DnsTrouble: return outcome(SpfResult::TempError, out.domain, out.scope, fetched.detail);
        case spf2::FetchStatus::MultipleRecords:
        case spf2::FetchStatus::InvalidRecord:
            return outcome(SpfResult::PermError, out.domain, out.scope, fetched.detail);
    }
    const std::unique_ptr<SPF_response_t, ResponseFree> response(SPF_response_new(request.get()));
    if (!response) return outcome(SpfResult::TempError, out.domain, out.scope, "out of memory");
    SPF_record_t* record = nullptr;
    if (spf2::compileRecord(evaluation, server, response.get(), fetched, &record) != SPF_E_SUCCESS) {
        return outcome(SpfResult::PermError, out.domain, out.scope, evaluation.problem);
    }
    response->spf_record_exp = record;
    SPF_record_interpret(record, request.get(), response.get(), 0);
    SPF_record_free(record);
    return readResponse(evaluation, response.get(), std::move(out));
}

SpfOutcome guarded(DnsLookup& dns, const Spf2Options& options, const SpfRequest& input, const Identity& identity) {
    try {
        return evaluate(dns, options, input, identity);
    } catch (...) {
        SpfOutcome out;
        out.result = SpfResult::TempError;
        out.scope = identity.scope;
        out.reason = "internal error";
        return out;
    }
}

}  // namespace

Spf2Evaluator::Spf2Evaluator(DnsLookup& dns, Spf2Options options) : dns_(dns), options_(std::move(options)) {
    try {
        spf2::installLogHandlers();
    } catch (...) {
        // std::call_once failed: the first evaluation on each thread tries again.
    }
}

SpfOutcome Spf2Evaluator::checkMailFrom(const SpfRequest& request) const {
    try {
        if (request.mailFrom.empty()) return checkHelo(request);
        if (request.mailFrom.size() > kMaxMailFromOctets) {
            return outcome(SpfResult::None, {}, SpfScope::MailFrom, "MAIL FROM too long");
        }
        Identity identity;
        const std::size_t at = request.mailFrom.rfind('@');
        if (at != std::string::npos) {
            identity.local = request.mailFrom.substr(0, at);
            identity.domain = request.mailFrom.substr(at + 1);
        } else {
            identity.domain = request.mailFrom;  // no local-part at all, as libspf2 reads it
        }
        // RFC 7208 §4.3: a sender without a local-part is postmaster.
        if (identity.local.empty()) identity.local = "postmaster";
        return guarded(dns_, options_, request, identity);
    } catch (...) {
        return outcome(SpfResult::TempError, {}, SpfScope::MailFrom, "internal error");
    }
}

SpfOutcome Spf2Evaluator::checkHelo(const SpfRequest& request) const {
    try {
        Identity identity{"postmaster", request.helo.substr(0, kMaxHeloOctets), SpfScope::Helo};
        return guarded(dns_, options_, request, identity);
    } catch (...) {
        return outcome(SpfResult::TempError, {}, SpfScope::Helo, "internal error");
    }
}

}  // namespace dmarc::adapters
