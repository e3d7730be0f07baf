// Codecs: for each kind of setting value, how its text parses (with every refusal worded
// for a mail admin), how a value prints back (canonical: parse(format(v)) == v, which
// makes --dump-config re-readable), and how the type is described in the documentation.
// settings.cpp binds one codec to each Config field. Every codec has:
//   using Value = ...;
//   std::string type() const;                                   // "yes or no", ...
//   core::Result<Value, ValueError> parse(std::string_view, const ParseContext&) const;
//   std::string format(const Value&) const;
// Pure apart from ParseContext::readFile (the data-file codecs); thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/config.h"
#include "config/config_syntax.h"
#include "config/parse_context.h"
#include "core/result.h"

namespace dmarc::config {

struct ValueError {
    std::string detail;
    ConfigErrorKind kind = ConfigErrorKind::BadValue;  // or CannotRead for a data file
    std::string file;      // set when the error is inside a data file the value names
    std::size_t line = 0;  // that file's line
};

inline ValueError badValue(std::string detail) {
    return ValueError{std::move(detail), ConfigErrorKind::BadValue, {}, 0};
}
inline ValueError cannotRead(std::string detail) {
    return ValueError{std::move(detail), ConfigErrorKind::CannotRead, {}, 0};
}

// `text` for an error message: quoted, non-printable bytes escaped, cut to a readable
// length.
std::string shown(std::string_view text);

// Lower-case ASCII copy (setting names and enum words are matched case-insensitively).
std::string lowerAscii(std::string_view text);

// ---- scalars --------------------------------------------------------------------------

struct BoolCodec {
    using Value = bool;
    std::string type() const { return "yes or no"; }
    core::Result<bool, ValueError> parse(std::string_view text, const ParseContext&) const;
    std::string format(bool value) const { return value ? "yes" : "no"; }
};

// A decimal number without sign or spaces; numbers beyond 18 digits saturate (they are
// out of every range anyway).
std::optional<unsigned long long> parseDecimal(std::string_view text);
// "N is below the minimum of MIN" / "... above the maximum of MAX", or nullopt.
std::optional<std::string> rangeError(const std::string& value, const std::string& min, const std::string& max,
                                      bool below, bool above);

template <typename T>
struct IntegerCodec {
    using Value = T;
    T min;
    T max;
    std::string type() const { return "number, " + std::to_string(min) + " to " + std::to_string(max); }
    core::Result<T, ValueError> parse(std::string_view text, const ParseContext&) const {
        const auto number = parseDecimal(text);
        if (!number) return core::fail(badValue(shown(text) + " is not a whole number"));
        if (auto error = rangeError(shown(text), std::to_string(min), std::to_string(max),
                                    *number < static_cast<unsigned long long>(min),
                                    *number > static_cast<unsigned long long>(max))) {
            return core::fail(badValue(*error));
        }
        return static_cast<T>(*number);
    }
    std::string format(T value) const { return std::to_string(value); }
};

// "500ms", "2s", "5m", "1h", "1d"; a bare number is seconds. Absurdly large numbers
// saturate (they are out of every range anyway).
std::optional<std::chrono::milliseconds> parseDuration(std::string_view text);
// The largest unit that divides the value exactly: 2000ms → "2s", 90s → "90s".
std::string formatDuration(std::chrono::milliseconds value);

template <typename Duration>
struct DurationCodec {
    using Value = Duration;
    Duration min;
    Duration max;
    std::string type() const {
        return "duration, " + formatDuration(min) + " to " + formatDuration(max);
    }
    core::Result<Duration, ValueError> parse(std::string_view text, const ParseContext&) const {
        const auto value = parseDuration(text);
        if (!value) {
            return core::fail(badValue(shown(text) + " is not a duration (a number followed by ms, s, m, h "
                                                       "or d; without a unit it counts seconds)"));
        }
        const auto converted = std::chrono::duration_cast<Duration>(*value);
        if (converted != *value) {
            return core::fail(badValue(shown(text) + " is not a whole number of seconds"));
        }
        if (auto error = rangeError(shown(text), formatDuration(min), formatDuration(max),
                                    converted < min, converted > max)) {
            return core::fail(badValue(*error));
        }
        return converted;
    }
    std::string format(Duration value) const { return formatDuration(value); }
};

template <typename E>
struct EnumCodec {
    using Value = E;
    std::span<const std::pair<std::string_view, E>> names;
    std::string type() const {
        std::string text;
        for (const auto& entry : names) text += (text.empty() ? "" : " | ") + std::string(entry.first);
        return text;
    }
    core::Result<E, ValueError> parse(std::string_view text, const ParseContext&) const {
        const std::string lower = lowerAscii(text);
        for (const auto& [name, value] : names) {
            if (lower == name) return value;
        }
        std::string choices;
        for (const auto& entry : names) choices += (choices.empty() ? "" : ", ") + std::string(entry.first);
        return core::fail(badValue(shown(text) + " is not one of: " + choices));
    }
    std::string format(E value) const {
        for (const auto& [name, entry] : names) {
            if (entry == value) return std::string(name);
        }
        return "";
    }
};

// Text checked by a function returning why it is unacceptable (or nullopt): free text,
// paths, and list items such as authserv-ids, daemon names and name servers.
using TextCheck = std::optional<std::string> (*)(std::string_view text);

struct TextCodec {
    using Value = std::string;
    std::string_view description;
    TextCheck check;
    std::string type() const { return std::string(description); }
    core::Result<std::string, ValueError> parse(std::string_view text, const ParseContext&) const;
    std::string format(const std::string& value) const { return value; }
};

// The checks TextCodec and the list elements use.
std::optional<std::string> checkAbsolutePath(std::string_view text);         // "" allowed
std::optional<std::string> checkHeaderName(std::string_view text);
std::optional<std::string> checkRejectReply(std::string_view text);          // 550 5.7.1
std::optional<std::string> checkTempFailReply(std::string_view text);        // 451 4.7.1
std::optional<std::string> checkAuthservId(std::string_view text);
std::optional<std::string> checkDaemonName(std::string_view text);
std::optional<std::string> checkNameServer(std::string_view text);

// AuthservID: an authserv-id, or HOSTNAME for this host's name.
struct AuthservIdCodec {
    using Value = std::string;
    std::string type() const { return "authserv-id or HOSTNAME"; }
    core::Result<std::string, ValueError> parse(std::string_view text, const ParseContext& context) const;
    std::string format(const std::string& value) const { return value; }
};

struct SocketCodec {
    using Value = SocketAddress;
    std::string type() const { return "unix:PATH | inet:PORT@HOST | inet6:PORT@HOST"; }
    core::Result<SocketAddress, ValueError> parse(std::string_view text, const ParseContext&) const;
    std::string format(const SocketAddress& value) const { return toString(value); }
};

struct RunAsCodec {
    using Value = RunAs;
    std::string type() const { return "user[:group]"; }
    core::Result<RunAs, ValueError> parse(std::string_view text, const ParseContext&) const;
    std::string format(const RunAs& value) const;
};

struct UmaskCodec {
    using Value = unsigned;
    std::string type() const { return "octal mode, 0000 to 0777"; }
    core::Result<unsigned, ValueError> parse(std::string_view text, const ParseContext&) const;
    std::string format(unsigned value) const;
};

// ---- list elements ----------------------------------------------------------------------

struct NetworkCodec {
    using Value = core::IpNetwork;
    std::string type() const { return "IP address or network (CIDR)"; }
    core::Result<core::IpNetwork, ValueError> parse(std::string_view text, const ParseContext&) const;
    std::string format(const core::IpNetwork& value) const { return core::formatIpNetwork(value); }
};

// "postmaster" (a local part: any domain) or "dmarc-reports@example.net"; lower-cased.
struct RecipientCodec {
    using Value = std::string;
    std::string type() const { return "local part or address"; }
    core::Result<std::string, ValueError> parse(std::string_view text, const ParseContext&) const;
    std::string format(const std::string& value) const { return value; }
};

// Limits on lists: items inline, entries in a data file, and the length of an inline list
// once written out, which keeps every --dump-config line within kMaxLineLength (list
// items never hold '"' or '\\', so quoting adds at most two characters).
inline constexpr std::size_t kMaxListItems = 1000;
inline constexpr std::size_t kMaxDataFileEntries = 100000;
inline constexpr std::size_t kMaxListText = 16000;
static_assert(kMaxListText + 64 < kMaxLineLength);

// Why a list whose written form is `formatted` is too long, or nullopt.
std::optional<ValueError> checkListText(const std::string& formatted);

template <typename Element>
struct ListCodec {
    using Value = std::vector<typename Element::Value>;
    Element element;
    std::size_t maxItems;
    std::string type() const { return "list of: " + element.type(); }
    core::Result<Value, ValueError> parse(std::string_view text, const ParseContext& context) const {
        Value values;
        for (std::string_view item : splitList(text)) {
            if (values.size() == maxItems) {
                return core::fail(badValue("more than " + std::to_string(maxItems) + " items"));
            }
            auto value = element.parse(item, context);
            if (!value) return core::fail(std::move(value.error()));
            values.push_back(std::move(value).value());
        }
        if (auto error = checkListText(format(values))) return core::fail(std::move(*error));
        return values;
    }
    std::string format(const Value& values) const {
        std::string text;
        for (const auto& value : values) text += (text.empty() ? "" : ", ") + element.format(value);
        return text;
    }
};

// ---- composites -------------------------------------------------------------------------

// TrustedForwarders: IP networks and domain names, mixed.
struct ForwardersCodec {
    using Value = TrustedForwarders;
    std::string type() const { return "list of: IP address, network (CIDR) or domain"; }
    core::Result<TrustedForwarders, ValueError> parse(std::string_view text, const ParseContext& context) const;
    std::string format(const TrustedForwarders& value) const;
};

// IgnoreHosts: the path of a file with networks, read while parsing.
struct NetworkFileCodec {
    using Value = NetworkFile;
    std::string type() const { return "path of a file of IP networks"; }
    core::Result<NetworkFile, ValueError> parse(std::string_view text, const ParseContext& context) const;
    std::string format(const NetworkFile& value) const { return value.path; }
};

// LocalPolicyFile: the path of a file of "domain none|quarantine|reject" lines.
struct DomainPolicyFileCodec {
    using Value = DomainPolicyFile;
    std::string type() const { return "path of a file of domain rules"; }
    core::Result<DomainPolicyFile, ValueError> parse(std::string_view text, const ParseContext& context) const;
    std::string format(const DomainPolicyFile& value) const { return value.path; }
};

}  // namespace dmarc::config
