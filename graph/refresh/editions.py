"""Editions of the drivers document as plain dicts, and their YAML files.

An edition's entries carry the numbering, titles and summaries of one year's document; the
driver an entry describes keeps its id from year to year. Editions other than the curated 2023
one live in ``data/editions/<edition-id>.yaml``, one file per edition, each with its own
``source:`` block (the document it was ingested from) and any ``drivers:`` the edition
introduced. Writing is deterministic: published order, fixed key order, every string quoted.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from ..core.errors import DataError, Problem, rel
from ..core.model import Data, Edition, Entry

#: Key order of an entry, as in data/SCHEMA.md.
ENTRY_KEYS = ("number", "driver", "category", "subcategory", "summary_title", "summary_number", "title",
              "detail_number", "summary", "links_text", "link_urls", "refs", "covers", "section", "note",
              "summary_source", "source_text")
#: Fields of an entry that the document prints (what ingest reads and diff compares).
PRINTED_FIELDS = ("number", "category", "subcategory", "summary_title", "summary_number", "title",
                  "detail_number", "summary", "links_text", "refs")
EDITION_KEYS = ("id", "year", "title", "partnership", "date", "section", "source", "note")
SOURCE_KEYS = ("id", "title", "publisher", "date", "seed", "partnership", "url", "note")
DRIVER_KEYS = ("id", "title", "kind", "start_year", "end_year", "legislation", "url", "section", "partnership",
               "description", "aliases", "note", "links")

CATEGORY_HEADINGS = {
    "national": "National Drivers",
    "local": "Local drivers",
    "improvement": "Improvement programmes",
    "governance": "Governance planning and delivery",
}
SUMMARY_HEADINGS = {
    "national": "1. National drivers",
    "local": "2. Local drivers",
    "improvement": "3. Improvement Programmes",
    "governance": "4. Governance, planning and delivery",
}
SUBCATEGORY_HEADINGS = {"related-plans-and-reports": "Related plans and reports"}
#: A cross-reference in an entry's text: "(see 2.7)" -> ("see ", "2.7").
REF_IN_TEXT = re.compile(r"\(([^()]*?)\b(\d{1,2}\.\d{1,2})\)")


def number_key(number: str) -> tuple[int, ...]:
    """An entry number as a sort key: "4.10" after "4.9"."""
    return tuple(int(x) for x in re.findall(r"\d+", number))


def entry_dict(en: Entry) -> dict[str, Any]:
    """One entry as a dict in schema key order (absent fields left out)."""
    raw = {"number": en.number, "driver": en.driver, "category": en.category, "title": en.title, **en.fields}
    return {k: raw[k] for k in ENTRY_KEYS if k in raw and raw[k] is not None}


def edition_entries(ed: Edition) -> list[dict[str, Any]]:
    """The entries of ``ed`` as dicts, in published order."""
    return [entry_dict(en) for en in sorted(ed.entries, key=lambda e: e.order)]


def find_edition(data: Data, year: int, partnership: str | None = None) -> Edition:
    """The edition for ``year``; a :class:`DataError` listing the years there are if none."""
    if partnership is None:
        several = sorted({e.partnership for e in data.editions.values() if e.year == year})
        if len(several) > 1:
            raise DataError([Problem(f"there are {year} editions for {len(several)} partnerships",
                                     hint=f"pass --partnership (one of: {', '.join(several)})")])
    ed = data.edition_for_year(year, partnership)
    if ed is None:
        years = ", ".join(str(e.year) for e in sorted(data.editions.values(), key=lambda e: e.year)) or "none"
        raise DataError([Problem(f"there is no edition for {year}", hint=f"editions in the data: {years}; "
                                 "ingest one with 'drivers ingest FILE --edition YEAR'")])
    return ed


def previous_edition(data: Data, year: int, partnership: str | None = None) -> Edition | None:
    """The newest edition before ``year`` (same partnership when given)."""
    eds = [e for e in data.editions.values() if e.year < year and (partnership is None or e.partnership == partnership)]
    return max(eds, key=lambda e: e.year) if eds else None


def edition_id_for(template: str, year: int) -> str:
    """``nl-drivers-2023`` -> ``nl-drivers-2024``: the id pattern of an earlier edition, with the new year."""
    new, n = re.subn(r"(?<!\d)(19|20)\d\d(?!\d)", str(year), template)
    return new if n else f"{template}-{year}"


def edition_path(data_dir: Path, edition_id: str) -> Path:
    return data_dir / "editions" / f"{edition_id}.yaml"


def refuse_replace(existing: Edition | None, target: Path, force: bool, step: str, force_hint: str,
                   curated_hint: str, file: str | None = None) -> None:
    """Raise :class:`DataError` unless writing ``target`` may replace ``existing`` (the edition already
    there for the year): only with ``force``, and never a curated edition that lives in another file."""
    if existing is None:
        if target.exists() and not force:  # a file there that does not load as that year's edition
            raise DataError([Problem(f"{rel(target)} already exists", file=file,
                                     hint=f"{force_hint.replace('replace it', 'replace the file')}")])
        return
    if not force:
        raise DataError([Problem(f"edition {existing.year} already exists ({existing.id}, {existing.file}:"
                                 f"{existing.line})", file=file, hint=force_hint)])
    if existing.file is None or Path(existing.file).resolve() != target.resolve():
        raise DataError([Problem(f"edition {existing.year} is curated in {existing.file}, which {step} does not "
                                 "rewrite", file=file, hint=curated_hint)])


# --- YAML writing -----------------------------------------------------------------------------

def _q(value: Any) -> str:
    """A scalar as YAML: ints bare, strings double-quoted (one line, escapes as YAML needs)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    text = yaml.dump(str(value), default_style='"', allow_unicode=True, width=1 << 30)
    return text.removesuffix("\n...\n").rstrip("\n")


def _value(value: Any) -> str:
    if isinstance(value, list) and all(not isinstance(v, (dict, list)) for v in value):
        return "[" + ", ".join(_q(v) for v in value) + "]"
    return _q(value)


def _block(obj: dict[str, Any], keys: tuple[str, ...], indent: str, first: str) -> list[str]:
    """A mapping as block YAML; nested lists of mappings (links) indented under their key."""
    lines: list[str] = []
    prefix = first
    for k in [*[k for k in keys if k in obj], *sorted(k for k in obj if k not in keys)]:
        v = obj[k]
        if v is None:
            continue
        if isinstance(v, list) and v and isinstance(v[0], dict):
            lines.append(f"{prefix}{k}:")
            for item in v:
                lines += _block(item, ("rel", "to", "section", "quote", "source"), indent + "    ", indent + "  - ")
        else:
            lines.append(f"{prefix}{k}: {_value(v)}")
        prefix = indent
    return lines


def edition_yaml(source: dict[str, Any], edition: dict[str, Any], entries: list[dict[str, Any]],
                 drivers: list[dict[str, Any]] | None = None, header: str = "") -> str:
    """The text of one edition file: header comment, source, new drivers, the edition."""
    lines = [f"# {h}" if h else "#" for h in header.splitlines()] if header else []
    lines.append("source:")
    lines += _block(source, SOURCE_KEYS, "  ", "  ")
    if drivers:
        lines += ["", "drivers:"]
        for d in drivers:
            lines += _block(d, DRIVER_KEYS, "    ", "  - ")
    lines += ["", "editions:"]
    lines += _block({**edition, "entries": None}, EDITION_KEYS, "    ", "  - ")
    lines.append("    entries:")
    for en in entries:
        lines += _block(en, ENTRY_KEYS, "        ", "      - ")
    return "\n".join(lines) + "\n"


def check_edition(data_dir: Path, target: Path, text: str, origins: list[tuple[str, int | None]], source_file: str):
    """Check that the data loads with ``text`` written to ``target`` (nothing is written); on
    failure the problems found in the new text point at where each entry came from in the input
    (``origins[i]``: (file, line) of entry ``i``), never at the file that was not written."""
    from ..core.errors import rel
    from ..core.loader import check_with

    try:
        return check_with(data_dir, {target: text})
    except DataError as exc:
        name = rel(target)
        starts = [i for i, ln in enumerate(text.split("\n"), start=1) if ln.startswith("      - number: ")]
        moved = []
        for p in exc.problems:
            if p.file != name:
                moved.append(p)
                continue
            k = max((j for j, st in enumerate(starts) if p.line and st <= p.line), default=None)
            file, line = origins[k] if k is not None and k < len(origins) else (source_file, None)
            moved.append(Problem(p.message, file=file, line=line, id=p.id, hint=p.hint, severity=p.severity))
        raise DataError(moved) from None


def start_edition(data: Data, data_dir: Path, from_year: int, to_year: int, force: bool = False,
                  partnership: str | None = None) -> tuple[Path, str, Data]:
    """Next year's edition, started from ``from_year``'s: the same entries (numbers, titles, texts,
    links), without the transcriber's notes about the old extract. Returns (path, YAML text, the
    data as it would load with the file written); nothing is written here."""
    old = find_edition(data, from_year, partnership)
    if to_year <= from_year:
        raise DataError([Problem(f"--to {to_year} must be after --from {from_year}",
                                 hint="start next year's edition from this year's")])
    eid = edition_id_for(old.id, to_year)
    target = edition_path(data_dir, eid)
    refuse_replace(data.edition_for_year(to_year, old.partnership), target, force, "refresh",
                   "pass --force to start it again from the earlier edition", "edit that file instead")
    entries = [{k: v for k, v in en.items() if k != "note"} for en in edition_entries(old)]
    src_old = data.sources.get(old.source)
    source = {"id": f"src-{eid}", "title": old.title}
    if src_old is not None and src_old.fields.get("publisher"):
        source["publisher"] = src_old.fields["publisher"]
    source["partnership"] = old.partnership
    source["note"] = (f"Draft started by 'drivers refresh' from {old.id}; not yet published. Replace it with "
                      f"'drivers ingest FILE --edition {to_year} --force' when the document is issued.")
    edition = {"id": eid, "year": to_year, "title": old.title, "partnership": old.partnership,
               "section": "whole document",
               "note": f"Carried over from {old.id} ({len(entries)} entries); review with the refresh checklist."}
    text = edition_yaml(source, edition, entries,
                        header=f"Draft edition {to_year} of the drivers document, started by 'drivers refresh' from "
                               f"{old.id}.")
    from ..core.loader import check_with
    new_data = check_with(data_dir, {target: text})
    return target, text, new_data
