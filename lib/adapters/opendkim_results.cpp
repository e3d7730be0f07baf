// One signature's RFC 8601 result from libopendkim's per-signature facts: its error code,
// its flags (PROCESSED, PASSED, TESTKEY) and its body-hash state. A pass needs PASSED and a
// matching body hash with no error; then RFC 8301 is applied (rsa-sha1 and RSA keys under
// 1024 bits become policy). Key-fetch failures are told apart by the DNS answer the key
// lookup got (MessageState::lookups): no key (NXDOMAIN, no TXT) is permerror, trouble
// (timeout, SERVFAIL) temperror.
#include <string>
#include <string_view>

#include "adapters/opendkim_internal.h"

namespace dmarc::adapters::opendkim {
namespace {

struct Verdict {
    DkimResult result;
    std::string reason;
};

Verdict perm(std::string reason) { return {DkimResult::PermError, std::move(reason)}; }
Verdict temp(std::string reason) { return {DkimResult::TempError, std::move(reason)}; }

const KeyLookup* lookupOf(DKIM_SIGINFO* sig, const MessageState& message) {
    const auto* selector = reinterpret_cast<const char*>(dkim_sig_getselector(sig));
    const auto* domain = reinterpret_cast<const char*>(dkim_sig_getdomain(sig));
    if (selector == nullptr || domain == nullptr) return nullptr;
    const auto found = message.lookups.find(lowerCase(keyName(selector, domain)));
    return found == message.lookups.end() ? nullptr : &found->second;
}

Verdict keyNotFound(const KeyLookup* lookup) {
    if (lookup != nullptr && lookup->status == core::DnsStatus::NxDomain) return perm("key not found (NXDOMAIN)");
    if (lookup != nullptr && lookup->status == core::DnsStatus::NoData) return perm("key not found (no TXT record)");
    return perm("key not found");
}

Verdict keyFetchFailed(const KeyLookup* lookup) {
    if (lookup == nullptr) return temp("key lookup failed");
    if (lookup->tooLarge) return perm("key record too large");
    switch (lookup->status) {
        case core::DnsStatus::Timeout: return temp("key lookup timed out");
        case core::DnsStatus::ServFail: return temp("key lookup SERVFAIL");
        case core::DnsStatus::Malformed: return temp("key lookup: malformed DNS reply");
        default: return temp("key lookup failed");
    }
}

// Errors found before or while the key was read, and the signature's own tag errors.
Verdict fromError(int error, DKIM_SIGINFO* sig, const MessageState& message) {
    switch (error) {
        case DKIM_SIGERROR_NOKEY: return keyNotFound(lookupOf(sig, message));
        case DKIM_SIGERROR_KEYFAIL: return keyFetchFailed(lookupOf(sig, message));
        case DKIM_SIGERROR_MULTIREPLY: return perm("several TXT records at the key name");
        case DKIM_SIGERROR_DNSSYNTAX: return perm("key record syntax error");
        case DKIM_SIGERROR_KEYVERSION: return perm("key v= is not DKIM1");
        case DKIM_SIGERROR_KEYUNKNOWNHASH: return perm("key h= names no known hash");
        case DKIM_SIGERROR_KEYHASHMISMATCH: return perm("key h= does not allow the signature's hash");
        case DKIM_SIGERROR_NOTEMAILKEY: return perm("key s= does not allow email");
        case DKIM_SIGERROR_KEYTYPEMISSING:
        case DKIM_SIGERROR_KEYTYPEUNKNOWN: return perm("key k= unknown");
        case DKIM_SIGERROR_KEYREVOKED: return perm("key revoked (empty p=)");
        case DKIM_SIGERROR_KEYDECODE: return perm("key p= could not be decoded");
        case DKIM_SIGERROR_SUBDOMAIN: return perm("key t=s: i= must be in d= itself");
        case DKIM_SIGERROR_VERSION: return perm("unsupported signature version");
        case DKIM_SIGERROR_DOMAIN: return perm("i= is not within d=");
        case DKIM_SIGERROR_EXPIRED: return perm("signature expired (x=)");
        case DKIM_SIGERROR_FUTURE: return perm("signature time t= in the future");
        case DKIM_SIGERROR_TIMESTAMPS: return perm("x= is not after t=");
        case DKIM_SIGERROR_INVALID_HC:
        case DKIM_SIGERROR_INVALID_BC: return perm("unknown canonicalization c=");
        case DKIM_SIGERROR_MISSING_A:
        case DKIM_SIGERROR_INVALID_A: return perm("unknown algorithm a=");
        case DKIM_SIGERROR_MISSING_H:
        case DKIM_SIGERROR_EMPTY_H: return perm("tag h missing");
        case DKIM_SIGERROR_INVALID_H: return perm("h= does not include From");
        case DKIM_SIGERROR_INVALID_L: return perm("syntax error in tag l");
        case DKIM_SIGERROR_TOOLARGE_L: return perm("l= is longer than the body");
        case DKIM_SIGERROR_INVALID_Q:
        case DKIM_SIGERROR_INVALID_QO: return perm("unsupported query method q=");
        case DKIM_SIGERROR_CORRUPT_B: return perm("syntax error in tag b");
        case DKIM_SIGERROR_CORRUPT_BH: return perm("syntax error in tag bh");
        default: break;
    }
    const char* text = dkim_sig_geterrorstr(error);
    return perm(text != nullptr ? std::string("libopendkim: ") + text : "signature error " + std::to_string(error));
}

// RFC 6376 §6.1.3: a key whose k= is not the type a= names is "inappropriate key algorithm".
// libopendkim reads the key by a= alone, so an RSA key published as k=ed25519 would verify.
bool keyTypeMismatch(DKIM_SIGINFO* sig) {
    static unsigned char keyTag[] = "k";  // the prototype wants a mutable string
    const auto* keyType = reinterpret_cast<const char*>(dkim_sig_gettagvalue(sig, true, keyTag));
    dkim_alg_t algorithm = DKIM_SIGN_UNKNOWN;
    if (keyType == nullptr || dkim_sig_getsignalg(sig, &algorithm) != DKIM_STAT_OK) return false;
    const std::string_view expected = algorithm == DKIM_SIGN_ED25519SHA256 ? "ed25519" : "rsa";
    return lowerCase(keyType) != expected;
}

Verdict verdictOf(DKIM_SIGINFO* sig, const MessageState& message, unsigned keyBits) {
    const unsigned flags = dkim_sig_getflags(sig);
    const int error = dkim_sig_geterror(sig);
    const int bodyHash = dkim_sig_getbh(sig);
    if ((error == DKIM_SIGERROR_BADSIG || error == DKIM_SIGERROR_OK) && keyTypeMismatch(sig)) {
        return perm("key k= does not match a=");
    }
    if (error == DKIM_SIGERROR_BADSIG) {
        return {DkimResult::Fail, bodyHash == DKIM_SIGBH_MISMATCH ? "body hash mismatch" : "signature did not verify"};
    }
    if (error == DKIM_SIGERROR_UNKNOWN) {
        return temp(message.failure.empty() ? "not verified: libopendkim error" : "not verified: " + message.failure);
    }
    if (error != DKIM_SIGERROR_OK) return fromError(error, sig, message);
    if ((flags & DKIM_SIGFLAG_PASSED) == 0 || bodyHash != DKIM_SIGBH_MATCH) {
        return temp("not verified: libopendkim error");
    }
    dkim_alg_t algorithm = DKIM_SIGN_UNKNOWN;
    (void)dkim_sig_getsignalg(sig, &algorithm);
    if (algorithm == DKIM_SIGN_RSASHA1) return {DkimResult::Policy, "rsa-sha1 not accepted (RFC 8301)"};
    if (algorithm != DKIM_SIGN_ED25519SHA256 && keyBits < minRsaKeyBits) {
        return {DkimResult::Policy,
                "RSA key " + std::to_string(keyBits) + " bits < " + std::to_string(minRsaKeyBits) + " (RFC 8301)"};
    }
    return {DkimResult::Pass, "verified"};
}

}  // namespace

DkimSignatureResult resultOf(DKIM_SIGINFO* sig, const MessageState& message, DkimSignatureResult base) {
    const unsigned flags = dkim_sig_getflags(sig);
    dkim_alg_t algorithm = DKIM_SIGN_UNKNOWN;
    unsigned int bits = 0;
    if (dkim_sig_getsignalg(sig, &algorithm) == DKIM_STAT_OK && algorithm != DKIM_SIGN_ED25519SHA256 &&
        (flags & DKIM_SIGFLAG_PROCESSED) != 0 && dkim_sig_getkeysize(sig, &bits) == DKIM_STAT_OK) {
        base.keyBits = bits;
    }
    base.testing = (flags & DKIM_SIGFLAG_TESTKEY) != 0;
    Verdict verdict = verdictOf(sig, message, base.keyBits);
    base.result = verdict.result;
    base.reason = std::move(verdict.reason);
    return base;
}

}  // namespace dmarc::adapters::opendkim
