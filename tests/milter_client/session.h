// Session: one MTA-to-filter connection driven the way Postfix 3.7's smtpd/cleanup drive
// it, for tests and the benchmark. open() connects and negotiates (protocol 6, every
// action and protocol flag offered, like Postfix); send() reports the SMTP connection
// (SMFIC_CONNECT, SMFIC_HELO) on first use, then one mail transaction: MAIL, RCPT…, DATA,
// each header, EOH, the body in 65535-byte chunks, end of message, and the SMFIC_ABORT
// Postfix sends when a transaction ends. It returns the Outcome: decision, reply text,
// every modification in order. sendPartial() stops at a chosen point and then aborts,
// closes or resets the connection. Postfix's rules apply: macros per stage
// (macros.h), SMFIP_NO*/NR_*/SKIP/HDR_LEADSPC honoured, a decision at CONNECT or HELO ends
// the connection, ACCEPT/DISCARD/REJECT end the message, a REJECT of one RCPT drops that
// recipient only. Errors (timeouts, a closed or misbehaving filter) are values.
// Not thread-safe: one thread per Session; any number of Sessions in parallel.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "milter_client/client_error.h"
#include "milter_client/endpoint.h"
#include "milter_client/event_channel.h"
#include "milter_client/macros.h"
#include "milter_client/message_reader.h"
#include "milter_client/message_source.h"
#include "milter_client/outcome.h"

namespace dmarc::milterclient {

// The SMTP client the MTA is talking to.
struct SmtpClient {
    std::string address = "192.0.2.1";  // IPv4, IPv6, a unix path ("/…"), or "" (unknown)
    std::string hostname;                // "" sends Postfix's form for an unknown name: "[address]"
    std::uint16_t port = 0;
    std::string helo;                    // "" sends no HELO event

    friend bool operator==(const SmtpClient&, const SmtpClient&) = default;
};

struct Envelope {
    SmtpClient client;
    std::string mailFrom;                    // "a@b", "<a@b>"; "" and "<>" are the null sender
    std::vector<std::string> mailArguments;  // ESMTP: "SIZE=1234", "BODY=8BITMIME"
    std::vector<std::string> recipients;
    std::string queueId;                     // macro i, known from the first RCPT on (Postfix)
    // Macro values: connection macros (j, {daemon_name}, _, …) and message ones
    // ({auth_authen}, …). Sent per the stage lists; {mail_addr}, {mail_host}, {rcpt_addr},
    // {rcpt_host} and i are derived from the fields above unless given here.
    std::vector<Macro> macros;
};

// The connect-stage macros Postfix would send for `client`: j and {daemon_name} (the MTA's
// host name), {daemon_addr}, v (mail_name and version) and _ ("name [address]").
std::vector<Macro> postfixConnectMacros(const SmtpClient& client, std::string_view myHostname,
                                        std::string_view daemonAddress);

struct Message {
    Envelope envelope;
    std::string raw;  // RFC 5322 bytes, LF or CRLF line ends
};

struct Options {
    std::chrono::milliseconds connectTimeout{5000};
    std::chrono::milliseconds ioTimeout{10000};  // per write and per reply
    Offer offer;                                 // Postfix 3.7's unless changed
    // Postfix sends SMFIC_ABORT when a transaction ends (smtpd mail_reset), even after end
    // of message; libmilter ignores it there. Off: end the transaction silently, as
    // Sendmail does (needed before quitNewConnection(): libmilter ignores SMFIC_QUIT_NC
    // after an abort).
    bool abortAfterTransaction = true;
};

struct PartialPlan {
    enum class StopAt {
        AfterRecipients,     // MAIL and RCPT sent; no DATA
        AfterHeaders,        // DATA and the first `count` header fields sent; no EOH
        MidHeader,           // header field number `count` (0-based) cut in the middle of its packet
        AfterEndOfHeaders,   // all headers and EOH sent; no body
        AfterBodyBytes,      // `count` body bytes sent (the last chunk cut short); no end of message
        BeforeEndOfMessage,  // the whole body sent; no end of message
    };
    // Disconnect and Reset happen even when the filter decided before the stop point; an
    // Abort then is just Postfix's usual end-of-transaction ABORT (Outcome::ending stays
    // Completed).
    enum class Ending {
        Abort,       // SMFIC_ABORT; the session stays usable for the next send()
        Disconnect,  // close the socket (FIN) without SMFIC_QUIT
        Reset,       // reset the socket (RST)
    };
    StopAt stopAt = StopAt::BeforeEndOfMessage;
    std::size_t count = 0;
    Ending ending = Ending::Abort;
};

class Session {
public:
    static ClientResult<Session> open(const Endpoint& endpoint, const Options& options = {});
    static ClientResult<Session> open(std::string_view endpoint, const Options& options = {});
    // Negotiates over a connection the caller made (e.g. one end of a socketpair).
    static ClientResult<Session> start(Connection connection, const Options& options = {});

    Session(Session&&) noexcept = default;
    Session& operator=(Session&&) = delete;
    // Closes without SMFIC_QUIT (an abrupt disconnect): call quit() for a clean end.
    ~Session() = default;

    const wire::Negotiated& negotiated() const { return channel_.negotiated(); }
    // The macro lists in force: the offer's, with the filter's SMFIR_SETSYMLIST applied.
    const MacroLists& macroLists() const { return channel_.macroLists(); }
    bool isOpen() const { return channel_.isOpen(); }

    // One whole message. The envelope's client must be the one this session reported
    // first (or any, before the first send and after quitNewConnection()).
    ClientResult<Outcome> send(const Message& message);
    ClientResult<Outcome> send(const Envelope& envelope, ByteSource& raw);
    ClientResult<Outcome> sendPartial(const Message& message, const PartialPlan& plan);
    ClientResult<Outcome> sendPartial(const Envelope& envelope, ByteSource& raw, const PartialPlan& plan);

    // SMFIC_QUIT, then close: how Postfix ends every connection.
    ClientResult<Done> quit();
    // SMFIC_QUIT_NC: the connection stays; the next send() reports its client anew.
    ClientResult<Done> quitNewConnection();
    // Close at once without SMFIC_QUIT: a FIN, or an RST when `reset`.
    void closeAbruptly(bool reset = false);

private:
    Session(EventChannel channel, Options options) : channel_(std::move(channel)), options_(std::move(options)) {}
    ClientResult<Outcome> run(const Envelope& envelope, ByteSource& raw, const std::optional<PartialPlan>& plan);

    friend class Transaction;
    EventChannel channel_;
    Options options_;
    std::optional<SmtpClient> introduced_;
};

}  // namespace dmarc::milterclient
