"""The NetworkX view of the graph: derived from the RDF, never built by hand.

Nodes are records (drivers, plans, actions, groups, articles ...) keyed by id; edges are the
stated links, each keeping its relation, source document and section.
"""

from __future__ import annotations

import networkx as nx
from rdflib import RDF, Graph, URIRef

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
    """Build a MultiDiGraph of records and stated links from an RDF graph (the union of all sources).

    Read from the predicates the view uses, by the code that builds the Oxigraph cache's view
    (:func:`graph.store.view_from_pairs`), so the two stores' views cannot drift apart.
    """
    from .store import VIEW_PREDICATES, view_from_pairs, view_to_networkx
    return view_to_networkx(view_from_pairs({p: [(str(s), str(o)) for s, o in g.subject_objects(URIRef(p))]
                                             for p in VIEW_PREDICATES}))
