// The libmilter callbacks: extern "C" trampolines that map milter events onto one
// pipeline::Session per connection (kept with smfi_setpriv, created at connect, freed at
// close) and its answers back onto sfsistat codes. Negotiation asks only for what we use:
// header changes, quarantine and our own macro lists; no reply for HELO, MAIL, RCPT,
// DATA, headers, end of headers and unknown commands; SMFIP_SKIP; header values with
// their leading space; and no DATA or unknown-command events. No exception ever crosses
// into libmilter: each callback catches everything, logs it and answers per
// InternalErrorAction. Thread contract: libmilter calls a connection's callbacks one at a
// time, possibly on different threads; the FilterState is shared.
#pragma once

#include "milter/filter_state.h"

namespace dmarc::milter {

// smfi_register with our callbacks. `state` must outlive every connection (the daemon
// never destroys it: it leaves with _exit). False when libmilter refuses.
bool registerFilter(FilterState& state);

// What negotiation asks for, before it is cut down to what the MTA offers.
unsigned long wantedActions();
unsigned long wantedProtocol();

}  // namespace dmarc::milter
