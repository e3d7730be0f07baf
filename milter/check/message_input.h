// Reads the message dmarc-check is asked about: a file, or standard input for "-". Refuses
// more than kMaxMessageSize octets (far above any MTA's message_size_limit), so a wrong
// path such as a device cannot fill memory. Blocking; call from one thread.
#pragma once

#include <cstddef>
#include <string>

#include "core/result.h"

namespace dmarc::check {

inline constexpr std::size_t kMaxMessageSize = 256u << 20;

// The whole message, or why it could not be read ("cannot read x.eml: No such file or
// directory").
core::Result<std::string, std::string> readMessage(const std::string& path);

}  // namespace dmarc::check
