"""The graph in a browser: one self-contained, offline HTML file (vis-network, no CDN).

``render(G, g)`` is a pure function from the NetworkX view (and, optionally, the RDF union for
document titles and edition entries) to the text of the page. Everything the page needs is
inline: the vis-network standalone script shipped inside the installed ``pyvis`` package, the
style, the page script, and the data as JSON in ``<script type="application/json">``.

Safety: text from the data never becomes markup. The JSON has ``<``, ``>``, ``&``, U+2028 and
U+2029 escaped, so a title holding ``</script>`` cannot end the script element; the page builds
the panel with ``textContent``; tooltips are plain strings (vis-network shows them with
``innerText``); and a Content-Security-Policy allows only the two hashed inline scripts, so an
injected ``onerror=`` could not run even if markup got through.

Determinism: nodes sorted by id, edges by (from, to, key), JSON keys sorted, positions rounded to
whole pixels by a pure-Python layout (no numpy, no platform-dependent maths), no timestamps.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from importlib import resources
from pathlib import Path

import networkx as nx
from rdflib import RDF, Graph
from rdflib.namespace import DCTERMS

from ..answers import why as w
from ..core.errors import NotFound, UsageError
from ..core.namespace import DG
from ..core.view import NODE_CLASSES, local
from .layout import layout, radius

#: node type -> (colour, vis-network shape). Shapes draw the label below, so size stays fixed.
STYLE = {
    "Driver": ("#d62728", "diamond"),
    "Partnership": ("#6a3d9a", "star"),
    "Group": ("#ff7f0e", "triangle"),
    "Plan": ("#1f77b4", "square"),
    "Theme": ("#17becf", "triangleDown"),
    "Outcome": ("#2ca02c", "hexagon"),
    "Indicator": ("#98c45a", "hexagon"),
    "Action": ("#8c8c8c", "dot"),
    "UNCRCArticle": ("#e377c2", "square"),
    "UNCRCCluster": ("#b5478f", "star"),
    "WellbeingIndicator": ("#bcbd22", "hexagon"),
    "PromiseFoundation": ("#8c564b", "star"),
    "PromisePriority": ("#c49c94", "triangle"),
    "NationalOutcome": ("#9467bd", "hexagon"),
    "QualityIndicator": ("#4e9ad6", "triangleDown"),
}
#: Relations that are not followed by ``why`` still read as phrases in the panel.
OUT_PHRASES = {**w.PHRASES, "seeAlso": "see also", "supersedes": "supersedes",
               "qualityIndicator": "is evidenced by quality indicator"}
IN_PHRASES = {**w.INVERSE_PHRASES, "seeAlso": "is referred to by", "supersedes": "is superseded by",
              "qualityIndicator": "is the quality indicator of"}

DEFAULT_DEPTH = 2
_VIS_FILE = re.compile(r"vis-(\d+)\.(\d+)\.(\d+)$")
HERE = Path(__file__).resolve().parent  # static/ and templates/


# -- the vis-network script, from the installed pyvis --------------------------------------------

def vis_script() -> str:
    """The newest vis-network 9.x standalone script bundled with pyvis, read at run time.

    >>> "vis" in vis_script()[:200]
    True
    """
    root = resources.files("pyvis")
    found = []
    for parent in ("templates/lib", "lib"):
        folder = root.joinpath(parent)
        if not folder.is_dir():
            continue
        for d in folder.iterdir():
            m = _VIS_FILE.match(d.name)
            js = d.joinpath("vis-network.min.js")
            if m and m.group(1) == "9" and js.is_file():
                found.append((tuple(int(x) for x in m.groups()), parent, js))
    if not found:
        raise UsageError("the installed pyvis has no vis-network 9.x script (looked under pyvis/templates/lib "
                         "and pyvis/lib); reinstall it with: python3 -m pip install --force-reinstall 'pyvis>=0.3.2'")
    text = max(found, key=lambda f: (f[0], f[1]))[2].read_text(encoding="utf-8")
    # A "</script" inside the library would end the inline element early; "<\/" means the same in JS strings.
    text = re.sub(r"</(script)", r"<\\/\1", text, flags=re.IGNORECASE)
    return text.replace("<!--", "<\\!--")


# -- escaping ------------------------------------------------------------------------------------

_JSON_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026",
                 0x2028: "\\u2028", 0x2029: "\\u2029"}


def script_json(obj) -> str:
    """JSON safe to place inside ``<script type="application/json">``: sorted keys, markup characters escaped.

    >>> script_json({"t": "</script>"})
    '{"t":"\\\\u003c/script\\\\u003e"}'
    """
    text = json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return text.translate(_JSON_ESCAPES)


# -- the page's data -----------------------------------------------------------------------------

def documents(g: Graph | None) -> dict[str, str]:
    """source-document id -> its title."""
    if g is None:
        return {}
    return {str(g.value(s, DCTERMS.identifier)): str(g.value(s, DCTERMS.title))
            for s in g.subjects(RDF.type, DG.SourceDocument) if g.value(s, DCTERMS.identifier) is not None}


def edition_entries(g: Graph, year: int | None) -> tuple[int | None, dict[str, dict]]:
    """(the year used, driver id -> number, category, summary) for an edition (default: the newest)."""
    years = sorted({int(y) for y in g.objects(None, DG.editionYear)})
    if year is None:
        year = years[-1] if years else None
    elif year not in years:
        raise NotFound(f"no edition {year}; editions in the data: {', '.join(map(str, years)) or 'none'}")
    out: dict[str, dict] = {}
    # several partnerships' editions of a year can number one national driver: the edition whose IRI
    # sorts first wins (as in graph.core.view), whatever order the store gives
    for e in sorted(g.subjects(RDF.type, DG.EditionEntry), key=lambda e: (str(g.value(e, DG.edition)), str(e)),
                    reverse=True):
        ed = g.value(e, DG.edition)
        if ed is None or int(g.value(ed, DG.editionYear)) != year:
            continue
        d = g.value(e, DG.describes)
        row = {"number": str(g.value(e, DG.number)), "category": local(g.value(e, DG.category))}
        if g.value(e, DG.summary) is not None:
            row["summary"] = str(g.value(e, DG.summary))
        out[str(g.value(d, DCTERMS.identifier))] = row
    return year, out


def _type_names(types) -> set[str] | None:
    if not types:
        return None
    wanted = {t.strip() for spec in types for t in str(spec).split(",") if t.strip()}
    by_fold = {c.casefold(): c for c in NODE_CLASSES}
    bad = sorted(t for t in wanted if t.casefold() not in by_fold)
    if bad:
        raise UsageError(f"unknown node type {', '.join(map(repr, bad))}; use any of: {', '.join(NODE_CLASSES)}")
    return {by_fold[t.casefold()] for t in wanted}


def select(G: nx.MultiDiGraph, focus: str | None = None, depth: int = DEFAULT_DEPTH, types=None,
           partnership: str | None = None) -> nx.MultiDiGraph:
    """The part of ``G`` to draw: only ``types``; one partnership's nodes plus national ones; and
    with ``focus`` (a node id), only what is within ``depth`` links of it plus, for an action,
    everything that drives it."""
    keep = set(G.nodes)
    wanted = _type_names(types)
    if wanted is not None:
        keep = {n for n in keep if G.nodes[n]["type"] in wanted}
    if partnership:
        of = {n: w.partnership_of(G, n) for n in G.nodes}
        pships = set(of.values()) - {None}
        if partnership not in pships:
            have = ", ".join(sorted(pships)) or "none"
            raise UsageError(f"unknown partnership {partnership!r}; the data has: {have}")
        keep = {n for n in keep if of[n] in (None, partnership)}
    H = G.subgraph(keep)
    if focus is not None:
        if focus not in G:
            raise NotFound(f"no node {focus!r} in the graph")
        if focus not in H:
            raise UsageError(f"{focus!r} is left out by --types/--partnership; widen them or pick another node")
        if depth < 0:
            raise UsageError("--depth must be 0 or more")
        near = set(nx.single_source_shortest_path_length(H.to_undirected(as_view=True), focus, cutoff=depth))
        if G.nodes[focus]["type"] == "Action":
            near |= set(w.why(G, focus).reached) & keep
        H = H.subgraph(near)
    return nx.MultiDiGraph(H)


def page_data(G: nx.MultiDiGraph, g: Graph | None = None, *, edition: int | None = None,
              focus: str | None = None, depth: int = DEFAULT_DEPTH, title: str = "Strategic drivers graph") -> dict:
    """Everything the page shows, as plain JSON-able data (nodes, edges, positions, legend, why-chains)."""
    if edition is not None and g is None:
        raise UsageError("--edition needs the RDF graph")
    docs = documents(g)
    year, entries = edition_entries(g, edition) if g is not None else (None, None)
    ids = sorted(G.nodes)
    index = {n: i for i, n in enumerate(ids)}
    pos = layout(G)
    degree = {n: len((set(G.predecessors(n)) | set(G.successors(n))) - {n}) for n in G.nodes}
    nodes = []
    for n in ids:
        d = G.nodes[n]
        row = {"id": n, "type": d["type"], "title": d.get("title") or n, "x": pos[n][0], "y": pos[n][1],
               "size": radius(degree.get(n, 0))}
        for k in ("kind", "source", "section", "text"):
            if d.get(k):
                row[k] = d[k]
        if entries is not None:
            row.update(entries.get(n, {}))
        else:
            row.update({k: d[k] for k in ("number", "category") if d.get(k)})
        p = w.partnership_of(G, n)
        if p:
            row["partnership"] = p
        nodes.append(row)
    edges = []
    edge_index = {}
    for u, v, k, d in sorted(G.edges(keys=True, data=True), key=lambda e: (e[0], e[1], e[2])):
        row = {"f": index[u], "t": index[v], "rel": d["rel"], "source": d.get("source", ""),
               "section": d.get("section", "")}
        if d.get("quote"):
            row["quote"] = d["quote"]
        if d.get("inferred"):  # a saved suggestion (drivers viz --suggested): drawn dashed, never as stated
            row.update(inferred=True, score=d.get("score"), method=d.get("method", ""))
        edge_index[(u, v, d["rel"], d.get("source", ""))] = len(edges)
        edges.append(row)
    upstream = {}
    for n in ids:
        if G.nodes[n]["type"] != "Action":
            continue
        ans = w.why(G, n, documents=docs)
        if not ans.reached:
            continue
        steps = {(s.frm, s.to, s.rel, s.source) for path in ans.reached.values() for s in path}
        upstream[str(index[n])] = {"n": sorted(index[m] for m in ans.reached),
                                   "e": sorted(edge_index[s] for s in steps if s in edge_index)}
    by_type: dict[str, int] = {}
    by_cat: dict[str, int] = {}
    by_pship: dict[str, int] = {}
    for row in nodes:
        by_type[row["type"]] = by_type.get(row["type"], 0) + 1
        if row.get("category"):
            by_cat[row["category"]] = by_cat.get(row["category"], 0) + 1
        by_pship[row.get("partnership", "")] = by_pship.get(row.get("partnership", ""), 0) + 1
    types = [{"name": t, "color": STYLE.get(t, ("#555555", "dot"))[0], "shape": STYLE.get(t, ("#555555", "dot"))[1],
              "count": by_type[t]} for t in [*NODE_CLASSES, *sorted(set(by_type) - set(NODE_CLASSES))] if t in by_type]
    names = {p: G.nodes[p]["title"] for p in G.nodes if G.nodes[p]["type"] == "Partnership"}
    if g is not None:
        names.update({str(g.value(p, DCTERMS.identifier)): str(g.value(p, DCTERMS.title))
                      for p in g.subjects(RDF.type, DG.Partnership)})
    pships = [{"id": p, "title": names.get(p, p) if p else "National / no partnership", "count": c}
              for p, c in sorted(by_pship.items(), key=lambda pc: (pc[0] == "", pc[0]))]
    return {
        "meta": {"title": title, "edition": year, "focus": focus, "depth": depth,
                 "nodes": len(nodes), "edges": len(edges)},
        "types": types,
        "categories": [{"name": c, "count": by_cat[c]} for c in sorted(by_cat)],
        "partnerships": pships,
        "documents": docs,
        "phrases": {"out": OUT_PHRASES, "in": IN_PHRASES},
        "typeOrder": w.TYPE_ORDER,
        "nodes": nodes,
        "edges": edges,
        "upstream": upstream,
    }


def render(G: nx.MultiDiGraph, g: Graph | None = None, *, edition: int | None = None, focus: str | None = None,
           depth: int = DEFAULT_DEPTH, types=None, partnership: str | None = None,
           title: str = "Strategic drivers graph") -> str:
    """The whole page as text. ``focus`` is a node id (resolve numbers first with ``resolve``)."""
    H = select(G, focus, depth, types, partnership)
    data = page_data(H, g, edition=edition, focus=focus, depth=depth, title=title)
    return html(data)


def resolve(G: nx.MultiDiGraph, g: Graph | None, key: str, edition: int | None = None) -> str:
    """An id or a drivers-document number ("4.4") to a node id of ``G``."""
    key = key.strip()
    if key in G:
        return key
    if g is not None and key[:1].isdigit():
        _, entries = edition_entries(g, edition)
        for n, row in sorted(entries.items()):
            if row["number"] == key and n in G:
                return n
    import difflib

    near = difflib.get_close_matches(key, list(G.nodes), n=5, cutoff=0.5)
    raise NotFound(f"no node with id or number {key!r}" + (f"; did you mean {', '.join(near)}?" if near else ""))


def _sha256(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


def asset(name: str) -> str:
    """The text of one of the page's own files: ``static/app.js``, ``static/app.css``, ``templates/page.html``."""
    return (HERE / name).read_text(encoding="utf-8")


def html(data: dict) -> str:
    """The page for ``page_data`` output: every script and style inline, nothing fetched."""
    vis = vis_script()
    app = "\n" + asset("static/app.js")
    csp = (f"default-src 'none'; script-src '{_sha256(vis)}' '{_sha256(app)}'; "
           "style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'")
    return (asset("templates/page.html").replace("%%CSP%%", csp)
            .replace("%%CSS%%", "\n" + asset("static/app.css"))
            .replace("%%DATA%%", script_json(data))
            .replace("%%VIS%%", vis)
            .replace("%%APP%%", app))
