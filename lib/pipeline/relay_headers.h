// What a trusted relay or filter in front of us says about a message, read from its
// header fields: the SMTP client it saw (the from-clause of its Received field, for
// TrustedRelays) and the SPF result it found for the MAIL FROM identity (an
// Authentication-Results field of a TrustedAuthservIDs entry). Only MAIL FROM results are
// ever taken: an upstream smtp.helo result is never a DMARC input (CVE-2019-20790).
// Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/spf2_evaluator.h"
#include "core/ip_network.h"

namespace dmarc::pipeline {

struct ReceivedFrom {
    std::string helo;  // the word after "from" (what the client said in HELO, as the relay logged it)
    core::ClientIp ip;
    std::string ipText;  // canonical text of `ip`
};

// The from-clause of one Received field body: "from HELO (NAME [IP])" (Postfix, Sendmail,
// more comments allowed), "from NAME ([IP] helo=HELO)" or "from NAME ([IP]:PORT helo=HELO)"
// (Exim: then the name is taken for the HELO), Exim's "from [IP] (port=N helo=HELO)", IPv6
// as "[IPv6:2001:db8::1]" or "[2001:db8::1]". The HELO is the client's text, written
// verbatim by some MTAs (Postfix keeps spaces and, before 3.x, parentheses), so a field
// that could be an imitation gives nullopt: anything but comments between the HELO word
// and "by", a second "by" or a second ';' outside comments (quotes and angle brackets
// are no shelter: the client can open them), two comments naming an address, an unclosed
// comment. Otherwise nullopt when those comments hold no address literal (Exchange
// writes "(192.0.2.1)").
std::optional<ReceivedFrom> parseReceivedFrom(std::string_view fieldBody);

// The client behind our trusted relays: Received fields from the top (the newest, which
// is our own MTA's); while a field's from-clause address is a trusted relay, the field
// below it was written by that relay and is read next; the first other address is the
// client. nullopt when every field names a relay or a field has no readable from-clause
// address (a relay's local submission, a format we cannot read, an ambiguous field): the
// fields below it may have been written by anyone, so they are never read.
std::optional<ReceivedFrom> clientBehindRelays(const std::vector<std::string>& receivedTopDown,
                                               const std::vector<core::IpNetwork>& trustedRelays);

struct UpstreamSpf {
    adapters::SpfOutcome outcome;  // scope MailFrom, domain = the MAIL FROM domain
    std::string authservId;        // whose field it came from
};

// The spf result of the topmost Authentication-Results field of a trusted authserv-id
// whose smtp.mailfrom (an address or a bare domain) has the domain of `mailFrom` (the
// envelope sender without "<>"). A result that names smtp.helo, a result word outside
// RFC 8601's spf results, or a null sender gives nothing.
std::optional<UpstreamSpf> upstreamSpf(const std::vector<std::string>& authResultsFields,
                                       const std::vector<std::string>& trustedAuthservIds,
                                       std::string_view mailFrom);

}  // namespace dmarc::pipeline
