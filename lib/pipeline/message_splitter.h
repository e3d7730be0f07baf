// Splits an RFC 5322 message file into what an MTA hands a milter: header fields, each
// value exactly as libmilter delivers it with SMFIP_HDR_LEADSPC (everything after the colon,
// leading space included, folds joined by a bare LF), and the body with CRLF line ends in
// chunks no larger than libmilter's. Input may use LF or CRLF line ends. Used by dmarc-check
// (and the Session tests) to feed pipeline::Session the way dmarc-milter is fed. Pure;
// thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace dmarc::pipeline {

struct HeaderField {
    std::string name;
    std::string value;  // after the colon, leading whitespace kept, folds as "\n" + continuation
    friend bool operator==(const HeaderField&, const HeaderField&) = default;
};

struct SplitMessage {
    std::vector<HeaderField> headers;
    // Everything after the blank line that ends the header section, every line ending in
    // CRLF (an unterminated last line gets one, as SMTP would have carried it).
    std::string body;
};

// The header section ends at the first empty line, or at the first line that is neither a
// field ("name:" with a name of printable ASCII other than ':', or the obsolete "name :"
// whose SP/HTAB before the colon Postfix drops from the name) nor the continuation of one;
// such a line is the body's first line (as Postfix treats it). A leading mbox "From " line
// is dropped. A message without an empty line is all header.
SplitMessage splitMessage(std::string_view message);

// libmilter's MILTER_CHUNK_SIZE: the most body octets one xxfi_body call receives.
inline constexpr std::size_t kBodyChunkSize = 65535;

// `body` cut into consecutive pieces of at most `chunkSize` octets (none for an empty body).
std::vector<std::string_view> bodyChunks(std::string_view body, std::size_t chunkSize = kBodyChunkSize);

}  // namespace dmarc::pipeline
