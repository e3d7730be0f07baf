// Words for configuration errors (see config_error.h). Pure.
#include "config_error.h"

namespace dmarc::config {

std::string_view describe(ConfigErrorKind kind) {
    switch (kind) {
        case ConfigErrorKind::CannotRead: return "cannot read";
        case ConfigErrorKind::Syntax: return "syntax error";
        case ConfigErrorKind::UnknownKey: return "unknown key";
        case ConfigErrorKind::DuplicateKey: return "duplicate key";
        case ConfigErrorKind::MissingValue: return "missing value";
        case ConfigErrorKind::BadValue: return "bad value";
        case ConfigErrorKind::Inconsistent: return "inconsistent settings";
    }
    return "configuration error";
}

std::string describe(const ConfigError& error) {
    std::string text = error.file;
    if (error.line != 0) text += ":" + std::to_string(error.line);
    text += ": ";
    if (!error.key.empty()) text += error.key + ": ";
    return text + error.detail;
}

}  // namespace dmarc::config
