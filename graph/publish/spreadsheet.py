"""An edition as a spreadsheet (xlsx or csv) and back, keyed by stable driver ids.

Officers edit the drivers document in Excel: one row per entry, the driver id in its own
column (leave it as it is; blank it for a new driver). ``import`` reads the sheet back into an
edition file. Cells that would start with ``= + - @`` are written with a leading apostrophe so
Excel never runs them as formulas, and the apostrophe is taken off again on import.

Cell conventions: ``links_text`` one link per line; ``refs`` and ``covers`` comma-separated;
``(none)`` in ``summary_number`` / ``detail_number`` means the document prints no number there.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

from ..refresh.editions import (edition_entries, edition_id_for, edition_path, edition_yaml, find_edition,
                       previous_edition, refuse_replace)
from ..core.errors import DataError, Problem, rel
from ..core.loader import check_with
from ..core.model import Data

COLUMNS = ("edition", "number", "driver", "category", "subcategory", "summary_title", "summary_number", "title",
           "detail_number", "summary", "links_text", "refs", "covers", "section", "note")
FORMULA_START = ("=", "+", "-", "@")
NONE = "(none)"
LIST_SEP = {"links_text": "\n", "refs": ", ", "covers": ", "}


def guard(text: str) -> str:
    """Make formula-looking text inert (a leading apostrophe), as graph.exports.safe_cell does."""
    text = text.replace("\r\n", "\n")
    return "'" + text if text.startswith(FORMULA_START) or text.startswith("'") and text[1:2] in FORMULA_START \
        else text


def unguard(text: str) -> str:
    return text[1:] if text.startswith("'") and text[1:2] in FORMULA_START + ("'",) else text


def rows_of(data: Data, year: int) -> list[dict[str, str]]:
    ed = find_edition(data, year)
    rows = []
    for en in edition_entries(ed):
        row = {"edition": ed.id}
        for c in COLUMNS[1:]:
            v = en.get(c)
            if v is None:
                row[c] = ""
            elif isinstance(v, list):
                row[c] = LIST_SEP[c].join(v)
            elif c in ("summary_number", "detail_number") and v == "":
                row[c] = NONE
            else:
                row[c] = str(v)
        rows.append(row)
    return rows


def to_csv(rows: list[dict[str, str]]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(COLUMNS)
    for r in rows:
        w.writerow([guard(r[c]) for c in COLUMNS])
    return "\ufeff" + buf.getvalue()


def to_xlsx(rows: list[dict[str, str]]) -> bytes:
    import datetime

    import openpyxl
    from openpyxl.styles import Alignment, Font

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "entries"
    ws.append(list(COLUMNS))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for r in rows:
        ws.append([guard(r[c]) for c in COLUMNS])
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.data_type = "s"
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    widths = {"summary": 80, "title": 40, "summary_title": 40, "links_text": 40, "driver": 30, "section": 30}
    for i, c in enumerate(COLUMNS, start=1):
        ws.column_dimensions[openpyxl.utils.get_column_letter(i)].width = widths.get(c, 12)
    ws.freeze_panes = "C2"
    fixed = datetime.datetime(2000, 1, 1)
    wb.properties.created = wb.properties.modified = fixed
    wb.properties.creator = "drivers-graph"
    buf = io.BytesIO()
    wb.save(buf)
    from ..core.io import stable_zip

    return stable_zip(buf.getvalue(), "2000-01-01T00:00:00Z")


def write_export(data: Data, year: int, fmt: str, out: Path) -> int:
    from ..core.io import atomic_path, write_text

    rows = rows_of(data, year)
    if fmt == "xlsx":
        blob = to_xlsx(rows)
        with atomic_path(out) as tmp:
            tmp.write_bytes(blob)
    else:
        write_text(out, to_csv(rows))
    return len(rows)


# --- import ------------------------------------------------------------------------------------

def read_rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    """(sheet row number, row) pairs from an .xlsx or .csv file."""
    name = rel(path)
    if not path.is_file():
        raise DataError([Problem("no such file", file=name, hint="give the path of an exported .xlsx or .csv")])
    if path.suffix.lower() == ".xlsx":
        import zipfile

        import openpyxl
        try:
            # formulas come back as their text (never evaluated): a typed "=..." stays what was typed
            wb = openpyxl.load_workbook(path, read_only=True, data_only=False)
        except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
            raise DataError([Problem(f"not a readable .xlsx workbook ({type(exc).__name__})", file=name,
                                     hint="save it from Excel as .xlsx (Excel Workbook)")]) from None
        ws = wb["entries"] if "entries" in wb.sheetnames else wb.worksheets[0]
        raw = [["" if v is None else str(v) for v in row] for row in ws.iter_rows(values_only=True)]
        wb.close()
    elif path.suffix.lower() == ".csv":
        try:
            text = path.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise DataError([Problem(f"not UTF-8 text (byte offset {exc.start})", file=name,
                                     hint="save it as 'CSV UTF-8 (comma delimited)'")]) from None
        raw = list(csv.reader(io.StringIO(text)))
    else:
        raise DataError([Problem(f"unknown spreadsheet type {path.suffix!r}", file=name,
                                 hint="give an .xlsx or .csv file as written by 'drivers export'")])
    if not raw:
        raise DataError([Problem("the sheet is empty", file=name, hint="export an edition first")])
    header = [h.strip() for h in raw[0]]
    missing = [c for c in ("number", "driver", "category", "title") if c not in header]
    if missing:
        raise DataError([Problem(f"the header row lacks column(s) {', '.join(missing)}", file=name, line=1,
                                 hint=f"keep the exported header: {', '.join(COLUMNS)}")])
    out = []
    for i, cells in enumerate(raw[1:], start=2):
        if not any(str(c).strip() for c in cells):
            continue
        row = {h: unguard(str(cells[k]).replace("\r\n", "\n")) if k < len(cells) else ""
               for k, h in enumerate(header) if h}
        out.append((i, row))
    return out


def import_edition(path: Path, year: int, data: Data, data_dir: Path, force: bool = False
                   ) -> tuple[Path, str, dict[str, Any]]:
    """Build the ``year`` edition file from a sheet; returns (target, YAML text, summary)."""
    from ..refresh.ingest import guess_kind, slug

    name = rel(path)
    rows = read_rows(path)
    same = data.edition_for_year(year)
    base = same or previous_edition(data, year) or (max(data.editions.values(), key=lambda e: e.year)
                                                     if data.editions else None)
    if base is None:
        raise DataError([Problem("the data holds no edition to import into", file=name)])
    eid = same.id if same else edition_id_for(base.id, year)
    target = edition_path(data_dir, eid)
    refuse_replace(same, target, force, "import", "pass --force to replace it, or import as another --edition year",
                   f"import the sheet as next year's edition: --edition {year + 1}", file=name)
    problems: list[Problem] = []
    entries, new_drivers = [], []
    taken = set(data.records) | set(data.declared)
    for line, row in rows:
        en: dict[str, Any] = {}
        for c in COLUMNS[1:]:
            v = (row.get(c) or "").strip() if c != "summary" else (row.get(c) or "").strip("\n ")
            if not v:
                continue
            if c in LIST_SEP:
                parts = [p.strip() for p in re.split(r"\n" if c == "links_text" else r"[,\n]", v)]
                en[c] = [p for p in parts if p]
            elif c in ("summary_number", "detail_number") and v == NONE:
                en[c] = ""
            else:
                en[c] = v
        for req in ("number", "category", "title"):
            if req not in en:
                problems.append(Problem(f"row {line} has no {req}", file=name, line=line,
                                        hint=f"fill in the {req} column"))
        if "number" not in en or "title" not in en:
            continue
        if not en.get("driver"):
            drv, k = slug(en["title"]), 2
            base_id = drv
            while drv in taken:
                drv, k = f"{base_id}-{k}", k + 1
            taken.add(drv)
            en["driver"] = drv
            new_drivers.append({"id": drv, "title": en["title"], "kind": guess_kind(en["title"]),
                                "section": en.get("section") or en["number"],
                                "note": f"new in {year} edition, created by import from {path.name} row {line}; "
                                        "kind guessed from the title: check it"})
        elif en["driver"] not in data.records:
            problems.append(Problem(f"row {line}: unknown driver id {en['driver']!r}", file=name, line=line,
                                    hint="keep the exported id, or leave it blank for a new driver"))
        entries.append({"number": en.pop("number"), "driver": en.pop("driver"), **en})
    if problems:
        raise DataError(problems)
    src_base = data.sources.get(base.source)
    source = {"id": f"src-{eid}", "title": base.title}
    if src_base is not None and src_base.fields.get("publisher"):
        source["publisher"] = src_base.fields["publisher"]
    source["partnership"] = base.partnership
    source["note"] = f"Imported by 'drivers import' from {path.name}."
    edition = {"id": eid, "year": year, "title": base.title, "partnership": base.partnership}
    if same is not None and same.fields.get("date"):
        edition["date"] = same.fields["date"]
    edition["section"] = "whole document"
    text = edition_yaml(source, edition, entries, new_drivers,
                        header=f"Edition {year} of the drivers document, imported by 'drivers import' from {path.name}.")
    check_with(data_dir, {target: text})
    return target, text, {"edition": eid, "entries": len(entries), "new_drivers": [d["id"] for d in new_drivers]}
