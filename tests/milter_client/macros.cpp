// Postfix's macro lists and the per-event macro selection: see macros.h.
#include "milter_client/macros.h"

namespace dmarc::milterclient {

namespace {

std::string_view canonical(std::string_view name) {
    if (name.size() == 3 && name.front() == '{' && name.back() == '}') return name.substr(1, 1);
    return name;
}

const Macro* lookup(const std::vector<Macro>& available, std::string_view name) {
    for (auto it = available.rbegin(); it != available.rend(); ++it) {
        if (sameMacroName(it->name, name)) return &*it;
    }
    return nullptr;
}

}  // namespace

MacroLists postfixDefaultMacroLists() {
    MacroLists lists;
    lists[static_cast<std::size_t>(wire::MacroStage::Connect)] = {"j", "{daemon_name}", "{daemon_addr}", "v", "_"};
    lists[static_cast<std::size_t>(wire::MacroStage::Helo)] = {"{tls_version}", "{cipher}", "{cipher_bits}",
                                                               "{cert_subject}", "{cert_issuer}"};
    lists[static_cast<std::size_t>(wire::MacroStage::Mail)] = {"i",           "{auth_type}", "{auth_authen}",
                                                               "{auth_author}", "{mail_addr}", "{mail_host}",
                                                               "{mail_mailer}"};
    lists[static_cast<std::size_t>(wire::MacroStage::Rcpt)] = {"i", "{rcpt_addr}", "{rcpt_host}", "{rcpt_mailer}"};
    lists[static_cast<std::size_t>(wire::MacroStage::Data)] = {"i"};
    lists[static_cast<std::size_t>(wire::MacroStage::EndOfMessage)] = {"i"};
    lists[static_cast<std::size_t>(wire::MacroStage::EndOfHeaders)] = {"i"};
    return lists;
}

std::vector<std::string> splitMacroNames(std::string_view list) {
    std::vector<std::string> names;
    std::size_t pos = 0;
    while (pos < list.size()) {
        const std::size_t start = list.find_first_not_of(" \t\r\n,", pos);
        if (start == std::string_view::npos) break;
        std::size_t end = list.find_first_of(" \t\r\n,", start);
        if (end == std::string_view::npos) end = list.size();
        names.emplace_back(list.substr(start, end - start));
        pos = end;
    }
    return names;
}

MacroLists applySymbolLists(const MacroLists& base, const wire::Negotiated& negotiated) {
    MacroLists lists = base;
    for (std::size_t stage = 0; stage < wire::kMacroStages; ++stage) {
        if (negotiated.macroLists[stage]) lists[stage] = splitMacroNames(*negotiated.macroLists[stage]);
    }
    return lists;
}

bool sameMacroName(std::string_view a, std::string_view b) { return canonical(a) == canonical(b); }

bool listsMacro(const MacroLists& lists, std::string_view name) {
    for (const std::vector<std::string>& list : lists) {
        for (const std::string& listed : list) {
            if (sameMacroName(listed, name)) return true;
        }
    }
    return false;
}

std::vector<std::pair<std::string, std::string>> selectMacros(const MacroLists& lists, wire::MacroStage stage,
                                                              const std::vector<Macro>& available) {
    std::vector<std::pair<std::string, std::string>> selected;
    for (const std::string& name : lists[static_cast<std::size_t>(stage)]) {
        if (const Macro* macro = lookup(available, name)) selected.emplace_back(name, macro->value);
    }
    return selected;
}

}  // namespace dmarc::milterclient
