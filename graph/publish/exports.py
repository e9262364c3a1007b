"""Deterministic exports: TriG (named graphs), Turtle, JSON-LD, GraphML, CSV.

Every writer is a pure function from a graph to text; sorted, with no timestamps, so
``git diff exports/`` shows only what changed in the data. ``io.write_many`` puts them on disk.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import TYPE_CHECKING

import networkx as nx
from rdflib import Dataset, Graph

from ..web import page as viz
from ..answers.catalog import Catalog

if TYPE_CHECKING:
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
    cols = columns or sorted({k for r in rows for k in r})
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([safe_cell(c) for c in cols])  # headers can be titles from the data (coverage columns)
    for r in rows:
        w.writerow([safe_cell(r.get(c)) for c in cols])
    return buf.getvalue()


def _sorted_lines(text: str) -> list[str]:
    # split on "\n" only: str.splitlines() also splits on U+2028, U+0085 ..., which N-Triples
    # leaves unescaped inside literals, so a title holding one would be cut in two
    return sorted(line for line in text.split("\n") if line.strip())


def nquads(ds: Dataset) -> str:
    """N-Quads, one statement a line, sorted: the canonical form for diffs and comparisons."""
    return "\n".join(_sorted_lines(ds.serialize(format="nquads"))) + "\n"


def trig(ds: Dataset) -> str:
    """TriG with one block per named graph, graphs and statements sorted (rdflib's own order varies)."""
    blocks = []
    for g in sorted((g for g in ds.graphs() if len(g)), key=lambda g: str(g.identifier)):
        lines = _sorted_lines(g.serialize(format="nt"))
        blocks.append(f"<{g.identifier}> {{\n" + "\n".join(f"  {line}" for line in lines) + "\n}\n")
    return "\n".join(blocks)


def turtle(g: Graph) -> str:
    return g.serialize(format="turtle")


def jsonld(g: Graph) -> str:
    """JSON-LD with nodes sorted by @id and values sorted, so the text is stable."""
    doc = json.loads(g.serialize(format="json-ld"))
    nodes = doc if isinstance(doc, list) else doc.get("@graph", [doc])
    for node in nodes:
        for key, value in node.items():
            if isinstance(value, list):
                node[key] = sorted(value, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    nodes.sort(key=lambda n: n.get("@id", ""))
    return json.dumps(nodes, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def graphml(G: nx.MultiDiGraph) -> str:
    H = nx.MultiDiGraph()
    for n in sorted(G.nodes):
        H.add_node(n, **{k: v for k, v in sorted(G.nodes[n].items()) if v is not None})
    for u, v, k, d in sorted(G.edges(keys=True, data=True), key=lambda e: (e[0], e[1], e[2])):
        H.add_edge(u, v, key=k, **{a: b for a, b in sorted(d.items())})
    return "\n".join(nx.generate_graphml(H, prettyprint=True)) + "\n"


def nodes_csv(G: nx.MultiDiGraph) -> str:
    rows = [{"id": n, **G.nodes[n]} for n in sorted(G.nodes)]
    return to_csv(rows, ["id", "type", "title", "kind", "number", "category", "partnership", "source", "section"])


def edges_csv(G: nx.MultiDiGraph) -> str:
    rows = [{"from": u, "rel": d["rel"], "to": v, "source": d["source"], "section": d["section"],
             "quote": d.get("quote", "")}
            for u, v, d in sorted(G.edges(data=True), key=lambda e: (e[0], e[2]["rel"], e[1], e[2]["source"]))]
    return to_csv(rows, ["from", "rel", "to", "source", "section", "quote"])


def all_exports(ds: Dataset, union: Graph, G: nx.MultiDiGraph, out: Path) -> dict[Path, str]:
    """Every export file -> its text."""
    cat = Catalog(union)
    files = {
        out / "graph.trig": trig(ds),
        out / "graph.nq": nquads(ds),
        out / "graph.ttl": turtle(union),
        out / "graph.jsonld": jsonld(union),
        out / "graph.graphml": graphml(G),
        out / "nodes.csv": nodes_csv(G),
        out / "edges.csv": edges_csv(G),
        out / "graph.html": viz.render(G, union),
        out / "actions.csv": to_csv(cat.list("actions"), ["id", "number", "kind", "plan", "partnership", "lead",
                                                          "timescale", "title", "text", "source", "section"]),
        out / "drivers.csv": to_csv(cat.list("drivers"), ["number", "id", "title", "category", "kind",
                                                          "partnership", "source"]),
    }
    for year in cat.editions():
        files[out / f"edition-{year}.csv"] = to_csv(cat.list("drivers", edition=year),
                                                    ["number", "id", "title", "category", "kind", "partnership"])
    return files


def write_exports(b: Built, out: Path) -> list[Path]:
    """Write every export of a build to ``out`` atomically (all files, or none); the paths, sorted."""
    from ..core import io as dio
    files = all_exports(b.dataset, b.union, b.nx, out)
    dio.write_many(files)
    return sorted(files)
