// OpendkimVerifier and OpendkimMessage: the libopendkim library handle and its settings,
// feeding one message's header and body to libopendkim, the prescreen that picks the
// signatures to check and starts their key lookups, and the per-field result list.
#include "adapters/opendkim_verifier.h"

#include <algorithm>
#include <cctype>
#include <cstdint>

#include "adapters/opendkim_internal.h"

namespace dmarc::adapters {
namespace opendkim {
namespace {

constexpr std::string_view signatureFieldName = "DKIM-Signature";

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

std::string_view trimmed(std::string_view text) {
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    return text;
}

// "name:value" with every line end as CRLF (libmilter folds with bare LF).
std::string fieldText(std::string_view name, std::string_view value) {
    std::string text;
    text.reserve(name.size() + value.size() + 8);
    text.append(name);
    text += ':';
    char previous = ':';
    for (const char c : value) {
        if (c == '\n' && previous != '\r') text += '\r';
        text += c;
        previous = c;
    }
    return text;
}

std::string withoutTrailingDot(std::string_view domain) {
    if (!domain.empty() && domain.back() == '.') domain.remove_suffix(1);
    return lowerCase(domain);
}

// d= and the author domain are the same, or one is a parent of the other.
bool relatedToAuthor(std::string_view signer, std::string_view author) {
    if (author.empty()) return false;
    const std::string d = withoutTrailingDot(signer);
    const std::string a = withoutTrailingDot(author);
    if (d.empty()) return false;
    const auto below = [](const std::string& child, const std::string& parent) {
        return child.size() > parent.size() && child.ends_with(parent) && child[child.size() - parent.size() - 1] == '.';
    };
    return d == a || below(d, a) || below(a, d);
}

// Lower ranks are checked first: aligned before unaligned, acceptable algorithms before
// rsa-sha1 (which can never pass).
int rank(const SignatureField& field, std::string_view author) {
    const bool aligned = relatedToAuthor(field.tags.domain, author);
    const bool sha1 = equalsIgnoreCase(field.tags.algorithm, "rsa-sha1");
    return (aligned ? 0 : 2) + (sha1 ? 1 : 0);
}

DKIM_CBSTAT prescreenOf(MessageState& message, DKIM_SIGINFO** sigs, int count) {
    std::vector<std::pair<SignatureField*, DKIM_SIGINFO*>> fed;
    for (SignatureField& field : message.fields) {
        if (field.fed) fed.emplace_back(&field, nullptr);
    }
    if (count < 0 || static_cast<std::size_t>(count) != fed.size()) {
        message.failure = "libopendkim saw " + std::to_string(count) + " signatures, we fed " +
                          std::to_string(fed.size());
        for (int i = 0; i < count; ++i) dkim_sig_ignore(sigs[i]);
        return DKIM_CBSTAT_CONTINUE;
    }
    // Fields we refused are fed only to keep the header as it was: never checked. The
    // candidates are the others that libopendkim would fetch a key for (no error yet).
    std::vector<std::pair<SignatureField*, DKIM_SIGINFO*>> candidates;
    for (std::size_t i = 0; i < fed.size(); ++i) {
        fed[i].second = sigs[i];
        if (!fed[i].first->tags.usable) {
            dkim_sig_ignore(sigs[i]);
        } else if (dkim_sig_geterror(sigs[i]) == DKIM_SIGERROR_UNKNOWN) {
            candidates.push_back(fed[i]);
        }
    }
    std::stable_sort(candidates.begin(), candidates.end(), [&](const auto& x, const auto& y) {
        return rank(*x.first, message.authorDomain) < rank(*y.first, message.authorDomain);
    });
    const std::size_t limit = message.library->options.maxSignatures;
    for (std::size_t i = 0; i < candidates.size(); ++i) {
        auto [field, sig] = candidates[i];
        if (i >= limit) {
            field->notChecked = "not checked: over the limit of " + std::to_string(limit) + " signatures";
            dkim_sig_ignore(sig);
            continue;
        }
        const auto* selector = reinterpret_cast<const char*>(dkim_sig_getselector(sig));
        const auto* domain = reinterpret_cast<const char*>(dkim_sig_getdomain(sig));
        if (selector != nullptr && domain != nullptr) {
            message.library->dns.prefetch(keyName(selector, domain), RrType::Txt);
        }
    }
    return DKIM_CBSTAT_CONTINUE;
}

DKIM_CBSTAT prescreen(DKIM* dkim, DKIM_SIGINFO** sigs, int count) noexcept {
    auto* message = static_cast<MessageState*>(dkim_get_user_context(dkim));
    if (message == nullptr || (sigs == nullptr && count > 0)) return DKIM_CBSTAT_ERROR;
    try {
        return prescreenOf(*message, sigs, count);
    } catch (...) {
        return DKIM_CBSTAT_ERROR;
    }
}

// For log lines, which the sink already tags with the library's name.
std::string statusText(DKIM_STAT status, DKIM* handle) {
    std::string text;
    const char* word = dkim_getresultstr(status);
    text += word != nullptr ? word : "status " + std::to_string(status);
    const char* detail = handle != nullptr ? dkim_geterror(handle) : nullptr;
    if (detail != nullptr && *detail != '\0') {
        text += ": ";
        text += detail;
    }
    return text;
}

void feedHeader(MessageState& message, std::string_view name, std::string_view value) {
    if (!message.overLimit.empty()) return;
    ++message.headerFields;
    message.headerBytes += name.size() + value.size() + 3;
    if (message.headerFields > maxHeaderFields) {
        message.overLimit = "not checked: more than " + std::to_string(maxHeaderFields) + " header fields";
        return;
    }
    if (message.headerBytes > maxHeaderBytes) {
        message.overLimit = "not checked: header over " + std::to_string(maxHeaderBytes / 1024) + " KiB";
        return;
    }
    if (equalsIgnoreCase(trimmed(name), signatureFieldName)) {
        if (message.fields.size() == maxSignatureFields) {
            ++message.droppedFields;
            return;  // neither reported nor given to libopendkim
        }
        SignatureField field;
        field.tags = readSignatureTags(value);
        field.fed = field.tags.usable || field.tags.refusal == DkimResult::PermError;
        message.fields.push_back(std::move(field));
        if (!message.fields.back().fed) return;  // over our h= limit: libopendkim never sees it
        ++message.fedFields;
    }
    if (message.handle == nullptr) return;
    std::string text = fieldText(name, value);
    const DKIM_STAT status = dkim_header(message.handle, reinterpret_cast<unsigned char*>(text.data()), text.size());
    if (status != DKIM_STAT_OK && !message.loggedHeaderError && !equalsIgnoreCase(trimmed(name), signatureFieldName)) {
        message.loggedHeaderError = true;  // once per message: a hostile header must not flood the log
        message.log(statusText(status, message.handle) + " (header field skipped)");
    }
}

void endHeaders(MessageState& message, std::string_view authorDomain) {
    message.stage = MessageState::Stage::Body;
    message.authorDomain = std::string(authorDomain.substr(0, 255));
    message.deadline = std::chrono::steady_clock::now() + message.library->options.keyLookupTimeout;
    if (message.handle == nullptr || !message.overLimit.empty() || message.fedFields == 0) return;
    const CurrentMessage current(message);
    const DKIM_STAT status = dkim_eoh(message.handle);
    if (status == DKIM_STAT_OK) {
        message.verifying = true;
    } else if (status != DKIM_STAT_NOSIG) {
        const std::string text = statusText(status, message.handle);
        message.failure = "libopendkim: " + text;  // the reason every signature gets
        message.log(text);
    }
}

void finish(MessageState& message) {
    message.stage = MessageState::Stage::Done;
    if (message.verifying) {
        const CurrentMessage current(message);
        const DKIM_STAT status = dkim_eom(message.handle, nullptr);
        if (status != DKIM_STAT_OK && status != DKIM_STAT_NOSIG) message.log(statusText(status, message.handle));
    }
    DKIM_SIGINFO** sigs = nullptr;
    int count = 0;
    const bool haveList = message.handle != nullptr && message.overLimit.empty() && message.fedFields > 0 &&
                          message.failure.empty() &&
                          dkim_getsiglist(message.handle, &sigs, &count) == DKIM_STAT_OK &&
                          count >= 0 && static_cast<std::size_t>(count) == message.fedFields;
    std::size_t fedIndex = 0;
    for (const SignatureField& field : message.fields) {
        DkimSignatureResult result;
        result.domain = field.tags.domain;
        result.selector = field.tags.selector;
        result.algorithm = field.tags.algorithm;
        result.identity = field.tags.identity;
        result.signaturePrefix = field.tags.signaturePrefix;
        DKIM_SIGINFO* sig = field.fed && haveList ? sigs[fedIndex] : nullptr;
        if (field.fed) ++fedIndex;
        if (!message.overLimit.empty()) {
            result.result = DkimResult::Neutral;
            result.reason = message.overLimit;
        } else if (!field.tags.usable) {
            result.result = field.tags.refusal;
            result.reason = field.tags.reason;
        } else if (!field.notChecked.empty()) {
            result.result = DkimResult::Neutral;
            result.reason = field.notChecked;
        } else if (sig == nullptr) {
            result.result = DkimResult::TempError;
            result.reason = "not verified: " + (message.failure.empty() ? std::string("libopendkim error") : message.failure);
        } else {
            result = resultOf(sig, message, std::move(result));
            const char* ssl = dkim_sig_getsslbuf(sig);
            if (ssl != nullptr && *ssl != '\0') message.log("d=" + result.domain + " s=" + result.selector + ": " + ssl);
        }
        message.results.push_back(std::move(result));
    }
    if (message.droppedFields > 0) {
        message.log(std::to_string(message.droppedFields) + " DKIM-Signature fields beyond " +
                    std::to_string(maxSignatureFields) + " ignored");
    }
}

}  // namespace

Library::Library(DKIM_LIB* handle, DnsLookup& lookup, OpendkimOptions settings)
    : lib(handle), dns(lookup), options(std::move(settings)) {}

Library::~Library() { dkim_close(lib); }

void Library::log(std::string_view id, std::string_view text) const {
    if (!options.log) return;
    try {
        std::string line = "dkim";
        if (!id.empty()) {
            line += ' ';
            line += id;
        }
        line += ": ";
        line += text;
        options.log(line);
    } catch (...) {
        // A failing sink must not take the verification with it.
    }
}

MessageState::~MessageState() {
    if (handle != nullptr) dkim_free(handle);
}

std::string keyName(std::string_view selector, std::string_view domain) {
    std::string name(selector);
    name += "._domainkey.";
    name += domain;
    return name;
}

std::string lowerCase(std::string_view text) {
    std::string out(text);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

}  // namespace opendkim

using opendkim::MessageState;

OpendkimMessage::OpendkimMessage(std::unique_ptr<MessageState> state) : state_(std::move(state)) {}
OpendkimMessage::~OpendkimMessage() = default;

void OpendkimMessage::header(std::string_view name, std::string_view value) {
    if (state_->stage != MessageState::Stage::Headers) return;
    try {
        opendkim::feedHeader(*state_, name, value);
    } catch (...) {  // std::bad_alloc: the checks still run on what was fed
        state_->log("out of memory reading a header field");
    }
}

void OpendkimMessage::endOfHeaders(std::string_view authorDomain) {
    if (state_->stage != MessageState::Stage::Headers) return;
    try {
        opendkim::endHeaders(*state_, authorDomain);
    } catch (...) {
        state_->failure = "out of memory at the end of the header";
        state_->verifying = false;
    }
}

void OpendkimMessage::body(std::string_view chunk) {
    if (state_->stage == MessageState::Stage::Headers) endOfHeaders();
    if (state_->stage != MessageState::Stage::Body || !state_->verifying || chunk.empty()) return;
    // dkim_body does not write to the buffer; its prototype just lacks the const.
    auto* bytes = reinterpret_cast<unsigned char*>(const_cast<char*>(chunk.data()));
    const DKIM_STAT status = dkim_body(state_->handle, bytes, chunk.size());
    if (status != DKIM_STAT_OK) {
        state_->log(opendkim::statusText(status, state_->handle));
        state_->verifying = false;
        state_->failure = "body not read";
    }
}

std::vector<DkimSignatureResult> OpendkimMessage::endOfMessage() {
    if (state_->stage == MessageState::Stage::Headers) endOfHeaders();
    if (state_->stage == MessageState::Stage::Body) {
        try {
            opendkim::finish(*state_);
        } catch (...) {
            state_->results.clear();
            state_->log("out of memory at the end of the message");
        }
    }
    try {
        return state_->results;
    } catch (...) {
        return {};
    }
}

OpendkimVerifier::OpendkimVerifier(std::shared_ptr<opendkim::Library> library) : library_(std::move(library)) {}
OpendkimVerifier::~OpendkimVerifier() = default;

core::Result<std::unique_ptr<OpendkimVerifier>, std::string> OpendkimVerifier::create(DnsLookup& dns,
                                                                                      OpendkimOptions options) {
    using core::fail;
    if (options.maxSignatures < 1 || options.maxSignatures > opendkim::maxCheckedSignatures) {
        return fail("maxSignatures must be 1 to " + std::to_string(opendkim::maxCheckedSignatures));
    }
    if (options.keyLookupTimeout.count() < 1) return fail(std::string("keyLookupTimeout must be positive"));
    try {
        DKIM_LIB* lib = dkim_init(nullptr, nullptr);
        if (lib == nullptr) return fail(std::string("dkim_init failed"));
        auto library = std::make_shared<opendkim::Library>(lib, dns, std::move(options));
        if (!dkim_libfeature(lib, DKIM_FEATURE_ED25519)) return fail(std::string("libopendkim lacks Ed25519"));
        // BADSIGHANDLES: a field libopendkim cannot parse still gets a siginfo, so siginfo n
        // is always the n-th field we fed. DELAYSIGPROC: no check inside dkim_eoh; they run
        // in dkim_eom after every key lookup was started. No ACCEPTV05, no VERIFYONE.
        std::uint32_t flags = DKIM_LIBFLAGS_BADSIGHANDLES | DKIM_LIBFLAGS_DELAYSIGPROC;
        // Key size is judged by us (RFC 8301), after the signature verified or not.
        unsigned int minKeyBits = 0;
        // libopendkim's own wait, in whole seconds, bounds a lookup beyond our deadline.
        const auto seconds = std::chrono::ceil<std::chrono::seconds>(library->options.keyLookupTimeout).count();
        unsigned int timeout = static_cast<unsigned int>(std::clamp<std::int64_t>(seconds, 1, 3600));
        if (dkim_options(lib, DKIM_OP_SETOPT, DKIM_OPTS_FLAGS, &flags, sizeof flags) != DKIM_STAT_OK ||
            dkim_options(lib, DKIM_OP_SETOPT, DKIM_OPTS_MINKEYBITS, &minKeyBits, sizeof minKeyBits) != DKIM_STAT_OK ||
            dkim_options(lib, DKIM_OP_SETOPT, DKIM_OPTS_TIMEOUT, &timeout, sizeof timeout) != DKIM_STAT_OK ||
            dkim_set_prescreen(lib, opendkim::prescreen) != DKIM_STAT_OK) {
            return fail(std::string("libopendkim refused its options"));
        }
        opendkim::installDnsHooks(*library);
        return std::unique_ptr<OpendkimVerifier>(new OpendkimVerifier(std::move(library)));
    } catch (...) {
        return fail(std::string("out of memory setting up libopendkim"));
    }
}

std::unique_ptr<OpendkimMessage> OpendkimVerifier::startMessage(std::string_view id) const {
    try {
        auto state = std::make_unique<MessageState>();
        state->library = library_;
        state->id = std::string(id.substr(0, 64));
        DKIM_STAT status = DKIM_STAT_OK;
        // libopendkim keeps the id pointer: state->id lives as long as the handle.
        state->handle = dkim_verify(library_->lib, reinterpret_cast<const unsigned char*>(state->id.c_str()),
                                    nullptr, &status);
        if (state->handle == nullptr) {
            state->failure = "libopendkim could not start the message";
        } else {
            dkim_set_user_context(state->handle, state.get());
        }
        return std::unique_ptr<OpendkimMessage>(new OpendkimMessage(std::move(state)));
    } catch (...) {
        return nullptr;  // out of memory
    }
}

}  // namespace dmarc::adapters
