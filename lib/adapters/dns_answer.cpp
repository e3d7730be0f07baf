// Reading one question's answer out of a parsed reply: see dns_answer.h.
#include "dns_answer.h"

#include <algorithm>
#include <limits>
#include <variant>

namespace dmarc::adapters::dns {

namespace {

const ResourceRecord* findCname(const Message& message, std::string_view owner) {
    for (const ResourceRecord& record : message.answers) {
        if (record.klass == classIn && record.type == static_cast<std::uint16_t>(RrType::Cname) &&
            record.owner == owner && std::holds_alternative<NameData>(record.data)) {
            return &record;
        }
    }
    return nullptr;
}

// RFC 2308 §5: a negative answer lives for the smaller of the SOA's TTL and its MINIMUM.
// Without an SOA it should not be cached at all: 0.
std::uint32_t negativeTtl(const Message& message) {
    for (const ResourceRecord& record : message.authority) {
        if (record.klass != classIn) continue;
        if (const auto* soa = std::get_if<SoaData>(&record.data)) return std::min(record.ttl, soa->minimum);
    }
    return 0;
}

bool hasSoa(const Message& message) {
    return std::any_of(message.authority.begin(), message.authority.end(), [](const ResourceRecord& record) {
        return record.klass == classIn && std::holds_alternative<SoaData>(record.data);
    });
}

void addRecord(DnsReply& reply, const Rdata& data) {
    if (const auto* a = std::get_if<std::array<std::uint8_t, 4>>(&data)) reply.a.push_back(*a);
    else if (const auto* aaaa = std::get_if<std::array<std::uint8_t, 16>>(&data)) reply.aaaa.push_back(*aaaa);
    else if (const auto* mx = std::get_if<MxRecord>(&data)) reply.mx.push_back(*mx);
    else if (const auto* txt = std::get_if<TxtData>(&data)) reply.txt.push_back(txt->text);
    else if (const auto* name = std::get_if<NameData>(&data)) reply.ptr.push_back(name->name);
}

// Collects the records of `type` owned by `owner`; their smallest TTL, or nullopt if none.
std::optional<std::uint32_t> collect(const Message& message, std::string_view owner, std::uint16_t type,
                                     DnsReply& reply) {
    std::optional<std::uint32_t> ttl;
    for (const ResourceRecord& record : message.answers) {
        if (record.klass != classIn || record.type != type || record.owner != owner) continue;
        // CNAME rdata lands in NameData like PTR; a CNAME question keeps only the status.
        if (type != static_cast<std::uint16_t>(RrType::Cname)) addRecord(reply, record.data);
        ttl = std::min(ttl.value_or(record.ttl), record.ttl);
    }
    return ttl;
}

}  // namespace

Answer readAnswer(const Message& message, std::string_view qname, RrType qtype) {
    Answer answer;
    DnsReply& reply = answer.reply;
    if (!message.response) {
        reply.status = core::DnsStatus::Malformed;
        return answer;
    }
    const auto type = static_cast<std::uint16_t>(qtype);
    std::string current(qname);
    std::uint32_t ttl = std::numeric_limits<std::uint32_t>::max();
    bool found = false;
    while (true) {
        if (const auto recordTtl = collect(message, current, type, reply)) {
            ttl = std::min(ttl, *recordTtl);
            found = true;
            break;
        }
        const ResourceRecord* cname = qtype == RrType::Cname ? nullptr : findCname(message, current);
        if (cname == nullptr) break;
        const std::string& target = std::get<NameData>(cname->data).name;
        const bool loops = target == qname || std::find(answer.chain.begin(), answer.chain.end(), target) != answer.chain.end();
        if (loops || answer.chain.size() >= maxCnameHops) {
            answer.chain.clear();
            reply = DnsReply{};
            reply.status = core::DnsStatus::ServFail;
            return answer;
        }
        answer.chain.push_back(target);
        ttl = std::min(ttl, cname->ttl);
        current = target;
    }

    if (message.rcode == static_cast<std::uint8_t>(Rcode::NxDomain)) {
        reply = DnsReply{};
        reply.status = core::DnsStatus::NxDomain;
        reply.ttl = std::min(ttl, negativeTtl(message));
    } else if (message.rcode != static_cast<std::uint8_t>(Rcode::NoError)) {
        reply = DnsReply{};
        reply.status = core::DnsStatus::ServFail;
    } else if (found) {
        reply.status = core::DnsStatus::Ok;
        reply.ttl = ttl;
    } else {
        reply.status = core::DnsStatus::NoData;
        if (!answer.chain.empty() && !hasSoa(message)) {
            answer.chaseTarget = current;
            reply.ttl = ttl;
        } else {
            reply.ttl = std::min(ttl, negativeTtl(message));
        }
    }
    return answer;
}

}  // namespace dmarc::adapters::dns
