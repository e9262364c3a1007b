"""The NetworkX view of the graph: derived from the RDF, never built by hand.

Nodes are records (drivers, plans, actions, groups, articles ...) keyed by id; edges are the
stated links, each keeping its relation, source document and section.

Both stores build their view with :func:`view_from_pairs` (the rdflib store from its graph, the
Oxigraph cache from the quads it loads), so the two cannot drift apart. Importing this module
is light (no rdflib, no NetworkX): ``drivers why`` on the cache walks a :class:`LiteGraph`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import networkx as nx
    from rdflib import Graph, URIRef

#: Record classes, most specific first: a node's ``type`` is the first class it has.
NODE_CLASSES = ["Driver", "Partnership", "Group", "Plan", "Theme", "Outcome", "Indicator", "Action", "Finding",
                "UNCRCArticle", "UNCRCCluster", "WellbeingIndicator", "PromiseFoundation", "PromisePriority",
                "NationalOutcome", "QualityIndicator"]


def local(node) -> str:
    text = str(node)
    return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def reach(start, edges: dict) -> set:
    """``start`` and everything reachable from it through ``edges`` (node -> iterable of nodes)."""
    out, todo = {start}, [start]
    while todo:
        for nxt in edges.get(todo.pop(), ()):
            if nxt not in out:
                out.add(nxt)
                todo.append(nxt)
    return out


def breadth_first(start: list, edges: dict):
    """The nodes reachable from ``start`` through ``edges``, nearest first, each once."""
    seen = set()
    frontier = list(start)
    while frontier:
        node = frontier.pop(0)
        if node in seen:
            continue
        seen.add(node)
        yield node
        frontier.extend(edges.get(node, ()))


def node_type(g: Graph, node: URIRef) -> str | None:
    from rdflib import RDF

    from .namespace import DG
    types = {local(t) for t in g.objects(node, RDF.type) if str(t).startswith(str(DG._NS))}
    return next((c for c in NODE_CLASSES if c in types), None)


def to_networkx(g: Graph) -> nx.MultiDiGraph:
    """Build a MultiDiGraph of records and stated links from an RDF graph (the union of all sources).

    Read from the predicates the view uses, by the code that builds the Oxigraph cache's view
    (:func:`view_from_pairs`), so the two stores' views cannot drift apart.
    """
    from rdflib import URIRef
    return view_to_networkx(view_from_pairs({p: [(str(s), str(o)) for s, o in g.subject_objects(URIRef(p))]
                                             for p in VIEW_PREDICATES}))


_DG = "https://w3id.org/drivers-graph/ontology#"
_DCT, _PROV, _RDF = "http://purl.org/dc/terms/", "http://www.w3.org/ns/prov#", \
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
#: the predicates the view reads
VIEW_PREDICATES = [_DCT + "identifier", _RDF + "type", _DCT + "title", _DG + "partnership", _DG + "kind",
                   _PROV + "wasDerivedFrom", _DG + "describedIn", _DG + "section", _DG + "text", _DG + "describes", _DG + "edition",
                   _DG + "editionYear", _DG + "number", _DG + "category", _RDF + "subject", _RDF + "predicate",
                   _RDF + "object", _DG + "quote"]


def view_json(G: nx.MultiDiGraph) -> dict:
    """The NetworkX view as plain data, in insertion order (so rebuilding it gives the same graph)."""
    return {"nodes": [[n, d] for n, d in G.nodes(data=True)],
            "edges": [[u, v, k, d] for u, v, k, d in G.edges(keys=True, data=True)]}


def view_from_pairs(pairs: dict[str, list[tuple[str, str]]]) -> dict:
    """The NetworkX view as plain data (:func:`view_json`), from predicate -> (subject, object) strings.

    Both stores build their view here: :func:`to_networkx` from the rdflib graph,
    the cache from the built quads or an Oxigraph store; ``tests/test_store.py`` checks the views
    are equal on the real, the hand-made and synthetic data.
    """
    def objects(pred: str) -> dict:
        """subject -> one object, as Graph.value gives one."""
        out: dict = {}
        for s, o in pairs[pred]:
            out.setdefault(s, o)
        return out

    def all_objects(pred: str) -> dict:
        out: dict = {}
        for s, o in pairs[pred]:
            out.setdefault(s, []).append(o)
        return out

    ident = all_objects(_DCT + "identifier")
    types = all_objects(_RDF + "type")
    rank = {c: i for i, c in enumerate(NODE_CLASSES)}
    rows = []
    ids: dict = {}
    for node, idents in ident.items():
        mine = [rank[local(t)] for t in types.get(node, []) if t.startswith(_DG) and local(t) in rank]
        if not mine:
            continue
        ids[node] = idents[0]
        for i in idents:
            rows.append((i, node, NODE_CLASSES[min(mine)]))
    title, pship, kind = objects(_DCT + "title"), objects(_DG + "partnership"), objects(_DG + "kind")
    # a record cites its document with dg:describedIn, a stated link's statement with prov:wasDerivedFrom
    src = {**objects(_PROV + "wasDerivedFrom"), **objects(_DG + "describedIn")}
    section, text = objects(_DG + "section"), objects(_DG + "text")
    first_ident = {n: v[0] for n, v in ident.items()}

    def ident_of(n) -> str:
        return str(first_ident.get(n))  # "None" where rdflib's str(None) would be
    latest = _latest_entries(pairs, objects)
    nodes = []
    for i, node, t in sorted(rows):
        attrs = {"type": t, "title": title.get(node) or i}
        if node in pship:
            attrs["partnership"] = ident_of(pship[node])
        if node in kind:
            attrs["kind"] = local(kind[node])
        if node in src:
            attrs["source"] = ident_of(src[node])
        attrs["section"] = section.get(node, "")
        if node in text:
            attrs["text"] = text[node]
        if node in latest:
            attrs["number"], attrs["category"] = latest[node]
        nodes.append([i, attrs])
    subj, pred, obj = objects(_RDF + "subject"), objects(_RDF + "predicate"), objects(_RDF + "object")
    sections, quotes = all_objects(_DG + "section"), all_objects(_DG + "quote")
    edges = []
    for st, cls in pairs[_RDF + "type"]:
        if cls != _DG + "StatedLink":
            continue
        s, p, o = subj.get(st), pred.get(st), obj.get(st)
        if s in ids and o in ids:
            edges.append((ids[s], ids[o], local(p), ident_of(src.get(st)),
                          " | ".join(sorted(sections.get(st, []))), " | ".join(sorted(quotes.get(st, [])))))
    merged: dict = {}
    for s, o, rel, source, sec, quote in sorted(edges):
        attrs = {"rel": rel, "source": source, "section": sec}
        if quote:
            attrs["quote"] = quote
        merged[(s, o, f"{rel}|{source}")] = attrs  # a later duplicate replaces, as add_edge does
    return {"nodes": nodes, "edges": [[s, o, k, d] for (s, o, k), d in merged.items()]}


def _latest_entries(pairs, objects) -> dict:
    """driver -> (number, category) in the newest edition that has it.

    Several partnerships' editions of one year can number a national driver: the edition whose
    IRI sorts first wins, so the answer does not depend on the store's iteration order.
    """
    describes, edition, year = objects(_DG + "describes"), objects(_DG + "edition"), objects(_DG + "editionYear")
    number, category = objects(_DG + "number"), objects(_DG + "category")
    best: dict = {}
    for e, cls in pairs[_RDF + "type"]:
        if cls != _DG + "EditionEntry":
            continue
        d = describes.get(e)
        y = int(year[edition[e]])
        ed = edition[e]
        if d not in best or y > best[d][0] or y == best[d][0] and ed < best[d][3]:
            best[d] = (y, number[e], local(category[e]), ed)
    return {d: (n, c) for d, (_, n, c, _) in best.items()}


# -- a light graph for `why` (no networkx import) -----------------------------------------------

class _Nodes(dict):
    """``G.nodes[n]`` and ``G.nodes(data=True)``, as NetworkX offers them."""

    def __call__(self, data: bool = False):
        return list(self.items()) if data else list(self)


class LiteGraph:
    """The subset of ``nx.MultiDiGraph`` that :mod:`graph.answers.why` reads, loaded from the cached view."""

    def __init__(self, view: dict):
        self.nodes = _Nodes((n, d) for n, d in view["nodes"])
        self._out: dict[str, list] = {}
        self._in: dict[str, list] = {}
        for u, v, _k, d in view["edges"]:
            self._out.setdefault(u, []).append((u, v, d))
            self._in.setdefault(v, []).append((u, v, d))

    def __contains__(self, n) -> bool:
        return n in self.nodes

    def __iter__(self):
        return iter(self.nodes)

    def out_edges(self, n, data: bool = False):
        return [e if data else e[:2] for e in self._out.get(n, [])]

    def in_edges(self, n, data: bool = False):
        return [e if data else e[:2] for e in self._in.get(n, [])]


class ViewGraph(LiteGraph):
    """The read-only subset of ``nx.MultiDiGraph`` the exports and the page read (nodes, edges,
    neighbours), straight over the view's data: a build that only writes them needs no NetworkX.
    Edges come in the view's order; every reader sorts them."""

    def __init__(self, view: dict):
        super().__init__(view)
        self.graph: dict = {}
        self._edges = [tuple(e) for e in view["edges"]]

    def edges(self, keys: bool = False, data: bool = False):
        edges = self._edges  # one plain comprehension a shape (half a second at 256 partnerships)
        if keys:
            return list(edges) if data else [(u, v, k) for u, v, k, _ in edges]
        return [(u, v, d) for u, v, _, d in edges] if data else [(u, v) for u, v, _, _ in edges]

    def successors(self, n):
        return iter(dict.fromkeys(v for _, v, _ in self._out.get(n, ())))

    def predecessors(self, n):
        return iter(dict.fromkeys(u for u, _, _ in self._in.get(n, ())))

    def number_of_nodes(self) -> int:
        return len(self.nodes)

    def number_of_edges(self) -> int:
        return len(self._edges)


def view_to_networkx(view: dict) -> nx.MultiDiGraph:
    import networkx as nx
    G = nx.MultiDiGraph()
    for n, d in view["nodes"]:
        G.add_node(n, **d)
    for u, v, k, d in view["edges"]:
        G.add_edge(u, v, key=k, **d)
    return G
