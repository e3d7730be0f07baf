// Conformance: mail-dmarc/dmarc-eval-cases.yml (Mail::DMARC's own tests) through evaluate()
// and checkReportDestinations(): every `evaluation`, `alignment` and `reporting` row, rows
// labelled `both` in RFC 9989 and RFC 7489 mode, the others in their own mode. RFC 7489
// mode uses the pinned public suffix list through PslOrgDomain. DNS is a TableResolver
// holding the row's `dns` and `exists` (a `policy:` row publishes it at _dmarc.<header_from>
// for an existing author domain). `expect.disposition` is what the domain owner's policy
// yields, so rows run with hardReject on; both-unaligned-reject also runs with our default
// LocalPolicy. Every expect key is asserted; unknown keys fail the test.
#include <catch2/catch.hpp>
#include <yaml-cpp/yaml.h>

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "adapters/psl_org_domain.h"
#include "core/evaluate.h"
#include "core/policy_discovery.h"
#include "core/report_authorization.h"
#include "support/conformance.h"
#include "support/table_resolver.h"

namespace {

using namespace dmarc::core;
using dmarc::test::nameOf;
using dmarc::test::TableResolver;

constexpr const char* kFile = "mail-dmarc/dmarc-eval-cases.yml";
constexpr const char* kPslFile = "publicsuffix-list/public_suffix_list.dat";

// Rows per section and mode, counted by hand from the file: evaluation has 13 `both` and
// 8 `rfc9989` rows; alignment 9 `both`; reporting 2 `both`.
constexpr std::size_t kEvaluation9989 = 21;
constexpr std::size_t kEvaluation7489 = 13;
constexpr std::size_t kAlignmentPerMode = 9;
constexpr std::size_t kReportingPerMode = 2;

// Rows where we knowingly answer differently from upstream: id, mode ("both" for both),
// the expect key, our answer, and why. Each is asserted to be our answer, so a change in
// either side shows up. Empty: every row agrees.
struct KnownDifference {
    const char* id;
    const char* mode;
    const char* key;
    const char* ours;
    const char* why;
};
const std::vector<KnownDifference> kKnownDifferences = {};

class NeverSampledOut : public RandomSource {
public:
    int percent() override { return 0; }
};

const char* modeName(DmarcMode mode) { return mode == DmarcMode::Rfc9989 ? "rfc9989" : "rfc7489"; }

std::vector<DmarcMode> modesFor(const std::string& spec) {
    if (spec == "both") return {DmarcMode::Rfc9989, DmarcMode::Rfc7489};
    if (spec == "rfc9989") return {DmarcMode::Rfc9989};
    if (spec == "rfc7489") return {DmarcMode::Rfc7489};
    FAIL("unknown spec '" << spec << "'");
    return {};
}

const KnownDifference* knownDifference(const std::string& id, DmarcMode mode,
                                       const std::string& key) {
    for (const auto& d : kKnownDifferences) {
        if (id == d.id && key == d.key &&
            (std::string(d.mode) == "both" || std::string(d.mode) == modeName(mode))) {
            return &d;
        }
    }
    return nullptr;
}

// Asserts one expectation, or our documented different answer for it.
void expectValue(const std::string& id, DmarcMode mode, const std::string& key,
                 const std::string& ours, const std::string& theirs) {
    INFO(id << " [" << modeName(mode) << "] " << key);
    if (const auto* d = knownDifference(id, mode, key)) {
        INFO("known difference: " << d->why);
        CHECK(ours == d->ours);
        CHECK(ours != theirs);
        return;
    }
    CHECK(ours == theirs);
}

template <typename Enum, std::size_t N>
Enum wordToEnum(const std::string& word, const Enum (&values)[N]) {
    for (const auto value : values) {
        if (toString(value) == word) return value;
    }
    FAIL("unknown result word '" << word << "'");
    return values[0];
}

SpfResult spfResultOf(const std::string& word) {
    static constexpr SpfResult kAll[] = {SpfResult::None,     SpfResult::Neutral,
                                         SpfResult::Pass,     SpfResult::Fail,
                                         SpfResult::SoftFail, SpfResult::TempError,
                                         SpfResult::PermError};
    return wordToEnum(word, kAll);
}

DkimResult dkimResultOf(const std::string& word) {
    static constexpr DkimResult kAll[] = {DkimResult::None,    DkimResult::Pass,
                                          DkimResult::Fail,    DkimResult::Policy,
                                          DkimResult::Neutral, DkimResult::TempError,
                                          DkimResult::PermError};
    return wordToEnum(word, kAll);
}

SpfScope scopeOf(const std::string& word) {
    if (word == "helo") return SpfScope::Helo;
    CHECK(word == "mfrom");
    return SpfScope::MailFrom;
}

const dmarc::adapters::PslOrgDomain& psl() {
    static const auto loaded =
        dmarc::adapters::PslOrgDomain::fromFile(dmarc::test::conformanceFile(kPslFile).string());
    if (!loaded)
        FAIL("cannot load the public suffix list: " << dmarc::adapters::describe(loaded.error()));
    return loaded.value();
}

void loadDns(TableResolver& resolver, const YAML::Node& row) {
    for (const auto& entry : row["dns"]) {
        resolver.addTxt(entry.first.as<std::string>(), entry.second.as<std::string>());
    }
    for (const auto& name : row["exists"]) resolver.addName(name.as<std::string>());
    if (row["policy"]) {
        const auto author = row["header_from"].as<std::string>();
        resolver.addTxt("_dmarc." + author, row["policy"].as<std::string>());
        resolver.addName(author);
    }
}

Verdict evaluateWith(const YAML::Node& row, const AuthInputs& auth, DmarcMode mode,
                     bool hardReject) {
    TableResolver resolver;
    loadDns(resolver, row);
    LocalPolicy settings;
    settings.mode = mode;
    settings.hardReject = hardReject;
    NeverSampledOut random;
    return evaluate(nameOf(row["header_from"].as<std::string>()), auth, {}, settings,
                    EvaluationContext{resolver, random, &psl()});
}

std::vector<DkimInput> dkimInputs(const YAML::Node& row) {
    std::vector<DkimInput> inputs;
    for (const auto& d : row["dkim"]) {
        inputs.push_back({dkimResultOf(d["result"].as<std::string>()),
                          nameOf(d["domain"].as<std::string>()),
                          d["selector"] ? d["selector"].as<std::string>() : "", "", "", ""});
    }
    return inputs;
}

// The best alignment among aligned passes, in the file's words.
std::string dkimAlignmentWord(const Verdict& verdict) {
    std::string best = "none";
    for (const auto& d : verdict.dkim) {
        if (d.result != DkimResult::Pass) continue;
        if (d.alignment.alignment == Alignment::Strict) return "strict";
        if (d.alignment.alignment == Alignment::Relaxed) best = "relaxed";
    }
    return best;
}

std::string spfAlignmentWord(const Verdict& verdict) {
    return verdict.spfAligned() ? std::string(toString(verdict.spf.alignment.alignment)) : "none";
}

// One SMTP transaction has one SPF input; a row may list a MAIL FROM and a HELO result, or
// (as a unit test of the aligner) two MAIL FROM results. Each SPF entry is evaluated on
// its own; the row's verdict is the first with an aligned SPF pass, else the first MAIL FROM
// one, else the first.
struct RowRuns {
    std::vector<Verdict> verdicts;
    const Verdict* primary = nullptr;
};

RowRuns runRow(const YAML::Node& row, DmarcMode mode, bool hardReject) {
    RowRuns runs;
    std::vector<bool> mailFrom;
    AuthInputs auth;
    auth.dkim = dkimInputs(row);
    if (!row["spf"] || row["spf"].size() == 0) {
        runs.verdicts.push_back(evaluateWith(row, auth, mode, hardReject));
        mailFrom.push_back(false);
    }
    for (const auto& s : row["spf"]) {
        auth.spf = {spfResultOf(s["result"].as<std::string>()),
                    nameOf(s["domain"].as<std::string>()), scopeOf(s["scope"].as<std::string>())};
        runs.verdicts.push_back(evaluateWith(row, auth, mode, hardReject));
        mailFrom.push_back(auth.spf.scope == SpfScope::MailFrom);
    }
    for (const auto& v : runs.verdicts) {
        if (v.spfAligned()) {
            runs.primary = &v;
            return runs;
        }
    }
    for (std::size_t i = 0; i < runs.verdicts.size(); ++i) {
        if (mailFrom[i]) {
            runs.primary = &runs.verdicts[i];
            return runs;
        }
    }
    runs.primary = &runs.verdicts.front();
    return runs;
}

YAML::Node loadCases() {
    return YAML::Load(dmarc::test::readFile(dmarc::test::conformanceFile(kFile)));
}

}  // namespace

TEST_CASE("dmarc-eval-cases.yml: evaluation") {
    const YAML::Node cases = loadCases()["evaluation"];
    REQUIRE(cases.IsSequence());
    const std::set<std::string> knownKeys{"result", "disposition", "spf_aligned_result",
                                          "spf_alignment", "dkim_alignment"};
    std::size_t ran9989 = 0;
    std::size_t ran7489 = 0;
    for (const auto& row : cases) {
        const auto id = row["id"].as<std::string>();
        for (const auto mode : modesFor(row["spec"].as<std::string>())) {
            INFO(id << " [" << modeName(mode) << "]");
            const RowRuns runs = runRow(row, mode, true);
            const Verdict& v = *runs.primary;
            INFO(v.explanation);
            for (const auto& expectation : row["expect"]) {
                const auto key = expectation.first.as<std::string>();
                const auto theirs = expectation.second.as<std::string>();
                CHECK(knownKeys.count(key) == 1);
                std::string ours;
                if (key == "result") ours = toString(v.result);
                if (key == "disposition") ours = toString(v.applied);
                if (key == "spf_aligned_result") ours = v.spfAligned() ? "pass" : "fail";
                if (key == "spf_alignment") ours = spfAlignmentWord(v);
                if (key == "dkim_alignment") ours = dkimAlignmentWord(v);
                expectValue(id, mode, key, ours, theirs);
            }
            // Helo-only and second MAIL FROM runs never pass SPF alignment on their own.
            for (const auto& other : runs.verdicts) {
                if (other.spf.scope == SpfScope::Helo) CHECK_FALSE(other.spfAligned());
            }
            if (id == "both-unaligned-reject") {
                // Our default: p=reject failures are quarantined (RFC 9989 §7.4).
                const RowRuns byDefault = runRow(row, mode, false);
                CHECK(byDefault.primary->result == DmarcResult::Fail);
                CHECK(byDefault.primary->requested == Disposition::Reject);
                CHECK(byDefault.primary->applied == Disposition::Quarantine);
                CHECK(byDefault.primary->overrideReason() == OverrideReason::LocalPolicy);
            }
            (mode == DmarcMode::Rfc9989 ? ran9989 : ran7489) += 1;
        }
    }
    dmarc::test::reportCases(kFile, "evaluation, rfc9989 mode", ran9989, kEvaluation9989);
    dmarc::test::reportCases(kFile, "evaluation, rfc7489 mode", ran7489, kEvaluation7489);
}

// Alignment rows carry no DNS: the author's registrable domain (by the pinned PSL) is given
// a p=none record (with the row's aspf), as a domain owner evaluating alignment would have,
// and the author domain exists. Under RFC 9989 without any record every name would be its
// own organizational domain, which is not what these rows are about.
TEST_CASE("dmarc-eval-cases.yml: alignment") {
    const YAML::Node cases = loadCases()["alignment"];
    REQUIRE(cases.IsSequence());
    std::size_t ran9989 = 0;
    std::size_t ran7489 = 0;
    for (const auto& row : cases) {
        const auto id = row["id"].as<std::string>();
        const auto author = nameOf(row["header_from"].as<std::string>());
        for (const auto mode : modesFor(row["spec"].as<std::string>())) {
            INFO(id << " [" << modeName(mode) << "]");
            TableResolver resolver;
            std::string record = "v=DMARC1; p=none";
            if (row["aspf"]) record += "; aspf=" + row["aspf"].as<std::string>();
            resolver.addTxt("_dmarc." + psl().organizationalDomain(author).str(), record);
            resolver.addName(author.str());

            AuthInputs auth;
            if (row["spf_mfrom_domain"]) {
                auth.spf = {SpfResult::Pass, nameOf(row["spf_mfrom_domain"].as<std::string>()),
                            SpfScope::MailFrom};
            }
            for (const auto& d : row["dkim_pass_domains"]) {
                auth.dkim.push_back({DkimResult::Pass, nameOf(d.as<std::string>()), "s", "", "", ""});
            }
            for (const auto& d : row["dkim_fail_domains"]) {
                auth.dkim.push_back({DkimResult::Fail, nameOf(d.as<std::string>()), "s", "", "", ""});
            }
            LocalPolicy settings;
            settings.mode = mode;
            NeverSampledOut random;
            const Verdict v = evaluate(author, auth, {}, settings,
                                       EvaluationContext{resolver, random, &psl()});
            INFO(v.explanation);
            REQUIRE(v.usable);
            const bool isSpfRow = static_cast<bool>(row["spf_mfrom_domain"]);
            const std::string word = isSpfRow ? spfAlignmentWord(v) : dkimAlignmentWord(v);
            const auto theirs = row["expect"].as<std::string>();
            std::string ours = word == "none" ? "not-aligned" : word;
            if (theirs == "aligned" && (ours == "strict" || ours == "relaxed")) ours = "aligned";
            expectValue(id, mode, "expect", ours, theirs);
            (mode == DmarcMode::Rfc9989 ? ran9989 : ran7489) += 1;
        }
    }
    dmarc::test::reportCases(kFile, "alignment, rfc9989 mode", ran9989, kAlignmentPerMode);
    dmarc::test::reportCases(kFile, "alignment, rfc7489 mode", ran7489, kAlignmentPerMode);
}

// Reporting rows: discover the policy for the domain of the _dmarc record, then check its
// rua destinations against the policy domain's organizational domain.
TEST_CASE("dmarc-eval-cases.yml: reporting") {
    const YAML::Node cases = loadCases()["reporting"];
    REQUIRE(cases.IsSequence());
    std::size_t ran9989 = 0;
    std::size_t ran7489 = 0;
    for (const auto& row : cases) {
        const auto id = row["id"].as<std::string>();
        for (const auto mode : modesFor(row["spec"].as<std::string>())) {
            INFO(id << " [" << modeName(mode) << "]");
            TableResolver resolver;
            loadDns(resolver, row);
            const auto discovery = discoverPolicy(nameOf("example.com"), resolver, mode, &psl());
            REQUIRE(discovery.outcome == DiscoveryOutcome::Found);
            REQUIRE(discovery.policy);
            REQUIRE(discovery.orgDomain);
            const auto destinations =
                checkReportDestinations(discovery.policy->domain, *discovery.orgDomain,
                                        discovery.policy->record.rua, resolver);
            std::vector<std::string> kept;
            for (const auto& d : destinations) {
                INFO(d.uri << ": " << toString(d.status) << ", " << d.why);
                if (d.kept()) kept.push_back(d.uri);
            }
            for (const auto& expectation : row["expect"]) {
                const auto key = expectation.first.as<std::string>();
                if (key == "note") continue;
                CHECK(key == "rua_kept");
                const auto& value = expectation.second;
                const std::string theirs = value.IsNull() ? "" : value.as<std::string>();
                const std::string ours = kept.empty() ? "" : kept.front();
                CHECK(kept.size() <= 1);
                expectValue(id, mode, key, ours, theirs);
            }
            (mode == DmarcMode::Rfc9989 ? ran9989 : ran7489) += 1;
        }
    }
    dmarc::test::reportCases(kFile, "reporting, rfc9989 mode", ran9989, kReportingPerMode);
    dmarc::test::reportCases(kFile, "reporting, rfc7489 mode", ran7489, kReportingPerMode);
}

TEST_CASE("dmarc-eval-cases.yml: known differences name real rows") {
    const YAML::Node root = loadCases();
    for (const auto& d : kKnownDifferences) {
        bool found = false;
        for (const auto& section : {"evaluation", "alignment", "reporting"}) {
            for (const auto& row : root[section]) found |= row["id"].as<std::string>() == d.id;
        }
        INFO(d.id);
        CHECK(found);
    }
}
