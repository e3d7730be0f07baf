// DKIM verification results as plain values: one DkimSignatureResult per DKIM-Signature
// header field of a message, in header order, with its RFC 8601 result word and a short
// reason. What OpendkimVerifier returns and what the verdict, the Authentication-Results
// header and the log line are built from. No library types. Value types: thread-compatible.
#pragma once

#include <string>
#include <string_view>

namespace dmarc::adapters {

// RFC 8601 §2.7.1 dkim results for one signature. "none" is not a per-signature result: an
// unsigned message has no DkimSignatureResult at all.
enum class DkimResult {
    Pass,       // verified, body hash matched, acceptable algorithm and key
    Fail,       // signature or body hash did not verify
    Neutral,    // not checked (over our limits)
    Policy,     // verified, but refused by RFC 8301: rsa-sha1, or an RSA key under 1024 bits
    TempError,  // key lookup failed for now (timeout, SERVFAIL); may succeed later
    PermError,  // signature or key unusable: syntax, version, no key, revoked key, ...
};

// "pass", "fail", "neutral", "policy", "temperror", "permerror".
std::string_view describe(DkimResult result);

struct DkimSignatureResult {
    DkimResult result = DkimResult::PermError;
    // Tag values as written in the signature (untrusted: sanitise before logging); empty
    // when the tag is absent or the field was not parsed.
    std::string domain;     // d=
    std::string selector;   // s=
    std::string algorithm;  // a=
    std::string identity;   // i=
    // The first characters of b= (up to 16, folding whitespace removed): RFC 6008 header.b.
    std::string signaturePrefix;
    // Why, in a few words: "verified", "body hash mismatch", "signature did not verify",
    // "key not found (NXDOMAIN)", "key lookup SERVFAIL", "rsa-sha1 not accepted (RFC 8301)",
    // "RSA key 512 bits < 1024 (RFC 8301)", "syntax error in tag t", ...
    std::string reason;
    unsigned keyBits = 0;  // RSA modulus size once the key was read; 0 otherwise (and Ed25519)
    bool testing = false;  // the key record says t=y (RFC 6376 §3.6.1: the domain is testing)
};

}  // namespace dmarc::adapters
