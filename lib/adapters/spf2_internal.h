// Private to the libspf2 adapter (spf2_*.cpp); never include it from elsewhere: it is the
// one header that carries libspf2's C types. It includes libspf2 the way it must be
// included (system headers first, no extern "C" of its own), and declares the per-
// evaluation state the DNS callbacks reach through a thread_local, record fetching
// (shared by the top-level check and include/redirect), and the DNS layer itself.
// Thread contract: an Evaluation belongs to the thread that runs it.
#pragma once

#include <netinet/in.h>
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <netdb.h>

extern "C" {
#include <spf2/spf.h>
}

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "adapters/dns_lookup.h"
#include "adapters/spf_lookup_budget.h"
#include "core/spf_address.h"
#include "core/spf_record.h"
#include "core/verdict.h"

namespace dmarc::adapters::spf2 {

// What ends an evaluation early with a result of our choosing (a §4.6.4 limit).
struct Stop {
    core::SpfResult result = core::SpfResult::PermError;
    std::string reason;
};

struct Evaluation {
    Evaluation(DnsLookup& lookup, Deadline until, core::ClientIp ip) : dns(lookup), deadline(until), client(ip) {}

    DnsLookup& dns;
    Deadline deadline;
    core::ClientIp client;
    SPF_request_t* request = nullptr;
    SpfLookupBudget budget;
    std::optional<Stop> stop;     // once set, every further query fails fast
    std::string trouble;          // the DNS trouble behind a temperror
    std::string problem;          // the record problem behind a permerror
    bool inExplanation = false;   // exp= work: counts against no limit
    // exp= TXT per name: the usable text, or nullopt when there is none (§6.2).
    std::map<std::string, std::optional<std::string>> explanations;
};

// Makes `evaluation` the one the DNS callbacks of this thread serve, until destroyed.
class ScopedEvaluation {
public:
    explicit ScopedEvaluation(Evaluation& evaluation);
    ~ScopedEvaluation();
    ScopedEvaluation(const ScopedEvaluation&) = delete;
    ScopedEvaluation& operator=(const ScopedEvaluation&) = delete;

private:
    Evaluation* previous_;
};

enum class FetchStatus { Found, NoRecord, DnsTrouble, MultipleRecords, InvalidRecord };

struct FetchedRecord {
    FetchStatus status = FetchStatus::NoRecord;
    std::string text;    // Found: the record rewritten for libspf2
    std::string detail;  // otherwise: why, for SpfOutcome::reason
    core::MacroUsage macros;
};

// RFC 7208 §4.4/§4.5 record lookup and selection for `domain`, then validation and the
// libspf2 rewrite. Counts against no limit (the caller decides whether it is a term).
FetchedRecord fetchRecord(Evaluation& evaluation, std::string_view domain);
// Compiles a Found record for libspf2; first fills in %{p} if the record needs it.
// Errors are libspf2 error codes; the reason is left in evaluation.problem.
SPF_errcode_t compileRecord(Evaluation& evaluation, SPF_server_t* server, SPF_response_t* response,
                            const FetchedRecord& fetched, SPF_record_t** record);

// The exp= text for `domain`, macro-expanded for the current request into *buffer
// (libspf2's get_exp hook). Fails (no explanation) when §6.2 says to ignore it.
SPF_errcode_t explain(Evaluation& evaluation, SPF_server_t* server, std::string_view domain, char** buffer,
                      std::size_t* length);

// The DNS layer every SPF_server_t of ours uses (shared, never freed: no destructor).
SPF_dns_server_t* dnsLayer();

// Points libspf2's process-wide log handlers at setSpf2LogSink's sink (once).
void installLogHandlers();

// Lower case, without one trailing dot, and cut from the left to at most 253 octets by
// whole labels (RFC 7208 §7.3: how an over-long macro expansion is queried).
std::string queryName(std::string_view name);
// A name DNS can carry: 1..253 octets, labels of 1..63 octets.
bool isQueryableName(std::string_view name);

}  // namespace dmarc::adapters::spf2
