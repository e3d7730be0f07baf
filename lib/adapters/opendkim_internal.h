// Internals shared by the libopendkim adapter's files (opendkim_verifier.cpp: library and
// message handling, opendkim_dns.cpp: the DNS hooks, opendkim_results.cpp: per-signature
// results). The only header that includes <opendkim/dkim.h>; not for use outside them.
//
// Thread contract: Library is immutable after creation and shared by every message;
// MessageState belongs to one message, used by one thread at a time. libopendkim's DNS
// start hook gets no message handle: the message whose libopendkim call is running on
// this thread is found through CurrentMessage (a thread_local set around each call).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

// dkim.h declares C99 _Bool parameters; C++ spells the type bool (same ABI).
#define _Bool bool
#include <opendkim/dkim.h>
#undef _Bool

#include "adapters/dkim_signature_tags.h"
#include "adapters/opendkim_verifier.h"

namespace dmarc::adapters::opendkim {

// Per-message limits (untrusted input: bound the work libopendkim may be asked to do).
inline constexpr std::size_t maxSignatureFields = 50;
inline constexpr std::size_t maxHeaderFields = 1000;
inline constexpr std::size_t maxHeaderBytes = 1024 * 1024;
inline constexpr std::size_t maxCheckedSignatures = 64;
// RFC 8301 §3.2: RSA keys under this size never pass.
inline constexpr unsigned minRsaKeyBits = 1024;

struct Library {
    Library(DKIM_LIB* handle, DnsLookup& lookup, OpendkimOptions settings);
    ~Library();
    Library(const Library&) = delete;
    Library& operator=(const Library&) = delete;

    void log(std::string_view id, std::string_view text) const;

    DKIM_LIB* const lib;
    DnsLookup& dns;
    const OpendkimOptions options;
};

struct MessageState;

// One DNS query libopendkim started (opendkim_dns.cpp); owned by its message, because
// libopendkim's cancel hook is not called when a key fetch stops early.
struct KeyQuery {
    MessageState* message = nullptr;
    std::string name;
    unsigned char* buffer = nullptr;
    std::size_t capacity = 0;
};

// What a key lookup came to, keyed by the lower-case query name: the reason text of a
// signature whose key fetch failed says which DNS answer it got.
struct KeyLookup {
    core::DnsStatus status = core::DnsStatus::Timeout;
    bool tooLarge = false;  // a definite answer too big to hand to libopendkim
};

// One DKIM-Signature field of the message, in header order.
struct SignatureField {
    SignatureTags tags;
    bool fed = false;         // given to libopendkim: its siginfo is the n-th fed field
    std::string notChecked;   // the prescreen left it out (over maxSignatures)
};

struct MessageState {
    std::shared_ptr<const Library> library;
    std::string id;
    DKIM* handle = nullptr;
    enum class Stage { Headers, Body, Done } stage = Stage::Headers;

    std::vector<SignatureField> fields;
    std::size_t fedFields = 0;
    std::size_t droppedFields = 0;  // DKIM-Signature fields beyond maxSignatureFields
    std::size_t headerFields = 0;
    std::size_t headerBytes = 0;
    std::string overLimit;  // set when the header is over our limits: nothing is checked
    bool loggedHeaderError = false;

    std::string authorDomain;
    Deadline deadline = noDeadline;
    bool verifying = false;  // dkim_eoh returned OK: the body and dkim_eom are worth running
    std::string failure;     // libopendkim failed for the whole message: why

    std::vector<std::unique_ptr<KeyQuery>> queries;
    std::map<std::string, KeyLookup> lookups;
    std::vector<DkimSignatureResult> results;

    ~MessageState();
    void log(std::string_view text) const { library->log(id, text); }
};

// The key record name libopendkim asks for a signature: "<s>._domainkey.<d>".
std::string keyName(std::string_view selector, std::string_view domain);
std::string lowerCase(std::string_view text);

// Makes `message` the one libopendkim calls on this thread belong to, for a scope.
class CurrentMessage {
public:
    explicit CurrentMessage(MessageState& message);
    ~CurrentMessage();
    CurrentMessage(const CurrentMessage&) = delete;
    CurrentMessage& operator=(const CurrentMessage&) = delete;

private:
    MessageState* previous_;
};

// Points libopendkim's DNS hooks at `library` (opendkim_dns.cpp).
void installDnsHooks(Library& library);

// The result of one fed signature from its libopendkim siginfo (opendkim_results.cpp).
// `base` carries the tag values read by us; the result, reason and key facts are added.
DkimSignatureResult resultOf(DKIM_SIGINFO* sig, const MessageState& message, DkimSignatureResult base);

}  // namespace dmarc::adapters::opendkim
