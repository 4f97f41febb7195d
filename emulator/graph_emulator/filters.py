# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""OData `$filter` for directory collections: parse once, evaluate per object.

Supported: eq, ne, ge, le, gt, lt, in, startswith, endswith, and, or, not, parentheses,
`any` lambdas (`groupTypes/any(c:c eq 'Unified')`), string/bool/null/number/date literals.
Strings compare case-insensitively, as the directory does. Operators Graph reserves for advanced
queries (ConsistencyLevel: eventual + $count=true) are rejected without them (§4.4).
"""

import re

from .wire import bad_request

MAX_OR_CLAUSES = 15
ADVANCED_ONLY = frozenset(("ne", "not", "endswith", "gt", "lt"))
COMPARISONS = frozenset(("eq", "ne", "ge", "le", "gt", "lt"))

_TOKEN = re.compile(r"""\s*(?:
    (?P<str>'(?:[^']|'')*')
  | (?P<date>\d{4}-\d{2}-\d{2}T[0-9:.]+Z?)
  | (?P<num>-?\d+(?:\.\d+)?)
  | (?P<word>[A-Za-z_][\w]*(?:/[A-Za-z_$][\w]*)*)
  | (?P<punct>[(),:])
)""", re.VERBOSE)


def unsupported(message="Unsupported Query."):
    """The directory's 400 for queries it refuses."""
    return bad_request(message, "Request_UnsupportedQuery")


def tokenize(text):
    """[(kind, value)] or a 400 for characters OData does not allow."""
    tokens, pos = [], 0
    text = text.strip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if not match or match.end() == pos:
            raise bad_request(f"Invalid filter clause: syntax error at position {pos} in '{text}'.")
        kind = match.lastgroup
        value = match.group(kind)
        if kind == "str":
            value = value[1:-1].replace("''", "'")
        elif kind == "num":
            value = float(value) if "." in value else int(value)
        tokens.append((kind, value))
        pos = match.end()
    return tokens


def _get(obj, path):
    """Value at a '/'-path, matching keys case-insensitively; None when absent."""
    for part in path.split("/"):
        if not isinstance(obj, dict):
            return None
        if part in obj:
            obj = obj[part]
            continue
        lowered = part.lower()
        obj = next((v for k, v in obj.items() if k.lower() == lowered), None)
    return obj


def _fold(value):
    return value.casefold() if isinstance(value, str) else value


def _compare(op, left, right):
    left, right = _fold(left), _fold(right)
    if op == "eq":
        return left == right
    if op == "ne":
        return left != right
    if left is None or right is None or type(left) is not type(right):
        return False
    return {"ge": left >= right, "le": left <= right, "gt": left > right, "lt": left < right}[op]


class FilterParser:
    """Recursive-descent parser producing `predicate(obj) -> bool`.

    `resolve(name)` maps a top-level property name to its canonical spelling or raises.
    After parsing, `advanced_ops` lists advanced-only operators used and `widest_or` the largest
    number of OR'ed clauses (an `in` list counts one clause per value, as Graph counts them).
    """

    def __init__(self, text, resolve):
        self.text = text
        self.tokens = tokenize(text)
        self.pos = 0
        self.resolve = resolve
        self.advanced_ops = set()
        self.widest_or = 0
        self.variables = set()

    def parse(self):
        """Parse the whole expression."""
        node = self._or()[0]
        if self.pos != len(self.tokens):
            self._fail()
        return lambda obj: bool(node(obj, {}))

    def _fail(self):
        raise bad_request(f"Invalid filter clause: syntax error at token {self.pos + 1} in '{self.text}'.")

    def _peek(self):
        return self.tokens[self.pos] if self.pos < len(self.tokens) else (None, None)

    def _take(self, kind=None, value=None):
        tok_kind, tok_value = self._peek()
        if tok_kind is None or (kind and tok_kind != kind) or (value and str(tok_value).lower() != value):
            self._fail()
        self.pos += 1
        return tok_value

    def _keyword(self, word):
        kind, value = self._peek()
        if kind == "word" and value.lower() == word:
            self.pos += 1
            return True
        return False

    def _or(self):
        node, width = self._and()
        parts, total = [node], width
        while self._keyword("or"):
            node, width = self._and()
            parts.append(node)
            total += width
        if len(parts) == 1:
            return parts[0], width
        self.widest_or = max(self.widest_or, total)
        return (lambda obj, env: any(p(obj, env) for p in parts)), total

    def _and(self):
        node, width = self._unary()
        parts = [node]
        while self._keyword("and"):
            parts.append(self._unary()[0])
            width = 1
        if len(parts) == 1:
            return node, width
        return (lambda obj, env: all(p(obj, env) for p in parts)), 1

    def _unary(self):
        if self._keyword("not"):
            self.advanced_ops.add("not")
            inner = self._unary()[0]
            return (lambda obj, env: not inner(obj, env)), 1
        kind, value = self._peek()
        if kind == "punct" and value == "(":
            self.pos += 1
            node, width = self._or()
            self._take("punct", ")")
            return node, width
        if kind == "word" and value.lower() in ("startswith", "endswith"):
            return self._function(value.lower()), 1
        return self._comparison()

    def _function(self, name):
        self.pos += 1
        if name == "endswith":
            self.advanced_ops.add(name)
        self._take("punct", "(")
        operand = self._operand()
        self._take("punct", ",")
        literal = self._literal()
        self._take("punct", ")")
        if not isinstance(literal, str):
            self._fail()
        prefix = literal.casefold()

        def test(obj, env):
            value = operand(obj, env)
            if not isinstance(value, str):
                return False
            return value.casefold().startswith(prefix) if name == "startswith" else value.casefold().endswith(prefix)
        return test

    def _comparison(self):
        kind, value = self._peek()
        if kind == "word" and value.lower().endswith("/any") and value.split("/")[0] not in self.variables:
            self.pos += 1
            return self._lambda(value[:-4]), 1
        operand = self._operand()
        op = str(self._take("word")).lower()
        if op == "in":
            values = self._list()
            self.widest_or = max(self.widest_or, len(values))
            folded = [_fold(v) for v in values]
            return (lambda obj, env: _fold(operand(obj, env)) in folded), len(values)
        if op not in COMPARISONS:
            self._fail()
        if op in ADVANCED_ONLY:
            self.advanced_ops.add(op)
        literal = self._literal()
        return (lambda obj, env: _compare(op, operand(obj, env), literal)), 1

    def _lambda(self, path):
        collection = self._property(path)
        self._take("punct", "(")
        var = self._take("word")
        self._take("punct", ":")
        self.variables.add(var)
        body = self._or()[0]
        self.variables.discard(var)
        self._take("punct", ")")

        def test(obj, env):
            items = collection(obj, env)
            return isinstance(items, list) and any(body(obj, dict(env, **{var: item})) for item in items)
        return test

    def _operand(self):
        return self._property(self._take("word"))

    def _property(self, path):
        head, dummy, rest = path.partition("/")
        if head in self.variables:
            return lambda obj, env: _get(env[head], rest) if rest else env[head]
        path = "/".join([self.resolve(head)] + ([rest] if rest else []))
        return lambda obj, env: _get(obj, path)

    def _literal(self):
        kind, value = self._peek()
        self.pos += 1
        if kind in ("str", "num", "date"):
            return value
        if kind == "word" and value.lower() in ("true", "false", "null"):
            return {"true": True, "false": False, "null": None}[value.lower()]
        self.pos -= 1
        return self._fail()

    def _list(self):
        self._take("punct", "(")
        values = [self._literal()]
        while self._peek() == ("punct", ","):
            self.pos += 1
            values.append(self._literal())
        self._take("punct", ")")
        return values


def compile_filter(text, resolve, advanced):
    """Parse `$filter` text; enforce Graph's default-query limits unless `advanced`."""
    parser = FilterParser(text, resolve)
    predicate = parser.parse()
    if not advanced:
        if parser.advanced_ops:
            raise unsupported()
        if parser.widest_or > MAX_OR_CLAUSES:
            raise unsupported("Too many child clauses specified in search filter expression containing 'OR' operators: "
                              f"{parser.widest_or}. Max allowed: {MAX_OR_CLAUSES}")
    return predicate
