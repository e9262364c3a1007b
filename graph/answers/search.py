"""Find records by what a person types: an id, a driver's number, a title, an alias or acronym, or
words from an action's text or a driver's summary (``drivers search``, ``/api/search``).

The ranking follows the explorer page's search box (``graph/web/static/app.js``), so the page and
the API put the same things first:

* an exact id (1000), a driver's number (990; another record's number 980);
* a name (title, the edition's printed title, short title, alias) equal to the query (900), an
  acronym of a name (850, one word only: "CIG" for "Continuous Improvement Group"), the query's
  words as a phrase at the start of a name (800) or inside it (700), all its words in a name
  (650; the last one as a prefix: 600) — each plus up to 60 for the share of the name it covers;
* what people call a whole type, by the words of ``TYPE_WORDS`` ("SHANARRI" finds the eight
  wellbeing indicators, "case studies" the findings: 520, matched ``type``);
* then the same for the text, summary and description (500 / 450 / 400 plus share), and a
  pasted phrase of three or more words most of which (75%) appear (200-300).

Whole words only ("LIAM" never finds "Parliament"); a number such as 4.4 is one word, so it
never matches "QI 6.4". Ties: the chosen partnership's records first (then national ones), numbered
drivers, the type order below, more links, shorter titles, then id.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .why import partnership_of

if TYPE_CHECKING:
    import networkx as nx
    from rdflib import Graph

STOP = frozenset(("a an and are as at be by for from has have in into is it its of on or our s that the their "
                  "this to was we were which will with").split())
TYPE_RANK = ["Driver", "Plan", "Partnership", "Group", "Theme", "Outcome", "UNCRCArticle", "WellbeingIndicator",
             "PromiseFoundation", "NationalOutcome", "QualityIndicator", "UNCRCCluster", "PromisePriority",
             "Indicator", "Action", "Finding"]
#: what people call a whole type (the page's search box reads this too, from the page's data)
TYPE_WORDS = {
    "WellbeingIndicator": ["shanarri", "wellbeing indicator", "wellbeing indicators"],
    "UNCRCArticle": ["uncrc article", "uncrc articles", "articles"],
    "UNCRCCluster": ["uncrc cluster", "uncrc clusters", "clusters"],
    "PromiseFoundation": ["promise foundation", "promise foundations", "foundations"],
    "PromisePriority": ["promise priority", "promise priorities"],
    "NationalOutcome": ["national outcome", "national outcomes", "npf", "national performance framework"],
    "QualityIndicator": ["quality indicator", "quality indicators", "qi", "qis"],
    "Partnership": ["partnership", "partnerships"], "Plan": ["plans"], "Action": ["actions"],
    "Finding": ["findings", "case studies", "headline figures"],
}
_WORDS = re.compile(r"[a-z0-9]+(?:\.[0-9]+)*")
_DASHES = str.maketrans({"\u2018": "'", "\u2019": "'", **{chr(c): "-" for c in range(0x2010, 0x2016)}})
DEFAULT_TOP = 20


def fold(text: str) -> str:
    """Lower case without accents, curly quotes or typographic dashes (as the page's ``fold``)."""
    text = "".join(c for c in unicodedata.normalize("NFKD", str(text)) if not unicodedata.combining(c))
    return text.lower().translate(_DASHES)


def words(text: str) -> list[str]:
    return _WORDS.findall(fold(text))


def acronym(title: str) -> str:
    ws = [w for w in words(title) if w not in STOP and not w[0].isdigit()]
    return "".join(w[0] for w in ws) if len(ws) >= 2 else ""


class _Words:
    """The words of one name or text, with what scoring asks of them made once."""

    __slots__ = ("folded", "bare", "words", "set", "content")

    def __init__(self, text: str):
        self.folded = fold(text).strip()
        self.bare = _THE.sub("", self.folded)
        self.words = words(text)
        self.set = frozenset(self.words)
        self.content = sum(w not in STOP for w in self.words) or len(self.words) or 1

    def phrase_at(self, q: list[str]) -> int:
        """Where ``q`` occurs as whole consecutive words, or -1."""
        if not q or q[0] not in self.set:
            return -1
        hay, k = self.words, len(q)
        for s in range(len(hay) - k + 1):
            if hay[s] == q[0] and hay[s:s + k] == q:
                return s
        return -1

    def has_all(self, q: list[str], prefix_last: bool) -> bool:
        for k, w in enumerate(q):
            if w in self.set:
                continue
            if prefix_last and k == len(q) - 1 and len(w) >= 2 and any(h.startswith(w) for h in self.set):
                continue
            return False
        return True


_THE = re.compile(r"^the\s+")


@dataclass
class _Query:
    folded: str
    bare: str
    words: list[str]
    content: list[str]  # its words other than stop words (all of them when it has only those)
    mine: int

    @classmethod
    def of(cls, text: str) -> "_Query":
        qf = " ".join(fold(str(text or "")).split())
        qw = words(qf)
        qs = [w for w in qw if w not in STOP] or qw
        return cls(qf, _THE.sub("", qf), qw, qs, sum(w not in STOP for w in qs) or len(qs))

    def coverage(self, hay: _Words) -> float:
        return min(1.0, self.mine / hay.content)


@dataclass
class _Entry:
    id: str
    names: list[_Words]
    text: _Words
    acronyms: set[str]
    number: str


class SearchIndex:
    """What :func:`search` looks in, made once from the graph (its view and its RDF)."""

    def __init__(self, G: nx.MultiDiGraph, g: Graph | None = None):
        self.G = G
        extra = _extra(g)
        self.entries: list[_Entry] = []
        self.info: dict[str, dict] = {}
        self.ids = sorted(G.nodes)
        for n in self.ids:
            d = G.nodes[n]
            more = extra.get(n, {})
            names = [d.get("title") or n, *more.get("names", [])]
            texts = [t for t in (d.get("text"), *more.get("texts", [])) if t]
            acr = {a for a in (acronym(x) for x in [d.get("title") or n, *more.get("aliases", [])]) if len(a) >= 2}
            self.entries.append(_Entry(n.lower(), [_Words(x) for x in dict.fromkeys(names)], _Words(" ".join(texts)),
                                       acr, str(d.get("number") or "").lower()))
            degree = len({v for _, v in G.out_edges(n)} | {u for u, _ in G.in_edges(n)} - {n})
            row = {"id": n, "type": d["type"], "title": d.get("title") or n}
            if d.get("number"):
                row["number"] = d["number"]
            p = partnership_of(G, n)
            if p:
                row["partnership"] = p
            self.info[n] = {**row, "_degree": degree}
        # word -> entries that have it (in a name or the text), so a query scores only those
        self.postings: dict[str, set[int]] = {}
        self.by_acronym: dict[str, set[int]] = {}
        self.by_key: dict[str, set[int]] = {}  # id and number
        self.by_type_words: dict[str, set[int]] = {}  # "shanarri" -> the wellbeing indicators
        for i, x in enumerate(self.entries):
            for w in x.text.set.union(*(nm.set for nm in x.names)):
                self.postings.setdefault(w, set()).add(i)
            for a in x.acronyms:
                self.by_acronym.setdefault(a, set()).add(i)
            for key in (x.id, x.number):
                if key:
                    self.by_key.setdefault(key, set()).add(i)
            for phrase in TYPE_WORDS.get(self.info[self.ids[i]]["type"], ()):
                self.by_type_words.setdefault(phrase, set()).add(i)
        self.vocabulary = sorted(self.postings)

    def candidates(self, q: _Query) -> set[int] | range:
        """The entries that can score for the query: every way to score needs one of its words other
        than stop words (all of them when it has only those), its acronym, or its id or number (a
        query of no words is checked against every name)."""
        if not q.words:
            return range(len(self.entries))
        out = set(self.by_key.get(q.folded, ())) | self.by_type_words.get(" ".join(q.words), set())
        for w in q.content:
            out |= self.postings.get(w, set())
        last = q.content[-1]
        if len(last) >= 2:
            for w in self._prefixed(last):
                out |= self.postings[w]
        if len(q.words) == 1:
            out |= self.by_acronym.get(q.words[0], set())
        return out

    def _prefixed(self, start: str) -> list[str]:
        """The indexed words that begin with ``start`` (a binary search in the sorted vocabulary)."""
        import bisect
        i = bisect.bisect_left(self.vocabulary, start)
        out = []
        while i < len(self.vocabulary) and self.vocabulary[i].startswith(start):
            out.append(self.vocabulary[i])
            i += 1
        return out

    def score(self, i: int, q: _Query) -> tuple[float, str]:
        x = self.entries[i]
        if x.id == q.folded:
            return 1000, "id"
        if x.number and x.number == q.folded:
            return (990 if self.info[self.ids[i]]["type"] == "Driver" else 980), "number"
        qw, qs = q.words, q.content
        best = 0.0
        for nm in x.names:
            if nm.bare == q.bare:
                best = max(best, 900)
                continue
            if not qw:
                continue
            at = nm.phrase_at(qw)
            if at == 0:
                best = max(best, 800 + 60 * q.coverage(nm))
            elif at > 0:
                best = max(best, 700 + 60 * q.coverage(nm))
            elif best < 710 and nm.has_all(qs, False):
                best = max(best, 650 + 60 * q.coverage(nm))
            elif best < 660 and nm.has_all(qs, True):
                best = max(best, 600 + 60 * q.coverage(nm))
        if len(qw) == 1 and qw[0] in x.acronyms:
            best = max(best, 850)
        if best:
            return best, "name"
        if not qw:
            return 0, ""
        if " ".join(qw) in TYPE_WORDS.get(self.info[self.ids[i]]["type"], ()):
            return 520, "type"
        t = x.text
        if t.phrase_at(qw) >= 0:
            return 500 + 60 * q.coverage(t), "text"
        if t.has_all(qs, False):
            return 450 + 60 * q.coverage(t), "text"
        if t.has_all(qs, True):
            return 400 + 60 * q.coverage(t), "text"
        if len(qs) >= 3:  # a pasted phrase that differs a little: most of its words, whole
            hit = sum(w in t.set or any(w in nm.set for nm in x.names) for w in qs) / len(qs)
            if hit >= 0.75:
                return 200 + 100 * hit, "text"
        return 0, ""


def _extra(g: Graph | None) -> dict[str, dict]:
    """id -> more names (aliases, short and printed titles) and texts (summaries, descriptions) from the RDF."""
    if g is None:
        return {}
    from rdflib.namespace import DCTERMS, SKOS

    from ..core.namespace import DG
    ids = {s: str(o) for s, o in g.subject_objects(DCTERMS.identifier)}
    out: dict[str, dict] = {}

    def add(s, key: str, value) -> None:
        if s in ids:
            out.setdefault(ids[s], {}).setdefault(key, []).append(str(value))
    for s, o in sorted(g.subject_objects(SKOS.altLabel)):
        add(s, "aliases", o)
        add(s, "names", o)
    for s, o in sorted(g.subject_objects(DG.shortTitle)):
        add(s, "names", o)
    for s, o in sorted(g.subject_objects(DCTERMS.description)):
        add(s, "texts", o)
    for e, d in sorted(g.subject_objects(DG.describes)):
        for o in sorted(g.objects(e, DCTERMS.title)):
            add(d, "names", o)
        for o in sorted(g.objects(e, DG.summaryTitle)):  # the Summary table's title: a name too
            add(d, "names", o)
        for o in sorted(g.objects(e, DG.summary)):
            add(d, "texts", o)
    return out


def search(index: SearchIndex, text: str, partnership: str | None = None, top: int = DEFAULT_TOP) -> list[dict]:
    """The records that match ``text``, best first: id, type, title, number, partnership, score and
    what matched (``id``, ``number``, ``name``, ``type`` or ``text``). Empty text finds nothing."""
    q = _Query.of(text)
    if not q.folded:
        return []
    found = []
    for i in index.candidates(q):
        n = index.ids[i]
        s, how = index.score(i, q)
        if not s:
            continue
        info = index.info[n]
        p = info.get("partnership", "")
        home = 1 if not partnership else 0 if p == partnership else 1 if p == "" else 2
        t = info["type"]
        found.append(((-s, home, 0 if t == "Driver" and info.get("number") else 1,
                       TYPE_RANK.index(t) if t in TYPE_RANK else len(TYPE_RANK), -info["_degree"],
                       len(info["title"]), n), n, round(s, 2), how))
    found.sort(key=lambda f: f[0])
    out = []
    for _, n, s, how in found[:top]:
        row = {k: v for k, v in index.info[n].items() if not k.startswith("_")}
        out.append({**row, "score": float(s), "matched": how})
    return out
