// libmilter's smfi_* calls behind pipeline::MilterActions (see smfi_actions.h). libmilter
// takes char* everywhere: each argument is copied into a NUL-terminated std::string first.
#include "milter/smfi_actions.h"

#include <string>

namespace dmarc::milter {

bool SmfiActions::deleteHeader(std::string_view name, int index) {
    std::string field(name);
    // A NULL value deletes the index-th field of that name.
    return smfi_chgheader(context_, field.data(), index, nullptr) == MI_SUCCESS;
}

bool SmfiActions::insertHeader(int position, std::string_view name, std::string_view value) {
    std::string field(name);
    std::string body(value);
    return smfi_insheader(context_, position, field.data(), body.data()) == MI_SUCCESS;
}

bool SmfiActions::quarantine(std::string_view reason) {
    std::string text(reason);
    return smfi_quarantine(context_, text.data()) == MI_SUCCESS;
}

bool SmfiActions::setReply(const core::SmtpReply& reply) {
    std::string code = reply.code();
    std::string enhanced = reply.enhancedCode();
    // smfi_setreply treats the text as a printf format: textForMilter doubles every '%'.
    std::string text = reply.textForMilter();
    return smfi_setreply(context_, code.data(), enhanced.data(), text.data()) == MI_SUCCESS;
}

}  // namespace dmarc::milter
