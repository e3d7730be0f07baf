// Builds the reply of dkim_key_reply.h into a caller's buffer, bounds-checked on every write.
#include "adapters/dkim_key_reply.h"

#include <vector>

namespace dmarc::adapters {
namespace {

constexpr std::uint16_t typeTxt = 16;
constexpr std::uint16_t classIn = 1;
constexpr std::uint16_t rcodeNxDomain = 3;
constexpr std::uint16_t flagsResponse = 0x8180;  // QR, RD, RA
constexpr std::uint16_t pointerToQuestion = 0xC00C;
constexpr std::size_t maxLabel = 63;
constexpr std::size_t maxName = 255;
constexpr std::size_t maxString = 255;

class Writer {
public:
    Writer(std::uint8_t* out, std::size_t capacity) : out_(out), capacity_(capacity) {}

    void byte(std::uint8_t value) {
        if (size_ < capacity_) {
            out_[size_] = value;
        } else {
            overflow_ = true;
        }
        ++size_;
    }
    void u16(std::uint16_t value) {
        byte(static_cast<std::uint8_t>(value >> 8));
        byte(static_cast<std::uint8_t>(value & 0xff));
    }
    void u32(std::uint32_t value) {
        u16(static_cast<std::uint16_t>(value >> 16));
        u16(static_cast<std::uint16_t>(value & 0xffff));
    }
    void bytes(std::string_view text) {
        for (const char c : text) byte(static_cast<std::uint8_t>(c));
    }
    std::size_t size() const { return size_; }
    bool overflow() const { return overflow_; }

private:
    std::uint8_t* out_;
    std::size_t capacity_;
    std::size_t size_ = 0;
    bool overflow_ = false;
};

// Wire labels of `name` (trailing dot ignored); empty when it cannot be a DNS name.
std::vector<std::string_view> labelsOf(std::string_view name) {
    if (!name.empty() && name.back() == '.') name.remove_suffix(1);
    std::vector<std::string_view> labels;
    if (name.empty() || name.size() + 1 > maxName) return {};
    std::size_t start = 0;
    while (true) {
        const std::size_t dot = name.find('.', start);
        const std::string_view label = name.substr(start, dot == std::string_view::npos ? dot : dot - start);
        if (label.empty() || label.size() > maxLabel) return {};
        labels.push_back(label);
        if (dot == std::string_view::npos) return labels;
        start = dot + 1;
    }
}

std::size_t txtRdataLength(std::string_view record) {
    const std::size_t strings = record.empty() ? 1 : (record.size() + maxString - 1) / maxString;
    return strings + record.size();
}

}  // namespace

std::size_t writeKeyReply(std::string_view name, const DnsReply& reply, std::uint8_t* out, std::size_t capacity) {
    std::uint16_t rcode = 0;
    std::size_t answers = 0;
    switch (reply.status) {
        case core::DnsStatus::Ok: answers = reply.txt.size(); break;
        case core::DnsStatus::NoData: break;
        case core::DnsStatus::NxDomain: rcode = rcodeNxDomain; break;
        default: return 0;
    }
    if (answers > 0xffff) return 0;
    for (const std::string& record : reply.txt) {
        if (txtRdataLength(record) > 0xffff) return 0;
    }
    Writer writer(out, capacity);
    writer.u16(0);  // id: libopendkim does not read it
    writer.u16(static_cast<std::uint16_t>(flagsResponse | rcode));
    writer.u16(1);
    writer.u16(static_cast<std::uint16_t>(answers));
    writer.u16(0);
    writer.u16(0);
    for (const std::string_view label : labelsOf(name)) {
        writer.byte(static_cast<std::uint8_t>(label.size()));
        writer.bytes(label);
    }
    writer.byte(0);
    writer.u16(typeTxt);
    writer.u16(classIn);
    for (std::size_t i = 0; i < answers; ++i) {
        const std::string_view record = reply.txt[i];
        writer.u16(pointerToQuestion);
        writer.u16(typeTxt);
        writer.u16(classIn);
        writer.u32(reply.ttl);
        writer.u16(static_cast<std::uint16_t>(txtRdataLength(record)));
        std::size_t pos = 0;
        do {
            const std::string_view piece = record.substr(pos, maxString);
            writer.byte(static_cast<std::uint8_t>(piece.size()));
            writer.bytes(piece);
            pos += maxString;
        } while (pos < record.size());
    }
    return writer.overflow() ? 0 : writer.size();
}

}  // namespace dmarc::adapters
