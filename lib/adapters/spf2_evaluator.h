// Spf2Evaluator: RFC 7208 check_host() for one SMTP client, evaluated by libspf2 1.2.10 with
// all DNS going through a DnsLookup (CaresResolver in production) and with the library's
// known gaps closed around it:
//  - every SPF record is fetched by us (TXT only; type SPF is never asked) and checked by
//    core::parseSpfRecord before libspf2 compiles anything: an invalid record is permerror
//    and never reaches libspf2's record compiler; what libspf2 compiles is our canonical
//    rewrite of the validated record (spf2_record_text.h: /0 CIDRs, redirect with all);
//  - §4.6.4 limits are enforced here: 10 DNS-querying terms across includes, 2 void
//    lookups, more than 10 MX names → permerror, PTR names beyond 10 ignored;
//  - IPv4-mapped IPv6 clients are IPv4; loopback clients are evaluated like any other
//    (libspf2's own entry points pass 127/8 and ::1 without reading the record);
//  - a null MAIL FROM is checked as postmaster@HELO (scope helo); HELO is set first;
//  - libspf2's "(invalid)" result becomes temperror (DNS trouble) or permerror.
// libspf2's process-wide log handlers are routed to setSpf2LogSink (nothing on stderr);
// its fatal-error handler logs and aborts (it must not return; our DNS layer never hands
// libspf2 the NULL that would trigger it).
//
// Thread contract: const member functions may run concurrently. libspf2 state is per
// thread (one SPF_server_t per thread, created on first use), and the DNS callback finds
// the running evaluation through a thread_local set for the duration of the synchronous
// call. The DnsLookup must be thread-safe and outlive the evaluator.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>

#include "adapters/dns_lookup.h"
#include "core/verdict.h"

namespace dmarc::adapters {

struct SpfRequest {
    std::string clientIp;  // "192.0.2.1", "2001:db8::1", "::ffff:192.0.2.1" (→ IPv4)
    std::string helo;      // the HELO/EHLO argument as sent (cut to 255 octets)
    std::string mailFrom;  // MAIL FROM address without "<>"; empty for the null reverse-path
};

struct SpfOutcome {
    core::SpfResult result = core::SpfResult::None;
    // The checked identity's domain (lower-case A-label form when valid, else as given, cut
    // to 255 octets); empty when there was none. Untrusted: sanitise before logging.
    std::string domain;
    core::SpfScope scope = core::SpfScope::MailFrom;
    // The domain's exp= text (RFC 7208 §6.2), for fail only; empty when it gave none.
    // Untrusted text: sanitise before putting it in a reply or a log.
    std::string explanation;
    // Why, in a few words: "mechanism matched", "no SPF record", "DNS timeout for …",
    // "invalid SPF record at …: term 2 …", "more than 10 DNS-querying terms", …
    std::string reason;
};

struct Spf2Options {
    // %{r}: the receiving host's domain name.
    std::string receiver = "unknown";
    // RFC 7208 §4.6.4: at least 20 seconds for a whole check_host(); then temperror.
    std::chrono::milliseconds timeout{20000};
};

class Spf2Evaluator {
public:
    explicit Spf2Evaluator(DnsLookup& dns, Spf2Options options = {});

    // The MAIL FROM identity (RFC 7208 §2.4). A null reverse-path checks postmaster@HELO and
    // reports scope helo with the HELO domain; otherwise scope mfrom with the sender's
    // domain ("@example.net" and a missing local-part mean postmaster).
    SpfOutcome checkMailFrom(const SpfRequest& request) const;
    // The HELO identity (RFC 7208 §2.3): postmaster@HELO, scope helo.
    SpfOutcome checkHelo(const SpfRequest& request) const;

private:
    DnsLookup& dns_;
    Spf2Options options_;
};

enum class Spf2LogLevel { Error, Warning, Info, Debug };
using Spf2LogSink = std::function<void(Spf2LogLevel, std::string_view message)>;

// Where libspf2's messages go (process-wide, like libspf2's handlers). Without a sink, or
// with an empty one, they are dropped. Thread-safe; the sink may be called from any
// evaluating thread and must be thread-safe itself.
void setSpf2LogSink(Spf2LogSink sink);

}  // namespace dmarc::adapters
