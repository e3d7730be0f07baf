// Streaming header/body splitter with MTA line-end conversion: see message_reader.h.
#include "milter_client/message_reader.h"

namespace dmarc::milterclient {

namespace {

constexpr std::size_t kBufferSize = 64 * 1024;

bool isBlank(char c) { return c == ' ' || c == '\t'; }

std::string_view withoutLineEnd(std::string_view line) {
    if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    return line;
}

// Length of the field name when `line` starts a header field ("NAME[ \t]*:"), else npos.
std::size_t fieldNameLength(std::string_view line) {
    std::size_t i = 0;
    while (i < line.size() && line[i] >= 0x21 && line[i] <= 0x7E && line[i] != ':') ++i;
    const std::size_t nameLength = i;
    while (i < line.size() && isBlank(line[i])) ++i;
    if (nameLength == 0 || i >= line.size() || line[i] != ':') return std::string_view::npos;
    return nameLength;
}

}  // namespace

MessageReader::MessageReader(ByteSource& source) : source_(source), buffer_(kBufferSize) {}

ClientResult<int> MessageReader::peek() {
    if (pos_ == length_) {
        if (endOfInput_) return -1;
        auto got = source_.read(buffer_.data(), buffer_.size());
        if (!got) return core::fail(got.error());
        pos_ = 0;
        length_ = *got;
        if (length_ == 0) {
            endOfInput_ = true;
            return -1;
        }
    }
    return static_cast<unsigned char>(buffer_[pos_]);
}

ClientResult<bool> MessageReader::readLine(std::string& line) {
    bool any = false;
    for (;;) {
        auto next = peek();
        if (!next) return core::fail(next.error());
        if (*next < 0) return any;
        any = true;
        // Copy up to and including the next LF in one go.
        std::size_t end = pos_;
        while (end < length_ && buffer_[end] != '\n') ++end;
        const bool sawLf = end < length_;
        if (sawLf) ++end;
        if (line.size() + (end - pos_) > kMaxHeaderField)
            return clientFail(ErrorKind::Source,
                              "header field longer than " + std::to_string(kMaxHeaderField) + " bytes");
        line.append(buffer_.data() + pos_, end - pos_);
        pos_ = end;
        if (sawLf) return true;
    }
}

ClientResult<std::optional<HeaderField>> MessageReader::nextHeader() {
    if (!inHeaders_) return std::optional<HeaderField>{};
    std::string raw;
    auto gotLine = readLine(raw);
    if (!gotLine) return core::fail(gotLine.error());
    const std::string_view line = withoutLineEnd(raw);
    if (!*gotLine || line.empty()) {
        inHeaders_ = false;
        return std::optional<HeaderField>{};
    }
    const std::size_t nameLength = fieldNameLength(line);
    if (nameLength == std::string_view::npos) {
        inHeaders_ = false;
        pendingBody_ = std::move(raw);
        return std::optional<HeaderField>{};
    }
    HeaderField field;
    field.name = std::string(line.substr(0, nameLength));
    field.value = std::string(line.substr(line.find(':', nameLength) + 1));
    for (;;) {
        auto next = peek();
        if (!next) return core::fail(next.error());
        if (*next < 0 || !isBlank(static_cast<char>(*next))) break;
        std::string continuation;
        auto gotContinuation = readLine(continuation);
        if (!gotContinuation) return core::fail(gotContinuation.error());
        const std::string_view text = withoutLineEnd(continuation);
        if (field.value.size() + text.size() + 1 > kMaxHeaderField)
            return clientFail(ErrorKind::Source,
                              "header field longer than " + std::to_string(kMaxHeaderField) + " bytes");
        field.value += '\n';
        field.value.append(text);
    }
    return std::optional<HeaderField>{std::move(field)};
}

void MessageReader::emit(char byte) {
    chunk_.push_back(byte);
    lastEmitted_ = byte;
    bodyStarted_ = true;
}

ClientResult<std::string_view> MessageReader::nextBodyChunk(std::size_t maxBytes) {
    while (inHeaders_) {
        auto skipped = nextHeader();
        if (!skipped) return core::fail(skipped.error());
    }
    chunk_.clear();
    chunk_.swap(carry_);
    while (chunk_.size() < maxBytes && !bodyFinished_) {
        char byte = 0;
        if (pendingPos_ < pendingBody_.size()) {
            byte = pendingBody_[pendingPos_++];
        } else {
            auto next = peek();
            if (!next) return core::fail(next.error());
            if (*next < 0) {
                // SMTP DATA always ends with a line end: give an unterminated last line one.
                if (bodyStarted_ && lastEmitted_ != '\n') {
                    if (!previousCr_) emit('\r');
                    emit('\n');
                }
                bodyFinished_ = true;
                break;
            }
            byte = static_cast<char>(*next);
            ++pos_;
        }
        if (byte == '\n' && !previousCr_) emit('\r');
        emit(byte);
        previousCr_ = byte == '\r';
    }
    if (chunk_.size() > maxBytes) {
        carry_.assign(chunk_, maxBytes, std::string::npos);
        chunk_.resize(maxBytes);
    }
    return std::string_view(chunk_);
}

}  // namespace dmarc::milterclient
