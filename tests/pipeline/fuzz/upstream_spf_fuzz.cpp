// Fuzz target for pipeline::upstreamSpf (relay_headers.h): the input's first line as the
// envelope sender, every other line (with its folded continuation lines) as an
// Authentication-Results field body, newest first, from hosts trusting two authserv-ids.
// Invariants: never throws; a result has scope MailFrom, one of RFC 8601's seven SPF
// results, the sender's domain (so never for the null sender) and a trusted authserv-id;
// it does not change when fields that must be ignored are put on top (an untrusted id's
// pass, a trusted id's HELO pass: CVE-2019-20790) or when fields are added below (the
// topmost trusted result wins); and with no trusted ids there is nothing.
#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/auth_results.h"
#include "pipeline/relay_headers.h"

namespace {

using namespace dmarc;

const std::vector<std::string> kTrusted = {"mx.example.net", "filter.example.net"};

// Header-style lines: a line starting with space or tab continues the one before.
std::vector<std::string> fieldsOf(std::string_view text) {
    std::vector<std::string> out;
    while (!text.empty()) {
        const std::size_t end = text.find('\n');
        const std::string_view line = text.substr(0, end);
        if (!out.empty() && !line.empty() && (line[0] == ' ' || line[0] == '\t')) {
            out.back() += "\n";
            out.back() += line;
        } else {
            out.emplace_back(line);
        }
        text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    }
    return out;
}

bool same(const std::optional<pipeline::UpstreamSpf>& a, const std::optional<pipeline::UpstreamSpf>& b) {
    if (a.has_value() != b.has_value()) return false;
    return !a || (a->authservId == b->authservId && a->outcome.result == b->outcome.result &&
                  a->outcome.domain == b->outcome.domain && a->outcome.scope == b->outcome.scope);
}

std::string senderDomain(std::string_view mailFrom) {
    std::string domain(mailFrom.substr(mailFrom.rfind('@') + 1));
    if (!domain.empty() && domain.back() == '.') domain.pop_back();
    std::transform(domain.begin(), domain.end(), domain.begin(), [](unsigned char c) { return std::tolower(c); });
    return domain;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        std::string_view input(reinterpret_cast<const char*>(data), size);
        const std::size_t eol = input.find('\n');
        const std::string mailFrom(input.substr(0, eol));
        input.remove_prefix(eol == std::string_view::npos ? input.size() : eol + 1);
        auto fields = fieldsOf(input);

        const auto spf = pipeline::upstreamSpf(fields, kTrusted, mailFrom);
        if (pipeline::upstreamSpf(fields, {}, mailFrom)) __builtin_trap();
        if (!spf) return 0;

        if (mailFrom.find('@') == std::string::npos) __builtin_trap();
        const std::string domain = senderDomain(mailFrom);
        if (domain.empty() || spf->outcome.domain != domain) __builtin_trap();
        if (spf->outcome.scope != core::SpfScope::MailFrom || spf->outcome.reason.empty()) __builtin_trap();
        const std::string_view word = core::toString(spf->outcome.result);
        static constexpr std::string_view kWords[] = {"none",     "neutral",   "pass",     "fail",
                                                      "softfail", "temperror", "permerror"};
        if (std::find(std::begin(kWords), std::end(kWords), word) == std::end(kWords)) __builtin_trap();
        if (std::none_of(kTrusted.begin(), kTrusted.end(),
                         [&](const std::string& id) { return core::sameAuthservId(id, spf->authservId); })) {
            __builtin_trap();
        }

        auto below = fields;
        below.push_back(" mx.example.net; spf=pass smtp.mailfrom=" + domain);
        if (!same(spf, pipeline::upstreamSpf(below, kTrusted, mailFrom))) __builtin_trap();
        auto above = fields;
        above.insert(above.begin(), {" evil.example; spf=pass smtp.mailfrom=" + domain,
                                     " mx.example.net.evil; spf=pass smtp.mailfrom=" + domain,
                                     " mx.example.net; spf=pass smtp.helo=" + domain,
                                     " mx.example.net; spf=pass smtp.mailfrom=" + domain + " smtp.helo=" + domain});
        if (!same(spf, pipeline::upstreamSpf(above, kTrusted, mailFrom))) __builtin_trap();
    } catch (...) {
        __builtin_trap();  // never throws
    }
    return 0;
}
