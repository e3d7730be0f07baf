// DnsMessage: a bounds-checked parser for DNS reply messages (RFC 1035 §4), written because
// c-ares 1.18's ares_parse_* return no TTL for TXT and no SOA minimum, both needed for the
// cache. Hostile bytes never crash it or make it loop: every read is bounds-checked, name
// compression pointers must point strictly backwards (no loops) and are capped in number,
// names are capped at 255 octets. Returns a Message or a typed ParseError. Pure functions,
// no state: thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "adapters/dns_lookup.h"
#include "core/result.h"

namespace dmarc::adapters::dns {

enum class ParseError {
    TooShort,        // fewer than the 12 header octets
    Truncated,       // a question, record or rdata runs past the end of the message
    BadLabel,        // a label type other than plain or pointer (RFC 6891 reserved bits)
    BadPointer,      // a compression pointer that does not point strictly backwards
    NameTooLong,     // a name over 255 octets, or more pointers than a name can need
    BadRdata,        // rdata whose length does not fit its type (A not 4 octets, ...)
};

std::string_view describe(ParseError error);

// Names are in text form: labels joined by '.', no trailing dot ("" is the root), ASCII
// letters lowercased so names compare with ==. A '.' or '\' inside a label is escaped with
// '\'; every other octet is kept as it is (text built from it must be sanitised before
// it reaches a log line).
struct Question {
    std::string name;
    std::uint16_t type = 0;
    std::uint16_t klass = 0;
};

struct SoaData {
    std::string mname;
    std::string rname;
    std::uint32_t serial = 0;
    std::uint32_t refresh = 0;
    std::uint32_t retry = 0;
    std::uint32_t expire = 0;
    std::uint32_t minimum = 0;  // the negative-caching TTL (RFC 2308 §4)
};

struct TxtData {
    std::string text;  // the character-strings of one RR, concatenated (RFC 7208 §3.3)
};

struct NameData {
    std::string name;  // CNAME or PTR target
};

struct OpaqueData {};  // a type the resolver does not need decoded

using Rdata = std::variant<OpaqueData, std::array<std::uint8_t, 4>, std::array<std::uint8_t, 16>,
                           NameData, MxRecord, TxtData, SoaData>;

struct ResourceRecord {
    std::string owner;
    std::uint16_t type = 0;
    std::uint16_t klass = 0;
    std::uint32_t ttl = 0;
    Rdata data;
};

inline constexpr std::uint16_t classIn = 1;

enum class Rcode : std::uint8_t { NoError = 0, FormErr = 1, ServFail = 2, NxDomain = 3, NotImp = 4, Refused = 5 };

struct Message {
    std::uint16_t id = 0;
    bool response = false;
    bool truncated = false;
    bool authoritative = false;
    bool recursionAvailable = false;
    std::uint8_t rcode = 0;  // the header's 4 bits (extended RCODEs are not used here)
    std::vector<Question> questions;
    std::vector<ResourceRecord> answers;
    std::vector<ResourceRecord> authority;
    // The additional section is not decoded: nothing the resolver needs lives there, and
    // junk in it should not turn a usable answer into an error.
};

// Parses a whole message. Records of types other than A, AAAA, CNAME, PTR, MX, TXT and SOA
// are kept with OpaqueData; their rdata is only bounds-checked.
core::Result<Message, ParseError> parseMessage(std::span<const std::uint8_t> wire);

}  // namespace dmarc::adapters::dns
