// DMARC policy record parser (RFC 9989 §4.7–4.8, plus RFC 7489's pct/rf/ri for RFC 7489
// mode). parseDmarcRecord() decides whether a TXT string is a DMARC record at all; a record
// that is one keeps every tag it understood and lists every problem with the rest, because
// RFC 9989 says syntax errors fall back to defaults rather than discarding the record.
// usablePolicy() then applies §4.10.1's "invalid p/sp/np" rule. Pure; no I/O.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dmarc_mode.h"
#include "result.h"

namespace dmarc::core {

enum class Policy { None, Quarantine, Reject };
enum class AlignmentMode { Relaxed, Strict };
enum class PsdFlag { Unknown, Yes, No };  // psd=u (default), psd=y, psd=n

std::string_view toString(Policy policy);          // "none", "quarantine", "reject"
std::string_view toString(AlignmentMode mode);     // "r", "s"

// Why a TXT string is not a DMARC record at all (RFC 9989: such records are discarded).
enum class RecordError {
    Empty,
    NoVersionTag,      // does not start with a "v" tag
    WrongVersion,      // v=DMARC1 missing or not exact (the value is case-sensitive)
    Malformed,         // not tag=value pairs separated by ';' after the version
};

std::string_view describe(RecordError error);

// A tag that was present but not usable, kept so logs can say exactly what was wrong.
struct TagProblem {
    std::string tag;    // lower-cased tag name
    std::string value;  // the value as published (truncated to a sane length)
    std::string why;    // e.g. "not one of none, quarantine, reject"
};

struct DmarcRecord {
    std::optional<Policy> p;   // absent or invalid → nullopt (see pInvalid)
    std::optional<Policy> sp;
    std::optional<Policy> np;
    bool pInvalid = false;     // p present with a value that is not a dmarc-request
    bool spInvalid = false;
    bool npInvalid = false;
    AlignmentMode adkim = AlignmentMode::Relaxed;
    AlignmentMode aspf = AlignmentMode::Relaxed;
    PsdFlag psd = PsdFlag::Unknown;
    bool testing = false;                 // t=y
    std::string fo = "0";                 // as published if valid, else "0"
    std::vector<std::string> rua;         // syntactically valid URIs only, in order
    std::vector<std::string> ruf;
    // RFC 7489 only (ignored in RFC 9989 mode, which removed them).
    int pct = 100;                        // 0..100
    std::string rf = "afrf";
    unsigned long ri = 86400;
    std::vector<TagProblem> problems;     // every tag that fell back to its default
};

Result<DmarcRecord, RecordError> parseDmarcRecord(std::string_view text);

// The policy triple a receiver acts on, after §4.10.1 (RFC 9989) / §6.6.3 (RFC 7489):
// a missing p is p=none under RFC 9989; an invalid p, sp or np (or a missing p under
// RFC 7489) means p=none when at least one rua URI is valid, else no DMARC processing.
struct UsablePolicy {
    Policy p = Policy::None;
    std::optional<Policy> sp;  // nullopt → fall back to p
    std::optional<Policy> np;  // nullopt → fall back to sp, then p
};

enum class UnusableReason { InvalidPolicyWithoutRua, MissingPolicyWithoutRua };

std::string_view describe(UnusableReason reason);

Result<UsablePolicy, UnusableReason> usablePolicy(const DmarcRecord& record, DmarcMode mode);

}  // namespace dmarc::core
