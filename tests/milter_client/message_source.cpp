// String, file and generated message sources: see message_source.h.
#include "milter_client/message_source.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

namespace dmarc::milterclient {

ClientResult<std::size_t> StringSource::read(char* buffer, std::size_t capacity) {
    const std::size_t count = std::min(capacity, text_.size() - pos_);
    std::memcpy(buffer, text_.data() + pos_, count);
    pos_ += count;
    return count;
}

ClientResult<FileSource> FileSource::open(const std::string& path) {
    if (path == "-") return FileSource(STDIN_FILENO, "standard input", false);
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return clientFail(ErrorKind::Source, path + ": " + std::strerror(errno));
    return FileSource(fd, path, true);
}

FileSource::FileSource(FileSource&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), path_(std::move(other.path_)), owned_(std::exchange(other.owned_, false)) {}

FileSource::~FileSource() {
    if (owned_ && fd_ >= 0) ::close(fd_);
}

ClientResult<std::size_t> FileSource::read(char* buffer, std::size_t capacity) {
    for (;;) {
        const ssize_t got = ::read(fd_, buffer, capacity);
        if (got >= 0) return static_cast<std::size_t>(got);
        if (errno != EINTR) return clientFail(ErrorKind::Source, path_ + ": " + std::strerror(errno));
    }
}

GeneratedSource::GeneratedSource(std::string headers, std::uint64_t bodyBytes, std::uint64_t seed)
    : prefix_(std::move(headers) + "\r\n"), bodyBytes_(bodyBytes), state_(seed * 0x9E3779B97F4A7C15ULL + 1) {}

char GeneratedSource::bodyByte(std::uint64_t offset) {
    const std::uint64_t column = offset % kLineLength;
    const bool lastLine = offset / kLineLength == (bodyBytes_ - 1) / kLineLength;
    const std::uint64_t lineEnd = lastLine ? (bodyBytes_ - 1) % kLineLength : kLineLength - 1;
    if (column == lineEnd) return '\n';
    if (column + 1 == lineEnd) return '\r';
    // xorshift64: cheap, deterministic, good enough to defeat compression-like shortcuts.
    state_ ^= state_ << 13;
    state_ ^= state_ >> 7;
    state_ ^= state_ << 17;
    static constexpr std::string_view kAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,";
    return kAlphabet[state_ % kAlphabet.size()];
}

ClientResult<std::size_t> GeneratedSource::read(char* buffer, std::size_t capacity) {
    std::size_t count = 0;
    while (count < capacity && prefixPos_ < prefix_.size()) buffer[count++] = prefix_[prefixPos_++];
    while (count < capacity && produced_ < bodyBytes_) buffer[count++] = bodyByte(produced_++);
    return count;
}

}  // namespace dmarc::milterclient
