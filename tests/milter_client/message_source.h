// ByteSource: where the raw RFC 5322 bytes of a message come from, read in pieces so a
// 50 MB message never has to sit in memory. StringSource serves a string, FileSource a
// file (or stdin), GeneratedSource a deterministic synthetic message of any size (for
// big-body tests and the benchmark). A source belongs to one thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "milter_client/client_error.h"

namespace dmarc::milterclient {

class ByteSource {
public:
    virtual ~ByteSource() = default;
    // Copies up to `capacity` bytes into `buffer`; 0 means end of message.
    virtual ClientResult<std::size_t> read(char* buffer, std::size_t capacity) = 0;
};

class StringSource final : public ByteSource {
public:
    explicit StringSource(std::string text) : text_(std::move(text)) {}
    ClientResult<std::size_t> read(char* buffer, std::size_t capacity) override;

private:
    std::string text_;
    std::size_t pos_ = 0;
};

class FileSource final : public ByteSource {
public:
    // "-" reads standard input (not closed on destruction).
    static ClientResult<FileSource> open(const std::string& path);
    FileSource(FileSource&& other) noexcept;
    FileSource& operator=(FileSource&&) = delete;
    FileSource(const FileSource&) = delete;
    ~FileSource() override;
    ClientResult<std::size_t> read(char* buffer, std::size_t capacity) override;

private:
    FileSource(int fd, std::string path, bool owned) : fd_(fd), path_(std::move(path)), owned_(owned) {}
    int fd_;
    std::string path_;
    bool owned_;
};

// `headers` verbatim (each line ending in CRLF), one empty line, then exactly `bodyBytes`
// bytes of body: CRLF-terminated lines of pseudo-random printable text from `seed`
// (a last short line when bodyBytes is not a multiple of the line length, 78). The same
// seed and size always give the same bytes. When bodyBytes % 78 == 1 the last line is a
// lone LF, which an MTA sends as CRLF (one byte more).
class GeneratedSource final : public ByteSource {
public:
    GeneratedSource(std::string headers, std::uint64_t bodyBytes, std::uint64_t seed);
    ClientResult<std::size_t> read(char* buffer, std::size_t capacity) override;

    static constexpr std::size_t kLineLength = 78;  // 76 characters and CRLF

private:
    char bodyByte(std::uint64_t offset);
    std::string prefix_;
    std::size_t prefixPos_ = 0;
    std::uint64_t bodyBytes_;
    std::uint64_t produced_ = 0;
    std::uint64_t state_;
};

}  // namespace dmarc::milterclient
