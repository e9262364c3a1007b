"""The whole build: load -> RDF quads -> validate -> NetworkX view, in memory (the exports are in
:mod:`graph.publish.exports`).

The RDF is collected as plain quads (:class:`graph.core.rdf.Quads`); the rdflib Dataset and
union Graph that some callers want are made from them on first use.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from .gcpause import paused_gc
from .loader import load
from .model import Data
from .namespace import DEFAULT_BASE
from .rdf import Quads, build

if TYPE_CHECKING:
    import networkx as nx
    from rdflib import Dataset, Graph

    from .validate import Report


class Built:
    """One build: the records, the quads, the NetworkX view, the SHACL report and the counts."""

    def __init__(self, data: Data, quads: Quads, view: dict, base: str = DEFAULT_BASE):
        self.data = data
        self.quads = quads
        self.view = view  # the NetworkX view as plain data (graph.core.view.view_from_pairs)
        self.base = base
        self.report: Report | None = None
        self.counts: dict[str, int] = {}
        self._dataset = self._union = self._nx = None

    @property
    def nx(self) -> nx.MultiDiGraph:
        """The NetworkX view (made on first use: ``validate`` and the counts need no NetworkX)."""
        if self._nx is None:
            from .view import view_to_networkx
            self._nx = view_to_networkx(self.view)
        return self._nx

    @property
    def graph_view(self):
        """The view to read (exports, the page): the NetworkX graph if it has been made, else a
        :class:`graph.core.view.ViewGraph` over the same data, which needs no NetworkX."""
        if self._nx is not None:
            return self._nx
        from .view import ViewGraph
        return ViewGraph(self.view)

    @property
    def dataset(self) -> Dataset:
        """The rdflib Dataset, a named graph per source document (made on first use)."""
        if self._dataset is None:
            self._dataset = self.quads.to_dataset()
        return self._dataset

    @property
    def union(self) -> Graph:
        """The union of the named graphs as an rdflib Graph (made on first use)."""
        if self._union is None:
            self._union = self.quads.union()
        return self._union


def build_graph(data_dir: Path, base: str = DEFAULT_BASE, check: bool = True,
                progress: Callable[[str, int, int], None] | None = None) -> Built:
    """Load ``data_dir`` and build every view; with ``check``, run SHACL validation too.

    ``progress(stage, done, total)`` is told how far each long stage has got.
    """
    from .view import VIEW_PREDICATES, view_from_pairs
    with paused_gc():
        data = load(data_dir)
        quads = Quads()
        build(data, base, dataset=quads)
        built = Built(data, quads, view_from_pairs(quads.pairs(VIEW_PREDICATES)), base)
    if check:
        from .validate import validate
        built.report = validate(quads, progress=(lambda d, t: progress("validate", d, t)) if progress else None)
    built.counts = counts(built)
    return built


def counts(b: Built) -> dict[str, int]:
    """Nodes by type, links, sources ... as NetworkX counts the view (a node or an edge key once)."""
    nodes = dict(b.view["nodes"])
    by_type = Counter(d["type"] for d in nodes.values())
    out = {f"nodes:{t}": c for t, c in sorted(by_type.items())}
    out["nodes"] = len(nodes)
    out["links"] = len({(u, v, k) for u, v, k, _ in b.view["edges"]})
    out["sources"] = len(b.data.sources)
    out["editions"] = len(b.data.editions)
    out["edition_entries"] = sum(len(e.entries) for e in b.data.editions.values())
    out["named_graphs"] = len(b.data.sources)
    out["triples"] = len(b.quads.triples())
    return out
