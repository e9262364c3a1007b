"""Read a drivers document (text extracted from the PDF, Markdown, or Word) into an edition.

Two layers:

The package holds one reader per input format (:mod:`.readers`), the entry parser
(:mod:`.parse`, with :mod:`.links` for web-link texts run into the text), the numbering
(:mod:`.numbering`) and the driver matcher (:mod:`.match`).

* :func:`parse_document` reads the text into a :class:`ParsedDocument`: the summary table rows
  and the detail sections, each with the line it came from, plus warnings for what it could not
  read. It copes with the published PDF's extraction mess: a summary table with two categories
  side by side (tab-separated), a flattened line for categories 3 and 4, titles wrapped over two
  rows, numbered detail sections with or without "- " and ``**`` bold markers, hard-wrapped
  lines and page-break bullets, unnumbered entries, duplicate numbers, web-link texts run into
  the text and cross-references like "(see 2.7)". Markdown and Word files written by
  ``drivers document`` (headings for entries, one link per underlined paragraph) are read
  exactly.
* :func:`build_edition` gives each entry its true number and matches it to an existing driver
  (number, title similarity, summary similarity), so renumbered and retitled drivers keep their
  ids; entries that match nothing become new driver records, marked as created by ingest.

:func:`ingest` ties both to the data folder: it never replaces an edition without ``force``,
checks that the result loads, and writes one file atomically (or nothing).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..editions import (PRINTED_FIELDS, check_edition, edition_entries, edition_path, edition_yaml, number_key,
                        refuse_replace)
from ...core.errors import rel
from ...core.model import Data, Edition
from .match import IngestResult, build_edition, guess_kind, match_entries, record_dict, slug
from .numbering import number_entries
from .parse import parse_document, parse_lines
from .parsed import Detail, ParsedDocument, Row
from .text import norm, similarity, word_similarity

__all__ = ["Detail", "IngestResult", "ParsedDocument", "Row", "build_edition", "compare", "guess_kind", "ingest",
           "match_entries", "norm", "number_entries", "parse_document", "parse_lines", "record_dict", "similarity",
           "slug", "word_similarity"]


def compare(result: IngestResult, ed: Edition, fields: tuple[str, ...] = ("driver", *PRINTED_FIELDS, "section")
            ) -> dict[str, Any]:
    """Field by field: how much of the curated edition ``ed`` the ingested entries reproduce.

    Each (entry, field) where the curated entry or the ingested one has a value counts once.
    """
    curated = {e["number"]: e for e in edition_entries(ed)}
    got = {e["number"]: e for e in result.entries}
    total = same = 0
    misses: list[dict[str, Any]] = []
    for num, ce in curated.items():
        ge = got.get(num, {})
        for f in fields:
            cv, gv = ce.get(f), ge.get(f)
            if cv is None and gv is None:
                continue
            total += 1
            if cv == gv:
                same += 1
            else:
                misses.append({"number": num, "field": f, "curated": cv, "ingested": gv})
    for num in sorted(set(got) - set(curated), key=number_key):
        total += 1
        misses.append({"number": num, "field": "entry", "curated": None, "ingested": got[num].get("title")})
    return {"edition": ed.id, "fields": total, "matching": same, "share": round(same / total, 4) if total else 1.0,
            "misses": misses}


def ingest(path: Path, year: int, data_dir: Path, data: Data, force: bool = False, partnership: str | None = None,
           write: bool = True) -> tuple[IngestResult, Path | None]:
    """Parse ``path`` as the ``year`` edition and (with ``write``) write it to ``data_dir``.

    Never replaces an existing edition without ``force``; a curated edition that lives in another
    file is never rewritten. The new file is checked by the loader before it is written.
    """
    doc = parse_document(path)
    # --check measures what the reader and parser reproduce, so nothing is carried over there
    result = build_edition(doc, data, year, partnership, source_name=path.name, carry=write)
    if not write:
        return result, None
    target = edition_path(data_dir, result.edition["id"])
    refuse_replace(data.edition_for_year(year, result.edition["partnership"]), target, force, "ingest",
                   "pass --force to replace it, or --check to compare",
                   "use --check to compare the document with it", file=rel(path))
    text = edition_yaml(result.source, result.edition, result.entries, result.new_drivers,
                        header=f"Edition {year} of the drivers document, written by 'drivers ingest' from {path.name}.\n"
                               "Verbatim fields as read from the document; check the warnings it printed.")
    origins = []
    for en in result.entries:
        where = doc.problem(result.lines.get(en["number"]), "")
        origins.append((where.file, where.line))
    check_edition(data_dir, target, text, origins, rel(path))
    from ...core.io import write_text

    write_text(target, text)
    return result, target
