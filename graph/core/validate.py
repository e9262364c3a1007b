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
one engine call, and each result is kept for the document where its focus node is at home.

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
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable

from rdflib import RDF, RDFS, BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, SH

from .namespace import DG
from .paths import ONTOLOGY, VALIDATION_CACHE, cache_root

if TYPE_CHECKING:
    from .rdf import Quads

SEVERITY = {SH.Violation: "ERROR", SH.Warning: "WARN", SH.Info: "INFO"}
_SEVERITY = {str(k): v for k, v in SEVERITY.items()}  # by the IRI as text
CACHE_ENV = "DRIVERS_VALIDATION_CACHE"
KEEP_DAYS = 30  # cached results unused this long are removed
#: the SHACL engine: pySHACL (the reference); see benchmarks/shacl_engines.py for the comparison
ENGINE = "pyshacl"
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


# -- which shapes can be checked document by document -------------------------------------------

#: shape predicates whose meaning depends only on the focus node's own triples and the types of
#: their values
_LOCAL = {SH[x] for x in (
    "targetClass", "targetSubjectsOf", "targetNode", "property", "path", "name", "description", "order",
    "group", "message", "severity", "deactivated", "minCount", "maxCount", "datatype", "nodeKind", "class",
    "pattern", "flags", "minLength", "maxLength", "in", "hasValue", "languageIn", "uniqueLang",
    "minInclusive", "maxInclusive", "minExclusive", "maxExclusive", "equals", "disjoint", "lessThan",
    "lessThanOrEquals", "closed", "ignoredProperties", "or", "and", "not", "xone", "defaultValue")}
_LISTS = {SH["in"], SH["or"], SH["and"], SH["xone"], SH.ignoredProperties, SH.languageIn}


def local_shapes(shapes: Graph) -> bool:
    """True when every shape checks only its focus node's own triples and the types of their values."""
    for s, p, o in shapes:
        if str(p).startswith(str(SH)) and p not in _LOCAL and p not in (SH.declare, SH.prefixes):
            return False
        if p == SH.path and not isinstance(o, URIRef):
            return False  # inverse, sequence, alternative ... paths reach other nodes' triples
        if p == RDF.type and o in (SH.SPARQLConstraint, SH.SPARQLTarget, SH.JSTarget):
            return False
    return True


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
    """The union indexed by subject, with each subject's home document."""

    def __init__(self, graphs: dict):
        self.about: dict = {}  # subject -> {(p, o): None}
        typed: dict = {}  # subject -> first graph stating its type
        seen: dict = {}  # subject -> first graph where it is a subject
        for name in sorted(graphs, key=str):
            for s, p, o in graphs[name]:
                self.about.setdefault(s, {})[(p, o)] = None
                if p == _TYPE:
                    typed.setdefault(s, name)
                seen.setdefault(s, name)
        self.subclass = [(s, p, o) for s, about in self.about.items() for p, o in about if p == _SUBCLASS]
        self.home: dict = {}  # document -> [subject, ...]
        for s, first in seen.items():
            self.home.setdefault(typed.get(s, first), []).append(s)

    def types(self, node) -> list:
        return [o for p, o in self.about.get(node, ()) if p == _TYPE]

    def check_set(self, subjects: list) -> list:
        mine = set(subjects)
        triples = [(s, p, o) for s in subjects for p, o in self.about[s]]
        context = {o for _, _, o in triples if not isinstance(o, Literal) and o not in mine}
        triples += [(o, _TYPE, t) for o in sorted(context, key=str) for t in self.types(o)]
        triples += [t for t in self.subclass if t[0] not in mine]
        return triples


def _nt(t) -> str:
    from rdflib.plugins.serializers.nt import _quoteLiteral
    if isinstance(t, Literal):
        return _quoteLiteral(t)
    return f"_:{t}" if isinstance(t, BNode) else f"<{t}>"


def _digest(triples: list, salt: str) -> str:
    memo: dict = {}

    def nt(t) -> str:
        s = memo.get(t)
        if s is None:
            s = memo[t] = _nt(t)
        return s
    h = hashlib.sha256(salt.encode() + b"\0")
    for line in sorted({f"{nt(s)} {nt(p)} {nt(o)} .\n" for s, p, o in triples}):
        h.update(line.encode("utf-8", "surrogatepass"))
    return h.hexdigest()


# -- engines ------------------------------------------------------------------------------------

#: a raw result: (severity IRI, focus node, result path or None, message or None)
Raw = tuple


def _pyshacl(triples: Iterable, ont: Graph) -> list[Raw]:
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
                    report_graph.value(res, SH.resultPath), None if msg is None else str(msg)))
    return out


def _rudof(triples: Iterable, ont: Graph) -> list[Raw]:
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
        out.append((str(sev), _term(str(e.focus_node)), path, msg))
    return out


def _term(text: str):
    if text.startswith("_:"):
        return BNode(text[2:])
    return URIRef(text.strip("<>"))


ENGINES: dict[str, Callable] = {"pyshacl": _pyshacl, "rudof": _rudof}


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
    if not isinstance(rows, list) or not all(isinstance(r, list) and len(r) == 4 for r in rows):
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
    graphs = _graphs_of(source)
    index = _Index(graphs)
    if local_shapes(ont):
        parts = {name: subjects for name, subjects in index.home.items()}
    else:  # a shape that looks beyond its focus node: the whole graph is one check set
        parts = {"": [s for subjects in index.home.values() for s in subjects]}
    folder = _cache_dir() if cache else None
    salt = f"{_FORMAT}\0{engine}\0{ont_hash}\0{_engine_version(engine)}"
    names = sorted(parts, key=str)
    total = len(names)
    raw_by_part: dict = {}
    todo: list = []
    for i, name in enumerate(names, start=1):
        triples = index.check_set(parts[name])
        key = _digest(triples, salt)
        rows = _read(folder, key)
        if rows is None:
            todo.append((name, key, triples))
        else:
            raw_by_part[name] = [(sev, _term(focus), URIRef(path) if path else None, msg)
                                 for sev, focus, path, msg in rows]
        if progress and rows is not None:
            progress(i, total)
    if todo:
        home = {s: name for name, _, _ in todo for s in parts[name]}
        batch = [t for _, _, triples in todo for t in triples]
        found: dict = {name: [] for name, _, _ in todo}
        for sev, focus, path, msg in ENGINES[engine](batch, ont):
            if focus in home:  # a result for a node only its types were brought in for is not its home's
                found[home[focus]].append((sev, focus, path, msg))
        for name, key, _ in todo:
            rows = sorted({(sev, str(f), str(p) if p is not None else "", m) for sev, f, p, m in found[name]},
                          key=lambda r: tuple(x or "" for x in r))
            _write(folder, key, [list(r) for r in rows])
            raw_by_part[name] = found[name]
        if progress:
            progress(total, total)
        _prune(folder)
    results = sorted({Result(_SEVERITY.get(sev, "ERROR"), str(_focus_label(index, f) or _short(f)),
                             _short(p), str(m or "does not conform"))
                      for rows in raw_by_part.values() for sev, f, p, m in rows})
    return Report(conforms=not any(r.severity == "ERROR" for r in results), results=results,
                  documents=total, checked=len(todo))


def _engine_version(engine: str) -> str:
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
        return next((o for q, o in index.about.get(s, ()) if q == p), None)
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
