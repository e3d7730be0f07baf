// dmarc-check's default output: the CheckReport explained step by step for an admin asking
// "why did this fail?" — the envelope, whether the milter would have skipped the message,
// SPF (result, identity, reason, alignment and why), each DKIM signature, the From
// domain(s), where the policy record was found and which tag applied, the DMARC result,
// requested and applied disposition with every override, what the milter would do (with
// the SMTP reply), the Authentication-Results field and the log line. Strings taken from
// the message or DNS are sanitised (no control bytes reach the terminal). Pure; thread-safe.
#pragma once

#include <string>

#include "milter/check/check_run.h"

namespace dmarc::check {

std::string toText(const CheckReport& report);

}  // namespace dmarc::check
