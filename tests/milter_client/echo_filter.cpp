// echo_filter: a small milter built on the real libmilter, the counterpart of the milter
// client in tests. It logs every event it sees (one line per event: connection id, event,
// key=value fields with C-style escapes, and the macros visible at that point) and acts
// on instructions carried by the test message:
//   connect host reject-connect.example / tempfail-connect.example / accept-connect.example
//   / discard-connect.example, HELO tempfail-helo.example, a sender containing
//   mail-reject / mail-tempfail / mail-accept / mail-discard, a recipient containing
//   rcpt-reject / rcpt-tempfail / rcpt-accept / rcpt-discard, and header fields
//   X-Test-Header-Reject, X-Test-Eoh-Tempfail, X-Test-Body-Reject, X-Test-Skip-After: N,
//   X-Test-Eom-Delay-Ms: N, X-Test-Progress, X-Test-Quarantine: reason,
//   X-Test-Delete: name, X-Test-Insert-At: n, X-Test-Add-Rcpt: addr,
//   X-Test-Add-Rcpt-Par: addr args, X-Test-Del-Rcpt: addr, X-Test-Chg-From: addr [args],
//   X-Test-Replace-Body: text, X-Test-Reject: text, X-Test-Tempfail: text,
//   X-Test-Plain-Reject, X-Test-Discard, X-Test-Accept.
// At end of message it always inserts "X-Echo-First: top" at index 0, adds
// "X-Echo-Body: bytes=N chunks=N max=N fnv=HEX" (body statistics and FNV-1a 64 of the body
// bytes) and "X-Echo-Headers: count=N", and prefixes Subject (first instance) with
// "[echo] ". Options choose what it negotiates:
//   echo_filter -p SOCKET [-l LOG] [--nr] [--leadspc] [--symlist] [--decline EVENT,…]
// --nr asks for no replies to connect…body (SMFIP_NR_*), --leadspc for SMFIP_HDR_LEADSPC,
// --symlist sets the envfrom macro list to "{auth_authen}" and the connect list to
// "j {daemon_name}", --decline turns events off (SMFIP_NO*). SMFIP_SKIP is always asked
// for. The log starts with "0<TAB>ready" once the socket listens. libmilter owns the
// process's signals: run it as a child process and stop it with SIGTERM (libmilter takes
// about 5 s to act on it). The connect event also logs negotiated=no when the connection
// state was made after SMFIC_QUIT_NC rather than at a negotiation.
#include <arpa/inet.h>
#include <libmilter/mfapi.h>
#include <libmilter/mfdef.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <atomic>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace {

struct Settings {
    bool noReply = false;
    bool leadingSpace = false;
    bool symbolLists = false;
    unsigned long declined = 0;
};

Settings gSettings;
std::FILE* gLog = nullptr;
std::mutex gLogMutex;
std::atomic<unsigned> gNextConnection{1};

const char* const kProbedMacros[] = {"i", "j", "_", "v", "{daemon_name}", "{daemon_addr}", "{auth_type}",
                                     "{auth_authen}", "{auth_author}", "{mail_addr}", "{mail_host}",
                                     "{rcpt_addr}", "{rcpt_host}", "{client_addr}", "{x_custom}"};

struct MessageState {
    std::vector<std::pair<std::string, std::string>> headers;
    std::uint64_t bodyBytes = 0;
    std::uint64_t chunks = 0;
    std::uint64_t maxChunk = 0;
    std::uint64_t fnv = 0xcbf29ce484222325ULL;
    bool skipped = false;
};

struct Connection {
    unsigned id = 0;
    bool negotiated = false;  // false: state made at a CONNECT after QUIT_NC (no new negotiation)
    MessageState message;
};

std::string escape(std::string_view text) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (c == '\\') out += "\\\\";
        else if (c == '\n') out += "\\n";
        else if (c == '\r') out += "\\r";
        else if (c == '\t') out += "\\t";
        else if (byte < 0x20 || byte >= 0x7F) out += std::string("\\x") + kHex[byte >> 4] + kHex[byte & 0xF];
        else out += c;
    }
    return out;
}

Connection* state(SMFICTX* ctx) { return static_cast<Connection*>(smfi_getpriv(ctx)); }

// Connections that skipped negotiation bookkeeping (none in practice) log as 0.
unsigned idOf(SMFICTX* ctx) {
    const Connection* connection = state(ctx);
    return connection != nullptr ? connection->id : 0;
}

void logLine(unsigned id, std::string_view event, const std::vector<std::pair<std::string, std::string>>& fields,
             SMFICTX* ctx) {
    std::string line = std::to_string(id) + "\t" + std::string(event);
    for (const auto& [key, value] : fields) line += "\t" + key + "=" + escape(value);
    if (ctx != nullptr) {
        for (const char* name : kProbedMacros) {
            if (const char* value = smfi_getsymval(ctx, const_cast<char*>(name)); value != nullptr)
                line += std::string("\tmacro:") + name + "=" + escape(value);
        }
    }
    line += "\n";
    if (gLog == nullptr) return;
    const std::lock_guard<std::mutex> lock(gLogMutex);
    std::fputs(line.c_str(), gLog);
    std::fflush(gLog);
}

bool contains(const char* text, const char* needle) { return text != nullptr && std::strstr(text, needle) != nullptr; }

std::string_view trimLeft(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    return text;
}

const std::string* headerValue(const MessageState& message, std::string_view name) {
    for (const auto& [key, value] : message.headers) {
        if (strcasecmp(key.c_str(), std::string(name).c_str()) == 0) return &value;
    }
    return nullptr;
}

// SMFIS_NOREPLY where the filter negotiated no reply for this stage, else SMFIS_CONTINUE.
sfsistat proceed(unsigned long noReplyBit) {
    return gSettings.noReply && noReplyBit != 0 ? SMFIS_NOREPLY : SMFIS_CONTINUE;
}

sfsistat replyWith(SMFICTX* ctx, const char* code, const char* extended, std::string text, sfsistat status) {
    std::string rcode(code);
    std::string xcode(extended);
    smfi_setreply(ctx, rcode.data(), xcode.data(), text.data());
    return status;
}

// The value as the MTA would print it: a leading space when SMFIP_HDR_LEADSPC is on.
std::string headerText(std::string_view value) { return (gSettings.leadingSpace ? " " : "") + std::string(value); }

int addHeader(SMFICTX* ctx, const char* name, std::string_view value) {
    std::string field(name);
    std::string text = headerText(value);
    return smfi_addheader(ctx, field.data(), text.data());
}

sfsistat onNegotiate(SMFICTX* ctx, unsigned long actions, unsigned long protocol, unsigned long, unsigned long,
                     unsigned long* wantedActions, unsigned long* wantedProtocol, unsigned long* f2,
                     unsigned long* f3) {
    auto* connection = new Connection{gNextConnection.fetch_add(1), true, {}};
    smfi_setpriv(ctx, connection);
    const unsigned long myActions = SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_QUARANTINE | SMFIF_ADDRCPT | SMFIF_DELRCPT |
                                    SMFIF_CHGFROM | SMFIF_ADDRCPT_PAR | SMFIF_CHGBODY |
                                    (gSettings.symbolLists ? SMFIF_SETSYMLIST : 0);
    unsigned long myProtocol = gSettings.declined | (protocol & SMFIP_SKIP);
    if (gSettings.noReply)
        myProtocol |= SMFIP_NR_CONN | SMFIP_NR_HELO | SMFIP_NR_MAIL | SMFIP_NR_RCPT | SMFIP_NR_DATA | SMFIP_NR_HDR |
                      SMFIP_NR_EOH | SMFIP_NR_BODY;
    if (gSettings.leadingSpace) myProtocol |= SMFIP_HDR_LEADSPC;
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%lx", actions);
    std::string offeredActions = buffer;
    std::snprintf(buffer, sizeof buffer, "%lx", protocol);
    logLine(connection->id, "negotiate", {{"actions", offeredActions}, {"protocol", buffer}}, nullptr);
    if ((actions & myActions) != myActions) return SMFIS_REJECT;
    if (gSettings.symbolLists) {
        static char kEnvfrom[] = "{auth_authen}";
        static char kConnect[] = "j {daemon_name}";
        smfi_setsymlist(ctx, SMFIM_ENVFROM, kEnvfrom);
        smfi_setsymlist(ctx, SMFIM_CONNECT, kConnect);
    }
    *wantedActions = myActions;
    *wantedProtocol = myProtocol;
    *f2 = 0;
    *f3 = 0;
    return SMFIS_CONTINUE;
}

sfsistat onConnect(SMFICTX* ctx, char* hostname, _SOCK_ADDR* address) {
    // After SMFIC_QUIT_NC the close callback freed the state; the socket goes on.
    if (state(ctx) == nullptr) smfi_setpriv(ctx, new Connection{gNextConnection.fetch_add(1), false, {}});
    std::string family = "unknown";
    std::string text;
    std::string port = "0";
    if (address != nullptr && address->sa_family == AF_INET) {
        const auto* in4 = reinterpret_cast<const sockaddr_in*>(address);
        char buffer[INET_ADDRSTRLEN] = {};
        inet_ntop(AF_INET, &in4->sin_addr, buffer, sizeof buffer);
        family = "inet";
        text = buffer;
        port = std::to_string(ntohs(in4->sin_port));
    } else if (address != nullptr && address->sa_family == AF_INET6) {
        const auto* in6 = reinterpret_cast<const sockaddr_in6*>(address);
        char buffer[INET6_ADDRSTRLEN] = {};
        inet_ntop(AF_INET6, &in6->sin6_addr, buffer, sizeof buffer);
        family = "inet6";
        text = buffer;
        port = std::to_string(ntohs(in6->sin6_port));
    } else if (address != nullptr && address->sa_family == AF_UNIX) {
        family = "unix";
        text = reinterpret_cast<const sockaddr_un*>(address)->sun_path;
    }
    logLine(idOf(ctx), "connect",
            {{"host", hostname},
             {"family", family},
             {"address", text},
             {"port", port},
             {"negotiated", state(ctx)->negotiated ? "yes" : "no"}},
            ctx);
    if (std::strcmp(hostname, "reject-connect.example") == 0)
        return replyWith(ctx, "554", "5.7.1", "connection refused by echo", SMFIS_REJECT);
    if (std::strcmp(hostname, "tempfail-connect.example") == 0) return SMFIS_TEMPFAIL;
    if (std::strcmp(hostname, "accept-connect.example") == 0) return SMFIS_ACCEPT;
    if (std::strcmp(hostname, "discard-connect.example") == 0) return SMFIS_DISCARD;
    return proceed(SMFIP_NR_CONN);
}

sfsistat onHelo(SMFICTX* ctx, char* name) {
    logLine(idOf(ctx), "helo", {{"name", name}}, ctx);
    if (std::strcmp(name, "tempfail-helo.example") == 0) return SMFIS_TEMPFAIL;
    return proceed(SMFIP_NR_HELO);
}

std::vector<std::pair<std::string, std::string>> arguments(char** argv) {
    std::vector<std::pair<std::string, std::string>> fields;
    for (int i = 0; argv[i] != nullptr; ++i) fields.emplace_back("arg" + std::to_string(i), argv[i]);
    return fields;
}

sfsistat onMail(SMFICTX* ctx, char** argv) {
    logLine(idOf(ctx), "mail", arguments(argv), ctx);
    // libmilter calls no abort callback after the filter's own REJECT: start afresh here.
    if (Connection* connection = state(ctx)) connection->message = MessageState{};
    if (contains(argv[0], "mail-reject")) return replyWith(ctx, "550", "5.7.1", "sender refused", SMFIS_REJECT);
    if (contains(argv[0], "mail-tempfail")) return SMFIS_TEMPFAIL;
    if (contains(argv[0], "mail-accept")) return SMFIS_ACCEPT;
    if (contains(argv[0], "mail-discard")) return SMFIS_DISCARD;
    return proceed(SMFIP_NR_MAIL);
}

sfsistat onRcpt(SMFICTX* ctx, char** argv) {
    logLine(idOf(ctx), "rcpt", arguments(argv), ctx);
    if (contains(argv[0], "rcpt-reject")) return replyWith(ctx, "550", "5.1.1", "no such user", SMFIS_REJECT);
    if (contains(argv[0], "rcpt-tempfail")) return SMFIS_TEMPFAIL;
    if (contains(argv[0], "rcpt-accept")) return SMFIS_ACCEPT;
    if (contains(argv[0], "rcpt-discard")) return SMFIS_DISCARD;
    return proceed(SMFIP_NR_RCPT);
}

sfsistat onData(SMFICTX* ctx) {
    logLine(idOf(ctx), "data", {}, ctx);
    return proceed(SMFIP_NR_DATA);
}

sfsistat onHeader(SMFICTX* ctx, char* name, char* value) {
    logLine(idOf(ctx), "header", {{"name", name}, {"value", value}}, nullptr);
    if (Connection* connection = state(ctx)) connection->message.headers.emplace_back(name, value);
    if (strcasecmp(name, "X-Test-Header-Reject") == 0) return SMFIS_REJECT;
    return proceed(SMFIP_NR_HDR);
}

sfsistat onEndOfHeaders(SMFICTX* ctx) {
    logLine(idOf(ctx), "eoh", {}, ctx);
    const Connection* connection = state(ctx);
    if (connection != nullptr && headerValue(connection->message, "X-Test-Eoh-Tempfail") != nullptr)
        return SMFIS_TEMPFAIL;
    return proceed(SMFIP_NR_EOH);
}

sfsistat onBody(SMFICTX* ctx, unsigned char* bytes, size_t length) {
    Connection* connection = state(ctx);
    logLine(idOf(ctx), "body", {{"length", std::to_string(length)}}, nullptr);
    if (connection == nullptr) return proceed(SMFIP_NR_BODY);
    MessageState& message = connection->message;
    message.bodyBytes += length;
    ++message.chunks;
    if (length > message.maxChunk) message.maxChunk = length;
    for (size_t i = 0; i < length; ++i) message.fnv = (message.fnv ^ bytes[i]) * 0x100000001b3ULL;
    if (headerValue(message, "X-Test-Body-Reject") != nullptr) return SMFIS_REJECT;
    if (const std::string* after = headerValue(message, "X-Test-Skip-After"); after != nullptr) {
        if (message.bodyBytes >= std::strtoull(std::string(trimLeft(*after)).c_str(), nullptr, 10)) {
            message.skipped = true;
            return SMFIS_SKIP;
        }
    }
    return proceed(SMFIP_NR_BODY);
}

// Requests carried by X-Test-* fields, in header order.
void applyRequests(SMFICTX* ctx, const MessageState& message) {
    for (const auto& [rawName, rawValue] : message.headers) {
        const std::string name = rawName;
        std::string value(trimLeft(rawValue));
        const std::size_t space = value.find(' ');
        std::string first = value.substr(0, space);
        std::string rest = space == std::string::npos ? std::string() : value.substr(space + 1);
        if (strcasecmp(name.c_str(), "X-Test-Delete") == 0) {
            smfi_chgheader(ctx, value.data(), 1, nullptr);
        } else if (strcasecmp(name.c_str(), "X-Test-Insert-At") == 0) {
            std::string field = "X-Echo-Inserted-At";
            std::string text = headerText(value);
            smfi_insheader(ctx, std::atoi(value.c_str()), field.data(), text.data());
        } else if (strcasecmp(name.c_str(), "X-Test-Add-Rcpt") == 0) {
            smfi_addrcpt(ctx, value.data());
        } else if (strcasecmp(name.c_str(), "X-Test-Add-Rcpt-Par") == 0) {
            smfi_addrcpt_par(ctx, first.data(), rest.empty() ? nullptr : rest.data());
        } else if (strcasecmp(name.c_str(), "X-Test-Del-Rcpt") == 0) {
            smfi_delrcpt(ctx, value.data());
        } else if (strcasecmp(name.c_str(), "X-Test-Chg-From") == 0) {
            smfi_chgfrom(ctx, first.data(), rest.empty() ? nullptr : rest.data());
        } else if (strcasecmp(name.c_str(), "X-Test-Replace-Body") == 0) {
            smfi_replacebody(ctx, reinterpret_cast<unsigned char*>(value.data()), static_cast<int>(value.size()));
        } else if (strcasecmp(name.c_str(), "X-Test-Quarantine") == 0) {
            smfi_quarantine(ctx, value.data());
        }
    }
}

sfsistat onEndOfMessage(SMFICTX* ctx) {
    Connection* connection = state(ctx);
    if (connection == nullptr) return SMFIS_CONTINUE;
    MessageState message = std::move(connection->message);
    connection->message = MessageState{};
    char stats[160];
    std::snprintf(stats, sizeof stats, "bytes=%" PRIu64 " chunks=%" PRIu64 " max=%" PRIu64 " fnv=%016" PRIx64,
                  message.bodyBytes, message.chunks, message.maxChunk, message.fnv);
    logLine(connection->id, "eom", {{"stats", stats}, {"skipped", message.skipped ? "yes" : "no"}}, ctx);
    if (const std::string* delay = headerValue(message, "X-Test-Eom-Delay-Ms"))
        std::this_thread::sleep_for(std::chrono::milliseconds(std::atoi(std::string(trimLeft(*delay)).c_str())));
    if (headerValue(message, "X-Test-Progress") != nullptr) smfi_progress(ctx);
    std::string first = "X-Echo-First";
    std::string top = headerText("top");
    smfi_insheader(ctx, 0, first.data(), top.data());
    addHeader(ctx, "X-Echo-Body", stats);
    addHeader(ctx, "X-Echo-Headers", "count=" + std::to_string(message.headers.size()));
    if (const std::string* subject = headerValue(message, "Subject")) {
        std::string field = "Subject";
        std::string text = headerText("[echo] " + std::string(trimLeft(*subject)));
        smfi_chgheader(ctx, field.data(), 1, text.data());
    }
    applyRequests(ctx, message);
    if (const std::string* text = headerValue(message, "X-Test-Reject"))
        return replyWith(ctx, "550", "5.7.1", std::string(trimLeft(*text)), SMFIS_REJECT);
    if (const std::string* text = headerValue(message, "X-Test-Tempfail"))
        return replyWith(ctx, "451", "4.7.1", std::string(trimLeft(*text)), SMFIS_TEMPFAIL);
    if (headerValue(message, "X-Test-Plain-Reject") != nullptr) return SMFIS_REJECT;
    if (headerValue(message, "X-Test-Discard") != nullptr) return SMFIS_DISCARD;
    if (headerValue(message, "X-Test-Accept") != nullptr) return SMFIS_ACCEPT;
    return SMFIS_CONTINUE;
}

sfsistat onAbort(SMFICTX* ctx) {
    logLine(idOf(ctx), "abort", {}, nullptr);
    if (Connection* connection = state(ctx)) connection->message = MessageState{};
    return SMFIS_CONTINUE;
}

sfsistat onClose(SMFICTX* ctx) {
    logLine(idOf(ctx), "close", {}, nullptr);
    delete state(ctx);
    smfi_setpriv(ctx, nullptr);
    return SMFIS_CONTINUE;
}

unsigned long declinedBit(std::string_view event) {
    if (event == "connect") return SMFIP_NOCONNECT;
    if (event == "helo") return SMFIP_NOHELO;
    if (event == "mail") return SMFIP_NOMAIL;
    if (event == "rcpt") return SMFIP_NORCPT;
    if (event == "data") return SMFIP_NODATA;
    if (event == "headers") return SMFIP_NOHDRS;
    if (event == "eoh") return SMFIP_NOEOH;
    if (event == "body") return SMFIP_NOBODY;
    return 0;
}

// libmilter writes each reply packet separately and does not expose its listening socket.
// Find it and set TCP_NODELAY (accepted sockets inherit it on Linux), or a reply followed
// by a second packet waits for the MTA's delayed ACK: 40 ms per message.
void disableNagleOnListeningSockets() {
    for (int fd = 3; fd < 1024; ++fd) {
        int listening = 0;
        int domain = 0;
        socklen_t length = sizeof listening;
        if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &length) != 0 || listening == 0) continue;
        length = sizeof domain;
        if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &length) != 0) continue;
        if (domain != AF_INET && domain != AF_INET6) continue;
        const int on = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    }
}

int usage() {
    std::fputs("usage: echo_filter -p SOCKET [-l LOG] [--nr] [--leadspc] [--symlist] [--decline EVENT,...]\n",
               stderr);
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    std::string socketSpec;
    std::string logPath;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        const bool hasValue = i + 1 < argc;
        if (arg == "-p" && hasValue) socketSpec = argv[++i];
        else if (arg == "-l" && hasValue) logPath = argv[++i];
        else if (arg == "--nr") gSettings.noReply = true;
        else if (arg == "--leadspc") gSettings.leadingSpace = true;
        else if (arg == "--symlist") gSettings.symbolLists = true;
        else if (arg == "--decline" && hasValue) {
            std::string_view list = argv[++i];
            while (!list.empty()) {
                const std::size_t comma = list.find(',');
                const unsigned long bit = declinedBit(list.substr(0, comma));
                if (bit == 0) return usage();
                gSettings.declined |= bit;
                list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
            }
        } else {
            return usage();
        }
    }
    if (socketSpec.empty()) return usage();
    if (!logPath.empty()) {
        gLog = std::fopen(logPath.c_str(), "a");
        if (gLog == nullptr) {
            std::perror(logPath.c_str());
            return 1;
        }
    }
    static char name[] = "echo_filter";
    smfiDesc description{};
    description.xxfi_name = name;
    description.xxfi_version = SMFI_VERSION;
    description.xxfi_flags = SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_QUARANTINE | SMFIF_ADDRCPT | SMFIF_DELRCPT |
                             SMFIF_CHGFROM | SMFIF_ADDRCPT_PAR | SMFIF_CHGBODY | SMFIF_SETSYMLIST;
    description.xxfi_connect = onConnect;
    description.xxfi_helo = onHelo;
    description.xxfi_envfrom = onMail;
    description.xxfi_envrcpt = onRcpt;
    description.xxfi_header = onHeader;
    description.xxfi_eoh = onEndOfHeaders;
    description.xxfi_body = onBody;
    description.xxfi_eom = onEndOfMessage;
    description.xxfi_abort = onAbort;
    description.xxfi_close = onClose;
    description.xxfi_data = onData;
    description.xxfi_negotiate = onNegotiate;
    if (smfi_setconn(socketSpec.data()) != MI_SUCCESS || smfi_register(description) != MI_SUCCESS ||
        smfi_setbacklog(1024) != MI_SUCCESS || smfi_opensocket(true) != MI_SUCCESS) {
        std::fprintf(stderr, "echo_filter: cannot listen on %s\n", socketSpec.c_str());
        return 1;
    }
    disableNagleOnListeningSockets();
    logLine(0, "ready", {}, nullptr);
    return smfi_main() == MI_SUCCESS ? 0 : 1;
}
