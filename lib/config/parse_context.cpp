// The real ParseContext (see parse_context.h): the host name from gethostname(), files
// read whole with a size cap. Thread-safe: no shared state.
#include "parse_context.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <limits.h>
#include <sys/stat.h>

namespace dmarc::config {
namespace {

core::Result<std::string, std::string> readWholeFile(const std::string& path) {
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0) return core::fail(std::string(std::strerror(errno)));
    if (!S_ISREG(info.st_mode)) return core::fail(std::string("not a regular file"));
    if (static_cast<std::size_t>(info.st_size) > kMaxFileSize) {
        return core::fail("larger than " + std::to_string(kMaxFileSize >> 20) + " MiB");
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) return core::fail(std::string(std::strerror(errno)));
    std::string text;
    text.resize(static_cast<std::size_t>(info.st_size));
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    if (in.bad()) return core::fail(std::string("read error"));
    text.resize(static_cast<std::size_t>(in.gcount()));
    return text;
}

std::string hostName() {
    char name[HOST_NAME_MAX + 1] = {};
    if (::gethostname(name, sizeof name) != 0) return "";
    name[HOST_NAME_MAX] = '\0';
    return name;
}

}  // namespace

ParseContext systemParseContext() {
    ParseContext context;
    context.hostName = hostName();
    context.readFile = [](const std::string& path) -> core::Result<std::string, std::string> {
        try {
            return readWholeFile(path);
        } catch (const std::exception& error) {
            return core::fail(std::string(error.what()));
        }
    };
    return context;
}

}  // namespace dmarc::config
