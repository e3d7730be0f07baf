// ParseContext: what parsing a configuration may need from outside the text itself: this
// host's name (AuthservID HOSTNAME, the default) and a way to read the files settings
// name (the configuration file itself, IgnoreHosts, LocalPolicyFile). Tests and the fuzz
// target inject fakes; systemParseContext() is the real thing. Copyable; the system
// reader is thread-safe.
#pragma once

#include <cstddef>
#include <functional>
#include <string>

#include "core/result.h"

namespace dmarc::config {

// Larger files are refused: a configuration or data file this big is a mistake.
inline constexpr std::size_t kMaxFileSize = 16u << 20;

struct ParseContext {
    std::string hostName;
    // The whole file, or why it cannot be read ("No such file or directory").
    std::function<core::Result<std::string, std::string>(const std::string& path)> readFile;
};

// gethostname() and the file system.
ParseContext systemParseContext();

}  // namespace dmarc::config
