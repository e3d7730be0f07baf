// RFC5322.From parser: a lexer that folds CFWS away and yields words, domain literals and
// specials, and a recursive-descent parser over one token of lookahead for address-list
// (mailbox, name-addr, group, obs-route, obs-local-part, obs-domain, obs-mbox-list).
// Returns AuthorDomains or a FromError (mailbox.h says which error wins). Pure,
// thread-safe, linear time: every byte is looked at a bounded number of times (comment
// nesting and encoded-word lookahead are capped).
#include "mailbox.h"

#include <algorithm>
#include <utility>

namespace dmarc::core {

namespace {

// RFC 2047 §2: an encoded-word is at most 75 characters long. The cap also keeps the
// encoded-word lookahead in Lexer::atom() linear.
constexpr std::size_t kMaxEncodedWordLength = 75;

bool isFoldingWhitespace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// RFC 5322 atext, widened by RFC 6532 to every octet of UTF-8 beyond ASCII (U-labels in
// domains are validated by DomainName, display names are not interpreted).
bool isAtext(char c) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x80) return true;
    if (u <= 0x20 || u == 0x7f) return false;
    switch (c) {
        case '(': case ')': case '<': case '>': case '[': case ']': case ':': case ';':
        case '@': case '\\': case ',': case '.': case '"':
            return false;
        default:
            return true;
    }
}

// RFC 2047 charset token (the "*language" suffix of RFC 2231 included).
bool isCharsetChar(char c) {
    return static_cast<unsigned char>(c) < 0x80 && isAtext(c) && c != '?' && c != '=';
}

// RFC 2047 encoded-text, minus the specials that give an address its structure. '@' and
// '.' stay allowed: non-conforming mailers put them unencoded into display names, and
// such a word must read as part of the name, not as an address.
bool isEncodedTextChar(char c) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f || c == '?') return false;
    switch (c) {
        case '(': case ')': case '<': case '>': case '[': case ']': case ':': case ';':
        case '\\': case ',': case '"':
            return false;
        default:
            return true;
    }
}

enum class TokenKind { End, Atom, QuotedString, DomainLiteral, Special };

struct Token {
    TokenKind kind = TokenKind::End;
    char special = '\0';  // for Special: one of < > @ , ; : .
    std::string text;     // Atom: as written; QuotedString: unquoted; DomainLiteral: with []
};

// Splits a field body into tokens, skipping CFWS. A lexical error (unclosed quote, comment
// or literal, comments nested too deep, a stray ')' ']' '\\', control characters outside
// quotes) makes it report End from then on and failed() true.
class Lexer {
public:
    explicit Lexer(std::string_view text) : text_(text) {}

    Token next() {
        if (!skipCfws()) return failure();
        if (pos_ == text_.size()) return Token{};
        const char c = text_[pos_];
        switch (c) {
            case '"':
                return quotedString();
            case '[':
                return domainLiteral();
            case '<': case '>': case '@': case ',': case ';': case ':': case '.':
                ++pos_;
                return Token{TokenKind::Special, c, {}};
            default:
                return isAtext(c) ? atom() : failure();
        }
    }

    bool failed() const { return failed_; }

private:
    Token failure() {
        failed_ = true;
        pos_ = text_.size();
        return Token{};
    }

    bool skipCfws() {
        while (pos_ < text_.size()) {
            const char c = text_[pos_];
            if (isFoldingWhitespace(c)) {
                ++pos_;
            } else if (c == '(') {
                if (!skipComment()) return false;
            } else {
                break;
            }
        }
        return true;
    }

    // At '('. Iterative, so nesting costs no stack; the depth cap is for sanity only.
    bool skipComment() {
        std::size_t depth = 0;
        while (pos_ < text_.size()) {
            const char c = text_[pos_++];
            if (c == '\\') {
                if (pos_ == text_.size()) return false;
                ++pos_;
            } else if (c == '(') {
                if (++depth > kMaxCommentDepth) return false;
            } else if (c == ')') {
                if (--depth == 0) return true;
            } else if (c == '\0') {
                return false;  // not even obs-ctext
            }
        }
        return false;
    }

    // At '"'. Folding inside quotes is unfolded; quoted-pairs (obs-qp too) are unescaped.
    Token quotedString() {
        std::string content;
        ++pos_;
        while (pos_ < text_.size()) {
            const char c = text_[pos_++];
            if (c == '"') return Token{TokenKind::QuotedString, '\0', std::move(content)};
            if (c == '\\') {
                if (pos_ == text_.size()) break;
                content += text_[pos_++];
            } else if (c == '\r' || c == '\n') {
                continue;
            } else if (c == '\0') {
                break;
            } else {
                content += c;
            }
        }
        return failure();
    }

    // At '['. Kept whole: the parser only needs to know it is one.
    Token domainLiteral() {
        const std::size_t start = pos_++;
        while (pos_ < text_.size()) {
            const char c = text_[pos_++];
            if (c == ']') {
                return Token{TokenKind::DomainLiteral, '\0',
                             std::string(text_.substr(start, pos_ - start))};
            }
            if (c == '\\') {
                if (pos_ == text_.size()) break;
                ++pos_;
            } else if (c == '[' || c == '\0') {
                break;
            }
        }
        return failure();
    }

    // A run of atext, where an encoded-word counts as atext even if it holds '@' or '.'.
    Token atom() {
        const std::size_t start = pos_;
        while (pos_ < text_.size()) {
            if (const std::size_t length = encodedWordLength(pos_); length > 0) {
                pos_ += length;
            } else if (isAtext(text_[pos_])) {
                ++pos_;
            } else {
                break;
            }
        }
        return Token{TokenKind::Atom, '\0', std::string(text_.substr(start, pos_ - start))};
    }

    // Length of the "=?charset?B|Q?text?=" starting at `at`, or 0 if there is none.
    std::size_t encodedWordLength(std::size_t at) const {
        if (text_.compare(at, 2, "=?") != 0) return 0;
        const std::size_t limit = std::min(text_.size(), at + kMaxEncodedWordLength);
        std::size_t p = at + 2;
        const std::size_t charsetStart = p;
        while (p < limit && isCharsetChar(text_[p])) ++p;
        if (p == charsetStart || p + 3 > limit || text_[p] != '?') return 0;
        const char encoding = text_[p + 1];
        if (encoding != 'B' && encoding != 'b' && encoding != 'Q' && encoding != 'q') return 0;
        if (text_[p + 2] != '?') return 0;
        p += 3;
        const std::size_t textStart = p;
        while (p < limit && isEncodedTextChar(text_[p])) ++p;
        if (p == textStart || p + 2 > limit || text_[p] != '?' || text_[p + 1] != '=') return 0;
        return p + 2 - at;
    }

    std::string_view text_;
    std::size_t pos_ = 0;
    bool failed_ = false;
};

// Appends a mailbox and, if new, its domain; false once kMaxMailboxes are held. Linear
// search is fine: the cap bounds it.
bool appendMailbox(AuthorDomains& into, Mailbox mailbox) {
    if (into.mailboxes.size() >= kMaxMailboxes) return false;
    if (std::find(into.domains.begin(), into.domains.end(), mailbox.domain) ==
        into.domains.end()) {
        into.domains.push_back(mailbox.domain);
    }
    into.mailboxes.push_back(std::move(mailbox));
    return true;
}

// A run of words and dots, read once and kept in both shapes the grammar may want next:
// a display name (obs-phrase: a word, then words and dots) or a local part
// (obs-local-part: word *("." word)).
struct Phrase {
    std::string displayName;
    std::string localPart;
    std::size_t tokens = 0;
    bool startsWithWord = false;
    bool alternates = true;  // no two words and no two dots in a row
    bool endsWithWord = false;

    bool empty() const { return tokens == 0; }
    bool isDisplayName() const { return startsWithWord; }
    bool isLocalPart() const { return startsWithWord && alternates && endsWithWord; }
};

class Parser {
public:
    explicit Parser(std::string_view body) : lexer_(body) { advance(); }

    Result<AuthorDomains, FromError> run() {
        const bool parsed = parseAddressList();
        // An unbalanced quote, comment or bracket anywhere makes the whole field Malformed,
        // whatever the parser concluded before reaching it (or, after a lexical error, from
        // a truncated token stream): so lex to the end.
        while (!atEnd()) advance();
        if (lexer_.failed()) return fail(FromError::Malformed);
        if (!parsed) return fail(error_);
        return std::move(result_);
    }

private:
    void advance() { current_ = lexer_.next(); }
    bool at(char special) const {
        return current_.kind == TokenKind::Special && current_.special == special;
    }
    bool atEnd() const { return current_.kind == TokenKind::End; }
    bool atWord() const {
        return current_.kind == TokenKind::Atom || current_.kind == TokenKind::QuotedString;
    }
    bool reject(FromError error) {
        error_ = error;
        return false;
    }

    // address-list with obs-mbox-list's empty elements ("a@x.com,,b@y.com").
    bool parseAddressList() {
        while (true) {
            while (at(',')) advance();
            if (atEnd()) break;
            if (!parseAddress(false)) return false;
            if (atEnd()) break;
            if (!at(',')) return reject(FromError::Malformed);
        }
        if (result_.mailboxes.empty()) return reject(FromError::NoMailbox);
        return true;
    }

    // mailbox / group. Reads the leading phrase, then the token after it decides.
    bool parseAddress(bool inGroup) {
        const Phrase phrase = readPhrase();
        if (at('<')) return parseNameAddr(phrase);
        if (at(':') && !inGroup) return parseGroup(phrase);
        if (at('@')) return parseAddrSpecDomain(phrase, "");
        const bool delimited = atEnd() || at(',') || (inGroup && at(';'));
        if (delimited && phrase.isLocalPart()) return reject(FromError::MailboxWithoutDomain);
        return reject(FromError::Malformed);
    }

    Phrase readPhrase() {
        Phrase phrase;
        for (; atWord() || at('.'); advance()) {
            const bool word = atWord();
            if (phrase.empty()) {
                phrase.startsWithWord = word;
            } else if (word == phrase.endsWithWord) {
                phrase.alternates = false;
            }
            if (word) {
                if (!phrase.displayName.empty()) phrase.displayName += ' ';
                phrase.displayName += current_.text;
                phrase.localPart += current_.text;
            } else {
                phrase.displayName += '.';
                phrase.localPart += '.';
            }
            phrase.endsWithWord = word;
            ++phrase.tokens;
        }
        return phrase;
    }

    // At '<' after an optional display name: [obs-route] addr-spec ">".
    bool parseNameAddr(const Phrase& name) {
        if (!name.empty() && !name.isDisplayName()) return reject(FromError::Malformed);
        advance();
        if ((at(',') || at('@')) && !skipObsRoute()) return false;
        const Phrase local = readPhrase();
        if (at('>')) {
            return reject(local.isLocalPart() ? FromError::MailboxWithoutDomain
                                              : FromError::Malformed);
        }
        if (!at('@')) return reject(FromError::Malformed);
        if (!parseAddrSpecDomain(local, name.displayName)) return false;
        if (!at('>')) return reject(FromError::Malformed);
        advance();
        return true;
    }

    // At '@' after a local part: the domain, then the mailbox is kept.
    bool parseAddrSpecDomain(const Phrase& local, const std::string& displayName) {
        if (!local.isLocalPart()) return reject(FromError::Malformed);
        advance();
        std::optional<DomainName> domain = parseDomain();
        if (!domain) return false;
        if (!appendMailbox(result_, Mailbox{displayName, local.localPart, std::move(*domain)})) {
            return reject(FromError::TooManyMailboxes);
        }
        return true;
    }

    // dot-atom / obs-domain (CFWS around the dots is already gone) / domain-literal. Dots
    // are passed through as written, so DomainName judges "a..b", ".a" and a trailing dot.
    std::optional<DomainName> parseDomain() {
        if (current_.kind == TokenKind::DomainLiteral) {
            reject(FromError::DomainLiteral);
            return std::nullopt;
        }
        std::string text;
        bool wantAtom = true;
        for (;; advance()) {
            if (current_.kind == TokenKind::Atom && wantAtom) {
                text += current_.text;
                wantAtom = false;
            } else if (at('.')) {
                text += '.';
                wantAtom = true;
            } else {
                break;
            }
        }
        if (current_.kind == TokenKind::QuotedString) {
            reject(FromError::Malformed);
            return std::nullopt;
        }
        if (text.empty()) {
            reject(FromError::MailboxWithoutDomain);
            return std::nullopt;
        }
        auto domain = DomainName::parse(text);
        if (!domain) {
            reject(FromError::InvalidDomain);
            return std::nullopt;
        }
        return std::move(domain).value();
    }

    // obs-route = *("," / CFWS) "@" domain *("," [CFWS] ["@" domain]) ":". RFC 5322 §4.4
    // says the route is ignored; it only has to be well formed.
    bool skipObsRoute() {
        while (at(',')) advance();
        if (!at('@')) return reject(FromError::Malformed);
        while (true) {
            if (at('@')) {
                advance();
                if (!skipRouteDomain()) return reject(FromError::Malformed);
            }
            if (!at(',')) break;
            advance();
        }
        if (!at(':')) return reject(FromError::Malformed);
        advance();
        return true;
    }

    bool skipRouteDomain() {
        if (current_.kind == TokenKind::DomainLiteral) {
            advance();
            return true;
        }
        if (current_.kind != TokenKind::Atom) return false;
        advance();
        while (at('.')) {
            advance();
            if (current_.kind != TokenKind::Atom) return false;
            advance();
        }
        return true;
    }

    // At ':' after the group's name: [group-list] ";". Groups do not nest.
    bool parseGroup(const Phrase& name) {
        if (!name.isDisplayName()) return reject(FromError::Malformed);
        advance();
        while (true) {
            while (at(',')) advance();
            if (at(';')) break;
            if (atEnd()) return reject(FromError::Malformed);
            if (!parseAddress(true)) return false;
            if (at(';')) break;
            if (!at(',')) return reject(FromError::Malformed);
        }
        advance();
        return true;
    }

    Lexer lexer_;
    Token current_;
    AuthorDomains result_;
    FromError error_ = FromError::Malformed;
};

}  // namespace

std::string_view describe(FromError error) {
    switch (error) {
        case FromError::NoFromField: return "the message has no From field";
        case FromError::SeveralFromFields: return "the message has more than one From field";
        case FromError::NoMailbox: return "the From field names no mailbox";
        case FromError::MailboxWithoutDomain: return "a From mailbox has no domain";
        case FromError::DomainLiteral: return "a From mailbox has an address literal, not a domain";
        case FromError::InvalidDomain: return "a From mailbox has an invalid domain";
        case FromError::Malformed: return "the From field is not a well-formed mailbox list";
        case FromError::TooManyMailboxes: return "the From field names too many mailboxes";
        case FromError::TooLong: return "the From field is too long";
    }
    return "unknown From error";
}

std::optional<DomainName> AuthorDomains::singleDomain() const {
    if (domains.size() != 1) return std::nullopt;
    return domains.front();
}

Result<AuthorDomains, FromError> parseFromValue(std::string_view fieldBody) {
    if (fieldBody.size() > kMaxFromFieldLength) return fail(FromError::TooLong);
    return Parser(fieldBody).run();
}

Result<AuthorDomains, FromError> authorDomains(const std::vector<std::string_view>& fromFieldBodies) {
    if (fromFieldBodies.empty()) return fail(FromError::NoFromField);
    if (fromFieldBodies.size() > 1) return fail(FromError::SeveralFromFields);
    return parseFromValue(fromFieldBodies.front());
}

Result<AuthorDomains, FromError> authorDomainsOfEveryField(
    const std::vector<std::string_view>& fromFieldBodies) {
    if (fromFieldBodies.empty()) return fail(FromError::NoFromField);
    AuthorDomains merged;
    for (const std::string_view body : fromFieldBodies) {
        auto parsed = parseFromValue(body);
        if (!parsed) return fail(parsed.error());
        for (Mailbox& mailbox : parsed.value().mailboxes) {
            if (!appendMailbox(merged, std::move(mailbox))) return fail(FromError::TooManyMailboxes);
        }
    }
    return merged;
}

}  // namespace dmarc::core
