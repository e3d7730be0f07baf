// DMARC policy record parser (RFC 9989 §4.7–4.8; pct/rf/ri from RFC 7489 §6.3) and the
// §4.10.1 / RFC 7489 §6.6.3 "usable policy" rule. parseDmarcRecord() returns the record or
// why the text is no DMARC record at all; usablePolicy() returns the policy triple to act
// on or why DMARC does not apply. Pure functions over their arguments; thread-safe.
//
// The text is untrusted DNS data: one pass over it, every stored problem and URI list
// capped, so a 64 KiB hostile record costs linear time and bounded memory.
#include "dmarc_record.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <utility>

#include "domain_name.h"

namespace dmarc::core {
namespace {

// Enough for any honest record to report every mistake; a hostile one cannot make us
// store more than this.
constexpr std::size_t kMaxProblems = 32;
constexpr std::size_t kMaxProblemText = 64;
// RFC 7489 §6.2 asks receivers to handle at least two; published lists rarely exceed five.
constexpr std::size_t kMaxUrisPerTag = 32;

// ---- characters -------------------------------------------------------------------------

bool isWsp(char c) { return c == ' ' || c == '\t'; }
bool isAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isHexDigit(char c) {
    return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
char toLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool allOf(std::string_view text, bool (*predicate)(char)) {
    for (char c : text) {
        if (!predicate(c)) return false;
    }
    return true;
}

// ABNF literals are case-insensitive (RFC 5234 §2.3), so tag names and keywords are too.
bool equalsIgnoreCase(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (toLower(a[i]) != toLower(b[i])) return false;
    }
    return true;
}

std::string lowered(std::string_view text) {
    std::string out(text);
    for (char& c : out) c = toLower(c);
    return out;
}

std::string_view trimWsp(std::string_view text) {
    while (!text.empty() && isWsp(text.front())) text.remove_prefix(1);
    while (!text.empty() && isWsp(text.back())) text.remove_suffix(1);
    return text;
}

// Calls `visit` with each piece of `text` between `separator`s, empty pieces included.
template <typename Visit>
void forEachPiece(std::string_view text, char separator, Visit&& visit) {
    for (;;) {
        const std::size_t end = text.find(separator);
        visit(text.substr(0, end));
        if (end == std::string_view::npos) return;
        text.remove_prefix(end + 1);
    }
}

// ---- problems ---------------------------------------------------------------------------

std::string clipped(std::string_view text) {
    if (text.size() <= kMaxProblemText) return std::string(text);
    return std::string(text.substr(0, kMaxProblemText)) + "...";
}

void addProblem(DmarcRecord& record, std::string_view tag, std::string_view value,
                std::string_view why) {
    if (record.problems.size() >= kMaxProblems) return;
    record.problems.push_back(TagProblem{lowered(clipped(tag)), clipped(value), std::string(why)});
}

// ---- reporting URIs (RFC 9989 §4.8 dmarc-uri, RFC 3986, RFC 6068) -------------------------

// The URI checks fail with a reason meant for TagProblem::why.
Failure<std::string_view> because(std::string_view why) { return fail(why); }

bool isUnreserved(char c) {
    return isAlpha(c) || isDigit(c) || c == '-' || c == '.' || c == '_' || c == '~';
}
// RFC 3986 sub-delims minus ',' and '!' (DMARC requires them percent-encoded) and ';'
// (it ends the tag, so it never reaches here).
bool isSubDelim(char c) {
    return c == '$' || c == '&' || c == '\'' || c == '(' || c == ')' || c == '*' || c == '+' ||
           c == '=';
}

// Every character is unreserved, a sub-delim, one of `extra`, or part of a %XX escape.
bool allUriChars(std::string_view text, std::string_view extra) {
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '%') {
            if (i + 2 >= text.size() || !isHexDigit(text[i + 1]) || !isHexDigit(text[i + 2])) {
                return false;
            }
            i += 2;
        } else if (!isUnreserved(c) && !isSubDelim(c) && extra.find(c) == std::string_view::npos) {
            return false;
        }
    }
    return true;
}

struct UriParts {
    std::string scheme;  // lower-cased (RFC 3986 §3.1: schemes are case-insensitive)
    bool hasAuthority = false;
    std::string_view host;
    std::string_view path;
    bool hasFragment = false;
};

// authority = [ userinfo "@" ] host [ ":" port ]; host is a reg-name or an IP-literal.
bool splitAuthority(std::string_view authority, UriParts& parts) {
    if (const std::size_t at = authority.find('@'); at != std::string_view::npos) {
        if (!allUriChars(authority.substr(0, at), ":")) return false;
        authority.remove_prefix(at + 1);
    }
    std::string_view port;
    if (!authority.empty() && authority.front() == '[') {
        const std::size_t close = authority.find(']');
        if (close == std::string_view::npos || close == 1) return false;
        parts.host = authority.substr(0, close + 1);
        // IPv6address / IPvFuture, checked loosely: nobody needs a literal report host.
        if (!allUriChars(authority.substr(1, close - 1), ":")) return false;
        const std::string_view rest = authority.substr(close + 1);
        if (!rest.empty() && rest.front() != ':') return false;
        port = rest.empty() ? rest : rest.substr(1);
    } else {
        const std::size_t colon = authority.find(':');
        parts.host = authority.substr(0, colon);
        if (colon != std::string_view::npos) port = authority.substr(colon + 1);
        if (!allUriChars(parts.host, "")) return false;
    }
    return allOf(port, isDigit);
}

// RFC 3986 §3: scheme ":" hier-part [ "?" query ] [ "#" fragment ].
Result<UriParts, std::string_view> splitUri(std::string_view uri) {
    const std::size_t colon = uri.find(':');
    if (colon == std::string_view::npos || colon == 0) return because("no URI scheme");
    const std::string_view scheme = uri.substr(0, colon);
    const auto isSchemeChar = [](char c) {
        return isAlpha(c) || isDigit(c) || c == '+' || c == '-' || c == '.';
    };
    if (!isAlpha(scheme.front()) || !allOf(scheme, +isSchemeChar)) {
        return because("no URI scheme");
    }
    UriParts parts;
    parts.scheme = lowered(scheme);
    std::string_view rest = uri.substr(colon + 1);
    if (rest.empty()) return because("nothing after the URI scheme");
    if (const std::size_t hash = rest.find('#'); hash != std::string_view::npos) {
        if (!allUriChars(rest.substr(hash + 1), ":@/?")) return because("invalid URI fragment");
        parts.hasFragment = true;
        rest = rest.substr(0, hash);
    }
    if (const std::size_t question = rest.find('?'); question != std::string_view::npos) {
        if (!allUriChars(rest.substr(question + 1), ":@/?")) return because("invalid URI query");
        rest = rest.substr(0, question);
    }
    if (rest.starts_with("//")) {
        rest.remove_prefix(2);
        const std::size_t slash = rest.find('/');
        if (!splitAuthority(rest.substr(0, slash), parts)) {
            return because("invalid URI authority");
        }
        parts.hasAuthority = true;
        rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
    }
    if (!allUriChars(rest, ":@/")) return because("invalid character in URI");
    parts.path = rest;
    return parts;
}

std::string percentDecoded(std::string_view text) {  // escapes already validated
    const auto hexValue = [](char c) {
        return isDigit(c) ? c - '0' : toLower(c) - 'a' + 10;
    };
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '%' && i + 2 < text.size()) {
            out.push_back(static_cast<char>(hexValue(text[i + 1]) * 16 + hexValue(text[i + 2])));
            i += 2;
        } else {
            out.push_back(text[i]);
        }
    }
    return out;
}

// RFC 5322 §3.2.3 atext.
bool isAtext(char c) {
    return isAlpha(c) || isDigit(c) || std::string_view("!#$%&'*+-/=?^_`{|}~").find(c) !=
                                          std::string_view::npos;
}

// 1*atext *("." 1*atext)
bool isDotAtom(std::string_view text) {
    std::size_t atomLength = 0;
    for (char c : text) {
        if (c == '.' && atomLength > 0) {
            atomLength = 0;
        } else if (isAtext(c)) {
            ++atomLength;
        } else {
            return false;
        }
    }
    return atomLength > 0;
}

// RFC 5322 §3.2.4 quoted-string without folding: DQUOTE *(qtext / quoted-pair) DQUOTE.
bool isQuotedString(std::string_view text) {
    if (text.size() < 2 || text.front() != '"' || text.back() != '"') return false;
    text = text.substr(1, text.size() - 2);
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '\\') {
            if (++i == text.size() || text[i] < ' ' || text[i] > '~') return false;
        } else if (c == '"' || c < ' ' || c > '~') {
            return false;
        }
    }
    return true;
}

bool isAddrSpec(std::string_view address) {
    // The last '@': a quoted local part may itself contain '@'.
    const std::size_t at = address.rfind('@');
    if (at == std::string_view::npos || at == 0) return false;
    const std::string_view local = address.substr(0, at);
    return (isDotAtom(local) || isQuotedString(local)) &&
           DomainName::parse(address.substr(at + 1)).ok();
}

// RFC 6068: mailto:addr-spec *("," addr-spec) [hfields], ',' percent-encoded in DMARC.
std::string_view mailtoProblem(const UriParts& parts) {
    if (parts.hasAuthority) return "mailto: URI with an authority (//)";
    if (parts.hasFragment) return "mailto: URI with a fragment (#)";
    if (parts.path.empty()) return "mailto: without an address";
    bool valid = true;
    forEachPiece(percentDecoded(parts.path), ',', [&](std::string_view address) {
        valid = valid && isAddrSpec(address);
    });
    return valid ? std::string_view() : "mailto: address is not local-part@domain";
}

// obs-dmarc-report-size = "!" 1*DIGIT [ "k" / "m" / "g" / "t" ]. A literal '!' cannot be in
// a dmarc-uri, so the last '!' either starts this suffix or makes the entry invalid.
Result<std::string_view, std::string_view> withoutSizeSuffix(std::string_view entry) {
    const std::size_t bang = entry.rfind('!');
    if (bang == std::string_view::npos) return entry;
    std::string_view size = entry.substr(bang + 1);
    if (!size.empty() && std::string_view("kmgtKMGT").find(size.back()) != std::string_view::npos) {
        size.remove_suffix(1);
    }
    if (size.empty() || !allOf(size, isDigit)) return because("invalid !size suffix");
    return entry.substr(0, bang);
}

// The URI as it should be stored (size suffix dropped, scheme lower-cased), or why not.
Result<std::string, std::string_view> reportUri(std::string_view entry) {
    if (entry.empty()) return because("empty URI");
    const auto uri = withoutSizeSuffix(entry);
    if (!uri) return fail(uri.error());
    const auto parts = splitUri(*uri);
    if (!parts) return fail(parts.error());
    if (parts->scheme == "mailto") {
        if (const std::string_view why = mailtoProblem(*parts); !why.empty()) return fail(why);
    } else if ((parts->scheme == "http" || parts->scheme == "https") &&
               (!parts->hasAuthority || parts->host.empty())) {
        return because("http(s) URI without a host");
    }
    return parts->scheme + std::string(uri->substr(parts->scheme.size()));
}

void applyUriList(DmarcRecord& record, std::vector<std::string>& out, std::string_view tag,
                  std::string_view value) {
    std::size_t examined = 0;
    forEachPiece(value, ',', [&](std::string_view piece) {
        const std::string_view entry = trimWsp(piece);
        if (examined == kMaxUrisPerTag) {
            addProblem(record, tag, entry, "too many URIs; this one and the rest are ignored");
        }
        if (examined++ >= kMaxUrisPerTag) return;
        if (auto uri = reportUri(entry)) {
            out.push_back(std::move(uri).value());
        } else {
            addProblem(record, tag, entry, uri.error());
        }
    });
}

// ---- other tag values -------------------------------------------------------------------

template <typename T>
using Keywords = std::initializer_list<std::pair<std::string_view, T>>;

// Sets `slot` from the keyword list; on no match records a problem and returns false.
template <typename Slot, typename T>
bool applyKeyword(DmarcRecord& record, Slot& slot, Keywords<T> words, std::string_view tag,
                  std::string_view value, std::string_view why) {
    for (const auto& [word, meaning] : words) {
        if (equalsIgnoreCase(value, word)) {
            slot = meaning;
            return true;
        }
    }
    addProblem(record, tag, value, why);
    return false;
}

const Keywords<Policy> kPolicies = {
    {"none", Policy::None}, {"quarantine", Policy::Quarantine}, {"reject", Policy::Reject}};
const Keywords<AlignmentMode> kAlignments = {{"r", AlignmentMode::Relaxed},
                                             {"s", AlignmentMode::Strict}};
const Keywords<PsdFlag> kPsdFlags = {
    {"y", PsdFlag::Yes}, {"n", PsdFlag::No}, {"u", PsdFlag::Unknown}};
const Keywords<bool> kYesNo = {{"y", true}, {"n", false}};

void applyPolicy(DmarcRecord& record, std::optional<Policy>& slot, bool& invalid,
                 std::string_view tag, std::string_view value) {
    invalid = !applyKeyword(record, slot, kPolicies, tag, value,
                            "not one of none, quarantine, reject");
}

void applyAlignment(DmarcRecord& record, AlignmentMode& slot, std::string_view tag,
                    std::string_view value) {
    applyKeyword(record, slot, kAlignments, tag, value, "not r or s");
}

// dmarc-fo (RFC 9989 §4.8): "0" and "1" mutually exclusive, "d" and "s" at most once each.
// RFC 7489 allowed WSP around ':', so it is tolerated; the stored form has none.
std::optional<std::string> normalisedFo(std::string_view value) {
    std::string out;
    bool valid = true;
    bool haveLevel = false;
    bool haveD = false;
    bool haveS = false;
    forEachPiece(value, ':', [&](std::string_view piece) {
        const std::string_view option = trimWsp(piece);
        bool* seen = nullptr;
        if (option == "0" || option == "1") {
            seen = &haveLevel;
        } else if (equalsIgnoreCase(option, "d")) {
            seen = &haveD;
        } else if (equalsIgnoreCase(option, "s")) {
            seen = &haveS;
        }
        valid = valid && seen != nullptr && !*seen;
        if (!valid) return;
        *seen = true;
        if (!out.empty()) out.push_back(':');
        out.push_back(toLower(option.front()));
    });
    if (!valid) return std::nullopt;
    return out;
}

// RFC 7489 §6.3 rf: colon-separated report formats. Unknown formats are dropped ("SHOULD
// ignore it") and named as a problem; with none left the default stands.
void applyReportFormats(DmarcRecord& record, std::string_view tag, std::string_view value) {
    std::string known;
    bool allKnown = true;
    forEachPiece(value, ':', [&](std::string_view piece) {
        const std::string_view format = trimWsp(piece);
        if (equalsIgnoreCase(format, "afrf") || equalsIgnoreCase(format, "iodef")) {
            if (!known.empty()) known.push_back(':');
            known += lowered(format);
        } else {
            allKnown = false;
        }
    });
    if (!allKnown) addProblem(record, tag, value, "unknown report format (known: afrf, iodef)");
    if (!known.empty()) record.rf = std::move(known);
}

// 1*DIGIT no greater than `max`; stops reading as soon as the value exceeds it.
std::optional<std::uint64_t> boundedNumber(std::string_view digits, std::uint64_t max) {
    if (digits.empty()) return std::nullopt;
    std::uint64_t number = 0;
    for (char c : digits) {
        if (!isDigit(c)) return std::nullopt;
        number = number * 10 + static_cast<std::uint64_t>(c - '0');
        if (number > max) return std::nullopt;
    }
    return number;
}

// ---- the tag table ----------------------------------------------------------------------

using TagHandler = void (*)(DmarcRecord&, std::string_view tag, std::string_view value);

struct TagSpec {
    std::string_view name;
    TagHandler apply;
};

void applyFailureOptions(DmarcRecord& record, std::string_view tag, std::string_view value) {
    if (auto fo = normalisedFo(value)) {
        record.fo = std::move(*fo);
    } else {
        addProblem(record, tag, value, "not a colon list of 0 or 1, d, s (each at most once)");
    }
}

void applyPercent(DmarcRecord& record, std::string_view tag, std::string_view value) {
    if (const auto pct = boundedNumber(value, 100)) {
        record.pct = static_cast<int>(*pct);
    } else {
        addProblem(record, tag, value, "not an integer from 0 to 100");
    }
}

void applyReportInterval(DmarcRecord& record, std::string_view tag, std::string_view value) {
    if (const auto ri = boundedNumber(value, 0xFFFFFFFFu)) {
        record.ri = static_cast<unsigned long>(*ri);
    } else {
        addProblem(record, tag, value, "not an unsigned 32-bit number of seconds");
    }
}

using Text = std::string_view;

const std::array<TagSpec, 13> kTags{{
    {"p", [](DmarcRecord& r, Text t, Text v) { applyPolicy(r, r.p, r.pInvalid, t, v); }},
    {"sp", [](DmarcRecord& r, Text t, Text v) { applyPolicy(r, r.sp, r.spInvalid, t, v); }},
    {"np", [](DmarcRecord& r, Text t, Text v) { applyPolicy(r, r.np, r.npInvalid, t, v); }},
    {"adkim", [](DmarcRecord& r, Text t, Text v) { applyAlignment(r, r.adkim, t, v); }},
    {"aspf", [](DmarcRecord& r, Text t, Text v) { applyAlignment(r, r.aspf, t, v); }},
    {"psd", [](DmarcRecord& r, Text t, Text v) {
         applyKeyword(r, r.psd, kPsdFlags, t, v, "not y, n or u");
     }},
    {"t", [](DmarcRecord& r, Text t, Text v) {
         applyKeyword(r, r.testing, kYesNo, t, v, "not y or n");
     }},
    {"fo", applyFailureOptions},
    {"rua", [](DmarcRecord& r, Text t, Text v) { applyUriList(r, r.rua, t, v); }},
    {"ruf", [](DmarcRecord& r, Text t, Text v) { applyUriList(r, r.ruf, t, v); }},
    {"pct", applyPercent},
    {"rf", applyReportFormats},
    {"ri", applyReportInterval},
}};
static_assert(kTags.size() <= 32, "seen-tag bitmask is 32 bits");

// One "name = value" segment after the version tag. `seen` has a bit per kTags entry.
void applySegment(DmarcRecord& record, std::string_view segment, std::uint32_t& seen) {
    const std::size_t equals = segment.find('=');
    if (equals == std::string_view::npos) {
        addProblem(record, segment, "", "not a tag=value pair");
        return;
    }
    const std::string_view name = trimWsp(segment.substr(0, equals));
    const std::string_view value = trimWsp(segment.substr(equals + 1));
    if (name.empty()) {
        addProblem(record, "(none)", value, "no tag name before '='");
        return;
    }
    if (!allOf(name, isAlpha)) {
        addProblem(record, name, value, "tag name is not letters only");
        return;
    }
    if (equalsIgnoreCase(name, "v")) {
        addProblem(record, name, value, "repeated version tag; only the first tag counts");
        return;
    }
    for (std::size_t i = 0; i < kTags.size(); ++i) {
        if (!equalsIgnoreCase(name, kTags[i].name)) continue;
        const std::uint32_t bit = std::uint32_t{1} << i;
        if (seen & bit) {
            addProblem(record, name, value, "duplicate tag; the first one counts");
        } else {
            seen |= bit;
            kTags[i].apply(record, kTags[i].name, value);
        }
        return;
    }
    // Unknown tags MUST be ignored (§4.7): not a problem, just a tag from the future.
}

// The first segment must be exactly v=DMARC1 (WSP allowed around '=', value case-sensitive).
std::optional<RecordError> versionError(std::string_view segment) {
    const std::size_t equals = segment.find('=');
    if (equals == std::string_view::npos ||
        !equalsIgnoreCase(trimWsp(segment.substr(0, equals)), "v")) {
        return RecordError::NoVersionTag;
    }
    const std::string_view value = trimWsp(segment.substr(equals + 1));
    constexpr std::string_view kVersion = "DMARC1";
    if (value == kVersion) return std::nullopt;
    // "v=DMARC1 p=reject", "v=DMARC1p=reject": the right version with the ';' forgotten.
    if (value.starts_with(kVersion) &&
        (isWsp(value[kVersion.size()]) || value[kVersion.size()] == ',' ||
         value.find('=') != std::string_view::npos)) {
        return RecordError::Malformed;
    }
    return RecordError::WrongVersion;
}

}  // namespace

std::string_view toString(Policy policy) {
    switch (policy) {
        case Policy::None: return "none";
        case Policy::Quarantine: return "quarantine";
        case Policy::Reject: return "reject";
    }
    return "unknown";
}

std::string_view toString(AlignmentMode mode) {
    switch (mode) {
        case AlignmentMode::Relaxed: return "r";
        case AlignmentMode::Strict: return "s";
    }
    return "unknown";
}

std::string_view describe(RecordError error) {
    switch (error) {
        case RecordError::Empty: return "empty record";
        case RecordError::NoVersionTag: return "does not start with a v= tag";
        case RecordError::WrongVersion: return "version is not v=DMARC1";
        case RecordError::Malformed: return "no ';' after v=DMARC1";
    }
    return "unknown record error";
}

std::string_view describe(UnusableReason reason) {
    switch (reason) {
        case UnusableReason::InvalidPolicyWithoutRua:
            return "invalid p, sp or np and no valid rua URI";
        case UnusableReason::MissingPolicyWithoutRua:
            return "no p tag and no valid rua URI";
    }
    return "unknown reason";
}

Result<DmarcRecord, RecordError> parseDmarcRecord(std::string_view text) {
    text = trimWsp(text);
    if (text.empty()) return fail(RecordError::Empty);
    const std::size_t firstSeparator = text.find(';');
    if (const auto error = versionError(trimWsp(text.substr(0, firstSeparator)))) {
        return fail(*error);
    }

    DmarcRecord record;
    if (firstSeparator == std::string_view::npos) return record;
    std::uint32_t seen = 0;
    forEachPiece(text.substr(firstSeparator + 1), ';', [&](std::string_view piece) {
        const std::string_view segment = trimWsp(piece);
        if (!segment.empty()) applySegment(record, segment, seen);
    });
    return record;
}

Result<UsablePolicy, UnusableReason> usablePolicy(const DmarcRecord& record, DmarcMode mode) {
    const bool rfc9989 = mode == DmarcMode::Rfc9989;
    // np is not an RFC 7489 tag: in that mode it neither applies nor invalidates anything.
    const std::optional<Policy> np = rfc9989 ? record.np : std::nullopt;
    const bool invalid = record.pInvalid || record.spInvalid || (rfc9989 && record.npInvalid);
    // RFC 7489 §6.3 requires p; RFC 9989 §4.7 treats a record without p as p=none.
    const bool missing = !rfc9989 && !record.p;
    if (invalid || missing) {
        // "act as if a record containing p=none was retrieved": sp and np go too. rua holds
        // only syntactically valid URIs, which is exactly what the rule asks for.
        if (record.rua.empty()) {
            return fail(invalid ? UnusableReason::InvalidPolicyWithoutRua
                                : UnusableReason::MissingPolicyWithoutRua);
        }
        return UsablePolicy{};
    }
    return UsablePolicy{record.p.value_or(Policy::None), record.sp, np};
}

}  // namespace dmarc::core
