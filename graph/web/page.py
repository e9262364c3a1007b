"""The explorer in a browser: one self-contained, offline HTML file (vis-network, no CDN).

``render(G, g)`` is a pure function from the NetworkX view (and, optionally, the RDF union for
document titles, aliases, edition entries and action fields) to the text of the page. Everything
the page needs is inline: the vis-network standalone script shipped inside the installed
``pyvis`` package, the page's own ``static/app.js`` and ``static/app.css``, and the data as JSON in
``<script type="application/json">``. ``drivers serve`` uses the same page with the data fetched
from its API instead (:func:`html` with ``api``).

What the page is given (:func:`page_data`): every node with a unique label, its tier and its
position from the layered layout (:mod:`.layout`), its fields and citation; every stated link
with its relation family and citation. The page answers "what drives it" and "what does it reach"
itself, with the same walk as :mod:`graph.answers.why` (a browser test checks they agree on every
action of the bundled data).

Safety: text from the data never becomes markup. The JSON has ``<``, ``>``, ``&``, U+2028 and
U+2029 escaped, so a title holding ``</script>`` cannot end the script element; the page builds
everything with ``textContent``; and a Content-Security-Policy allows only the two hashed inline
scripts, so an injected ``onerror=`` could not run even if markup got through.

Determinism: nodes sorted by id, edges by (from, to, key), JSON keys sorted, positions whole pixels
from a pure-Python layout, no timestamps.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import re
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import RDF, Graph, URIRef
from rdflib.namespace import DCTERMS, SKOS

from ..answers import why as w
from ..answers.search import TYPE_RANK, TYPE_WORDS
from ..core.errors import NotFound, UnknownId, UsageError
from ..core.namespace import DG
from ..core.rdf import subject_objects
from ..core.view import NODE_CLASSES, local
from .layout import FRAMEWORKS, TIERS, layout, tier_of

if TYPE_CHECKING:
    import networkx as nx

#: node type -> (colour, vis-network shape): the Okabe-Ito palette, which stays apart under the common
#: colour-vision deficiencies, and types that share a colour differ in shape (tests/test_viz.py checks)
STYLE = {
    "Driver": ("#D55E00", "diamond"),
    "Partnership": ("#000000", "star"),
    "Group": ("#E69F00", "triangle"),
    "Plan": ("#0072B2", "square"),
    "Theme": ("#56B4E9", "triangleDown"),
    "Outcome": ("#009E73", "hexagon"),
    "Indicator": ("#009E73", "triangle"),
    "Action": ("#7F7F7F", "dot"),
    "Finding": ("#7F7F7F", "square"),
    "UNCRCArticle": ("#CC79A7", "square"),
    "UNCRCCluster": ("#CC79A7", "star"),
    "WellbeingIndicator": ("#F0E442", "hexagon"),
    "PromiseFoundation": ("#F0E442", "star"),
    "PromisePriority": ("#F0E442", "triangle"),
    "NationalOutcome": ("#0072B2", "hexagon"),
    "QualityIndicator": ("#56B4E9", "diamond"),
}
#: Relations that are not followed by ``why`` still read as phrases in the panel.
OUT_PHRASES = {**w.PHRASES, "seeAlso": "see also", "supersedes": "supersedes",
               "qualityIndicator": "is evidenced by quality indicator"}
IN_PHRASES = {**w.INVERSE_PHRASES, "seeAlso": "is referred to by", "supersedes": "is superseded by",
              "qualityIndicator": "is the quality indicator of"}
#: relation families: how a link is drawn and named in the legend. ``reverse``: drawn from the
#: object to the subject, so arrows run from what drives to what is driven ("A is driven by B" is
#: drawn B -> A); the data keeps its direction.
FAMILIES = {
    "structure": {"label": "contains (part of)", "color": "#8A8A8A", "dashes": False, "width": 1,
                  "rels": ["partOf"]},
    "drive": {"label": "drives, is implemented, aligned, funded, contributed to", "color": "#0072B2",
              "dashes": False, "width": 1.6, "rels": ["drivenBy", "implements", "alignsWith", "fundedBy",
                                                       "contributesTo"]},
    "govern": {"label": "leads, oversees", "color": "#E69F00", "dashes": [8, 4], "width": 1.6,
               "rels": ["ledBy", "reportsTo", "overseenBy", "coProducedBy"]},
    "rights": {"label": "upholds a right, evidences a quality indicator", "color": "#CC79A7", "dashes": [2, 4],
               "width": 1.6, "rels": ["upholdsRight", "qualityIndicator"]},
    "refer": {"label": "see also, supersedes", "color": "#555555", "dashes": [1, 5], "width": 1,
              "rels": ["seeAlso", "supersedes"]},
    "inferred": {"label": "suggested (inferred, not stated)", "color": "#D55E00", "dashes": [10, 4, 2, 4],
                 "width": 1.6, "rels": []},
}
REVERSED = {*w.UP_RELS, "qualityIndicator"}
LABEL_CHARS = 44   # a label's length before it is cut (at a word), unless that makes two labels alike
SHORT_CHARS = 24   # the same when zoomed out (the page then draws these)
MANY = 1000        # above this many nodes outside the actions, the first view also closes themes and outcomes

DEFAULT_DEPTH = 2
_VIS_FILE = re.compile(r"vis-(\d+)\.(\d+)\.(\d+)$")
HERE = Path(__file__).resolve().parent  # static/ and templates/
_API_PATH = re.compile(r"[A-Za-z0-9/_.~-]*/")


# -- the vis-network script, from the installed pyvis --------------------------------------------

def vis_script() -> str:
    """The newest vis-network 9.x standalone script: the one the build vendored from pyvis into
    ``graph/web/vendor/`` (see setup.py), else the one in an installed pyvis.

    >>> "vis" in vis_script()[:200]
    True
    """
    found = []
    for js in (HERE / "vendor").glob("vis-network-*.min.js"):
        m = re.match(r"vis-network-(\d+)\.(\d+)\.(\d+)\.min\.js$", js.name)
        if m and m.group(1) == "9":
            found.append((tuple(int(x) for x in m.groups()), "vendor", js))
    if found:
        return _inline_safe(max(found)[2].read_text(encoding="utf-8"))
    try:
        root = resources.files("pyvis")
    except ModuleNotFoundError:
        raise UsageError("vis-network's script is missing: graph/web/vendor/ is empty and pyvis is not installed; "
                         "reinstall drivers-graph (its build vendors the script from pyvis)") from None
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
    return _inline_safe(max(found, key=lambda f: (f[0], f[1]))[2].read_text(encoding="utf-8"))


def _inline_safe(text: str) -> str:
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
    for ch, esc in _JSON_ESCAPES.items():  # str.replace, five times, is much faster than translate here
        text = text.replace(chr(ch), esc)
    return text


# -- the page's data -----------------------------------------------------------------------------

def documents(g: Graph | None) -> dict[str, str]:
    """source-document id -> its title."""
    if g is None:
        return {}
    ident, title = _first(g, DCTERMS.identifier), _first(g, DCTERMS.title)
    return {str(ident[s]): str(title.get(s)) for s, _ in subject_objects(g, RDF.type, DG.SourceDocument)
            if s in ident}


def _first(g: Graph, prop) -> dict:
    """subject -> a value of ``prop``, read in one pass (not one look-up a subject)."""
    found: dict = {}
    for s, o in subject_objects(g, prop):
        found.setdefault(s, o)
    return found


def edition_entries(g: Graph, year: int | None) -> tuple[int | None, dict[str, dict]]:
    """(the year used, driver id -> number, category, summary, printed title and, where it differs, the
    Summary table's title) for an edition (default: the newest)."""
    years = sorted({int(y) for _, y in subject_objects(g, DG.editionYear)})
    if year is None:
        year = years[-1] if years else None
    elif year not in years:
        raise UnknownId(f"no edition {year}; editions in the data: {', '.join(map(str, years)) or 'none'}")
    one = functools.partial(_first, g)
    edition, describes, years_of = one(DG.edition), one(DG.describes), one(DG.editionYear)
    number, category, summary, title = one(DG.number), one(DG.category), one(DG.summary), one(DCTERMS.title)
    summary_title = one(DG.summaryTitle)
    ident = one(DCTERMS.identifier)
    out: dict[str, dict] = {}
    # several partnerships' editions of a year can number one national driver: the edition whose IRI
    # sorts first wins (as in graph.core.view), whatever order the store gives
    entries = (e for e, _ in subject_objects(g, RDF.type, DG.EditionEntry))
    for e in sorted(entries, key=lambda e: (str(edition.get(e)), str(e)), reverse=True):
        ed = edition.get(e)
        if ed is None or int(years_of[ed]) != year:
            continue
        row = {"number": str(number.get(e)), "category": local(category.get(e))}
        for key, found in (("summary", summary), ("title", title)):
            if e in found:
                row[key] = str(found[e])
        if e in summary_title and str(summary_title[e]) != row.get("title"):
            row["summary_title"] = str(summary_title[e])  # a name the search knows it by (as drivers search)
        out[str(ident.get(describes.get(e)))] = row
    return year, out


def partnerships(G: nx.MultiDiGraph) -> dict[str, str | None]:
    """node -> :func:`graph.answers.why.partnership_of` for every node, with the ``partOf`` links
    sorted once (the same answers, without sorting each node's links again for every node)."""
    up: dict[str, list[str]] = {}
    for u, v, d in G.edges(data=True):
        if d["rel"] == "partOf":
            up.setdefault(u, []).append(v)
    for vs in up.values():
        vs.sort()
    own = {n: d.get("partnership") for n, d in G.nodes(data=True)}
    out: dict[str, str | None] = {}
    for n in G.nodes:
        found = own[n]
        if found or n not in up:
            out[n] = found or None
            continue
        seen, queue = {n}, [n]
        for x in queue:
            found = own.get(x)
            if found:
                break
            for y in up.get(x, ()):
                if y not in seen:
                    seen.add(y)
                    queue.append(y)
        out[n] = found or None
    return out


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
    if not types and not partnership and focus is None:
        return G  # the whole graph: nothing to copy
    keep = set(G.nodes)
    wanted = _type_names(types)
    if wanted is not None:
        keep = {n for n in keep if G.nodes[n]["type"] in wanted}
    if partnership:
        of = partnerships(G)
        pships = set(of.values()) - {None}
        if partnership not in pships:
            have = ", ".join(sorted(pships)) or "none"
            raise UsageError(f"unknown partnership {partnership!r}; the data has: {have}")
        keep = {n for n in keep if of[n] in (None, partnership)}
    import networkx as nx
    H = G.subgraph(keep)
    if focus is not None:
        if focus not in G:
            raise UnknownId(f"no node {focus!r} in the graph")
        if focus not in H:
            raise UsageError(f"{focus!r} is left out by --types/--partnership; widen them or pick another node")
        if depth < 0:
            raise UsageError("--depth must be 0 or more")
        near = set(nx.single_source_shortest_path_length(H.to_undirected(as_view=True), focus, cutoff=depth))
        if G.nodes[focus]["type"] in ("Action", "Finding"):
            near |= set(w.why(G, focus).reached) & keep
        H = H.subgraph(near)
    return nx.MultiDiGraph(H)


#: fields read from the RDF for the panel and the search (predicate -> key in the page's node rows)
DETAILS = {
    str(DCTERMS.description): "description", str(DG.lead): "lead", str(DG.timescale): "timescale",
    str(DG.measure): "measure", str(DG.progress): "progress", str(DG.expectedOutcomes): "expected",
    str(DG.shortTitle): "short", str(DG.startYear): "start", str(DG.endYear): "end",
}


def details(g: Graph | None) -> dict[str, dict]:
    """node id -> the fields of :data:`DETAILS` and its aliases, read once per predicate."""
    if g is None:
        return {}
    ids = {s: str(o) for s, o in subject_objects(g, DCTERMS.identifier)}
    out: dict[str, dict] = {}
    for pred, key in DETAILS.items():
        for s, o in subject_objects(g, URIRef(pred)):
            if s in ids:
                out.setdefault(ids[s], {}).setdefault(key, o.toPython() if key in ("start", "end") else str(o))
    for s, o in subject_objects(g, SKOS.altLabel):
        if s in ids:
            out.setdefault(ids[s], {}).setdefault("aliases", []).append(str(o))
    for row in out.values():
        if "aliases" in row:
            row["aliases"] = sorted(set(row["aliases"]))
    return out


def _clip(text: str, limit: int) -> str:
    text = " ".join(str(text).split())
    if len(text) <= limit:
        return text
    cut = text[:limit - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip(" ,;:-") + "\u2026"


_YEAR_LINE = re.compile(r"\s*(?:(?:19|20)\d\d(?:\s*[-\u2013/]\s*(?:19|20)?\d\d)?|planned activity[^\n]*)\s*$", re.I)


def action_words(row: dict) -> str:
    """What an action's label says: its own words. The title where the text holds it (the title is
    then the action's first sentence, and the text adds year headings, dates and later steps), else
    the text (the title is then the commitment the action serves), without leading year headings.

    >>> action_words({"title": "Do A.", "text": "2018-19\\nDo A. August 2019"})
    'Do A.'
    >>> action_words({"title": "Commitment", "text": "2019-20\\nDo B"})
    'Do B'
    """
    title, text = row.get("title") or "", row.get("text") or ""
    if not text or (title and " ".join(title.split()) in " ".join(text.split())):
        return title
    lines = text.split("\n")
    while len(lines) > 1 and _YEAR_LINE.fullmatch(lines[0]):
        lines.pop(0)
    return "\n".join(lines)


def unique_labels(rows: list[dict], limit: int = LABEL_CHARS, within: dict[str, str] | None = None) -> dict[str, str]:
    """node id -> the label drawn in the graph: "number title" for a numbered driver, an action's own
    text, else the title; cut at about ``limit`` characters, longer where that tells two apart, and
    never the same for two nodes (the partnership, then the title of what it is part of (``within``),
    then the id, is added where text alone cannot).

    >>> unique_labels([{"id": "a", "title": "Plan"}, {"id": "b", "title": "Plan"}])
    {'a': 'Plan (a)', 'b': 'Plan (b)'}
    """
    full = {}
    for r in rows:
        base = action_words(r) if r.get("type") == "Action" else r["title"]
        if r.get("number") and r.get("type") == "Driver":
            base = f"{r['number']} {base}"
        full[r["id"]] = " ".join(str(base).split()) or r["id"]
    label = _Labels({n: _clip(t, limit) for n, t in full.items()})
    if not label.clashes():
        return label.text
    for longer in (limit * 2, limit * 4, 10 ** 6):  # more of the text, where the texts differ
        for group in label.clashes():
            if len({full[n] for n in group}) > 1:
                for n in group:
                    label[n] = _clip(full[n], longer)
    pship = {r["id"]: r.get("partnership") or "" for r in rows}
    within = within or {}
    for key, form in ((pship, "{} \u00b7 {}"), (within, "{} \u00b7 in {}")):
        for group in label.clashes():  # then what tells them apart: the partnership, what it is part of
            if len({key.get(n) for n in group}) > 1:
                for n in group:
                    if key.get(n):
                        label[n] = form.format(label[n], _clip(key[n], 30))
    for group in label.clashes():
        for n in group:
            label[n] = f"{label[n]} ({n})"
    return label.text


class _Labels:
    """node -> label, with the labels two or more nodes share (ignoring case) kept up to date as
    labels change, so finding the clashes again does not go over every label (70,000 at 256
    partnerships, a dozen times)."""

    def __init__(self, text: dict[str, str]):
        self.text = text
        self._nodes: dict[str, set[str]] = {}  # casefolded label -> the nodes with it
        for n, t in text.items():
            self._nodes.setdefault(t.casefold(), set()).add(n)
        self._shared = {k for k, ns in self._nodes.items() if len(ns) > 1}

    def __getitem__(self, n: str) -> str:
        return self.text[n]

    def __setitem__(self, n: str, t: str) -> None:
        old, new = self.text[n].casefold(), t.casefold()
        self.text[n] = t
        if old == new:
            return
        nodes = self._nodes[old]
        nodes.discard(n)
        if len(nodes) < 2:
            self._shared.discard(old)
            if not nodes:
                del self._nodes[old]
        nodes = self._nodes.setdefault(new, set())
        nodes.add(n)
        if len(nodes) > 1:
            self._shared.add(new)

    def clashes(self) -> list[list[str]]:
        """The groups of nodes sharing a label, by label, each sorted."""
        return [sorted(self._nodes[k]) for k in sorted(self._shared)]


def containers(G: nx.MultiDiGraph, tier: dict[str, int]) -> dict[str, str]:
    """node -> the node it folds into when its tier is closed: an action into its theme (or plan,
    indicator, programme), a theme or outcome into its plan — its first ``partOf`` target in a
    tier before its own."""
    ups: dict[str, set[str]] = {}
    for u, v, d in G.edges(data=True):
        if d["rel"] == "partOf" and tier[u] in (4, 5) and tier.get(v, 99) < tier[u]:
            ups.setdefault(u, set()).add(v)
    # the nearest tier wins; among equals, the first id
    return {n: min(vs, key=lambda v: (-tier[v], v)) for n, vs in ups.items()}


def page_data(G: nx.MultiDiGraph, g: Graph | None = None, *, edition: int | None = None,
              focus: str | None = None, depth: int = DEFAULT_DEPTH, title: str = "Strategic drivers graph") -> dict:
    """Everything the page shows, as plain JSON-able data (nodes, links, tiers, positions, legend).

    Compact where it repeats: a node's or link's citation is an index ``c`` into ``cites`` (pairs
    of source-document id and section), a node's ``label`` is left out where it is its title, and
    a link's family and drawing direction come from ``families`` and ``reversed``.
    """
    if edition is not None and g is None:
        raise UsageError("--edition needs the RDF graph")
    docs = documents(g)
    year, entries = edition_entries(g, edition) if g is not None else (None, None)
    extra = details(g)
    ids = sorted(G.nodes)
    index = {n: i for i, n in enumerate(ids)}
    degree = {n: len((set(G.predecessors(n)) | set(G.successors(n))) - {n}) for n in G.nodes}
    nodes = []
    pships_of = partnerships(G)
    for n in ids:
        d = G.nodes[n]
        row = {"id": n, "type": d["type"], "title": d.get("title") or n, "degree": degree.get(n, 0)}
        for k in ("kind", "source", "section", "text"):
            if d.get(k):
                row[k] = d[k]
        if entries is not None:
            entry = entries.get(n, {})
            row.update({k: v for k, v in entry.items() if k != "title"})
            if entry.get("title") and entry["title"] != row["title"]:
                row["canonical"], row["title"] = row["title"], entry["title"]
        else:
            row.update({k: d[k] for k in ("number", "category") if d.get(k)})
        row.update(extra.get(n, {}))
        p = pships_of[n]
        if p:
            row["partnership"] = p
        if d.get("partnership"):
            row["own"] = True  # its own partnership (not only one up its partOf chain): `why` never enters it
        nodes.append(row)
    tier = {r["id"]: tier_of(r) for r in nodes}
    pos = layout(G, tier)
    folds = containers(G, tier)
    within = {n: G.nodes[c].get("title") or c for n, c in folds.items()}
    label, brief = unique_labels(nodes, within=within), unique_labels(nodes, SHORT_CHARS, within)
    cites: dict[tuple[str, str], int] = {}

    def cite(row: dict) -> None:  # (source, section) pairs repeat: the page gets each once, by number
        key = (row.pop("source", ""), row.pop("section", ""))
        row["c"] = cites.setdefault(key, len(cites))
    for row in nodes:
        n = row["id"]
        row.update(tier=tier[n], x=pos[n][0], y=pos[n][1])
        if label[n] != row["title"]:
            row["label"] = label[n]  # else the label is the title
        if brief[n] != label[n]:
            row["brief"] = brief[n]  # the label drawn when zoomed out
        if n in folds:
            row["in"] = index[folds[n]]
        cite(row)
    edges = []
    for u, v, k, d in sorted(G.edges(keys=True, data=True), key=lambda e: (e[0], e[1], e[2])):
        row = {"f": index[u], "t": index[v], "rel": d["rel"], "source": d.get("source", ""),
               "section": d.get("section", "")}
        cite(row)
        if d.get("quote"):
            row["quote"] = d["quote"]
        if d.get("inferred"):  # a saved suggestion (drivers viz --suggested): drawn dashed, never as stated
            row.update(inferred=True, score=d.get("score"), method=d.get("method", ""))
        edges.append(row)
    by_type: dict[str, int] = {}
    by_cat: dict[str, int] = {}
    by_pship: dict[str, int] = {}
    by_tier = [0] * len(TIERS)
    for row in nodes:
        by_type[row["type"]] = by_type.get(row["type"], 0) + 1
        if row.get("category"):
            by_cat[row["category"]] = by_cat.get(row["category"], 0) + 1
        by_pship[row.get("partnership", "")] = by_pship.get(row.get("partnership", ""), 0) + 1
        by_tier[row["tier"]] += 1
    types = [{"name": t, "color": STYLE.get(t, ("#555555", "dot"))[0], "shape": STYLE.get(t, ("#555555", "dot"))[1],
              "count": by_type[t]} for t in [*NODE_CLASSES, *sorted(set(by_type) - set(NODE_CLASSES))] if t in by_type]
    names = {p: G.nodes[p]["title"] for p in G.nodes if G.nodes[p]["type"] == "Partnership"}
    if g is not None:
        ident, titles = _first(g, DCTERMS.identifier), _first(g, DCTERMS.title)
        names.update({str(ident.get(p)): str(titles.get(p)) for p, _ in subject_objects(g, RDF.type, DG.Partnership)})
    pships = [{"id": p, "title": names.get(p, p) if p else "National / no partnership", "count": c}
              for p, c in sorted(by_pship.items(), key=lambda pc: (pc[0] == "", pc[0]))]
    closed = ["Action", "Finding"]
    if len(nodes) - by_type.get("Action", 0) > MANY:
        closed += ["Theme", "Outcome", "Indicator"]
    return {
        "meta": {"title": title, "edition": year, "focus": focus, "depth": depth,
                 "nodes": len(nodes), "edges": len(edges), "inferred": bool(G.graph.get("inferred")),
                 "closed": [t for t in closed if t in by_type]},
        "types": types,
        "tiers": [{"name": name, "count": by_tier[i], "band": i == FRAMEWORKS} for i, name in enumerate(TIERS)],
        "families": FAMILIES,
        "typeRank": TYPE_RANK, "typeWords": {t: TYPE_WORDS[t] for t in sorted(TYPE_WORDS)},
        "reversed": sorted(REVERSED),
        "cites": [list(k) for k in sorted(cites, key=cites.get)],
        "categories": [{"name": c, "count": by_cat[c]} for c in sorted(by_cat)],
        "partnerships": pships,
        "documents": docs,
        "phrases": {"out": OUT_PHRASES, "in": IN_PHRASES},
        "upRels": list(w.UP_RELS),
        "typeOrder": w.TYPE_ORDER,
        "nodes": nodes,
        "edges": edges,
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
    raise UnknownId(f"no node with id or number {key!r}" + (f"; did you mean {', '.join(near)}?" if near else ""))


def _sha256(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


def asset(name: str) -> str:
    """The text of one of the page's own files: ``static/app.js``, ``static/app.css``, ``templates/page.html``."""
    return (HERE / name).read_text(encoding="utf-8")


def html(data: dict | None, api: str | None = None) -> str:
    """The page for ``page_data`` output: every script and style inline, nothing fetched.

    With ``api`` (a URL path such as ``"api/"``) and no data, the page fetches its data from
    ``{api}page`` on the same origin instead (``drivers serve``); the policy then allows that.
    """
    if api is not None and not _API_PATH.fullmatch(api):
        raise UsageError(f"the page's API path {api!r} must be a plain URL path such as 'api/'")
    vis = vis_script()
    app = "\n" + asset("static/app.js")
    connect = "'self'" if api else "'none'"
    csp = (f"default-src 'none'; script-src '{_sha256(vis)}' '{_sha256(app)}'; connect-src {connect}; "
           "style-src 'unsafe-inline'; img-src data: blob:; base-uri 'none'; form-action 'none'")
    payload = script_json(data) if data is not None else "null"
    return (asset("templates/page.html").replace("%%CSP%%", csp)
            .replace("%%API%%", api or "")
            .replace("%%CSS%%", "\n" + asset("static/app.css"))
            .replace("%%DATA%%", payload)
            .replace("%%VIS%%", vis)
            .replace("%%APP%%", app))
