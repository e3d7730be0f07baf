// libopendkim's DNS hooks, served by the verifier's DnsLookup. The start hook only records
// the query (the lookup itself was started by the prescreen's prefetch, so all keys of a
// message resolve in parallel); the wait hook blocks in DnsLookup::lookup until the
// message's deadline and hands libopendkim a reply rebuilt from the records
// (dkim_key_reply.h). Timeouts are DKIM_DNS_EXPIRED and SERVFAIL/REFUSED/garbage
// DKIM_DNS_ERROR, which libopendkim turns into a key-fetch failure (temperror), never into
// "no key". Every hook is noexcept: nothing unwinds into libopendkim's C frames.
#include <algorithm>
#include <chrono>

#include "adapters/dkim_key_reply.h"
#include "adapters/opendkim_internal.h"

namespace dmarc::adapters::opendkim {
namespace {

constexpr int typeTxt = 16;

thread_local MessageState* tCurrent = nullptr;

Deadline earliest(Deadline deadline, const struct timeval* timeout) {
    if (timeout == nullptr) return deadline;
    const auto wait = std::chrono::seconds(timeout->tv_sec) + std::chrono::microseconds(timeout->tv_usec);
    return std::min(deadline, std::chrono::steady_clock::now() + wait);
}

int startQuery(void*, int type, unsigned char* query, unsigned char* buffer, std::size_t capacity,
               void** handle) noexcept {
    MessageState* message = tCurrent;
    if (message == nullptr || type != typeTxt || query == nullptr || buffer == nullptr || handle == nullptr) {
        return -1;
    }
    try {
        auto started = std::make_unique<KeyQuery>();
        started->message = message;
        started->name = reinterpret_cast<const char*>(query);
        started->buffer = buffer;
        started->capacity = capacity;
        *handle = started.get();
        message->queries.push_back(std::move(started));
        return 0;
    } catch (...) {
        return -1;
    }
}

int cancelQuery(void*, void*) noexcept { return 0; }  // queries live as long as their message

int waitReply(void* service, void* handle, struct timeval* timeout, std::size_t* bytes, int* error,
              int* dnssec) noexcept {
    if (dnssec != nullptr) *dnssec = DKIM_DNSSEC_UNKNOWN;
    if (error != nullptr) *error = 0;
    auto* library = static_cast<Library*>(service);
    auto* query = static_cast<KeyQuery*>(handle);
    if (library == nullptr || query == nullptr || bytes == nullptr) return DKIM_DNS_ERROR;
    try {
        MessageState& message = *query->message;
        const DnsReply reply = library->dns.lookup(query->name, RrType::Txt, earliest(message.deadline, timeout));
        KeyLookup& outcome = message.lookups[lowerCase(query->name)];
        outcome.status = reply.status;
        switch (reply.status) {
            case core::DnsStatus::Ok:
            case core::DnsStatus::NoData:
            case core::DnsStatus::NxDomain: {
                const std::size_t written = writeKeyReply(query->name, reply, query->buffer, query->capacity);
                if (written == 0) {
                    outcome.tooLarge = true;
                    return DKIM_DNS_ERROR;
                }
                *bytes = written;
                return DKIM_DNS_SUCCESS;
            }
            case core::DnsStatus::Timeout: return DKIM_DNS_EXPIRED;
            case core::DnsStatus::ServFail:
            case core::DnsStatus::Malformed: return DKIM_DNS_ERROR;
        }
        return DKIM_DNS_ERROR;
    } catch (...) {
        return DKIM_DNS_ERROR;
    }
}

}  // namespace

CurrentMessage::CurrentMessage(MessageState& message) : previous_(tCurrent) { tCurrent = &message; }
CurrentMessage::~CurrentMessage() { tCurrent = previous_; }

void installDnsHooks(Library& library) {
    // A service handle of our own means libopendkim never runs its resolver init; no close
    // hook, so dkim_close does not hand our handle to res_nclose.
    dkim_dns_set_query_service(library.lib, &library);
    dkim_dns_set_init(library.lib, nullptr);
    dkim_dns_set_close(library.lib, nullptr);
    dkim_dns_set_query_start(library.lib, startQuery);
    dkim_dns_set_query_cancel(library.lib, cancelQuery);
    dkim_dns_set_query_waitreply(library.lib, waitReply);
}

}  // namespace dmarc::adapters::opendkim
