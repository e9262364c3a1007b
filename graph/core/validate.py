"""SHACL validation of the built graph against the shapes in ``ontology.ttl``, one source document
at a time, with each document's results cached by the content hash of what was checked.

Returns data, as pySHACL does: whether it conforms, and results with a severity, a focus node
(shown as its id) and a message, printed LinkML-style as ``[ERROR] [id] message``.

**Per document.** Every subject of the graph has a *home*: the named graph (source document) that
states its ``rdf:type`` (the first by name if several do), else the first named graph where it is a
subject. A document's *check set* is every triple (from any document) about the subjects at
home there, plus the ``rdf:type`` triples of every node those triples point at (what
``sh:class`` looks at), plus the ontology (class hierarchy, kinds, categories). A document is
checked again only when the SHA-256 of its check set (with the shapes and the engine) changes,
so an unchanged document is not validated again — and a document whose records gain a link from
another document is, because its check set changes. The uncached check sets are validated in
one engine call, and each result is kept for the document where its focus node is at home. When
no document's results are cached (a cold build), those check sets together are the whole union,
so the built-in engine reads the index the digests were made from instead of indexing them again.

This gives the same results as validating the whole union at once as long as every shape looks
only at its focus node's own triples and at the types of their values. :func:`local_shapes`
checks that from the shapes graph (targets by class, subject-of or node; predicate paths; value
type, count, range, string and list constraints; ``sh:or``/``and``/``not``/``xone`` of such);
anything else (an inverse path, ``sh:node``, SPARQL constraints, ``sh:targetObjectsOf`` ...)
makes the whole graph one check set, validated as before.

Cached results live in ``validation/`` beside the Oxigraph store cache (``$DRIVERS_CACHE_DIR``,
else ``$XDG_CACHE_HOME/drivers-graph``, else ``~/.cache/drivers-graph``); deleting it is always
safe. ``DRIVERS_VALIDATION_CACHE=0`` turns the cache off.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from dataclasses import dataclass
from functools import cached_property
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable

from rdflib import OWL, RDF, RDFS, BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, SH, XSD
from rdflib.plugins.serializers.nt import _quoteLiteral

from .gcpause import paused_gc
from .namespace import DG
from .namespace import same_iri as _same
from .paths import ONTOLOGY, VALIDATION_CACHE, cache_root
from .view import reach

if TYPE_CHECKING:
    from .rdf import Quads

SEVERITY = {SH.Violation: "ERROR", SH.Warning: "WARN", SH.Info: "INFO"}
_SEVERITY = {str(k): v for k, v in SEVERITY.items()}  # by the IRI as text
CACHE_ENV = "DRIVERS_VALIDATION_CACHE"
KEEP_DAYS = 30  # cached results unused this long are removed
#: the SHACL engine: the built-in one for the SHACL Core parameters the shapes use (pySHACL, the
#: reference, for any shape it does not support); benchmarks/shacl_engines.py compares them
ENGINE = "builtin"
_FORMAT = "1"  # bump when what is cached changes


@dataclass(frozen=True, order=True)
class Result:
    severity: str
    focus: str
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.focus} {self.path}".strip()
        return f"[{self.severity}] [{where}] {self.message}"


@dataclass
class Report:
    conforms: bool
    results: list[Result]
    documents: int = 0  # check sets (source documents) in this report
    checked: int = 0  # of them, how many were validated (the rest came from the cache)

    @property
    def errors(self) -> list[Result]:
        return [r for r in self.results if r.severity == "ERROR"]

    def text(self) -> str:
        if not self.results:
            return "No issues found"
        return "\n".join(str(r) for r in self.results)


_ONTOLOGY_CACHE: dict = {}


def load_ontology(path: Path = ONTOLOGY) -> Graph:
    g = Graph()
    g.parse(path, format="turtle")
    return g


def _ontology() -> tuple[Graph, str]:
    """The bundled ontology, parsed once per process, and the hash of its text."""
    key = (str(ONTOLOGY), ONTOLOGY.stat().st_mtime_ns)
    if key not in _ONTOLOGY_CACHE:
        _ONTOLOGY_CACHE.clear()
        text = ONTOLOGY.read_bytes()
        _ONTOLOGY_CACHE[key] = (load_ontology(), hashlib.sha256(text).hexdigest())
    return _ONTOLOGY_CACHE[key]


def union(ds: Dataset) -> Graph:
    """All named graphs of ``ds`` as one graph (what SHACL and NetworkX look at)."""
    g = Graph()
    for prefix, ns in ds.namespaces():
        g.bind(prefix, ns)
    for triple in ds.quads((None, None, None, None)):
        g.add(triple[:3])
    return g


# -- the shapes, read once: what the built-in engine checks, and whether documents can be checked apart

class Unsupported(Exception):
    """A shape uses something :class:`Shapes` does not check (then pySHACL checks the whole graph)."""


@dataclass
class Shape:
    """A node shape (``path`` None: its value node is the focus node) or a property shape."""

    node: object
    path: URIRef | None = None
    severity: str = str(SH.Violation)
    message: str | None = None
    constraints: list = None  # [(parameter, value)]
    properties: list = None  # property shapes, on a node shape only
    targets: list = None  # [(kind, value)], on a node shape only

    @cached_property
    def values_only(self) -> bool:
        """Every constraint checks each value on its own (so a property with no values passes them all)."""
        return all(name in _VALUE_PARAMS for name, _ in self.constraints)


#: the SHACL Core parameters the built-in engine checks (each looks only at the focus node's own
#: triples and the types of their values)
_VALUE_PARAMS = {"datatype", "nodeKind", "class", "pattern", "minLength", "maxLength", "in", "languageIn",
                 "minInclusive", "maxInclusive", "minExclusive", "maxExclusive", "or", "and", "not", "xone"}
_SET_PARAMS = {"minCount", "maxCount", "hasValue", "uniqueLang", "equals", "disjoint", "lessThan",
               "lessThanOrEquals", "closed"}
_IGNORED = {"name", "description", "order", "group", "defaultValue", "flags", "ignoredProperties", "message",
            "severity", "deactivated", "path", "property", "targetClass", "targetSubjectsOf", "targetNode",
            "declare", "prefixes"}


def _list(g: Graph, head) -> list:
    from rdflib.collection import Collection
    return list(Collection(g, head))


class Shapes:
    """The shapes of a shapes graph, parsed for the built-in engine; :class:`Unsupported` if any
    shape needs more than its focus node's own triples and the types of their values."""

    def __init__(self, g: Graph):
        self.g = g
        self.superclasses: dict = {}
        self.sub: dict = {}
        for c, sup in g.subject_objects(RDFS.subClassOf):
            self.sub.setdefault(c, set()).add(sup)
        named = set(g.subjects(RDF.type, SH.NodeShape))
        for p in (SH.targetClass, SH.targetSubjectsOf, SH.targetNode, SH.targetObjectsOf):
            named |= set(g.subjects(p, None))
        for s, p, o in g:
            if p == RDF.type and o in (SH.SPARQLConstraint, SH.SPARQLTarget, SH.JSTarget, SH.SPARQLRule):
                raise Unsupported(f"{o}")
        self.node_shapes = [self._shape(n, top=True) for n in sorted(named, key=str)]
        self.node_shapes = [sh for sh in self.node_shapes if sh is not None]

    def _shape(self, node, top: bool = False, path=None):
        g = self.g
        if g.value(node, SH.deactivated) == Literal(True):
            return None
        sh = Shape(node, path, constraints=[], properties=[], targets=[])
        sev = g.value(node, SH.severity)
        if sev is not None:
            sh.severity = str(sev)
        msgs = sorted(str(m) for m in g.objects(node, SH.message))
        sh.message = msgs[0] if msgs else None
        for p, o in sorted(g.predicate_objects(node)):
            if not str(p).startswith(str(SH)):
                continue
            name = str(p)[len(str(SH)):]
            if name in ("targetClass", "targetSubjectsOf", "targetNode"):
                if not top:
                    raise Unsupported(f"sh:{name} below the top of a shape")
                sh.targets.append((name, o))
            elif name == "property":
                if not top:  # a property of a value node: other nodes' triples
                    raise Unsupported("sh:property below a node shape")
                if not isinstance(g.value(o, SH.path), URIRef):
                    raise Unsupported("a path other than a single predicate")
                prop = self._shape(o, path=g.value(o, SH.path))
                if prop is not None:
                    sh.properties.append(prop)
            elif name in ("or", "and", "xone"):
                members = [self._member(m) for m in _list(g, o)]
                sh.constraints.append((name, members))
            elif name == "not":
                sh.constraints.append((name, self._member(o)))
            elif name in ("in", "languageIn"):
                sh.constraints.append((name, _list(g, o)))
            elif name == "pattern":
                import re
                flags = str(g.value(node, SH.flags) or "")
                sh.constraints.append((name, re.compile(str(o), sum(getattr(re, f.upper(), 0) for f in flags
                                                                     if f in "imsx"))))
            elif name == "closed":
                if o == Literal(True):
                    ignored = set()
                    for head in g.objects(node, SH.ignoredProperties):
                        ignored |= set(_list(g, head))
                    allowed = {g.value(ps, SH.path) for ps in g.objects(node, SH.property)}
                    sh.constraints.append((name, allowed | ignored))
            elif name in _VALUE_PARAMS or name in _SET_PARAMS:
                sh.constraints.append((name, o))
            elif name == "path" and path is not None or name in _IGNORED:
                continue
            else:  # sh:node, sh:qualifiedValueShape, sh:targetObjectsOf, sh:sparql ...
                raise Unsupported(f"sh:{name}")
        if top and isinstance(node, URIRef) and (node, RDF.type, RDFS.Class) in g or \
                top and (node, RDF.type, OWL.Class) in g:
            sh.targets.append(("targetClass", node))  # an implicit class target
        return sh

    def _member(self, node) -> Shape:
        """A shape inside sh:or / sh:and / sh:not / sh:xone, checked on the value node itself."""
        if self.g.value(node, SH.path) is not None:
            raise Unsupported("a property shape inside a logical constraint")
        return self._shape(node)

    @cached_property
    def about(self) -> dict:
        """The shapes graph's triples as the built-in engine reads them: subject -> {predicate: {object: None}}."""
        out: dict = {}
        for s, p, o in self.g:
            out.setdefault(s, {}).setdefault(p, {})[o] = None
        return out

    def supers(self, cls) -> set:
        """``cls`` and every class above it."""
        if cls not in self.superclasses:
            self.superclasses[cls] = reach(cls, self.sub)
        return self.superclasses[cls]


_SHAPES: dict = {}


def parsed_shapes(ont: Graph) -> Shapes | None:
    """The shapes of ``ont`` for the built-in engine, or None if one is :class:`Unsupported`."""
    key = (id(ont), len(ont))  # a graph changed since it was read is read again
    if key not in _SHAPES:
        try:
            _SHAPES[key] = (ont, Shapes(ont))
        except Unsupported:
            _SHAPES[key] = (ont, None)
    return _SHAPES[key][1]


def local_shapes(shapes: Graph) -> bool:
    """True when every shape checks only its focus node's own triples and the types of their values."""
    return parsed_shapes(shapes) is not None


# -- the check sets -----------------------------------------------------------------------------

def _graphs_of(source) -> dict:
    """graph name -> triples, from a Dataset or a :class:`graph.core.rdf.Quads`."""
    if isinstance(source, Dataset):
        out: dict = {}
        for s, p, o, g in source.quads((None, None, None, None)):
            out.setdefault(getattr(g, "identifier", g), []).append((s, p, o))
        return out
    return source.graphs


_TYPE, _SUBCLASS = RDF.type, RDFS.subClassOf  # looked up once: DefinedNamespace attributes are slow


class _Index:
    """The union indexed by subject, then predicate (subject -> {predicate: {object: None}}, what
    the built-in engine reads too), with each subject's home document; made in one pass."""

    def __init__(self, graphs: dict):
        about: dict = {}
        typed: dict = {}  # subject -> first graph stating its type
        seen: dict = {}  # subject -> first graph where it is a subject
        kinds: dict = {}  # predicate -> whether it is rdf:type
        for name in sorted(graphs, key=str):
            last = None
            for s, p, o in graphs[name]:
                if s is not last:  # a document states a record's triples together: one look-up each
                    props = about.get(s)
                    if props is None:
                        props = about[s] = {}
                        seen[s] = name
                    last = s
                values = props.get(p)
                if values is None:
                    props[p] = {o: None}
                    # a predicate new to this subject: only then can it be a first rdf:type
                    is_type = kinds.get(p)
                    if is_type is None:
                        is_type = kinds[p] = _same(p, _TYPE)
                    if is_type:
                        typed.setdefault(s, name)
                else:
                    values[o] = None
        self.about = about
        self.predicates = {p: p for p in kinds}  # each predicate as the object the index keys it by
        self._type_predicates = [p for p, is_type in kinds.items() if is_type]
        subclass = [p for p in kinds if _same(p, _SUBCLASS)]
        self.subclass = [(s, p, o) for s, props in about.items() for p in subclass for o in props.get(p, ())]
        self.home: dict = {}  # document -> [subject, ...]
        self.home_of: dict = {}  # subject -> document
        for s, first in seen.items():
            name = typed.get(s, first)
            self.home.setdefault(name, []).append(s)
            self.home_of[s] = name
        self._type_lines: dict = {}

    def types(self, node) -> list:
        props = self.about.get(node)
        return [o for p in self._type_predicates for o in props.get(p, ())] if props else []

    def check_set(self, subjects: list) -> list:
        mine = set(subjects)
        about = self.about
        triples = [(s, p, o) for s in subjects for p, values in about[s].items() for o in values]
        context = {o for _, _, o in triples if not isinstance(o, Literal) and o not in mine}
        triples += [(o, _TYPE, t) for o in sorted(context, key=str) for t in self.types(o)]
        triples += [t for t in self.subclass if t[0] not in mine]
        return triples

    def digest(self, subjects: list, salt: str, nt: NTerms) -> str:
        """The SHA-256 of ``salt`` and the sorted, distinct N-Triples lines of
        :meth:`check_set`, made from the index without the check set itself."""
        about, lines, context = self.about, [], set()
        add, link, tails = lines.append, context.add, nt.lines
        for s in subjects:
            ns = nt[s] + " "
            for p, values in about[s].items():
                head = ns + nt[p] + " "
                for o in values:
                    tail = tails[o]
                    add(head + tail)
                    if tail[0] != '"':  # not a literal (whose text, alone, starts with a quote)
                        link(o)
        mine = set(subjects)
        type_lines = self._type_lines
        for o in context:
            if o not in mine:
                found = type_lines.get(o)
                if found is None:
                    found = type_lines[o] = [f"{nt[o]} {nt[_TYPE]} {nt[t]} .\n" for t in self.types(o)]
                lines += found
        lines += [f"{nt[s]} {nt[p]} {nt[o]} .\n" for s, p, o in self.subclass if s not in mine]
        lines.sort()
        if any(map(str.__eq__, lines, islice(lines, 1, None))):  # a line twice (rare): once
            lines = sorted(set(lines))
        h = hashlib.sha256(salt.encode() + b"\0")
        h.update("".join(lines).encode("utf-8", "surrogatepass"))
        return h.hexdigest()


def _nt(t) -> str:
    if type(t) is URIRef:  # the usual case, without abc's isinstance
        return f"<{t}>"
    if isinstance(t, Literal):
        return _quoteLiteral(t)
    return f"_:{t}" if isinstance(t, BNode) else f"<{t}>"


class NTerms(dict):
    """term -> its N-Triples text as rdflib writes it, each worked out once; ``lines``: term ->
    that text ending a line (" .\\n")."""

    def __init__(self):
        super().__init__()
        self.lines = _Tails(self)

    def __missing__(self, t) -> str:
        text = self[t] = _nt(t)
        return text


class _Tails(dict):
    def __init__(self, nt: NTerms):
        super().__init__()
        self.nt = nt

    def __missing__(self, t) -> str:
        text = self[t] = self.nt[t] + " .\n"
        return text


# -- engines ------------------------------------------------------------------------------------

#: a raw result: (severity IRI, focus node, result path or None, message or None, constraint name)
Raw = tuple


def _builtin(triples: Iterable, ont: Graph, only: set | None = None, quick: bool = True) -> list[Raw]:
    """The SHACL Core parameters these shapes use, checked over an index of the triples (with the
    ontology, as pySHACL sees them); results for focus nodes in ``only`` (all if None).

    Agrees with pySHACL on severity, focus node, path and constraint (``tests/test_validate.py``
    and ``benchmarks/shacl_engines.py`` compare them on the bundled, hand-made, synthetic and
    broken data); a shape given no ``sh:message`` gets a message of its own here.
    """
    shapes = parsed_shapes(ont)
    if shapes is None:
        raise Unsupported("the shapes need pySHACL")
    about: dict = {}
    subclass = []
    for s_, p, o in _chain(triples, ont):
        about.setdefault(s_, {}).setdefault(p, {})[o] = None
        if _same(p, _SUBCLASS):
            subclass.append((s_, o))
    return _check_all(shapes, about, subclass, only, quick=quick)


def _builtin_index(index: _Index, ont: Graph, quick: bool = True) -> list[Raw]:
    """:func:`_builtin` on every triple of ``index`` with results for all its subjects, read from
    the index itself (the ontology's triples laid over it, the index left as it is)."""
    shapes = parsed_shapes(ont)
    if shapes is None:
        raise Unsupported("the shapes need pySHACL")
    about = dict(index.about)
    for s, props in shapes.about.items():
        mine = about.get(s)
        if mine is None:
            about[s] = props
        else:
            both = {p: dict(values) for p, values in mine.items()}
            for p, values in props.items():
                both.setdefault(p, {}).update(values)
            about[s] = both
    return _check_all(shapes, about, [(s, o) for s, _, o in index.subclass], index.about, index.predicates, quick)


def _check_all(shapes: Shapes, about: dict, subclass: list, only, canon: dict | None = None,
               quick: bool = True) -> list[Raw]:
    """Every node shape on its focus nodes in ``about`` (subject -> {predicate: {object: None}},
    data and ontology), for focus nodes in ``only`` (all if None). A focus node that passes a
    shape's quick test (:class:`_Quick`) passes it; any other is checked in full, message by message.
    ``canon``: predicate -> the object ``about`` keys it by (see :class:`_Quick`); ``quick=False``
    checks every focus node in full (the same results, slower: what the tests compare)."""
    canon = canon or {}
    type_key = canon.get(_TYPE, _TYPE)
    sub = {c: set(v) for c, v in shapes.sub.items()}
    for s_, o in subclass:
        sub.setdefault(s_, set()).add(o)
    closure: dict = {}

    def supers(c) -> set:
        if c not in closure:
            closure[c] = reach(c, sub)
        return closure[c]

    known: dict = {}  # node -> its classes (asked once for each value of each sh:class check)

    def classes(n) -> set:
        out = known.get(n)
        if out is None:
            out = known[n] = set()
            for t in about.get(n, {}).get(type_key, ()):
                out |= supers(t)
        return out
    instances: dict = {}
    for n, props in about.items():
        if type_key in props and (only is None or n in only):
            for c in classes(n):
                instances.setdefault(c, []).append(n)
    tests = _Quick(about, classes, canon)
    out: list = []
    for shape in shapes.node_shapes:
        focus: dict = {}
        for kind, value in shape.targets:
            if kind == "targetClass":
                focus.update(dict.fromkeys(instances.get(value, ())))
            elif kind == "targetSubjectsOf":
                value = canon.get(value, value)
                focus.update(dict.fromkeys(n for n, props in about.items() if value in props
                                           and (only is None or n in only)))
            elif only is None or value in only:
                focus[value] = None
        passes = tests.node_shape(shape) if quick else None
        for f in focus:
            if passes is not None and passes(f):
                continue
            for sev, path, msg, comp in _check_shape(shape, f, [f], about, classes, top=True):
                out.append((sev, f, path, msg, comp))
    return out


_LANG_STRING, _STRING = RDF.langString, XSD.string


class _Quick:
    """Each shape as a test that is true exactly when :func:`_check_shape` finds nothing: a
    specialised test for each parameter the bundled shapes use, and :func:`_failures` itself for
    the rest. Almost every focus node passes, so few are checked again in full for the messages.

    ``canon`` maps a predicate to the object the data's index uses for it, so that looking a
    shape's path up finds the very key (an equal but other object costs a Python ``__eq__``)."""

    def __init__(self, about: dict, classes, canon: dict):
        self.about, self.classes, self.canon = about, classes, canon

    def node_shape(self, shape: Shape):
        """focus -> True when ``shape`` (with its property shapes) finds nothing on it."""
        about = self.about
        own = self.on_node(shape)
        specs = [self.property_spec(prop) for prop in shape.properties]
        empty: dict = {}
        classes = self.classes

        def passes(f) -> bool:
            props = about.get(f, empty)
            if own is not None and not own(f, props):
                return False
            for path, values_only, lo, hi, tests, set_params, prop in specs:
                values = props.get(path)
                if values:
                    n = len(values)
                    if n < lo or hi is not None and n > hi:
                        return False
                    for test in tests:
                        for v in values:
                            if not test(v):
                                return False
                elif values_only:
                    continue  # a property the node lacks, with only value checks: passes
                elif lo > 0 or hi is not None and hi < 0:
                    return False
                if set_params:
                    listed = list(values or ())
                    for name, arg in set_params:
                        for _ in _failures(name, arg, listed, props, prop, about, classes):
                            return False
            return True
        return passes

    def on_node(self, shape: Shape):
        """(node, its properties) -> True when ``shape``'s own constraints pass on the node itself
        (its value nodes: the node alone); None when it has none."""
        if not shape.constraints:
            return None
        value_tests = [self.value_test(name, arg) for name, arg in shape.constraints if name not in _SET_PARAMS]
        about, classes = self.about, self.classes
        set_params = [(name, arg) for name, arg in shape.constraints if name in _SET_PARAMS]

        def passes(node, props) -> bool:
            for test in value_tests:
                if not test(node):
                    return False
            for name, arg in set_params:
                for _ in _failures(name, arg, [node], props, shape, about, classes):
                    return False
            return True
        return passes

    def property_spec(self, prop: Shape) -> tuple:
        """(path, values only, least count, most count or None, value tests, other parameters, shape)."""
        lo, hi = 0, None  # sh:minCount and sh:maxCount, tested as counts
        tests, set_params = [], []
        for name, arg in prop.constraints:
            if name in ("minCount", "maxCount") and str(arg).isdigit():
                if name == "minCount":
                    lo = max(lo, int(arg))
                else:
                    hi = int(arg) if hi is None else min(hi, int(arg))
            elif name in _SET_PARAMS:
                set_params.append((name, arg))
            else:
                tests.append(self.value_test(name, arg))
        return self.canon.get(prop.path, prop.path), prop.values_only, lo, hi, tests, set_params, prop

    def value_test(self, name: str, arg):
        """value -> the same as ``_value_ok(name, arg, value, ...)``."""
        about, classes = self.about, self.classes
        if name == "class":
            seen: dict = {}  # value -> passes (values repeat: the same plan, kind or partnership)

            def of_class(v) -> bool:
                ok = seen.get(v)
                if ok is None:
                    ok = seen[v] = not _literal(v) and arg in classes(v)
                return ok
            return of_class
        if name == "datatype":
            def datatype(v) -> bool:
                if not _literal(v):
                    return False
                dt = v.datatype or (_LANG_STRING if v.language else _STRING)
                return (dt is arg or dt == arg) and not v.ill_typed
            return datatype
        if name == "nodeKind":
            kinds = str(arg)[len(str(SH)):]
            return lambda v: ("Literal" if _literal(v) else "BlankNode" if _blank(v) else "IRI") in kinds
        if name == "pattern":
            search = arg.search
            return lambda v: not _blank(v) and search(str(v)) is not None
        if name == "minLength" and str(arg).isdigit():
            n = int(arg)
            return lambda v: not _blank(v) and len(str(v)) >= n
        if name == "in":
            return lambda v: v in arg
        if name in ("or", "and", "xone", "not") and None not in (arg if name != "not" else [arg]):
            if name == "not":
                member = self.member(arg)
                return lambda v: not member(v)
            members = [self.member(m) for m in arg]
            if name == "or":
                return lambda v: any(m(v) for m in members)
            if name == "and":
                return lambda v: all(m(v) for m in members)
            return lambda v: sum(m(v) for m in members) == 1
        return lambda v: _value_ok(name, arg, v, about, classes)

    def member(self, shape: Shape):
        """node -> the same as ``_conforms(shape, node, ...)``."""
        own = self.on_node(shape)
        if own is None:
            return lambda v: True
        about, empty = self.about, {}
        return lambda v: own(v, about.get(v, empty))


def _literal(v) -> bool:
    """``isinstance(v, Literal)``, without ``abc``'s check for the two usual types."""
    t = type(v)
    return t is Literal or t is not URIRef and isinstance(v, Literal)


def _blank(v) -> bool:
    """``isinstance(v, BNode)``, likewise."""
    t = type(v)
    return t is BNode or t is not URIRef and t is not Literal and isinstance(v, BNode)


def _chain(*parts):
    for part in parts:
        yield from part


def _check_shape(shape: Shape, focus, values: list, about: dict, classes, top: bool = False):
    """(severity, path, message, constraint) for each failure of ``shape`` on ``values``."""
    props = about.get(focus, {})
    for name, arg in shape.constraints:
        if not values and name in _VALUE_PARAMS:
            continue  # a constraint on each value: nothing to check (what _failures finds too)
        for bad, msg in _failures(name, arg, values, props, shape, about, classes):
            yield shape.severity, shape.path, shape.message or msg, name
    if top:
        for prop in shape.properties:
            values = props.get(prop.path)
            if values or not prop.values_only:  # a property the node lacks, with only value checks: passes
                yield from _check_shape(prop, focus, list(values or ()), about, classes)


def _conforms(shape: Shape, node, about: dict, classes) -> bool:
    return not any(True for _ in _check_shape(shape, node, [node], about, classes))


def _failures(name: str, arg, values: list, props: dict, shape: Shape, about: dict, classes):
    """(failing value or None, default message) for one constraint on the value nodes."""
    if name not in _SET_PARAMS:
        for v in values:
            if not _value_ok(name, arg, v, about, classes):
                yield v, _value_message(name, arg, v)
        return
    where = _Where(shape)  # the path's short name, worked out only for a message
    if name == "minCount":
        if len(values) < int(arg):
            yield None, f"{len(values)} values of {where}; at least {arg} needed"
    elif name == "maxCount":
        if len(values) > int(arg):
            yield None, f"{len(values)} values of {where}; at most {arg} allowed"
    elif name == "hasValue":
        if arg not in values:
            yield None, f"{where} does not have the value {_short(arg)}"
    elif name == "uniqueLang":
        if arg == Literal(True):
            langs = [v.language for v in values if isinstance(v, Literal) and v.language]
            if len(langs) != len(set(langs)):
                yield None, f"{where} has two values in one language"
    elif name in ("equals", "disjoint", "lessThan", "lessThanOrEquals"):
        other = list(props.get(arg, ()))
        if name == "equals" and set(values) != set(other):
            yield None, f"{where} differs from {_short(arg)}"
        elif name == "disjoint" and set(values) & set(other):
            yield None, f"{where} shares a value with {_short(arg)}"
        elif name in ("lessThan", "lessThanOrEquals"):
            for v in values:
                for w in other:
                    if not _compare(v, w, name == "lessThan" and "<" or "<="):
                        yield v, f"{_show(v)} is not {'less than' if name == 'lessThan' else 'at most'} {_show(w)}"
    elif name == "closed":
        for v in values:
            extra = sorted(p for p in about.get(v, {}) if p not in arg)
            if extra:
                yield v, f"{_show(v)} has properties the shape does not allow: {', '.join(map(_short, extra))}"
    else:
        for v in values:
            if not _value_ok(name, arg, v, about, classes):
                yield v, _value_message(name, arg, v)


class _Where:
    """A shape's path as messages name it (``_short``), formatted only when a message is made."""
    __slots__ = ("shape",)

    def __init__(self, shape):
        self.shape = shape

    def __str__(self) -> str:  # what an f-string writes
        return _short(self.shape.path) if self.shape.path is not None else "the node"


def _value_ok(name: str, arg, v, about: dict, classes) -> bool:
    if name == "class":
        return not isinstance(v, Literal) and arg in classes(v)
    if name == "datatype":
        if not isinstance(v, Literal):
            return False
        dt = v.datatype or (RDF.langString if v.language else XSD.string)
        return dt == arg and not v.ill_typed
    if name == "nodeKind":
        kind = "Literal" if isinstance(v, Literal) else "BlankNode" if isinstance(v, BNode) else "IRI"
        return kind in str(arg)[len(str(SH)):]
    if name == "pattern":
        return not isinstance(v, BNode) and arg.search(str(v)) is not None
    if name in ("minLength", "maxLength"):
        if isinstance(v, BNode):
            return False
        return len(str(v)) >= int(arg) if name == "minLength" else len(str(v)) <= int(arg)
    if name == "in":
        return v in arg
    if name == "languageIn":
        return isinstance(v, Literal) and bool(v.language) and any(
            v.language.lower() == str(t).lower() or v.language.lower().startswith(str(t).lower() + "-") for t in arg)
    if name in ("minInclusive", "maxInclusive", "minExclusive", "maxExclusive"):
        op = {"minInclusive": ">=", "maxInclusive": "<=", "minExclusive": ">", "maxExclusive": "<"}[name]
        return _compare(v, arg, op)
    if name == "or":
        return any(_conforms(m, v, about, classes) for m in arg)
    if name == "and":
        return all(_conforms(m, v, about, classes) for m in arg)
    if name == "xone":
        return sum(_conforms(m, v, about, classes) for m in arg) == 1
    if name == "not":
        return not _conforms(arg, v, about, classes)
    raise Unsupported(f"sh:{name}")  # pragma: no cover - Shapes refuses it first


def _compare(v, w, op: str) -> bool:
    if not (isinstance(v, Literal) and isinstance(w, Literal)) or v.ill_typed or w.ill_typed:
        return False
    try:
        a, b = v.toPython(), w.toPython()
        if isinstance(a, Literal) or isinstance(b, Literal) or type(a) is bool or type(b) is bool:
            return False
        return {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[op]
    except TypeError:
        return False


def _show(v) -> str:
    return f'"{v}"' if isinstance(v, Literal) else _short(v)


def _value_message(name: str, arg, v) -> str:
    if name in ("class", "datatype", "nodeKind"):
        return f"{_show(v)} is not a {_short(arg)} ({name})"
    if name == "pattern":
        return f"{_show(v)} does not match {arg.pattern}"
    if name in ("minLength", "maxLength"):
        return f"{_show(v)} is {'shorter' if name == 'minLength' else 'longer'} than {arg} characters"
    if name == "in":
        return f"{_show(v)} is not one of: {', '.join(_show(a) for a in arg)}"
    if name in ("or", "and", "xone", "not"):
        return f"{_show(v)} does not conform to sh:{name}"
    return f"{_show(v)} fails sh:{name} {_show(arg)}"


def _component(iri) -> str:
    """sh:MinCountConstraintComponent -> "minCount"."""
    name = _short(URIRef(str(iri))).removesuffix("ConstraintComponent")
    return name[:1].lower() + name[1:]


def _pyshacl(triples: Iterable, ont: Graph, only: set | None = None) -> list[Raw]:
    import pyshacl  # heavy: imported only when validating

    data = Graph()
    for t in triples:
        data.add(t)
    data += ont  # class hierarchy and concept schemes, so sh:class sees subclasses and kinds
    _, report_graph, _ = pyshacl.validate(
        data, shacl_graph=ont, inference="none", abort_on_first=False,
        allow_infos=True, allow_warnings=True, advanced=True)
    out = []
    for res in report_graph.subjects(RDF.type, SH.ValidationResult):
        msg = report_graph.value(res, SH.resultMessage)
        out.append((str(report_graph.value(res, SH.resultSeverity)), report_graph.value(res, SH.focusNode),
                    report_graph.value(res, SH.resultPath), None if msg is None else str(msg),
                    _component(report_graph.value(res, SH.sourceConstraintComponent))))
    return out


def _rudof(triples: Iterable, ont: Graph, only: set | None = None) -> list[Raw]:
    """pyrudof (rudof's Rust engine), for comparison: see benchmarks/shacl_engines.py."""
    import pyrudof

    memo: dict = {}
    lines = []
    for s, p, o in triples:
        lines.append(f"{memo.get(s) or memo.setdefault(s, _nt(s))} {_nt(p)} {memo.get(o) or memo.setdefault(o, _nt(o))} .")
    lines.extend(f"{_nt(s)} {_nt(p)} {_nt(o)} ." for s, p, o in ont)
    r = pyrudof.Rudof(pyrudof.RudofConfig())
    r.read_data("\n".join(lines) + "\n", format=pyrudof.RDFFormat.NTriples, reader_mode=pyrudof.ReaderMode.Strict)
    r.read_shacl(ONTOLOGY.read_text(encoding="utf-8"), format=pyrudof.ShaclFormat.Turtle,
                 reader_mode=pyrudof.ReaderMode.Strict)
    out = []
    for e in r.validate_shacl():
        sev = {"Violation": SH.Violation, "Warning": SH.Warning, "Info": SH.Info}.get(str(e.severity), SH.Violation)
        path = URIRef(str(e.path)) if e.path else None
        msg = e.message.strip('"') if e.message else None
        out.append((str(sev), _term(str(e.focus_node)), path, msg, _component(str(e.constraint_component))))
    return out


def _term(text: str):
    if text.startswith("_:"):
        return BNode(text[2:])
    return URIRef(text.strip("<>"))


ENGINES: dict[str, Callable] = {"builtin": _builtin, "pyshacl": _pyshacl, "rudof": _rudof}


# -- the cache ----------------------------------------------------------------------------------

def _cache_dir() -> Path | None:
    if os.environ.get(CACHE_ENV, "1").strip().lower() in ("0", "no", "off", "false"):
        return None
    return cache_root() / VALIDATION_CACHE


def _read(folder: Path | None, key: str) -> list | None:
    if folder is None:
        return None
    path = folder / f"{key}.json"
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(rows, list) or not all(isinstance(r, list) and len(r) == 5 for r in rows):
        return None  # damaged: validate again
    try:
        os.utime(path)
    except OSError:
        pass
    return rows


def _write(folder: Path | None, key: str, rows: list) -> None:
    """Store one document's results (temporary file + rename); a cache that cannot be written is
    only slower, never an error."""
    if folder is None:
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{key}.", suffix=".tmp", dir=folder)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(rows, fh, ensure_ascii=False)
        os.replace(tmp, folder / f"{key}.json")
    except OSError:
        pass


def _prune(folder: Path | None) -> None:
    if folder is None or not folder.is_dir():
        return
    cutoff = time.time() - KEEP_DAYS * 86400
    for p in folder.iterdir():
        try:
            if p.stat().st_mtime < cutoff or (p.name.startswith(".") and p.stat().st_mtime < time.time() - 3600):
                p.unlink()
        except OSError:
            pass


# -- validate -----------------------------------------------------------------------------------

def validate(source, ontology: Graph | None = None, *, engine: str | None = None, cache: bool = True,
             progress: Callable[[int, int], None] | None = None) -> Report:
    """Validate every named graph of ``source`` (a Dataset or :class:`graph.core.rdf.Quads`)
    against the SHACL shapes, document by document, reusing cached results of unchanged documents.

    ``ontology``: shapes and class hierarchy to use instead of ``ontology.ttl`` (not cached);
    ``engine``: a name in :data:`ENGINES` (default :data:`ENGINE`); ``progress(done, total)`` is
    called as documents are checked.
    """
    engine = engine or ENGINE
    if engine not in ENGINES:
        from .errors import UsageError
        raise UsageError(f"unknown SHACL engine {engine!r}; use one of: {', '.join(ENGINES)}")
    if ontology is None:
        ont, ont_hash = _ontology()
    else:
        ont, ont_hash, cache = ontology, "", False
    # the index is a few hundred thousand containers, none of them garbage, and each collection
    # walked them again (0.8 s of 2.2 s cold validation at 32 partnerships)
    with paused_gc():
        return _validate(source, ont, ont_hash, engine, cache, progress)


def _validate(source, ont: Graph, ont_hash: str, engine: str, cache: bool, progress) -> Report:
    graphs = _graphs_of(source)
    index = _Index(graphs)
    if engine == "builtin" and not local_shapes(ont):
        engine = "pyshacl"  # a shape the built-in engine does not check
    if local_shapes(ont):
        parts = index.home
    else:  # a shape that looks beyond its focus node: the whole graph is one check set
        parts = {"": [s for subjects in index.home.values() for s in subjects]}
    folder = _cache_dir() if cache else None
    salt = f"{_FORMAT}\0{engine}\0{ont_hash}\0{_engine_version(engine)}"
    names = sorted(parts, key=str)
    total = len(names)
    memo = NTerms()  # shared by every document's digest
    raw_by_part: dict = {}
    todo: list = []
    for i, name in enumerate(names, start=1):
        key = index.digest(parts[name], salt, memo)
        rows = _read(folder, key)
        if rows is None:
            todo.append((name, key))
        else:
            raw_by_part[name] = [(sev, _term(focus), URIRef(path) if path else None, msg, comp)
                                 for sev, focus, path, msg, comp in rows]
        if progress and rows is not None:
            progress(i, total)
    if todo:
        found: dict = {name: [] for name, _ in todo}
        if engine == "builtin" and len(todo) == total and parts is index.home:
            # every document: their check sets together are the whole index, read as it is
            home = index.home_of
            raws = _builtin_index(index, ont)
        else:
            home = {s: name for name, _ in todo for s in parts[name]}
            batch = [t for name, _ in todo for t in index.check_set(parts[name])]
            raws = ENGINES[engine](batch, ont, only=set(home))
        for raw in raws:
            if raw[1] in home:  # a result for a node only its types were brought in for is not its home's
                found[home[raw[1]]].append(raw)
        for name, key in todo:
            rows = sorted({(sev, f"_:{f}" if isinstance(f, BNode) else str(f), str(p) if p is not None else "", m, c)
                           for sev, f, p, m, c in found[name]},
                          key=lambda r: tuple(x or "" for x in r))
            _write(folder, key, [list(r) for r in rows])
            raw_by_part[name] = found[name]
        if progress:
            progress(total, total)
        _prune(folder)
    results = sorted({Result(_SEVERITY.get(sev, "ERROR"), str(_focus_label(index, f) or _short(f)),
                             _short(p), str(m or "does not conform"))
                      for rows in raw_by_part.values() for sev, f, p, m, _ in rows})
    return Report(conforms=not any(r.severity == "ERROR" for r in results), results=results,
                  documents=total, checked=len(todo))


def engine_results(source, engine: str, ontology: Graph | None = None) -> set[tuple]:
    """One engine's results on the whole of ``source`` at once (no documents, no cache), as
    (severity IRI, focus, path, constraint, the shape's own sh:message or None): what the tests
    and ``benchmarks/shacl_engines.py`` compare between engines."""
    ont = ontology if ontology is not None else _ontology()[0]
    index = _Index(_graphs_of(source))
    given = {str(m) for m in ont.objects(None, SH.message)}
    triples = [(s, p, o) for s, props in index.about.items() for p, values in props.items() for o in values]
    return {(sev, str(f), str(p) if p is not None else "", c, m if m in given else None)
            for sev, f, p, m, c in ENGINES[engine](triples, ont, only=None) if f in index.about}


def _engine_version(engine: str) -> str:
    """What the cached results depend on besides the data and shapes: the engine's version (for
    the built-in one, this module's code)."""
    if engine == "builtin":
        return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()
    from importlib import metadata
    try:
        return metadata.version({"pyshacl": "pyshacl", "rudof": "pyrudof"}[engine])
    except metadata.PackageNotFoundError:
        return "?"


def _focus_label(index: _Index, focus) -> str | None:
    """An id for a record, "edition-id entry 1.4" for an edition entry."""
    if focus is None:
        return None

    def value(s, p):
        return next(iter(index.about.get(s, {}).get(p, ())), None)
    ident = value(focus, DCTERMS.identifier)
    if ident is not None:
        return str(ident)
    ed = value(focus, DG.edition)
    if ed is not None:
        return f"{value(ed, DCTERMS.identifier)} entry {value(focus, DG.number)}"
    return None


def _short(node) -> str:
    if node is None:
        return ""
    text = str(node)
    if isinstance(node, URIRef):
        for sep in ("#", "/"):
            if sep in text:
                return text.rsplit(sep, 1)[1]
    return text
