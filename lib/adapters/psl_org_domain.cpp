// libpsl behind core::OrgDomainFinder (see psl_org_domain.h). libpsl's context is
// read-only once loaded, so one context serves every thread; it is freed with the last
// copy of the PslOrgDomain that loaded it.
#include "psl_org_domain.h"

#include <libpsl.h>

#include <algorithm>
#include <filesystem>
#include <system_error>

namespace dmarc::adapters {

struct PslOrgDomain::List {
    explicit List(psl_ctx_t* loaded) : context(loaded) {}
    ~List() { psl_free(context); }
    List(const List&) = delete;
    List& operator=(const List&) = delete;
    psl_ctx_t* context;
};

std::string_view describe(PslError error) {
    switch (error) {
        case PslError::NotAFile: return "not a regular file";
        case PslError::LoadFailed: return "libpsl could not load it";
        case PslError::NoRules: return "no public suffix rule in it";
        case PslError::NoList: return "no public suffix list on this system";
    }
    return "unknown public suffix list error";
}

core::Result<PslOrgDomain, PslError> PslOrgDomain::fromFile(const std::string& path) {
    // libpsl would happily "load" a directory as an empty list.
    std::error_code error;
    if (!std::filesystem::is_regular_file(path, error)) return core::fail(PslError::NotAFile);
    psl_ctx_t* context = psl_load_file(path.c_str());
    if (!context) return core::fail(PslError::LoadFailed);
    auto list = std::make_shared<const List>(context);
    // With no rule, every name's registrable domain would be its last two labels: a wrong
    // file must not pass for a list. (A DAFSA file cannot count its rules: -1.)
    if (psl_suffix_count(context) == 0) return core::fail(PslError::NoRules);
    return PslOrgDomain(std::move(list));
}

core::Result<PslOrgDomain, PslError> PslOrgDomain::systemLatest() {
    psl_ctx_t* context = psl_latest(nullptr);
    if (!context) return core::fail(PslError::NoList);
    return PslOrgDomain(std::make_shared<const List>(context));
}

std::optional<core::DomainName> PslOrgDomain::registrableDomain(
    const core::DomainName& name) const {
    if (!list_) return std::nullopt;  // a moved-from finder knows no suffix
    const std::string& text = name.str();
    const char* registrable = psl_registrable_domain(list_->context, text.c_str());
    if (!registrable) return std::nullopt;
    // libpsl points into its argument: the registrable domain is a suffix of `name`, so
    // counting its labels is enough.
    const std::string_view suffix(registrable);
    const std::size_t labels =
        static_cast<std::size_t>(std::count(suffix.begin(), suffix.end(), '.')) + 1;
    return name.rightmostLabels(labels);
}

core::DomainName PslOrgDomain::organizationalDomain(const core::DomainName& name) const {
    return registrableDomain(name).value_or(name);
}

}  // namespace dmarc::adapters
