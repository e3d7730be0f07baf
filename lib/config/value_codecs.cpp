// Parsing and printing of setting values (see value_codecs.h): scalars, checked text,
// sockets, accounts, networks, recipients, and the data files IgnoreHosts and
// LocalPolicyFile name. Every refusal says what was wrong in an admin's words. Pure
// apart from ParseContext::readFile.
#include "value_codecs.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <limits>
#include <map>

#include "adapters/name_servers.h"
#include "config/reply_template.h"
#include "core/domain_name.h"
#include "core/spf_address.h"
#include "log/sanitize.h"

namespace dmarc::config {
namespace {

using core::fail;

constexpr std::size_t kMaxPathLength = 1024;     // ample, and short enough to quote on one line
constexpr std::size_t kMaxUnixSocketPath = 107;  // sizeof(sockaddr_un::sun_path) - 1
constexpr std::size_t kMaxHeaderName = 64;
constexpr std::size_t kMaxToken = 255;
constexpr std::size_t kMaxAccountName = 32;
constexpr std::size_t kMaxLocalPart = 64;  // RFC 5321 §4.5.3.1.1

bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool isVisible(char c) { return c >= 0x21 && c <= 0x7E; }
bool hasControl(std::string_view text) {
    return std::any_of(text.begin(), text.end(), [](char c) { return (c >= 0 && c < 0x20) || c == 0x7F; });
}

// RFC 5322 atext, the characters of a dot-atom local part.
bool isAtext(char c) {
    return isAlpha(c) || isDigit(c) || std::string_view("!#$%&'*+-/=?^_`{|}~").find(c) != std::string_view::npos;
}

// RFC 2045 token characters without '/', '=' and '?': what an authserv-id holds in practice
// (a host name) and what an Authentication-Results parser reads back without quotes.
bool isTokenChar(char c) {
    return isAlpha(c) || isDigit(c) || std::string_view("!#$%&'*+-.^_`{|}~").find(c) != std::string_view::npos;
}

std::optional<std::string> checkToken(std::string_view text, std::string_view what) {
    if (text.empty()) return "empty " + std::string(what);
    if (text.size() > kMaxToken) return std::string(what) + " longer than " + std::to_string(kMaxToken) + " characters";
    if (!std::all_of(text.begin(), text.end(), isTokenChar)) {
        return shown(text) + " is not a valid " + std::string(what) +
               " (letters, digits and !#$%&'*+-.^_`{|}~ only)";
    }
    return std::nullopt;
}

std::optional<std::string> checkAccountName(std::string_view text, std::string_view what) {
    if (text.empty()) return "empty " + std::string(what) + " name";
    if (text.size() > kMaxAccountName) {
        return std::string(what) + " name longer than " + std::to_string(kMaxAccountName) + " characters";
    }
    if (std::all_of(text.begin(), text.end(), isDigit)) return std::nullopt;  // a numeric id
    const bool ok = (isAlpha(text.front()) || text.front() == '_') &&
                    std::all_of(text.begin(), text.end(), [](char c) {
                        return isAlpha(c) || isDigit(c) || c == '_' || c == '.' || c == '-';
                    });
    if (!ok) return shown(text) + " is not a valid " + std::string(what) + " name";
    return std::nullopt;
}

std::optional<std::string> checkLocalPart(std::string_view text) {
    if (text.empty()) return std::string("empty local part");
    if (text.size() > kMaxLocalPart) return "local part longer than " + std::to_string(kMaxLocalPart) + " characters";
    const bool ok = std::all_of(text.begin(), text.end(), [](char c) { return isAtext(c) || c == '.'; }) &&
                    text.front() != '.' && text.back() != '.' && text.find("..") == std::string_view::npos;
    if (!ok) return shown(text) + " is not a valid local part";
    return std::nullopt;
}

// Host of inet:PORT@HOST: an address of the family, or a host name.
std::optional<std::string> checkSocketHost(std::string_view host, bool inet6) {
    if (inet6 ? core::parseIpv6(host).has_value() : core::parseIpv4(host).has_value()) return std::nullopt;
    if (host.find(':') == std::string_view::npos && core::DomainName::parse(host).ok()) return std::nullopt;
    return shown(host) + " is not an " + (inet6 ? "IPv6" : "IPv4") + " address or a host name";
}

core::Result<std::string, ValueError> readDataFile(const std::string& path, const ParseContext& context) {
    if (!context.readFile) return fail(cannotRead("cannot read " + path + ": no file access"));
    auto text = context.readFile(path);
    if (!text) return fail(cannotRead("cannot read " + path + ": " + text.error()));
    return std::move(text).value();
}

ValueError dataError(const std::string& path, std::size_t line, std::string detail) {
    return ValueError{std::move(detail), ConfigErrorKind::BadValue, path, line};
}

core::Result<std::vector<DataLine>, ValueError> dataLines(std::string_view text, const std::string& path) {
    auto lines = parseDataLines(text, path);
    if (!lines) return fail(dataError(path, lines.error().line, lines.error().detail));
    if (lines->size() > kMaxDataFileEntries) {
        return fail(dataError(path, 0, "more than " + std::to_string(kMaxDataFileEntries) + " entries"));
    }
    return std::move(lines).value();
}

core::Result<std::string, ValueError> dataFilePath(std::string_view text) {
    if (auto error = checkAbsolutePath(text)) return fail(badValue(*error));
    return std::string(text);
}

}  // namespace

std::string shown(std::string_view text) {
    std::string quoted = "\"";
    for (char c : log::sanitizeText(text, 64)) {
        if (c == '"') quoted.push_back('\\');
        quoted.push_back(c);
    }
    return quoted + "\"";
}

std::string lowerAscii(std::string_view text) {
    std::string lower(text);
    for (char& c : lower) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return lower;
}

std::optional<ValueError> checkListText(const std::string& formatted) {
    if (formatted.size() <= kMaxListText) return std::nullopt;
    return badValue("the list is longer than " + std::to_string(kMaxListText) + " characters once written out");
}

core::Result<bool, ValueError> BoolCodec::parse(std::string_view text, const ParseContext&) const {
    const std::string lower = lowerAscii(text);
    if (lower == "yes" || lower == "true" || lower == "1") return true;
    if (lower == "no" || lower == "false" || lower == "0") return false;
    return fail(badValue(shown(text) + " is not yes or no (also true, false, 1, 0)"));
}

std::optional<unsigned long long> parseDecimal(std::string_view text) {
    if (text.empty() || !std::all_of(text.begin(), text.end(), isDigit)) return std::nullopt;
    if (text.size() > 18) return std::numeric_limits<unsigned long long>::max();
    unsigned long long value = 0;
    std::from_chars(text.data(), text.data() + text.size(), value);
    return value;
}

std::optional<std::string> rangeError(const std::string& value, const std::string& min, const std::string& max,
                                      bool below, bool above) {
    if (below) return value + " is below the minimum of " + min;
    if (above) return value + " is above the maximum of " + max;
    return std::nullopt;
}

std::optional<std::chrono::milliseconds> parseDuration(std::string_view text) {
    const auto digitsEnd = std::find_if_not(text.begin(), text.end(), isDigit);
    const std::string_view digits = text.substr(0, static_cast<std::size_t>(digitsEnd - text.begin()));
    const std::string unit = lowerAscii(text.substr(digits.size()));
    if (digits.empty()) return std::nullopt;
    // 10^11 days still fits in milliseconds; anything longer is cut to that.
    constexpr unsigned long long kLargest = 100'000'000'000ULL;
    const auto number = static_cast<long long>(std::min(*parseDecimal(digits), kLargest));
    static constexpr std::array<std::pair<std::string_view, long long>, 6> kUnits{{
        {"ms", 1}, {"s", 1000}, {"", 1000}, {"m", 60'000}, {"h", 3'600'000}, {"d", 86'400'000},
    }};
    for (const auto& [name, factor] : kUnits) {
        if (unit == name) return std::chrono::milliseconds(number * factor);
    }
    return std::nullopt;
}

std::string formatDuration(std::chrono::milliseconds value) {
    const long long ms = value.count();
    static constexpr std::array<std::pair<std::string_view, long long>, 4> kUnits{{
        {"d", 86'400'000}, {"h", 3'600'000}, {"m", 60'000}, {"s", 1000},
    }};
    if (ms == 0) return "0s";
    for (const auto& [name, factor] : kUnits) {
        if (ms % factor == 0) return std::to_string(ms / factor) + std::string(name);
    }
    return std::to_string(ms) + "ms";
}

core::Result<std::string, ValueError> TextCodec::parse(std::string_view text, const ParseContext&) const {
    if (auto error = check(text)) return fail(badValue(*error));
    return std::string(text);
}

std::optional<std::string> checkAbsolutePath(std::string_view text) {
    if (text.empty()) return std::nullopt;
    if (text.front() != '/') return shown(text) + " is not an absolute path (start it with /)";
    if (text.size() > kMaxPathLength) return "path longer than " + std::to_string(kMaxPathLength) + " characters";
    if (hasControl(text)) return shown(text) + " contains control characters";
    return std::nullopt;
}

std::optional<std::string> checkHeaderName(std::string_view text) {
    if (text.empty()) return std::string("empty header field name");
    if (text.size() > kMaxHeaderName) {
        return "header field name longer than " + std::to_string(kMaxHeaderName) + " characters";
    }
    if (!std::all_of(text.begin(), text.end(), [](char c) { return isVisible(c) && c != ':'; })) {
        return shown(text) + " is not a header field name (printable characters, no ':' or spaces)";
    }
    // Fields the milter deletes, or that other checks read: marking with them would
    // corrupt the message's authentication.
    for (std::string_view reserved : {"authentication-results", "dkim-signature", "from", "received"}) {
        if (lowerAscii(text) == reserved) return shown(text) + " is a field the milter reads or removes";
    }
    return std::nullopt;
}

std::optional<std::string> checkRejectReply(std::string_view text) {
    return validateReplyTemplate(text, "550", "5.7.1");
}

std::optional<std::string> checkTempFailReply(std::string_view text) {
    return validateReplyTemplate(text, "451", "4.7.1");
}

std::optional<std::string> checkAuthservId(std::string_view text) { return checkToken(text, "authserv-id"); }

std::optional<std::string> checkDaemonName(std::string_view text) {
    if (text.size() > kMaxToken) return "daemon name longer than " + std::to_string(kMaxToken) + " characters";
    const bool ok = std::all_of(text.begin(), text.end(), [](char c) { return isVisible(c) && c != '"' && c != '\\'; });
    if (text.empty() || !ok) {
        return shown(text) + " is not a daemon name (printable characters, no spaces, quotes or backslashes)";
    }
    return std::nullopt;
}

std::optional<std::string> checkNameServer(std::string_view text) {
    auto servers = adapters::parseNameServers({std::string(text)});
    if (!servers) return servers.error();
    return std::nullopt;
}

core::Result<std::string, ValueError> AuthservIdCodec::parse(std::string_view text,
                                                             const ParseContext& context) const {
    if (text == "HOSTNAME") {
        if (auto error = checkAuthservId(context.hostName)) {
            return fail(badValue("the host name " + shown(context.hostName) +
                                   " cannot serve as authserv-id: set AuthservID (" + *error + ")"));
        }
        return context.hostName;
    }
    if (auto error = checkAuthservId(text)) return fail(badValue(*error));
    return std::string(text);
}

core::Result<SocketAddress, ValueError> SocketCodec::parse(std::string_view text, const ParseContext&) const {
    const std::size_t colon = text.find(':');
    const std::string scheme = lowerAscii(text.substr(0, colon));
    const std::string_view rest = colon == std::string_view::npos ? std::string_view() : text.substr(colon + 1);
    SocketAddress socket;
    if (colon != std::string_view::npos && (scheme == "unix" || scheme == "local")) {
        socket.family = SocketAddress::Family::Unix;
        if (rest.empty() || rest.front() != '/') return fail(badValue(shown(rest) + " is not an absolute path"));
        if (rest.size() > kMaxUnixSocketPath) {
            return fail(badValue("socket path longer than " + std::to_string(kMaxUnixSocketPath) + " characters"));
        }
        if (hasControl(rest)) return fail(badValue(shown(rest) + " contains control characters"));
        socket.path = std::string(rest);
        return socket;
    }
    if (colon == std::string_view::npos || (scheme != "inet" && scheme != "inet6")) {
        return fail(badValue(shown(text) + " is not unix:PATH, inet:PORT@HOST or inet6:PORT@HOST"));
    }
    socket.family = scheme == "inet" ? SocketAddress::Family::Inet : SocketAddress::Family::Inet6;
    const std::size_t at = rest.find('@');
    const std::string_view port = rest.substr(0, at);
    const auto number = parseDecimal(port);
    if (!number || *number == 0 || *number > 65535) {
        return fail(badValue(shown(port) + " is not a port number (1 to 65535)"));
    }
    socket.port = static_cast<std::uint16_t>(*number);
    if (at != std::string_view::npos) {
        const std::string_view host = rest.substr(at + 1);
        if (auto error = checkSocketHost(host, socket.family == SocketAddress::Family::Inet6)) {
            return fail(badValue(*error));
        }
        socket.host = std::string(host);
    }
    return socket;
}

core::Result<RunAs, ValueError> RunAsCodec::parse(std::string_view text, const ParseContext&) const {
    RunAs account;
    if (text.empty()) return account;
    const std::size_t colon = text.find(':');
    const std::string_view user = text.substr(0, colon);
    if (auto error = checkAccountName(user, "user")) return fail(badValue(*error));
    account.user = std::string(user);
    if (colon != std::string_view::npos) {
        const std::string_view group = text.substr(colon + 1);
        if (auto error = checkAccountName(group, "group")) return fail(badValue(*error));
        account.group = std::string(group);
    }
    return account;
}

std::string RunAsCodec::format(const RunAs& value) const {
    return value.group.empty() ? value.user : value.user + ":" + value.group;
}

core::Result<unsigned, ValueError> UmaskCodec::parse(std::string_view text, const ParseContext&) const {
    const bool octal = !text.empty() && text.size() <= 4 &&
                       std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '7'; });
    unsigned value = 0;
    for (char c : text) value = value * 8 + static_cast<unsigned>(c - '0');
    if (!octal || value > 0777) return fail(badValue(shown(text) + " is not an octal mode from 0000 to 0777"));
    return value;
}

std::string UmaskCodec::format(unsigned value) const {
    std::string text = "0000";
    for (std::size_t i = 4; i-- > 0; value /= 8) text[i] = static_cast<char>('0' + value % 8);
    return text;
}

core::Result<core::IpNetwork, ValueError> NetworkCodec::parse(std::string_view text, const ParseContext&) const {
    auto network = core::parseIpNetwork(text);
    if (network) return network.value();
    std::string detail = shown(text) + ": " + std::string(core::describe(network.error()));
    if (network.error() == core::IpNetworkError::HostBitsSet) {
        detail += " (did you mean " + core::formatIpNetwork(*core::parseIpNetwork(text, core::HostBits::Clear)) + "?)";
    }
    return fail(badValue(detail));
}

core::Result<std::string, ValueError> RecipientCodec::parse(std::string_view text, const ParseContext&) const {
    const std::size_t at = text.rfind('@');
    if (auto error = checkLocalPart(text.substr(0, at))) return fail(badValue(*error));
    std::string recipient = lowerAscii(text.substr(0, at));
    if (at != std::string_view::npos) {
        auto domain = core::DomainName::parse(text.substr(at + 1));
        if (!domain) {
            return fail(badValue(shown(text.substr(at + 1)) + " is not a domain name: " +
                                   std::string(core::describe(domain.error()))));
        }
        recipient += "@" + domain->str();
    }
    return recipient;
}

core::Result<TrustedForwarders, ValueError> ForwardersCodec::parse(std::string_view text,
                                                                   const ParseContext& context) const {
    TrustedForwarders forwarders;
    std::size_t count = 0;
    for (std::string_view item : splitList(text)) {
        if (++count > kMaxListItems) return fail(badValue("more than " + std::to_string(kMaxListItems) + " items"));
        const auto network = core::parseIpNetwork(item);
        // Anything with ':' or '/' (or an address that parsed) is meant as a network.
        const bool looksLikeNetwork = network.ok() || network.error() != core::IpNetworkError::BadAddress ||
                                      item.find_first_of(":/") != std::string_view::npos;
        if (looksLikeNetwork) {
            auto parsed = NetworkCodec{}.parse(item, context);
            if (!parsed) return fail(std::move(parsed.error()));
            forwarders.networks.push_back(parsed.value());
            continue;
        }
        auto domain = core::DomainName::parse(item);
        if (!domain) return fail(badValue(shown(item) + " is neither an IP network nor a domain name"));
        forwarders.domains.push_back(std::move(domain).value());
    }
    if (auto error = checkListText(format(forwarders))) return fail(std::move(*error));
    return forwarders;
}

std::string ForwardersCodec::format(const TrustedForwarders& value) const {
    std::string text = ListCodec<NetworkCodec>{{}, kMaxListItems}.format(value.networks);
    for (const auto& domain : value.domains) text += (text.empty() ? "" : ", ") + domain.str();
    return text;
}

core::Result<NetworkFile, ValueError> NetworkFileCodec::parse(std::string_view text,
                                                              const ParseContext& context) const {
    auto path = dataFilePath(text);
    if (!path) return fail(std::move(path.error()));
    NetworkFile file{std::move(path).value(), {}};
    if (file.path.empty()) return file;
    auto contents = readDataFile(file.path, context);
    if (!contents) return fail(std::move(contents.error()));
    auto lines = dataLines(*contents, file.path);
    if (!lines) return fail(std::move(lines.error()));
    for (const DataLine& line : *lines) {
        for (std::string_view item : splitList(line.content)) {
            if (file.networks.size() == kMaxDataFileEntries) {
                return fail(dataError(file.path, line.line,
                                      "more than " + std::to_string(kMaxDataFileEntries) + " networks"));
            }
            auto network = NetworkCodec{}.parse(item, context);
            if (!network) return fail(dataError(file.path, line.line, network.error().detail));
            file.networks.push_back(network.value());
        }
    }
    return file;
}

core::Result<DomainPolicyFile, ValueError> DomainPolicyFileCodec::parse(std::string_view text,
                                                                        const ParseContext& context) const {
    static constexpr std::array<std::pair<std::string_view, core::Disposition>, 3> kDispositions{{
        {"none", core::Disposition::None},
        {"quarantine", core::Disposition::Quarantine},
        {"reject", core::Disposition::Reject},
    }};
    auto path = dataFilePath(text);
    if (!path) return fail(std::move(path.error()));
    DomainPolicyFile file{std::move(path).value(), {}};
    if (file.path.empty()) return file;
    auto contents = readDataFile(file.path, context);
    if (!contents) return fail(std::move(contents.error()));
    auto lines = dataLines(*contents, file.path);
    if (!lines) return fail(std::move(lines.error()));
    std::map<core::DomainName, std::size_t> firstLine;
    for (const DataLine& line : *lines) {
        const auto items = splitList(line.content);
        if (items.size() != 2) {
            return fail(dataError(file.path, line.line, "expected \"DOMAIN none|quarantine|reject\""));
        }
        auto domain = core::DomainName::parse(items[0]);
        if (!domain) {
            return fail(dataError(file.path, line.line, shown(items[0]) + " is not a domain name: " +
                                                            std::string(core::describe(domain.error()))));
        }
        auto disposition = EnumCodec<core::Disposition>{kDispositions}.parse(items[1], context);
        if (!disposition) return fail(dataError(file.path, line.line, disposition.error().detail));
        const auto [where, added] = firstLine.emplace(*domain, line.line);
        if (!added) {
            return fail(dataError(file.path, line.line, domain->str() + " is listed twice (first on line " +
                                                            std::to_string(where->second) + ")"));
        }
        file.rules.emplace(std::move(domain).value(), disposition.value());
    }
    return file;
}

}  // namespace dmarc::config
