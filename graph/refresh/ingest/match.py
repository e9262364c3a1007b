"""The driver matcher: each numbered entry to an existing driver (number, title, summary), else a new one.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from ..editions import edition_entries, edition_id_for, number_key, previous_edition
from .carry import carry_over
from ...core.errors import DataError, Problem
from ...core.model import Data, Edition
from .numbering import number_entries
from .parsed import ParsedDocument
from ..sameness import source_key
from .text import norm, similarity, word_similarity


@dataclass
class IngestResult:
    """What ingest would write, and what it found."""

    edition: dict[str, Any]
    source: dict[str, Any]
    entries: list[dict[str, Any]]
    new_drivers: list[dict[str, Any]]
    warnings: list[Problem]
    matched: dict[str, str]        # entry number -> how it matched ("number+title", "summary", "new", ...)
    doc: ParsedDocument
    carried: dict[str, list[str]] = field(default_factory=dict)   # entry number -> parts carried over unchanged
    lines: dict[str, int] = field(default_factory=dict)            # entry number -> its line in the input

    def report(self) -> dict[str, Any]:
        return {
            "edition": self.edition["id"],
            "entries": len(self.entries),
            "new_drivers": [d["id"] for d in self.new_drivers],
            "unchanged": sorted(self.carried, key=number_key),
            "warnings": [str(w) for w in self.warnings],
        }


def slug(text: str, limit: int = 60) -> str:
    t = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    words = re.findall(r"[a-z0-9]+", t)
    out = ""
    for w in words:
        if len(out) + len(w) + 1 > limit:
            break
        out = f"{out}-{w}" if out else w
    return out or "driver"


KIND_WORDS = (("bill", "bill"), ("act", "act"), ("regulations", "regulations"), ("strategy", "strategy"),
              ("fund", "fund"), ("guidance", "guidance"), ("framework", "framework"), ("report", "report"),
              ("plan", "plan"), ("programme", "programme"), ("board", "group"), ("group", "group"),
              ("partnership", "group"), ("committee", "group"), ("network", "group"), ("council", "group"))


def guess_kind(title: str) -> str:
    words = norm(title).split()
    for word, kind in KIND_WORDS:
        if word in words:
            return kind
    return "programme"


def _same_partnership(data: Data, driver: str, partnership: str | None) -> bool:
    """May an entry of ``partnership``'s document describe ``driver``? National drivers (no
    partnership) yes; another partnership's local driver never."""
    rec = data.records.get(driver)
    owner = rec.get("partnership") if rec is not None else None
    return partnership is None or owner is None or owner == partnership


def match_entries(entries: list[dict[str, Any]], data: Data, prev: Edition | None,
                  year: int, partnership: str | None = None) -> tuple[dict[int, str], dict[int, str]]:
    """Match parsed entries to drivers: returns (entry index -> driver id, entry index -> how).

    Only drivers the partnership's document may describe are candidates: national ones and its
    own (never another partnership's local driver, whatever the title)."""
    if partnership is None and prev is not None:
        partnership = prev.partnership
    prev_entries = [pe for pe in (edition_entries(prev) if prev else [])
                    if _same_partnership(data, pe["driver"], partnership)]
    got: dict[int, str] = {}
    how_of: dict[int, str] = {}
    taken: set[int] = set()
    # the surest: the same source text as last year (wherever it is numbered now)
    keys = {}
    for j, pe in enumerate(prev_entries):
        if pe.get("source_text"):
            keys.setdefault(source_key(pe["source_text"]), []).append(j)
    for i, en in enumerate(entries):
        js = keys.get(source_key(en.get("source_text"))) if en.get("source_text") else None
        if js and len(js) == 1 and js[0] not in taken and _same_partnership(data, prev_entries[js[0]]["driver"], partnership):
            got[i], how_of[i] = prev_entries[js[0]]["driver"], "source text"
            taken.add(js[0])
    # the common case next: same number and the same title (or the same summary)
    for i, en in enumerate(entries):
        if i in got:
            continue
        for j, pe in enumerate(prev_entries):
            if j in taken or en["number"] != pe["number"]:
                continue
            if norm(en.get("title")) == norm(pe.get("title")) or \
                    en.get("summary") and norm(en.get("summary")) == norm(pe.get("summary")):
                got[i], how_of[i] = pe["driver"], "number+title"
                taken.add(j)
                break
    pairs = []
    for i, en in enumerate(entries):
        if i in got:
            continue
        for j, pe in enumerate(prev_entries):
            if j in taken:
                continue
            rec = data.records.get(pe["driver"])
            names = [pe.get("title"), pe.get("summary_title")]
            if rec is not None:
                names += [rec.title, *rec.get("aliases", [])]
            t_sc = max(max(similarity(en.get("title"), n) for n in names if n),
                       max((similarity(en.get("summary_title"), n) for n in names if n and en.get("summary_title")),
                           default=0.0))
            s_sc = word_similarity(en.get("summary"), pe.get("summary")) if en.get("summary") and pe.get("summary") \
                else 0.0
            same_num = en["number"] == pe["number"]
            score = 0.45 * t_sc + 0.4 * s_sc + (0.15 if same_num else 0.0)
            if t_sc >= 0.85 or s_sc >= 0.6 or score >= 0.5 or (same_num and (t_sc >= 0.65 or s_sc >= 0.4)):
                how = "+".join(k for k, ok in (("number", same_num), ("title", t_sc >= 0.85),
                                               ("summary", s_sc >= 0.6)) if ok) or "similar"
                pairs.append((score, i, j, how))
    for score, i, j, how in sorted(pairs, key=lambda p: (-p[0], p[1], p[2])):
        if i in got or j in taken:
            continue
        got[i] = prev_entries[j]["driver"]
        how_of[i] = how
        taken.add(j)
    used = set(got.values())
    drivers = data.of_type("drivers")
    for i, en in enumerate(entries):
        if i in got:
            continue
        best, best_sc = None, 0.0
        for rec in drivers:
            if rec.id in used or not _same_partnership(data, rec.id, partnership):
                continue
            sc = max(similarity(en.get(f), n) for f in ("title", "summary_title") if en.get(f)
                     for n in [rec.title, *rec.get("aliases", [])])
            if sc > best_sc:
                best, best_sc = rec.id, sc
        if best and best_sc >= 0.9:
            got[i] = best
            how_of[i] = "driver title"
            used.add(best)
    return got, how_of


def build_edition(doc: ParsedDocument, data: Data, year: int, partnership: str | None = None,
                  source_name: str | None = None, carry: bool = True) -> IngestResult:
    """Number, match and assemble the edition for ``year`` from a parsed document. With
    ``carry``, entries whose source text is unchanged keep the previous edition's values."""
    same = data.edition_for_year(year, partnership)
    prev = same or previous_edition(data, year, partnership)
    if prev is None:
        eds = sorted(data.editions.values(), key=lambda e: e.year)
        prev = eds[-1] if eds else None
    if prev is None:
        raise DataError([Problem("there is no earlier edition to match drivers against", file=doc.name,
                                 hint="the data must hold at least one edition of the drivers document")])
    partnership = partnership or prev.partnership
    raw = number_entries(doc)
    got, how = match_entries(raw, data, prev, year, partnership)
    edition_id = same.id if same else edition_id_for(prev.id, year)
    new_drivers: list[dict[str, Any]] = []
    taken = set(data.records) | set(data.declared) | set(data.editions)
    entries = []
    matched = {}
    lines: dict[str, int] = {}
    numbers = {e["number"] for e in raw}
    for i, en in enumerate(raw):
        line = en.pop("_line")
        lines[en["number"]] = line
        if i in got:
            driver = got[i]
            matched[en["number"]] = how[i]
        else:
            base = slug(en.get("title") or en.get("summary_title") or en["number"])
            if base.startswith("north-lanarkshire-"):
                base = "nl-" + base[len("north-lanarkshire-"):]
            if en["category"] in ("local", "governance") and partnership == "north-lanarkshire" \
                    and not base.startswith("nl-"):
                base = f"nl-{base}"
            driver, k = base, 2
            while driver in taken:
                driver, k = f"{base}-{k}", k + 1
            taken.add(driver)
            rec: dict[str, Any] = {"id": driver, "title": en["title"], "kind": guess_kind(en["title"]),
                                   "section": en["section"]}
            if en["category"] in ("local", "governance"):
                rec["partnership"] = partnership
            rec["note"] = (f"new in {year} edition, created by ingest from {source_name or doc.name} {doc.at(line)}; "
                           "kind guessed from the title: check it")
            new_drivers.append(rec)
            matched[en["number"]] = "new"
            doc.warn(line, f"entry {en['number']} {en['title'][:50]!r} matches no existing driver; new driver "
                           f"{driver!r}", hint="if it is an existing driver renamed, fix its id in the edition file")
        dangling = [r for r in en.get("refs", []) if r not in numbers]
        if dangling:
            doc.warn(line, f"entry {en['number']} refers to {', '.join(dangling)}, which is not a number in this "
                           "document; left out of refs", hint="'drivers review' lists it as a dangling reference")
            en["refs"] = [r for r in en["refs"] if r not in dangling]
            if not en["refs"]:
                del en["refs"]
        entries.append({"number": en["number"], "driver": driver,
                        **{k: v for k, v in en.items() if k != "number"}})
    last_year = previous_edition(data, year, partnership)
    sources = [edition_entries(e) for e in (same, last_year) if e is not None]
    carried = carry_over(entries, *sources) if carry else {}
    if same is not None:
        # drivers defined in the edition file being replaced are carried over when still described
        described = {e["driver"] for e in entries}
        have = {d["id"] for d in new_drivers}
        for rec in data.of_type("drivers"):
            if rec.file == same.file and rec.id in described and rec.id not in have:
                new_drivers.append(record_dict(rec))
        new_drivers.sort(key=lambda d: d["id"])
    src_prev = data.sources.get(prev.source)
    source = {"id": f"src-{edition_id}", "title": doc.title or prev.title}
    if src_prev is not None and src_prev.fields.get("publisher"):
        source["publisher"] = src_prev.fields["publisher"]
    if doc.date:
        source["date"] = doc.date
    source["partnership"] = partnership
    source["note"] = f"Ingested by 'drivers ingest' from {source_name or doc.name}."
    edition = {"id": edition_id, "year": year, "title": doc.title or prev.title, "partnership": partnership}
    if doc.date:
        edition["date"] = doc.date
    edition["section"] = "whole document"
    return IngestResult(edition, source, entries, new_drivers, list(doc.warnings), matched, doc, carried, lines)


def record_dict(rec) -> dict[str, Any]:
    """A loaded driver record back as the dict its YAML holds."""
    out: dict[str, Any] = {"id": rec.id, "title": rec.title, **rec.fields, "section": rec.section}
    if rec.links:
        out["links"] = [{k: v for k, v in (("rel", lk.rel), ("to", lk.to), ("section", lk.section),
                                           ("quote", lk.quote)) if v} for lk in rec.links]
    return out
