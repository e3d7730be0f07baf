// OpendkimVerifier: DKIM verification (RFC 6376, Ed25519 RFC 8463) by libopendkim 2.11,
// with every key lookup going through a DnsLookup (CaresResolver in production) and with
// the library's gaps closed around it:
//  - per-signature results only: a signature passes when libopendkim says it verified AND
//    its body hash matched; the library's overall status is never used;
//  - RFC 8301: rsa-sha1 and RSA keys under 1024 bits never pass (result policy; a signature
//    that does not verify is still fail); v= other than "1" (pre-RFC drafts, v=0.5) is
//    permerror; DomainKey-Signature (RFC 4870) is not DKIM and is ignored;
//  - DNS trouble (timeout, SERVFAIL, REFUSED) is temperror, never "no key";
//  - work per message is bounded: at most maxSignatures signatures are checked (those whose
//    d= is the author domain, its parent or its child first), and all their key lookups are
//    started at once (DnsLookup::prefetch) when the header ends; checks run at the end of
//    the message (DKIM_LIBFLAGS_DELAYSIGPROC), bounded by one deadline per message. More
//    than 50 DKIM-Signature fields, 1000 header fields or 1 MiB of header are not checked.
// An unsigned message gives an empty list (RFC 8601 dkim=none).
//
// Thread contract: one libopendkim library handle per verifier; startMessage may be called
// from any number of threads at once. A OpendkimMessage is used by one thread at a time
// (it may move between threads between calls, as libmilter's worker pool does). The
// DnsLookup must be thread-safe and outlive the verifier and its messages; a message may
// outlive its verifier.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/dkim_result.h"
#include "adapters/dns_lookup.h"
#include "core/result.h"

namespace dmarc::adapters {

struct OpendkimOptions {
    // Signatures checked per message (1-64); the others are neutral "not checked".
    std::size_t maxSignatures = 8;
    // How long the key lookups of one message may take, counted from endOfHeaders.
    std::chrono::milliseconds keyLookupTimeout{5000};
    // libopendkim's own diagnostics (its error text per message, OpenSSL errors per
    // signature), prefixed with the message id. Called from the message's thread; must be
    // thread-safe. Untrusted text: sanitise before logging. Empty: dropped.
    std::function<void(std::string_view)> log;
};

namespace opendkim {
struct Library;
struct MessageState;
}  // namespace opendkim

// One message being verified. Feed it in order: header() for every header field,
// endOfHeaders() once, body() for every chunk, endOfMessage() once. Out-of-order calls are
// tolerated (a missing endOfHeaders is implied; calls after endOfMessage are ignored).
class OpendkimMessage {
public:
    ~OpendkimMessage();
    OpendkimMessage(const OpendkimMessage&) = delete;
    OpendkimMessage& operator=(const OpendkimMessage&) = delete;

    // One header field: `name` without the colon, `value` everything after the colon exactly
    // as received (leading space kept: libmilter's SMFIP_HDR_LEADSPC). Folds may use bare LF
    // (as libmilter passes them) or CRLF; both are fed to libopendkim as CRLF.
    void header(std::string_view name, std::string_view value);
    // End of the header: the signatures to check are chosen and their key lookups started.
    // `authorDomain`: the RFC5322.From domain if known (orders aligned signatures first).
    void endOfHeaders(std::string_view authorDomain = {});
    // A piece of the body, CRLF line ends, in order; chunk boundaries do not matter.
    void body(std::string_view chunk);
    // Verifies and returns one result per DKIM-Signature field, in header order. Blocks at
    // most until the message's key-lookup deadline. A second call returns the same list.
    std::vector<DkimSignatureResult> endOfMessage();

private:
    friend class OpendkimVerifier;
    explicit OpendkimMessage(std::unique_ptr<opendkim::MessageState> state);
    std::unique_ptr<opendkim::MessageState> state_;
};

class OpendkimVerifier {
public:
    // Fails (with the reason) on invalid options or when libopendkim cannot be set up.
    static core::Result<std::unique_ptr<OpendkimVerifier>, std::string> create(DnsLookup& dns,
                                                                               OpendkimOptions options = {});
    ~OpendkimVerifier();
    OpendkimVerifier(const OpendkimVerifier&) = delete;
    OpendkimVerifier& operator=(const OpendkimVerifier&) = delete;

    // A new message; `id` names it in log lines (e.g. the queue id, cut to 64 octets). When
    // libopendkim cannot allocate a handle, every signature of the message is temperror;
    // null only when out of memory.
    std::unique_ptr<OpendkimMessage> startMessage(std::string_view id = {}) const;

private:
    explicit OpendkimVerifier(std::shared_ptr<opendkim::Library> library);
    std::shared_ptr<opendkim::Library> library_;
};

}  // namespace dmarc::adapters
