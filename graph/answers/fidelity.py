"""Check the data against the seed texts: is every verbatim field really in its document?

The seeds are plain-text extracts with HTML-ish tags, hard wraps and page-break bullets; both
sides are normalised the same way (tags and emphasis markers dropped, bullets at line starts
dropped, whitespace collapsed, typographic quotes folded) before looking the field up.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

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
        if r.type.section in ("actions", "outcomes", "indicators", "themes", "plans"):
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
