"""An edition as a spreadsheet (xlsx or csv) and back, keyed by stable driver ids.

Officers edit the drivers document in Excel: one row per entry, the driver id in its own
column (leave it as it is; blank it for a new driver). ``import`` reads the sheet back into an
edition file. Cells that would start with ``= + - @`` are written with a leading apostrophe so
Excel never runs them as formulas, and the apostrophe is taken off again on import.

Cell conventions: ``links_text`` one link per line, ``link_urls`` the address of each on the
same line (``(none)`` where none is known); ``refs`` and ``covers`` comma-separated; ``(none)``
in ``summary_number`` / ``detail_number`` means the document prints no number there. The last
two columns (hidden in the workbook) keep the text the document printed for the entry, so that
next year's unchanged entries keep the values edited here.

Numbers stay text: the number columns are written as text (Text format in the workbook, so a
number typed there stays as typed). A sheet that a spreadsheet program has turned into numbers
anyway (``3.10`` read back as 3.1) is recovered where the rows' order or the driver's number in
the edition it was exported from says which was meant, with a ``[WARN]`` naming the sheet, row and
cell; otherwise the error names them. Errors point at the sheet's rows, never at the edition file
that was not written.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..refresh.editions import (check_edition, edition_entries, edition_id_for, edition_path, edition_yaml,
                                find_edition, number_key, previous_edition, refuse_replace)
from ..core.errors import DataError, Problem, rel
from ..core.model import Data

COLUMNS = ("edition", "number", "driver", "category", "subcategory", "summary_title", "summary_number", "title",
           "detail_number", "summary", "links_text", "refs", "covers", "section", "note", "link_urls",
           "summary_source", "source_text")
#: columns holding entry numbers (written as text; recovered when a spreadsheet made them numbers)
NUMBER_COLUMNS = ("number", "summary_number", "detail_number", "refs")
#: columns kept for the refresh, hidden in the workbook
HIDDEN = ("summary_source", "source_text")
FORMULA_START = ("=", "+", "-", "@")
NONE = "(none)"
LIST_SEP = {"links_text": "\n", "link_urls": "\n", "refs": ", ", "covers": ", "}


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
            elif c == "link_urls":
                row[c] = "\n".join(u or NONE for u in v)
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
            cell.number_format = "@"          # Text: what is typed here stays text (3.10 stays 3.10)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    widths = {"summary": 80, "title": 40, "summary_title": 40, "links_text": 40, "link_urls": 40, "driver": 30,
              "section": 30}
    for i, c in enumerate(COLUMNS, start=1):
        dim = ws.column_dimensions[openpyxl.utils.get_column_letter(i)]
        dim.width = widths.get(c, 12)
        dim.number_format = "@"              # rows added below the data are Text too
        dim.hidden = c in HIDDEN
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

@dataclass
class SheetRow:
    """One row of the sheet: its number, cells as text, and the cells as the file holds them
    (a spreadsheet program may have made a number or a date of a typed ``3.10``)."""

    line: int
    values: dict[str, str]
    raw: dict[str, Any]


@dataclass
class Sheet:
    name: str            # the file, as shown in messages
    sheet: str | None    # the worksheet's name (xlsx)
    header: list[str]
    rows: list[SheetRow]

    def cell(self, row: SheetRow, column: str) -> str:
        """Where a cell is, for messages: "sheet 'entries' row 12 cell B12" / "row 12, column 'number'"."""
        if self.sheet is None:
            return f"row {row.line}, column {column!r}"
        from openpyxl.utils import get_column_letter

        letter = get_column_letter(self.header.index(column) + 1)
        return f"sheet {self.sheet!r} row {row.line} cell {letter}{row.line}"


def read_sheet(path: Path) -> Sheet:
    """The rows of an .xlsx or .csv file (blank rows skipped)."""
    name = rel(path)
    if not path.is_file():
        raise DataError([Problem("no such file" if not path.exists() else "not a regular file (a folder, pipe or device)",
                                 file=name, hint="give the path of an exported .xlsx or .csv")])
    sheet_name = None
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
        sheet_name = ws.title
        raw = [list(row) for row in ws.iter_rows(values_only=True)]
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
    header = ["" if h is None else str(h).strip() for h in raw[0]]
    missing = [c for c in ("number", "driver", "category", "title") if c not in header]
    if missing:
        raise DataError([Problem(f"the header row lacks column(s) {', '.join(missing)}", file=name, line=1,
                                 hint=f"keep the exported header: {', '.join(COLUMNS)}")])
    rows = []
    for i, cells in enumerate(raw[1:], start=2):
        if not any(c is not None and str(c).strip() for c in cells):
            continue
        got = {h: (cells[k] if k < len(cells) else None) for k, h in enumerate(header) if h}
        values = {h: unguard(_text(v).replace("\r\n", "\n")) for h, v in got.items()}
        rows.append(SheetRow(i, values, got))
    return Sheet(name, sheet_name, header, rows)


def read_rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    """(sheet row number, row) pairs from an .xlsx or .csv file."""
    return [(r.line, r.values) for r in read_sheet(path).rows]


def _text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _resolve_numbers(sheet: Sheet, base: dict[str, dict[str, Any]], problems: list[Problem],
                     warnings: list[Problem]) -> None:
    """Put back entry numbers a spreadsheet program turned into numbers or dates, in place.

    ``base``: driver id -> its entry in the edition the sheet was exported from. A value like
    ``3.1`` is read as ``3.10`` when the rows' order says so (it would not come after the row
    before it in its category, or it repeats an earlier number) or, for a cell the file holds as
    a number, when the driver's number in that edition was ``3.10``."""
    used: set[str] = set()
    last: dict[str, tuple[int, ...]] = {}
    numbers_in_sheet = {r.values.get("number", "").strip() for r in sheet.rows}
    for row in sheet.rows:
        v = row.values
        raw = row.raw.get("number")
        if isinstance(raw, (datetime.date, datetime.datetime)):
            problems.append(Problem(f"{sheet.cell(row, 'number')}: the number became a date ({raw})", file=sheet.name,
                                    line=row.line, hint="format the column as Text and type the number again, "
                                                        "e.g. 1.10"))
            continue
        num = v.get("number", "").strip()
        cat = v.get("category", "").strip()
        prev = base.get(v.get("driver", "").strip(), {})
        if re.fullmatch(r"\d{1,2}", num) and isinstance(raw, (int, float)):
            problems.append(Problem(f"{sheet.cell(row, 'number')}: {num!r} is not an entry number like 1.10 (the "
                                    "spreadsheet made a number of it)", file=sheet.name, line=row.line,
                                    hint="format the column as Text and type the number again"))
            continue
        if re.fullmatch(r"\d{1,2}\.\d", num):
            longer = num + "0"
            key, key0 = number_key(num), number_key(longer)
            before = last.get(cat)
            reason = None
            if num in used and longer not in used:
                reason = f"{num} is already the number of an earlier row"
            elif before is not None and key <= before < key0:
                reason = f"it comes after {'.'.join(map(str, before))} in the sheet's order"
            elif isinstance(raw, float) and prev.get("number") == longer and longer not in numbers_in_sheet:
                reason = f"the driver's number in the edition it was exported from is {longer}"
            if reason:
                warnings.append(Problem(f"{sheet.cell(row, 'number')}: read {num} (the spreadsheet made a number of "
                                        f"it), taken as {longer}: {reason}", file=sheet.name, line=row.line,
                                        severity="WARN", hint="format the number column as Text to keep 1.10 as typed"))
                num = longer
                v["number"] = num
        if re.fullmatch(r"\d{1,2}\.\d{1,2}", num):
            used.add(num)
            last[cat] = number_key(num)
        for col in ("summary_number", "detail_number"):
            r = row.raw.get(col)
            was = prev.get(col)
            if isinstance(r, float) and isinstance(was, str) and was != v.get(col) and \
                    re.fullmatch(r"\d+(?:\.\d+)?", was) and float(was) == r:
                warnings.append(Problem(f"{sheet.cell(row, col)}: read {v.get(col)} (a number), taken as {was} as "
                                        "in the edition it was exported from", file=sheet.name, line=row.line,
                                        severity="WARN", hint="format the column as Text to keep it as typed"))
                v[col] = was
    # a single reference the spreadsheet made a number: "3.1" where only 3.10 is an entry
    final = {r.values.get("number", "").strip() for r in sheet.rows}
    for row in sheet.rows:
        r = row.raw.get("refs")
        ref = row.values.get("refs", "").strip()
        if isinstance(r, float) and ref not in final and ref + "0" in final:
            warnings.append(Problem(f"{sheet.cell(row, 'refs')}: read {ref} (a number), taken as {ref}0, the entry "
                                    "number in the sheet", file=sheet.name, line=row.line, severity="WARN",
                                    hint="format the column as Text to keep it as typed"))
            row.values["refs"] = ref + "0"


def import_edition(path: Path, year: int, data: Data, data_dir: Path, force: bool = False
                   ) -> tuple[Path, str, dict[str, Any]]:
    """Build the ``year`` edition file from a sheet; returns (target, YAML text, summary). The
    summary's ``warnings`` list what was recovered."""
    from ..refresh.ingest import guess_kind, record_dict, slug

    name = rel(path)
    sheet = read_sheet(path)
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
    warnings: list[Problem] = []
    named = {r.values.get("edition", "").strip() for r in sheet.rows} - {""}
    exported = data.editions.get(named.pop()) if len(named) == 1 else None
    exported_from = {e["driver"]: e for e in edition_entries(exported or same or base)}
    _resolve_numbers(sheet, exported_from, problems, warnings)
    entries, new_drivers, kept, origins = [], [], [], []
    taken = set(data.records) | set(data.declared)
    # drivers defined in the edition file being replaced (new drivers ingest or import created)
    # stay defined when the sheet still describes them
    replaced = {rec.id: rec for rec in data.of_type("drivers")
                if same is not None and rec.file is not None and Path(rec.file).resolve() == target.resolve()}
    for row in sheet.rows:
        line = row.line
        en: dict[str, Any] = {}
        for c in COLUMNS[1:]:
            v = (row.values.get(c) or "").strip() if c != "summary" else (row.values.get(c) or "").strip("\n ")
            if not v:
                continue
            if c == "link_urls":
                en[c] = ["" if p.strip() == NONE else p.strip() for p in v.split("\n")]
            elif c in LIST_SEP:
                parts = [p.strip() for p in re.split(r"\n" if c == "links_text" else r"[,\n]", v)]
                en[c] = [p for p in parts if p]
            elif c in ("summary_number", "detail_number") and v == NONE:
                en[c] = ""
            else:
                en[c] = v
        for req in ("number", "category", "title"):
            if req not in en:
                problems.append(Problem(f"{sheet.cell(row, req)} is empty: row {line} has no {req}", file=name,
                                        line=line, hint=f"fill in the {req} column"))
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
            problems.append(Problem(f"row {line}: unknown driver id {en['driver']!r} ({sheet.cell(row, 'driver')})",
                                    file=name, line=line,
                                    hint="keep the exported id, or leave it blank for a new driver"))
        elif en["driver"] in replaced:
            kept.append(record_dict(replaced.pop(en["driver"])))
        entries.append({"number": en.pop("number"), "driver": en.pop("driver"), **en})
        origins.append((name, line))
    if problems:
        raise DataError(problems)
    src_base = data.sources.get(base.source)
    source = {"id": f"src-{eid}", "title": base.title}
    if src_base is not None and src_base.fields.get("publisher"):
        source["publisher"] = src_base.fields["publisher"]
    src_same = data.sources.get(same.source) if same is not None else None
    if src_same is not None and src_same.fields.get("date"):
        source["date"] = src_same.fields["date"]
    source["partnership"] = base.partnership
    source["note"] = f"Imported by 'drivers import' from {path.name}."
    edition = {"id": eid, "year": year, "title": base.title, "partnership": base.partnership}
    if same is not None and same.fields.get("date"):
        edition["date"] = same.fields["date"]
    edition["section"] = "whole document"
    text = edition_yaml(source, edition, entries, sorted(new_drivers + kept, key=lambda d: d["id"]),
                        header=f"Edition {year} of the drivers document, imported by 'drivers import' from {path.name}.")
    check_edition(data_dir, target, text, origins, name)
    return target, text, {"edition": eid, "entries": len(entries), "new_drivers": [d["id"] for d in new_drivers],
                          "warnings": warnings}
