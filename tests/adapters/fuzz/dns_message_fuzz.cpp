// Fuzz target for lib/adapters/dns_message and dns_answer: any bytes as a DNS reply. Must
// never crash or hang; invariants checked: every name stays within 255 wire octets (as
// text, at most 2 octets per wire octet with escapes), and readAnswer's chain stays within
// maxCnameHops for every question type.
#include <cstddef>
#include <cstdint>
#include <span>

#include "adapters/dns_answer.h"
#include "adapters/dns_message.h"

namespace {

using namespace dmarc::adapters;

void checkName(const std::string& name) {
    if (name.size() > 2 * 255) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto message = dns::parseMessage(std::span(data, size));
    if (!message) return 0;
    for (const auto& question : message->questions) checkName(question.name);
    for (const auto* section : {&message->answers, &message->authority}) {
        for (const auto& record : *section) {
            checkName(record.owner);
            if (const auto* name = std::get_if<dns::NameData>(&record.data)) checkName(name->name);
            if (const auto* mx = std::get_if<MxRecord>(&record.data)) checkName(mx->exchange);
        }
    }
    const std::string qname = message->questions.empty() ? std::string("x") : message->questions.front().name;
    for (const RrType type : {RrType::A, RrType::Aaaa, RrType::Mx, RrType::Ptr, RrType::Txt, RrType::Cname}) {
        const dns::Answer answer = dns::readAnswer(*message, qname, type);
        if (answer.chain.size() > dns::maxCnameHops) __builtin_trap();
        if (answer.chaseTarget && answer.reply.status != dmarc::core::DnsStatus::NoData) __builtin_trap();
    }
    return 0;
}
