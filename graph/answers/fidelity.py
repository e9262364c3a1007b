"""Check the data against the seed texts: is every verbatim field really in its document?

The seeds are plain-text extracts with HTML-ish tags, hard wraps and page-break bullets; both
sides are normalised the same way (tags and emphasis markers dropped, bullets at line starts
dropped, whitespace collapsed, typographic quotes folded) before looking the field up.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..core.loader import STRUCTURAL_RELS
from ..core.model import Data

VERBATIM_FIELDS = ("text", "progress", "evidence", "expected_outcomes", "measure", "description")
_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
_BULLET = re.compile(r"(?m)^\s*(?:[-*•·]|\d+\.)\s+")
_FOLD = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-", "\u00a0": " "})


def normalise(text: str) -> str:
    text = _TAG.sub(" ", text)
    text = text.replace("**", "").replace("*", "")
    text = _BULLET.sub(" ", text)
    text = text.translate(_FOLD)
    return " ".join(text.split()).lower()


@dataclass
class Miss:
    id: str
    field: str
    value: str


@dataclass
class FidelityReport:
    checked: int
    found: int
    misses: list[Miss]

    @property
    def share(self) -> float:
        return self.found / self.checked if self.checked else 1.0

    def against(self, known: dict[tuple[str, str], str]) -> tuple[list[Miss], list[Miss], list[tuple[str, str]]]:
        """(known misses, new misses, known ones now found) given :func:`read_known`'s list."""
        seen = {(m.id, m.field) for m in self.misses}
        return ([m for m in self.misses if (m.id, m.field) in known],
                [m for m in self.misses if (m.id, m.field) not in known],
                sorted(k for k in known if k not in seen))


#: the list of known misses, beside the seeds
KNOWN_MISSES = "known-misses.txt"


def read_known(path: Path) -> dict[tuple[str, str], str]:
    """``RECORD-ID | FIELD | why`` lines (``#`` comments) -> {(id, field): why}; a missing file is an empty
    list; a malformed line is a DataError naming it."""
    from ..core.errors import DataError, Problem, rel
    if not path.is_file():
        return {}
    out: dict[tuple[str, str], str] = {}
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = [p.strip() for p in line.split("|")]
        if len(parts) != 3 or not all(parts):
            raise DataError([Problem("a known miss is 'RECORD-ID | FIELD | why'", file=rel(path), line=lineno,
                                     hint="three parts separated by '|', none empty")])
        out[(parts[0], parts[1])] = parts[2]
    return out


def check(data: Data, seeds_dir: Path, fields: tuple[str, ...] = VERBATIM_FIELDS) -> FidelityReport:
    """Look up every verbatim field of every record (and every edition title/summary) in its seed."""
    seeds: dict[str, str] = {}

    def seed_text(source_id: str) -> str | None:
        src = data.sources.get(source_id)
        name = src.fields.get("seed") if src else None
        if not name:
            return None
        if name not in seeds:
            seeds[name] = normalise((seeds_dir / name).read_text(encoding="utf-8"))
        return seeds[name]

    checked = found = 0
    misses: list[Miss] = []

    def look(rid: str, field: str, value: str, text: str) -> None:
        nonlocal checked, found
        checked += 1
        if _contains(text, normalise(value)):
            found += 1
        else:
            misses.append(Miss(rid, field, value))

    for r in sorted(data.records.values(), key=lambda r: r.id):
        text = seed_text(r.source)
        if text is None:
            continue
        if r.type.section in ("actions", "findings", "outcomes", "indicators", "themes", "plans"):
            look(r.id, "title", r.title, text)
        for f in fields:
            if isinstance(r.get(f), str) and r.get(f).strip():
                look(r.id, f, r.get(f), text)
    for ed in data.editions.values():
        text = seed_text(ed.source)
        if text is None:
            continue
        for en in ed.entries:
            look(f"{ed.id} {en.number}", "title", en.title, text)
            for f in ("summary_title", "summary"):
                if en.fields.get(f):
                    look(f"{ed.id} {en.number}", f, en.fields[f], text)
    return FidelityReport(checked, found, misses)


def _contains(haystack: str, needle: str) -> bool:
    """True if ``needle`` is in ``haystack``; long needles may be split at '\\n'-joined paragraphs."""
    if needle in haystack:
        return True
    # paragraphs of one field may stand apart in the seed (a table cell split over a page)
    parts = [p for p in re.split(r"(?<=[.:;!?])\s+", needle) if len(p) > 20]
    return bool(parts) and all(p in haystack for p in parts)


#: words that state each relation. A link's quote must contain one (case-insensitive, after
#: normalising) -- "is part of the evidence" is not enough: the document has to *say* the relation.
#: ``qualityIndicator`` and ``upholdsRight`` are stated by the number itself (the QI column of an
#: action-plan row, "Article 12"); ``ledBy`` also by the row's Lead cell (the quote is in ``lead``).
RELATION_CUES: dict[str, re.Pattern] = {rel: re.compile(rx) for rel, rx in {
    "drivenBy": r"driv|take[sn]? (?:in)?to account|taking (?:in)?to account|takes account|taken account|in line with|"
                r"inform|require|deliver(?:s|ing)? (?:on|its|the)|builds? on|underpin|reflects?|based on|"
                r"in support of|as part of|in the context of|implement|alignment|in relation to|"
                r"recommendations|key driver|fundamental to|expectation|calls for|committed to|commitment to|"
                r"supporting the requirements|will require|support the strategy|to support|under (?:the|this)|"
                r"recognises|provides legislation|bring .* into|anticipated|to invest|in response to|"
                r"guidelines|use of the framework|used the framework|embraced|delivery of|including through|"
                r"in order to meet|meet the demands|first phase of|participating in|centre of|central to|accepted onto|form a framework",
    # a lead column, "led by", or the group as the subject of what the row reports ("In 2018-19 the
    # CIG ...", "The next steps for the ... group are", "Another function of the group is ...")
    "ledBy": r"\blead|\bled\b|oversee|responsib|will drive|drive forward|co-?ordinat|monitor|chair|"
             r"in 20\d\d-\d\d the |next steps for the|it is recommended that|function of the group|"
             r"has delivered|will recommit|task group action plan|task group (?:annual )?report|"
             r"governance|directs|undertak|develop|link to this group|role to|come together|has met|"
             r"working together|will work with|brings together|will identify|consider",
    "coProducedBy": r"co-produc|coproduc|produced by|developed by|in collaboration|together with|jointly",
    "overseenBy": r"oversight|oversee|overseen|governance|report(?:s|ing)? to|monitor|scrutin|receive.* reports",
    "reportsTo": r"report|sub[- ]?group|accountab|governance|tabled|ratified|task groups",
    "implements": r"duty|duties|statutory|require|fulfil|under (?:part|section|s )|section \d",
    "upholdsRight": r"article",
    "contributesTo": r"overarch|contribut|linked to|will be |needs to be|realise|support|outcome|improve|\(\d+\)",
    "alignsWith": r"align|in line with|linked|link|based on|framed around|in partnership with|supported by|"
                  r"synergy|core of|principle|commitment|within the overarching|provisions|embedded|"
                  r"mapped|promote and safeguard|supporting|frameworks that support|a focus on",
    "fundedBy": r"fund",
    "supersedes": r"builds on|refresh|replac|previous|supersed",
    "seeAlso": r"\bsee\b|\(\d+(?:\.\d+)?\)|listed at|links to|below|above",
}.items()}


@dataclass
class LinkMiss:
    id: str
    rel: str
    to: str
    why: str          # "no quote", "quote not in seed", "quote does not state the relation"
    quote: str = ""


@dataclass
class LinkReport:
    """The semantic links (not ``partOf``) of the seed-transcribed records, checked against the seeds."""

    checked: int                  # semantic links whose source has a seed
    quoted: int                   # ... with a quote
    found: int                    # ... whose quote is in the seed
    stated: int                   # ... whose quote is in the seed and contains words stating the relation
    misses: list[LinkMiss]
    reference: int = 0            # semantic links of the reference lists (no seed to check against)

    @property
    def share(self) -> float:
        return self.stated / self.checked if self.checked else 1.0


def states_relation(rel: str, quote: str, target_number: str | None = None, lead: str | None = None) -> bool:
    """Does the quote contain words that state ``rel``? (see RELATION_CUES)"""
    q = normalise(quote)
    if rel == "qualityIndicator":
        return bool(target_number) and re.search(rf"(?<![\d.]){re.escape(target_number)}(?![\d])", q) is not None
    if rel == "ledBy" and lead and q in normalise(lead):
        return True
    cue = RELATION_CUES.get(rel)
    return cue is None or cue.search(q) is not None


def check_links(data: Data, seeds_dir: Path) -> LinkReport:
    """Check every semantic link's quote: present, found verbatim in the seed, and stating the relation."""
    seeds: dict[str, str] = {}
    checked = quoted = found = stated = reference = 0
    misses: list[LinkMiss] = []
    for r in sorted(data.records.values(), key=lambda r: r.id):
        for lk in r.links:
            if lk.rel in STRUCTURAL_RELS:
                continue
            src = data.sources.get(lk.source)
            name = src.fields.get("seed") if src else None
            if not name:
                reference += 1
                continue
            if name not in seeds:
                seeds[name] = normalise((seeds_dir / name).read_text(encoding="utf-8"))
            checked += 1
            if not (lk.quote or "").strip():
                misses.append(LinkMiss(r.id, lk.rel, lk.to, "no quote"))
                continue
            quoted += 1
            if not _contains(seeds[name], normalise(lk.quote)):
                misses.append(LinkMiss(r.id, lk.rel, lk.to, "quote not in seed", lk.quote))
                continue
            found += 1
            target = data.records.get(lk.to)
            if not states_relation(lk.rel, lk.quote, target.get("number") if target else None, r.get("lead")):
                misses.append(LinkMiss(r.id, lk.rel, lk.to, "quote does not state the relation", lk.quote))
                continue
            stated += 1
    return LinkReport(checked, quoted, found, stated, misses, reference)
