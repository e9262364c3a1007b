"""Link suggestions: rank the drivers, UNCRC articles, wellbeing indicators and Promise foundations
that may lie behind an action no document has linked yet.

Everything here is *inferred*: a suggestion is a candidate for an officer to check, never a stated
link. The method, chosen by measurement (``evaluate``, ``cross_validate``, ``evaluate_paraphrases``;
figures in the README):

* **text**: words are stemmed lightly; stop words and generic plan verbs ("make sure", "ensure",
  "support", "deliver" ...) never score; adjacent content words also count as a phrase
  ("school day", "children hearing"), so multi-word terms match as units; a domain thesaurus
  (``thesaurus.yaml``: CAMHS ~ mental health ...) grows from the documents themselves: every
  acronym a document defines ("Realigning Children's Services (RCS)") joins its long form;
* **lexical**: BM25 of each candidate's title, aliases, description and drivers-document summary;
* **semantic**: LSA (``semantic.py``, numpy) trained on the records' own text when the index is
  built: "breakfast clubs ... cost of the school day" meets the child poverty drivers through the
  words they share with other records, not with the query;
* **graph**: the candidates that the most similar already-linked records are stated to be linked to.
* **document context**: for an action id, the candidates that the text of its own document's records
  names (``Index.context``; text only, never a stated link); new text has none.

Each type is ranked on its own; only candidates scoring at least ``Params.confident`` are shown, and
a type with none says "no confident suggestion" instead of filling the list.

Example::

    >>> idx = Index.build(data, G)                                 # doctest: +SKIP
    >>> suggest_for_text(idx, "CAMHS waiting times")["types"][0]     # doctest: +SKIP
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from ..core.errors import UsageError
from .why import UP_RELS, norm

if TYPE_CHECKING:  # heavy: a warm `drivers suggest TEXT` imports neither
    import networkx as nx

    from ..core.model import Data

#: candidate types and the relation an accepted suggestion of that type would state
TARGET_TYPES = {"Driver": "drivenBy", "UNCRCArticle": "upholdsRight", "WellbeingIndicator": "contributesTo",
                "PromiseFoundation": "alignsWith"}
#: how many of each type are shown at most: an action has one or two drivers, a few articles, indicators
PER_TYPE = {"Driver": 3, "UNCRCArticle": 3, "WellbeingIndicator": 3, "PromiseFoundation": 2}
#: record types whose stated links to targets feed the graph signal and the evaluation
ITEM_TYPES = ("Action", "Theme", "Plan", "Outcome", "Indicator", "Group")
THESAURUS = Path(__file__).with_name("thesaurus.yaml")
METHOD = "bm25+units+neighbours+dates+names+context"
#: the default before the document-context signal (a baseline row of the evaluation)
NAMED = "bm25+units+neighbours+dates+names"
#: the default before candidates were dated (a baseline row of the evaluation)
UNDATED = "bm25+units+neighbours"
NO_CONFIDENT = "no confident suggestion"


@dataclass(frozen=True)
class Params:
    """Chosen on the tuning split only (benchmarks/suggest_tune.py); see the README's figures."""

    k1: float = 1.2
    k3: float = 1.0              # BM25's query-term weighting (0: off, every query term counts once)
    b: float = 0.5
    saturation: float = 24.0     # lexical score s -> s / (s + saturation), so scores are 0..1
    semantic_weight: float = 0.0  # final = (1 - ws - wg) * lexical + ws * semantic + wg * graph
    graph_weight: float = 0.2
    neighbours: int = 10         # how many similar linked records vote
    concept_weight: float = 0.5  # a thesaurus concept counts this much of a word
    title_weight: float = 2.0    # titles and aliases count this many times the summary's words
    phrase_weight: float = 0.5   # two adjacent content words count this much as a unit
    unit_weight: bool = True     # with units: a matched phrase weighs as much as the words it stands for
    units: bool = True           # words inside a matched multi-word thesaurus phrase count only as it
    plan_stop: bool = True       # generic plan verbs do not score
    mine: bool = True            # acronyms the documents define join the thesaurus
    dims: int = 100              # LSA dimensions
    semantic: str = "lsa"        # "lsa": term-document SVD; "cooccurrence": word vectors from word windows
    confident: float = 0.15      # a candidate below this score is not shown ...
    min_words: float = 0.1       # ... nor one whose words match less than this (graph votes alone are no evidence)
    relative: float = 0.5        # ... nor one below this share of its type's best score
    prior_weight: float = 0.05   # how often records of the query's kind link each candidate (training links)
    lexical: bool = True
    dated: bool = True           # a candidate that began after the query's year (its document's date) is left out
    name_weight: float = 0.2     # added when the query names the candidate: its title, an alias, a defined acronym
    context_weight: float = 0.15  # added when the query's own document names the candidate (``Index.context``)
    context: str = "named"       # "named": named in the document's text; "defined": its record; "both"

    @property
    def lexical_weight(self) -> float:
        return max(0.0, 1.0 - self.semantic_weight - self.graph_weight)


DEFAULT = Params()
#: the method before issue 19, kept as a baseline: BM25 + thesaurus + neighbours (weight 0.2),
#: no phrases, no generic-verb stop list, no mined acronyms, no semantic signal
LEGACY = Params(saturation=24.0, semantic_weight=0.0, graph_weight=0.2, phrase_weight=0.0, plan_stop=False,
                mine=False, units=False, unit_weight=False, k3=0.0, prior_weight=0.0, confident=0.0, min_words=0.0, relative=0.0,
                dated=False, name_weight=0.0, context_weight=0.0)

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
#: generic verbs and fillers of plans: they say an action will happen, not what it is about
PLAN_STOP = STOP | frozenset("""make makes making made sure deliver delivers delivering delivered provide provides
providing provided ensured take taken taking put puts help helps helping helped need needs needed way ways
well every all key range number relevant approach approaches progress progressed further identify identified
ongoing place continues continuing undertake undertaken undertook establish established set forward
appropriate effective effectively better best greater more wide whole across able within each agreed agree
consider considered review reviewed reviewing implement implemented implementation implementing action
actions plan planning priority priorities aim aims area areas part via towards toward order also us
get gets give gives given going go look looking within per one two three four five reduce reduces reducing
reduced reduction raise raising""".split())


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A light suffix stripper: enough to join plurals and -ing/-ed forms, never clever (a Snowball
    stemmer joined more forms and measured worse: "local" and "locality", "general" and "generation")."""
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

    def extended(self, groups: dict[str, list[str]]) -> "Thesaurus":
        """This thesaurus with more synonym groups (a phrase already known keeps its concept)."""
        merged = {k: list(v) for k, v in self.groups.items()}
        for k, v in groups.items():
            merged.setdefault(k, [])
            merged[k] += [p for p in v if p not in merged[k]]
        return Thesaurus(merged, self.descriptors)


def load_thesaurus(path: Path = THESAURUS) -> Thesaurus:
    """Read the thesaurus YAML; a malformed file is a DataError naming the file and line."""
    from ..core.errors import DataError, Problem, rel
    from ..core.io import LineDict, read_yaml

    doc = read_yaml(path)
    line = doc.line if isinstance(doc, LineDict) else None
    if not isinstance(doc, dict) or set(doc) - {"synonyms", "descriptors"}:
        raise DataError([Problem("the thesaurus must be a mapping with 'synonyms' and 'descriptors'",
                                 file=rel(path), line=line, hint="see the comment at the top of graph/answers/thesaurus.yaml")])
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


# an acronym defined in running text: "Long Form Words (LFW)" or "LFW (Long Form Words)"
_ACRONYM_AFTER = re.compile(r"((?:[A-Z][\w'’&-]*[\s,]+(?:(?:and|of|for|the|in|on|to|&)\s+)*){1,8})\(([A-Z][A-Za-z]{1,7})\)")
_ACRONYM_BEFORE = re.compile(r"\b([A-Z]{2,8})\s*[(:]\s*((?:[A-Z][\w'’&-]*\s*(?:(?:and|of|for|the|in|on|to|&)\s+)*){2,8})")
_SMALL = {"and", "of", "for", "the", "in", "on", "to", "&"}


def _initials_match(long_form: str, acronym: str) -> str | None:
    """The shortest tail of ``long_form`` whose words' initials spell ``acronym`` (small words such
    as "and", "of" counted or skipped: "Permanence and Care Excellence" is PACE, "Child Protection
    Committee" CPC), or None."""
    toks = long_form.replace(",", " ").split()
    acr = acronym.upper()
    for start in range(len(toks) - 1, -1, -1):
        tail = toks[start:]
        if tail[0].lower() in _SMALL:
            continue
        skipped = "".join(t[0].upper() for t in tail if t.lower() not in _SMALL)
        counted = "".join(t[0].upper() for t in tail if t != "&")
        if acr in (skipped, counted) or (len(acr) >= 3 and acr.rstrip("S") in (skipped, counted)):
            return " ".join(tail)
        if len(skipped) > len(acr):
            return None
    return None


def mine_acronyms(texts: list[str]) -> dict[str, list[str]]:
    """Synonym groups for every acronym the texts define, with the long form its initials spell:
    "Permanence and Care Excellence (PACE)" gives ``{"acronym-pace": ["pace", "permanence and care
    excellence"]}``. Deterministic: groups and phrases sorted."""
    found: dict[str, set[str]] = defaultdict(set)
    for text in texts:
        for m in _ACRONYM_AFTER.finditer(text):
            long_form = _initials_match(m.group(1).strip(), m.group(2))
            if long_form:
                found[m.group(2).lower()].add(norm(long_form))
        for m in _ACRONYM_BEFORE.finditer(text):
            toks = m.group(2).split()
            for n in range(len(toks), 1, -1):
                head = " ".join(toks[:n])
                if _initials_match(head, m.group(1)) == head:
                    found[m.group(1).lower()].add(norm(head))
                    break
    return {f"acronym-{a}": sorted({a, *forms}) for a, forms in sorted(found.items()) if forms}


def name_key(toks: list[tuple[str, str]]) -> tuple[str, ...]:
    """A name or a text as the stems of its words, stop words kept, numbers left out: "the Parenting
    Strategy" holds "Parenting Strategy"; "Children and Young People (Scotland) Act 2014" is itself."""
    return tuple(s for s, _ in toks if not s.isdigit())


def _concept_token(concept: str) -> str:
    return f"~{concept}"


@dataclass(frozen=True)
class Tokenizer:
    """How text becomes terms: the stop list, the thesaurus, and the weights of phrases and concepts."""

    thesaurus: Thesaurus | None
    stop: frozenset = PLAN_STOP
    phrase_weight: float = DEFAULT.phrase_weight
    concept_weight: float = DEFAULT.concept_weight
    units: bool = DEFAULT.units
    unit_weight: bool = False

    @classmethod
    def of(cls, thes: Thesaurus | None, p: Params) -> "Tokenizer":
        return cls(thes, PLAN_STOP if p.plan_stop else STOP, p.phrase_weight, p.concept_weight, p.units,
                   p.unit_weight)

    def content(self, toks: list[tuple[str, str]]) -> list[tuple[str, str]]:
        """The (stem, word) pairs that score: no stop word (in any form), digit or one-letter stem."""
        stems = _stop_stems(self.stop)
        return [(s, t) for s, t in toks if not (t in self.stop or s in stems or len(s) < 2 or s.isdigit())]


def _unit_words(toks: list[tuple[str, str]], thes: Thesaurus | None) -> set[int]:
    """The positions of the words inside a matched thesaurus phrase of two words or more."""
    if thes is None:
        return set()
    stems = [s for s, _ in toks]
    inside: set[int] = set()
    i = 0
    while i < len(stems):
        for n in range(min(thes._longest, len(stems) - i), 1, -1):
            if tuple(stems[i:i + n]) in thes._phrases:
                inside.update(range(i, i + n))
                i += n
                break
        else:
            i += 1
    return inside


@lru_cache(maxsize=4)
def _stop_stems(stop: frozenset) -> frozenset:
    return frozenset(stem(w) for w in stop)


@dataclass
class Bag:
    """A text as weighted terms, with the surface form each term was seen as (for evidence)."""

    tf: Counter = field(default_factory=Counter)
    surface: dict[str, str] = field(default_factory=dict)
    length: float = 0.0
    seqs: list = field(default_factory=list)  # a query's texts as stem sequences (to find the names it gives)

    def add(self, text: str, tok: Tokenizer, weight: float = 1.0, tag: str | None = None,
            query: bool = False) -> None:
        """Add ``text``'s terms. ``query``: the text asks (a query, or a record's text used as one); with
        ``tok.units``, the words of a matched multi-word thesaurus phrase then count only as a unit (its
        concept and its two-word phrases), not one by one: "cost of the school day" is poverty, not school."""
        toks = words(text)
        if query:
            self.seqs.append(name_key(toks))
        found = tok.thesaurus.concepts(toks) if tok.thesaurus is not None else []
        inside = _unit_words(toks, tok.thesaurus) if tok.units and query else set()
        content = tok.content(toks)
        alone = tok.content([x for i, x in enumerate(toks) if i not in inside]) if inside else content
        for s, t in alone:
            self._put(s, t, weight, tag)
        if tok.phrase_weight > 0:
            # adjacent content words (stop words between them skipped) count as one phrase too
            for (s1, t1), (s2, t2) in zip(content, content[1:]):
                if s1 != s2:
                    self._put(f"{s1}_{s2}", f"{t1} {t2}", weight * tok.phrase_weight, tag)
        for concept, phrase in found:
            w = tok.concept_weight
            if inside and tok.unit_weight:
                # a unit stands for the content words it took out of the query
                w = max(w, len(tok.content(words(phrase))))
            self._put(_concept_token(concept), phrase, weight * w, tag)

    def _put(self, term: str, surface: str, weight: float, tag: str | None) -> None:
        self.tf[term] += weight
        self.surface.setdefault(term, f"{surface} ({tag})" if tag else surface)
        self.length += weight


# -- dates ---------------------------------------------------------------------------------------

_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")


def since_year(record) -> int | None:
    """The first year a candidate can have driven an action: its ``start_year``, or the earliest year
    its title prints ("Tackling Poverty Strategy 2023-26": 2023); None when neither says."""
    years = [int(y) for y in _YEAR.findall(record.title or "")]
    start = record.get("start_year")
    if isinstance(start, int) or (isinstance(start, str) and start.isdigit()):
        years.append(int(start))
    return min(years) if years else None


def document_year(data: Data, source: str) -> int | None:
    """The year of a source document's date ("2019-10": 2019), or None."""
    src = data.sources.get(source)
    m = re.match(r"(\d{4})", str(src.fields.get("date") or "")) if src is not None else None
    return int(m.group(1)) if m else None


def too_new(t: Target, year: int | None) -> bool:
    """The candidate began after ``year``: it cannot lie behind an action of that year."""
    return year is not None and t.since is not None and t.since > year


def _is_name(text: str, acronym: bool = False) -> bool:
    """A phrase that names one thing: two content words or more ("Parenting Strategy", "Transforming
    Pathways"), or an acronym (one word written in capitals, "PACE", or one the documents define).
    A single common word ("Money", "Care", "Plan", "Healthy") names nothing when it turns up in text."""
    toks = words(text)
    stems = _stop_stems(PLAN_STOP)
    content = [s for s, t in toks if not (t in PLAN_STOP or s in stems or s.isdigit() or len(s) < 2)]
    if len(content) >= 2:
        return True
    return len(toks) == 1 and len(toks[0][0]) >= 3 and (acronym or text.strip().isupper())


def _names(record, thes: Thesaurus | None) -> tuple:
    """A candidate's names: its title, aliases and short title, and every form of an acronym the
    documents define for one of them ("Realigning Children's Services (RCS)": RCS), as stem sequences;
    only phrases that name one thing (``_is_name``)."""
    given = [n for n in (record.title, *record.get("aliases", []), record.get("short_title") or "") if n]
    keys = {name_key(words(n)) for n in given}
    names = {name_key(words(n)) for n in given if _is_name(n)}
    if thes is not None:
        for concept, phrases in sorted(thes.groups.items()):
            if concept.startswith("acronym-") and keys & {name_key(words(x)) for x in phrases}:
                names |= {name_key(words(x)) for x in phrases if _is_name(x, acronym=x == concept[len("acronym-"):])}
    return tuple(sorted(n for n in names if n))


def named(idx: "Index", q: Bag) -> set[str]:
    """The candidates whose name the query gives whole (see ``_names``)."""
    first = idx.name_starts()
    out: set[str] = set()
    for seq in q.seqs:
        for i, s in enumerate(seq):
            for tid, name in first.get(s, ()):
                if tuple(seq[i:i + len(name)]) == name:
                    out.add(tid)
    return out


# -- the index -----------------------------------------------------------------------------------

@dataclass
class Target:
    id: str
    type: str
    title: str
    partnership: str | None
    bag: Bag
    source: str = ""
    aliases: tuple = ()
    since: int | None = None  # the first year it can have driven anything (start_year, or a year in its title)
    names: tuple = ()         # its title, aliases and defined acronyms as ``name_key`` stem sequences


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
    year: int | None = None  # the year of its document's date (what it can have been driven by)


@dataclass
class Index:
    targets: dict[str, Target]
    items: dict[str, Item]
    thesaurus: Thesaurus | None
    df: Counter
    avg_len: float
    item_df: Counter
    G: nx.MultiDiGraph | None = None
    params: Params = DEFAULT
    corpus: list[tuple[str, dict]] = field(default_factory=list, repr=False)  # (source, term bag) per record
    sequences: list[tuple[str, list[str]]] = field(default_factory=list, repr=False)  # (source, content stems)
    #: source id -> the candidates its records' text names (title, alias, defined acronym), with how many
    #: of its records name each: the document context of an action of that document (text only, no links)
    context: dict[str, dict[str, int]] = field(default_factory=dict, repr=False)
    _vectors: dict[str, dict[str, float]] = field(default_factory=dict, repr=False, compare=False)
    _spaces: dict = field(default_factory=dict, repr=False, compare=False)
    _starts: dict | None = field(default=None, repr=False, compare=False)

    def name_starts(self) -> dict[str, list[tuple[str, tuple]]]:
        """Each candidate name by its first stem, built once."""
        if self._starts is None:
            starts: dict[str, list] = defaultdict(list)
            for tid, t in self.targets.items():
                for n in t.names:
                    starts[n[0]].append((tid, n))
            self._starts = dict(starts)
        return self._starts

    @property
    def tokenizer(self) -> Tokenizer:
        return Tokenizer.of(self.thesaurus, self.params)

    @classmethod
    def build(cls, data: Data, G: nx.MultiDiGraph | None = None, thesaurus: Thesaurus | None = None,
              use_thesaurus: bool = True, p: Params = DEFAULT) -> "Index":
        """Index every candidate (drivers, articles, indicators, foundations) and every linked record."""
        from . import why as w

        thes = (thesaurus or load_thesaurus()) if use_thesaurus else None
        if thes is not None and p.mine:
            thes = thes.extended(mine_acronyms(_all_texts(data)))
        tok = Tokenizer.of(thes, p)
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
            for text in (r.title, *r.get("aliases", []), r.get("short_title") or ""):
                bag.add(text, tok, p.title_weight)
            if r.get("description"):
                bag.add(r.get("description"), tok)
            for en in entries.get(rid, []):
                if en.driver == rid:
                    bag.add(en.title, tok, p.title_weight)
                    bag.add(en.fields.get("summary_title", ""), tok)
                bag.add(en.fields.get("summary", ""), tok)
            if thes is not None:
                for phrase in thes.descriptors.get(rid, []):
                    bag.add(phrase, tok, 1.0, tag="thesaurus")
            targets[rid] = Target(rid, r.type.cls, r.title, r.get("partnership"), bag, r.source,
                                  tuple(r.get("aliases", [])) + ((r.get("short_title"),) if r.get("short_title") else ()),
                                  since_year(r), _names(r, thes))
        items: dict[str, Item] = {}
        corpus: list[tuple[str, dict]] = []
        sequences: list[tuple[str, list[str]]] = []
        for rid in sorted(data.records):
            r = data.records[rid]
            for text in (r.title, r.get("text"), r.get("description")):
                if isinstance(text, str):
                    sequences.append((r.source, _content(text, tok)))
            if r.type.cls in TARGET_TYPES:
                corpus.append((r.source, dict(targets[rid].bag.tf)))
                continue
            bag = item_bag(r.title, r.get("text"), r.get("description"), tok)
            if bag.tf:
                corpus.append((r.source, dict(bag.tf)))
            if r.type.cls not in ITEM_TYPES:
                continue
            links = {lk.to: lk.source for lk in r.links if lk.rel in UP_RELS and lk.to in targets}
            pship = r.get("partnership") or (w.partnership_of(G, rid) if G is not None and rid in G else None)
            items[rid] = Item(rid, r.type.cls, r.title, r.source, pship, bag, links, document_year(data, r.source))
        df = Counter(t for tg in targets.values() for t in tg.bag.tf)
        avg = sum(tg.bag.length for tg in targets.values()) / max(1, len(targets))
        item_df = Counter(t for it in items.values() for t in it.bag.tf)
        for ed in sorted(data.editions.values(), key=lambda e: (e.year, e.id)):
            for en in ed.entries:
                if en.fields.get("summary"):
                    sequences.append((ed.source, _content(en.fields["summary"], tok)))
        idx = cls(targets, items, thes, df, avg, item_df, G, p, corpus, sequences)
        idx.context = document_context(idx, data, tok)
        return idx

    def query_bag(self, text: str) -> Bag:
        return item_bag(text, None, None, self.tokenizer)

    def item_vector(self, it: Item) -> dict[str, float]:
        """The TF-IDF vector of one of this index's records (a pool's items share its bags), computed
        once: every query of an evaluation or of ``unlinked_actions`` compares against the same records."""
        vec = self._vectors.get(it.id)
        if vec is None:
            vec = self._vectors[it.id] = _tfidf(it.bag, self.item_df, len(self.items))
        return vec

    def space(self, hidden: frozenset = frozenset()):
        """The LSA space trained on every record except those of the ``hidden`` documents (an
        evaluation's held-back text stays unseen), with the candidates' vectors; cached. None when
        numpy is not installed or the corpus is too small."""
        key = (frozenset(hidden), self.params.dims, self.params.semantic)
        if key not in self._spaces:
            self._spaces[key] = None
            if semantic_available():
                from . import semantic

                if self.params.semantic == "cooccurrence":
                    sp = semantic.train_cooccurrence([seq for src, seq in self.sequences if src not in hidden],
                                                     self.params.dims)
                else:
                    sp = semantic.train([bag for src, bag in self.corpus if src not in hidden], self.params.dims)
                if sp is not None:
                    ids = list(self.targets)
                    mat = sp.embed_many([self.targets[t].bag.tf for t in ids])
                    self._spaces[key] = (sp, {t: i for i, t in enumerate(ids)}, mat)
        return self._spaces[key]


def document_context(idx: Index, data: Data, tok: Tokenizer) -> dict[str, dict[str, int]]:
    """Per source document, the candidates named whole (``named``) in the title, text or description
    of its records other than the candidates themselves, with how many records name each. Text only:
    no stated link (nor a link's quote) takes part, so holding a document's links back leaves it as is."""
    out: dict[str, Counter] = defaultdict(Counter)
    for rid in sorted(data.records):
        r = data.records[rid]
        if r.type.cls in TARGET_TYPES:
            continue
        texts = [x for x in (r.title, r.get("text"), r.get("description")) if isinstance(x, str) and x]
        if not texts:
            continue
        bag = item_bag(texts[0], texts[1] if len(texts) > 1 else None, texts[2] if len(texts) > 2 else None, tok)
        for tid in named(idx, bag):
            out[r.source][tid] += 1
    return {src: dict(sorted(c.items())) for src, c in sorted(out.items())}


def _content(text: str, tok: Tokenizer) -> list[str]:
    return [s for s, _ in tok.content(words(text))]


#: bump when the JSON form of an index changes
INDEX_FORMAT = 5


def index_to_json(idx: Index, record_ids) -> dict:
    """A JSON-able form of the index for free-text queries (no NetworkX view, no semantic space):
    what the CLI caches so that a warm ``drivers suggest TEXT`` parses no YAML and builds no RDF.
    ``record_ids``: every record id of the data, so a query naming one is told apart from text."""
    from dataclasses import asdict

    def bag(b: Bag) -> list:
        return [dict(b.tf), b.surface, b.length, [list(x) for x in b.seqs]]

    return {"format": INDEX_FORMAT, "params": asdict(idx.params), "ids": sorted(record_ids),
            "thesaurus": None if idx.thesaurus is None else [idx.thesaurus.groups, idx.thesaurus.descriptors],
            "targets": [[t.id, t.type, t.title, t.partnership, bag(t.bag), t.source, list(t.aliases), t.since,
                         [list(n) for n in t.names]]
                        for t in idx.targets.values()],
            # the records' surface words are never shown, and the corpus serves only the semantic signal
            "items": [[i.id, i.type, i.title, i.source, i.partnership,
                       [dict(i.bag.tf), {}, i.bag.length, [list(x) for x in i.bag.seqs]], i.links,
                       i.year]
                      for i in idx.items.values()],
            "df": dict(idx.df), "avg_len": idx.avg_len, "item_df": dict(idx.item_df), "context": idx.context,
            "corpus": idx.corpus if idx.params.semantic_weight > 0 else [],
            "sequences": idx.sequences if idx.params.semantic_weight > 0 else []}


def index_from_json(doc: dict) -> tuple[Index, set[str]]:
    """``index_to_json`` read back: the index (without its NetworkX view) and the record ids. A
    document of another format is a ValueError (the caller rebuilds)."""
    if not isinstance(doc, dict) or doc.get("format") != INDEX_FORMAT:
        raise ValueError("not a suggestion index of this format")

    def bag(x: list) -> Bag:
        return Bag(Counter(x[0]), dict(x[1]), float(x[2]), [tuple(q) for q in x[3]])

    thes = None if doc["thesaurus"] is None else Thesaurus(doc["thesaurus"][0], doc["thesaurus"][1])
    targets = {r[0]: Target(r[0], r[1], r[2], r[3], bag(r[4]), r[5], tuple(r[6]), r[7],
                                tuple(tuple(n) for n in r[8])) for r in doc["targets"]}
    items = {r[0]: Item(r[0], r[1], r[2], r[3], r[4], bag(r[5]), dict(r[6]), r[7]) for r in doc["items"]}
    idx = Index(targets, items, thes, Counter(doc["df"]), float(doc["avg_len"]), Counter(doc["item_df"]), None,
                Params(**doc["params"]), [(s, dict(b)) for s, b in doc["corpus"]],
                [(s, list(q)) for s, q in doc["sequences"]], dict(doc["context"]))
    return idx, set(doc["ids"])


def semantic_available() -> bool:
    """numpy is installed (the ``semantic`` extra): the LSA signal can be computed."""
    import importlib.util

    return importlib.util.find_spec("numpy") is not None


def _all_texts(data: Data) -> list[str]:
    out = []
    for r in data.records.values():
        out += [x for x in (r.title, r.get("text"), r.get("description")) if isinstance(x, str)]
    for ed in data.editions.values():
        for en in ed.entries:
            out += [x for x in (en.title, en.fields.get("summary")) if isinstance(x, str)]
    return out


def item_bag(title: str, text: str | None, description: str | None, tok: Tokenizer) -> Bag:
    bag = Bag()
    for part in dict.fromkeys(x for x in (title, text, description) if x):  # a title repeated in the text once
        bag.add(part, tok, query=True)
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
        qtf = q.tf[term]
        qw = (p.k3 + 1) * qtf / (p.k3 + qtf) if p.k3 > 0 else 1.0
        parts.append((qw * idf * f * (p.k1 + 1) / (f + len_norm), term))
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
    confident: bool = True

    def as_dict(self) -> dict:
        return {"id": self.id, "title": self.title, "type": self.type, "score": self.score, "rel": self.rel,
                "confident": self.confident, "evidence": self.evidence}


@dataclass
class Parts:
    """The three signals of one candidate for one query, before they are weighted."""

    lexical: float
    semantic: float
    graph: float
    matched: list[tuple[float, str]]
    votes: list[tuple[float, Item]]
    prior: float = 0.0
    named: float = 0.0  # 1: the query gives the candidate's name whole
    mentions: int = 0   # how many records of the query's own document name the candidate
    defined: float = 0.0  # 1: the candidate is a record of the query's own document

    def context(self, p: "Params") -> float:
        """The document-context signal (0..1) as ``p.context`` reads it: "named" (some record of the
        query's document names the candidate), "defined" (the candidate is a record of that document),
        or "both" (either)."""
        named = 1.0 if self.mentions else 0.0
        if p.context == "named":
            return named
        if p.context == "defined":
            return self.defined
        return max(named, self.defined)


def signals(idx: Index, q: Bag, *, types=tuple(TARGET_TYPES), partnership: str | None = None,
            pool: dict[str, Item] | None = None, exclude=frozenset(), hidden=frozenset(), p: Params | None = None,
            kind: str = "Action", semantic: bool | None = None, year: int | None = None,
            source: str | None = None) -> dict[str, Parts]:
    """Each candidate's lexical, semantic and graph signals for the query (all in 0..1). The semantic
    one is computed when ``semantic`` (default: when ``p`` weighs it); ``kind``: the query record's type,
    for the prior; ``year``: the query's year (its document's date): with ``p.dated``, candidates that
    began after it are left out (a 2023 strategy drove no 2019 action); ``source``: the query's own
    document, when it has one (an action id): the candidates that document names or records."""
    p = p or idx.params
    mentions = idx.context.get(source, {}) if source else {}
    pool = idx.items if pool is None else pool
    near = neighbours(idx, q, pool, p.neighbours)
    kind_links = Counter(t for it in pool.values() if it.type == kind for t in it.links)
    top_kind = max(kind_links.values(), default=0) or 1
    total = sum(s for s, _ in near) or 1.0
    votes: dict[str, list[tuple[float, Item]]] = defaultdict(list)
    for sim, it in near:
        for tid in it.links:
            votes[tid].append((sim, it))
    sem_of = None
    want = p.semantic_weight > 0 if semantic is None else semantic
    space = idx.space(frozenset(hidden)) if want else None
    if space is not None:
        sp, rows, mat = space
        qv = sp.embed(q.tf)
        if qv is not None:
            sims = mat @ qv
            sem_of = {t: max(0.0, float(sims[i])) for t, i in rows.items()}
    names = named(idx, q)
    out = {}
    for tid, t in idx.targets.items():
        if t.type not in types or tid in exclude:
            continue
        if partnership and t.partnership and t.partnership != partnership:
            continue  # another partnership's local drivers never drive this one's actions
        if p.dated and too_new(t, year):
            continue
        lex, parts = bm25(idx, q, t, p) if p.lexical else (0.0, [])
        lex_n = lex / (lex + p.saturation) if lex > 0 else 0.0
        graph = sum(s for s, _ in votes.get(tid, [])) / total
        out[tid] = Parts(lex_n, sem_of.get(tid, 0.0) if sem_of else 0.0, graph, parts, votes.get(tid, []),
                         kind_links[tid] / top_kind, 1.0 if tid in names else 0.0, mentions.get(tid, 0),
                         1.0 if source and t.source == source else 0.0)
    return out


def combine(sig: Parts, p: Params) -> float:
    lw = p.lexical_weight if p.lexical else 0.0
    return (lw * sig.lexical + p.semantic_weight * sig.semantic + p.graph_weight * sig.graph
            + p.prior_weight * sig.prior + p.name_weight * sig.named
            + (p.context_weight * sig.context(p) if p.context_weight else 0.0))


def rank(idx: Index, q: Bag, *, types=tuple(TARGET_TYPES), partnership: str | None = None,
         pool: dict[str, Item] | None = None, exclude=frozenset(), hidden=frozenset(), p: Params | None = None,
         year: int | None = None, source: str | None = None) -> list[Suggestion]:
    """Every candidate of ``types`` with a score above 0, best first (ties by id), with evidence;
    ``source``: the query's own document (an action id's), for the document-context signal."""
    p = p or idx.params
    sigs = signals(idx, q, types=types, partnership=partnership, pool=pool, exclude=exclude, hidden=hidden, p=p,
                   year=year, source=source)
    out = []
    for tid, sig in sigs.items():
        score = combine(sig, p)
        if score <= 0:
            continue
        t = idx.targets[tid]
        out.append(Suggestion(tid, t.title, t.type, round(score, 4), TARGET_TYPES[t.type],
                              _evidence(idx, q, t, sig, hidden)))
    out.sort(key=lambda s: (-s.score, s.id))
    return out


def _evidence(idx: Index, q: Bag, t: Target, sig: Parts, hidden) -> dict:
    ev: dict = {"lexical": round(sig.lexical, 4), "semantic": round(sig.semantic, 4), "graph": round(sig.graph, 4),
                "named": sig.named}
    matched: list[str] = []
    for _, term in sig.matched:
        qs, ts = q.surface.get(term, term), t.bag.surface.get(term, term)
        shown = qs if qs == ts else f"{qs} ~ {ts}"
        if shown not in matched:
            matched.append(shown)
    if matched:
        ev["matched"] = matched[:6]
    if sig.semantic > 0:
        related = _related_terms(idx, q, t, hidden, {term for _, term in sig.matched})
        if related:
            ev["related"] = related
    if sig.mentions:
        ev["document"] = sig.mentions  # how many records of the query's own document name it
    if sig.votes:
        ev["similar"] = [{"id": it.id, "similarity": round(s, 4)} for s, it in sig.votes[:3]]
    return ev


def _related_terms(idx: Index, q: Bag, t: Target, hidden, matched: set[str], n: int = 4) -> list[str]:
    """The candidate's words nearest in meaning to the query (the semantic signal's evidence)."""
    space = idx.space(frozenset(hidden))
    if space is None:
        return []
    sp = space[0]
    qv = sp.embed(q.tf)
    if qv is None:
        return []
    scored = []
    for term, f in t.bag.tf.items():
        i = sp.terms.get(term)
        if i is None or term in matched or term.startswith("~") or "_" in term:
            continue
        v = sp.vectors[i]
        norm_v = float((v @ v) ** 0.5) or 1.0
        scored.append((float(v @ qv) / norm_v, term))
    scored.sort(key=lambda x: (-x[0], x[1]))
    return [t.bag.surface.get(term, term) for s, term in scored[:n] if s > 0.2]


def evidence_text(ev: dict) -> str:
    """One line of evidence for a table: matched words, related words, then similar linked records."""
    parts = []
    if ev.get("matched"):
        parts.append("words: " + ", ".join(ev["matched"]))
    if ev.get("related"):
        parts.append("meaning: " + ", ".join(ev["related"]))
    if ev.get("document"):
        parts.append(f"named in its document ({ev['document']} record{'s' if ev['document'] > 1 else ''})")
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
    suggestions: list[Suggestion]   # the confident ones, per type best first, types in TARGET_TYPES order
    already: list[str]              # targets the action already reaches through stated links
    by_type: dict[str, list[Suggestion]] = field(default_factory=dict)
    below: dict[str, Suggestion | None] = field(default_factory=dict)  # per type: the best one not confident
    confident: bool = False         # some type has a confident suggestion


def is_confident(s: Suggestion, best: float, p: Params) -> bool:
    """Shown, not just ranked: the score reaches ``p.confident``, words of the query match it (or its
    meaning does, with the semantic signal on), and it is within ``p.relative`` of the type's best."""
    ev = s.evidence
    evidence = max(ev.get("lexical", 0.0), ev.get("semantic", 0.0) if p.semantic_weight > 0 else 0.0)
    return s.score >= p.confident and evidence >= p.min_words and s.score >= p.relative * best


def suggest(idx: Index, query: str, *, top: int | None = None, types=tuple(TARGET_TYPES),
            partnership: str | None = None, p: Params | None = None, everything: bool = False,
            year: int | None = None) -> Result:
    """Candidates for an action id, or for new action text (not matched to an existing action).

    ``year``: the year of the plan the text comes from, when known (candidates that began after it
    are left out); for an action id, the year of its document's date.

    Each type is ranked on its own: up to ``top`` (default ``PER_TYPE``) candidates of a type whose
    score reaches ``Params.confident``; a type with none has no confident suggestion. For an id, the
    action's title and text are the query, its own links are left out of the graph signal, and
    targets it already reaches (``drivers why``) are not suggested again.
    """
    from . import why as w

    p = p or idx.params
    q = query.strip()
    if not q:
        raise UsageError("give an action id or the text of an action")
    action, already = None, []
    if q in idx.items or (idx.G is not None and q in idx.G):
        if q not in idx.items:
            raise UsageError(f"{q!r} is a {idx.G.nodes[q]['type']}, not an action, theme, plan or group; "
                             "give an action id or the action's text")
        it = idx.items[q]
        reached = set(w.why(idx.G, q).reached) if idx.G is not None else set(it.links)
        pool = {k: v for k, v in idx.items.items() if k != q}
        ranked = rank(idx, it.bag, types=types, partnership=partnership or it.partnership, pool=pool,
                      exclude=reached, p=p, year=year if year is not None else it.year, source=it.source)
        action, already = q, sorted(a for a in reached if a in idx.targets)
    else:
        ranked = rank(idx, idx.query_bag(q), types=types, partnership=partnership, p=p, year=year)
    by_type: dict[str, list[Suggestion]] = {}
    below: dict[str, Suggestion | None] = {}
    for ttype in (t for t in TARGET_TYPES if t in types):
        of_type = [s for s in ranked if s.type == ttype]
        sure = [s for s in of_type if is_confident(s, of_type[0].score, p)]
        for s in of_type:
            s.confident = s in sure
        shown = (of_type if everything else sure)[: top or PER_TYPE[ttype]]
        by_type[ttype] = shown
        below[ttype] = next((s for s in of_type if not s.confident and s not in shown), None)
    flat = [s for ttype in by_type for s in by_type[ttype]]
    return Result(q, action, flat, already, by_type, below, any(s.confident for s in flat))


def suggest_for_text(idx: Index, query: str, *, top: int | None = None, types=tuple(TARGET_TYPES),
                     partnership: str | None = None, everything: bool = False, year: int | None = None) -> dict:
    """The library entry point for the CLI's JSON and for a server (``/api/suggest?q=``): ``suggest``
    as a JSON-able object. Shape (stable)::

        {"query": str, "action": str | null, "method": str, "inferred": true,
         "confident": bool,                  # false: no type has a confident suggestion
         "already": [target id, ...],        # for an action id: what it already reaches
         "types": [{"type": "Driver", "rel": "drivenBy", "confident": bool,
                    "message": "no confident suggestion" | null,
                    "suggestions": [{"id", "title", "type", "rel", "score", "confident", "evidence"}, ...],
                    "best_below": {"id", "title", "score"} | null}, ...],
         "suggestions": [the same rows, all types, in type order]}

    Only confident candidates are listed unless ``everything`` (then the type's best ``top``, each
    row saying whether it is confident); ``best_below`` is the best candidate that is not.

    ``evidence`` has ``lexical``, ``semantic``, ``graph`` (signals, 0..1) and ``named`` (1: the query gives its name), and when they
    say something ``matched`` (words shared, "a ~ b" through the thesaurus), ``related`` (the
    candidate's words nearest in meaning) and ``similar`` (linked records that voted). Raises
    UsageError for an empty query or the id of a record that is not an action.
    """
    res = suggest(idx, query, top=top, types=types, partnership=partnership, everything=everything, year=year)
    groups = []
    for ttype, rows in res.by_type.items():
        b = res.below.get(ttype)
        sure = any(s.confident for s in rows)
        groups.append({"type": ttype, "rel": TARGET_TYPES[ttype], "confident": sure,
                       "message": None if sure else NO_CONFIDENT,
                       "suggestions": [s.as_dict() for s in rows],
                       "best_below": {"id": b.id, "title": b.title, "score": b.score} if b else None})
    return {"query": res.query, "action": res.action, "method": METHOD, "inferred": True,
            "confident": res.confident, "already": res.already, "types": groups,
            "suggestions": [s.as_dict() for s in res.suggestions]}


def unlinked_actions(idx: Index, top: int = 3, p: Params | None = None) -> list[dict]:
    """Actions with no path up to any Driver (``drivers why``), each with its confident suggestions.

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
        best = ", ".join(f"{s['id']} ({s['score']:.2f})" for s in row["suggestions"]) or NO_CONFIDENT
        out.append({"number": "", "title": row["title"], "kind": "unlinked-action",
                    "message": f"action {row['id']} has no stated path up to any driver; suggested (inferred, "
                               f"check before accepting with drivers accept): {best}",
                    "id": row["id"], "suggestions": row["suggestions"]})
    return out


# -- evaluation ----------------------------------------------------------------------------------

#: The honest split: parameters and thesaurus were chosen on TUNE; TEST was scored once they were.
TUNE = ("src-nl-csp-ar-2018-19", "src-nl-cp-strategy-2019-22")          # North Lanarkshire seeds 000, 003
TEST = ("src-sl-csp-ar-2018-19", "src-nl-keeping-the-promise-2022")     # seed 002 (South), seed 004
#: the hand-written paraphrases (tests/fixtures; never used for tuning): `--split paraphrase`
PARAPHRASES = Path("tests") / "fixtures" / "suggest-paraphrases.yaml"

TUNED = "tuned-in-fold"
METHODS = {
    "popularity": "the most-linked candidates in the training links, same for every query",
    "tfidf": "TF-IDF cosine over titles and summaries; no thesaurus, no graph signal",
    "legacy": "the method before issue 19: BM25 + thesaurus + neighbour votes (weight 0.2), words one by one",
    "bm25+units": "BM25 with the plan stop list, phrases and units, the thesaurus grown from the documents; "
                  "no graph signal",
    "tfidf+dates": "tfidf, candidates that began after the query's year left out",
    "lsa": "the LSA semantic signal alone (numpy)",
    UNDATED: "bm25+units with neighbour votes (weight 0.2), as chosen on the tuning split: the default before dates",
    UNDATED + "+dates": "bm25+units+neighbours, candidates that began after the query's year (its document's date) "
                        "left out",
    NAMED: "bm25+units+neighbours+dates, plus 0.2 when the query gives a candidate's name whole (title, alias, "
           "defined acronym) and 0.05 x how often records of its kind link the candidate (training links): the "
           "default before the document context",
    METHOD: "the default: bm25+units+neighbours+dates+names, plus 0.15 when a record of the query's own document "
            "names the candidate (text only; none for new text), as chosen on the tuning split",
    METHOD + "+lsa": "the default with the LSA signal weighted 0.2 (the grid's first non-zero weight)",
}
#: the methods that need the semantic space (left out of the tables when numpy is not installed)
SEMANTIC_METHODS = ("lsa", METHOD + "+lsa")
CV_TUNED = "the default with the semantic, graph, name and context weights chosen on the other documents only"
#: what the cross-validation chooses inside each fold: (semantic, graph, name, context weight), ties in this order
CV_CONTEXT = (0.0, 0.1, 0.2)
CV_GRID = tuple((s, g, n, c) for s in (0.0, 0.2, 0.4) for g in (0.0, 0.1, 0.2) for n in (0.0, 0.1, 0.2, 0.3)
                for c in CV_CONTEXT)


def _method_params(m: str, p: Params) -> tuple[str, Params]:
    """(which index, the weights) a method ranks with."""
    off = dict(context_weight=0.0)
    return {"legacy": ("legacy", LEGACY),
            "bm25+units": ("full", replace(p, semantic_weight=0.0, graph_weight=0.0, dated=False, name_weight=0.0,
                                           prior_weight=0.0, **off)),
            "lsa": ("full", replace(p, lexical=False, semantic_weight=1.0, graph_weight=0.0, prior_weight=0.0,
                                    dated=False, name_weight=0.0, **off)),
            UNDATED: ("full", replace(p, dated=False, name_weight=0.0, prior_weight=0.0, **off)),
            UNDATED + "+dates": ("full", replace(p, name_weight=0.0, prior_weight=0.0, **off)),
            NAMED: ("full", replace(p, **off)),
            METHOD + "+lsa": ("full", replace(p, semantic_weight=0.2)),
            }.get(m, ("full", p))


def evaluation_header(split: str) -> str:
    methods = "Methods: " + "; ".join(f"{k}: {v}" for k, v in
                                      {**METHODS, **({TUNED: CV_TUNED} if split == "cv" else {})}.items())
    if split == "cv":
        return "\n".join([
            "Leave one document out: for each action document in turn, every stated link of it is held back (from "
            "the graph signal and popularity too, and its text from the semantic model) and predicted for each of "
            "its records that has one.",
            "Tuned in fold: the semantic and graph weights are chosen by MRR on the other documents only (each held "
            "back in turn, the fold's document left out entirely), then used on the fold.", methods, ""])
    if split == "paraphrase":
        return "\n".join([
            f"Paraphrases ({PARAPHRASES}): hand-written re-wordings of existing actions, never used for tuning; each "
            "is scored against the stated links of the action it re-words, with that action's whole document held "
            "back as in the leave-one-document-out folds.", methods, ""])
    held = sorted({d for held_out, _ in SPLITS[split] for d in held_out})
    return "\n".join([
        f"Held back: every stated link of {', '.join(held)} ({split} split), and their text from the semantic model; "
        "each record of those documents with a link to a candidate type is a query, ranked against all candidates "
        "of that type.",
        "Graph signal and popularity use only the other documents' links"
        + ("; the test documents are left out entirely." if split == "tune" else "."), methods, ""])


@dataclass
class Metrics:
    queries: int = 0
    p1: float = 0.0
    r5: float = 0.0
    r10: float = 0.0
    mrr: float = 0.0

    def add(self, ranked: list[str], gold: set[str]) -> None:
        self.queries += 1
        self.p1 += 1.0 if ranked[:1] and ranked[0] in gold else 0.0
        self.r5 += len(gold & set(ranked[:5])) / len(gold)
        self.r10 += len(gold & set(ranked[:10])) / len(gold)
        first = next((i for i, r in enumerate(ranked, 1) if r in gold), None)
        self.mrr += 1 / first if first else 0.0

    def row(self) -> dict:
        n = self.queries or 1
        return {"queries": self.queries, "P@1": round(self.p1 / n, 3), "R@5": round(self.r5 / n, 3),
                "R@10": round(self.r10 / n, 3), "MRR": round(self.mrr / n, 3)}


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
    # both test documents held back at once, trained on the rest
    "test": [(TEST, ())],
}


@dataclass
class Query:
    """One evaluation query: a record (or a paraphrase of one) and its gold targets of one type."""

    id: str
    type: str
    gold: set[str]
    partnership: str | None
    text: str | None = None  # a paraphrase; None: the record's own text
    masked: bool = False     # the gold candidates' names are taken out of the query (a new phrasing)
    year: int | None = None  # the query's year (its document's date); None: unknown, as for new text


class Evaluation:
    """The indexes and per-fold training pools an evaluation ranks with, built once and reused."""

    def __init__(self, data: Data, G: nx.MultiDiGraph, p: Params = DEFAULT, thesaurus: Thesaurus | None = None,
                 indexes: dict[str, Index] | None = None):
        self.data, self.p = data, p
        self.ix = indexes or {
            "plain": Index.build(data, G, use_thesaurus=False, p=replace(LEGACY, graph_weight=0.0)),
            "legacy": Index.build(data, G, thesaurus=thesaurus, p=LEGACY),
            "full": Index.build(data, G, thesaurus=thesaurus, p=p)}
        self._pools: dict = {}
        self._signals: dict = {}
        #: the semantic signal is computed (for the methods that weigh it) when numpy is installed
        self.semantic = semantic_available()

    @property
    def full(self) -> Index:
        return self.ix["full"]

    def check(self, docs) -> None:
        unknown = set(docs) - set(self.data.sources)
        if unknown:
            raise UsageError(f"unknown source id(s) to hold back: {', '.join(sorted(unknown))}")

    def pool(self, key: str, hidden: frozenset) -> dict[str, Item]:
        """The index's records with only the links of documents not ``hidden``."""
        if (key, hidden) not in self._pools:
            pool = {}
            for k, it in self.ix[key].items.items():
                kept = {t: s for t, s in it.links.items() if s not in hidden}
                if kept:
                    pool[k] = Item(it.id, it.type, it.title, it.source, it.partnership, it.bag, kept)
            self._pools[(key, hidden)] = pool
        return self._pools[(key, hidden)]

    def queries(self, held: set[str]) -> list[Query]:
        out = []
        for qid in sorted(self.full.items):
            item = self.full.items[qid]
            gold_all = {t for t, s in item.links.items() if s in held}
            for ttype in TARGET_TYPES:
                gold = {t for t in gold_all if self.full.targets[t].type == ttype}
                if gold:
                    out.append(Query(qid, ttype, gold, item.partnership, year=item.year))
        return out

    def candidates(self, q: Query) -> list[str]:
        return sorted(t.id for t in self.full.targets.values() if t.type == q.type
                      and not (q.partnership and t.partnership and t.partnership != q.partnership))

    def signals(self, key: str, q: Query, hidden: frozenset) -> dict[str, Parts]:
        ck = (key, q.id, q.text, q.type, hidden, q.masked)
        if ck not in self._signals:
            ix = self.ix[key]
            bag = ix.items[q.id].bag if q.text is None else ix.query_bag(q.text)
            if q.masked:
                bag = _without_names(ix, bag, q.gold)
            kind = ix.items[q.id].type if q.text is None else "Action"
            self._signals[ck] = signals(ix, bag, types=(q.type,), partnership=q.partnership,
                                        pool=self.pool(key, hidden), hidden=hidden if key == "full" else frozenset(),
                                        p=replace(ix.params, dated=False), kind=kind,
                                        semantic=key == "full" and self.semantic,
                                        source=ix.items[q.id].source if q.text is None else None)
        return self._signals[ck]

    def ranking(self, m: str, q: Query, hidden: frozenset, p: Params | None = None) -> list[str]:
        cands = self.candidates(q)
        if m == "popularity":
            pop = Counter(t for it in self.pool("full", hidden).values() for t in it.links)
            return sorted(cands, key=lambda c: (-pop[c], c))
        if m in ("tfidf", "tfidf+dates"):
            ix = self.ix["plain"]
            bag = ix.items[q.id].bag if q.text is None else ix.query_bag(q.text)
            return self.dated(_tfidf_rank(ix, bag, [ix.targets[c] for c in cands]), q, m == "tfidf+dates")
        key, mp = ("full", p) if p is not None else _method_params(m, self.p)
        sigs = self.signals(key, q, hidden)
        scored = sorted(((combine(s, mp), t) for t, s in sigs.items()), key=lambda x: (-x[0], x[1]))
        got = [t for s, t in scored if s > 0]
        seen = set(got)
        # candidates with no score at all keep their place after the scored ones, by id
        return self.dated(got + [c for c in cands if c not in seen], q, mp.dated)

    def dated(self, ranked: list[str], q: Query, on: bool) -> list[str]:
        """``ranked`` with the candidates that began after the query's year moved to the end (``suggest``
        leaves them out; here they still count as ranked last)."""
        if not on or q.year is None:
            return ranked
        new = {t for t in ranked if too_new(self.full.targets[t], q.year)}
        return [t for t in ranked if t not in new] + [t for t in ranked if t in new]

    def methods(self, methods) -> tuple[str, ...]:
        """``methods`` less those that need the semantic space when numpy is not installed."""
        return tuple(m for m in methods if self.semantic or m not in SEMANTIC_METHODS)

    def score(self, queries: list[tuple[Query, frozenset]], methods, results: dict, details: list | None = None,
              settings: dict[str, Params] | None = None) -> None:
        methods = self.methods(methods)
        for q, hidden in queries:
            for m in methods:
                ranked = self.ranking(m, q, hidden, (settings or {}).get(m))
                results[(m, q.type)].add(ranked, q.gold)
                results[(m, "all")].add(ranked, q.gold)
                if details is not None:
                    details.append((m, q.id, q.type, sorted(q.gold), ranked[:10]))


def _without_names(ix: Index, bag: Bag, gold: set[str]) -> Bag:
    """``bag`` less every term of the gold candidates' titles and aliases: the query as it would read
    if it did not name what it is driven by."""
    names = Bag()
    for t in gold:
        r = ix.targets[t]
        for text in (r.title, *r.aliases):
            names.add(text, ix.tokenizer)
    out = Bag()
    for term, f in bag.tf.items():
        if term not in names.tf:
            out.tf[term] = f
            out.surface[term] = bag.surface.get(term, term)
            out.length += f
    return out


def _rows(results: dict, methods) -> list[dict]:
    return [{"method": m, "type": t, **results[(m, t)].row()} for m in methods for t in (*TARGET_TYPES, "all")
            if (m, t) in results]


def evaluate(data: Data, G: nx.MultiDiGraph, split: str = "test", p: Params = DEFAULT,
             methods=tuple(METHODS), ev: Evaluation | None = None, details: list | None = None) -> list[dict]:
    """Hold back every stated link of a split's documents and predict them; one row per method and type.

    Queries are the records of the held-back documents with at least one stated link to a
    candidate of a type; each is ranked against all candidates of that type in its partnership
    (plus national ones). The graph signal and popularity see only the links of the *other*
    documents, and the semantic model only their text, so a held-back link never helps predict itself.
    """
    if split not in SPLITS:
        raise UsageError(f"unknown split {split!r}; use one of: {', '.join(SPLITS)}, cv, paraphrase")
    ev = ev or Evaluation(data, G, p)
    results: dict[tuple[str, str], Metrics] = defaultdict(Metrics)
    for held_out, left_out in SPLITS[split]:
        ev.check({*held_out, *left_out})
        hidden = frozenset(held_out) | frozenset(left_out)
        ev.score([(q, hidden) for q in ev.queries(set(held_out))], methods, results, details)
    return _rows(results, ev.methods(methods))


# -- leave one document out ----------------------------------------------------------------------

#: the methods the cross-validation reports; the tuned one is added per fold
CV_METHODS = (*METHODS, TUNED)


def cv_documents(data: Data, idx: Index) -> list[str]:
    """The folds, by id: each action document that states links from its own actions to candidates
    (so not the drivers document, nor officers' accepted links, which stay training links)."""
    return sorted({src for it in idx.items.values() if it.type == "Action" for src in it.links.values()
                   if src == it.source and src in data.sources})


def _mean(m: Metrics) -> tuple[float, float, float]:
    n = m.queries or 1
    return (m.mrr / n, m.r5 / n, m.p1 / n)


def objective(ev: Evaluation, queries: list[tuple[Query, frozenset]], p: Params) -> tuple[float, float, float]:
    """What a choice of parameters is judged by: the mean of the all-types MRR of the queries as
    written and of the same queries with their gold candidates' names taken out ("masked": the query
    as a new phrasing that does not name its driver would read); then each of the two."""
    plain: dict = defaultdict(Metrics)
    masked: dict = defaultdict(Metrics)
    ev.score(queries, (TUNED,), plain, None, {TUNED: p})
    ev.score([(replace(q, masked=True), h) for q, h in queries], (TUNED,), masked, None, {TUNED: p})
    a, m = _mean(plain[(TUNED, "all")])[0], _mean(masked[(TUNED, "all")])[0]
    return ((a + m) / 2, a, m)


def select_weights(ev: Evaluation, fold: str, others: list[str], grid=CV_GRID,
                   ) -> tuple[tuple[float, float, float, float], tuple[float, float, float]]:
    """The grid's (semantic, graph, name, context weight) with the best ``objective`` (ties: grid order) over
    ``others``: each held back in turn, ``fold`` left out of the training links and of the semantic
    model entirely, so nothing of the fold takes part in the choice."""
    inner = [(q, frozenset({doc, fold})) for doc in others for q in ev.queries({doc})]
    best = None
    for i, (ws, wg, wn, wc) in enumerate(grid):
        if ws > 0 and not ev.semantic:
            continue
        score = objective(ev, inner, replace(ev.p, semantic_weight=ws, graph_weight=wg, name_weight=wn,
                                             context_weight=wc))
        key = (tuple(-x for x in score), i)
        if best is None or key < best[0]:
            best = (key, (ws, wg, wn, wc), score)
    return best[1], best[2]


def cross_validate(data: Data, G: nx.MultiDiGraph, p: Params = DEFAULT, grid=CV_GRID,
                   ev: Evaluation | None = None, details: list | None = None) -> tuple[list[dict], list[dict]]:
    """Leave one document out, with the tuned method's weights chosen inside each fold.

    Returns the rows (method, type, pooled P@1 / R@5 / R@10 / MRR over every fold's queries) and, per
    fold, the weights chosen on the other documents and what they scored there.
    """
    ev = ev or Evaluation(data, G, p)
    docs = cv_documents(data, ev.full)
    if len(docs) < 2:
        raise UsageError("leave-one-document-out needs at least two documents with stated links from actions")
    results: dict[tuple[str, str], Metrics] = defaultdict(Metrics)
    folds = []
    for fold in docs:
        (ws, wg, wn, wc), inner = select_weights(ev, fold, [d for d in docs if d != fold], grid)
        queries = [(q, frozenset({fold})) for q in ev.queries({fold})]
        ev.score(queries, CV_METHODS, results, details,
                 {TUNED: replace(ev.p, semantic_weight=ws, graph_weight=wg, name_weight=wn, context_weight=wc)})
        folds.append({"fold": fold, "semantic_weight": ws, "graph_weight": wg, "name_weight": wn,
                      "context_weight": wc, "inner_objective": round(inner[0], 3), "queries": len(queries)})
    return _rows(results, ev.methods(CV_METHODS)), folds


# -- the paraphrase set --------------------------------------------------------------------------

def load_paraphrases(path: Path) -> list[dict]:
    """The paraphrase fixture: ``{"paraphrases": [{"action": id, "text": str}, ...]}``; a malformed
    file is a DataError naming the file and line."""
    from ..core.errors import DataError, Problem, rel
    from ..core.io import LineDict, read_yaml

    if not Path(path).is_file():
        raise UsageError(f"no paraphrase file at {path}; run from the repository root or pass --paraphrases FILE")
    doc = read_yaml(Path(path))
    rows = doc.get("paraphrases") if isinstance(doc, dict) else None
    if not isinstance(rows, list):
        raise DataError([Problem("expected a mapping with a 'paraphrases' list", file=rel(Path(path)),
                                 hint="see tests/fixtures/suggest-paraphrases.yaml")])
    for row in rows:
        if not (isinstance(row, dict) and isinstance(row.get("action"), str) and isinstance(row.get("text"), str)
                and row["text"].strip()):
            raise DataError([Problem("each paraphrase needs 'action' (an id) and 'text'", file=rel(Path(path)),
                                     line=row.line if isinstance(row, LineDict) else None)])
    return [{"action": r["action"], "text": r["text"]} for r in rows]


def paraphrase_queries(ev: Evaluation, paraphrases: list[dict], dated: bool = False) -> list[tuple[Query, frozenset]]:
    """One query per paraphrase and type the re-worded action has stated links of (from its own
    document), with that document hidden. A paraphrase is new text, with no year; ``dated``: it is
    given the year of the re-worded action's document (as an officer would give the plan's year)."""
    queries = []
    for row in paraphrases:
        it = ev.full.items.get(row["action"])
        if it is None:
            raise UsageError(f"paraphrase of unknown action {row['action']!r}: not an action with links in the data")
        gold_all = {t for t, s in it.links.items() if s == it.source}
        for ttype in TARGET_TYPES:
            gold = {t for t in gold_all if ev.full.targets[t].type == ttype}
            if gold:
                queries.append((Query(it.id, ttype, gold, it.partnership, row["text"], year=it.year if dated else None),
                                frozenset({it.source})))
    return queries


def evaluate_paraphrases(data: Data, G: nx.MultiDiGraph, paraphrases: list[dict], p: Params = DEFAULT,
                         methods=tuple(METHODS), ev: Evaluation | None = None,
                         details: list | None = None, dated: bool = False) -> list[dict]:
    """Each paraphrase as new text, scored against the stated links of the action it re-words, with that
    action's document held back (its links from the graph signal, its text from the semantic model).
    ``dated``: each is given its action's document year (see ``paraphrase_queries``)."""
    ev = ev or Evaluation(data, G, p)
    queries = paraphrase_queries(ev, paraphrases, dated)
    if not queries:
        raise UsageError("none of the paraphrased actions has a stated link from its own document")
    results: dict[tuple[str, str], Metrics] = defaultdict(Metrics)
    ev.score(queries, methods, results, details)
    return _rows(results, ev.methods(methods))
