"""The part of Exchange's OPATH -Filter syntax the agent sends: comparisons with -eq, -ne, -like,
combined with -and, -or and parentheses; literals 'text', "text", $true, $false, $null."""

import fnmatch
import re

_TOKEN = re.compile(r"\s*(?:(?P<sq>'(?:[^']|'')*')|(?P<dq>\"(?:[^\"]|\"\")*\")|(?P<p>[()])"
                    r"|(?P<op>-(?:eq|ne|like|and|or)\b)|(?P<var>\$(?:true|false|null)\b)|(?P<w>[A-Za-z][A-Za-z0-9_]*))",
                    re.IGNORECASE)


class FilterError(Exception):
    pass


def _tokens(text):
    pos, out = 0, []
    while pos < len(text) and text[pos:].strip():
        m = _TOKEN.match(text, pos)
        if not m:
            raise FilterError(f"Invalid filter syntax at position {pos + 1}.")
        pos = m.end()
        if m.group("sq") is not None:
            out.append(("lit", m.group("sq")[1:-1].replace("''", "'")))
        elif m.group("dq") is not None:
            out.append(("lit", m.group("dq")[1:-1].replace('""', '"')))
        elif m.group("p"):
            out.append(("p", m.group("p")))
        elif m.group("op"):
            out.append(("op", m.group("op").lower()))
        elif m.group("var"):
            out.append(("lit", {"$true": True, "$false": False, "$null": None}[m.group("var").lower()]))
        else:
            out.append(("w", m.group("w")))
    return out


def parse(text, properties):
    """-> tree; `properties` maps lowercase names to canonical recipient property names."""
    toks = _tokens(text)
    pos = [0]

    def peek(kind, value=None):
        if pos[0] < len(toks) and toks[pos[0]][0] == kind and (value is None or toks[pos[0]][1] == value):
            return toks[pos[0]]
        return None

    def take(kind, value=None):
        tok = peek(kind, value)
        if tok is None:
            raise FilterError(f"Invalid filter syntax near token {pos[0] + 1}: expected {value or kind}.")
        pos[0] += 1
        return tok[1]

    def expr():
        parts = [conj()]
        while peek("op", "-or"):
            take("op")
            parts.append(conj())
        return parts[0] if len(parts) == 1 else ("or", parts)

    def conj():
        parts = [term()]
        while peek("op", "-and"):
            take("op")
            parts.append(term())
        return parts[0] if len(parts) == 1 else ("and", parts)

    def term():
        if peek("p", "("):
            take("p")
            node = expr()
            take("p", ")")
            return node
        name = take("w")
        prop = properties.get(name.lower())
        if prop is None:
            raise FilterError(f"'{name}' is not a recognized filterable property.")
        op = take("op")
        if op not in ("-eq", "-ne", "-like"):
            raise FilterError(f"Invalid filter syntax: operator '{op}' after '{name}'.")
        return (op, prop, take("lit"))

    tree = expr()
    if pos[0] != len(toks):
        raise FilterError(f"Invalid filter syntax near token {pos[0] + 1}.")
    return tree


def _cmp(value, op, lit):
    if isinstance(value, list):
        hit = any(_cmp(v, "-eq" if op == "-ne" else op, lit) for v in value)
        return not hit if op == "-ne" else hit
    if isinstance(value, str) and isinstance(lit, str):
        if op == "-like":
            return fnmatch.fnmatchcase(value.lower(), lit.lower())
        equal = value.lower() == lit.lower()
    else:
        equal = value == lit
    return not equal if op == "-ne" else equal


def matches(tree, obj):
    if tree[0] == "and":
        return all(matches(t, obj) for t in tree[1])
    if tree[0] == "or":
        return any(matches(t, obj) for t in tree[1])
    op, prop, lit = tree
    return _cmp(obj.get(prop), op, lit)
