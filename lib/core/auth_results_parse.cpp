// Lenient Authentication-Results parser (see auth_results_parse.h). A single forward pass
// over the field: a resinfo that does not parse is skipped to the next top-level ';' (outside
// quotes and comments), so every octet is looked at a bounded number of times. Comments are
// scanned with a depth counter, never recursion. Pure; thread-safe.
#include "auth_results_parse.h"

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dmarc::core {

namespace {

constexpr std::size_t kMaxVersionDigits = 9;  // fits std::uint32_t

bool isWhitespace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
bool isControl(char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7F;
}
bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isNonAscii(char c) { return static_cast<unsigned char>(c) >= 0x80; }
char asciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// Cursor over the field body. Readers that fail leave the position where the failing
// construct began, so the caller can resynchronise from there.
class Reader {
public:
    explicit Reader(std::string_view text) : text_(text) {}

    bool atEnd() const { return pos_ >= text_.size(); }
    bool at(char c) const { return !atEnd() && text_[pos_] == c; }
    bool atResinfoEnd() const { return atEnd() || at(';'); }
    bool consume(char c) {
        if (!at(c)) return false;
        ++pos_;
        return true;
    }

    // Whitespace (CR and LF included: folding) and comments; each comment's text is
    // appended to `comments` when given. False on a comment that never closes or nests
    // deeper than kArMaxCommentDepth.
    bool skipCfws(std::vector<std::string>* comments) {
        while (!atEnd()) {
            if (isWhitespace(text_[pos_])) {
                ++pos_;
            } else if (text_[pos_] == '(') {
                std::string text;
                if (!comment(text)) return false;
                if (comments != nullptr && !text.empty()) comments->push_back(std::move(text));
            } else {
                break;
            }
        }
        return true;
    }

    std::string keyword() {
        std::string out;
        while (!atEnd() && isArKeywordChar(text_[pos_])) out += asciiLower(text_[pos_++]);
        return out;
    }

    std::string digits() {
        const std::size_t start = pos_;
        while (!atEnd() && isDigit(text_[pos_])) ++pos_;
        return std::string(text_.substr(start, pos_ - start));
    }

    // RFC 2045 token, leniently with non-ASCII octets (RFC 8616 UTF-8 authserv-ids).
    std::string token() {
        const std::size_t start = pos_;
        while (!atEnd() && (isRfc2045TokenChar(text_[pos_]) || isNonAscii(text_[pos_]))) ++pos_;
        return std::string(text_.substr(start, pos_ - start));
    }

    // quoted-string at the cursor, unescaped and unfolded; nullopt if it never closes.
    std::optional<std::string> quoted() {
        const std::size_t start = pos_++;
        std::string out;
        while (!atEnd()) {
            char c = text_[pos_++];
            if (c == '"') return out;
            if (c == '\\') {
                if (atEnd()) break;
                c = text_[pos_++];
            }
            if (c != '\t' && isControl(c)) continue;  // CR/LF of a fold, or junk
            out += c;
        }
        pos_ = start;
        return std::nullopt;
    }

    // A pvalue: quoted-string, or leniently any run of visible octets up to whitespace,
    // ';', a comment or a quote (real headers carry "header.b=oF80QtY/" and unquoted IPv6).
    std::optional<std::string> pvalue() {
        if (at('"')) return quoted();
        const std::size_t start = pos_;
        while (!atEnd()) {
            const char c = text_[pos_];
            if (isWhitespace(c) || isControl(c) || std::string_view(";()\"\\").find(c) != std::string_view::npos) break;
            ++pos_;
        }
        return std::string(text_.substr(start, pos_ - start));
    }

    // Resynchronise after an unreadable resinfo: to the next ';' outside quotes and
    // comments, or the end.
    void skipToSemicolon() {
        while (!atEnd() && !at(';')) {
            if (at('"')) {
                skipQuoted();
            } else if (at('(')) {
                skipComment();
            } else {
                ++pos_;
            }
        }
    }

private:
    // A comment at the cursor; its text unescaped, inner parentheses kept, whitespace runs
    // collapsed to one space, controls dropped. Restores the position on failure.
    bool comment(std::string& text) {
        const std::size_t start = pos_;
        std::size_t depth = 0;
        while (!atEnd()) {
            char c = text_[pos_++];
            if (c == '(') {
                if (++depth > kArMaxCommentDepth) break;
                if (depth == 1) continue;
            } else if (c == ')') {
                if (--depth == 0) {
                    if (!text.empty() && text.back() == ' ') text.pop_back();
                    return true;
                }
            } else if (c == '\\') {
                if (atEnd()) break;
                c = text_[pos_++];
            }
            if (isWhitespace(c)) {
                if (!text.empty() && text.back() != ' ') text += ' ';
            } else if (!isControl(c)) {
                text += c;
            }
        }
        pos_ = start;
        return false;
    }

    // Skip a quoted-string or comment at the cursor (quoted-pairs honoured, comments
    // nested), or everything when it never closes.
    void skipQuoted() {
        ++pos_;
        while (!atEnd()) {
            const char c = text_[pos_++];
            if (c == '"') return;
            if (c == '\\' && !atEnd()) ++pos_;
        }
    }
    void skipComment() {
        std::size_t depth = 0;
        while (!atEnd()) {
            const char c = text_[pos_++];
            if (c == '(') {
                ++depth;
            } else if (c == ')') {
                if (--depth == 0) return;
            } else if (c == '\\' && !atEnd()) {
                ++pos_;
            }
        }
    }

    std::string_view text_;
    std::size_t pos_ = 0;
};

enum class Step { Result, Empty, None, Unreadable };

// methodspec [reasonspec] *propspec, up to (not including) the next ';'.
Step readResinfo(Reader& in, ParsedAuthResult& r, bool& capped) {
    std::vector<std::string>* comments = &r.comments;
    if (!in.skipCfws(comments)) return Step::Unreadable;
    if (in.atResinfoEnd()) return Step::Empty;
    r.method = in.keyword();
    if (r.method.empty() || !in.skipCfws(comments)) return Step::Unreadable;
    if (r.method == "none" && in.atResinfoEnd()) return Step::None;
    if (in.consume('/')) {
        if (!in.skipCfws(comments)) return Step::Unreadable;
        r.methodVersion = in.digits();
        if (r.methodVersion.empty() || !in.skipCfws(comments)) return Step::Unreadable;
    }
    if (!in.consume('=') || !in.skipCfws(comments)) return Step::Unreadable;
    r.result = in.keyword();
    if (r.result.empty()) return Step::Unreadable;

    bool haveReason = false;
    while (true) {
        if (!in.skipCfws(comments)) return Step::Unreadable;
        if (in.atResinfoEnd()) break;
        AuthProperty p;
        p.property = in.keyword();
        if (p.property.empty() || !in.skipCfws(comments)) return Step::Unreadable;
        if (in.consume('.')) {
            p.ptype = std::move(p.property);
            if (!in.skipCfws(comments)) return Step::Unreadable;
            p.property = in.keyword();
            if (p.property.empty() || !in.skipCfws(comments)) return Step::Unreadable;
        }
        if (!in.consume('=') || !in.skipCfws(comments)) return Step::Unreadable;
        auto value = in.pvalue();
        if (!value) return Step::Unreadable;
        if (p.ptype.empty() && p.property == "reason" && !haveReason) {
            r.reason = std::move(*value);
            haveReason = true;
        } else if (r.properties.size() < kArMaxPropertiesPerResult) {
            p.value = std::move(*value);
            r.properties.push_back(std::move(p));
        } else {
            capped = true;
        }
    }
    if (r.comments.size() > kArMaxCommentsPerResult) {
        r.comments.resize(kArMaxCommentsPerResult);
        capped = true;
    }
    return Step::Result;
}

// [CFWS version] [CFWS] up to the first ';'. Anything else there is skipped.
void readAfterAuthservId(Reader& in, ParsedAuthResults& out) {
    bool readable = in.skipCfws(nullptr);
    if (readable && !in.atResinfoEnd()) {
        const std::string version = in.digits();
        if (!version.empty() && version.size() <= kMaxVersionDigits) {
            std::uint32_t value = 0;
            for (const char c : version) value = value * 10 + static_cast<std::uint32_t>(c - '0');
            out.version = value;
        } else {
            readable = false;
        }
        readable = readable && in.skipCfws(nullptr);
    }
    if (!readable || !in.atResinfoEnd()) {
        out.complete = false;
        in.skipToSemicolon();
    }
    if (in.atEnd()) out.complete = false;  // neither "; none" nor a resinfo
}

}  // namespace

std::string_view describe(ArParseError error) {
    switch (error) {
        case ArParseError::Empty: return "empty Authentication-Results field";
        case ArParseError::MissingAuthservId: return "no authserv-id at the start of the field";
        case ArParseError::UnterminatedQuote: return "the authserv-id's quoted-string is not closed";
        case ArParseError::MalformedComment:
            return "a comment before the authserv-id is not closed or is nested too deeply";
    }
    return "unknown Authentication-Results parse error";
}

std::string_view stripAuthResultsFieldName(std::string_view field) {
    constexpr std::string_view kName = "authentication-results";
    if (field.size() < kName.size()) return field;
    for (std::size_t i = 0; i < kName.size(); ++i) {
        if (asciiLower(field[i]) != kName[i]) return field;
    }
    std::string_view rest = field.substr(kName.size());
    while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t')) rest.remove_prefix(1);
    if (rest.empty() || rest.front() != ':') return field;
    return rest.substr(1);
}

Result<ParsedAuthResults, ArParseError> parseAuthResults(std::string_view field) {
    ParsedAuthResults out;
    std::string_view body = stripAuthResultsFieldName(field);
    if (body.size() > kArMaxInputLength) {
        body = body.substr(0, kArMaxInputLength);
        out.complete = false;
    }
    Reader in(body);
    if (!in.skipCfws(nullptr)) return fail(ArParseError::MalformedComment);
    if (in.atEnd()) return fail(ArParseError::Empty);
    if (in.at('"')) {
        auto id = in.quoted();
        if (!id) return fail(ArParseError::UnterminatedQuote);
        out.authservId = std::move(*id);
    } else {
        out.authservId = in.token();
        if (out.authservId.empty()) return fail(ArParseError::MissingAuthservId);
    }
    readAfterAuthservId(in, out);

    while (in.consume(';')) {
        ParsedAuthResult r;
        bool capped = false;
        const Step step = readResinfo(in, r, capped);
        if (capped) out.complete = false;
        if (step == Step::Unreadable) {
            out.complete = false;
            in.skipToSemicolon();
        } else if (step == Step::Result) {
            if (out.results.size() == kArMaxResults) {
                out.complete = false;
                break;
            }
            out.results.push_back(std::move(r));
        }
    }
    return out;
}

AuthResults toAuthResults(const ParsedAuthResults& parsed) {
    AuthResults out;
    out.authservId = parsed.authservId;
    for (const ParsedAuthResult& r : parsed.results) {
        AuthMethodResult m;
        m.method = r.method;
        m.result = r.result;
        m.reason = r.reason;
        for (const std::string& c : r.comments) {
            if (!m.comment.empty()) m.comment += ' ';
            m.comment += c;
        }
        m.properties = r.properties;
        out.results.push_back(std::move(m));
    }
    return out;
}

}  // namespace dmarc::core
