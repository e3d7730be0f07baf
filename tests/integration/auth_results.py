"""A small, independent RFC 8601 parser for the Authentication-Results fields the tests
find on delivered mail (deliberately not the project's own parser: the tests check its
output, they should not share its mistakes).

parse(" mx.test; spf=pass smtp.mailfrom=bounce.esp.test; dmarc=fail (p=reject) header.from=x")
  -> AuthResults(authserv_id="mx.test", results=[MethodResult("spf", "pass", {...}), ...])
"""

import dataclasses


@dataclasses.dataclass
class MethodResult:
    method: str                                       # "dkim" ("dkim/1" loses its version)
    result: str                                       # "pass", "fail", …
    props: dict = dataclasses.field(default_factory=dict)    # "header.d" -> "mydomain.test"
    comments: list = dataclasses.field(default_factory=list)
    reason: str | None = None


@dataclasses.dataclass
class AuthResults:
    authserv_id: str
    results: list

    def methods(self, method):
        return [result for result in self.results if result.method == method]

    def one(self, method):
        """The only result of `method`; AssertionError (with the field) when not exactly one."""
        found = self.methods(method)
        if len(found) != 1:
            raise AssertionError(f"expected one {method} result in {self}, found {len(found)}")
        return found[0]


def _tokens(text):
    """Splits into words, '=' and ';' separators, quoted strings and comments, each as
    (kind, text) with kind in word, quoted, comment, sep."""
    tokens, i = [], 0
    while i < len(text):
        c = text[i]
        if c.isspace():
            i += 1
        elif c == "(":
            depth, j, buf = 1, i + 1, []
            while j < len(text) and depth:
                if text[j] == "\\" and j + 1 < len(text):
                    buf.append(text[j + 1])
                    j += 2
                    continue
                depth += {"(": 1, ")": -1}.get(text[j], 0)
                if depth:
                    buf.append(text[j])
                j += 1
            tokens.append(("comment", "".join(buf)))
            i = j
        elif c == '"':
            j, buf = i + 1, []
            while j < len(text) and text[j] != '"':
                if text[j] == "\\" and j + 1 < len(text):
                    j += 1
                buf.append(text[j])
                j += 1
            tokens.append(("quoted", "".join(buf)))
            i = j + 1
        elif c in ";=":
            tokens.append(("sep", c))
            i += 1
        else:
            # A value (after '=') may itself contain '=' (base64 in header.b).
            stops = ';()"' if tokens and tokens[-1] == ("sep", "=") else ';=()"'
            j = i
            while j < len(text) and not text[j].isspace() and text[j] not in stops:
                j += 1
            tokens.append(("word", text[i:j]))
            i = j
    return tokens


def parse(value):
    """Parses one field's value (unfolded or not). Raises ValueError when it is not
    authserv-id followed by method=result entries."""
    tokens = _tokens(" ".join(value.split()))
    statements, current = [], []
    for token in tokens:
        if token == ("sep", ";"):
            statements.append(current)
            current = []
        else:
            current.append(token)
    statements.append(current)
    head = [text for kind, text in statements[0] if kind == "word"]
    if not head:
        raise ValueError(f"no authserv-id in {value!r}")
    results = []
    for statement in statements[1:]:
        if not statement:
            continue
        if statement[0] == ("word", "none"):
            continue
        if len(statement) < 3 or statement[1] != ("sep", "="):
            raise ValueError(f"not method=result: {statement} in {value!r}")
        entry = MethodResult(statement[0][1].split("/")[0].lower(), statement[2][1].lower())
        rest, k = statement[3:], 0
        while k < len(rest):
            kind, text = rest[k]
            if kind == "comment":
                entry.comments.append(text)
                k += 1
            elif kind == "word" and k + 2 < len(rest) and rest[k + 1] == ("sep", "="):
                name, prop = text.lower(), rest[k + 2][1]
                if name == "reason":
                    entry.reason = prop
                else:
                    entry.props[name] = prop
                k += 3
            else:
                raise ValueError(f"cannot read {rest[k:]} in {value!r}")
        results.append(entry)
    return AuthResults(head[0], results)
