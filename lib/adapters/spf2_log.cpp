// Routes libspf2's process-wide message handlers to one replaceable sink, so nothing of
// libspf2's ends up on stderr. The sink is swapped under a mutex and called outside it
// (a slow sink never blocks setSpf2LogSink). libspf2's error handler must not return:
// ours hands the message to the sink, then aborts, as libspf2's own would.
#include <cstdlib>
#include <memory>
#include <mutex>

#include "adapters/spf2_evaluator.h"
#include "adapters/spf2_internal.h"

namespace dmarc::adapters {
namespace {

std::mutex& sinkMutex() {
    static std::mutex mutex;
    return mutex;
}

std::shared_ptr<const Spf2LogSink>& sinkSlot() {
    static std::shared_ptr<const Spf2LogSink> sink;
    return sink;
}

void deliver(Spf2LogLevel level, const char* message) noexcept {
    std::shared_ptr<const Spf2LogSink> sink;
    {
        const std::lock_guard<std::mutex> lock(sinkMutex());
        sink = sinkSlot();
    }
    if (!sink || !*sink) return;
    try {
        (*sink)(level, message != nullptr ? std::string_view(message) : std::string_view());
    } catch (...) {
        // A throwing sink must not unwind through libspf2's C frames.
    }
}

// libspf2 declares its error-handler pointer noreturn. g++ accepts a [[noreturn]] function
// for it; clang wants noreturn in the pointer's type, which no C++ function declaration
// gives, hence the cast where it is installed (the two types differ only in that flag).
[[noreturn]] void onError(const char*, int, const char* message) {
    deliver(Spf2LogLevel::Error, message);
    std::abort();
}
void onWarning(const char*, int, const char* message) { deliver(Spf2LogLevel::Warning, message); }
void onInfo(const char*, int, const char* message) { deliver(Spf2LogLevel::Info, message); }
void onDebug(const char*, int, const char* message) { deliver(Spf2LogLevel::Debug, message); }

}  // namespace

void setSpf2LogSink(Spf2LogSink sink) {
    try {
        auto shared = std::make_shared<const Spf2LogSink>(std::move(sink));
        const std::lock_guard<std::mutex> lock(sinkMutex());
        sinkSlot() = std::move(shared);
    } catch (...) {
        // Out of memory: the previous sink stays.
    }
}

namespace spf2 {

void installLogHandlers() {
    static std::once_flag once;
    std::call_once(once, [] {
        SPF_error_handler = reinterpret_cast<decltype(SPF_error_handler)>(&onError);
        SPF_warning_handler = onWarning;
        SPF_info_handler = onInfo;
        SPF_debug_handler = onDebug;
    });
}

}  // namespace spf2
}  // namespace dmarc::adapters
