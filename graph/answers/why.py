""""What drives this action?" and its reverse, "what does this driver reach?".

Pure functions of the NetworkX view. Only relations that mean *is driven by* are followed
upward (part of, driven by, led by, reports to, implements, upholds right, contributes to,
aligns with, funded by); cross-references (``seeAlso``), ``supersedes`` and quality indicators
are not, so an answer holds what drives the action and nothing merely nearby. Answers stay in
the action's partnership: a node that belongs to another partnership is never entered.
"""

from __future__ import annotations

import difflib
import re
import weakref
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..core.errors import Ambiguous, NotFound, UnknownId, UsageError
from ..core.text import close_matches

if TYPE_CHECKING:  # annotations only: `drivers why` on the cached view never imports NetworkX
    import networkx as nx

UP_RELS = ("partOf", "drivenBy", "ledBy", "reportsTo", "implements", "upholdsRight", "contributesTo",
           "alignsWith", "fundedBy", "overseenBy", "coProducedBy")
PHRASES = {"partOf": "is part of", "drivenBy": "is driven by", "ledBy": "is led by", "reportsTo": "reports to",
           "implements": "implements", "upholdsRight": "upholds", "contributesTo": "contributes to",
           "alignsWith": "aligns with", "fundedBy": "is funded by",
           "overseenBy": "is overseen by", "coProducedBy": "is co-produced by"}
INVERSE_PHRASES = {"partOf": "contains", "drivenBy": "drives", "ledBy": "leads", "reportsTo": "oversees",
                   "implements": "is implemented by", "upholdsRight": "is upheld by",
                   "contributesTo": "is contributed to by", "alignsWith": "is aligned with by",
                   "fundedBy": "funds", "overseenBy": "has oversight of", "coProducedBy": "co-produced"}
TYPE_ORDER = ["Plan", "Theme", "Outcome", "Indicator", "Driver", "Group", "Partnership", "UNCRCArticle",
              "WellbeingIndicator", "PromiseFoundation", "PromisePriority", "NationalOutcome", "Action", "Finding"]

_FOLD = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-", "‐": "-", "‑": "-",
                       "\u00a0": " "})
_WORD = re.compile(r"[a-z0-9]+")


def norm(text: str) -> str:
    """Case-, quote-, dash- and spacing-insensitive form of a phrase."""
    text = text.translate(_FOLD).casefold()
    text = " ".join(text.split())
    return text.strip(" \"'")


@dataclass
class Match:
    id: str
    score: float


@dataclass
class Step:
    frm: str
    rel: str
    to: str
    source: str
    document: str | None
    section: str
    quote: str | None = None
    inferred: bool = False         # a saved suggestion (graph.inferred), not stated by any document
    score: float | None = None

    def as_dict(self) -> dict:
        src = {"id": self.source, "document": self.document, "section": self.section}
        if self.quote:
            src["quote"] = self.quote
        out = {"from": self.frm, "rel": self.rel, "to": self.to, "source": src}
        if self.inferred:
            out.update(inferred=True, score=self.score)
        return out


@dataclass
class Answer:
    start: str
    reached: dict[str, list[Step]] = field(default_factory=dict)  # node -> path from start
    also_matched: list[str] = field(default_factory=list)


# -- finding the action ------------------------------------------------------------------------

def check_partnership(G: nx.MultiDiGraph, partnership: str | None) -> None:
    """UsageError (exit 2) when ``partnership`` is given and is not a partnership of the graph."""
    if partnership is None:
        return
    known = sorted({n for n, d in G.nodes(data=True) if d.get("type") == "Partnership"}
                   | {d["partnership"] for _, d in G.nodes(data=True) if d.get("partnership")})
    if partnership not in known:
        near = close_matches(partnership, known, n=3, cutoff=0.3) or [k for k in known if partnership.lower() in k]
        hint = f"did you mean {', '.join(near)}? " if near else ""
        raise UsageError(f"unknown partnership {partnership!r}; {hint}the partnerships are: {', '.join(known) or 'none'}")


def driver_given(G: nx.MultiDiGraph, query: str) -> str | None:
    """The driver an id or edition number names (``why`` is for actions: it says so), else None."""
    q = query.strip()
    if q in G:
        return q if G.nodes[q].get("type") == "Driver" else None
    if q[:1].isdigit():
        hits = sorted(n for n, d in G.nodes(data=True) if d.get("type") == "Driver" and d.get("number") == q)
        return hits[0] if hits else None
    return None


def find(G: nx.MultiDiGraph, query: str, partnership: str | None = None, types: tuple[str, ...] = ("Action",),
         ) -> tuple[str, list[str]]:
    """The best node for an id or pasted phrase, and the others that also matched.

    Raises NotFound (exit 1) with the nearest candidates when nothing matches.
    """
    scored = matches(G, query, partnership, types)
    return scored[0].id, [m.id for m in scored[1:]]


def matches(G: nx.MultiDiGraph, query: str, partnership: str | None = None, types: tuple[str, ...] = ("Action",),
            ) -> list[Match]:
    """Every node of ``types`` an id or pasted phrase matches, best first (an id is the one match).

    A phrase inside an action's title or text scores 1 + the share of that field it is (so the
    whole text scores 2); otherwise at least 80% of three or more words in common scores that
    share. Raises NotFound with the nearest candidates when nothing matches.
    """
    check_partnership(G, partnership)
    q = query.strip()
    if q in G:
        return [Match(q, 3.0)]
    nq = norm(q)
    if not nq:
        raise NotFound("empty query; give an action id or a phrase from its text")
    prep = _prepared(G, types)
    qwords = set(_WORD.findall(nq))
    scored: list[Match] = []
    for n, fields, words in prep.rows:
        if partnership is not None and prep.partnership(n) != partnership:
            continue
        shares = [len(nq) / len(f) for f in fields if nq in f]
        if shares:
            # a phrase that is a larger share of the action's title or text is the better match
            scored.append(Match(n, 1.0 + max(shares)))
        elif qwords and len(qwords) >= 3:
            overlap = len(qwords & words) / len(qwords)
            if overlap >= 0.8:
                scored.append(Match(n, overlap))
    if not scored:
        near = _nearest(prep, nq, qwords, partnership)
        hint = "; nearest: " + "; ".join(f"{m.id} ({_short(G.nodes[m.id])})" for m in near) if near else ""
        raise NotFound(f"no action matches {_short({'text': q}, 80)!r}{hint}")
    scored.sort(key=lambda m: (-m.score, m.id))
    return scored


#: at most this many candidate actions are listed for an ambiguous phrase
MAX_CANDIDATES = 25

#: at most this many candidates are compared character by character for the "nearest" hint
NEAR_POOL = 100


def _nearest(prep: _Prepared, nq: str, qwords: set[str], partnership: str | None, k: int = 5) -> list[Match]:
    """The ``k`` candidates nearest a phrase that matched none: the share of its words they have, plus a
    tenth of difflib's similarity of the texts. Candidates are compared in order of shared words, and
    only while they can still enter the top ``k`` (at most :data:`NEAR_POOL`, the phrase cut to 120
    characters), so a long phrase on a large graph stays fast."""
    pool = []
    for n, fields, words in prep.rows:
        if partnership is None or prep.partnership(n) == partnership:
            pool.append((len(qwords & words) / len(qwords) if qwords else 0.0, n, fields))
    pool.sort(key=lambda p: (-p[0], p[1]))
    nq = nq[:120]
    best: list[Match] = []
    for overlap, n, fields in pool[:NEAR_POOL]:
        if len(best) >= k and overlap + 0.1 < best[-1].score:
            break  # the similarity adds at most 0.1: nothing further on can enter the top k
        hay = " \n ".join(fields)[: len(nq) * 2]
        best.append(Match(n, overlap + difflib.SequenceMatcher(None, nq, hay).ratio() / 10))
        best.sort(key=lambda m: (-m.score, m.id))
        best = best[:k]
    return best


def choose(G: nx.MultiDiGraph, query: str, partnership: str | None = None, types: tuple[str, ...] = ("Action",),
           ) -> tuple[str | None, list[str]]:
    """(the node, the others that matched) when one clearly wins — an id, the only match, or a phrase
    that is at least half of one action's title or text and at least twice the share of any other's;
    else (None, every match best first): the caller asks which one was meant."""
    scored = matches(G, query, partnership, types)
    if len(scored) == 1:
        return scored[0].id, []
    best, second = scored[0].score - 1.0, max(scored[1].score - 1.0, 0.0)  # the shares of substring matches
    if best >= 0.5 and second * 2 <= best:
        return scored[0].id, [m.id for m in scored[1:]]
    return None, [m.id for m in scored]


class _Prepared:
    """The normalised title and text and the words of each candidate node, made once per graph."""

    def __init__(self, G, types: tuple[str, ...]):
        self.G = G
        self.rows = []
        for n, d in G.nodes(data=True):
            if d["type"] in types:
                fields = [norm(str(d[k])) for k in ("title", "text") if d.get(k)]
                self.rows.append((n, fields, set(_WORD.findall(" \n ".join(fields)))))
        self._pship: dict[str, str | None] = {}

    def partnership(self, n: str) -> str | None:
        if n not in self._pship:
            self._pship[n] = partnership_of(self.G, n)
        return self._pship[n]


_PREPARED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _prepared(G, types: tuple[str, ...]) -> _Prepared:
    """The candidates of ``G`` (a graph's nodes never change once built, so this is kept with it)."""
    try:
        per = _PREPARED.setdefault(G, {})
    except TypeError:  # not weak-referenceable: prepare every time
        return _Prepared(G, types)
    key = (types, len(G.nodes))
    prep = per.get(key)
    if prep is None:
        prep = per[key] = _Prepared(G, types)
    return prep


def _short(d: dict, width: int = 60) -> str:
    text = " ".join(str(d.get("text") or d.get("title", "")).split())
    return text if len(text) <= width else text[: width - 1] + "…"


def partnership_of(G: nx.MultiDiGraph, n: str) -> str | None:
    """The node's own partnership, else the first found up its partOf chain."""
    seen, queue = {n}, deque([n])
    while queue:
        x = queue.popleft()
        p = G.nodes[x].get("partnership")
        if p:
            return p
        for _, y, d in sorted(G.out_edges(x, data=True), key=lambda e: e[1]):
            if d["rel"] == "partOf" and y not in seen:
                seen.add(y)
                queue.append(y)
    return None


# -- traversal ---------------------------------------------------------------------------------

def _step(G: nx.MultiDiGraph, u: str, v: str, d: dict, documents: dict[str, str]) -> Step:
    if d.get("inferred"):
        return Step(u, d["rel"], v, d["source"], None, d.get("section", ""), None, True, d.get("score"))
    return Step(u, d["rel"], v, d["source"], documents.get(d["source"]), d.get("section", ""), d.get("quote"))


def _bfs(G: nx.MultiDiGraph, start: str, partnership: str | None, reverse: bool,
         documents: dict[str, str], stated_only: bool | None = None) -> dict[str, list[Step]]:
    if stated_only is None and getattr(G, "graph", {}).get("inferred"):
        # inferred links (only in a graph with saved suggestions overlaid) never replace a stated chain
        paths = _bfs(G, start, partnership, reverse, documents, stated_only=False)
        paths.update(_bfs(G, start, partnership, reverse, documents, stated_only=True))
        return paths
    paths: dict[str, list[Step]] = {start: []}
    queue = deque([start])
    while queue:
        x = queue.popleft()
        edges = G.in_edges(x, data=True) if reverse else G.out_edges(x, data=True)
        for u, v, d in sorted(edges, key=lambda e: (e[2]["rel"], e[0], e[1], e[2]["source"])):
            if d["rel"] not in UP_RELS or stated_only and d.get("inferred"):
                continue
            nxt = u if reverse else v
            if nxt in paths:
                continue
            p = G.nodes[nxt].get("partnership")
            if partnership and p and p != partnership:
                continue  # another partnership's local plans never drive this one's actions
            paths[nxt] = [*paths[x], _step(G, u, v, d, documents)]
            queue.append(nxt)
    del paths[start]
    return paths


def why(G: nx.MultiDiGraph, query: str, partnership: str | None = None,
        documents: dict[str, str] | None = None) -> Answer:
    """Every node upstream of the action ``query`` (id or phrase), each with its chain of stated links.

    A driver's id or number is refused (UsageError: ``impact`` answers for drivers); a phrase that fits
    several actions about equally raises :class:`Ambiguous` with them (id, title, plan, partnership)."""
    check_partnership(G, partnership)
    drv = driver_given(G, query)
    if drv is not None:
        d = G.nodes[drv]
        label = f"{d['number']} {d.get('title')}" if d.get("number") else d.get("title")
        raise UsageError(f"{query.strip()!r} is a driver ({label} [{drv}]), not an action — did you mean "
                         f"'drivers impact {query.strip()}' (what it drives)?")
    start, also = choose(G, query, partnership)
    if start is None:
        cands = candidates_json(G, also[:MAX_CANDIDATES])
        more = f" (the first {MAX_CANDIDATES} shown)" if len(also) > MAX_CANDIDATES else ""
        raise Ambiguous(f"{len(also)} actions match {_short({'text': query}, 80)!r}{more}, none clearly best: "
                        "give one's id ('drivers why ID'), more of its words, or --partnership", query.strip(), cands)
    scope = partnership_of(G, start)
    return Answer(start, _bfs(G, start, scope, reverse=False, documents=documents or {}), also)


def impact(G: nx.MultiDiGraph, driver: str, partnership: str | None = None,
           documents: dict[str, str] | None = None) -> Answer:
    """Every plan, theme and action a driver reaches, each with the chain from it up to the driver."""
    check_partnership(G, partnership)
    if driver not in G:
        near = close_matches(driver, G.nodes, n=5, cutoff=0.5)
        raise UnknownId(f"no node with id {driver!r}" + (f"; did you mean {', '.join(near)}?" if near else ""))
    down = _bfs(G, driver, partnership, reverse=True, documents=documents or {})
    # present each chain from the reached node up to the driver, as `why` would
    return Answer(driver, {n: list(reversed(p)) for n, p in down.items()})


# -- presenting --------------------------------------------------------------------------------

def node_info(G: nx.MultiDiGraph, n: str) -> dict:
    d = G.nodes[n]
    out = {"id": n, "title": d.get("title"), "type": d.get("type"), "number": d.get("number")}
    for k in ("kind", "category", "partnership", "text", "source", "section"):
        if d.get(k) is not None:
            out[k] = d[k]
    return out


def plan_of(G: nx.MultiDiGraph, n: str) -> str | None:
    """The nearest Plan up the node's partOf chain (breadth first, in id order), or None."""
    seen, queue = {n}, deque([n])
    while queue:
        x = queue.popleft()
        for _, y, d in sorted(G.out_edges(x, data=True), key=lambda e: e[1]):
            if d["rel"] == "partOf" and y not in seen:
                if G.nodes[y]["type"] == "Plan":
                    return y
                seen.add(y)
                queue.append(y)
    return None


def candidates_json(G: nx.MultiDiGraph, ids: list[str]) -> list[dict]:
    """The actions a phrase could mean, for the user to choose from: id, type, title, and the number,
    plan (id) and partnership where they have one."""
    rows = []
    for n in ids:
        d = G.nodes[n]
        row = {"id": n, "type": d.get("type"), "title": d.get("title")}
        for key, value in (("number", d.get("number")), ("plan", plan_of(G, n)), ("partnership", partnership_of(G, n))):
            if value:
                row[key] = value
        rows.append(row)
    return rows


def _order(G: nx.MultiDiGraph, n: str, path: list[Step]) -> tuple:
    t = G.nodes[n]["type"]
    num = G.nodes[n].get("number") or ""
    numkey = tuple(int(x) for x in num.split(".") if x.isdigit()) if num else ()
    return (TYPE_ORDER.index(t) if t in TYPE_ORDER else 99, numkey, len(path), n)


def as_json(G: nx.MultiDiGraph, ans: Answer, key: str = "drivers", head: str = "action") -> dict:
    rows = []
    for n, path in sorted(ans.reached.items(), key=lambda kv: _order(G, kv[0], kv[1])):
        info = node_info(G, n)
        info.pop("text", None)
        row = {**info, "path": [s.as_dict() for s in path]}
        if any(s.inferred for s in path):
            row["inferred"] = True  # reached only through a suggestion: not a stated driver
        rows.append(row)
    out = {head: node_info(G, ans.start)}
    if head == "action":
        out["also_matched"] = [node_info(G, a) for a in ans.also_matched]
    out[key] = rows
    return out


def _label(G: nx.MultiDiGraph, n: str) -> str:
    d = G.nodes[n]
    num = f"{d['number']} " if d.get("number") else ""
    return f"{num}{d.get('title')} [{d.get('type')}: {n}]"


def _cite(s: Step) -> str:
    if s.inferred:
        return f"INFERRED (score {s.score:.2f}, {s.section}) — a suggestion, not stated in any document"
    doc = s.document or s.source
    return f"{doc}, {s.section}" if s.section else doc


def _tree_children(ans: Answer, reverse: bool) -> dict[str, list[tuple[str, Step]]]:
    """parent -> [(child, step)] of the shortest-path tree."""
    kids: dict[str, list[tuple[str, Step]]] = {}
    for n, path in ans.reached.items():
        step = path[0] if reverse else path[-1]
        parent = step.to if reverse else step.frm
        kids.setdefault(parent, []).append((n, step))
    return kids


def as_tree(G: nx.MultiDiGraph, ans: Answer, reverse: bool = False, markdown: bool = False) -> str:
    """An indented chain a person can read and paste into a report, a citation on each link."""
    kids = _tree_children(ans, reverse)
    phrases = INVERSE_PHRASES if reverse else PHRASES
    lines = []
    d = G.nodes[ans.start]
    if markdown:
        title = "What does this driver reach?" if reverse else "What drives this action?"
        lines += [f"## {title}", "", f"**{_esc(_label(G, ans.start))}**", ""]
        if d.get("text") and d.get("text") != d.get("title"):
            lines += [f"> {_esc(' '.join(d['text'].split()))}", ""]
    else:
        lines.append(_label(G, ans.start))
        if d.get("text") and d.get("text") != d.get("title"):
            lines.append(f'  "{_short(d, 200)}"')

    def walk(n: str, depth: int) -> None:
        for child, step in sorted(kids.get(n, []), key=lambda cs: _order(G, cs[0], ans.reached[cs[0]])):
            text = f"{phrases[step.rel]} {_label(G, child)}" + (" [inferred]" if step.inferred else "")
            cite = _cite(step)
            if markdown:
                lines.append(f"{'  ' * depth}- {_esc(text)} — *{_esc(cite)}*")
            else:
                lines.append(f"{'   ' * depth}└─ {text}")
                lines.append(f"{'   ' * depth}     source: {cite}")
            walk(child, depth + 1)

    walk(ans.start, 0)
    if not ans.reached:
        lines.append("(no stated links lead from here)")
    if ans.also_matched:
        lines += ["", "Also matched: " + ", ".join(ans.also_matched)]
    return "\n".join(lines) + "\n"


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|])")


def _esc(text: str) -> str:
    """Escape Markdown (and HTML) specials so text from the data renders as text; line breaks are
    joined, so a title cannot start a heading, list or code block of its own."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(text.split())).replace("&", "&amp;")
