"""Named SPARQL queries (``queries/*.rq``) and ad hoc SPARQL over the built graph.

A named query is a ``.rq`` file whose leading comments declare it::

    # title: What drives an action
    # description: Every driver upstream of an action, with the relation that reaches it.
    # param: action (string, required) id of the action, e.g. nl-neglect-ap-a1

Parameters are bound with rdflib's ``initBindings`` (a string as a plain literal, an integer as an
``xsd:integer``), never pasted into the query text, so ``x" } ; DROP ALL ; #`` is just a string.
A string parameter described as "id of the action" (driver, partnership ...) must name an existing
record of that class: an unknown id is an error, not an empty answer.

Results come back as plain Python values; an IRI is shown as its ``dcterms:identifier``.

Writing a query for rdflib: it orders the patterns of a block before it knows which variables
are bound, so start from the parameter with one path (``?action ^dcterms:identifier/dg:partOf* ?x``)
and put per-row look-ups in ``OPTIONAL`` or ``FILTER EXISTS``, which run once per row.
"""

from __future__ import annotations

import difflib
import itertools
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from pyparsing import ParseException
from rdflib import Graph, Literal, URIRef, Variable
from rdflib.namespace import DCTERMS, ORG, PROV, RDF, RDFS, SKOS, XSD
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.sparql import Query

from ..core.errors import UsageError, rel
from ..core.namespace import DG
from ..core.paths import QUERIES

#: prefixes an ad hoc query may use without declaring them
PREFIXES = {"dg": DG._NS, "dcterms": DCTERMS, "prov": PROV, "skos": SKOS, "rdf": RDF, "rdfs": RDFS,
            "xsd": XSD, "org": ORG}

_HEADER = re.compile(r"#\s*(title|description|param):\s*(.*)")
_PARAM = re.compile(r"(\w+)\s*\((string|integer)(?:,\s*(required|optional))?\)\s*(.*)")


@dataclass(frozen=True)
class Param:
    name: str
    type: str  # "string" | "integer"
    required: bool
    description: str

    def __str__(self) -> str:
        return f"{self.name} ({self.type}, {'required' if self.required else 'optional'})"


@dataclass(frozen=True)
class NamedQuery:
    name: str
    title: str
    description: str
    params: tuple[Param, ...]
    text: str
    where: str = ""  # the file it came from, for error messages


@dataclass
class Result:
    """Columns in query order and one dict per row (str, int, float, bool or None values)."""

    columns: list[str]
    rows: list[dict]


_ID_OF = re.compile(r"id of (?:the|a|an) (\w+)", re.I)


def id_class(p: Param) -> str | None:
    """The class a string parameter must be an id of, as its description says ("id of the action"
    -> ``Action``), or None: such a value is checked before the query runs."""
    m = _ID_OF.match(p.description) if p.type == "string" else None
    return m.group(1)[:1].upper() + m.group(1)[1:].lower() if m else None


def parse_named(name: str, text: str, where: str | None = None) -> NamedQuery:
    """Read the header of a named query; UsageError (with the line) if it is missing or malformed."""
    where = where or name
    head: dict[str, str] = {}
    params: list[Param] = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.startswith("#"):
            break
        m = _HEADER.match(line)
        if not m:
            continue
        key, value = m.group(1), m.group(2).strip()
        if key != "param":
            head[key] = value
            continue
        p = _PARAM.match(value)
        if not p:
            raise UsageError(f"{where}:{lineno}: bad param line {line!r}; write "
                             "'# param: NAME (string|integer, required|optional) description'")
        params.append(Param(p.group(1), p.group(2), p.group(3) != "optional", p.group(4)))
    if "title" not in head:
        raise UsageError(f"{where}:1: a named query starts with '# title: ...' (then description and params)")
    return NamedQuery(name, head["title"], head.get("description", ""), tuple(params), text, where)


def load_named(folder: Path = QUERIES) -> dict[str, NamedQuery]:
    """Every ``*.rq`` in ``folder``, by file name without ``.rq``."""
    return {p.stem: parse_named(p.stem, p.read_text(encoding="utf-8"), rel(p))
            for p in sorted(folder.glob("*.rq"))}


def get_named(name: str, folder: Path = QUERIES) -> NamedQuery:
    queries = load_named(folder)
    if name not in queries:
        near = difflib.get_close_matches(name, list(queries), n=3)
        hint = f"did you mean {', '.join(near)}?" if near else f"use one of: {', '.join(queries)}"
        raise UsageError(f"no named query {name!r}; {hint}")
    return queries[name]


def bind_params(q: NamedQuery, pairs: list[str] | dict[str, str]) -> dict[str, Literal]:
    """``["action=x", "year=2023"]`` -> bindings typed as the header declares; UsageError otherwise."""
    if isinstance(pairs, dict):
        values = dict(pairs)
    else:
        values = {}
        for pair in pairs:
            key, eq, value = pair.partition("=")
            if not eq:
                raise UsageError(f"--param {pair!r} is not key=value")
            values[key.strip()] = value
    declared = {p.name: p for p in q.params}
    unknown = sorted(set(values) - set(declared))
    if unknown:
        raise UsageError(f"query {q.name!r} has no parameter {', '.join(unknown)}; "
                         f"its parameters: {', '.join(map(str, q.params)) or 'none'}")
    missing = [str(p) for p in q.params if p.required and p.name not in values]
    if missing:
        raise UsageError(f"query {q.name!r} needs --param {', '.join(missing)}")
    out = {}
    for key, value in values.items():
        if declared[key].type == "integer":
            try:
                out[key] = Literal(int(value))
            except ValueError:
                raise UsageError(f"parameter {key!r} of {q.name!r} must be an integer, not {value!r}") from None
        else:
            out[key] = Literal(value)
    return out


def prepare(text: str, where: str = "query") -> Query:
    """Parse and translate SPARQL; UsageError giving the line and column of a syntax error."""
    _check_size(text, where)
    try:
        parsed = parseQuery(text)
    except RecursionError:
        raise UsageError(f"{where}: the query is nested too deeply to parse — simplify it") from None
    except ParseException as e:
        near = e.line[e.col - 1:].strip()[:40]
        raise UsageError(f"{where}: malformed SPARQL at line {e.lineno}, column {e.col}: {e.msg}, "
                         f"near {near!r}") from None
    try:
        return translateQuery(parsed, initNs=PREFIXES)
    except RecursionError:
        raise UsageError(f"{where}: the query is nested too deeply to run — simplify it") from None
    except Exception as e:  # rdflib raises a bare Exception for an unknown prefix
        raise UsageError(f"{where}: {e}") from None


MAX_QUERY_CHARS = 200_000
MAX_NESTING = 64


def _check_size(text: str, where: str) -> None:
    """Refuse a query far larger or more deeply nested than any real one before the parser (which
    recurses, and can take minutes on crafted input) sees it."""
    if len(text) > MAX_QUERY_CHARS:
        raise UsageError(f"{where}: the query is {len(text):,} characters; at most {MAX_QUERY_CHARS:,} — shorten it")
    depth = deepest = 0
    for tok in re.finditer(r"""'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|<[^<>\s]*>|\#[^\n]*|[({\[]|[)}\]]""", text):
        c = tok.group(0)
        if c in "({[":
            depth += 1
            deepest = max(deepest, depth)
        elif c in ")}]":
            depth -= 1
    if deepest > MAX_NESTING:
        raise UsageError(f"{where}: brackets are nested {deepest} deep; at most {MAX_NESTING} — simplify the query "
                         "(or close the brackets left open)")


def run(g: Graph, text: str | Query, bindings: dict[str, Literal] | None = None, where: str = "query") -> Result:
    """Run a SELECT or ASK query (text, or from :func:`prepare`) on ``g``; anything else is a UsageError."""
    q = text if isinstance(text, Query) else prepare(text, where)
    kind = select_or_ask(q, where)
    res = g.query(q, initBindings={Variable(k): v for k, v in (bindings or {}).items()})
    return as_result(g, res, kind)


def refuse_service(query, where: str = "query") -> None:
    """UsageError when a prepared query has a ``SERVICE`` clause anywhere in it, or ``FROM`` /
    ``FROM NAMED`` (rdflib would fetch such a graph from the web, or read it from a file)."""
    from rdflib.plugins.sparql.parserutils import CompValue
    if query.algebra.get("datasetClause"):
        raise UsageError(f"{where}: FROM and FROM NAMED are not allowed: the query already sees the whole graph, "
                         "and they would make the server load a graph from elsewhere")
    stack = [query.algebra]
    while stack:
        node = stack.pop()
        if isinstance(node, CompValue):
            if node.name == "ServiceGraphPattern":
                raise UsageError(f"{where}: SERVICE is not allowed: a query answers from this graph only "
                                 "and never makes this machine fetch from elsewhere — remove the SERVICE block")
            stack.extend(node.values())
        elif isinstance(node, (list, tuple)):
            stack.extend(node)


def select_or_ask(q: Query, where: str = "query") -> str:
    """``"SelectQuery"`` or ``"AskQuery"``, the kind of a prepared query; any other kind is a UsageError."""
    kind = q.algebra.name
    if kind not in ("SelectQuery", "AskQuery"):
        raise UsageError(f"{where}: only SELECT and ASK queries are supported, not {kind.removesuffix('Query')}")
    refuse_service(q, where)
    return kind


def as_result(g: Graph, res, kind: str) -> Result:
    """An rdflib query result as a :class:`Result`, each IRI shown as its ``dcterms:identifier`` in ``g``."""
    if kind == "AskQuery":
        return Result(["ask"], [{"ask": bool(res.askAnswer)}])
    cols = [str(v) for v in res.vars]
    ids: dict[URIRef, str | None] = {}
    rows = res if ROW_LIMIT is None else itertools.islice(res, ROW_LIMIT)
    return Result(cols, [{c: _plain(g, row[i], ids) for i, c in enumerate(cols)} for row in rows])


#: rows an answer is read to at most (None: all); a query worker sets it to its row limit + 1, so a
#: huge answer is cut while it is read instead of filling the memory first
ROW_LIMIT: int | None = None


def run_named(g: Graph, q: NamedQuery, params: list[str] | dict[str, str] = ()) -> Result:
    return run(g, q.text, bind_params(q, params), where=q.where or q.name)


def _plain(g: Graph, v, ids: dict) -> str | int | float | bool | None:
    if v is None:
        return None
    if isinstance(v, Literal):
        py = v.toPython()
        if isinstance(py, (bool, int, float)):
            return py
        return float(py) if isinstance(py, Decimal) else str(v)
    if isinstance(v, URIRef):
        if v not in ids:
            ident = g.value(v, DCTERMS.identifier)
            ids[v] = None if ident is None else str(ident)
        return ids[v] or str(v)
    return str(v)
