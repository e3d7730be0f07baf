// Result words of dkim_result.h (RFC 8601 §2.7.1).
#include "adapters/dkim_result.h"

namespace dmarc::adapters {

std::string_view describe(DkimResult result) {
    switch (result) {
        case DkimResult::Pass: return "pass";
        case DkimResult::Fail: return "fail";
        case DkimResult::Neutral: return "neutral";
        case DkimResult::Policy: return "policy";
        case DkimResult::TempError: return "temperror";
        case DkimResult::PermError: return "permerror";
    }
    return "permerror";
}

}  // namespace dmarc::adapters
