"""The whole build: load -> RDF -> validate -> NetworkX view, in memory (the exports are in
:mod:`graph.publish.exports`)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx
from rdflib import Dataset, Graph

from .loader import load
from .model import Data
from .namespace import DEFAULT_BASE
from .view import to_networkx
from .rdf import build
from .validate import Report, union, validate


@dataclass
class Built:
    data: Data
    dataset: Dataset
    union: Graph
    nx: nx.MultiDiGraph
    report: Report | None = None
    counts: dict[str, int] = field(default_factory=dict)


def build_graph(data_dir: Path, base: str = DEFAULT_BASE, check: bool = True) -> Built:
    """Load ``data_dir`` and build every view; with ``check``, run SHACL validation too."""
    data = load(data_dir)
    ds = build(data, base)
    g = union(ds)
    G = to_networkx(g)
    built = Built(data, ds, g, G)
    built.report = validate(ds) if check else None
    built.counts = counts(built)
    return built


def counts(b: Built) -> dict[str, int]:
    by_type = Counter(b.nx.nodes[n]["type"] for n in b.nx.nodes)
    out = {f"nodes:{t}": c for t, c in sorted(by_type.items())}
    out["nodes"] = b.nx.number_of_nodes()
    out["links"] = b.nx.number_of_edges()
    out["sources"] = len(b.data.sources)
    out["editions"] = len(b.data.editions)
    out["edition_entries"] = sum(len(e.entries) for e in b.data.editions.values())
    out["named_graphs"] = len(b.data.sources)
    out["triples"] = len(b.union)
    return out

