"""The NetworkX view of the graph: derived from the RDF, never built by hand.

Nodes are records (drivers, plans, actions, groups, articles ...) keyed by id; edges are the
stated links, each keeping its relation, source document and section.
"""

from __future__ import annotations

import networkx as nx
from rdflib import RDF, Graph, URIRef
from rdflib.namespace import DCTERMS, PROV

from .namespace import DG

#: Record classes, most specific first: a node's ``type`` is the first class it has.
NODE_CLASSES = ["Driver", "Partnership", "Group", "Plan", "Theme", "Outcome", "Indicator", "Action",
                "UNCRCArticle", "UNCRCCluster", "WellbeingIndicator", "PromiseFoundation", "PromisePriority",
                "NationalOutcome", "QualityIndicator"]


def local(node) -> str:
    text = str(node)
    return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def node_type(g: Graph, node: URIRef) -> str | None:
    types = {local(t) for t in g.objects(node, RDF.type) if str(t).startswith(str(DG._NS))}
    return next((c for c in NODE_CLASSES if c in types), None)


def to_networkx(g: Graph) -> nx.MultiDiGraph:
    """Build a MultiDiGraph of records and stated links from an RDF graph (the union of all sources)."""
    G = nx.MultiDiGraph()
    ids: dict[URIRef, str] = {}
    rows = []
    for node, ident in g.subject_objects(DCTERMS.identifier):
        t = node_type(g, node)
        if t is None:
            continue
        ids[node] = str(ident)
        rows.append((str(ident), node, t))
    latest = _latest_entries(g)
    for ident, node, t in sorted(rows):
        attrs = {"type": t, "title": str(g.value(node, DCTERMS.title) or ident)}
        p = g.value(node, DG.partnership)
        if p is not None:
            attrs["partnership"] = str(g.value(p, DCTERMS.identifier))
        k = g.value(node, DG.kind)
        if k is not None:
            attrs["kind"] = local(k)
        src = g.value(node, PROV.wasDerivedFrom)
        if src is not None:
            attrs["source"] = str(g.value(src, DCTERMS.identifier))
        attrs["section"] = str(g.value(node, DG.section) or "")
        text = g.value(node, DG.text)
        if text is not None:
            attrs["text"] = str(text)
        if node in latest:
            attrs["number"], attrs["category"] = latest[node]
        G.add_node(ident, **attrs)
    edges = []
    for st in g.subjects(RDF.type, DG.StatedLink):
        s, p, o = g.value(st, RDF.subject), g.value(st, RDF.predicate), g.value(st, RDF.object)
        if s in ids and o in ids:
            src = g.value(st, PROV.wasDerivedFrom)
            edges.append((ids[s], ids[o], local(p), str(g.value(src, DCTERMS.identifier)),
                          " | ".join(sorted(str(x) for x in g.objects(st, DG.section))),
                          " | ".join(sorted(str(x) for x in g.objects(st, DG.quote)))))
    for s, o, rel, src, section, quote in sorted(edges):
        attrs = {"rel": rel, "source": src, "section": section}
        if quote:
            attrs["quote"] = quote
        G.add_edge(s, o, key=f"{rel}|{src}", **attrs)
    return G


def _latest_entries(g: Graph) -> dict[URIRef, tuple[str, str]]:
    """driver -> (number, category) in the newest edition that has it.

    Several partnerships' editions of one year can number a national driver: the edition whose
    IRI sorts first wins, so the answer does not depend on the store's iteration order.
    """
    best: dict[URIRef, tuple[int, str, str, str]] = {}
    for entry in g.subjects(RDF.type, DG.EditionEntry):
        d = g.value(entry, DG.describes)
        ed = g.value(entry, DG.edition)
        year = int(g.value(ed, DG.editionYear))
        if d not in best or year > best[d][0] or year == best[d][0] and str(ed) < best[d][3]:
            best[d] = (year, str(g.value(entry, DG.number)), local(g.value(entry, DG.category)), str(ed))
    return {d: (n, c) for d, (_, n, c, _) in best.items()}
