// Conformance of the lenient Authentication-Results parser against public data:
// authres/ar-parse-cases.json (Python authres 1.2.0's structured parse of its doctest
// headers: RFC 5451/7001/7601 examples and extension RFCs) and
// mail-authenticationresults/ar-headers.json (real provider headers and malformed inputs
// with what Mail::AuthenticationResults asserts, plus authres as a second opinion).
// Every case where we knowingly differ is in kKnownDifferences with the reason; an entry
// that matches no case, or no longer differs, fails, so the table cannot go stale.
// Single-threaded.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "core/auth_results_parse.h"
#include "support/conformance.h"

using dmarc::core::ParsedAuthResult;
using dmarc::core::ParsedAuthResults;
using dmarc::core::parseAuthResults;
using nlohmann::json;

namespace {

constexpr std::string_view kAuthresFile = "authres/ar-parse-cases.json";
constexpr std::string_view kMailArFile = "mail-authenticationresults/ar-headers.json";

enum class Difference {
    // We keep "key=value" properties without a ptype (ptype empty); authres drops them.
    // Comparison: our properties minus the ptype-less ones must equal authres's.
    KeepsPtypelessProperties,
    // authres rejects the whole field; we read it. `ours` is what we read.
    AuthresRejects,
    // Mail::AuthenticationResults keeps entries without a result ("one=", "two") as
    // results; we skip them (not RFC 8601 resinfos) and report complete = false.
    SkipsResultlessEntries,
};

struct KnownDifference {
    std::string_view file;
    std::string_view headerContains;  // identifies the case(s)
    Difference kind;
    std::string_view reason;
    std::string_view ours;  // AuthresRejects: summarise() of our parse
};

const std::vector<KnownDifference> kKnownDifferences = {
    {kAuthresFile, "x-tls=pass version=TLSv1.2 cipher=ECDHE-RSA-CHACHA20-POLY1305", Difference::KeepsPtypelessProperties,
     "version=, cipher=, bits= have no ptype; we keep them (ptype empty) as we keep Microsoft's action=none", ""},
    {kAuthresFile, "header.d=none;thehesiod.com;", Difference::AuthresRejects,
     "a stray authserv-id between results: we skip that one resinfo and keep the rest (Outlook writes this)",
     "thehesiod.com (incomplete); dkim=none header.d=none; dmarc=none action=none header.from=hotmail.com"},
    {kAuthresFile, "policy.iprev=2001:748:100:40::2:2", Difference::AuthresRejects,
     "an unquoted IPv6 pvalue is not an RFC 2045 token, but it is unambiguous and MTAs write it; we read it",
     "mail.bmsi.com; iprev=pass policy.iprev=2001:748:100:40::2:2; spf=none smtp.mailfrom=markuslaudi@freenet.de"},
    {kMailArFile, "x-tls=pass version=TLSv1.2 cipher=ECDHE-RSA-AES128-GCM-SHA256", Difference::KeepsPtypelessProperties,
     "Fastmail's x-bits=, x-ptr-helo=, smtp_is_org_domain=, version= ... have no ptype; we keep them", ""},
    {kMailArFile, "mx.aol.com;", Difference::AuthresRejects,
     "authres rejects the trailing ';' after the last result; upstream and we accept it",
     "mx.aol.com; spf=pass smtp.mailfrom=fastmail.com; dkim=pass header.i=@fastmail.com; dmarc=pass "
     "header.from=fastmail.com"},
    {kMailArFile, "smtp.mailfrom=fastmail.com; outlook.com;", Difference::AuthresRejects,
     "Outlook repeats its authserv-id between results; upstream and we skip it and keep the rest",
     "outlook.com (incomplete); spf=pass smtp.mailfrom=fastmail.com; dkim=pass header.d=fastmail.com; dmarc=pass "
     "action=none header.from=fastmail.com"},
    {kMailArFile, "mta4011.mail.gq1.yahoo.com  from=fastmail.com;", Difference::AuthresRejects,
     "Yahoo writes non-RFC 'from=' clauses; upstream and we skip them and keep the rest",
     "mta4011.mail.gq1.yahoo.com (incomplete); domainkeys=neutral; dkim=pass"},
    {kMailArFile, "foo=bar;dkim=fail ;one=; two ;three;dmarc=pass", Difference::SkipsResultlessEntries,
     "\"one=\", \"two\", \"three\" have no result keyword; upstream keeps them with result \"\"", ""},
};

// Which table entries matched a case in this run, so that a stale entry fails.
std::vector<bool> gDifferenceUsed(kKnownDifferences.size(), false);

const KnownDifference* knownDifference(std::string_view file, std::string_view header) {
    for (std::size_t i = 0; i < kKnownDifferences.size(); ++i) {
        const auto& d = kKnownDifferences[i];
        if (d.file == file && header.find(d.headerContains) != std::string_view::npos) {
            gDifferenceUsed[i] = true;
            return &d;
        }
    }
    return nullptr;
}

void checkEveryDifferenceUsed(std::string_view file) {
    for (std::size_t i = 0; i < kKnownDifferences.size(); ++i) {
        if (kKnownDifferences[i].file != file) continue;
        INFO("known difference matches no case: " << kKnownDifferences[i].headerContains);
        CHECK(gDifferenceUsed[i]);
    }
}

std::string stringOr(const json& value, const std::string& fallback) {
    return value.is_string() ? value.get<std::string>() : fallback;
}

std::string propertyText(const dmarc::core::AuthProperty& p) {
    return (p.ptype.empty() ? "" : p.ptype + ".") + p.property + "=" + p.value;
}

// One line saying what we read (comments left out, as authres does).
std::string summarise(const ParsedAuthResults& parsed) {
    std::string out = parsed.authservId;
    if (!parsed.complete) out += " (incomplete)";
    for (const ParsedAuthResult& r : parsed.results) {
        out += "; " + r.method + (r.methodVersion.empty() ? "" : "/" + r.methodVersion) + "=" + r.result;
        if (!r.reason.empty()) out += " reason=" + r.reason;
        for (const auto& p : r.properties) out += " " + propertyText(p);
    }
    return out;
}

std::string summariseOrError(std::string_view header) {
    const auto parsed = parseAuthResults(header);
    return parsed ? summarise(*parsed) : "error: " + std::string(dmarc::core::describe(parsed.error()));
}

// Compares our parse with an authres structured parse (authserv_id, version, results with
// method, version, result, reason, properties). `ignorePtypeless` applies
// KeepsPtypelessProperties and reports whether there was anything to ignore.
void compareWithAuthres(const ParsedAuthResults& ours, const json& authres, bool ignorePtypeless,
                        bool& hadPtypeless) {
    CHECK(ours.authservId == authres.at("authserv_id").get<std::string>());
    const json& version = authres.value("version", json());
    if (version.is_null()) {
        CHECK_FALSE(ours.version.has_value());
    } else {
        REQUIRE(ours.version.has_value());
        CHECK(*ours.version == version.get<std::uint32_t>());
    }
    const json& results = authres.at("results");
    REQUIRE(ours.results.size() == results.size());
    for (std::size_t i = 0; i < results.size(); ++i) {
        const ParsedAuthResult& r = ours.results[i];
        const json& expected = results[i];
        CAPTURE(i);
        CHECK(r.method == expected.at("method").get<std::string>());
        CHECK(r.methodVersion == stringOr(expected.value("version", json()), ""));
        CHECK(r.result == expected.at("result").get<std::string>());
        CHECK(r.reason == stringOr(expected.at("reason"), ""));
        std::vector<std::string> ourProperties;
        for (const auto& p : r.properties) {
            if (p.ptype.empty()) {
                hadPtypeless = true;
                if (ignorePtypeless) continue;
            }
            ourProperties.push_back(propertyText(p));
        }
        std::vector<std::string> theirProperties;
        for (const json& p : expected.at("properties")) {
            theirProperties.push_back(p.at(0).get<std::string>() + "." + p.at(1).get<std::string>() + "=" +
                                      p.at(2).get<std::string>());
        }
        CHECK(ourProperties == theirProperties);
    }
}

// The authres comparison for one case, through the known-difference table.
void checkAgainstAuthres(std::string_view file, const std::string& header, const json& authres) {
    const KnownDifference* difference = knownDifference(file, header);
    const auto parsed = parseAuthResults(header);  // must not crash, whatever it is
    if (authres.contains("error")) {
        std::printf("authres rejects: %s\n  we read: %s\n", header.c_str(), summariseOrError(header).c_str());
        INFO("authres: " << authres.at("error").get<std::string>());
        REQUIRE(difference != nullptr);
        REQUIRE(difference->kind == Difference::AuthresRejects);
        CHECK(summariseOrError(header) == difference->ours);
        return;
    }
    REQUIRE(parsed.ok());
    CHECK(parsed->complete);
    const bool ignorePtypeless = difference != nullptr && difference->kind == Difference::KeepsPtypelessProperties;
    CHECK((difference == nullptr || ignorePtypeless));
    bool hadPtypeless = false;
    compareWithAuthres(*parsed, authres, ignorePtypeless, hadPtypeless);
    CHECK(hadPtypeless == ignorePtypeless);  // listed exactly when it applies
}

// "method=result" or "ptype.property=value" of one upstream "present" group, all in one result.
bool resultHasAll(const ParsedAuthResult& r, const json& group) {
    for (const json& item : group) {
        const auto text = item.get<std::string>();
        bool found = text == r.method + "=" + r.result;
        for (const auto& p : r.properties) found = found || text == propertyText(p);
        if (!found) return false;
    }
    return true;
}

// The "method=result" entries of upstream's as_string rendering, in order.
std::vector<std::pair<std::string, std::string>> methodResults(const std::string& asString) {
    std::vector<std::pair<std::string, std::string>> out;
    std::size_t start = asString.find(';');
    while (start != std::string::npos) {
        const auto end = asString.find(';', start + 1);
        std::string entry = asString.substr(start + 1, end == std::string::npos ? std::string::npos : end - start - 1);
        entry.erase(0, entry.find_first_not_of(" \n\t"));
        const auto eq = entry.find('=');
        std::string result = eq == std::string::npos ? "" : entry.substr(eq + 1);
        if (result == "\"\"") result.clear();
        out.emplace_back(entry.substr(0, eq), result);
        start = end;
    }
    return out;
}

void checkUpstreamExpectation(const std::string& header, const json& expect) {
    const auto parsed = parseAuthResults(header);  // must not crash, whatever it is
    if (!expect.contains("authserv_id")) {
        std::printf("upstream expects %s: %s\n  we read: %s\n", expect.dump().c_str(), header.c_str(),
                    summariseOrError(header).c_str());
    }
    if (expect.contains("parses")) {
        if (expect.at("parses").get<bool>()) {
            CHECK(parsed.ok());
        } else {
            CHECK((!parsed.ok() || !parsed->complete));
        }
    }
    if (expect.contains("authserv_id")) {
        REQUIRE(parsed.ok());
        CHECK(parsed->authservId == expect.at("authserv_id").get<std::string>());
        for (const json& group : expect.at("present")) {
            CAPTURE(group.dump());
            bool found = false;
            for (const auto& r : parsed->results) found = found || resultHasAll(r, group);
            CHECK(found);
        }
    }
    if (expect.contains("as_string")) {
        const KnownDifference* difference = knownDifference(kMailArFile, header);
        REQUIRE(difference != nullptr);
        REQUIRE(difference->kind == Difference::SkipsResultlessEntries);
        REQUIRE(parsed.ok());
        std::vector<std::pair<std::string, std::string>> expected;
        bool skippedSome = false;
        for (auto& entry : methodResults(expect.at("as_string").get<std::string>())) {
            if (entry.second.empty()) {
                skippedSome = true;
            } else {
                expected.push_back(entry);
            }
        }
        std::vector<std::pair<std::string, std::string>> ours;
        for (const auto& r : parsed->results) ours.emplace_back(r.method, r.result);
        CHECK(ours == expected);
        CHECK(skippedSome);
        CHECK_FALSE(parsed->complete);
    }
}

}  // namespace

TEST_CASE("authres 1.2.0 doctest headers parse as authres parses them") {
    const std::string file(kAuthresFile);
    const json data = json::parse(dmarc::test::readFile(dmarc::test::conformanceFile(file)));
    std::size_t ran = 0;
    for (const json& c : data.at("cases")) {
        const auto header = c.at("header").get<std::string>();
        INFO("case: " << c.value("context", "") << "\nheader: " << header);
        checkAgainstAuthres(kAuthresFile, header, c.at("authres_1.2.0"));
        ++ran;
    }
    dmarc::test::reportCases(file, "headers compared with authres 1.2.0", ran, 23);
    checkEveryDifferenceUsed(kAuthresFile);
}

TEST_CASE("Mail::AuthenticationResults headers meet upstream's expectations") {
    const std::string file(kMailArFile);
    const json data = json::parse(dmarc::test::readFile(dmarc::test::conformanceFile(file)));
    std::size_t ran = 0;
    std::size_t secondOpinions = 0;
    for (const json& c : data.at("cases")) {
        const auto header = c.at("header").get<std::string>();
        INFO("source: " << c.value("source", "") << "\nheader: " << header);
        checkUpstreamExpectation(header, c.at("upstream_expect"));
        ++ran;
        if (c.contains("authres_1.2.0_parse")) {
            checkAgainstAuthres(kMailArFile, header, c.at("authres_1.2.0_parse"));
            ++secondOpinions;
        }
    }
    dmarc::test::reportCases(file, "upstream expectations", ran, 26);
    dmarc::test::reportCases(file, "compared with authres 1.2.0", secondOpinions, 11);
    checkEveryDifferenceUsed(kMailArFile);
}
