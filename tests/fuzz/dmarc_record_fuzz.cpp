// Fuzz target "dmarc_record": any bytes as a _dmarc TXT string through parseDmarcRecord()
// and usablePolicy() in both modes. Traps when an invariant breaks: pct within 0..100, ri
// within 32 bits, report URIs non-empty with no raw ',' or '!', problems with non-empty tag
// names and bounded counts, invalid flags consistent, the usable-policy rule honoured, and
// a canonical rendering of the parsed record re-parsing to the same record with no problems.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/dmarc_record.h"

namespace {

using namespace dmarc::core;

void check(bool condition) {
    if (!condition) __builtin_trap();
}

std::string_view psdText(PsdFlag flag) {
    return flag == PsdFlag::Yes ? "y" : flag == PsdFlag::No ? "n" : "u";
}

std::string joined(const std::vector<std::string>& uris) {
    std::string out;
    for (const auto& uri : uris) out += (out.empty() ? "" : ",") + uri;
    return out;
}

// The record written back with every field explicit.
std::string canonical(const DmarcRecord& record) {
    std::string text = "v=DMARC1";
    const auto add = [&](std::string_view tag, std::string_view value) {
        text += "; ";
        text += tag;
        text += "=";
        text += value;
    };
    if (record.p) add("p", toString(*record.p));
    if (record.sp) add("sp", toString(*record.sp));
    if (record.np) add("np", toString(*record.np));
    add("adkim", toString(record.adkim));
    add("aspf", toString(record.aspf));
    add("psd", psdText(record.psd));
    add("t", record.testing ? "y" : "n");
    add("fo", record.fo);
    if (!record.rua.empty()) add("rua", joined(record.rua));
    if (!record.ruf.empty()) add("ruf", joined(record.ruf));
    add("pct", std::to_string(record.pct));
    add("rf", record.rf);
    add("ri", std::to_string(record.ri));
    return text;
}

bool sameFields(const DmarcRecord& a, const DmarcRecord& b) {
    return a.p == b.p && a.sp == b.sp && a.np == b.np && a.adkim == b.adkim && a.aspf == b.aspf &&
           a.psd == b.psd && a.testing == b.testing && a.fo == b.fo && a.rua == b.rua &&
           a.ruf == b.ruf && a.pct == b.pct && a.rf == b.rf && a.ri == b.ri;
}

void checkUris(const std::vector<std::string>& uris, std::size_t inputSize) {
    check(uris.size() <= 32);
    for (const auto& uri : uris) {
        check(!uri.empty() && uri.size() <= inputSize);
        check(uri.find_first_of(",!; \t") == std::string::npos);
        check(uri.find(':') != std::string::npos);
    }
}

void checkUsable(const DmarcRecord& record, DmarcMode mode) {
    const auto usable = usablePolicy(record, mode);
    const bool invalid = record.pInvalid || record.spInvalid ||
                         (mode == DmarcMode::Rfc9989 && record.npInvalid);
    if (!usable) {
        check(record.rua.empty());
        check(invalid || (mode == DmarcMode::Rfc7489 && !record.p));
        check(!describe(usable.error()).empty());
        return;
    }
    if (invalid) check(usable->p == Policy::None && !usable->sp && !usable->np);
    if (mode == DmarcMode::Rfc7489) check(!usable->np);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto result = parseDmarcRecord(text);
    if (!result) {
        check(!describe(result.error()).empty());
        return 0;
    }
    const DmarcRecord& record = *result;
    check(record.pct >= 0 && record.pct <= 100);
    check(record.ri <= 0xFFFFFFFFul);
    check(!record.fo.empty() && !record.rf.empty());
    check(!(record.pInvalid && record.p) && !(record.spInvalid && record.sp) &&
          !(record.npInvalid && record.np));
    checkUris(record.rua, size);
    checkUris(record.ruf, size);
    check(record.problems.size() <= 32);
    for (const TagProblem& problem : record.problems) {
        check(!problem.tag.empty() && problem.tag.size() <= 67 && problem.value.size() <= 67);
        check(!problem.why.empty());
    }
    checkUsable(record, DmarcMode::Rfc9989);
    checkUsable(record, DmarcMode::Rfc7489);

    const auto again = parseDmarcRecord(canonical(record));
    check(again.ok() && again->problems.empty() && sameFields(record, *again));
    return 0;
}
