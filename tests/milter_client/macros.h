// Which macros go with which event. Postfix sends, before each event, the macros named in
// that stage's milter_*_macros list that have a value; a filter may replace a stage's list
// during negotiation (SMFIR_SETSYMLIST). MacroLists holds the lists (Postfix 3.7's
// defaults unless changed), selectMacros picks the (name, value) pairs to send. Pure
// functions over values.
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "milter_client/protocol.h"

namespace dmarc::milterclient {

struct Macro {
    std::string name;   // as the MTA spells it: "j", "{daemon_name}", "{auth_authen}"
    std::string value;
};

using MacroLists = std::array<std::vector<std::string>, wire::kMacroStages>;

// postconf -d of Postfix 3.7: milter_connect_macros = j {daemon_name} {daemon_addr} v _,
// helo: {tls_version} {cipher} {cipher_bits} {cert_subject} {cert_issuer},
// mail: i {auth_type} {auth_authen} {auth_author} {mail_addr} {mail_host} {mail_mailer},
// rcpt: i {rcpt_addr} {rcpt_host} {rcpt_mailer}, data: i, end_of_header: i,
// end_of_data: i.
MacroLists postfixDefaultMacroLists();

// Splits a list on spaces, tabs, commas and line ends, as Postfix does.
std::vector<std::string> splitMacroNames(std::string_view list);

// `base` with every stage the filter listed in SMFIR_SETSYMLIST replaced.
MacroLists applySymbolLists(const MacroLists& base, const wire::Negotiated& negotiated);

// "{x}" and "x" name the same one-letter macro (libmilter looks up both spellings).
bool sameMacroName(std::string_view a, std::string_view b);

// True when some stage lists `name` (callers add custom macros to a list, as an admin
// adds them to milter_*_macros).
bool listsMacro(const MacroLists& lists, std::string_view name);

// The pairs to send at `stage`: each name the stage lists that `available` defines (the
// last definition wins), spelled as the list spells it, in list order.
std::vector<std::pair<std::string, std::string>> selectMacros(const MacroLists& lists, wire::MacroStage stage,
                                                              const std::vector<Macro>& available);

}  // namespace dmarc::milterclient
