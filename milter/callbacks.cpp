// The libmilter trampolines (see callbacks.h). Each callback finds its Connection through
// smfi_getpriv, calls the Session inside guarded(), which turns any exception into a log
// line and an internal-error mark, and answers with the code libmilter expects for the
// negotiated flags: SMFIS_NOREPLY for events the MTA was told need no reply (libmilter
// would force that anyway, with an error line in the log).
#include "milter/callbacks.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <exception>
#include <memory>
#include <string>
#include <string_view>

#include <libmilter/mfapi.h>
#include <spdlog/spdlog.h>

#include "milter/smfi_actions.h"
#include "pipeline/milter_actions.h"
#include "pipeline/session.h"

namespace dmarc::milter {
namespace {

FilterState* gState = nullptr;  // set once by registerFilter, before smfi_main

constexpr unsigned long kNoReplyFlags = SMFIP_NR_HELO | SMFIP_NR_MAIL | SMFIP_NR_RCPT | SMFIP_NR_DATA |
                                        SMFIP_NR_HDR | SMFIP_NR_EOH | SMFIP_NR_UNKN;

// One MTA connection: the flags negotiated for it and its Session.
struct Connection {
    explicit Connection(unsigned long protocolFlags) : protocol(protocolFlags) { gState->connections.fetch_add(1); }
    ~Connection() {
        endMessage();
        gState->connections.fetch_sub(1);
    }
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    void beginMessage() {
        if (!inMessage) gState->messagesInFlight.fetch_add(1);
        inMessage = true;
        failed = false;
    }
    void endMessage() {
        if (inMessage) gState->messagesInFlight.fetch_sub(1);
        inMessage = false;
    }
    bool has(unsigned long flag) const { return (protocol & flag) != 0; }

    unsigned long protocol;
    std::unique_ptr<pipeline::Session> session;
    bool inMessage = false;
    // An event of this message failed inside the milter where no reply could carry it
    // (a no-reply event): end of message answers per InternalErrorAction.
    bool failed = false;
};

Connection* connectionOf(SMFICTX* context) { return static_cast<Connection*>(smfi_getpriv(context)); }

std::string macro(SMFICTX* context, const char* name) {
    const char* value = smfi_getsymval(context, const_cast<char*>(name));
    return value == nullptr ? std::string() : std::string(value);
}

// The answer for an internal error where a decision can still be given.
sfsistat internalErrorReply() {
    const config::ConfigPtr config = gState->currentConfig();
    return config && config->internalErrorAction == config::ErrorAction::Accept ? SMFIS_ACCEPT : SMFIS_TEMPFAIL;
}

// Runs `work`; an exception is logged with the event's name and reported as false.
template <typename Work>
bool guarded(const char* event, Work&& work) noexcept {
    try {
        work();
        return true;
    } catch (const std::exception& error) {
        try {
            spdlog::error("internal error in {}: {}", event, error.what());
        } catch (...) {
        }
    } catch (...) {
        try {
            spdlog::error("internal error in {}: unknown exception", event);
        } catch (...) {
        }
    }
    return false;
}

// The reply to an event the Session answered with Continue.
sfsistat continueReply(const Connection& connection, unsigned long noReplyFlag) {
    return connection.has(noReplyFlag) ? SMFIS_NOREPLY : SMFIS_CONTINUE;
}

// For an event whose reply was waived: a failure is kept for end of message.
template <typename Call>
sfsistat noReplyEvent(SMFICTX* context, const char* event, unsigned long noReplyFlag, Call&& call) {
    Connection* connection = connectionOf(context);
    // No Session: the connection was accepted at connect or failed there; nothing to do.
    if (connection == nullptr) return SMFIS_CONTINUE;
    if (connection->session && !guarded(event, [&] { call(*connection->session); })) connection->failed = true;
    return continueReply(*connection, noReplyFlag);
}

std::string addressText(const sockaddr* address) {
    if (address == nullptr) return {};
    char buffer[INET6_ADDRSTRLEN] = {};
    if (address->sa_family == AF_INET) {
        inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(address)->sin_addr, buffer, sizeof buffer);
    } else if (address->sa_family == AF_INET6) {
        inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(address)->sin6_addr, buffer, sizeof buffer);
    }
    return buffer;  // "" for a unix-socket or unknown client
}

sfsistat decisionReply(pipeline::Decision decision) {
    switch (decision) {
        case pipeline::Decision::Accept: return SMFIS_CONTINUE;  // with our header changes applied
        case pipeline::Decision::Reject: return SMFIS_REJECT;
        case pipeline::Decision::TempFail: return SMFIS_TEMPFAIL;
    }
    return SMFIS_TEMPFAIL;
}

extern "C" {

sfsistat onNegotiate(SMFICTX* context, unsigned long actions, unsigned long protocol, unsigned long,
                     unsigned long, unsigned long* actionsOut, unsigned long* protocolOut, unsigned long* flags2,
                     unsigned long* flags3) {
    if (gState->stopping.load()) return SMFIS_REJECT;  // libmilter drops the connection
    // libmilter offers the no-reply flags even when the MTA lacks them (it fakes them), so
    // those are always granted; the rest only as offered.
    *actionsOut = wantedActions() & actions;
    *protocolOut = wantedProtocol() & protocol;
    *flags2 = 0;
    *flags3 = 0;
    if ((*actionsOut & SMFIF_SETSYMLIST) != 0) {
        static char kConnectMacros[] = "{daemon_name} j _";
        static char kMailMacros[] = "{auth_authen} i";
        static char kEndMacros[] = "i";
        smfi_setsymlist(context, SMFIM_CONNECT, kConnectMacros);
        smfi_setsymlist(context, SMFIM_ENVFROM, kMailMacros);
        smfi_setsymlist(context, SMFIM_EOM, kEndMacros);
    }
    const bool stored = guarded("negotiate", [&] {
        delete connectionOf(context);
        smfi_setpriv(context, new Connection(*protocolOut));
    });
    return stored ? SMFIS_CONTINUE : SMFIS_REJECT;
}

sfsistat onConnect(SMFICTX* context, char* hostname, _SOCK_ADDR* address) {
    pipeline::EventReply reply = pipeline::EventReply::Continue;
    const bool ok = guarded("connect", [&] {
        Connection* connection = connectionOf(context);
        if (connection == nullptr) {
            // After SMFIC_QUIT_NC the close callback freed the state and no negotiation
            // follows. Only protocol-6 MTAs send QUIT_NC, and all of them offer header
            // leading spaces; SKIP is left out (CONTINUE is always a valid body reply).
            connection = new Connection((wantedProtocol() & ~SMFIP_SKIP) & ~(SMFIP_NODATA | SMFIP_NOUNKNOWN));
            smfi_setpriv(context, connection);
        }
        FilterState* state = gState;
        connection->session = std::make_unique<pipeline::Session>(
            state->services, [state] { return state->currentConfig(); });
        pipeline::ConnectInfo info;
        info.clientIp = addressText(address);
        info.clientName = hostname == nullptr ? std::string() : std::string(hostname);
        info.daemonName = macro(context, "{daemon_name}");
        reply = connection->session->connect(info);
    });
    if (!ok) return internalErrorReply();
    return reply == pipeline::EventReply::Accept ? SMFIS_ACCEPT : SMFIS_CONTINUE;
}

sfsistat onHelo(SMFICTX* context, char* name) {
    return noReplyEvent(context, "helo", SMFIP_NR_HELO, [&](pipeline::Session& session) { session.helo(name); });
}

sfsistat onMail(SMFICTX* context, char** argv) {
    Connection* connection = connectionOf(context);
    if (connection != nullptr && connection->session) connection->beginMessage();
    // An Accept (authenticated sender) is not passed on: the message still reaches end of
    // message, where it gets its one log line, and MAIL needs no reply anyway.
    return noReplyEvent(context, "mail", SMFIP_NR_MAIL, [&](pipeline::Session& session) {
        session.mailFrom(argv[0] == nullptr ? "" : argv[0], macro(context, "{auth_authen}"));
    });
}

sfsistat onRcpt(SMFICTX* context, char** argv) {
    return noReplyEvent(context, "rcpt", SMFIP_NR_RCPT, [&](pipeline::Session& session) {
        if (argv[0] != nullptr) session.recipient(argv[0]);
    });
}

sfsistat onData(SMFICTX* context) {
    return noReplyEvent(context, "data", SMFIP_NR_DATA, [](pipeline::Session&) {});
}

sfsistat onUnknown(SMFICTX* context, const char*) {
    return noReplyEvent(context, "unknown", SMFIP_NR_UNKN, [](pipeline::Session&) {});
}

sfsistat onHeader(SMFICTX* context, char* name, char* value) {
    Connection* connection = connectionOf(context);
    // Without SMFIP_HDR_LEADSPC the MTA ate the one space after the colon: put it back.
    const bool leadingSpace = connection == nullptr || connection->has(SMFIP_HDR_LEADSPC);
    return noReplyEvent(context, "header", SMFIP_NR_HDR, [&](pipeline::Session& session) {
        if (leadingSpace) session.header(name, value);
        else session.header(name, std::string(" ") + value);
    });
}

sfsistat onEndOfHeaders(SMFICTX* context) {
    return noReplyEvent(context, "eoh", SMFIP_NR_EOH, [](pipeline::Session& session) { session.endOfHeaders(); });
}

sfsistat onBody(SMFICTX* context, unsigned char* chunk, size_t size) {
    Connection* connection = connectionOf(context);
    if (connection == nullptr || !connection->session) return SMFIS_CONTINUE;
    pipeline::EventReply reply = pipeline::EventReply::Continue;
    if (!guarded("body", [&] {
            reply = connection->session->body(std::string_view(reinterpret_cast<const char*>(chunk), size));
        })) {
        connection->failed = true;
    }
    if (reply == pipeline::EventReply::SkipBody && connection->has(SMFIP_SKIP)) return SMFIS_SKIP;
    return SMFIS_CONTINUE;
}

sfsistat onEndOfMessage(SMFICTX* context) {
    Connection* connection = connectionOf(context);
    if (connection == nullptr || !connection->session) return SMFIS_CONTINUE;
    sfsistat result = SMFIS_CONTINUE;
    const bool ok = guarded("eom", [&] {
        const pipeline::MessageOutcome outcome = connection->session->endOfMessage(macro(context, "i"));
        if (connection->failed) {
            // An earlier event threw: the plan was made from partial facts.
            spdlog::error("{}: message not evaluated: internal error earlier in this message",
                          outcome.facts.queueId.empty() ? "NOQUEUE" : outcome.facts.queueId);
            result = internalErrorReply();
            return;
        }
        spdlog::info("{}", outcome.plan.logLine);
        SmfiActions actions(context);
        const pipeline::ApplyResult applied = pipeline::applyPlan(outcome.plan, actions);
        for (const std::string& failure : applied.failures) spdlog::warn("{}", failure);
        result = decisionReply(applied.decision);
    });
    connection->endMessage();
    return ok ? result : internalErrorReply();
}

sfsistat onAbort(SMFICTX* context) {
    Connection* connection = connectionOf(context);
    if (connection == nullptr) return SMFIS_CONTINUE;
    if (connection->session) guarded("abort", [&] { connection->session->abort(); });
    connection->endMessage();
    return SMFIS_CONTINUE;
}

sfsistat onClose(SMFICTX* context) {
    Connection* connection = connectionOf(context);
    smfi_setpriv(context, nullptr);
    guarded("close", [&] { delete connection; });
    return SMFIS_CONTINUE;
}

}  // extern "C"

}  // namespace

unsigned long wantedActions() { return SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_QUARANTINE | SMFIF_SETSYMLIST; }

unsigned long wantedProtocol() {
    // Not SMFIP_NR_CONN (connect answers ACCEPT for trusted clients) and not SMFIP_NR_BODY
    // (body answers SKIP once DKIM needs no more).
    return kNoReplyFlags | SMFIP_SKIP | SMFIP_HDR_LEADSPC | SMFIP_NOUNKNOWN | SMFIP_NODATA;
}

bool registerFilter(FilterState& state) {
    gState = &state;
    static char name[] = "dmarc-milter";
    smfiDesc description{};
    description.xxfi_name = name;
    description.xxfi_version = SMFI_VERSION;
    description.xxfi_flags = wantedActions();
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
    description.xxfi_unknown = onUnknown;
    description.xxfi_data = onData;
    description.xxfi_negotiate = onNegotiate;
    return smfi_register(description) == MI_SUCCESS;
}

}  // namespace dmarc::milter
