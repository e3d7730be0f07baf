// The Authentication-Results body we insert, for the end-of-message plan: from the verdict
// acted on, or — when the message had no usable author domain and so no DMARC verdict —
// from the SPF and DKIM results alone, with a dmarc result that says why. Also the
// adapter-to-core mapping of DKIM results those renderings need. Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "adapters/dkim_result.h"
#include "adapters/spf2_evaluator.h"
#include "config/config.h"
#include "core/verdict.h"

namespace dmarc::pipeline {

core::DkimResult toCoreDkimResult(adapters::DkimResult result);

// A Verdict carrying only what was checked without an author domain: SPF and every DKIM
// signature (alignment not evaluated), `result` with `detail` as policyDetail (the log's
// reason=), no author domain, no record, disposition none.
core::Verdict verdictWithoutAuthor(const adapters::SpfOutcome& spf,
                                   const std::vector<adapters::DkimSignatureResult>& dkim,
                                   core::DmarcResult result, std::string_view detail);

// The field body as inserted (leading space, folded with LF) for the verdict of an author
// domain.
std::string ourAuthResults(const core::Verdict& verdict, const config::Config& config);
// The same for a verdictWithoutAuthor(): its dmarc result names no header.from and carries
// the detail as its comment.
std::string ourAuthResultsWithoutAuthor(const core::Verdict& verdict, const config::Config& config);

}  // namespace dmarc::pipeline
