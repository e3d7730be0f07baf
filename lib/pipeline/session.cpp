// Session (session.h): per-connection state and the per-message state it carries between
// MAIL FROM and end of message. Decisions made here (the header leaves them open):
//  - an unknown client address ("") is checked, not skipped; SPF then cannot run and is
//    "none" with the reason "client address unknown", so only DKIM can pass DMARC;
//  - a client in TrustedRelays is not skipped by IgnoreNetworks: the client behind it
//    (relay_headers.h, from the Received fields) is judged instead, and IgnoreNetworks /
//    IgnoreHosts apply to that one (message skipped). SPF then starts at end of headers;
//    when no Received field names a client behind the relays, the relay itself is judged;
//  - with TrustedAuthservIDs our own SPF check still starts at MAIL FROM, and a trusted
//    upstream result for the MAIL FROM domain replaces it at end of message, when the
//    connecting client is one of TrustedRelays (from anyone else the field is a forgery);
//  - events before MAIL FROM that need a message (dmarc-check without --mail-from) start
//    one with the null sender.
// Exceptions from the engines are caught at every entry point: the message is then
// marked internalError and its plan applies InternalErrorAction.
#include "pipeline/session.h"

#include <algorithm>
#include <exception>
#include <strings.h>

#include <spdlog/spdlog.h>

#include "adapters/dmarc_prefetch.h"
#include "core/mailbox.h"
#include "log/log_line.h"
#include "pipeline/relay_headers.h"
#include "pipeline/session_evaluate.h"

namespace dmarc::pipeline {
namespace {

bool sameName(std::string_view a, std::string_view b) {
    return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

// "<user@example.com>" → "user@example.com"; "<@a,@b:user@c>" → "user@c"; "<>" → "".
std::string envelopeAddress(std::string_view address) {
    while (!address.empty() && (address.front() == ' ' || address.front() == '\t')) address.remove_prefix(1);
    while (!address.empty() && (address.back() == ' ' || address.back() == '\t')) address.remove_suffix(1);
    if (address.size() >= 2 && address.front() == '<' && address.back() == '>') {
        address = address.substr(1, address.size() - 2);
    }
    if (!address.empty() && address.front() == '@') {  // RFC 5321 §4.1.2 source route
        const auto colon = address.find(':');
        address = colon == std::string_view::npos ? std::string_view{} : address.substr(colon + 1);
    }
    return std::string(address);
}

// Bounds what a hostile message can make us keep: Postfix's header_size_limit (100 KB)
// already caps the total; this caps the number of fields kept per kind.
constexpr std::size_t kMaxKeptFields = 1000;

void keep(std::vector<std::string>& fields, std::string_view value) {
    if (fields.size() < kMaxKeptFields) fields.emplace_back(value);
}

// Author domains whose DMARC lookups start at the From field (the rest wait for the end of
// the message, if they are evaluated at all).
constexpr std::size_t kMaxPrefetchedAuthors = 4;

// An SPF check started on the pool. Dropping it (message aborted, skipped, answered by a
// trusted upstream, session closed) cancels the check if it has not started: a client that
// hangs up after RCPT must not keep the pool busy ahead of live messages.
struct SpfCheck {
    SpfCheck(TaskPool::TaskPtr started, std::shared_ptr<adapters::SpfOutcome> result)
        : task(std::move(started)), outcome(std::move(result)) {}
    ~SpfCheck() { TaskPool::cancel(task); }
    SpfCheck(SpfCheck&&) noexcept = default;
    SpfCheck& operator=(SpfCheck&& other) noexcept {
        if (this != &other) {
            TaskPool::cancel(task);  // the check this one held is dropped too
            task = std::move(other.task);
            outcome = std::move(other.outcome);
        }
        return *this;
    }

    TaskPool::TaskPtr task;
    std::shared_ptr<adapters::SpfOutcome> outcome;  // written by the task
};

// What the exception being handled says; call only inside a catch block.
std::string currentError() {
    try {
        throw;
    } catch (const std::exception& e) {
        return e.what();
    } catch (...) {
        return "unknown exception";
    }
}

struct Message {
    config::ConfigPtr config;
    std::string skipReason;
    std::string internalError;
    std::string mailFrom;
    std::vector<std::string> recipients;
    // The client judged: the connection's, or the one behind a trusted relay.
    std::optional<core::ClientIp> clientIp;
    std::string clientIpText;
    std::string helo;
    std::optional<SpfCheck> spf;
    std::unique_ptr<adapters::OpendkimMessage> dkim;
    std::vector<std::string> fromFields;
    std::vector<std::string> authResults;
    std::vector<std::string> received;  // only behind a trusted relay, until end of headers
    std::size_t quarantineHeaderFields = 0;
    bool listId = false;
    bool dkimSignature = false;  // a DKIM-Signature field was seen: the body is needed
    bool headersEnded = false;
};

}  // namespace

struct Session::State {
    std::shared_ptr<const Services> services;
    ConfigSource currentConfig;
    std::string skipReason;  // the connection's
    std::string clientIpText;
    std::optional<core::ClientIp> clientIp;
    std::string helo;
    bool behindRelay = false;  // the connecting client is one of TrustedRelays
    std::optional<Message> message;

    void startSpf(Message& m) const {
        if (!m.clientIp) {
            adapters::SpfOutcome none;
            none.reason = "client address unknown";
            none.domain = envelopeDomain(m);
            none.scope = m.mailFrom.empty() ? core::SpfScope::Helo : core::SpfScope::MailFrom;
            m.spf.emplace(nullptr, std::make_shared<adapters::SpfOutcome>(std::move(none)));
            return;
        }
        auto outcome = std::make_shared<adapters::SpfOutcome>();
        adapters::SpfRequest request{m.clientIpText, m.helo, m.mailFrom};
        // The pool outlives every task it runs (Services stop it first), so the evaluator
        // may be captured by pointer; the outcome is shared so an abandoned check is harmless.
        const adapters::Spf2Evaluator* evaluator = services->spf.get();
        auto task = services->spfPool->submit([evaluator, request = std::move(request), outcome] {
            *outcome = evaluator->checkMailFrom(request);
        });
        m.spf.emplace(std::move(task), std::move(outcome));
    }

    static std::string envelopeDomain(const Message& m) {
        const auto at = m.mailFrom.rfind('@');
        return at == std::string::npos ? m.helo : m.mailFrom.substr(at + 1);
    }

    Message& ensureMessage() {
        if (!message) beginMessage("", "");
        return *message;
    }

    void beginMessage(std::string_view address, std::string_view authAuthen) {
        message.reset();
        Message& m = message.emplace();
        m.config = currentConfig();
        m.mailFrom = envelopeAddress(address);
        m.clientIp = clientIp;
        m.clientIpText = clientIpText;
        m.helo = helo;
        if (!authAuthen.empty() && m.config->ignoreAuthenticatedClients) {
            m.skipReason = "authenticated sender " + std::string(authAuthen);
            return;
        }
        if (!behindRelay) startSpf(m);  // behind a relay: the client is known at end of headers
    }

    // Behind a trusted relay: the client from the Received fields, then SPF for it.
    void judgeClientBehindRelay(Message& m) const {
        if (const auto client = clientBehindRelays(m.received, m.config->trustedRelays)) {
            m.clientIp = client->ip;
            m.clientIpText = client->ipText;
            m.helo = client->helo;
            if (config::isIgnoredClient(*m.config, client->ip)) {
                m.skipReason = "client " + client->ipText + " behind a trusted relay is ignored";
                return;
            }
        }
        startSpf(m);
    }

    void endHeaders(Message& m) {
        if (m.headersEnded) return;
        m.headersEnded = true;
        if (!m.skipReason.empty()) return;
        std::string authorDomain;
        if (!m.fromFields.empty()) {
            const auto authors = core::parseFromValue(m.fromFields.front());
            if (authors.ok() && authors.value().singleDomain()) authorDomain = authors.value().singleDomain()->str();
        }
        if (m.dkim) m.dkim->endOfHeaders(authorDomain);
        if (behindRelay && !m.spf) judgeClientBehindRelay(m);
        m.received.clear();
    }

    MessageFacts facts(const Message& m, std::string_view queueId) const {
        MessageFacts f;
        f.queueId = std::string(queueId);
        f.clientIp = m.clientIpText;
        f.helo = m.helo;
        f.mailFrom = m.mailFrom;
        f.recipients = m.recipients;
        f.authResultsFields = m.authResults;
        f.quarantineHeaderFields = m.quarantineHeaderFields;
        f.skipReason = m.skipReason;
        f.internalError = m.internalError;
        return f;
    }

    Evaluation evaluate(Message& m) {
        EvaluationInputs inputs;
        // Only a relay in front of us can vouch for its own fields: from any other client an
        // A-R with a trusted authserv-id is a forgery like any other.
        const auto upstream = !behindRelay || m.config->trustedAuthservIds.empty()
                                  ? std::nullopt
                                  : upstreamSpf(m.authResults, m.config->trustedAuthservIds, m.mailFrom);
        if (upstream) {
            inputs.spf = upstream->outcome;  // our own check, if still running, is abandoned
            inputs.spfFromUpstream = upstream->authservId;
        } else {
            if (!m.spf) startSpf(m);
            if (m.spf->task) TaskPool::wait(m.spf->task);
            inputs.spf = *m.spf->outcome;
        }
        inputs.clientIp = m.clientIp;
        if (m.dkim) inputs.dkim = m.dkim->endOfMessage();
        inputs.fromFields = m.fromFields;
        inputs.listId = m.listId;
        return evaluateMessage(inputs, *m.config, *services);
    }

    // Marks the message failed; the plan applies InternalErrorAction.
    // Call only inside a catch block. Returns the description.
    std::string failed(const char* where) noexcept {
        try {
            std::string what = std::string(where) + ": " + currentError();
            spdlog::error("session: {}", what);
            if (message && message->internalError.empty()) message->internalError = what;
            return what;
        } catch (...) {
            return {};
        }
    }
};

Session::Session(std::shared_ptr<const Services> services, ConfigSource currentConfig)
    : state_(std::make_unique<State>()) {
    state_->services = std::move(services);
    state_->currentConfig = std::move(currentConfig);
}

Session::~Session() = default;

EventReply Session::connect(const ConnectInfo& info) {
    State& s = *state_;
    try {
        s.message.reset();
        s.clientIpText.clear();
        s.clientIp = core::parseClientIp(info.clientIp);
        if (s.clientIp) s.clientIpText = core::formatClientIp(*s.clientIp);
        const auto config = s.currentConfig();
        s.behindRelay = s.clientIp && core::anyContains(config->trustedRelays, *s.clientIp);
        const auto& daemons = config->ignoreDaemonNames;
        if (!info.daemonName.empty() &&
            std::any_of(daemons.begin(), daemons.end(), [&](const auto& name) { return name == info.daemonName; })) {
            s.skipReason = "daemon name " + info.daemonName + " in IgnoreDaemonNames";
        } else if (s.clientIp && !s.behindRelay && config::isIgnoredClient(*config, *s.clientIp)) {
            s.skipReason = "client " + s.clientIpText + " in IgnoreNetworks or IgnoreHosts";
        }
        if (s.skipReason.empty()) return EventReply::Continue;
        log::LogLine line("");
        // The same shape as a skipped message's line (message_plan.cpp), without a queue id.
        line.word("skip").value("reason", s.skipReason).atom("ip", s.clientIpText.empty() ? info.clientIp : s.clientIpText);
        spdlog::info("{}", line.str());
        return EventReply::Accept;
    } catch (...) {
        s.failed("connect");
        return EventReply::Continue;
    }
}

void Session::helo(std::string_view name) {
    try {
        state_->helo = std::string(name.substr(0, 255));
    } catch (...) {
        state_->failed("helo");
    }
}

EventReply Session::mailFrom(std::string_view address, std::string_view authAuthen) {
    State& s = *state_;
    if (!s.skipReason.empty()) return EventReply::Accept;
    try {
        s.beginMessage(address, authAuthen);
    } catch (...) {
        const std::string what = s.failed("mail from");
        try {
            // The message exists, failed, so that its end gets the internal-error plan.
            if (!s.message) s.message.emplace().internalError = what;
        } catch (...) {
        }
    }
    return EventReply::Continue;
}

void Session::recipient(std::string_view address) {
    State& s = *state_;
    if (!s.skipReason.empty()) return;
    try {
        keep(s.ensureMessage().recipients, address);
    } catch (...) {
        s.failed("recipient");
    }
}

void Session::header(std::string_view name, std::string_view value) {
    State& s = *state_;
    if (!s.skipReason.empty()) return;
    try {
        Message& m = s.ensureMessage();
        if (!m.skipReason.empty() || !m.internalError.empty() || m.headersEnded) return;
        if (!m.dkim) m.dkim = s.services->dkim->startMessage();
        if (m.dkim) m.dkim->header(name, value);
        if (sameName(name, "From")) {
            if (m.fromFields.empty()) {
                // Start the _dmarc walk now: the answers are in by the end of the message.
                // Only for domains the evaluation will look at (several are evaluated only
                // under MultipleFromAction strictest), and for a bounded number of them: a
                // From field of hundreds of domains must not start thousands of queries here.
                const auto authors = core::parseFromValue(value);
                if (authors.ok()) {
                    const auto& domains = authors.value().domains;
                    const bool evaluatesAll = m.config->multipleFromAction == config::MultipleFromAction::Strictest;
                    if (domains.size() == 1 || evaluatesAll) {
                        const std::size_t count = std::min(domains.size(), kMaxPrefetchedAuthors);
                        for (std::size_t i = 0; i < count; ++i) {
                            adapters::prefetchDmarcLookups(*s.services->resolver, domains[i]);
                        }
                    }
                }
            }
            keep(m.fromFields, value);
        } else if (sameName(name, "Authentication-Results")) {
            keep(m.authResults, value);
        } else if (sameName(name, "List-Id")) {
            m.listId = true;
        } else if (sameName(name, "DKIM-Signature")) {
            m.dkimSignature = true;
        } else if (s.behindRelay && sameName(name, "Received")) {
            keep(m.received, value);
        }
        // Not else: QuarantineHeader may be any name, even one of those above.
        if (!m.config->quarantineHeader.empty() && sameName(name, m.config->quarantineHeader)) {
            ++m.quarantineHeaderFields;
        }
    } catch (...) {
        s.failed("header");
    }
}

void Session::endOfHeaders() {
    State& s = *state_;
    if (!s.skipReason.empty()) return;
    try {
        Message& m = s.ensureMessage();
        if (m.internalError.empty()) s.endHeaders(m);
    } catch (...) {
        s.failed("end of headers");
    }
}

EventReply Session::body(std::string_view chunk) {
    State& s = *state_;
    if (!s.skipReason.empty()) return EventReply::SkipBody;
    try {
        Message& m = s.ensureMessage();
        if (!m.skipReason.empty() || !m.internalError.empty()) return EventReply::SkipBody;
        s.endHeaders(m);
        if (!m.skipReason.empty()) return EventReply::SkipBody;  // the client behind a relay is ignored
        // Unsigned: DKIM needs no body, nothing else reads it.
        if (!m.dkim || !m.dkimSignature) return EventReply::SkipBody;
        m.dkim->body(chunk);
    } catch (...) {
        s.failed("body");
        return EventReply::SkipBody;
    }
    return EventReply::Continue;
}

MessageOutcome Session::endOfMessage(std::string_view queueId) {
    State& s = *state_;
    MessageOutcome outcome;
    std::optional<Message> finished;
    try {
        if (!s.skipReason.empty()) {
            outcome.facts.queueId = std::string(queueId);
            outcome.facts.clientIp = s.clientIpText;
            outcome.facts.skipReason = s.skipReason;
            outcome.plan = planMessage(nullptr, outcome.facts, *s.currentConfig());
            return outcome;
        }
        finished = std::move(s.message);
        s.message.reset();
        if (!finished) {
            s.beginMessage("", "");
            finished = std::move(s.message);
            s.message.reset();
        }
        Message& m = *finished;
        if (m.skipReason.empty() && m.internalError.empty()) {
            s.endHeaders(m);
            if (m.skipReason.empty()) outcome.evaluation = s.evaluate(m);
        }
        outcome.facts = s.facts(m, queueId);
        // A message whose start failed may have no snapshot: the live one decides.
        const config::ConfigPtr config = m.config ? m.config : s.currentConfig();
        outcome.plan = planMessage(outcome.evaluation ? &*outcome.evaluation : nullptr, outcome.facts, *config);
        return outcome;
    } catch (...) {
        const std::string what = s.failed("end of message");
        try {
            // The evaluation (or its plan) failed: an internal-error plan from what is known.
            outcome.evaluation.reset();
            const config::ConfigPtr config = finished && finished->config ? finished->config : s.currentConfig();
            outcome.facts = finished ? s.facts(*finished, queueId) : MessageFacts{};
            outcome.facts.queueId = std::string(queueId);
            if (outcome.facts.internalError.empty()) outcome.facts.internalError = what;
            outcome.plan = planMessage(nullptr, outcome.facts, *config);
        } catch (...) {
            // Not even that (out of memory): defer without a custom reply.
            s.failed("end of message (internal-error plan)");
            outcome.plan = MessagePlan{};
            outcome.plan.decision = Decision::TempFail;
        }
    }
    return outcome;
}

void Session::abort() {
    state_->message.reset();
}

const std::string& Session::connectionSkipReason() const {
    return state_->skipReason;
}

}  // namespace dmarc::pipeline
