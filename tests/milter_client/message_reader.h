// MessageReader: splits raw RFC 5322 bytes from a ByteSource into what an MTA sends to a
// milter, streaming: header fields one at a time, then the body in chunks.
//  - A header field is a line "NAME:VALUE" where NAME is printable ASCII without ':' and
//    may be followed by spaces or tabs before the colon (dropped, as Postfix does). The
//    value is everything after the colon (leading space included: the session removes one
//    space unless SMFIP_HDR_LEADSPC was negotiated); continuation lines are joined with a
//    bare LF and keep their leading white space; CR before LF is removed.
//  - The header section ends at an empty line (consumed), at the end of the input, or at
//    the first line that is neither a field nor a continuation; that line starts the body.
//  - The body goes out with CRLF line ends (a bare LF becomes CRLF, a CRLF stays), an
//    unterminated last line gets its CRLF as SMTP DATA would, and chunks are filled to
//    the requested size (Postfix: 65535) before the next one starts.
// Memory stays bounded: one 64 KiB read buffer, one chunk, one header field (capped at
// kMaxHeaderField bytes, larger is an ErrorKind::Source error). One thread owns a reader.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "milter_client/client_error.h"
#include "milter_client/message_source.h"

namespace dmarc::milterclient {

struct HeaderField {
    std::string name;
    std::string value;

    friend bool operator==(const HeaderField&, const HeaderField&) = default;
};

class MessageReader {
public:
    static constexpr std::size_t kMaxHeaderField = 1024 * 1024;

    explicit MessageReader(ByteSource& source);

    // The next header field, or nullopt once the header section has ended.
    ClientResult<std::optional<HeaderField>> nextHeader();
    // The next body bytes, at most `maxBytes` (> 0); empty at the end of the body. Skips any
    // header fields not read yet. The view is valid until the next call.
    ClientResult<std::string_view> nextBodyChunk(std::size_t maxBytes);

private:
    // -1 at the end of the input.
    ClientResult<int> peek();
    // Appends one raw input line (its LF included, if any) to `line`; false at end of input.
    ClientResult<bool> readLine(std::string& line);
    void emit(char byte);

    ByteSource& source_;
    std::vector<char> buffer_;
    std::size_t pos_ = 0;
    std::size_t length_ = 0;
    bool endOfInput_ = false;

    bool inHeaders_ = true;
    std::string pendingBody_;  // a non-header line that starts the body, not yet converted
    std::size_t pendingPos_ = 0;

    std::string chunk_;
    std::string carry_;  // converted bytes that did not fit in the previous chunk
    bool bodyStarted_ = false;
    bool previousCr_ = false;
    char lastEmitted_ = 0;
    bool bodyFinished_ = false;
};

}  // namespace dmarc::milterclient
