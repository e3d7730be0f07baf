// DNS reply parser: see dns_message.h. Every read goes through Reader, which checks bounds;
// name decompression only ever jumps to offsets below the start of the labels read so far,
// so a name is read in time linear in its length and no pointer chain can loop.
#include "dns_message.h"

#include <cstddef>

namespace dmarc::adapters::dns {

using core::fail;

std::string_view describe(ParseError error) {
    switch (error) {
        case ParseError::TooShort: return "shorter than a DNS header";
        case ParseError::Truncated: return "a section runs past the end of the message";
        case ParseError::BadLabel: return "reserved label type";
        case ParseError::BadPointer: return "compression pointer does not point backwards";
        case ParseError::NameTooLong: return "name longer than 255 octets";
        case ParseError::BadRdata: return "rdata does not fit its type";
    }
    return "unknown parse error";
}

namespace {

constexpr std::size_t headerSize = 12;
constexpr std::size_t maxNameOctets = 255;  // RFC 1035 §2.3.4, wire form
constexpr int maxPointers = 127;            // a name has at most 127 labels to point at

enum : std::uint16_t { typeA = 1, typeCname = 5, typeSoa = 6, typePtr = 12, typeMx = 15, typeTxt = 16, typeAaaa = 28 };

class Reader {
public:
    explicit Reader(std::span<const std::uint8_t> wire) : wire_(wire) {}

    std::size_t size() const { return wire_.size(); }

    bool u16(std::size_t& pos, std::uint16_t& out) const {
        if (pos > wire_.size() || wire_.size() - pos < 2) return false;
        out = static_cast<std::uint16_t>(wire_[pos] << 8 | wire_[pos + 1]);
        pos += 2;
        return true;
    }

    bool u32(std::size_t& pos, std::uint32_t& out) const {
        std::uint16_t high = 0;
        std::uint16_t low = 0;
        if (!u16(pos, high) || !u16(pos, low)) return false;
        out = static_cast<std::uint32_t>(high) << 16 | low;
        return true;
    }

    template <std::size_t N>
    bool bytes(std::size_t pos, std::array<std::uint8_t, N>& out) const {
        if (pos > wire_.size() || wire_.size() - pos < N) return false;
        for (std::size_t i = 0; i < N; ++i) out[i] = wire_[pos + i];
        return true;
    }

    std::uint8_t at(std::size_t pos) const { return wire_[pos]; }

    // Reads the name starting at `pos`; on success `pos` is just past the name as it
    // appears there (after the first pointer, if any).
    core::Result<std::string, ParseError> name(std::size_t& pos) const {
        std::string text;
        std::size_t cursor = pos;
        std::size_t lowestVisited = pos;  // pointers must land strictly below this
        std::size_t octets = 1;           // the root label
        int pointers = 0;
        bool jumped = false;
        while (true) {
            if (cursor >= wire_.size()) return fail(ParseError::Truncated);
            const std::uint8_t length = wire_[cursor];
            if ((length & 0xC0) == 0xC0) {
                if (cursor + 1 >= wire_.size()) return fail(ParseError::Truncated);
                const std::size_t target = static_cast<std::size_t>(length & 0x3F) << 8 | wire_[cursor + 1];
                if (target >= lowestVisited) return fail(ParseError::BadPointer);
                if (++pointers > maxPointers) return fail(ParseError::NameTooLong);
                if (!jumped) pos = cursor + 2;
                jumped = true;
                cursor = target;
                lowestVisited = target;
                continue;
            }
            if ((length & 0xC0) != 0) return fail(ParseError::BadLabel);
            if (length == 0) {
                if (!jumped) pos = cursor + 1;
                return text;
            }
            octets += length + 1u;
            if (octets > maxNameOctets) return fail(ParseError::NameTooLong);
            if (wire_.size() - cursor - 1 < length) return fail(ParseError::Truncated);
            if (!text.empty()) text.push_back('.');
            appendLabel(text, wire_.subspan(cursor + 1, length));
            cursor += 1u + length;
        }
    }

private:
    static void appendLabel(std::string& text, std::span<const std::uint8_t> label) {
        for (const std::uint8_t octet : label) {
            if (octet == '.' || octet == '\\') text.push_back('\\');
            const bool upper = octet >= 'A' && octet <= 'Z';
            text.push_back(static_cast<char>(upper ? octet + ('a' - 'A') : octet));
        }
    }

    std::span<const std::uint8_t> wire_;
};

// RFC 2181 §8: a TTL with the top bit set is to be read as zero.
std::uint32_t sanitiseTtl(std::uint32_t ttl) { return (ttl & 0x80000000u) ? 0 : ttl; }

// Decodes the rdata in [start, end) for the types the resolver uses.
core::Result<Rdata, ParseError> readRdata(const Reader& reader, std::uint16_t type, std::size_t start,
                                          std::size_t end) {
    const std::size_t length = end - start;
    // A name that must fill the rest of the rdata exactly.
    auto nameToEnd = [&](std::size_t pos) -> core::Result<std::string, ParseError> {
        auto name = reader.name(pos);
        if (!name) return name;
        if (pos != end) return fail(ParseError::BadRdata);
        return name;
    };
    switch (type) {
        case typeA: {
            std::array<std::uint8_t, 4> address{};
            if (length != address.size() || !reader.bytes(start, address)) return fail(ParseError::BadRdata);
            return Rdata{address};
        }
        case typeAaaa: {
            std::array<std::uint8_t, 16> address{};
            if (length != address.size() || !reader.bytes(start, address)) return fail(ParseError::BadRdata);
            return Rdata{address};
        }
        case typeCname:
        case typePtr: {
            auto name = nameToEnd(start);
            if (!name) return fail(name.error());
            return Rdata{NameData{std::move(name).value()}};
        }
        case typeMx: {
            std::size_t pos = start;
            MxRecord mx;
            if (length < 3 || !reader.u16(pos, mx.preference)) return fail(ParseError::BadRdata);
            auto exchange = nameToEnd(pos);
            if (!exchange) return fail(exchange.error());
            mx.exchange = std::move(exchange).value();
            return Rdata{std::move(mx)};
        }
        case typeTxt: {
            // An empty rdata is not valid TXT (RFC 1035 wants one string) but is seen in the
            // wild and in test suites; it reads as one empty record.
            TxtData txt;
            for (std::size_t pos = start; pos < end;) {
                const std::size_t stringLength = reader.at(pos);
                if (end - pos - 1 < stringLength) return fail(ParseError::BadRdata);
                for (std::size_t i = 0; i < stringLength; ++i) txt.text.push_back(static_cast<char>(reader.at(pos + 1 + i)));
                pos += 1 + stringLength;
            }
            return Rdata{std::move(txt)};
        }
        case typeSoa: {
            std::size_t pos = start;
            SoaData soa;
            auto mname = reader.name(pos);
            if (!mname) return fail(mname.error());
            auto rname = reader.name(pos);
            if (!rname) return fail(rname.error());
            soa.mname = std::move(mname).value();
            soa.rname = std::move(rname).value();
            if (pos > end || end - pos != 20) return fail(ParseError::BadRdata);
            reader.u32(pos, soa.serial);
            reader.u32(pos, soa.refresh);
            reader.u32(pos, soa.retry);
            reader.u32(pos, soa.expire);
            reader.u32(pos, soa.minimum);
            return Rdata{std::move(soa)};
        }
        default: return Rdata{OpaqueData{}};
    }
}

core::Result<ResourceRecord, ParseError> readRecord(const Reader& reader, std::size_t& pos) {
    ResourceRecord record;
    auto owner = reader.name(pos);
    if (!owner) return fail(owner.error());
    record.owner = std::move(owner).value();
    std::uint16_t rdlength = 0;
    if (!reader.u16(pos, record.type) || !reader.u16(pos, record.klass) || !reader.u32(pos, record.ttl) ||
        !reader.u16(pos, rdlength)) {
        return fail(ParseError::Truncated);
    }
    record.ttl = sanitiseTtl(record.ttl);
    if (reader.size() - pos < rdlength) return fail(ParseError::Truncated);
    auto data = readRdata(reader, record.type, pos, pos + rdlength);
    if (!data) return fail(data.error());
    record.data = std::move(data).value();
    pos += rdlength;
    return record;
}

core::Result<std::vector<ResourceRecord>, ParseError> readSection(const Reader& reader, std::size_t& pos,
                                                                  std::uint16_t count) {
    std::vector<ResourceRecord> records;
    for (std::uint16_t i = 0; i < count; ++i) {
        auto record = readRecord(reader, pos);
        if (!record) return fail(record.error());
        records.push_back(std::move(record).value());
    }
    return records;
}

}  // namespace

core::Result<Message, ParseError> parseMessage(std::span<const std::uint8_t> wire) {
    if (wire.size() < headerSize) return fail(ParseError::TooShort);
    const Reader reader(wire);
    std::size_t pos = 0;
    Message message;
    std::uint16_t flags = 0;
    std::uint16_t qdcount = 0;
    std::uint16_t ancount = 0;
    std::uint16_t nscount = 0;
    reader.u16(pos, message.id);
    reader.u16(pos, flags);
    reader.u16(pos, qdcount);
    reader.u16(pos, ancount);
    reader.u16(pos, nscount);
    pos = headerSize;  // ARCOUNT is not needed: the additional section is not decoded
    message.response = (flags & 0x8000) != 0;
    message.authoritative = (flags & 0x0400) != 0;
    message.truncated = (flags & 0x0200) != 0;
    message.recursionAvailable = (flags & 0x0080) != 0;
    message.rcode = static_cast<std::uint8_t>(flags & 0x000F);

    for (std::uint16_t i = 0; i < qdcount; ++i) {
        Question question;
        auto name = reader.name(pos);
        if (!name) return fail(name.error());
        question.name = std::move(name).value();
        if (!reader.u16(pos, question.type) || !reader.u16(pos, question.klass)) return fail(ParseError::Truncated);
        message.questions.push_back(std::move(question));
    }
    auto answers = readSection(reader, pos, ancount);
    if (!answers) return fail(answers.error());
    message.answers = std::move(answers).value();
    auto authority = readSection(reader, pos, nscount);
    if (!authority) return fail(authority.error());
    message.authority = std::move(authority).value();
    return message;
}

}  // namespace dmarc::adapters::dns
