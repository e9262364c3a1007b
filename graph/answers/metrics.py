"""Network metrics of the NetworkX view: pure functions of a graph, no I/O.

Nodes carry ``type`` and ``title``; edges carry ``rel``. Centrality is measured on the undirected
simple view (direction and parallel links dropped), where a node of high betweenness, or a cut
vertex whose removal splits the graph, is a single point of failure.
"""

from __future__ import annotations

import re
from collections import Counter

import networkx as nx

from .why import UP_RELS

#: relations that mean "is driven by": a link of these into a driver cites it
DRIVEN_BY = UP_RELS


def simple_view(G: nx.Graph) -> nx.Graph:
    """Undirected, no parallel edges, no self-loops."""
    H = nx.Graph(G)
    H.remove_edges_from(list(nx.selfloop_edges(H)))
    return H


#: betweenness is exact up to this many nodes; above, it is estimated from a sample of source nodes
EXACT_UP_TO = 2000
#: how many source nodes the estimate uses (NetworkX's ``k``): the time then grows with the graph
#: (k shortest-path searches), not with its square
SAMPLE = 200
SEED = 0


def betweenness_method(n: int) -> dict:
    """How betweenness is worked out for ``n`` nodes: exact, or sampled with ``k`` and a fixed seed."""
    if n <= EXACT_UP_TO:
        return {"method": "exact", "nodes": n}
    return {"method": "sampled", "nodes": n, "sample": SAMPLE, "seed": SEED}


def centrality(G: nx.Graph, top: int = 10) -> list[dict]:
    """The ``top`` nodes by betweenness (then degree, then id) on the simple view (estimated from
    :data:`SAMPLE` source nodes above :data:`EXACT_UP_TO` nodes; see :func:`betweenness_method`).

    >>> centrality(nx.path_graph(["a", "b", "c"]), top=1)[0]
    {'id': 'b', 'type': None, 'title': None, 'degree': 2, 'betweenness': 1.0, 'cut_vertex': True}
    """
    H = simple_view(G)
    how = betweenness_method(H.number_of_nodes())
    between = nx.betweenness_centrality(H, k=how.get("sample"), seed=how.get("seed"))
    cuts = set(nx.articulation_points(H))
    ranked = sorted(H.nodes, key=lambda n: (-between[n], -H.degree(n), str(n)))
    return [{"id": n, "type": G.nodes[n].get("type"), "title": G.nodes[n].get("title"), "degree": H.degree(n),
             "betweenness": round(between[n], 6), "cut_vertex": n in cuts} for n in ranked[:top]]


def orphans(G: nx.Graph) -> dict[str, list[str]]:
    """Nodes no link touches, by type, in natural order: ``{"UNCRCArticle": ["...-2", "...-10"]}``."""
    out: dict[str, list[str]] = {}
    for n in sorted(G.nodes, key=_natural):
        if G.degree(n) == 0:
            out.setdefault(G.nodes[n].get("type") or "?", []).append(n)
    return dict(sorted(out.items()))


def most_cited(G: nx.MultiDiGraph, top: int = 10) -> list[dict]:
    """Drivers by how many distinct records cite them through a DRIVEN_BY relation (ties by id)."""
    citers: dict[str, set] = {n: set() for n, t in G.nodes(data="type") if t == "Driver"}
    for u, v, rel in G.edges(data="rel"):
        if v in citers and rel in DRIVEN_BY and u != v:
            citers[v].add(u)
    ranked = sorted(citers, key=lambda n: (-len(citers[n]), str(n)))
    return [{"id": n, "title": G.nodes[n].get("title"), "number": G.nodes[n].get("number"),
             "cited_by": len(citers[n])} for n in ranked[:top] if citers[n]]


def _natural(n) -> list:
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", str(n))]


def type_counts(G: nx.Graph) -> dict[str, int]:
    return dict(sorted(Counter(t or "?" for _, t in G.nodes(data="type")).items()))


def summary(G: nx.MultiDiGraph, top: int = 10) -> dict:
    """Everything ``drivers metrics`` prints, as JSON-ready data."""
    return {"nodes": G.number_of_nodes(), "links": G.number_of_edges(), "types": type_counts(G),
            "central": centrality(G, top), "betweenness": betweenness_method(G.number_of_nodes()),
            "most_cited": most_cited(G, top), "orphans": orphans(G)}
