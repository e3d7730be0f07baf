// Which DMARC specification the engine follows. RFC 9989 (the default) discovers policy
// and organizational domains with the DNS tree walk; RFC 7489 mode uses a public suffix
// list and honours pct=. Chosen by configuration, passed down as a plain value.
#pragma once

namespace dmarc::core {

enum class DmarcMode { Rfc9989, Rfc7489 };

}  // namespace dmarc::core
