// One mail transaction per send(), driven like Postfix: see session.h.
#include "milter_client/session.h"

#include <algorithm>
#include <limits>

namespace dmarc::milterclient {

namespace {

using Clock = std::chrono::steady_clock;

std::string_view withoutAngles(std::string_view address) {
    if (address.size() >= 2 && address.front() == '<' && address.back() == '>') return address.substr(1, address.size() - 2);
    return address;
}

std::string withAngles(std::string_view address) {
    if (!address.empty() && address.front() == '<') return std::string(address);
    return "<" + std::string(address) + ">";
}

// The derived {mail_*} / {rcpt_*} pair for an address: the address without angle
// brackets, and its domain when it has one.
void addAddressMacros(std::vector<Macro>& pool, std::string_view address, const char* addrName,
                      const char* hostName) {
    const std::string_view bare = withoutAngles(address);
    pool.push_back({addrName, std::string(bare)});
    const std::size_t at = bare.rfind('@');
    if (at != std::string_view::npos && at + 1 < bare.size()) pool.push_back({hostName, std::string(bare.substr(at + 1))});
}

// The address family letter of SMFIC_CONNECT.
char familyOf(std::string_view address) {
    if (address.empty()) return 'U';
    if (address.front() == '/') return 'L';
    return address.find(':') != std::string_view::npos ? '6' : '4';
}

// Without SMFIP_HDR_LEADSPC, Postfix (like Sendmail) eats one space, not a tab, after the colon.
std::string_view headerValue(std::string_view raw, bool leadingSpace) {
    if (!leadingSpace && !raw.empty() && raw.front() == ' ') raw.remove_prefix(1);
    return raw;
}

bool isFinal(Action action) { return action != Action::None && action != Action::Continue; }

}  // namespace

// One send()/sendPartial(): the steps of a transaction over the session's channel.
class Transaction {
public:
    Transaction(Session& session, const Envelope& envelope, ByteSource& raw, const std::optional<PartialPlan>& plan)
        : session_(session), channel_(session.channel_), envelope_(envelope), reader_(raw), plan_(plan) {}

    ClientResult<Outcome> run();

private:
    enum class Flow { Next, Decided, Stop };

    bool stopsAt(PartialPlan::StopAt point) const { return plan_ && plan_->stopAt == point; }
    ClientResult<Done> checkPlan() const;
    std::vector<Macro> macros(Stage stage, std::string_view recipient = {}) const;
    ClientResult<EventReply> event(Stage stage, std::string_view payload, std::string_view recipient = {});
    Flow decide(Stage stage, const EventReply& reply);

    // CONNECT or HELO: a decision there ends the whole connection.
    ClientResult<Flow> connectionEvent(Stage stage, std::string_view payload);
    ClientResult<Flow> introduce();
    ClientResult<Flow> mail();
    ClientResult<Flow> recipients();
    ClientResult<Flow> data();
    ClientResult<Flow> headers();
    ClientResult<Flow> endOfHeaders();
    ClientResult<Flow> body();
    ClientResult<Flow> endOfMessage();
    ClientResult<Outcome> finish(Flow flow);
    void closeConnection(bool reset);

    Session& session_;
    EventChannel& channel_;
    const Envelope& envelope_;
    MessageReader reader_;
    const std::optional<PartialPlan>& plan_;
    Outcome outcome_;
    Clock::time_point start_ = Clock::now();
    bool inTransaction_ = false;  // MAIL was accepted: Postfix sends SMFIC_ABORT at the end
};

ClientResult<Done> Transaction::checkPlan() const {
    if (!plan_ || plan_->stopAt != PartialPlan::StopAt::MidHeader) return Done{};
    if (plan_->ending == PartialPlan::Ending::Abort)
        return clientFail(ErrorKind::InvalidUse, "a packet cut in the middle can only end with a disconnect or reset");
    if (channel_.negotiated().has(wire::protocol::kNoHeaders))
        return clientFail(ErrorKind::InvalidUse, "the filter negotiated SMFIP_NOHDRS: no header packet to cut");
    return Done{};
}

std::vector<Macro> Transaction::macros(Stage stage, std::string_view recipient) const {
    std::vector<Macro> pool;
    if (stage >= Stage::Mail) addAddressMacros(pool, envelope_.mailFrom, "{mail_addr}", "{mail_host}");
    if (stage == Stage::Rcpt) addAddressMacros(pool, recipient, "{rcpt_addr}", "{rcpt_host}");
    // Postfix assigns the queue id when the first recipient is accepted.
    if (stage >= Stage::Rcpt && !envelope_.queueId.empty()) pool.push_back({"i", envelope_.queueId});
    pool.insert(pool.end(), envelope_.macros.begin(), envelope_.macros.end());
    return pool;
}

ClientResult<EventReply> Transaction::event(Stage stage, std::string_view payload, std::string_view recipient) {
    outcome_.stage = stage;
    // Headers and body chunks carry no macros: spare the benchmark a vector per chunk.
    if (!wire::eventInfo(stage).macros) return channel_.send(stage, payload, {}, outcome_);
    return channel_.send(stage, payload, macros(stage, recipient), outcome_);
}

Transaction::Flow Transaction::decide(Stage stage, const EventReply& reply) {
    if (reply.status != EventReply::Status::Answered || !isFinal(reply.decision)) return Flow::Next;
    outcome_.stage = stage;
    outcome_.action = reply.decision;
    outcome_.reply = reply.replyText;
    // Postfix drops the connection after SMFIR_SHUTDOWN; it treats SMFIR_CONN_FAIL as a
    // protocol error. Either way the connection is gone.
    if (reply.decision == Action::Shutdown || reply.decision == Action::ConnectionFailure) closeConnection(false);
    return Flow::Decided;
}

void Transaction::closeConnection(bool reset) {
    channel_.connection().close(reset);
    session_.introduced_.reset();
}

ClientResult<Transaction::Flow> Transaction::connectionEvent(Stage stage, std::string_view payload) {
    auto reply = event(stage, payload);
    if (!reply) return core::fail(reply.error());
    if (reply->decision == Action::Discard) {
        outcome_.warnings.push_back("DISCARD at " + std::string(stageName(stage)) + " ignored, as Postfix does");
        return Flow::Next;
    }
    if (decide(stage, *reply) != Flow::Decided) return Flow::Next;
    // A decision about the whole connection: Postfix closes the milter socket.
    closeConnection(false);
    return Flow::Decided;
}

ClientResult<Transaction::Flow> Transaction::introduce() {
    const SmtpClient& client = envelope_.client;
    const std::string hostname = client.hostname.empty() ? "[" + client.address + "]" : client.hostname;
    const char family = familyOf(client.address);
    const auto port = family == '4' || family == '6' ? client.port : std::uint16_t{0};
    auto flow = connectionEvent(Stage::Connect, wire::connectPayload(hostname, family, port, client.address));
    if (!flow || *flow != Flow::Next) return flow;
    if (!client.helo.empty()) {
        std::string helo;
        wire::appendCString(helo, client.helo);
        flow = connectionEvent(Stage::Helo, helo);
        if (!flow || *flow != Flow::Next) return flow;
    }
    session_.introduced_ = client;
    return Flow::Next;
}

ClientResult<Transaction::Flow> Transaction::mail() {
    auto reply = event(Stage::Mail, wire::argumentsPayload(withAngles(envelope_.mailFrom), envelope_.mailArguments));
    if (!reply) return core::fail(reply.error());
    const Flow flow = decide(Stage::Mail, *reply);
    // A rejected MAIL never starts a transaction; ACCEPT and DISCARD do (smtpd answers 250).
    inTransaction_ = flow == Flow::Next || outcome_.action == Action::Accept || outcome_.action == Action::Discard;
    return flow;
}

ClientResult<Transaction::Flow> Transaction::recipients() {
    std::size_t accepted = 0;
    for (const std::string& recipient : envelope_.recipients) {
        const std::string address = withAngles(recipient);
        auto reply = event(Stage::Rcpt, wire::argumentsPayload(address, {}), address);
        if (!reply) return core::fail(reply.error());
        RecipientResult result{recipient, reply->skip ? Action::Continue : reply->decision, reply->replyText};
        outcome_.recipients.push_back(result);
        // REJECT and TEMPFAIL refuse this recipient only; ACCEPT and DISCARD settle the message.
        if (result.action == Action::Reject || result.action == Action::Tempfail) continue;
        ++accepted;
        if (decide(Stage::Rcpt, *reply) == Flow::Decided) return Flow::Decided;
    }
    if (accepted == 0 && !outcome_.recipients.empty()) {
        // smtpd refuses DATA without a valid recipient: the last refusal stands for the message.
        const RecipientResult& last = outcome_.recipients.back();
        outcome_.stage = Stage::Rcpt;
        outcome_.action = last.action;
        outcome_.reply = last.reply;
        return Flow::Decided;
    }
    return stopsAt(PartialPlan::StopAt::AfterRecipients) ? Flow::Stop : Flow::Next;
}

ClientResult<Transaction::Flow> Transaction::data() {
    auto reply = event(Stage::Data, {});
    if (!reply) return core::fail(reply.error());
    return decide(Stage::Data, *reply);
}

ClientResult<Transaction::Flow> Transaction::headers() {
    const bool leadingSpace = channel_.negotiated().has(wire::protocol::kHeaderLeadingSpace);
    std::size_t index = 0;
    for (;; ++index) {
        if (stopsAt(PartialPlan::StopAt::AfterHeaders) && index == plan_->count) return Flow::Stop;
        auto field = reader_.nextHeader();
        if (!field) return core::fail(field.error());
        if (!*field) break;
        const std::string payload = wire::headerPayload((*field)->name, headerValue((*field)->value, leadingSpace));
        if (stopsAt(PartialPlan::StopAt::MidHeader) && index == plan_->count) {
            std::string packet;
            wire::appendPacket(packet, static_cast<char>(wire::Command::Header), payload);
            auto queued = channel_.connection().queueRaw(std::string_view(packet).substr(0, 5 + payload.size() / 2));
            if (!queued) return core::fail(queued.error());
            outcome_.stage = Stage::Header;
            return Flow::Stop;
        }
        auto reply = event(Stage::Header, payload);
        if (!reply) return core::fail(reply.error());
        if (reply->status != EventReply::Status::NotSent) ++outcome_.headersSent;
        if (decide(Stage::Header, *reply) == Flow::Decided) return Flow::Decided;
    }
    if (stopsAt(PartialPlan::StopAt::MidHeader)) {
        closeConnection(false);
        return clientFail(ErrorKind::InvalidUse,
                          "the message has " + std::to_string(index) + " header fields: none to cut at index " +
                              std::to_string(plan_->count));
    }
    return stopsAt(PartialPlan::StopAt::AfterHeaders) ? Flow::Stop : Flow::Next;
}

ClientResult<Transaction::Flow> Transaction::endOfHeaders() {
    auto reply = event(Stage::EndOfHeaders, {});
    if (!reply) return core::fail(reply.error());
    const Flow flow = decide(Stage::EndOfHeaders, *reply);
    if (flow == Flow::Next && stopsAt(PartialPlan::StopAt::AfterEndOfHeaders)) return Flow::Stop;
    return flow;
}

ClientResult<Transaction::Flow> Transaction::body() {
    const bool cut = stopsAt(PartialPlan::StopAt::AfterBodyBytes);
    const std::size_t limit = cut ? plan_->count : std::numeric_limits<std::size_t>::max();
    if (channel_.negotiated().has(wire::protocol::kNoBody)) return cut ? Flow::Stop : Flow::Next;
    while (outcome_.bodyBytesSent < limit) {
        auto chunk = reader_.nextBodyChunk(std::min(wire::kChunkSize, limit - outcome_.bodyBytesSent));
        if (!chunk) return core::fail(chunk.error());
        if (chunk->empty()) break;
        auto reply = event(Stage::Body, *chunk);
        if (!reply) return core::fail(reply.error());
        if (reply->status == EventReply::Status::NotSent) break;
        ++outcome_.bodyChunksSent;
        outcome_.bodyBytesSent += chunk->size();
        if (reply->skip) {
            outcome_.bodySkipped = true;
            break;
        }
        if (decide(Stage::Body, *reply) == Flow::Decided) return Flow::Decided;
    }
    if (cut || stopsAt(PartialPlan::StopAt::BeforeEndOfMessage)) return Flow::Stop;
    return Flow::Next;
}

ClientResult<Transaction::Flow> Transaction::endOfMessage() {
    auto reply = event(Stage::EndOfMessage, {});
    if (!reply) return core::fail(reply.error());
    // SMFIR_SKIP at end of message means nothing more than continue (Postfix).
    if (reply->skip || reply->decision == Action::Continue) {
        outcome_.action = Action::Continue;
        return Flow::Decided;
    }
    if (reply->decision == Action::None)
        return clientFail(ErrorKind::Protocol, "no decision at end of message");
    return decide(Stage::EndOfMessage, *reply);
}

ClientResult<Outcome> Transaction::finish(Flow flow) {
    const bool stopped = flow == Flow::Stop;
    if (plan_ && channel_.isOpen() && plan_->ending != PartialPlan::Ending::Abort) {
        (void)channel_.connection().flush();  // the filter should see what was sent before the close
        const bool reset = plan_->ending == PartialPlan::Ending::Reset;
        closeConnection(reset);
        outcome_.ending = reset ? Ending::Reset : Ending::Disconnected;
    } else if (channel_.isOpen() && (stopped || (inTransaction_ && session_.options_.abortAfterTransaction))) {
        auto aborted = channel_.command(wire::Command::Abort);
        if (!aborted) return core::fail(aborted.error());
        if (stopped) outcome_.ending = Ending::Aborted;
    }
    outcome_.latency = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start_);
    return std::move(outcome_);
}

ClientResult<Outcome> Transaction::run() {
    if (auto valid = checkPlan(); !valid) return core::fail(valid.error());
    if (!channel_.isOpen()) return clientFail(ErrorKind::NotConnected, "the session is closed");
    if (session_.introduced_ && !(*session_.introduced_ == envelope_.client))
        return clientFail(ErrorKind::InvalidUse,
                          "this session already reported another SMTP client; open a new session or quit with "
                          "quitNewConnection() first");
    using Step = ClientResult<Flow> (Transaction::*)();
    if (!session_.introduced_) {
        auto flow = introduce();
        if (!flow) return core::fail(flow.error());
        if (*flow == Flow::Decided) return finish(Flow::Decided);
    }
    for (const Step step : {&Transaction::mail, &Transaction::recipients, &Transaction::data, &Transaction::headers,
                            &Transaction::endOfHeaders, &Transaction::body, &Transaction::endOfMessage}) {
        auto flow = (this->*step)();
        if (!flow) return core::fail(flow.error());
        if (*flow != Flow::Next) return finish(*flow);
    }
    return finish(Flow::Decided);
}

std::vector<Macro> postfixConnectMacros(const SmtpClient& client, std::string_view myHostname,
                                        std::string_view daemonAddress) {
    const std::string name = client.hostname.empty() ? "unknown" : client.hostname;
    return {{"j", std::string(myHostname)},
            {"{daemon_name}", std::string(myHostname)},
            {"{daemon_addr}", std::string(daemonAddress)},
            {"v", "Postfix 3.7.11"},
            {"_", name + " [" + client.address + "]"}};
}

ClientResult<Session> Session::open(const Endpoint& endpoint, const Options& options) {
    auto connection = Connection::open(endpoint, options.connectTimeout, options.ioTimeout);
    if (!connection) return core::fail(connection.error());
    return start(std::move(connection).value(), options);
}

ClientResult<Session> Session::open(std::string_view endpoint, const Options& options) {
    auto parsed = parseEndpoint(endpoint);
    if (!parsed) return core::fail(parsed.error());
    return open(*parsed, options);
}

ClientResult<Session> Session::start(Connection connection, const Options& options) {
    auto channel = EventChannel::negotiate(std::move(connection), options.offer);
    if (!channel) return core::fail(channel.error());
    return Session(std::move(channel).value(), options);
}

ClientResult<Outcome> Session::send(const Message& message) {
    StringSource raw(message.raw);
    return run(message.envelope, raw, std::nullopt);
}

ClientResult<Outcome> Session::send(const Envelope& envelope, ByteSource& raw) {
    return run(envelope, raw, std::nullopt);
}

ClientResult<Outcome> Session::sendPartial(const Message& message, const PartialPlan& plan) {
    StringSource raw(message.raw);
    return run(message.envelope, raw, plan);
}

ClientResult<Outcome> Session::sendPartial(const Envelope& envelope, ByteSource& raw, const PartialPlan& plan) {
    return run(envelope, raw, plan);
}

ClientResult<Outcome> Session::run(const Envelope& envelope, ByteSource& raw, const std::optional<PartialPlan>& plan) {
    Transaction transaction(*this, envelope, raw, plan);
    return transaction.run();
}

ClientResult<Done> Session::quit() {
    if (!channel_.isOpen()) return clientFail(ErrorKind::NotConnected, "the session is closed");
    auto sent = channel_.command(wire::Command::Quit);
    channel_.connection().close();
    introduced_.reset();
    return sent;
}

ClientResult<Done> Session::quitNewConnection() {
    if (!channel_.isOpen()) return clientFail(ErrorKind::NotConnected, "the session is closed");
    auto sent = channel_.command(wire::Command::QuitNewConnection);
    introduced_.reset();
    return sent;
}

void Session::closeAbruptly(bool reset) {
    channel_.connection().close(reset);
    introduced_.reset();
}

}  // namespace dmarc::milterclient
