"""The small part of OData $filter that Graph user queries need: eq, in, startswith, and, or, parentheses
and the proxyAddresses/any(p:p eq '...') lambda. Parses into tuples, evaluates against Graph user dicts."""

import re

MAX_CHILD_CLAUSES = 15

_TOKEN = re.compile(r"\s*(?:(?P<str>'(?:[^']|'')*')|(?P<punct>[(),:/])|(?P<word>[A-Za-z_$][A-Za-z0-9_.$@-]*)"
                    r"|(?P<num>-?\d+(?:\.\d+)?))")


class FilterError(Exception):
    """code, message: the Graph error to answer with (400)."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code, self.message = code, message


def _tokens(text):
    pos, out = 0, []
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        m = _TOKEN.match(text, pos)
        if not m:
            raise FilterError("BadRequest", f"Invalid filter clause: syntax error at position {pos} in '{text}'.")
        pos = m.end()
        if m.group("str") is not None:
            out.append(("str", m.group("str")[1:-1].replace("''", "'")))
        elif m.group("punct"):
            out.append(("p", m.group("punct")))
        elif m.group("word"):
            out.append(("w", m.group("word")))
        else:
            out.append(("num", m.group("num")))
    return out


class _Parser:
    def __init__(self, text):
        self.t = _tokens(text)
        self.i = 0
        self.text = text

    def peek(self, kind=None, value=None):
        if self.i >= len(self.t):
            return None
        k, v = self.t[self.i]
        if (kind and k != kind) or (value is not None and v.lower() != value):
            return None
        return self.t[self.i]

    def take(self, kind=None, value=None):
        tok = self.peek(kind, value)
        if tok is None:
            got = self.t[self.i][1] if self.i < len(self.t) else "end of input"
            raise FilterError("BadRequest", f"Invalid filter clause: expected {value or kind} but found '{got}'.")
        self.i += 1
        return tok

    def parse(self):
        node = self.expr()
        if self.i != len(self.t):
            raise FilterError("BadRequest", f"Invalid filter clause: unexpected '{self.t[self.i][1]}'.")
        return node

    def expr(self):
        parts = [self.conj()]
        while self.peek("w", "or"):
            self.take()
            parts.append(self.conj())
        return parts[0] if len(parts) == 1 else ("or", parts)

    def conj(self):
        parts = [self.term()]
        while self.peek("w", "and"):
            self.take()
            parts.append(self.term())
        return parts[0] if len(parts) == 1 else ("and", parts)

    def literal(self):
        k, v = self.take()
        if k == "str":
            return v
        if k == "num":
            return float(v) if "." in v else int(v)
        if k == "w" and v.lower() in ("true", "false", "null"):
            return {"true": True, "false": False, "null": None}[v.lower()]
        raise FilterError("BadRequest", f"Invalid filter clause: '{v}' is not a literal.")

    def term(self):
        if self.peek("p", "("):
            self.take()
            node = self.expr()
            self.take("p", ")")
            return node
        _, name = self.take("w")
        if name.lower() == "startswith":
            self.take("p", "(")
            prop = self.take("w")[1]
            self.take("p", ",")
            value = self.literal()
            self.take("p", ")")
            return ("startswith", prop, value)
        if self.peek("p", "/"):
            self.take()
            self.take("w", "any")
            self.take("p", "(")
            var = self.take("w")[1]
            self.take("p", ":")
            if self.take("w")[1] != var:
                raise FilterError("BadRequest", "Invalid filter clause: lambda variable mismatch.")
            op = self.take("w")[1].lower()
            value = self.literal()
            self.take("p", ")")
            if op not in ("eq", "startswith"):
                raise FilterError("Request_UnsupportedQuery",
                                  f"Unsupported or invalid query filter clause specified for property '{name}' "
                                  f"of resource 'User'.")
            return ("any", name, value)
        op = self.take("w")[1].lower()
        if op == "eq":
            return ("eq", name, self.literal())
        if op == "in":
            self.take("p", "(")
            values = [self.literal()]
            while self.peek("p", ","):
                self.take()
                values.append(self.literal())
            self.take("p", ")")
            return ("in", name, values)
        raise FilterError("Request_UnsupportedQuery",
                          f"Unsupported or invalid query filter clause specified for property '{name}' of "
                          f"resource 'User'.")


def child_clauses(node):
    """How many equality leaves an OR-ed expression has (Graph limits `in` + `or` to 15)."""
    kind = node[0]
    if kind == "in":
        return len(node[2])
    if kind in ("or", "and"):
        return sum(child_clauses(n) for n in node[1]) if kind == "or" else max(child_clauses(n) for n in node[1])
    return 1


def parse(text, filterable):
    """Parse and check properties against `filterable` ({lowercase name: canonical name})."""
    node = _canonical(_Parser(text).parse(), filterable)
    n = child_clauses(node)
    if n > MAX_CHILD_CLAUSES:
        raise FilterError("Request_UnsupportedQuery",
                          f"Too many child clauses specified in search filter expression containing 'OR' "
                          f"operators: {n}. Max allowed: {MAX_CHILD_CLAUSES}.")
    return node


def _canonical(node, filterable):
    if node[0] in ("and", "or"):
        return (node[0], [_canonical(n, filterable) for n in node[1]])
    prop = filterable.get(node[1].lower())
    if prop is None or (node[0] == "any") != (prop == "proxyAddresses"):
        raise FilterError("Request_UnsupportedQuery",
                          f"Unsupported or invalid query filter clause specified for property '{node[1]}' of "
                          f"resource 'User'.")
    return (node[0], prop, node[2])


def _eq(a, b):
    if isinstance(a, str) and isinstance(b, str):
        return a.lower() == b.lower()
    return a == b


def matches(node, user):
    kind = node[0]
    if kind == "and":
        return all(matches(n, user) for n in node[1])
    if kind == "or":
        return any(matches(n, user) for n in node[1])
    value = user.get(node[1])
    if kind == "eq":
        return _eq(value, node[2])
    if kind == "in":
        return any(_eq(value, v) for v in node[2])
    if kind == "startswith":
        return isinstance(value, str) and isinstance(node[2], str) and value.lower().startswith(node[2].lower())
    if kind == "any":
        return any(_eq(v, node[2]) for v in value or ())
    return False
