// See report_text.h.
#include "milter/check/report_text.h"

#include <iterator>

#include <fmt/format.h>

#include "log/sanitize.h"
#include "milter/check/plan_summary.h"

namespace dmarc::check {
namespace {

std::string clean(std::string_view text) { return log::sanitizeText(text); }
std::string orDash(std::string_view text) { return text.empty() ? std::string("-") : clean(text); }

// "not aligned with the From domain mydomain.test: bounce.esp.test is not within …"
std::string describeAlignment(const core::AlignmentCheck& check, std::string_view author) {
    const std::string domain = author.empty() ? std::string("(none)") : clean(author);
    const std::string why = check.why.empty() ? std::string() : ": " + clean(check.why);
    switch (check.alignment) {
        case core::Alignment::Strict: return fmt::format("aligned with the From domain {} (strict){}", domain, why);
        case core::Alignment::Relaxed: return fmt::format("aligned with the From domain {} (relaxed){}", domain, why);
        case core::Alignment::NotAligned: return fmt::format("not aligned with the From domain {}{}", domain, why);
        case core::Alignment::Unknown: return fmt::format("alignment with the From domain {} unknown{}", domain, why);
        case core::Alignment::NotEvaluated:
            return fmt::format("alignment with the From domain {} not evaluated{}", domain, why);
    }
    return {};
}

std::string describeRecord(const core::DmarcRecord& record, core::DmarcMode mode) {
    std::string text = "v=DMARC1";
    const auto tag = [&](std::string_view name, const std::optional<core::Policy>& policy, bool invalid) {
        if (policy) {
            fmt::format_to(std::back_inserter(text), "; {}={}", name, core::toString(*policy));
        } else if (invalid) {
            fmt::format_to(std::back_inserter(text), "; {}=(invalid)", name);
        }
    };
    tag("p", record.p, record.pInvalid);
    tag("sp", record.sp, record.spInvalid);
    tag("np", record.np, record.npInvalid);
    fmt::format_to(std::back_inserter(text), "; adkim={}; aspf={}", core::toString(record.adkim),
                   core::toString(record.aspf));
    if (record.testing) text += "; t=y";
    if (record.psd == core::PsdFlag::Yes) text += "; psd=y";
    if (record.psd == core::PsdFlag::No) text += "; psd=n";
    if (mode == core::DmarcMode::Rfc7489 && record.pct != 100) fmt::format_to(std::back_inserter(text), "; pct={}", record.pct);
    return text;
}

void writeEnvelope(std::string& out, const CheckReport& report) {
    const auto& options = report.options;
    fmt::format_to(std::back_inserter(out), "Message from {}", clean(options.clientIp));
    if (options.helo) fmt::format_to(std::back_inserter(out), ", HELO {}", clean(*options.helo));
    fmt::format_to(std::back_inserter(out), ", MAIL FROM <{}>", clean(options.mailFrom));
    for (const auto& recipient : options.recipients) fmt::format_to(std::back_inserter(out), ", RCPT <{}>", clean(recipient));
    out += "\n";
    if (!report.wouldSkip.empty()) {
        fmt::format_to(std::back_inserter(out),
                       "Note: dmarc-milter would skip this message ({}); dmarc-check evaluated it anyway.\n",
                       clean(report.wouldSkip));
    }
}

void writeSpf(std::string& out, const pipeline::MessageOutcome& outcome, const core::Verdict* verdict) {
    const auto& evaluation = outcome.evaluation;
    const adapters::SpfOutcome none;
    const auto& spf = evaluation ? evaluation->spf : none;
    fmt::format_to(std::back_inserter(out), "SPF: {} for {} ({} identity)", core::toString(spf.result),
                   orDash(spf.domain), spf.scope == core::SpfScope::MailFrom ? "MAIL FROM" : "HELO");
    if (!spf.reason.empty()) fmt::format_to(std::back_inserter(out), ": {}", clean(spf.reason));
    out += "\n";
    if (evaluation && !evaluation->spfFromUpstream.empty()) {
        fmt::format_to(std::back_inserter(out), "  taken from the Authentication-Results of trusted {}\n",
                       clean(evaluation->spfFromUpstream));
    }
    if (spf.scope == core::SpfScope::Helo) {
        out += "  only the MAIL FROM identity counts for DMARC (the null sender was checked by its HELO)\n";
    }
    if (verdict) {
        fmt::format_to(std::back_inserter(out), "  {}\n", describeAlignment(verdict->spf.alignment, verdict->authorDomain));
    }
}

void writeDkim(std::string& out, const pipeline::MessageOutcome& outcome, const core::Verdict* verdict) {
    const std::size_t count = verdict ? verdict->dkim.size() : outcome.evaluation ? outcome.evaluation->dkim.size() : 0;
    if (count == 0) {
        out += "DKIM: none (the message is not signed)\n";
        return;
    }
    fmt::format_to(std::back_inserter(out), "DKIM: {} signature{}\n", count, count == 1 ? "" : "s");
    const auto line = [&](std::string_view result, std::string_view d, std::string_view s, std::string_view a,
                          std::string_view reason) {
        fmt::format_to(std::back_inserter(out), "  - {} d={} s={} a={}", result, orDash(d), orDash(s), orDash(a));
        if (!reason.empty()) fmt::format_to(std::back_inserter(out), ": {}", clean(reason));
        out += "\n";
    };
    if (!verdict) {
        for (const auto& signature : outcome.evaluation->dkim) {
            line(adapters::describe(signature.result), signature.domain, signature.selector, signature.algorithm,
                 signature.reason);
        }
        return;
    }
    for (const auto& signature : verdict->dkim) {
        line(core::toString(signature.result), signature.domain, signature.selector, signature.algorithm,
             signature.reason);
        fmt::format_to(std::back_inserter(out), "    {}\n", describeAlignment(signature.alignment, verdict->authorDomain));
    }
}

void writeAuthors(std::string& out, const pipeline::MessageOutcome& outcome, const core::Verdict* verdict) {
    const auto& evaluation = outcome.evaluation;
    if (evaluation && evaluation->verdicts.size() > 1) {
        out += "From domains:";
        for (const auto& each : evaluation->verdicts) {
            fmt::format_to(std::back_inserter(out), " {} (dmarc={})", clean(each.authorDomain), core::toString(each.result));
        }
        fmt::format_to(std::back_inserter(out), "\n  acting on the strictest: {}\n",
                       verdict ? clean(verdict->authorDomain) : std::string("none"));
    } else if (verdict && !verdict->authorDomain.empty()) {
        fmt::format_to(std::back_inserter(out), "From domain: {}\n", clean(verdict->authorDomain));
    }
    if (evaluation && evaluation->fromError) {
        fmt::format_to(std::back_inserter(out), "From: no usable author domain: {} ({} From field{})\n",
                       core::describe(*evaluation->fromError), evaluation->fromFieldCount,
                       evaluation->fromFieldCount == 1 ? "" : "s");
    }
}

void writePolicy(std::string& out, const core::Verdict& verdict) {
    if (verdict.record) {
        const auto& found = *verdict.record;
        fmt::format_to(std::back_inserter(out), "Policy: record at _dmarc.{} (the {} domain): {}\n", found.domain.str(),
                       core::toString(found.source), describeRecord(found.record, verdict.mode));
        for (const auto& problem : found.record.problems) {
            fmt::format_to(std::back_inserter(out), "  ignored {}={}: {}\n", clean(problem.tag), clean(problem.value),
                           clean(problem.why));
        }
    } else {
        fmt::format_to(std::back_inserter(out), "Policy: {}\n",
                       verdict.discovery == core::DiscoveryOutcome::TempError ? "DNS trouble, no answer"
                                                                             : "no DMARC record applies");
    }
    if (!verdict.policyDetail.empty()) fmt::format_to(std::back_inserter(out), "  {}\n", clean(verdict.policyDetail));
    if (!verdict.queried.empty()) {
        out += "  queried:";
        for (const auto& name : verdict.queried) fmt::format_to(std::back_inserter(out), " {}", name.str());
        out += "\n";
    }
    if (verdict.existence != core::AuthorExistence::NotChecked) {
        fmt::format_to(std::back_inserter(out), "  the author domain {} (np= applies to a domain that does not exist)\n",
                       core::toString(verdict.existence));
    }
    if (verdict.tag && verdict.policy) {
        fmt::format_to(std::back_inserter(out), "  applied tag: {}={}\n", core::toString(*verdict.tag),
                       core::toString(*verdict.policy));
    }
}

void writeVerdict(std::string& out, const core::Verdict& verdict) {
    fmt::format_to(std::back_inserter(out), "DMARC: {}\n  {}\n", core::toString(verdict.result), clean(verdict.explanation));
    fmt::format_to(std::back_inserter(out), "Disposition: requested {}, applied {}\n", core::toString(verdict.requested),
                   core::toString(verdict.applied));
    for (const auto& each : verdict.overrides) {
        fmt::format_to(std::back_inserter(out), "  override {}", core::toString(each.reason));
        if (!each.comment.empty()) fmt::format_to(std::back_inserter(out), ": {}", clean(each.comment));
        out += "\n";
    }
}

void writeAction(std::string& out, const PlanSummary& summary) {
    out += "The milter would: ";
    if (summary.action == "reject") {
        fmt::format_to(std::back_inserter(out), "reject the message with \"{}\"\n", clean(summary.reply.value_or("")));
    } else if (summary.action == "tempfail") {
        fmt::format_to(std::back_inserter(out), "defer the message (tempfail) with \"{}\"\n", clean(summary.reply.value_or("")));
    } else if (summary.action == "hold") {
        fmt::format_to(std::back_inserter(out), "put the message in the MTA's hold queue ({})\n",
                       clean(summary.holdReason.value_or("")));
    } else if (summary.action == "quarantine-header") {
        fmt::format_to(std::back_inserter(out), "accept the message and mark it for quarantine: {}\n",
                       clean(summary.quarantineHeader.value_or("")));
    } else {
        out += "accept the message\n";
    }
    if (summary.action == "hold" && summary.quarantineHeader) {
        fmt::format_to(std::back_inserter(out), "  and mark it: {}\n", clean(*summary.quarantineHeader));
    }
}

}  // namespace

std::string toText(const CheckReport& report) {
    const auto& outcome = report.outcome;
    const core::Verdict* verdict = outcome.plan.verdict ? &*outcome.plan.verdict : nullptr;
    const PlanSummary summary = summarizePlan(outcome.plan, *report.config);

    std::string out;
    writeEnvelope(out, report);
    writeSpf(out, outcome, verdict);
    writeDkim(out, outcome, verdict);
    writeAuthors(out, outcome, verdict);
    if (verdict) {
        writePolicy(out, *verdict);
        writeVerdict(out, *verdict);
    } else {
        fmt::format_to(std::back_inserter(out), "DMARC: none (no author domain was evaluated)\nDisposition: {}\n",
                       core::toString(summary.disposition));
    }
    writeAction(out, summary);
    if (!summary.authenticationResults.empty()) {
        // Ours, built from validated values: shown as the MTA would store it.
        fmt::format_to(std::back_inserter(out), "Authentication-Results: {}\n", summary.authenticationResults);
    }
    fmt::format_to(std::back_inserter(out), "Log line: {}\n", outcome.plan.logLine);
    return out;
}

}  // namespace dmarc::check
