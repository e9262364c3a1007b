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
import math
import random
import re
from importlib import resources

import networkx as nx
from rdflib import RDF, Graph
from rdflib.namespace import DCTERMS

from . import why as w
from .errors import NotFound, UsageError
from .namespace import DG
from .nxview import NODE_CLASSES, local

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

PX_PER_UNIT = 46  # pixels between neighbouring nodes in the layout
DEFAULT_DEPTH = 2
_VIS_FILE = re.compile(r"vis-(\d+)\.(\d+)\.(\d+)$")


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


# -- layout --------------------------------------------------------------------------------------

def layout(G: nx.Graph, seed: int = 7) -> dict[str, tuple[int, int]]:
    """Whole-pixel positions for every node: force-directed per connected component, components packed.

    Pure Python with only + - * / and sqrt, so the result is bit-for-bit the same on every
    platform (it is committed in exports/graph.html). Isolated nodes go in a grid, by type.
    """
    adj: dict[str, set[str]] = {n: set() for n in G.nodes}
    for u, v in G.edges():
        if u != v:
            adj[u].add(v)
            adj[v].add(u)
    seen: set[str] = set()
    comps: list[list[str]] = []
    for n in sorted(adj):
        if n in seen:
            continue
        comp, stack = [], [n]
        seen.add(n)
        while stack:
            x = stack.pop()
            comp.append(x)
            for y in sorted(adj[x]):
                if y not in seen:
                    seen.add(y)
                    stack.append(y)
        comps.append(sorted(comp))
    singles = sorted((c[0] for c in comps if len(c) == 1),
                     key=lambda n: (G.nodes[n].get("type", ""), n))
    blocks: list[dict[str, tuple[float, float]]] = []
    for i, comp in enumerate(sorted((c for c in comps if len(c) > 1), key=lambda c: (-len(c), c[0]))):
        blocks.append(_force(comp, adj, seed + i))
    if singles:
        cols = max(1, math.isqrt(len(singles) - 1) + 1)
        blocks.append({n: (float(k % cols) * 1.4, float(k // cols) * 1.4) for k, n in enumerate(singles)})
    return {n: (round(x * PX_PER_UNIT), round(y * PX_PER_UNIT)) for n, (x, y) in _pack(blocks).items()}


def _force(nodes: list[str], adj: dict[str, set[str]], seed: int) -> dict[str, tuple[float, float]]:
    """Fruchterman-Reingold with the grid cut-off (repulsion only within 2 units), ideal edge length 1."""
    n = len(nodes)
    idx = {v: i for i, v in enumerate(nodes)}
    edges = [(idx[u], idx[v]) for u in nodes for v in sorted(adj[u]) if idx[u] < idx[v]]
    deg = [len(adj[v]) for v in nodes]
    # attraction weakened at hubs (1 / fourth root of the degrees' product), so a hub's many leaves
    # are not crushed around it
    weights = [1.0 / math.sqrt(math.sqrt(deg[i] * deg[j])) for i, j in edges]
    rng = random.Random(seed)
    side = math.sqrt(n) * 1.2
    xs = [rng.random() * side for _ in range(n)]
    ys = [rng.random() * side for _ in range(n)]
    iterations = 120 if n <= 1000 else 80
    t0 = side / 6
    near = ((0, 0), (1, 0), (1, 1), (0, 1), (-1, 1))  # half the neighbourhood: each pair once
    for it in range(iterations):
        dx = [0.0] * n
        dy = [0.0] * n
        grid: dict[tuple[int, int], list[int]] = {}
        for i in range(n):
            grid.setdefault((int(xs[i] // 2.0), int(ys[i] // 2.0)), []).append(i)
        for (cx, cy), members in grid.items():
            for ox, oy in near:
                other = members if (ox, oy) == (0, 0) else grid.get((cx + ox, cy + oy))
                if not other:
                    continue
                same = other is members
                for a, i in enumerate(members):
                    xi, yi = xs[i], ys[i]
                    fx = fy = 0.0
                    for j in (members[a + 1:] if same else other):
                        ex, ey = xi - xs[j], yi - ys[j]
                        d2 = ex * ex + ey * ey
                        if d2 >= 4.0:
                            continue
                        if d2 < 1e-4:  # coincident: push apart along a fixed direction
                            ex, ey, d2 = 0.01 * (1 + (i - j) % 3), 0.01, 2e-4
                        f = 1.0 / d2  # k^2 / d along the unit vector
                        fx += ex * f
                        fy += ey * f
                        dx[j] -= ex * f
                        dy[j] -= ey * f
                    dx[i] += fx
                    dy[i] += fy
        for (i, j), wt in zip(edges, weights):
            ex, ey = xs[i] - xs[j], ys[i] - ys[j]
            d = math.sqrt(ex * ex + ey * ey) * wt  # d^2 / k along the unit vector, weaker at hubs
            dx[i] -= ex * d
            dy[i] -= ey * d
            dx[j] += ex * d
            dy[j] += ey * d
        t = t0 * (1.0 - it / iterations) + 0.02
        for i in range(n):
            m = math.sqrt(dx[i] * dx[i] + dy[i] * dy[i])
            if m > t:
                s = t / m
                xs[i] += dx[i] * s
                ys[i] += dy[i] * s
            else:
                xs[i] += dx[i]
                ys[i] += dy[i]
    _spread(xs, ys, [_radius(d) / PX_PER_UNIT for d in deg])
    return {v: (xs[i], ys[i]) for i, v in enumerate(nodes)}


def _radius(degree: int) -> int:
    """A node's drawn size (vis-network radius, px): bigger for more links."""
    return min(30, 9 + round(2.2 * math.sqrt(degree)))


def _spread(xs: list[float], ys: list[float], radii: list[float], passes: int = 60, margin: float = 0.45) -> None:
    """Push apart nodes that overlap (closer than their radii plus a margin), in place."""
    n = len(xs)
    cell = 2 * max(radii) + margin
    near = ((0, 0), (1, 0), (1, 1), (0, 1), (-1, 1))
    for _ in range(passes):
        moved = False
        grid: dict[tuple[int, int], list[int]] = {}
        for i in range(n):
            grid.setdefault((int(xs[i] // cell), int(ys[i] // cell)), []).append(i)
        for (cx, cy), members in grid.items():
            for ox, oy in near:
                other = members if (ox, oy) == (0, 0) else grid.get((cx + ox, cy + oy))
                if not other:
                    continue
                same = other is members
                for a, i in enumerate(members):
                    for j in (members[a + 1:] if same else other):
                        want = radii[i] + radii[j] + margin
                        ex, ey = xs[i] - xs[j], ys[i] - ys[j]
                        d2 = ex * ex + ey * ey
                        if d2 >= want * want:
                            continue
                        if d2 < 1e-8:
                            ex, ey, d2 = 0.01 * (1 + (i - j) % 3), 0.01, 2e-4
                        d = math.sqrt(d2)
                        push = (want - d) / (2 * d) * 1.01
                        xs[i] += ex * push
                        ys[i] += ey * push
                        xs[j] -= ex * push
                        ys[j] -= ey * push
                        moved = True
        if not moved:
            return


def _pack(blocks: list[dict[str, tuple[float, float]]], gap: float = 3.0) -> dict[str, tuple[float, float]]:
    """Shelf-pack blocks (largest first) into rows about as wide as the whole is tall."""
    boxes = []
    for b in blocks:
        xs = [p[0] for p in b.values()]
        ys = [p[1] for p in b.values()]
        boxes.append((b, min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)))
    area = sum((bw + gap) * (bh + gap) for _, _, _, bw, bh in boxes)
    width = max([math.sqrt(area) * 1.3, *(bw for _, _, _, bw, _ in boxes)])
    out: dict[str, tuple[float, float]] = {}
    x = y = row_h = 0.0
    for b, x0, y0, bw, bh in boxes:
        if x > 0 and x + bw > width:
            x, y, row_h = 0.0, y + row_h + gap, 0.0
        for n, (px, py) in b.items():
            out[n] = (px - x0 + x, py - y0 + y)
        x += bw + gap
        row_h = max(row_h, bh)
    return out


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
    # sorts first wins (as in graph.nxview), whatever order the store gives
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
               "size": _radius(degree.get(n, 0))}
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


def html(data: dict) -> str:
    """The page for ``page_data`` output: every script and style inline, nothing fetched."""
    vis = vis_script()
    csp = (f"default-src 'none'; script-src '{_sha256(vis)}' '{_sha256(APP_JS)}'; "
           "style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'")
    return (PAGE.replace("%%CSP%%", csp)
            .replace("%%CSS%%", CSS)
            .replace("%%DATA%%", script_json(data))
            .replace("%%VIS%%", vis)
            .replace("%%APP%%", APP_JS))


# -- the page ------------------------------------------------------------------------------------

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="%%CSP%%">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Strategic drivers graph</title>
<style>%%CSS%%</style>
</head>
<body>
<div id="app">
<aside id="side" aria-label="Search and filters">
  <h1 id="page-title">Strategic drivers graph</h1>
  <p id="status" aria-live="polite"></p>
  <form id="search-form" role="search">
    <label for="search">Find a node (title, number or id)</label>
    <div class="row"><input id="search" type="search" autocomplete="off" placeholder="e.g. 4.4 or Promise">
    <button type="submit">Find</button></div>
  </form>
  <ul id="results" class="plain"></ul>
  <div class="row controls">
    <label for="depth">Focus depth</label><input id="depth" type="number" min="1" max="9" value="2">
    <button id="clear" type="button">Clear focus</button><button id="fit" type="button">Fit all</button>
  </div>
  <fieldset id="f-type"><legend>Types (legend)</legend></fieldset>
  <fieldset id="f-category"><legend>Drivers-document category</legend></fieldset>
  <fieldset id="f-partnership"><legend>Partnership</legend></fieldset>
  <p class="hint">Click a node for its details and links. Focus fades everything beyond the chosen depth;
  for an action, the chain of what drives it is drawn in red.</p>
</aside>
<main id="graph" aria-label="Graph drawing (the panel on the right lists the same links as text)"></main>
<aside id="panel" aria-label="Selected node" aria-live="polite"><p class="hint">Select a node to see its
title, summary, source and links.</p></aside>
</div>
<script id="graph-data" type="application/json">%%DATA%%</script>
<script>%%VIS%%</script>
<script>%%APP%%</script>
</body>
</html>
"""

CSS = """
*{box-sizing:border-box}
html,body{margin:0;height:100%;font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#222}
#app{display:grid;grid-template-columns:290px minmax(0,1fr) 360px;grid-template-rows:minmax(0,1fr);height:100vh}
#side,#panel{overflow:auto;min-height:0;padding:10px 12px;background:#fafafa}
#side{border-right:1px solid #ddd}#panel{border-left:1px solid #ddd}
#graph{position:relative;min-width:0;min-height:0;overflow:hidden;background:#fff}
h1{font-size:17px;margin:0 0 4px}h2{font-size:16px;margin:4px 0 8px}h3{font-size:14px;margin:12px 0 4px}
fieldset{border:1px solid #ddd;margin:8px 0;padding:4px 8px}legend{font-weight:600}
fieldset label{display:flex;align-items:center;gap:6px;padding:1px 0;cursor:pointer}
.count{margin-left:auto;color:#666;font-variant-numeric:tabular-nums}
.row{display:flex;gap:6px;align-items:center;flex-wrap:wrap}
#search{flex:1;min-width:0;padding:4px}#depth{width:3.5em}
.controls{margin:6px 0}
ul.plain{list-style:none;margin:4px 0;padding:0}
#results{max-height:190px;overflow:auto}
ul.plain li{margin:2px 0}
button.link{background:none;border:0;padding:0;color:#0b57d0;text-decoration:underline;cursor:pointer;
  font:inherit;text-align:left}
button.link:focus-visible,button:focus-visible,input:focus-visible{outline:2px solid #0b57d0}
.cite{color:#555;font-size:12px}.hint{color:#666;font-size:12px}
dl{display:grid;grid-template-columns:auto 1fr;gap:2px 8px;margin:6px 0}dt{color:#666}dd{margin:0}
.text{white-space:pre-wrap;background:#fff;border:1px solid #eee;padding:6px}
q{font-style:italic}
div.vis-tooltip{position:absolute;visibility:hidden;padding:5px 7px;white-space:pre-wrap;max-width:420px;
  font:13px/1.35 system-ui,Arial,sans-serif;color:#000;background:#fffbe6;border:1px solid #999;
  border-radius:3px;box-shadow:2px 2px 8px rgba(0,0,0,.2);pointer-events:none;z-index:5}
"""

APP_JS = r"""
(function () {
  "use strict";
  var DATA = JSON.parse(document.getElementById("graph-data").textContent);
  var N = DATA.nodes, E = DATA.edges, TYPES = {}, byId = new Map();
  var PSHIP = {};
  DATA.types.forEach(function (t) { TYPES[t.name] = t; });
  DATA.partnerships.forEach(function (p) { PSHIP[p.id] = p.title; });
  N.forEach(function (n, i) { n.i = i; byId.set(n.id, i); });
  var adj = N.map(function () { return []; });
  E.forEach(function (e, k) { adj[e.f].push(k); if (e.t !== e.f) adj[e.t].push(k); });
  var on = {type: {}, category: {}, partnership: {}};
  var state = {selected: null, depth: DATA.meta.depth || 2};
  var nodeState = N.map(function () { return ""; }), edgeState = E.map(function () { return ""; });

  function rgba(hex, a) {
    var v = parseInt(hex.slice(1), 16);
    return "rgba(" + (v >> 16 & 255) + "," + (v >> 8 & 255) + "," + (v & 255) + "," + a + ")";
  }
  function short(s, n) {
    s = String(s).replace(/\s+/g, " ").trim();
    return s.length > n ? s.slice(0, n - 1) + "\u2026" : s;
  }
  function name(n) { return (n.number ? n.number + " " : "") + n.title; }
  function docTitle(id) { return DATA.documents[id] || id; }
  function cite(src, section) {
    return docTitle(src) + (src && DATA.documents[src] ? " [" + src + "]" : "") + (section ? ", " + section : "");
  }
  function inferredText(e) {
    return "INFERRED suggestion (score " + Number(e.score).toFixed(2) + ", " + e.method +
           "): not stated in any document";
  }
  function tooltip(n) {
    var lines = [n.type + (n.kind ? " (" + n.kind + ")" : "") + ": " + name(n)];
    var body = n.summary || n.text;
    if (body && body !== n.title) lines.push(short(body, 220));
    if (n.source) lines.push("Source: " + cite(n.source, n.section));
    return lines.join("\n");  // a plain string: vis-network shows it with innerText
  }
  function nodeLook(n, look) {
    var c = TYPES[n.type].color;
    if (look === "faded") {
      return {color: {background: rgba(c, 0.12), border: rgba(c, 0.2),
                      highlight: {background: c, border: "#000"}, hover: {background: c, border: "#000"}},
              font: {color: "rgba(0,0,0,0)"}, borderWidth: 1};
    }
    return {color: {background: c, border: look === "chain" || look === "selected" ? "#000" : rgba(c, 1),
                    highlight: {background: c, border: "#000"}, hover: {background: c, border: "#000"}},
            font: {color: "#222"}, borderWidth: look === "chain" ? 3 : look === "selected" ? 4 : 1};
  }
  function edgeLook(look) {
    if (look === "faded") return {color: {color: "rgba(150,150,150,0.08)", opacity: 1}, width: 0.6};
    if (look === "chain") return {color: {color: "#d62728", opacity: 1}, width: 3};
    return {color: {color: "#9a9a9a", opacity: 1}, width: 0.7};
  }

  var nodes = new vis.DataSet(N.map(function (n) {
    var o = {id: n.id, label: short(name(n), 34), title: tooltip(n), x: n.x, y: n.y,
             shape: TYPES[n.type].shape, size: n.size};
    var look = nodeLook(n, "");
    o.color = look.color; o.font = look.font; o.borderWidth = look.borderWidth;
    return o;
  }));
  var edges = new vis.DataSet(E.map(function (e, k) {
    var phrase = DATA.phrases.out[e.rel] || e.rel;
    var o = {id: k, from: N[e.f].id, to: N[e.t].id,
             title: short(name(N[e.f]), 60) + "\n  " + phrase + "\n" + short(name(N[e.t]), 60) +
                    "\n" + (e.inferred ? inferredText(e) : "Source: " + cite(e.source, e.section))};
    if (e.inferred) o.dashes = true;
    var look = edgeLook("");
    o.color = look.color; o.width = look.width;
    return o;
  }));
  var container = document.getElementById("graph");
  var network = new vis.Network(container, {nodes: nodes, edges: edges}, {
    physics: false,
    layout: {improvedLayout: false},
    interaction: {hover: true, tooltipDelay: 120, hideEdgesOnDrag: N.length > 800, hideEdgesOnZoom: N.length > 800,
                  keyboard: false, multiselect: false},
    nodes: {borderWidth: 1, font: {size: 12, face: "system-ui, Arial, sans-serif"},
            scaling: {label: {enabled: false, drawThreshold: 7}}},
    edges: {smooth: false, arrows: {to: {enabled: true, scaleFactor: 0.45}}, selectionWidth: 1.5,
            hoverWidth: 0.5}
  });

  // -- filters and focus --------------------------------------------------------------------
  function visibleNode(n) {
    return on.type[n.type] !== false && (!n.category || on.category[n.category] !== false) &&
      on.partnership[n.partnership || ""] !== false;
  }
  function near(start, depth, visible) {
    var dist = new Map([[start, 0]]), queue = [start];
    while (queue.length) {
      var x = queue.shift(), d = dist.get(x);
      if (d >= depth) continue;
      adj[x].forEach(function (k) {
        var e = E[k], y = e.f === x ? e.t : e.f;
        if (!dist.has(y) && visible[y]) { dist.set(y, d + 1); queue.push(y); }
      });
    }
    return dist;
  }
  function apply() {
    var visible = N.map(visibleNode), sel = state.selected, keep = null, chainN = new Set(), chainE = new Set();
    if (sel !== null) {
      keep = near(sel, state.depth, visible);
      var up = DATA.upstream[String(sel)];
      if (up) {
        up.n.forEach(function (i) { chainN.add(i); keep.set(i, 0); });
        up.e.forEach(function (k) { chainE.add(k); });
      }
    }
    var nu = [], eu = [], shown = 0;
    N.forEach(function (n, i) {
      var s = !visible[i] ? "hidden" : i === sel ? "selected" : chainN.has(i) ? "chain" :
              keep && !keep.has(i) ? "faded" : "";
      if (s !== "hidden") shown++;
      if (s === nodeState[i]) return;
      nodeState[i] = s;
      var o = {id: n.id, hidden: s === "hidden"}, look = nodeLook(n, s);
      o.color = look.color; o.font = look.font; o.borderWidth = look.borderWidth;
      nu.push(o);
    });
    E.forEach(function (e, k) {
      var s = !visible[e.f] || !visible[e.t] ? "hidden" : chainE.has(k) ? "chain" :
              keep && (!keep.has(e.f) || !keep.has(e.t)) ? "faded" : "";
      if (s === edgeState[k]) return;
      edgeState[k] = s;
      var o = {id: k, hidden: s === "hidden"}, look = edgeLook(s);
      o.color = look.color; o.width = look.width;
      eu.push(o);
    });
    if (nu.length) nodes.update(nu);
    if (eu.length) edges.update(eu);
    document.getElementById("status").textContent =
      "Showing " + shown + " of " + N.length + " nodes, " + E.length + " links" +
      (DATA.meta.edition ? "; numbers from the " + DATA.meta.edition + " edition" : "") + ".";
  }

  // -- the panel (built with textContent only) -----------------------------------------------
  function el(tag, text, cls) {
    var x = document.createElement(tag);
    if (text !== undefined && text !== null) x.textContent = String(text);
    if (cls) x.className = cls;
    return x;
  }
  function nodeButton(i, text) {
    var b = el("button", text === undefined ? name(N[i]) : text, "link");
    b.type = "button";
    b.addEventListener("click", function () { select(N[i].id); });
    return b;
  }
  function order(i) {
    var t = DATA.typeOrder.indexOf(N[i].type);
    return [t < 0 ? 99 : t, N[i].number || "", N[i].title];
  }
  function cmp(a, b) {
    var x = order(a), y = order(b);
    for (var k = 0; k < x.length; k++) {
      if (x[k] < y[k]) return -1;
      if (x[k] > y[k]) return 1;
    }
    return 0;
  }
  function showPanel(i) {
    var n = N[i], panel = document.getElementById("panel");
    panel.replaceChildren();
    panel.appendChild(el("h2", name(n), "title"));
    var dl = el("dl");
    [["Type", n.type + (n.kind ? " (" + n.kind + ")" : "")], ["Number", n.number], ["Category", n.category],
     ["Partnership", n.partnership && (PSHIP[n.partnership] || n.partnership)], ["Id", n.id]].forEach(function (kv) {
      if (!kv[1]) return;
      dl.appendChild(el("dt", kv[0]));
      dl.appendChild(el("dd", kv[1]));
    });
    panel.appendChild(dl);
    if (n.summary) { panel.appendChild(el("h3", "Summary")); panel.appendChild(el("p", n.summary, "text summary")); }
    if (n.text && n.text !== n.title) {
      panel.appendChild(el("h3", "Text"));
      panel.appendChild(el("p", n.text, "text"));
    }
    panel.appendChild(el("h3", "Source"));
    var src = el("p", n.source ? cite(n.source, n.section) : "(none recorded)", "source");
    src.id = "panel-source";
    panel.appendChild(src);
    var up = DATA.upstream[String(i)];
    if (up) {
      panel.appendChild(el("h3", "What drives it (" + up.n.length + ")"));
      var ul = el("ul", null, "plain drives");
      up.n.slice().sort(cmp).forEach(function (j) {
        var li = el("li");
        li.appendChild(el("span", N[j].type + ": ", "cite"));
        li.appendChild(nodeButton(j));
        ul.appendChild(li);
      });
      panel.appendChild(ul);
    }
    var links = adj[i].map(function (k) {
      var e = E[k], out = e.f === i;
      return {k: k, e: e, out: out, other: out ? e.t : e.f,
              phrase: (out ? DATA.phrases.out : DATA.phrases.in)[e.rel] || e.rel};
    }).sort(function (a, b) {
      return (a.out === b.out ? 0 : a.out ? -1 : 1) || (a.e.rel < b.e.rel ? -1 : a.e.rel > b.e.rel ? 1 : 0) ||
             cmp(a.other, b.other);
    });
    panel.appendChild(el("h3", "Links (" + links.length + ")"));
    var list = el("ul", null, "plain links");
    links.forEach(function (l) {
      var li = el("li");
      li.appendChild(el("span", l.phrase + " "));
      li.appendChild(nodeButton(l.other));
      li.appendChild(el("div", l.e.inferred ? inferredText(l.e) : cite(l.e.source, l.e.section),
                        l.e.inferred ? "cite inferred" : "cite"));
      if (l.e.quote) li.appendChild(el("q", l.e.quote, "cite"));
      list.appendChild(li);
    });
    if (!links.length) list.appendChild(el("li", "No stated links.", "hint"));
    panel.appendChild(list);
  }
  function clearPanel() {
    var panel = document.getElementById("panel");
    panel.replaceChildren(el("p", "Select a node to see its title, summary, source and links.", "hint"));
  }

  // -- selecting and searching ------------------------------------------------------------------
  function select(id, opts) {
    var i = byId.get(id);
    if (i === undefined) return false;
    state.selected = i;
    network.selectNodes([id]);
    if (!(opts && opts.move === false)) frame(i);
    showPanel(i);
    apply();
    return true;
  }
  function frame(i) {
    // show the node with its direct links (and, for an action, what drives it), zoomed in enough to read
    var ids = [N[i].id], up = DATA.upstream[String(i)];
    adj[i].forEach(function (k) { var e = E[k]; ids.push(N[e.f === i ? e.t : e.f].id); });
    if (up) up.n.forEach(function (j) { ids.push(N[j].id); });
    network.fit({nodes: ids, minZoomLevel: 0.45, maxZoomLevel: 1.4, animation: false});
  }
  function clear() {
    state.selected = null;
    network.unselectAll();
    clearPanel();
    apply();
  }
  function search(q) {
    q = String(q).trim();
    if (!q) return [];
    var f = q.toLowerCase(), scored = [];
    N.forEach(function (n, i) {
      var t = n.title.toLowerCase(), s = -1;
      if (n.id === q) s = 0;
      else if (n.number === q) s = n.type === "Driver" ? 1 : 2;
      else if (t === f) s = 3;
      else if (n.id.toLowerCase().indexOf(f) >= 0) s = 5;
      else if (t.indexOf(f) === 0) s = 4;
      else if (t.indexOf(f) >= 0) s = 6;
      if (s >= 0) scored.push([s, t.length, n.id, i]);
    });
    scored.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1] || (a[2] < b[2] ? -1 : 1); });
    return scored.map(function (s) { return N[s[3]].id; });
  }
  function find(q) {
    var hits = search(q), ul = document.getElementById("results");
    ul.replaceChildren();
    if (!hits.length) { ul.appendChild(el("li", "No node matches.", "hint")); return null; }
    hits.slice(0, 25).forEach(function (id) {
      var li = el("li"), i = byId.get(id);
      li.appendChild(el("span", N[i].type + ": ", "cite"));
      li.appendChild(nodeButton(i));
      ul.appendChild(li);
    });
    if (hits.length > 25) ul.appendChild(el("li", "\u2026 and " + (hits.length - 25) + " more", "hint"));
    select(hits[0]);
    return hits[0];
  }

  // -- controls --------------------------------------------------------------------------------
  function swatch(t) {
    var ns = "http://www.w3.org/2000/svg", svg = document.createElementNS(ns, "svg"), shape;
    svg.setAttribute("width", "14"); svg.setAttribute("height", "14"); svg.setAttribute("aria-hidden", "true");
    var pts = {diamond: "7,1 13,7 7,13 1,7", triangle: "7,1 13,13 1,13", triangleDown: "1,1 13,1 7,13",
               star: "7,1 8.8,5.2 13,5.5 9.8,8.4 10.8,13 7,10.6 3.2,13 4.2,8.4 1,5.5 5.2,5.2",
               hexagon: "4,1.5 10,1.5 13,7 10,12.5 4,12.5 1,7"}[t.shape];
    if (pts) { shape = document.createElementNS(ns, "polygon"); shape.setAttribute("points", pts); }
    else if (t.shape === "square") {
      shape = document.createElementNS(ns, "rect");
      ["x", "y"].forEach(function (a) { shape.setAttribute(a, "2"); });
      ["width", "height"].forEach(function (a) { shape.setAttribute(a, "10"); });
    } else {
      shape = document.createElementNS(ns, "circle");
      shape.setAttribute("cx", "7"); shape.setAttribute("cy", "7"); shape.setAttribute("r", "5.5");
    }
    shape.setAttribute("fill", t.color);
    svg.appendChild(shape);
    return svg;
  }
  function checkbox(group, value, label, count, sw) {
    var lab = el("label"), box = el("input");
    box.type = "checkbox"; box.checked = true;
    box.setAttribute("data-filter", group); box.value = value;
    box.addEventListener("change", function () { on[group][value] = box.checked; apply(); });
    lab.appendChild(box);
    if (sw) lab.appendChild(sw);
    lab.appendChild(el("span", label));
    lab.appendChild(el("span", count, "count"));
    document.getElementById("f-" + group).appendChild(lab);
  }
  DATA.types.forEach(function (t) { checkbox("type", t.name, t.name, t.count, swatch(t)); });
  DATA.categories.forEach(function (c) { checkbox("category", c.name, c.name, c.count); });
  if (!DATA.categories.length) document.getElementById("f-category").hidden = true;
  DATA.partnerships.forEach(function (p) { checkbox("partnership", p.id, p.title, p.count); });
  document.getElementById("page-title").textContent = DATA.meta.title;
  var depthBox = document.getElementById("depth");
  depthBox.value = String(state.depth);
  depthBox.addEventListener("change", function () {
    var v = parseInt(depthBox.value, 10);
    if (v >= 1) { state.depth = v; apply(); }
  });
  document.getElementById("search-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    find(document.getElementById("search").value);
  });
  document.getElementById("clear").addEventListener("click", clear);
  document.getElementById("fit").addEventListener("click", function () { network.fit({animation: false}); });
  document.addEventListener("keydown", function (ev) { if (ev.key === "Escape") clear(); });
  network.on("click", function (p) {
    if (p.nodes.length) select(p.nodes[0], {move: false});
    else if (!p.edges.length) clear();
  });

  function setFilter(group, value, checked) {
    var box = Array.prototype.find.call(document.querySelectorAll("input[data-filter='" + group + "']"),
                                        function (b) { return b.value === value; });
    if (!box) return false;
    box.checked = checked; on[group][value] = checked; apply();
    return true;
  }
  function visibleIds() {
    return N.filter(function (n, i) { return nodeState[i] !== "hidden"; }).map(function (n) { return n.id; });
  }
  window.driversGraph = {network: network, nodes: nodes, edges: edges, data: DATA, select: select, clear: clear,
                         search: search, find: find, setFilter: setFilter, visibleIds: visibleIds, state: state};
  apply();
  network.once("afterDrawing", function () {
    window.__readyAt = performance.now();
    window.__ready = true;
    document.body.setAttribute("data-ready", "true");
  });
  if (DATA.meta.focus !== null && byId.has(DATA.meta.focus)) select(DATA.meta.focus);
  else network.fit({animation: false});
})();
"""
