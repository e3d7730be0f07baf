// SmfiActions: pipeline::MilterActions on libmilter, for one end-of-message callback: each
// action is the matching smfi_* call on that callback's context. libmilter allows these
// calls only inside xxfi_eom, so an object lives exactly as long as that call. Not shared
// between threads.
#pragma once

#include <libmilter/mfapi.h>

#include "pipeline/milter_actions.h"

namespace dmarc::milter {

class SmfiActions final : public pipeline::MilterActions {
public:
    explicit SmfiActions(SMFICTX* context) : context_(context) {}

    bool deleteHeader(std::string_view name, int index) override;
    bool insertHeader(int position, std::string_view name, std::string_view value) override;
    bool quarantine(std::string_view reason) override;
    bool setReply(const core::SmtpReply& reply) override;

private:
    SMFICTX* context_;
};

}  // namespace dmarc::milter
