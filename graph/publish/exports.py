"""Deterministic exports: TriG (named graphs), Turtle, JSON-LD, GraphML, CSV.

Every writer is a pure function from a graph to text; sorted, with no timestamps, so
``git diff exports/`` shows only what changed in the data. ``io.write_many`` puts them on disk.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import re
from itertools import chain, islice, repeat
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from rdflib import RDF, RDFS, BNode, Graph, Literal, URIRef

from ..core import jsontext
from ..core.namespace import same_iri as _same
from ..core.rdf import Quads, namespaced_graph

from ..web import page as viz
from ..answers.catalog import Catalog

if TYPE_CHECKING:
    import networkx as nx

    from ..core.pipeline import Built

#: Cells that a spreadsheet would run as a formula start with one of these.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """Text for a CSV cell, with formula-looking text made inert by a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        value = "; ".join(str(v) for v in value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def to_csv(rows: list[dict], columns: list[str] | None = None) -> str:
    buf = io.StringIO()
    write_csv(buf, rows, columns)
    return buf.getvalue()


def write_csv(fh: TextIO, rows: list[dict], columns: list[str] | None = None) -> None:
    cols = columns or sorted({k for r in rows for k in r})
    w = csv.writer(fh, lineterminator="\n")
    w.writerow([safe_cell(c) for c in cols])  # headers can be titles from the data (coverage columns)
    for r in rows:
        w.writerow([safe_cell(r.get(c)) for c in cols])


def _sorted_lines(text: str) -> list[str]:
    # split on "\n" only: str.splitlines() also splits on U+2028, U+0085 ..., which N-Triples
    # leaves unescaped inside literals, so a title holding one would be cut in two
    return sorted(line for line in text.split("\n") if line.strip())


# -- the RDF exports, written from the quads (rdflib's own term syntax, none of its store) ------

#: a triple's subject, predicate, object (``map(_S, triples)``: a column, read in C)
_S, _P, _O = itemgetter(0), itemgetter(1), itemgetter(2)


def _gc_paused(writer):
    """``writer`` run with the cyclic garbage collector paused (``gcpause.paused_gc``): a writer makes
    hundreds of thousands of strings, lists and dicts, none of them in a cycle, and each young-generation
    pass that they set off walked every object of the build again (at 32 partnerships, a second of
    graph.ttl's 1.9 s and half a second of graph.jsonld's 1.3 s). Reference counting frees as usual."""
    @functools.wraps(writer)
    def paused(*args, **kwargs):
        from ..core.gcpause import paused_gc
        with paused_gc():
            return writer(*args, **kwargs)
    return paused


def _quads(ds) -> Quads:
    """``ds`` as :class:`Quads`: a Dataset's named graphs, or the quads themselves."""
    if isinstance(ds, Quads):
        return ds
    q = Quads()
    for s, p, o, g in ds.quads((None, None, None, None)):
        q.graph(getattr(g, "identifier", g)).add((s, p, o))
    return q


class _Terms(dict):
    """id(term) -> its N-Triples text, each worked out once (rdflib's own functions, so the text is
    what ``serialize(format="nt")`` writes). Keyed by identity: hashing a Literal runs Python code,
    and ``rdf.build`` makes one term per distinct value, so equal terms are mostly the same object
    (an equal one that is not is only worked out again). Each term is kept, so no id is reused."""

    def __init__(self):
        super().__init__()
        self._kept: list = []
        self._held: tuple | None = None  # (quads, their statements) for the second of graph.nq, graph.trig

    def text(self, t) -> str:
        text = self.get(id(t))
        if text is None:
            if isinstance(t, Literal):
                text = _nt_literal()(t)
            elif type(t) is URIRef and not _NOT_IN_IRI.search(t):
                text = f"<{t}>"  # what URIRef.n3() gives, its check for such characters done in C
            else:
                text = t.n3()  # a blank node; or an IRI rdflib refuses to write, with its own error
            self._kept.append(t)
            self[id(t)] = text
        return text

    def lines(self, triples) -> list[str]:
        """Each triple's N-Triples statement (ending " ."), sorted, each text once. A term's text is
        looked up in C (``dict.get`` of its ``id``); only a term not met before costs a Python call.
        Sorted first (the triples come grouped by subject, which the sort runs through quickly), so a
        repeat is next to its twin: looked for by comparing neighbours, in C, and only then dropped."""
        get, nt = self.get, self.text
        lines = [f"{get(id(s)) or nt(s)} {get(id(p)) or nt(p)} {get(id(o)) or nt(o)} ." for s, p, o in triples]
        lines.sort()
        if any(map(str.__eq__, lines, islice(lines, 1, None))):
            lines = list(dict.fromkeys(lines))
        return lines

    def statements(self, q: Quads, hold: bool):
        """(graph name, its statements sorted, each ending " .") for each named graph, in name order:
        TriG's lines, and N-Quads' once the graph is put before each " .". With ``hold``, the first of
        the two writers to ask keeps them for the second, which takes them (each is worked out once),
        up to :data:`KEEP_STATEMENTS` of them; past that (and without ``hold``) each graph's are made as
        it is asked for and not kept: held beside N-Quads' own lines, they would raise the build's peak
        memory (at 256 partnerships, by about 450 MB)."""
        held = self._held
        if held is not None and held[0] is q:
            self._held = None
            return held[1]
        names = q.names()
        if hold and sum(len(q.graphs[name]) for name in names) <= KEEP_STATEMENTS:
            out = [(name, self.lines(q.graphs[name])) for name in names]
            self._held = (q, out)
            return out
        return ((name, self.lines(q.graphs[name])) for name in names)


@functools.cache
def _nt_literal():
    """rdflib's N-Triples text of a literal (its ``_quoteLiteral``), imported once."""
    from rdflib.plugins.serializers.nt import _quoteLiteral
    return _quoteLiteral


#: graph.trig's statements are kept from graph.nq's writing up to this many (more: worked out again)
KEEP_STATEMENTS = 1_000_000

#: the characters rdflib's ``URIRef.n3()`` refuses in an IRI (``rdflib.term._invalid_uri_chars``)
_NOT_IN_IRI = re.compile("[" + re.escape('<>" {}|\\^`') + "]")


@_gc_paused
def write_nquads(ds, fh: TextIO, terms: _Terms | None = None) -> None:
    """N-Quads, one statement a line, sorted: the canonical form for diffs and comparisons."""
    q, hold, terms = _quads(ds), terms is not None, _Terms() if terms is None else terms
    lines: list = []
    for name, statements in terms.statements(q, hold):
        tail = f"{URIRef(name).n3()} ."
        lines += [line[:-1] + tail for line in statements]  # "s p o " + "<graph> ."
    lines.sort()  # the graphs' sorted runs merged (sorting the text, it is the order of a fresh sort)
    _write_lines(fh, lines)
    if not lines:
        fh.write("\n")


def _write_lines(fh: TextIO, lines: list[str], indent: str = "", chunk: int = 10_000) -> None:
    """Each line, indented and ended, written a chunk at a time (not one call a line)."""
    sep = "\n" + indent
    for i in range(0, len(lines), chunk):
        fh.write(indent + sep.join(lines[i:i + chunk]) + "\n")


@_gc_paused
def write_trig(ds, fh: TextIO, terms: _Terms | None = None) -> None:
    """TriG with one block per named graph, graphs and statements sorted."""
    q, hold, terms = _quads(ds), terms is not None, _Terms() if terms is None else terms
    for i, (name, statements) in enumerate(terms.statements(q, hold)):
        fh.write(("\n" if i else "") + f"<{name}> {{\n")
        _write_lines(fh, statements, "  ")
        fh.write("}\n")


def _text(writer, *args) -> str:
    """What ``writer(*args, fh)`` writes, as text."""
    buf = io.StringIO()
    writer(*args, buf) if args else writer(buf)
    return buf.getvalue()


def nquads(ds) -> str:
    """N-Quads text of a Dataset or :class:`Quads` (see :func:`write_nquads`)."""
    return _text(write_nquads, ds)


def trig(ds) -> str:
    """TriG text of a Dataset or :class:`Quads` (see :func:`write_trig`)."""
    return _text(write_trig, ds)


def _triples(g) -> list:
    """The distinct triples of an rdflib Graph, or of the union of :class:`Quads`."""
    return g.triples() if isinstance(g, Quads) else list(g.triples((None, None, None)))


def _plain(triples) -> bool:
    """No blank nodes and no RDF lists: what the fast Turtle and JSON-LD writers handle (the build
    never makes either; anything else is written by rdflib itself). See :func:`_plain_lists`."""
    return _plain_lists([triples])


#: terms looked up once (``RDF.nil`` on rdflib's DefinedNamespace runs Python code each time)
RDF_NIL, RDFS_CLASS = RDF.nil, RDFS.Class
#: the IRIs of RDF lists, as text
_LIST_IRIS = frozenset(str(t) for t in (RDF.first, RDF.rest, RDF.nil))


def _plain_lists(lists) -> bool:
    """:func:`_plain` of the triples of every list in ``lists`` together. Checked column by column in
    C (the kinds of term met, then the IRIs against rdf:first, rdf:rest, rdf:nil), not term by term;
    objects by their text first, and only if one's text is a list IRI, again leaving literals out."""
    kinds: set = set()
    iris = _LIST_IRIS
    for triples in lists:
        kinds.update(map(type, map(_S, triples)))
        kinds.update(map(type, map(_O, triples)))
    if any(issubclass(k, BNode) for k in kinds):
        return False
    for triples in lists:
        if not (iris.isdisjoint(map(str, set(map(_P, triples)))) and iris.isdisjoint(map(str, map(_S, triples)))):
            return False  # IRIs: a literal is never one of them (a literal subject is taken by its text)
        if not iris.isdisjoint(map(str, map(_O, triples))) and not iris.isdisjoint(
                str(o) for o in map(_O, triples) if not isinstance(o, Literal)):
            return False
    return True


def _triple_lists(g) -> list:
    """The triples of an rdflib Graph (one list, each triple once), or of each named graph of
    :class:`Quads` in name order (a triple may come more than once)."""
    return [g.graphs[name] for name in g.names()] if isinstance(g, Quads) else [list(g.triples((None, None, None)))]


@_gc_paused
def write_turtle(g, fh: TextIO) -> None:
    """Turtle exactly as rdflib's serializer writes it (its prefix and term code, its subject,
    predicate and object order, its layout), with the layout done here: rdflib's serializer makes
    several method calls per term written, which was most of the build's Turtle time.

    The triples are grouped by subject and predicate in one pass (repeats, a triple stated in two
    documents, dropped afterwards: only a predicate with several objects can hold one); each distinct
    term's prefixed name and label is then worked out once, and the text laid out from those."""
    lists = _triple_lists(g)
    if not _plain_lists(lists):
        fh.write((g.union() if isinstance(g, Quads) else g).serialize(format="turtle"))
        return
    a, label_p, lit = RDF.type, RDFS.label, Literal
    about: dict = {}  # subject -> {predicate: [objects]}
    refs: dict = {}  # IRI object -> how many triples it is the object of
    for triples in lists:
        for s, p, o in triples:
            props = about.get(s)
            if props is None:
                props = about[s] = {}
            objects = props.get(p)
            if objects is None:
                props[p] = [o]
            else:
                objects.append(o)
            if type(o) is not lit:
                refs[o] = refs.get(o, 0) + 1
    for props in about.values():
        for p, objects in props.items():
            if len(objects) > 1:
                kept = list(dict.fromkeys(objects))
                if len(kept) < len(objects):  # a triple met more than once
                    for o in kept:
                        if type(o) is not lit:
                            refs[o] -= objects.count(o) - 1
                    objects[:] = kept
    names = _TurtleNames(namespaced_graph() if isinstance(g, Quads) else g)
    labels, verb_labels, met = _turtle_labels(names, lists)
    # orderSubjects: rdfs:Class members first, then by (blank node, times referenced, term); IRIs
    # (all there are here) order as their text, so they are sorted by it, in C. A subject is a class if
    # an object of its rdf:type is rdfs:Class: one of the terms (by id) found so among the objects
    classes = {i for (i, verb), t in met.items() if not verb and type(t) is URIRef and _same(t, RDFS_CLASS)}
    top = sorted(s for s, props in about.items() if not classes.isdisjoint(map(id, props.get(a, ())))) if classes else []
    seen_top = set(top)
    rest = sorted(((refs.get(s, 0), str(s), s) for s in about if s not in seen_top) if set(map(type, about)) <= {URIRef}
                  else ((isinstance(s, BNode), refs.get(s, 0), s) for s in about if s not in seen_top))
    for prefix, uri in sorted(names.namespaces.items()):
        fh.write(f"@prefix {prefix}: <{uri}> .\n")
    text, objects_sep = labels.__getitem__, ",\n        "
    orders: dict = {}  # a subject's predicates, as met -> as written: rdf:type, rdfs:label, the rest by text
    parts: list = []
    for subject in top + [t[-1] for t in rest]:
        props = about[subject]
        met_order = tuple(props)
        order = orders.get(met_order)
        if order is None:
            first = [p for p in (a, label_p) if p in props]
            rest_p = sorted((p for p in props if not _same(p, a) and not _same(p, label_p)), key=str)  # IRIs: as their text
            order = orders[met_order] = [(p, (" " if i == 0 else " ;\n    ") + verb_labels[id(p)] + " ")
                                         for i, p in enumerate(first + rest_p)]
        parts.append("\n" + labels[id(subject)])
        for predicate, head in order:
            objects = props[predicate]
            parts += [head, labels[id(objects[0])] if len(objects) == 1 else objects_sep.join(map(text, map(id, sorted(objects))))]
        parts.append(" .\n")
        if len(parts) > 20_000:
            fh.write("".join(parts))
            parts.clear()
    fh.write("".join(parts) + "\n")


def _turtle_labels(names: _TurtleNames, lists: list) -> tuple[dict, dict, dict]:
    """(id of a subject or object -> its label, id of a predicate -> its label, (id of a term, met as
    a predicate?) -> the term, in the order first met), each term named in
    the order rdflib's preprocess meets it: triple by triple, subject, predicate (with a prefix
    generated if none holds it, ns1 ..., numbered as met), object, then the object's datatype. That
    order matters: a generated prefix, and the namespaces rdflib files as it goes, change what a
    later IRI is named. The order is found in C (each (term id, as predicate?) once, first met);
    naming a term again changes nothing, so only the first meeting of each is worked in Python."""
    met: dict = {}  # (id of a term, met as a predicate?) -> the term, in the order first met
    for triples in lists:
        met.update(zip(chain.from_iterable(zip(zip(map(id, map(_S, triples)), repeat(False)),
                                               zip(map(id, map(_P, triples)), repeat(True)),
                                               zip(map(id, map(_O, triples)), repeat(False)))),
                       chain.from_iterable(triples)))
    a, lit = RDF.type, Literal
    pname, label = names.get_pname, names.label
    labels: dict = {}
    verb_labels: dict = {}
    for (i, verb), t in met.items():
        if verb:
            if _same(t, a):
                verb_labels[i] = "a"
            else:
                pname(t, True)
                verb_labels[i] = label(t, 1)
        elif isinstance(t, lit):  # a literal has no prefixed name; its datatype may
            if t.datatype:
                pname(t.datatype, False)
            labels[i] = label(t, 2)
        else:
            pname(t, False)
            labels[i] = label(t, 2)  # a subject's label is the same (rdflib labels both alike)
    return labels, verb_labels, met


class _TurtleNames:
    """rdflib's Turtle prefix logic (``get_pname``, the namespaces it binds), each term worked out once."""

    def __init__(self, g: Graph):
        from rdflib.plugins.serializers.turtle import TurtleSerializer
        self._ser = TurtleSerializer(g)
        self._ser.reset()
        self.namespaces = self._ser.namespaces
        self._pnames: dict = {}
        self._bound: tuple | None = None

    def get_pname(self, uri, gen_prefix: bool = True):
        key = (uri, gen_prefix)
        if key not in self._pnames:
            if not gen_prefix and isinstance(uri, URIRef) and not str(uri).startswith(self._bound_namespaces()):
                # no bound namespace begins it, so rdflib would find no prefix either; asking it would
                # file the IRI's own namespace in its prefix trie, one per link IRI (`id/link/...`),
                # which grows as the square of the number of links
                self._pnames[key] = None
            else:
                self._pnames[key] = self._ser.get_pname(uri, gen_prefix)
                if gen_prefix:
                    self._bound = None  # rdflib may have bound a new prefix
        return self._pnames[key]

    def _bound_namespaces(self) -> tuple:
        if self._bound is None:
            self._bound = tuple(str(ns) for _, ns in self._ser.store.namespaces())
        return self._bound

    def label(self, node, position: int) -> str:
        """rdflib's ``TurtleSerializer.label`` (0 subject, 1 verb, 2 object; no base IRI). Not kept:
        the writer asks once per term (the prefixed names it reads are)."""
        if type(node) is URIRef and _same(node, RDF_NIL):  # node == RDF.nil (rdflib: alike in type and text)
            return "()"
        if isinstance(node, Literal):
            return node._literal_n3(use_plain=True, qname_callback=self._datatype_pname)
        return self.get_pname(node, position == 1) or node.n3()

    def _datatype_pname(self, dt):
        return self.get_pname(dt, False)


def turtle(g) -> str:
    return _text(write_turtle, g)


def _jsonld_value(o, plain_types: frozenset | None = None) -> dict:
    """One value as rdflib's JSON-LD writer gives it (which, as called by ``serialize``, uses
    native JSON numbers and booleans for its plain literal types)."""
    if isinstance(o, Literal):
        if o.datatype:
            if plain_types is None:
                plain_types = _plain_literal_types()
            return {"@type": str(o.datatype), "@value": o.toPython() if o.datatype in plain_types else str(o)}
        if o.language:
            return {"@language": o.language, "@value": str(o)}
        return {"@value": str(o)}
    return {"@id": str(o)}


def _plain_literal_types() -> frozenset:
    from rdflib.plugins.serializers.jsonld import PLAIN_LITERAL_TYPES
    return frozenset(PLAIN_LITERAL_TYPES)


def _jsonld_sorted(node: dict) -> dict:
    for key, value in node.items():
        if isinstance(value, list) and len(value) > 1:
            node[key] = sorted(value, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    return node


@_gc_paused
def write_jsonld(g, fh: TextIO) -> None:
    """JSON-LD (expanded, as rdflib writes it) with nodes sorted by @id and values sorted, one node
    at a time, so the text is stable and never held whole.

    From :class:`Quads` (the build) it keeps the named graphs: one ``{"@id": graph, "@graph": [...]}``
    object per source document, so a JSON-LD processor gives the same quads as ``graph.nq``.
    """
    if isinstance(g, Quads) and _plain_lists(_triple_lists(g)):
        names = g.names()
        if not names:
            fh.write("[]\n")
            return
        fh.write("[\n")
        values = _JsonldValues("   ")  # shared by the graphs: their classes, schemes, documents repeat
        for gi, name in enumerate(names):
            fh.write((",\n " if gi else " ") + "{\n  \"@graph\": [\n")
            _write_jsonld_nodes(g.graphs[name], fh, values)
            fh.write("\n  ],\n  \"@id\": " + json.dumps(str(name), ensure_ascii=False) + "\n }")
        fh.write("\n]\n")
        return
    triples = _triples(g)
    if not _plain(triples):
        fh.write(_jsonld_rdflib(g.union() if isinstance(g, Quads) else g))
        return
    if not triples:
        fh.write("[]\n")
        return
    fh.write("[\n")
    _write_jsonld_nodes(triples, fh, _JsonldValues(" "))
    fh.write("\n]\n")


class _JsonldValues:
    """Each object term's text as an item of a node's list, worked out once: (its sort key, its text
    indented as an item), by the term's id (hashing a Literal runs Python code; each term is kept, so
    no id is reused). The sort key is what :func:`_jsonld_sorted` sorts by, the value's compact JSON
    (an @type entry: its text), then the text. ``indent``: where the nodes sit."""

    def __init__(self, indent: str):
        self.indent = indent
        self.item = indent + "  "  # where a list's items sit
        self.values: dict = {}
        self.types: dict = {}
        self._kept: list = []
        self._plain_types = _plain_literal_types()
        self.orders: dict = {}  # a node's predicates as met -> as written (see _write_jsonld_nodes)

    def value(self, o) -> tuple:
        """``o`` as a value: ``{"@id": ...}`` or ``{"@value": ...}``."""
        v = _jsonld_value(o, self._plain_types)
        out = self.values[id(o)] = (json.dumps(v, sort_keys=True, ensure_ascii=False),
                                    self.item + jsontext.dumps(v, 1, True, self.item))
        self._kept.append(o)
        return out

    def type(self, o) -> tuple:
        """``o`` as an object of rdf:type: an IRI is an @type entry, its text; anything else a value."""
        if not isinstance(o, URIRef):
            return self.values.get(id(o)) or self.value(o)
        text = jsontext.encode_string(str(o))
        out = self.types[id(o)] = (text, self.item + text)
        self._kept.append(o)
        return out


def _write_jsonld_nodes(triples, fh: TextIO, values: _JsonldValues) -> None:
    """The nodes of ``triples``, sorted by @id, each as ``jsontext.dumps(node, 1, True, indent)`` writes
    it with its lists sorted as :func:`_jsonld_sorted` sorts them — put together here from each value's
    text (:class:`_JsonldValues`). A triple met twice is written once: only a predicate with several
    objects can hold a repeat, so only those lists are looked through."""
    nodes: dict = {}  # subject -> {predicate: [objects]}
    for s, p, o in triples:
        node = nodes.get(s)
        if node is None:
            node = nodes[s] = {}
        objects = node.get(p)
        if objects is None:
            node[p] = [o]
        else:
            objects.append(o)
    a, enc, indent = RDF.type, jsontext.encode_string, values.indent
    get, tget, value, type_ = values.values.get, values.types.get, values.value, values.type
    inner, close = ",\n" + indent + " ", "\n" + indent + " ]"
    orders = values.orders
    for i, s in enumerate(sorted(nodes, key=str)):
        node = nodes[s]
        met = tuple(node)
        order = orders.get(met)
        if order is None:  # a node's predicates, as met -> (predicate, @type?, its key's text), by key
            keyed = sorted(("@type" if _same(p, a) else str(p), k, p) for k, p in enumerate(met))
            if len({key for key, _, _ in keyed}) < len(keyed):  # predicates alike as text, unlike as terms
                order = None
            else:
                order = [(p, key == "@type", inner + enc(key) + ": [\n") for key, _, p in keyed]
            orders[met] = order
        parts = [",\n" if i else "", indent, "{\n", indent, ' "@id": ', enc(str(s))]
        if order is None:
            parts += _jsonld_entries(node, values, inner, close)
        else:
            for p, is_type, head in order:
                objects = node[p]
                if len(objects) == 1:
                    o = objects[0]
                    parts += [head, ((tget(id(o)) or type_(o)) if is_type else (get(id(o)) or value(o)))[1], close]
                else:  # a triple met twice is written once
                    texts = sorted([tget(id(o)) or type_(o) for o in dict.fromkeys(objects)] if is_type
                                   else [get(id(o)) or value(o) for o in dict.fromkeys(objects)])
                    parts += [head, ",\n".join([text for _, text in texts]), close]
        parts += ["\n", indent, "}"]
        fh.write("".join(parts))


def _jsonld_entries(node: dict, values: _JsonldValues, inner: str, close: str) -> list:
    """A node's entries, for a node with two predicates alike as text (one key, their values together)."""
    entries: dict = {}
    for p, objects in node.items():
        if _same(p, RDF.type):
            key, texts = "@type", [values.types.get(id(o)) or values.type(o) for o in dict.fromkeys(objects)]
        else:
            key, texts = str(p), [values.values.get(id(o)) or values.value(o) for o in dict.fromkeys(objects)]
        entries.setdefault(key, []).extend(texts)
    parts: list = []
    for key, texts in sorted(entries.items()):
        parts += [inner, jsontext.encode_string(key), ": [\n", ",\n".join([text for _, text in sorted(texts)]), close]
    return parts


def _jsonld_rdflib(g: Graph) -> str:
    """rdflib's JSON-LD of ``g`` (the nodes sorted as :func:`write_jsonld` sorts them). Made with
    the serializer's own ``from_rdf`` and the arguments ``g.serialize(format="json-ld")`` gives it
    (its ``use_native_types`` is the tuple ``(False,)``), then ``json``: where orjson is installed,
    the serializer writes with it, and orjson refuses an integer past 64 bits."""
    from rdflib.plugins.serializers.jsonld import from_rdf
    doc = json.loads(json.dumps(from_rdf(g, None, None, (False,), False, auto_compact=False)))
    nodes = doc if isinstance(doc, list) else doc.get("@graph", [doc])
    for node in nodes:
        _jsonld_sorted(node)
    nodes.sort(key=lambda n: n.get("@id", ""))
    return json.dumps(nodes, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def jsonld(g) -> str:
    """JSON-LD with nodes sorted by @id and values sorted, so the text is stable."""
    return _text(write_jsonld, g)


#: graph.ttl's text is held in memory for graph-shacl.ttl up to this size (larger: in a temporary file)
KEEP_TURTLE = 32_000_000


def _turtle_once(q, fh: TextIO, kept: dict) -> None:
    """graph.ttl's text, streamed to ``fh``: copied from ``kept["copy"]`` if the other file that holds
    it was written first, else written once with a copy kept — in memory while it is small, then in a
    temporary file (the text of 256 partnerships is hundreds of MB: written twice, it cost 12 s; held,
    it would be as much memory). Files are written in name order, so graph-shacl.ttl comes first;
    whichever file comes second uses the copy and closes it (one left unused, when a write fails
    part-way, is an unnamed temporary file, gone when it is garbage-collected)."""
    import shutil
    import tempfile
    copy = kept.pop("copy", None)
    if isinstance(copy, list):
        fh.write("".join(copy))
        return
    if copy is not None:
        copy.seek(0)
        shutil.copyfileobj(copy, fh, 1 << 20)
        copy.close()
        return
    parts: list[str] = []
    size = 0
    spill = None

    class Tee:
        def write(self, text: str) -> None:
            nonlocal size, spill
            fh.write(text)
            if spill is not None:
                spill.write(text)
                return
            parts.append(text)
            size += len(text)
            if size > KEEP_TURTLE:  # too big to hold: on to an unnamed temporary file
                spill = tempfile.TemporaryFile("w+", encoding="utf-8", newline="\n")
                spill.write("".join(parts))
                parts.clear()
    try:
        write_turtle(q, Tee())
    except BaseException:
        if spill is not None:
            spill.close()
        raise
    kept["copy"] = spill if spill is not None else parts


def write_shacl_ready(q: Quads, fh: TextIO, kept: dict | None = None) -> None:
    """The union of the data plus ``ontology.ttl`` (classes, concept schemes and the shapes) as one
    Turtle file: what pySHACL or rdf-validate-shacl need to validate the data alone. The shapes'
    ``sh:class`` checks read the class hierarchy and the kind/category concepts, which live in the
    ontology, so validating ``graph.trig`` by itself reports them missing."""
    from ..core.paths import ONTOLOGY
    # Turtle allows prefixes anywhere, so the file is the ontology as it is, then the data as
    # graph.ttl writes it: one graph when read, and no second pass of rdflib's slow serializer
    fh.write("# The data (exports/graph.ttl) with ontology.ttl (classes, concept schemes, shapes) in one\n"
             "# file, to validate with pySHACL or rdf-validate-shacl as it is. Written by drivers build.\n\n")
    fh.write(ONTOLOGY.read_text(encoding="utf-8").rstrip("\n") + "\n\n# -- the data --\n\n")
    _turtle_once(q, fh, {} if kept is None else kept)


@_gc_paused
def graphml(G: nx.MultiDiGraph) -> str:
    """GraphML with one unique edge id per edge ("e0", "e1" ... in sorted order).

    The view's edge keys ("drivenBy|src-...") repeat across node pairs, and GraphML edge ids are
    document-wide XML ids, so readers such as graphology refuse repeats; the key is kept as the
    edge's ``link`` attribute instead. The text is what NetworkX's ``generate_graphml`` writes for
    such a graph (keys, order, escaping, indentation), written here as text: NetworkX builds an
    ElementTree of every node and value first. Values that are not text go through NetworkX.
    """
    nodes = [(n, {k: v for k, v in sorted(G.nodes[n].items()) if v is not None}) for n in sorted(G.nodes)]
    edges = [(u, v, f"e{i}", {"link": str(k), **{a: b for a, b in sorted(d.items()) if a != "link"}})
             for i, (u, v, k, d) in enumerate(sorted(G.edges(keys=True, data=True),
                                                     key=lambda e: (e[0], e[1], str(e[2]))))]
    values = [x for _, d in nodes for x in d.values()] + [x for *_, d in edges for x in d.values()]
    if not all(isinstance(x, str) for x in values):
        import networkx as nx
        H = nx.MultiDiGraph()
        H.add_nodes_from(nodes)
        H.add_edges_from(edges)
        return "\n".join(nx.generate_graphml(H, prettyprint=True)) + "\n"
    keys: dict = {}  # (scope, name) -> key id, numbered as first met, nodes before edges

    def data(scope: str, d: dict) -> str:
        out = []
        for name, value in d.items():
            key = keys.setdefault((scope, name), f"d{len(keys)}")
            out.append(f'      <data key="{key}">{_xml_text(value)}</data>\n' if value else f'      <data key="{key}" />\n')
        return "".join(out)
    body = []
    for n, d in nodes:
        inner = data("node", d)
        body.append(f'    <node id={_xml_attr(n)}>\n{inner}    </node>\n' if inner else f'    <node id={_xml_attr(n)} />\n')
    for u, v, eid, d in edges:
        body.append(f"    <edge source={_xml_attr(u)} target={_xml_attr(v)} id={_xml_attr(eid)}>\n{data('edge', d)}"
                    "    </edge>\n")
    head = ('<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
            'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
            'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n')
    key_lines = [f'  <key id="{key}" for="{scope}" attr.name={_xml_attr(name)} attr.type="string" />\n'
                 for (scope, name), key in reversed(keys.items())]
    graph = ('  <graph edgedefault="directed">\n' + "".join(body) + "  </graph>\n") if body else \
        '  <graph edgedefault="directed" />\n'
    text = head + "".join(key_lines) + graph + "</graphml>\n"
    return text.encode("ascii", "xmlcharrefreplace").decode("ascii")  # ElementTree's default: ASCII, &#8217;


def _xml_text(text: str) -> str:
    """Element text escaped as ElementTree does (``&``, ``<``, ``>``)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _xml_attr(text: str) -> str:
    """A quoted attribute value escaped as ElementTree does."""
    text = _xml_text(text).replace('"', "&quot;").replace("\r", "&#13;").replace("\n", "&#10;").replace("\t", "&#09;")
    return f'"{text}"'


def nodes_csv(G: nx.MultiDiGraph) -> str:
    rows = [{"id": n, **G.nodes[n]} for n in sorted(G.nodes)]
    return to_csv(rows, ["id", "type", "title", "kind", "number", "category", "partnership", "source", "section"])


def edges_csv(G: nx.MultiDiGraph) -> str:
    rows = [{"from": u, "rel": d["rel"], "to": v, "source": d["source"], "section": d["section"],
             "quote": d.get("quote", "")}
            for u, v, d in sorted(G.edges(data=True), key=lambda e: (e[0], e[2]["rel"], e[1], e[2]["source"]))]
    return to_csv(rows, ["from", "rel", "to", "source", "section", "quote"])


def all_exports(ds, union: Graph, G: nx.MultiDiGraph, out: Path) -> dict[Path, str]:
    """Every export file -> its text."""
    return {path: text if isinstance(text, str) else _text(text)
            for path, text in export_writers(_quads(ds), union, G, out).items()}


def export_writers(q: Quads, g: Graph, G: nx.MultiDiGraph, out: Path, cat: Catalog | None = None) -> dict:
    """Every export file -> a function writing it to an open file (``io.write_many`` streams them).

    ``q``: the quads (the RDF files are written from them); ``g``: the union as an rdflib Graph
    API (the catalog CSVs and the page read it: an Oxigraph-backed graph answers fastest);
    ``G``: the NetworkX view; ``cat``: the catalog over ``g`` the CSVs list from (default a new one).
    """
    cat = cat if cat is not None else Catalog(g)
    kept: dict = {}  # graph.ttl's text, for graph-shacl.ttl, when it is small enough to hold
    terms = _Terms()  # each term's N-Triples text, for graph.nq and graph.trig

    def rows(type_name: str, columns: list[str], edition: int | None = None):
        return lambda fh: write_csv(fh, cat.list(type_name, edition=edition), columns)
    files = {
        out / "graph.trig": lambda fh: write_trig(q, fh, terms),
        out / "graph.nq": lambda fh: write_nquads(q, fh, terms),
        out / "graph.ttl": lambda fh: _turtle_once(q, fh, kept),
        out / "graph.jsonld": lambda fh: write_jsonld(q, fh),
        out / "graph-shacl.ttl": lambda fh: write_shacl_ready(q, fh, kept=kept),
        out / "graph.graphml": lambda fh: fh.write(graphml(G)),
        out / "nodes.csv": lambda fh: fh.write(nodes_csv(G)),
        out / "edges.csv": lambda fh: fh.write(edges_csv(G)),
        out / "graph.html": lambda fh: fh.write(viz.render(G, g)),
        out / "actions.csv": rows("actions", ["id", "number", "kind", "plan", "partnership", "lead", "timescale",
                                              "title", "text", "source", "section"]),
        out / "drivers.csv": rows("drivers", ["number", "id", "title", "category", "kind", "partnership", "source"]),
    }
    for year in cat.editions():
        files[out / f"edition-{year}.csv"] = rows("drivers", ["number", "id", "title", "edition_title", "summary_title",
                                                              "category", "kind", "partnership"], year)
    return files


def write_exports(b: Built, out: Path, graph: Graph | None = None, progress=None,
                  cat: Catalog | None = None) -> list[Path]:
    """Write every export of a build to ``out`` atomically (all files, or none), each streamed to its
    file; the paths, sorted. ``graph``: the union to read the catalog and page from (default the
    build's rdflib union); ``progress(done, total)`` is called as each file is written; ``cat``: as
    :func:`export_writers` takes it."""
    from ..core import io as dio
    files = export_writers(b.quads, graph if graph is not None else b.union, b.graph_view, out, cat)
    done: list = []

    def staged(path: Path) -> None:
        done.append(path)
        progress(len(done), len(files))
    from ..core.gcpause import paused_gc
    with paused_gc():  # the catalog CSVs and the page too make many objects and no cycles (see _gc_paused)
        dio.write_many(files, progress=staged if progress else None)
    return sorted(files)
