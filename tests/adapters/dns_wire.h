// DnsWire: builds DNS messages octet by octet for the parser and answer tests, including
// the malformed ones no server would send. Test code only.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace dmarc::testwire {

enum : std::uint16_t { A = 1, NS = 2, CNAME = 5, SOA = 6, PTR = 12, MX = 15, TXT = 16, AAAA = 28, SPF = 99 };
enum : std::uint16_t { QR = 0x8000, AA = 0x0400, TC = 0x0200, RD = 0x0100, RA = 0x0080 };

class Wire {
public:
    std::size_t size() const { return bytes_.size(); }
    const std::vector<std::uint8_t>& bytes() const { return bytes_; }

    Wire& u8(std::uint8_t value) {
        bytes_.push_back(value);
        return *this;
    }
    Wire& u16(std::uint16_t value) { return u8(static_cast<std::uint8_t>(value >> 8)).u8(static_cast<std::uint8_t>(value)); }
    Wire& u32(std::uint32_t value) { return u16(static_cast<std::uint16_t>(value >> 16)).u16(static_cast<std::uint16_t>(value)); }
    Wire& raw(std::initializer_list<std::uint8_t> values) {
        bytes_.insert(bytes_.end(), values);
        return *this;
    }
    Wire& raw(const std::vector<std::uint8_t>& values) {
        bytes_.insert(bytes_.end(), values.begin(), values.end());
        return *this;
    }
    Wire& header(std::uint16_t id, std::uint16_t flags, std::uint16_t qd, std::uint16_t an, std::uint16_t ns,
                 std::uint16_t ar = 0) {
        return u16(id).u16(flags).u16(qd).u16(an).u16(ns).u16(ar);
    }
    // Labels of a dotted name, ending in the root label unless `terminate` is false (then a
    // pointer or more labels must follow).
    Wire& name(std::string_view dotted, bool terminate = true) {
        while (!dotted.empty()) {
            const std::size_t dot = dotted.find('.');
            const std::string_view label = dotted.substr(0, dot);
            u8(static_cast<std::uint8_t>(label.size()));
            bytes_.insert(bytes_.end(), label.begin(), label.end());
            dotted = dot == std::string_view::npos ? std::string_view{} : dotted.substr(dot + 1);
        }
        return terminate ? u8(0) : *this;
    }
    Wire& pointer(std::uint16_t offset) { return u16(static_cast<std::uint16_t>(0xC000 | offset)); }
    Wire& question(std::string_view qname, std::uint16_t type) { return name(qname).u16(type).u16(1); }
    // Owner, type, class IN, TTL, then rdata with its length.
    Wire& rr(std::string_view owner, std::uint16_t type, std::uint32_t ttl, const std::vector<std::uint8_t>& rdata,
             std::uint16_t klass = 1) {
        name(owner).u16(type).u16(klass).u32(ttl).u16(static_cast<std::uint16_t>(rdata.size()));
        return raw(rdata);
    }

private:
    std::vector<std::uint8_t> bytes_;
};

inline std::vector<std::uint8_t> nameRdata(std::string_view dotted) { return Wire().name(dotted).bytes(); }

inline std::vector<std::uint8_t> txtRdata(std::initializer_list<std::string_view> strings) {
    std::vector<std::uint8_t> out;
    for (const std::string_view text : strings) {
        out.push_back(static_cast<std::uint8_t>(text.size()));
        out.insert(out.end(), text.begin(), text.end());
    }
    return out;
}

inline std::vector<std::uint8_t> mxRdata(std::uint16_t preference, std::string_view exchange) {
    return Wire().u16(preference).name(exchange).bytes();
}

inline std::vector<std::uint8_t> soaRdata(std::uint32_t minimum) {
    return Wire().name("ns.example").name("hostmaster.example").u32(1).u32(3600).u32(600).u32(86400).u32(minimum).bytes();
}

}  // namespace dmarc::testwire
