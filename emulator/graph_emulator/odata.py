# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""OData query options, projection and paging for directory collections (§1.7, §4.2, §4.4)."""

import base64
import json
import re

from .filters import compile_filter, unsupported
from .wire import GraphError, Response, bad_request

DEFAULT_PAGE = 100
MAX_PAGE = 999
MAX_EXPANDED = 20
MAX_ADVANCED_URL = 2048
SCHEMAS = {}  # kind -> Schema, filled by resource modules


class Expand:
    """A navigation property `$expand` can inline; fetch(req, obj) -> [(kind, object)]."""

    def __init__(self, name, fetch, single=False):
        self.name = name
        self.fetch = fetch
        self.single = single


class Schema:
    """What Graph knows about one entity type: its properties and which query options they support."""

    def __init__(self, kind, type_name, entity_set, properties, defaults, filterable, **extra):
        self.kind = kind
        self.type_name = type_name            # e.g. microsoft.graph.user
        self.entity_set = entity_set          # e.g. users
        self.properties = tuple(properties)
        self.defaults = tuple(defaults)       # returned without $select
        self.filterable = frozenset(filterable)
        self.sortable = frozenset(extra.get("sortable", ()))
        self.searchable = frozenset(extra.get("searchable", ()))
        self.hidden = frozenset(extra.get("hidden", ()))      # selectable but always null (passwords)
        self.expand = {e.name.lower(): e for e in extra.get("expand", ())}
        self.indexed = tuple(extra.get("indexed", ()))          # properties looked up by value (the store indexes them)
        self._lower = {p.lower(): p for p in self.properties}
        SCHEMAS[kind] = self

    def canonical(self, name):
        """Property name in Graph's spelling, or None."""
        return self._lower.get(name.strip().lower())

    def not_found(self, name):
        """The OData error for a property the type does not have."""
        return bad_request(f"Could not find a property named '{name}' on type '{self.type_name}'.")

    def filter_property(self, name):
        """Resolve a `$filter` property: unknown -> 400, known but not indexed -> 400 Request_UnsupportedQuery."""
        canonical = self.canonical(name)
        if canonical is None:
            raise self.not_found(name)
        if canonical not in self.filterable:
            raise unsupported("The request uses a filter property that is not indexed")
        return canonical


def resolve_any(name):
    """Canonical spelling of a property of any registered type (polymorphic directoryObject lists)."""
    for schema in SCHEMAS.values():
        canonical = schema.canonical(name)
        if canonical:
            return canonical
    return None


def _split_top(text, sep):
    """Split on `sep` outside parentheses."""
    parts, depth, start = [], 0, 0
    for i, char in enumerate(text):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == sep and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()]


def parse_select(text, resolve, type_name):
    """`$select` list in canonical spelling; 400 for unknown properties."""
    selected = []
    for name in _split_top(text, ","):
        canonical = resolve(name)
        if canonical is None:
            raise bad_request(f"Parsing OData Select and Expand failed: Could not find a property named '{name}' on type '{type_name}'.")
        if canonical not in selected:
            selected.append(canonical)
    return selected


def parse_expand(text, schema):
    """[(Expand, nested select or None)]; nested options other than $select are refused."""
    result = []
    for item in _split_top(text, ","):
        match = re.fullmatch(r"([\w.]+)\s*(?:\((.*)\))?", item, re.DOTALL)
        spec = schema.expand.get(match.group(1).lower()) if match else None
        if spec is None:
            name = match.group(1) if match else item
            raise bad_request(f"Parsing OData Select and Expand failed: Could not find a property named '{name}' on type '{schema.type_name}'.")
        nested = None
        for option in _split_top(match.group(2) or "", ";"):
            key, dummy, value = option.partition("=")
            if key.strip().lower() != "$select":
                raise bad_request(f"Query option '{key.strip()}' is not supported inside $expand.")
            nested = parse_select(value, resolve_any, "microsoft.graph.directoryObject")
        result.append((spec, nested))
    return result


class Query:
    """The query options of one request, validated against a schema."""

    def __init__(self, req, schema, collection=True):
        options = req.query()
        self.count = _parse_bool(options.get("$count", "false"), "$count") and req.eventual
        # §4.4: advanced queries need both the header and $count=true.
        self.advanced = self.count
        self.select = parse_select(options["$select"], schema.canonical, schema.type_name) if "$select" in options else None
        self.expand = parse_expand(options["$expand"], schema) if "$expand" in options else []
        self.top = self.predicate = self.search = self.order = None
        self.skiptoken = options.get("$skiptoken")
        if collection:
            self._collection_options(req, schema, options)
        if self.search and self.expand:
            # Observed (microsoftgraph/microsoft-graph-docs-contrib#2577): $search with $expand is refused, with the text
            # Graph uses for $search without the header, even when the header is there.
            raise unsupported("Request with $search query parameter only works through MSGraph with a special request header: "
                              "'ConsistencyLevel: eventual'")

    def _collection_options(self, req, schema, options):
        if "$top" in options:
            self.top = _parse_top(options["$top"])
        if "$search" in options:
            if not req.eventual:
                raise unsupported("Request with $search query parameter only works through MSGraph with a special request header: "
                                  "'ConsistencyLevel: eventual'")
            self.search = _parse_search(options["$search"], schema)
        if "$filter" in options:
            # UNCONFIRMED how Graph enforces the 2,048-character URL cap; it is applied to direct requests only,
            # since batching is the documented way around long URLs.
            if self.advanced and not req.inner and len("https://graph.microsoft.com/v1.0" + req.target) > MAX_ADVANCED_URL:
                raise bad_request("The request URL exceeds the 2048-character limit of advanced queries.", "Request_BadRequest")
            self.predicate = compile_filter(options["$filter"], schema.filter_property, self.advanced)
        if "$orderby" in options:
            if (self.predicate or self.search) and not self.advanced:
                raise unsupported()
            self.order = _parse_orderby(options["$orderby"], schema)


def _parse_bool(value, name):
    if value.lower() not in ("true", "false"):
        raise bad_request(f"Invalid value '{value}' for query option '{name}'.")
    return value.lower() == "true"


def _parse_top(value):
    try:
        top = int(value)
    except ValueError:
        top = 0
    if not 1 <= top <= MAX_PAGE:
        raise bad_request(f"Invalid page size specified: '{value}'. Must be between 1 and {MAX_PAGE} inclusive.", "Request_BadRequest")
    return top


def _parse_orderby(text, schema):
    parts = text.split()
    name = schema.canonical(parts[0]) if parts else None
    if name is None or len(parts) > 2 or (len(parts) == 2 and parts[1].lower() not in ("asc", "desc")):
        raise bad_request(f"Invalid $orderby expression '{text}'.")
    if name not in schema.sortable:
        raise unsupported(f"Sorting by '{name}' is not supported.")
    return name, len(parts) == 2 and parts[1].lower() == "desc"


def _parse_search(text, schema):
    """`"prop:term" [AND|OR "prop:term"]...`; a term matches the start of any word of the value."""
    clauses = re.findall(r'"([^"]*)"|(\bAND\b|\bOR\b)|(\S+)', text.strip())
    terms, joins = [], []
    for quoted, joiner, junk in clauses:
        if junk or (joiner and len(joins) >= len(terms)) or (quoted and len(terms) > len(joins)):
            raise bad_request(f"Syntax error: invalid $search expression '{text}'.")
        if joiner:
            joins.append(joiner)
            continue
        prop, dummy, term = quoted.partition(":")
        canonical = schema.canonical(prop)
        if not term or canonical not in schema.searchable:
            raise unsupported(f"Search is not supported on property '{prop}'.")
        terms.append((canonical, term.casefold()))
    if not terms or len(joins) >= len(terms):
        raise bad_request(f"Syntax error: invalid $search expression '{text}'.")

    def match(obj):
        hits = [_search_hit(obj.get(prop), term) for prop, term in terms]
        return any(hits) if "OR" in joins else all(hits)
    return match


def _search_hit(value, term):
    if not isinstance(value, str):
        return False
    value = value.casefold()
    return value.startswith(term) or any(word.startswith(term) for word in re.split(r"\W+", value))


def project(obj, schema, select=None, req=None, expand=(), with_type=False):
    """The JSON Graph returns for one object: selected (or default) properties, `id` always."""
    out = {"@odata.type": "#" + schema.type_name} if with_type else {}
    names = select if select else schema.defaults
    for name in names:
        if schema.canonical(name):
            out[name] = None if name in schema.hidden else obj.get(name)
    out.setdefault("id", obj["id"])
    for spec, nested in expand:
        related = [project(o, SCHEMAS[k], nested, with_type=True) for k, o in spec.fetch(req, obj)][:MAX_EXPANDED]
        if spec.single:
            if related:
                out[spec.name] = related[0]
        else:
            out[spec.name] = related
    return out


def context(req, path, select=None, entity=False):
    """`@odata.context` URL."""
    suffix = f"({','.join(select)})" if select else ""
    return f"{req.base_url}/{req.version}/$metadata#{path}{suffix}" + ("/$entity" if entity else "")


def entity_response(req, schema, obj, status=200, query=None):
    """A single object as Graph returns it from GET or POST."""
    query = query or Query(req, schema, collection=False)
    body = {"@odata.context": context(req, schema.entity_set, query.select, entity=True)}
    body.update(project(obj, schema, query.select, req, query.expand))
    return Response(status, body)


def _sort_key(order):
    if order is None:
        return lambda obj: ("", obj["id"])
    name = order[0]
    return lambda obj: (str(obj.get(name) or "").casefold(), obj["id"])


def _encode_token(key):
    return base64.urlsafe_b64encode(json.dumps(list(key)).encode()).decode().rstrip("=")


def _decode_token(token):
    try:
        key = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        if isinstance(key, list) and len(key) == 2 and all(isinstance(k, str) for k in key):
            return tuple(key)
    except ValueError:
        pass
    raise GraphError(400, "Request_BadRequest", "The specified page token value is not valid.")


def _next_link(req, token):
    """Absolute nextLink that keeps every original query option except the old $skiptoken."""
    kept = [p for p in req.query_string.split("&") if p and not p.split("=")[0].lower().replace("%24", "$") == "$skiptoken"]
    kept.append("$skiptoken=" + token)
    return f"{req.base_url}/{req.version}{req.path}?{'&'.join(kept)}"


def filtered(objects, query):
    """Objects matching $filter and $search."""
    if query.predicate:
        objects = [o for o in objects if query.predicate(o)]
    if query.search:
        objects = [o for o in objects if query.search(o)]
    return objects


def list_response(req, schema, objects, query=None, context_path=None, schema_of=None):
    """One page of a collection with @odata.count (first page only) and an absolute @odata.nextLink.

    `schema_of(obj)` marks a polymorphic (directoryObject) list: items then carry `@odata.type`.
    """
    query = query or Query(req, schema)
    matches = filtered(objects, query)
    key = _sort_key(query.order)
    descending = bool(query.order and query.order[1])
    matches.sort(key=key, reverse=descending)
    if query.skiptoken:
        last = _decode_token(query.skiptoken)
        matches = [o for o in matches if (key(o) < last if descending else key(o) > last)]
    size = query.top or DEFAULT_PAGE
    page = matches[:size]
    body = {"@odata.context": context(req, context_path or schema.entity_set, query.select)}
    if query.count and not query.skiptoken:
        body["@odata.count"] = len(matches)
    if len(matches) > size:
        body["@odata.nextLink"] = _next_link(req, _encode_token(key(page[-1])))
    if schema_of:
        body["value"] = [project(o, schema_of(o), query.select, req, query.expand, with_type=True) for o in page]
    else:
        body["value"] = [project(o, schema, query.select, req, query.expand) for o in page]
    return Response(200, body)


def count_response(req, schema, objects):
    """The `/$count` segment: advanced only, text/plain integer."""
    if not req.eventual:
        raise bad_request("$count is not currently supported.", "Request_BadRequest")
    query = Query(req, schema)
    return Response(200, str(len(filtered(objects, query))).encode(), content_type="text/plain")
