"""Where the read commands get the graph from: a plain rdflib store, or Oxigraph cached on disk.

* ``rdflib``: load the YAML and build everything in memory on every run (simple, slow at scale).
* ``oxigraph``: a pyoxigraph store kept on disk in a cache folder, plus the NetworkX view and
  the document titles as JSON beside it. The folder is named by a fingerprint of the data
  files, the base IRI, the package version and the code that builds the graph, so it is rebuilt
  only when one of them changes; a query never re-parses anything.

The cache lives in ``$DRIVERS_CACHE_DIR`` if set, else ``$XDG_CACHE_HOME/drivers-graph``, else
``~/.cache/drivers-graph``. An entry is built in a temporary folder and renamed into place when
complete, so an interrupted build never leaves a half cache; the least recently used entries
beyond :data:`KEEP` are removed.

Both stores give the same answers: ``tests/test_store.py`` runs one suite against each.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import shutil
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.errors import DriversError, UsageError
from ..core.paths import CACHE_ENV, VALIDATION_CACHE, cache_root
from ..core.view import VIEW_PREDICATES, LiteGraph, view_from_pairs, view_to_networkx

if TYPE_CHECKING:  # heavy: imported only where used
    import networkx as nx
    from rdflib import Graph

    from ..core.pipeline import Built
    from ..answers.queries import Result

STORES = ("oxigraph", "rdflib")
DEFAULT_STORE = "oxigraph"
KEEP = 8  # cache entries kept (least recently used go first)
_FORMAT = "3"  # bump when the cache layout changes (2: the complete.json marker, 3: the why index)
MARKER = "complete.json"  # written last: an entry without it (or whose files differ from it) is damaged
INDEX = "why.sqlite"  # the view per node, read lazily by `why` and `impact` (see IndexGraph)
LISTINGS = "lists"  # the rows of each `drivers list` asked for, kept in the entry (see Listings)


class StoreError(DriversError):
    """The cache folder or the Oxigraph store cannot be used."""


# -- the cache ---------------------------------------------------------------------------------

def _code_files() -> list[tuple[str, Path]]:
    """(name, path) of the package's Python files and the ontology: the code that builds the cache."""
    from ..core.paths import ONTOLOGY
    package = Path(__file__).resolve().parents[1]
    return [*((p.relative_to(package).as_posix(), p) for p in sorted(package.rglob("*.py"))),
            (ONTOLOGY.name, ONTOLOGY)]


def fingerprint(data_dir: Path, base: str) -> str:
    """A hash of every data file (name and bytes), the base IRI, the version and the building code.

    Each file's bytes are hashed once and the digest remembered by its size, modification time
    and inode (:func:`_digests`); a file changed since is read again, so the answer is what hashing
    every file would give, without reading 30 MB of data on every ``why`` at 256 partnerships.
    """
    from .. import __version__
    h = hashlib.sha256()
    for part in (_FORMAT, __version__, base):
        h.update(part.encode() + b"\0")
    code = _code_files()
    for (name, _), digest in zip(code, _digests([p for _, p in code], "code")):
        h.update(name.encode() + b"\0" + digest.encode() + b"\0")
    files = _data_files(data_dir)
    for path, digest in zip(files, _digests(files, "data-" + hashlib.sha256(str(data_dir.resolve()).encode())
                                            .hexdigest()[:16])):
        h.update(path.relative_to(data_dir).as_posix().encode() + b"\0" + digest.encode() + b"\0")
    return h.hexdigest()[:32]


#: the cache folder's folder of file digests (see :func:`_digests`), never a cache entry
DIGESTS = "digests"

#: a file modified this recently is hashed again on the next run even if its stat is unchanged (a
#: second write within the clock's resolution keeps the size and time: git's "racy clean" case)
RACY_SECONDS = 2.0


def _digests(paths: list[Path], memo: str) -> list[str]:
    """The SHA-256 of each file's bytes ("unreadable" for a file that cannot be read, which the
    loader reports), from a memo in the cache folder where the file's stat says it is unchanged."""
    folder = cache_root() / DIGESTS
    memo_file = folder / f"{memo}.json"
    try:
        known = json.loads(memo_file.read_text(encoding="utf-8"))
        if not isinstance(known, dict):
            known = {}
    except (OSError, ValueError):
        known = {}
    now, out, keep, changed = time.time(), [], {}, False
    for path in paths:
        key = str(path)
        try:
            st = path.stat()
            if not path.is_file():  # a pipe or device among the data files: never read (the loader says so)
                raise OSError
            stamp = [st.st_size, st.st_mtime_ns, st.st_ino]
            entry = known.get(key)
            if isinstance(entry, list) and len(entry) == 4 and entry[:3] == stamp:
                digest = entry[3]
            else:
                digest, changed = hashlib.sha256(path.read_bytes()).hexdigest(), True
            if now - st.st_mtime > RACY_SECONDS:
                keep[key] = [*stamp, digest]
            else:
                changed = True
        except OSError:
            digest = "unreadable"
        out.append(digest)
    if changed or keep.keys() != known.keys():
        _keep(memo_file, json.dumps(keep, sort_keys=True))  # if not kept, every file is hashed each time
    return out


def _keep(path: Path, text: str, parents: bool = True) -> bool:
    """Write a memo file of the cache whole or not at all (a temporary file renamed into place, its
    folder made if missing, and the folders above it with ``parents``); False if the cache cannot be
    written to (the memo is then not kept)."""
    try:
        path.parent.mkdir(parents=parents, exist_ok=True)
        tmp = path.with_name(f".{path.stem}.{os.getpid()}.{secrets.token_hex(4)}.partial")
        try:
            tmp.write_text(text, encoding="utf-8")
            os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
    except OSError:
        return False
    return True


def _data_files(data_dir: Path) -> list[Path]:
    """The loader's file list (``loader.data_files``) without importing the loader and YAML."""
    files = sorted(p for p in data_dir.rglob("*.yaml") if not any(part.startswith(".") for part in p.parts)) \
        if data_dir.is_dir() else []
    if not files:
        from ..core.loader import data_files
        return data_files(data_dir)  # raises the loader's own DataError
    return files


def documents(b: Built) -> dict[str, str]:
    return {sid: src.title for sid, src in b.data.sources.items()}


def term_nt(t) -> str:
    """One rdflib term in N-Triples syntax (JSON string escapes are N-Triples escapes)."""
    from rdflib import BNode, Literal
    if isinstance(t, Literal):
        text = json.dumps(str(t), ensure_ascii=False)
        if t.language:
            return f"{text}@{t.language}"
        return f"{text}^^<{t.datatype}>" if t.datatype else text
    if isinstance(t, BNode):
        return f"_:{t}"
    return f"<{t}>"


def ntriples(triples, memo: dict | None = None) -> str:
    """Triples as N-Triples text, each once, in first-seen order (terms converted once each)."""
    memo = {} if memo is None else memo

    def nt(t) -> str:
        s = memo.get(t)
        if s is None:
            s = memo[t] = term_nt(t)
        return s
    lines = dict.fromkeys(f"{nt(s)} {nt(p)} {nt(o)} .\n" for s, p, o in triples)
    return "".join(lines)


def build_sink(data_dir: Path, base: str):
    """Load the YAML and build the RDF as quads: (data, :class:`graph.core.rdf.Quads`)."""
    from ..core.loader import load
    from ..core.gcpause import paused_gc
    from ..core.rdf import Quads, build
    with paused_gc():
        data = load(data_dir)
        sink = Quads()
        build(data, base, dataset=sink)
    return data, sink


#: triples per Oxigraph bulk load: the loader holds a whole input in memory while it sorts it
#: (one load of the 256-partnership union took 1.1 GB; in chunks of this size, about 250 MB)
LOAD_CHUNK = 200_000


def _nt_chunks(sink, pairs: dict, consume: bool, chunk: int = LOAD_CHUNK):
    """The union of ``sink`` as N-Triples text in chunks of ``chunk`` triples (bytes), graphs in
    name order; on the way, ``pairs`` (predicate -> {(subject, object): None}, keyed by URIRef)
    is filled as :meth:`graph.core.rdf.Quads.pairs` fills it. ``consume``: each named graph is
    dropped from ``sink`` once written (the caller no longer needs the quads)."""
    from rdflib import URIRef
    iri = URIRef
    memo: dict = {}  # id(term) -> (term, its N-Triples) for literals and blank nodes: the term is
    # kept, so its id is not reused (hashing a Literal runs Python code; rdf.build shares equal terms)
    predicates: dict = {}

    def nt(t) -> str:
        m = memo.get(id(t))
        if m is None:
            m = memo[id(t)] = (t, term_nt(t))
        return m[1]
    lines: list = []
    append = lines.append
    get = pairs.get
    for name in sink.names():
        triples = sink.pop(name) if consume else sink.graphs[name]
        for s, p, o in triples:
            ps = predicates.get(p)
            if ps is None:
                ps = predicates[p] = term_nt(p)
            append(f"<{s}> {ps} {f'<{o}>' if type(o) is iri else nt(o)} .\n" if type(s) is iri
                   else f"{nt(s)} {ps} {nt(o)} .\n")
            seen = get(p)
            if seen is not None:
                seen[(str(s), str(o))] = None
            if len(lines) >= chunk:
                yield "".join(lines).encode()
                lines.clear()
        del triples
    if lines:
        yield "".join(lines).encode()


def write_cache(sink, docs: dict[str, str], target: Path, view: dict | None = None,
                consume: bool = False) -> Path:
    """Write the union of ``sink`` as an Oxigraph store, with the view and meta data, to ``target``.

    The store holds the union in its default graph (a triple stated in two documents is one
    triple, as in the rdflib union graph); provenance stays in the triples (prov:wasDerivedFrom,
    dg:StatedLink). The triples go to Oxigraph's bulk loader as N-Triples in chunks of
    :data:`LOAD_CHUNK` (never one text in memory, nor a file); the view's predicate pairs are
    collected in the same pass. ``view``: the view if the caller has it. ``consume``: the quads
    are dropped from ``sink`` as they are loaded (for a caller that has no more use for them: the
    peak memory is then the store's load, not the quads and the load together). Written in a
    temporary folder and renamed into place when complete.
    """
    import pyoxigraph as ox
    from rdflib import URIRef

    from ..core.gcpause import paused_gc
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".build-", dir=target.parent))
    try:
        store = ox.Store(str(tmp / "store"))
        pairs: dict = {URIRef(p): {} for p in VIEW_PREDICATES} if view is None else {}
        with paused_gc():
            for text in _nt_chunks(sink, pairs, consume):  # a triple twice is stored once
                store.bulk_load(input=text, format=ox.RdfFormat.N_TRIPLES)
                del text
            store.flush()
            del store
            if view is None:
                view = view_from_pairs({str(p): list(v) for p, v in pairs.items()})
            del pairs
        (tmp / "view.json").write_text(json.dumps(view, ensure_ascii=False), encoding="utf-8")
        write_index(view, tmp / INDEX)
        del view
        (tmp / "meta.json").write_text(json.dumps({"documents": docs}, ensure_ascii=False), encoding="utf-8")
        sizes = {name: (tmp / name).stat().st_size for name in ("meta.json", "view.json", INDEX)}
        (tmp / MARKER).write_text(json.dumps({"format": _FORMAT, "files": sizes}), encoding="utf-8")
        try:
            os.rename(tmp, target)
        except OSError:
            if damage(target) is not None:  # not another process's finished copy
                raise
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return target


def write_index(view: dict, path: Path) -> None:
    """The view (:func:`view_json`'s shape) as an SQLite file, one row per node and per edge in the
    view's order, edges indexed by both ends: :class:`IndexGraph` reads only the nodes a walk meets
    (decoding the whole view took 2 s at 256 partnerships)."""
    import sqlite3
    con = sqlite3.connect(path)
    try:
        con.execute("PRAGMA journal_mode=OFF")
        con.execute("PRAGMA synchronous=OFF")
        con.execute("CREATE TABLE nodes (pos INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, attrs TEXT NOT NULL)")
        con.execute("CREATE TABLE edges (pos INTEGER PRIMARY KEY, u TEXT NOT NULL, v TEXT NOT NULL, "
                    "attrs TEXT NOT NULL)")
        dumps = json.dumps
        con.executemany("INSERT INTO nodes VALUES (?, ?, ?)",
                        ((i, n, dumps(d, ensure_ascii=False)) for i, (n, d) in enumerate(view["nodes"])))
        con.executemany("INSERT INTO edges VALUES (?, ?, ?, ?)",
                        ((i, u, v, dumps(d, ensure_ascii=False)) for i, (u, v, _k, d) in enumerate(view["edges"])))
        con.execute("CREATE INDEX edges_u ON edges (u, pos)")
        con.execute("CREATE INDEX edges_v ON edges (v, pos)")
        con.commit()
    finally:
        con.close()


class _IndexNodes:
    """``G.nodes[n]``, ``n in G.nodes``, ``G.nodes(data=True)`` and ``len(G.nodes)`` over the index: a node
    is read when first asked for; iterating reads them all once (one JSON decode)."""

    def __init__(self, g: IndexGraph):
        self._g = g
        self._one: dict = {}
        self._all: dict | None = None

    def get(self, n, default=None):
        if self._all is not None:
            return self._all.get(n, default)
        if n not in self._one:
            rows = self._g._rows("SELECT attrs FROM nodes WHERE id = ?", (n,)) if isinstance(n, str) else []
            self._one[n] = json.loads(rows[0][0]) if rows else None
        d = self._one[n]
        return default if d is None else d

    def __getitem__(self, n):
        d = self.get(n)
        if d is None:
            raise KeyError(n)
        return d

    def __contains__(self, n) -> bool:
        return self.get(n) is not None

    def all(self) -> dict:
        if self._all is None:
            rows = self._g._rows("SELECT id, attrs FROM nodes ORDER BY pos")
            attrs = json.loads("[" + ",".join(r[1] for r in rows) + "]")
            self._all = {r[0]: self._one.get(r[0]) or a for r, a in zip(rows, attrs)}
        return self._all

    def __iter__(self):
        return iter(self.all())

    def __len__(self) -> int:
        return len(self._all) if self._all is not None else self._g._rows("SELECT count(*) FROM nodes")[0][0]

    def __call__(self, data: bool = False):
        return list(self.all().items()) if data else list(self.all())


class IndexGraph:
    """What :mod:`graph.answers.why` reads of ``nx.MultiDiGraph`` (as :class:`LiteGraph` offers it), read
    lazily from a cache entry's :data:`INDEX`: the nodes and edges a walk meets, each once. The answers
    are those of the whole view (the same rows in the same order; tests/test_store.py compares them).
    ``damaged(what, exc)``: called when the file cannot be read; it rebuilds the entry and returns its
    folder (the read is tried again there), or raises."""

    def __init__(self, folder: Path, damaged=None):
        import threading
        self._folder = folder
        self._damaged = damaged
        self._con = None
        self._lock = threading.Lock()  # drivers serve shares one graph between threads
        self.nodes = _IndexNodes(self)
        self._out: dict = {}
        self._in: dict = {}

    def _connect(self):
        import sqlite3
        path = self._folder / INDEX
        if not path.is_file():
            raise sqlite3.DatabaseError(f"{INDEX} is missing")
        return sqlite3.connect(f"{path.as_uri()}?mode=ro&immutable=1", uri=True, check_same_thread=False)

    def _rows(self, sql: str, args: tuple = ()) -> list:
        import sqlite3
        with self._lock:
            try:
                if self._con is None:
                    self._con = self._connect()
                return self._con.execute(sql, args).fetchall()
            except sqlite3.DatabaseError as exc:
                if self._con is not None:
                    self._con.close()
                    self._con = None
                if self._damaged is None:
                    raise StoreError(f"the store cache {self._folder} is damaged ({INDEX}: {exc}) — delete that "
                                     "folder (it is rebuilt on the next run)") from None
                damaged, self._damaged = self._damaged, None
                self._folder = damaged(f"{INDEX} cannot be read", exc)
                self._con = self._connect()
                return self._con.execute(sql, args).fetchall()

    def __contains__(self, n) -> bool:
        return n in self.nodes

    def __iter__(self):
        return iter(self.nodes)

    def _edges(self, n, cache: dict, column: str) -> list:
        if n not in cache:
            other = "v" if column == "u" else "u"
            rows = self._rows(f"SELECT {other}, attrs FROM edges WHERE {column} = ? ORDER BY pos", (n,)) \
                if isinstance(n, str) else []
            cache[n] = [(n, m, json.loads(a)) if column == "u" else (m, n, json.loads(a)) for m, a in rows]
        return cache[n]

    def out_edges(self, n, data: bool = False):
        return [e if data else e[:2] for e in self._edges(n, self._out, "u")]

    def in_edges(self, n, data: bool = False):
        return [e if data else e[:2] for e in self._edges(n, self._in, "v")]


def view_from_store(store) -> dict:
    """The view read from an Oxigraph store's default graph (the union)."""
    import pyoxigraph as ox
    return view_from_pairs({p: [(q.subject.value, q.object.value) for q in
                                store.quads_for_pattern(None, ox.NamedNode(p), None, ox.DefaultGraph())]
                            for p in VIEW_PREDICATES})


def _prune(root: Path, keep: int = KEEP) -> None:
    entries = [p for p in root.iterdir()
               if p.is_dir() and not p.name.startswith(".") and p.name not in (VALIDATION_CACHE, DIGESTS)]
    entries.sort(key=lambda p: p.stat().st_mtime, reverse=True)
    for old in entries[keep:]:
        shutil.rmtree(old, ignore_errors=True)
    for tmp in root.glob(".build-*"):  # left by a killed build more than an hour ago
        try:
            if time.time() - tmp.stat().st_mtime > 3600:
                shutil.rmtree(tmp, ignore_errors=True)
        except OSError:
            pass


def damage(entry: Path, open_store: bool = True) -> str | None:
    """What is wrong with a cache entry (None: it is whole): the complete marker, its files' sizes, the
    metadata, and (``open_store``) that the Oxigraph store opens."""
    if not entry.is_dir():
        return "missing"
    try:
        marker = json.loads((entry / MARKER).read_text(encoding="utf-8"))
        sizes = marker["files"]
        if marker.get("format") != _FORMAT or not isinstance(sizes, dict):
            return f"{MARKER} is of another format"
        for name, size in sizes.items():
            if (entry / name).stat().st_size != size:
                return f"{name} is {(entry / name).stat().st_size} bytes, not {size}"
        meta = json.loads((entry / "meta.json").read_text(encoding="utf-8"))
        if not isinstance(meta, dict) or not isinstance(meta.get("documents"), dict):
            return "meta.json has the wrong shape"
    except FileNotFoundError as exc:
        return f"{Path(exc.filename or '?').name} is missing"
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        return f"{type(exc).__name__}: {exc}"[:200]
    if open_store:
        try:
            import pyoxigraph as ox
            store = ox.Store.read_only(str(entry / "store"))
            del store
        except (OSError, ValueError, RuntimeError) as exc:
            return f"its Oxigraph store does not open ({exc})"[:200]
    return None


def _discard(entry: Path, reason: str) -> None:
    """Move a damaged entry out of the way (renamed first, so no reader meets it half deleted)."""
    import sys
    try:  # one line on stderr (the server's log under drivers serve)
        print(f"drivers: the store cache {entry} was damaged ({reason[:160]}); rebuilding it", file=sys.stderr,
              flush=True)
    except (OSError, ValueError):
        pass
    aside = entry.with_name(f".damaged-{entry.name}-{os.getpid()}")
    try:
        os.rename(entry, aside)
    except OSError:
        aside = entry
    shutil.rmtree(aside, ignore_errors=True)


def ensure_cache(data_dir: Path, base: str, built: Built | None = None, built_version: str | None = None,
                 damaged: str | None = None, open_store: bool = False) -> Path:
    """The cache folder for this data, built first if missing or damaged (one line on stderr says so).

    ``built`` saves a rebuild, and is used only when ``built_version`` (the fingerprint taken before it
    was loaded) is this run's fingerprint: the entry always holds what its name says. The fingerprint
    is taken again after a build from the files; if the files changed meanwhile, it is built again.
    ``damaged``: the reason a reader found the entry damaged (it is rebuilt). ``open_store``: also check
    that the store opens (50-100 ms; for a caller that hands the folder to another process, which cannot
    heal it — otherwise :class:`OxigraphBackend` finds and heals that when it first opens the store, and
    ``why``, which reads only the view, never pays for it).
    """
    root = cache_root()
    for _ in range(3):
        version = fingerprint(data_dir, base)
        target = root / version
        if damaged is not None and target.exists():
            _discard(target, damaged)
            damaged = None
        if target.exists():
            reason = damage(target, open_store)
            if reason is None:
                try:
                    os.utime(target)
                except OSError:
                    pass
                return target
            _discard(target, reason)
        use_built = built is not None and built_version == version
        if not use_built:
            data, sink = build_sink(data_dir, base)
            docs = {sid: s.title for sid, s in data.sources.items()}
            del data  # the records: only the quads are written
            if fingerprint(data_dir, base) != version:  # the files changed while they were read
                continue
        else:
            sink, docs = built.quads, documents(built)
        try:
            # quads built here are dropped as they are loaded; a caller's build keeps its own
            write_cache(sink, docs, target, built.view if use_built else None, consume=not use_built)
            _prune(root)
        except OSError as exc:
            raise StoreError(f"cannot write the store cache in {root}: {exc.strerror or exc} — set "
                             f"{CACHE_ENV} to a writable folder, or use --store rdflib") from None
        return target
    raise StoreError(f"the data files in {data_dir} kept changing while the store cache was built — wait until "
                     "they are saved, then run the command again")


# -- backends ----------------------------------------------------------------------------------

class Backend:
    """What the read commands need: the union graph (rdflib API), the NetworkX view, SPARQL."""

    name = "?"

    def graph(self) -> Graph:
        raise NotImplementedError

    def nx(self) -> nx.MultiDiGraph:
        raise NotImplementedError

    def why_graph(self) -> Any:
        """A graph :mod:`graph.answers.why` can walk (LiteGraph where that saves importing NetworkX)."""
        return self.nx()

    def documents(self) -> dict[str, str]:
        raise NotImplementedError

    def catalog(self):
        from ..answers.catalog import Catalog
        return Catalog(self.graph())

    def listing(self, type_name: str, edition: int | None = None) -> list[dict]:
        """The rows of ``drivers list TYPE`` (:meth:`graph.answers.catalog.Catalog.list`)."""
        return self.catalog().list(type_name, edition)

    def run(self, text: str, bindings: dict | None = None, where: str = "query") -> Result:
        from ..answers import queries as q
        return q.run(self.graph(), q.prepare(text, where), bindings, where)


class MemoryBackend(Backend):
    """The plain rdflib store: built from the YAML in memory (by the caller, lazily)."""

    name = "rdflib"

    def __init__(self, get_built):
        self._get = get_built

    def graph(self) -> Graph:
        return self._get().union

    def nx(self) -> nx.MultiDiGraph:
        return self._get().nx

    def documents(self) -> dict[str, str]:
        return documents(self._get())


class StoreBackend(Backend):
    """A backend over a pyoxigraph store (``self.store``) and a view (``_read_view``), each made
    once when first needed: the union graph through oxrdflib, ``why`` on the light view."""

    _store = _graph = _view = _nx = None

    @property
    def store(self):
        raise NotImplementedError

    def _read_view(self) -> dict:
        raise NotImplementedError

    def graph(self) -> Graph:
        if self._graph is None:
            self._graph = oxigraph_graph(self.store)
        return self._graph

    def _load_view(self) -> dict:
        if self._view is None:
            self._view = self._read_view()
        return self._view

    def nx(self) -> nx.MultiDiGraph:
        if self._nx is None:
            self._nx = view_to_networkx(self._load_view())
        return self._nx

    def why_graph(self) -> LiteGraph:
        return LiteGraph(self._load_view())


class OxigraphBackend(StoreBackend):
    """A pyoxigraph store opened read-only from a cache folder (see :func:`ensure_cache`)."""

    name = "oxigraph"

    _meta = None

    def __init__(self, folder: Path, store=None, heal=None):
        self.folder = folder
        self._store = store
        self._heal = heal  # heal(reason) -> a rebuilt folder, for an entry found damaged in use

    def _damaged(self, what: str, exc: Exception):
        """Rebuild the entry once (if this backend knows how), else a StoreError saying what to do."""
        reason = f"{what}: {type(exc).__name__}: {exc}"[:200]
        if self._heal is not None:
            heal, self._heal = self._heal, None
            self.folder = heal(reason)
            self._store = self._graph = self._view = self._nx = self._meta = None
            return True
        raise StoreError(f"the store cache {self.folder} is damaged ({reason}) — delete that folder (it is rebuilt "
                         "on the next run)") from None

    @property
    def store(self):
        if self._store is None:
            import pyoxigraph as ox
            try:
                self._store = ox.Store.read_only(str(self.folder / "store"))
            except (OSError, ValueError, RuntimeError) as exc:
                self._damaged("its Oxigraph store does not open", exc)
                return self.store
        return self._store

    def why_graph(self) -> IndexGraph:
        """The view read lazily from the entry's index (``why`` on a large graph meets a few nodes)."""
        def healed(what: str, exc: Exception) -> Path:
            self._damaged(what, exc)
            return self.folder
        return IndexGraph(self.folder, healed)

    def _read_view(self) -> dict:
        try:
            view = json.loads((self.folder / "view.json").read_text(encoding="utf-8"))
            if not isinstance(view, dict):
                raise ValueError("not an object")
            return view
        except (OSError, ValueError) as exc:
            self._damaged("view.json cannot be read", exc)
            return self._read_view()

    def meta(self) -> dict:
        if self._meta is None:
            try:
                self._meta = json.loads((self.folder / "meta.json").read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                self._damaged("meta.json cannot be read", exc)
                return self.meta()
        return self._meta

    def documents(self) -> dict[str, str]:
        return self.meta()["documents"]

    def listing(self, type_name: str, edition: int | None = None) -> list[dict]:
        """The rows of ``drivers list TYPE``, kept in the entry the first time they are worked out
        (:class:`Listings`): a later listing reads them back without opening the store."""
        kept = Listings(self.folder)
        rows = kept.get(type_name, edition)
        if rows is None:
            rows = super().listing(type_name, edition)
            kept.put(type_name, edition, rows)
        return rows

    def run(self, text: str, bindings: dict | None = None, where: str = "query") -> Result:
        return run_oxigraph(self.graph(), text, bindings, where)


class Listings:
    """The rows of ``drivers list TYPE [--edition YEAR]`` kept in a cache entry, one JSON file each.

    A listing reads a few columns of every record of a type, and Oxigraph's on-disk store decodes
    every term it returns (about 85,000 for the actions at 32 partnerships: 1 s, against 20 ms to read
    the rows back). The rows are written the first time a listing is asked for, and by ``drivers
    build`` for the listings its CSVs hold (it has worked them out already). They are never stale: the
    entry is named by the data and the code, and a new entry starts without them. Written to a
    temporary file and renamed into place; a file that does not read back as rows is worked out
    again; an entry that cannot be written to (a read-only shared cache) is simply not kept in.
    """

    _NAME = re.compile(r"[a-z][a-z-]*\Z")

    def __init__(self, entry: Path):
        self.folder = entry / LISTINGS

    def _path(self, type_name: str, edition: int | None) -> Path | None:
        """The file for a listing; None for a name that is no type's (never a path out of the folder)."""
        if not self._NAME.match(type_name) or not (edition is None or type(edition) is int):
            return None
        return self.folder / (f"{type_name}.json" if edition is None else f"{type_name}-{edition}.json")

    def get(self, type_name: str, edition: int | None = None) -> list[dict] | None:
        path = self._path(type_name, edition)
        if path is None:
            return None
        try:
            rows = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            return None
        return rows

    def put(self, type_name: str, edition: int | None, rows: list[dict]) -> None:
        path = self._path(type_name, edition)
        if path is not None:  # if not kept, the next listing works it out again
            _keep(path, json.dumps(rows, ensure_ascii=False), parents=False)  # never an entry pruned meanwhile


def oxigraph_graph(store) -> Graph:
    """An rdflib Graph over the default graph (the union) of a pyoxigraph store."""
    from oxrdflib import OxigraphStore
    from rdflib import Graph
    from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

    class Substituting(OxigraphStore):
        """``initBindings`` as :func:`substitute` does them: Oxigraph's own substitutions need the
        variable projected, which the catalog's queries do not do."""

        def query(self, query, initNs, initBindings, queryGraph, **kwargs):  # noqa: N803
            if initBindings and isinstance(query, str):
                query, initBindings = substitute(query, initBindings), {}
            return super().query(query, initNs, initBindings, queryGraph, **kwargs)

    backing = Substituting(store=store)
    backing.direct = Direct(store)  # for readers that ask Oxigraph itself (the catalog's listings)
    return Graph(store=backing, identifier=DATASET_DEFAULT_GRAPH_ID)


class Direct:
    """Reads straight from the pyoxigraph store behind an :func:`oxigraph_graph`, the union in its
    default graph, without oxrdflib's term conversion (the cost of a listing of thousands of rows):
    IRIs come back as rdflib ``URIRef`` (they are keys the callers share with rdflib reads),
    literals in query answers as their plain text."""

    def __init__(self, store):
        self.store = store

    def select(self, text: str, bindings: dict | None = None) -> tuple[list[str], list[tuple]]:
        """(variable names, rows) of a SELECT; ``bindings`` substituted as RDF terms (bound, as
        :func:`substitute` does for rdflib's ``initBindings``)."""
        res = self.store.query(substitute(text, bindings) if bindings else text)
        names = [v.value for v in res.variables]
        term = _terms(plain_literals=True)
        return names, [tuple(term(t) for t in sol) for sol in res]

    def pairs(self, predicate, obj=None) -> list[tuple]:
        """(subject, object) of every triple with ``predicate`` (and object ``obj``, an IRI, if
        given), as rdflib terms."""
        import pyoxigraph as ox
        term = _terms(plain_literals=False)
        pattern = ox.NamedNode(str(obj)) if obj is not None else None
        return [(term(q.subject), term(q.object)) for q in
                self.store.quads_for_pattern(None, ox.NamedNode(str(predicate)), pattern, ox.DefaultGraph())]


class Scanned(Direct):
    """:class:`Direct` with the predicate scans and the catalog's column reads answered from quads
    held in memory (the build has them: Oxigraph's on-disk store decodes every term it returns, a
    few microseconds each, which was most of the page's and the listings' time in ``drivers build``).
    SELECT queries still go to the store. The terms are the same either way (the store was loaded
    from these quads); each scan is in the quads' order (callers never depend on a scan's order)."""

    def __init__(self, store, quads):
        super().__init__(store)
        self._quads = quads
        self._objects: dict = {}  # predicate -> subject -> its objects (kept: the graph never changes)
        self._members: dict | None = None

    def _index(self) -> dict:
        return self._quads.by_predicate()  # the union: a triple stated twice once

    def _objects_of(self, pred) -> dict:
        """subject -> its objects of ``pred`` (worked out once)."""
        out = self._objects.get(pred)
        if out is None:
            out = self._objects[pred] = {}
            for s, o in self._index().get(pred, ()):
                out.setdefault(s, []).append(o)
        return out

    def pairs(self, predicate, obj=None) -> list[tuple]:
        rows = self._index().get(predicate, [])
        return list(rows) if obj is None else [(s, o) for s, o in rows if o == obj]

    def columns(self, cls, cols: dict[str, str], prefixes: dict[str, str]) -> dict:
        """What :meth:`graph.answers.catalog.Catalog._columns` answers (node of class ``cls`` with an
        id and a title -> {column: value}, literals as their text), from the scans: each column's
        path (``prefix:name`` steps joined by ``/``) followed through the predicate index, the
        smallest value (by its text) where there are several, as the query path takes."""
        from rdflib import RDF, Literal, URIRef

        def step(name: str) -> dict:
            prefix, _, local_name = name.partition(":")
            return self._objects_of(URIRef(prefixes[prefix] + local_name))

        def plain(values: list):
            v = values[0] if len(values) == 1 else min(values, key=str)
            return str(v) if isinstance(v, Literal) else v
        if self._members is None:  # class -> its members (found by hash, not rdflib's Python __eq__)
            self._members = {}
            for s, o in self._index().get(RDF.type, ()):
                self._members.setdefault(o, []).append(s)
        ids, titles = step("dcterms:identifier"), step("dcterms:title")
        found: dict = {}
        for n in self._members.get(cls, ()):
            if n in ids and n in titles:
                found[n] = {"id": plain(ids[n]), "title": plain(titles[n])}
        for c, path in cols.items():
            hops = [step(name) for name in path.split("/")]
            first, rest = hops[0], hops[1:]
            for n, d in found.items():
                values = first.get(n)
                for hop in rest:
                    if not values:
                        break
                    values = [o for v in values for o in hop.get(v, ())]
                if values:
                    d[c] = plain(values)
        return found


XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def _terms(plain_literals: bool):
    """pyoxigraph term -> rdflib term (a literal as its text with ``plain_literals``)."""
    import pyoxigraph as ox
    from rdflib import BNode, Literal, URIRef
    named, blank = ox.NamedNode, ox.BlankNode

    def term(t):
        if t is None:
            return None
        kind = type(t)
        if kind is named:
            return URIRef(t.value)
        if kind is blank:
            return BNode(t.value)
        if plain_literals:
            return t.value
        if t.language:
            return Literal(t.value, lang=t.language)
        datatype = t.datatype.value
        return Literal(t.value) if datatype == XSD_STRING else Literal(t.value, datatype=URIRef(datatype))
    return term


def run_oxigraph(g: Graph, text: str, bindings: dict | None = None, where: str = "query") -> Result:
    """A SELECT/ASK query run by Oxigraph itself, checked and answered exactly as :func:`queries.run`.

    rdflib parses it first, so a malformed query gives the same message on both stores; then the
    text goes to Oxigraph with the parameters as substitutions (bound, never pasted).
    """
    from ..answers import queries as q
    text, kind = substituted_query(text, bindings, where)
    try:
        res = g.query(text, initNs={k: str(v) for k, v in q.PREFIXES.items()})
    except (SyntaxError, RuntimeError) as exc:
        raise UsageError(f"{where}: Oxigraph cannot run this query: {exc}") from None
    return q.as_result(g, res, kind)


def substituted_query(text: str, bindings: dict | None, where: str) -> tuple[str, str]:
    """(the query text with ``bindings`` substituted, "SelectQuery" or "AskQuery"), for an engine
    that takes only text; rdflib parses it first, so a malformed query gives the same message
    on every store, and any other form of query is refused."""
    from ..answers import queries as q
    kind = q.select_or_ask(q.prepare(text, where), where)
    if bindings:
        text = substitute(text, bindings)
        q.prepare(text, where)  # still a valid query
    return text, kind


_TOKEN = re.compile(r"""
    (?P<skip>'\'\'(?:[^\\]|\\.)*?'\'\'|\"\"\"(?:[^\\]|\\.)*?\"\"\"     # long strings
      |'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"                 # strings
      |<[^<>"{}|^`\\\x00-\x20]*>                                  # IRIs
      |\#[^\n]*                                                    # comments
      |[A-Za-z_][\w.-]*:[\w.:%-]*|:[\w.:%-]*)                        # prefixed names (dg:order)
    |(?P<var>[?$][A-Za-z0-9_\u00B7\u00C0-\uFFFF]+)
    |(?P<kw>\b(?:SELECT|WHERE|FROM|CONSTRUCT|ASK|DESCRIBE|ORDER|GROUP|LIMIT|OFFSET|VALUES)\b)
    |(?P<open>[({])|(?P<close>[)}])
""", re.VERBOSE | re.IGNORECASE)


def substitute(text: str, bindings: dict) -> str:
    """The query with each bound variable replaced by its value as an RDF term (SEP-0007 substitution).

    This is how rdflib's ``initBindings`` behave (the value is seen everywhere, subqueries
    included), for engines that take only query text: Oxigraph (whose own substitutions need the
    variable projected) and remote servers. Values are written by rdflib's term serialiser, so a
    string is one escaped literal whatever it contains; strings, IRIs and comments in the query
    are left alone. In a SELECT's projection a bound ``?x`` becomes ``(value AS ?x)``, in ORDER BY
    and GROUP BY ``(value)``.
    """
    terms = {str(k): v.n3() for k, v in bindings.items()}
    mode = ""  # "SELECT" in a projection, "ORDER"/"GROUP" in those clauses
    depth = 0

    def repl(m: re.Match) -> str:
        nonlocal mode, depth
        tok = m.group(0)
        if m.group("kw"):
            mode = tok.upper() if tok.upper() in ("SELECT", "ORDER", "GROUP") else ""
            depth = 0
        elif m.group("open"):
            if tok == "{":
                mode = ""
            depth += 1
        elif m.group("close"):
            depth -= 1
            if tok == "}":
                mode = ""
        elif m.group("var") and tok[1:] in terms:
            value = terms[tok[1:]]
            if mode == "SELECT" and depth == 0:
                return f"({value} AS ?{tok[1:]})"
            return f"({value})" if mode in ("ORDER", "GROUP") and depth == 0 else value
        return tok
    return _TOKEN.sub(repl, text)


def backend(data_dir: Path, base: str, store: str, get_built) -> Backend:
    """The backend for ``--store``: rdflib builds in memory; oxigraph opens (or first builds) the cache."""
    if store == "rdflib":
        return MemoryBackend(get_built)
    if store == "oxigraph":
        return OxigraphBackend(ensure_cache(data_dir, base),
                               heal=lambda reason: ensure_cache(data_dir, base, damaged=reason))
    raise UsageError(f"unknown store {store!r}; use one of: {', '.join(STORES)}")
