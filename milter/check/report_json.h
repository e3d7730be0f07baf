// dmarc-check --json: the CheckReport as one JSON object. Stable keys for scripts and
// tests: dmarc, disposition (applied), requested_disposition, from_domain, from_domains,
// policy_domain, policy_source, policy (the p/sp/np value applied), policy_tag,
// override_reason, overrides, spf {result, domain, scope, aligned, alignment, why, reason},
// dkim [{result, domain, selector, algorithm, aligned, alignment, why, reason}],
// authentication_results, action, reply, quarantine_header, hold_reason, would_skip,
// explanation, log_line, client_ip, helo, mail_from, recipients. Absent values are null.
// Pure; thread-safe.
#pragma once

#include <nlohmann/json.hpp>

#include "milter/check/check_run.h"

namespace dmarc::check {

nlohmann::json toJson(const CheckReport& report);

}  // namespace dmarc::check
