// PslOrgDomain: RFC 7489 §3.2 organizational domains from a public suffix list, through
// libpsl. The organizational domain is the registrable domain (one label below the
// longest matching public suffix); a name that is itself a public suffix is its own
// organizational domain, so identical domains always align. Built by factories that
// return a Result (no exceptions). Copies share one read-only list: thread-safe.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "core/org_domain.h"
#include "core/result.h"

namespace dmarc::adapters {

enum class PslError {
    NotAFile,    // the path names nothing, or not a regular file
    LoadFailed,  // libpsl could not read or parse it
    NoRules,     // it parsed, but holds no rule: surely not a public suffix list
    NoList,      // no list on the system (psl_latest found neither file nor built-in data)
};

std::string_view describe(PslError error);

class PslOrgDomain final : public core::OrgDomainFinder {
public:
    // A list file in the publicsuffix.org format (or libpsl's DAFSA form).
    static core::Result<PslOrgDomain, PslError> fromFile(const std::string& path);
    // The newest list the system has (libpsl's built-in data or the distribution's file).
    static core::Result<PslOrgDomain, PslError> systemLatest();

    core::DomainName organizationalDomain(const core::DomainName& name) const override;
    // The registrable domain, or nullopt when `name` is a public suffix (or above one).
    std::optional<core::DomainName> registrableDomain(const core::DomainName& name) const;

private:
    struct List;  // owns the libpsl context
    explicit PslOrgDomain(std::shared_ptr<const List> list) : list_(std::move(list)) {}
    std::shared_ptr<const List> list_;
};

}  // namespace dmarc::adapters
