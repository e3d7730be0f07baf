// Names of log levels and syslog facilities, looked up in the tables of log_options.h so
// the configuration words and these names cannot drift apart. Pure; thread-safe.
#include "log_options.h"

namespace dmarc::log {
namespace {

template <typename Enum, std::size_t N>
std::string_view nameOf(const std::array<std::pair<std::string_view, Enum>, N>& names, Enum value) {
    for (const auto& [name, entry] : names) {
        if (entry == value) return name;
    }
    return "unknown";
}

}  // namespace

std::string_view toString(LogLevel level) { return nameOf(kLogLevelNames, level); }
std::string_view toString(SyslogFacility facility) { return nameOf(kSyslogFacilityNames, facility); }

}  // namespace dmarc::log
