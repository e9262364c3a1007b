"""Link suggestions: rank the drivers, UNCRC articles, wellbeing indicators and Promise foundations
that may lie behind an action no document has linked yet.

Everything here is *inferred*: a suggestion is a candidate for an officer to check, never a stated
link. The method, chosen by measurement (``evaluate``; figures in the README):

* **lexical**: BM25 over each candidate's title, aliases, description and drivers-document
  summary, with a small domain thesaurus (``graph/thesaurus.yaml``: CAMHS ~ mental health,
  looked after ~ care experienced ...) whose concepts match across synonyms;
* **graph**: the candidates that the most similar already-linked records (actions, themes, plans)
  are stated to be driven by, weighted by their TF-IDF similarity to the query.

Example::

    >>> idx = Index.build(data, G)                      # doctest: +SKIP
    >>> suggest(idx, "CAMHS waiting times", top=5)       # doctest: +SKIP
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path

import networkx as nx

from ..core.errors import UsageError
from ..core.model import Data
from .why import UP_RELS, norm

#: candidate types and the relation an accepted suggestion of that type would state
TARGET_TYPES = {"Driver": "drivenBy", "UNCRCArticle": "upholdsRight", "WellbeingIndicator": "contributesTo",
                "PromiseFoundation": "alignsWith"}
#: record types whose stated links to targets feed the graph signal and the evaluation
ITEM_TYPES = ("Action", "Theme", "Plan", "Outcome", "Indicator", "Group")
THESAURUS = Path(__file__).with_name("thesaurus.yaml")
METHOD = "bm25+thesaurus+neighbours"


@dataclass(frozen=True)
class Params:
    """Tuned on the tuning split only (see ``evaluate`` and benchmarks/suggest_tune.py)."""

    k1: float = 1.2
    b: float = 0.5
    saturation: float = 24.0     # lexical score s -> s / (s + saturation), so scores are 0..1
    graph_weight: float = 0.2    # final = (1 - w) * lexical + w * graph
    neighbours: int = 10         # how many similar linked records vote
    concept_weight: float = 0.5  # a thesaurus concept counts this much of a word
    title_weight: float = 2.0    # titles and aliases count this many times the summary's words
    lexical: bool = True


DEFAULT = Params()

# -- text ----------------------------------------------------------------------------------------

_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
STOP = frozenset("""a about above after again all also am an and any are as at be been before being below between
both but by can could did do does doing down during each few for from further had has have having he her here
hers him his how i if in into is it its itself just me more most my no nor not now of off on once only or other
our ours out over own same she should so some such than that the their theirs them then there these they this
those through to too under until up very was we were what when where which while who whom why will with would
you your yours within across ensure ensuring work working continue continued develop developing developed
increase increased improve improved improving support supported supporting use using including include
includes new year years scotland scottish north south lanarkshire partnership partnerships plan plans
strategy service services local national""".split())


def stem(word: str) -> str:
    """A light suffix stripper: enough to join plurals and -ing/-ed forms, never clever."""
    w = word[:-2] if word.endswith("'s") else word
    if len(w) <= 3:
        return w
    for suf, rep, min_len in (("ies", "y", 5), ("sses", "ss", 5), ("ing", "", 6), ("ed", "", 5), ("s", "", 4)):
        if w.endswith(suf) and len(w) >= min_len and not (suf == "s" and w.endswith(("ss", "us", "is"))):
            return w[: len(w) - len(suf)] + rep
    return w


def words(text: str) -> list[tuple[str, str]]:
    """(stem, surface word) for every word of ``text``, stop words included (phrases need them)."""
    return [(stem(t), t) for t in _TOKEN.findall(norm(text))]


@dataclass
class Thesaurus:
    """Synonym groups (phrase -> concept) and descriptors (record id -> phrases)."""

    groups: dict[str, list[str]] = field(default_factory=dict)
    descriptors: dict[str, list[str]] = field(default_factory=dict)
    _phrases: dict[tuple[str, ...], str] = field(default_factory=dict, repr=False)
    _longest: int = 1

    def __post_init__(self) -> None:
        for concept, phrases in sorted(self.groups.items()):
            for p in phrases:
                key = tuple(s for s, _ in words(p))
                if key:
                    self._phrases.setdefault(key, concept)
                    self._longest = max(self._longest, len(key))

    def concepts(self, toks: list[tuple[str, str]]) -> list[tuple[str, str]]:
        """(concept, matched surface phrase) for each synonym phrase found in ``toks``, longest first."""
        found = []
        stems = [s for s, _ in toks]
        i = 0
        while i < len(stems):
            for n in range(min(self._longest, len(stems) - i), 0, -1):
                c = self._phrases.get(tuple(stems[i:i + n]))
                if c is not None:
                    found.append((c, " ".join(t for _, t in toks[i:i + n])))
                    i += n
                    break
            else:
                i += 1
        return found


def load_thesaurus(path: Path = THESAURUS) -> Thesaurus:
    """Read the thesaurus YAML; a malformed file is a DataError naming the file and line."""
    from ..core.errors import DataError, Problem, rel
    from ..core.io import LineDict, read_yaml

    doc = read_yaml(path)
    line = doc.line if isinstance(doc, LineDict) else None
    if not isinstance(doc, dict) or set(doc) - {"synonyms", "descriptors"}:
        raise DataError([Problem("the thesaurus must be a mapping with 'synonyms' and 'descriptors'",
                                 file=rel(path), line=line, hint="see the comment at the top of graph/thesaurus.yaml")])
    out: dict[str, dict[str, list[str]]] = {}
    for key in ("synonyms", "descriptors"):
        sec = doc.get(key) or {}
        if not isinstance(sec, dict):
            raise DataError([Problem(f"'{key}' must be a mapping of name -> list of phrases", file=rel(path),
                                     line=line)])
        for name, phrases in sec.items():
            if not isinstance(phrases, list) or not all(isinstance(p, str) and p.strip() for p in phrases):
                raise DataError([Problem(f"{key} {name!r} must be a list of non-empty phrases", file=rel(path),
                                         line=sec.line if isinstance(sec, LineDict) else line,
                                         hint="write name: [\"phrase one\", \"phrase two\"]")])
        out[key] = {str(k): list(v) for k, v in sec.items()}
    return Thesaurus(out["synonyms"], out["descriptors"])


def _concept_token(concept: str) -> str:
    return f"~{concept}"


@dataclass
class Bag:
    """A text as weighted terms, with the surface form each term was seen as (for evidence)."""

    tf: Counter = field(default_factory=Counter)
    surface: dict[str, str] = field(default_factory=dict)
    length: float = 0.0

    def add(self, text: str, thes: Thesaurus | None, weight: float = 1.0, tag: str | None = None,
            concept_weight: float = 0.5) -> None:
        toks = words(text)
        for s, t in toks:
            if t in STOP or s in STOP or len(s) < 2 or s.isdigit():
                continue
            self.tf[s] += weight
            self.surface.setdefault(s, f"{t} ({tag})" if tag else t)
            self.length += weight
        if thes is not None:
            for concept, phrase in thes.concepts(toks):
                tok = _concept_token(concept)
                self.tf[tok] += weight * concept_weight
                self.surface.setdefault(tok, f"{phrase} ({tag})" if tag else phrase)
                self.length += weight * concept_weight


# -- the index -----------------------------------------------------------------------------------

@dataclass
class Target:
    id: str
    type: str
    title: str
    partnership: str | None
    bag: Bag


@dataclass
class Item:
    """A record with text and stated links to targets (feeds the graph signal and the evaluation)."""

    id: str
    type: str
    title: str
    source: str
    partnership: str | None
    bag: Bag
    links: dict[str, str]  # target id -> the source document that states the link


@dataclass
class Index:
    targets: dict[str, Target]
    items: dict[str, Item]
    thesaurus: Thesaurus | None
    df: Counter
    avg_len: float
    item_df: Counter
    G: nx.MultiDiGraph | None = None
    concept_weight: float = DEFAULT.concept_weight
    _vectors: dict[str, dict[str, float]] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def build(cls, data: Data, G: nx.MultiDiGraph | None = None, thesaurus: Thesaurus | None = None,
              use_thesaurus: bool = True, p: Params = DEFAULT) -> "Index":
        """Index every candidate (drivers, articles, indicators, foundations) and every linked record."""
        from . import why as w

        thes = (thesaurus or load_thesaurus()) if use_thesaurus else None
        entries: dict[str, list] = defaultdict(list)
        for ed in sorted(data.editions.values(), key=lambda e: (e.year, e.id)):
            for en in ed.entries:
                entries[en.driver].append(en)
                for c in en.fields.get("covers", []):
                    entries[c].append(en)
        targets: dict[str, Target] = {}
        for rid in sorted(data.records):
            r = data.records[rid]
            if r.type.cls not in TARGET_TYPES:
                continue
            bag = Bag()
            cw, tw = p.concept_weight, p.title_weight
            for text in (r.title, *r.get("aliases", []), r.get("short_title") or ""):
                bag.add(text, thes, tw, concept_weight=cw)
            if r.get("description"):
                bag.add(r.get("description"), thes, concept_weight=cw)
            for en in entries.get(rid, []):
                if en.driver == rid:
                    bag.add(en.title, thes, tw, concept_weight=cw)
                    bag.add(en.fields.get("summary_title", ""), thes, concept_weight=cw)
                bag.add(en.fields.get("summary", ""), thes, concept_weight=cw)
            if thes is not None:
                for phrase in thes.descriptors.get(rid, []):
                    bag.add(phrase, thes, 1.0, tag="thesaurus", concept_weight=cw)
            targets[rid] = Target(rid, r.type.cls, r.title, r.get("partnership"), bag)
        items: dict[str, Item] = {}
        for rid in sorted(data.records):
            r = data.records[rid]
            if r.type.cls not in ITEM_TYPES:
                continue
            links = {lk.to: lk.source for lk in r.links if lk.rel in UP_RELS and lk.to in targets}
            bag = item_bag(r.title, r.get("text"), r.get("description"), thes, p.concept_weight)
            pship = r.get("partnership") or (w.partnership_of(G, rid) if G is not None and rid in G else None)
            items[rid] = Item(rid, r.type.cls, r.title, r.source, pship, bag, links)
        df = Counter(t for tg in targets.values() for t in tg.bag.tf)
        avg = sum(tg.bag.length for tg in targets.values()) / max(1, len(targets))
        item_df = Counter(t for it in items.values() for t in it.bag.tf)
        return cls(targets, items, thes, df, avg, item_df, G, p.concept_weight)

    def query_bag(self, text: str) -> Bag:
        return item_bag(text, None, None, self.thesaurus, self.concept_weight)

    def item_vector(self, it: Item) -> dict[str, float]:
        """The TF-IDF vector of one of this index's records (a pool's items share its bags), computed
        once: every query of an evaluation or of ``unlinked_actions`` compares against the same records."""
        vec = self._vectors.get(it.id)
        if vec is None:
            vec = self._vectors[it.id] = _tfidf(it.bag, self.item_df, len(self.items))
        return vec


def item_bag(title: str, text: str | None, description: str | None, thes: Thesaurus | None,
             concept_weight: float = DEFAULT.concept_weight) -> Bag:
    bag = Bag()
    for part in dict.fromkeys(x for x in (title, text, description) if x):  # a title repeated in the text once
        bag.add(part, thes, concept_weight=concept_weight)
    return bag


# -- scoring -------------------------------------------------------------------------------------

def bm25(idx: Index, q: Bag, t: Target, p: Params) -> tuple[float, list[tuple[float, str]]]:
    """BM25 of target ``t`` for query ``q``, and each matched term's share (for evidence)."""
    n = len(idx.targets)
    parts = []
    len_norm = p.k1 * (1 - p.b + p.b * t.bag.length / (idx.avg_len or 1.0))
    for term in q.tf:
        f = t.bag.tf.get(term)
        if not f:
            continue
        df = idx.df[term]
        idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
        parts.append((idf * f * (p.k1 + 1) / (f + len_norm), term))
    return sum(s for s, _ in parts), sorted(parts, key=lambda x: (-x[0], x[1]))


def _tfidf(bag: Bag, df: Counter, n: int) -> dict[str, float]:
    vec = {t: (1 + math.log(f)) * math.log(1 + n / (1 + df.get(t, 0))) for t, f in bag.tf.items() if f > 0}
    length = math.sqrt(sum(v * v for v in vec.values())) or 1.0
    return {t: v / length for t, v in vec.items()}


def neighbours(idx: Index, q: Bag, pool: dict[str, Item], k: int) -> list[tuple[float, Item]]:
    """The ``k`` linked records most similar to the query (TF-IDF cosine > 0), best first."""
    qv = _tfidf(q, idx.item_df, len(idx.items))
    scored = []
    for it in pool.values():
        if not it.links:
            continue
        iv = idx.item_vector(it)
        sim = sum(v * iv[t] for t, v in qv.items() if t in iv)
        if sim > 0:
            scored.append((sim, it))
    scored.sort(key=lambda s: (-s[0], s[1].id))
    return scored[:k]


@dataclass
class Suggestion:
    id: str
    title: str
    type: str
    score: float
    rel: str
    evidence: dict

    def as_dict(self) -> dict:
        return {"id": self.id, "title": self.title, "type": self.type, "score": self.score, "rel": self.rel,
                "evidence": self.evidence}


def rank(idx: Index, q: Bag, *, types=tuple(TARGET_TYPES), partnership: str | None = None,
         pool: dict[str, Item] | None = None, exclude: set[str] = frozenset(), p: Params = DEFAULT,
         ) -> list[Suggestion]:
    """Every candidate of ``types`` scored for the query, best first (ties by id)."""
    near = neighbours(idx, q, idx.items if pool is None else pool, p.neighbours) if p.graph_weight > 0 else []
    total = sum(s for s, _ in near) or 1.0
    votes: dict[str, list[tuple[float, Item]]] = defaultdict(list)
    for sim, it in near:
        for tid in it.links:
            votes[tid].append((sim, it))
    out = []
    for tid, t in idx.targets.items():
        if t.type not in types or tid in exclude:
            continue
        if partnership and t.partnership and t.partnership != partnership:
            continue  # another partnership's local drivers never drive this one's actions
        lex, parts = bm25(idx, q, t, p) if p.lexical else (0.0, [])
        lex_n = lex / (lex + p.saturation) if lex > 0 else 0.0
        graph = sum(s for s, _ in votes.get(tid, [])) / total
        score = (1 - p.graph_weight) * lex_n + p.graph_weight * graph
        if score <= 0:
            continue
        ev: dict = {"lexical": round(lex_n, 4), "graph": round(graph, 4)}
        matched: list[str] = []
        for share, term in parts:
            qs, ts = q.surface.get(term, term), t.bag.surface.get(term, term)
            shown = qs if qs == ts else f"{qs} ~ {ts}"
            if shown not in matched:
                matched.append(shown)
        matched = matched[:6]
        if matched:
            ev["matched"] = matched
        if votes.get(tid):
            ev["similar"] = [{"id": it.id, "similarity": round(s, 4)} for s, it in votes[tid][:3]]
        out.append(Suggestion(tid, t.title, t.type, round(score, 4), TARGET_TYPES[t.type], ev))
    out.sort(key=lambda s: (-s.score, s.id))
    return out


def evidence_text(ev: dict) -> str:
    """One line of evidence for a table: matched words, then the similar linked records."""
    parts = []
    if ev.get("matched"):
        parts.append("words: " + ", ".join(ev["matched"]))
    if ev.get("similar"):
        parts.append("linked from similar: " + ", ".join(s["id"] for s in ev["similar"]))
    return "; ".join(parts)


def parse_types(specs) -> tuple[str, ...]:
    """``--types`` values (repeatable, comma-separated, any case) to target type names."""
    if not specs:
        return tuple(TARGET_TYPES)
    wanted = {t.strip() for spec in specs for t in str(spec).split(",") if t.strip()}
    by_fold = {c.casefold(): c for c in TARGET_TYPES}
    bad = sorted(t for t in wanted if t.casefold() not in by_fold)
    if bad:
        raise UsageError(f"unknown suggestion type {', '.join(map(repr, bad))}; use any of: "
                         f"{', '.join(TARGET_TYPES)}")
    return tuple(c for c in TARGET_TYPES if c.casefold() in {t.casefold() for t in wanted})


@dataclass
class Result:
    query: str
    action: str | None              # the action id when the query named (or matched) one
    suggestions: list[Suggestion]
    already: list[str]              # targets the action already reaches through stated links


def suggest(idx: Index, query: str, *, top: int = 10, types=tuple(TARGET_TYPES), partnership: str | None = None,
            p: Params = DEFAULT) -> Result:
    """Candidates for an action id, or for new action text (not matched to an existing action).

    For an id, the action's title and text are the query, its own links are left out of the graph
    signal, and targets it already reaches (``drivers why``) are not suggested again.
    """
    from . import why as w

    q = query.strip()
    if not q:
        raise UsageError("give an action id or the text of an action")
    if q in idx.items or (idx.G is not None and q in idx.G):
        if q not in idx.items:
            raise UsageError(f"{q!r} is a {idx.G.nodes[q]['type']}, not an action, theme, plan or group; "
                             "give an action id or the action's text")
        it = idx.items[q]
        already = set(w.why(idx.G, q).reached) if idx.G is not None else set(it.links)
        pool = {k: v for k, v in idx.items.items() if k != q}
        ranked = rank(idx, it.bag, types=types, partnership=partnership or it.partnership, pool=pool,
                      exclude=already, p=p)
        return Result(q, q, ranked[:top], sorted(a for a in already if a in idx.targets))
    ranked = rank(idx, idx.query_bag(q), types=types, partnership=partnership, p=p)
    return Result(q, None, ranked[:top], [])


def unlinked_actions(idx: Index, top: int = 3, p: Params = DEFAULT) -> list[dict]:
    """Actions with no path up to any Driver (``drivers why``), each with its top suggestions.

    Only Driver candidates are suggested: the question is which driver is behind the action.
    """
    from . import why as w

    if idx.G is None:
        raise UsageError("unlinked_actions needs the NetworkX view")
    out = []
    for n in sorted(idx.G.nodes):
        if idx.G.nodes[n]["type"] != "Action":
            continue
        reached = w.why(idx.G, n).reached
        if any(idx.G.nodes[m]["type"] == "Driver" for m in reached):
            continue
        res = suggest(idx, n, top=top, types=("Driver",), p=p)
        out.append({"id": n, "title": idx.G.nodes[n]["title"], "partnership": w.partnership_of(idx.G, n),
                    "suggestions": [s.as_dict() for s in res.suggestions]})
    return out


def unlinked_findings(data: Data, G: nx.MultiDiGraph | None = None, top: int = 3,
                      partnership: str | None = None) -> list[dict]:
    """``unlinked_actions`` as review findings: ``{"number", "title", "kind": "unlinked-action",
    "message", "id", "suggestions"}``; the suggestions are inferred, and the message says so.
    With ``partnership``, only that partnership's actions (and those of none)."""
    if G is None:
        from ..core.view import to_networkx
        from ..core.rdf import build
        from ..core.validate import union

        G = to_networkx(union(build(data)))
    out = []
    for row in unlinked_actions(Index.build(data, G), top):
        if partnership and row["partnership"] not in (None, partnership):
            continue
        best = ", ".join(f"{s['id']} ({s['score']:.2f})" for s in row["suggestions"]) or "none"
        out.append({"number": "", "title": row["title"], "kind": "unlinked-action",
                    "message": f"action {row['id']} has no stated path up to any driver; suggested (inferred, "
                               f"check before accepting with drivers accept): {best}",
                    "id": row["id"], "suggestions": row["suggestions"]})
    return out


# -- evaluation ----------------------------------------------------------------------------------

#: The honest split: parameters and thesaurus were chosen on TUNE; the README reports TEST.
TUNE = ("src-nl-csp-ar-2018-19", "src-nl-cp-strategy-2019-22")          # North Lanarkshire seeds 000, 003
TEST = ("src-sl-csp-ar-2018-19", "src-nl-keeping-the-promise-2022")     # seed 002 (South), seed 004

METHODS = {
    "popularity": "the most-linked candidates in the training links, same for every query",
    "tfidf": "TF-IDF cosine over titles and summaries; no thesaurus, no graph signal",
    "bm25": "BM25 over titles and summaries; no thesaurus, no graph signal",
    "bm25+thesaurus": "BM25 with the domain thesaurus; no graph signal",
    "graph-only": "neighbour votes only (the drivers of similar, already-linked records)",
    METHOD: "the default: BM25 + thesaurus, combined with neighbour votes",
}


def evaluation_header(split: str) -> str:
    if split == "cv":
        return "\n".join([
            "Leave one document out: for each action document in turn, every stated link of it is held back (also "
            "from the graph signal and popularity) and predicted for each of its records that has one.",
            "Tuned in fold: graph weight and thesaurus on/off are chosen by MRR on the other documents only (each "
            "held back in turn, the fold's document left out entirely), then used on the fold.",
            "Methods: " + "; ".join(f"{k}: {v}" for k, v in {**METHODS, TUNED: CV_TUNED}.items()
                                    if k in CV_METHODS), ""])
    held = sorted({d for held_out, _ in SPLITS[split] for d in held_out})
    lines = [f"Held back: every stated link of {', '.join(held)} ({split} split); each record of those documents "
             "with a link to a candidate type is a query, ranked against all candidates of that type.",
             "Graph signal and popularity use only the other documents' links"
             + ("; the test documents are left out entirely." if split == "tune" else "."),
             "Methods: " + "; ".join(f"{k}: {v}" for k, v in METHODS.items()), ""]
    return "\n".join(lines)


@dataclass
class Metrics:
    queries: int = 0
    p5: float = 0.0
    r10: float = 0.0
    mrr: float = 0.0

    def add(self, ranked: list[str], gold: set[str]) -> None:
        self.queries += 1
        self.p5 += len(gold & set(ranked[:5])) / 5
        self.r10 += len(gold & set(ranked[:10])) / len(gold)
        first = next((i for i, r in enumerate(ranked, 1) if r in gold), None)
        self.mrr += 1 / first if first else 0.0

    def row(self) -> dict:
        n = self.queries or 1
        return {"queries": self.queries, "P@5": round(self.p5 / n, 3), "R@10": round(self.r10 / n, 3),
                "MRR": round(self.mrr / n, 3)}


def _tfidf_rank(idx: Index, q: Bag, cands: list[Target]) -> list[str]:
    n = len(idx.targets)
    qv = _tfidf(q, idx.df, n)
    scored = []
    for t in cands:
        tv = _tfidf(t.bag, idx.df, n)
        scored.append((sum(v * tv[k] for k, v in qv.items() if k in tv), t.id))
    scored.sort(key=lambda s: (-s[0], s[1]))
    return [tid for _, tid in scored]


#: how each split is scored: (held-back documents, documents left out of the training links too)
SPLITS = {
    # tuning: each tuning document in turn, trained on the other and on no test document
    "tune": [(("src-nl-csp-ar-2018-19",), TEST), (("src-nl-cp-strategy-2019-22",), TEST)],
    # the reported figures: both test documents held back at once, trained on the rest
    "test": [(TEST, ())],
}


def evaluate(data: Data, G: nx.MultiDiGraph, split: str = "test", p: Params = DEFAULT,
             methods=tuple(METHODS), indexes: tuple[Index, Index] | None = None,
             details: list | None = None) -> list[dict]:
    """Hold back every stated link of a split's documents and predict them; one row per method and type.

    Queries are the records of the held-back documents with at least one stated link to a
    candidate of a type; each is ranked against all candidates of that type in its partnership
    (plus national ones). The graph signal and popularity see only the links of the *other*
    documents, so a held-back link never helps predict itself.
    """
    if split not in SPLITS:
        raise UsageError(f"unknown split {split!r}; use one of: {', '.join(SPLITS)}")
    plain, full = indexes or (Index.build(data, G, use_thesaurus=False, p=p), Index.build(data, G, p=p))
    results: dict[tuple[str, str], Metrics] = defaultdict(Metrics)
    for held_out, left_out in SPLITS[split]:
        _evaluate_fold(data, plain, full, set(held_out), set(left_out), p, methods, results, details)
    rows = []
    for m in methods:
        for ttype in (*TARGET_TYPES, "all"):
            if (m, ttype) in results:
                rows.append({"method": m, "type": ttype, **results[(m, ttype)].row()})
    return rows


def _evaluate_fold(data: Data, plain: Index, full: Index, held: set[str], left_out: set[str], p: Params,
                   methods, results: dict, details: list | None,
                   settings: dict[str, tuple[Params, bool]] | None = None) -> None:
    """Score one fold; ``settings`` names extra methods as (params, thesaurus on) for ``rank``."""
    unknown = (held | left_out) - set(data.sources)
    if unknown:
        raise UsageError(f"unknown source id(s) to hold back: {', '.join(sorted(unknown))}")
    hidden = held | left_out

    def train_pool(ix: Index) -> dict[str, Item]:
        pool = {}
        for k, it in ix.items.items():
            kept = {t: s for t, s in it.links.items() if s not in hidden}
            if kept:
                pool[k] = Item(it.id, it.type, it.title, it.source, it.partnership, it.bag, kept)
        return pool

    pools = {"plain": train_pool(plain), "full": train_pool(full)}
    popularity = Counter(t for it in pools["full"].values() for t in it.links)
    for qid in sorted(full.items):
        item = full.items[qid]
        gold_all = {t for t in item.links if item.links[t] in held}
        if not gold_all:
            continue
        for ttype in TARGET_TYPES:
            gold = {t for t in gold_all if full.targets[t].type == ttype}
            if not gold:
                continue
            cands = [t for t in full.targets.values() if t.type == ttype
                     and not (item.partnership and t.partnership and t.partnership != item.partnership)]
            for m in methods:
                if m == "popularity":
                    ranked = sorted((c.id for c in cands), key=lambda c: (-popularity[c], c))
                elif m == "tfidf":
                    ranked = _tfidf_rank(plain, plain.items[qid].bag, [plain.targets[c.id] for c in cands])
                else:
                    if settings and m in settings:
                        mp, thes = settings[m]
                    else:
                        mp = {"bm25": replace(p, graph_weight=0.0), "bm25+thesaurus": replace(p, graph_weight=0.0),
                              "graph-only": replace(p, lexical=False, graph_weight=1.0)}.get(m, p)
                        thes = m != "bm25"
                    ix, pool = (full, pools["full"]) if thes else (plain, pools["plain"])
                    got = [s.id for s in rank(ix, ix.items[qid].bag, types=(ttype,), partnership=item.partnership,
                                              pool=pool, p=mp)]
                    seen = set(got)
                    # candidates with no score at all keep their place after the scored ones, by id
                    ranked = got + sorted(c.id for c in cands if c.id not in seen)
                results[(m, ttype)].add(ranked, gold)
                results[(m, "all")].add(ranked, gold)
                if details is not None:
                    details.append((m, qid, ttype, sorted(gold), ranked[:10]))


# -- leave one document out ----------------------------------------------------------------------

TUNED = "tuned-in-fold"
CV_TUNED = "BM25 with the graph weight and thesaurus chosen on the other documents only"
#: the methods the cross-validation reports; the tuned one is added per fold
CV_METHODS = ("popularity", "tfidf", "bm25", "bm25+thesaurus", TUNED)
#: what is chosen inside each fold: (graph weight, thesaurus on), in this order of preference on ties
CV_GRID = tuple((w, t) for w in (0.0, 0.1, 0.2, 0.3) for t in (False, True))


def cv_documents(data: Data, idx: Index) -> list[str]:
    """The folds, by id: each action document that states links from its own actions to candidates
    (so not the drivers document, nor officers' accepted links, which stay training links)."""
    return sorted({src for it in idx.items.values() if it.type == "Action" for src in it.links.values()
                   if src == it.source and src in data.sources})


def _mean(m: Metrics) -> tuple[float, float, float]:
    n = m.queries or 1
    return (m.mrr / n, m.r10 / n, m.p5 / n)


def _select_settings(data: Data, plain: Index, full: Index, fold: str, others: list[str], p: Params,
                     grid=CV_GRID) -> tuple[tuple[float, bool], tuple[float, float, float]]:
    """The grid setting with the best pooled MRR (then R@10, P@5, then grid order) over ``others``.

    Each other document is held back in turn and ``fold`` is left out of the training links
    entirely, so nothing of the fold's own links takes part in the choice.
    """
    best = None
    for i, (w, thes) in enumerate(grid):
        results: dict[tuple[str, str], Metrics] = defaultdict(Metrics)
        for doc in others:
            _evaluate_fold(data, plain, full, {doc}, {fold}, p, (TUNED,), results, None,
                           {TUNED: (replace(p, graph_weight=w), thes)})
        score = _mean(results[(TUNED, "all")])
        key = (tuple(-x for x in score), i)
        if best is None or key < best[0]:
            best = (key, (w, thes), score)
    return best[1], best[2]


def cross_validate(data: Data, G: nx.MultiDiGraph, p: Params = DEFAULT, grid=CV_GRID,
                   indexes: tuple[Index, Index] | None = None, details: list | None = None,
                   ) -> tuple[list[dict], list[dict]]:
    """Leave one document out, with the tuned method's settings chosen inside each fold.

    Returns the rows (method, type, pooled P@5 / R@10 / MRR over every fold's queries) and, per
    fold, the settings chosen on the other documents and what they scored there.
    """
    plain, full = indexes or (Index.build(data, G, use_thesaurus=False, p=p), Index.build(data, G, p=p))
    docs = cv_documents(data, full)
    if len(docs) < 2:
        raise UsageError("leave-one-document-out needs at least two documents with stated links from actions")
    results: dict[tuple[str, str], Metrics] = defaultdict(Metrics)
    folds = []
    for fold in docs:
        others = [d for d in docs if d != fold]
        (w, thes), inner = _select_settings(data, plain, full, fold, others, p, grid)
        before = {k: m.queries for k, m in results.items() if k[0] == TUNED}
        _evaluate_fold(data, plain, full, {fold}, set(), p, CV_METHODS, results, details,
                       {TUNED: (replace(p, graph_weight=w), thes)})
        folds.append({"fold": fold, "graph_weight": w, "thesaurus": thes,
                      "inner_MRR": round(inner[0], 3),
                      "queries": results[(TUNED, "all")].queries - before.get((TUNED, "all"), 0)})
    rows = []
    for m in CV_METHODS:
        for ttype in (*TARGET_TYPES, "all"):
            rows.append({"method": m, "type": ttype, **results[(m, ttype)].row()})
    return rows, folds
