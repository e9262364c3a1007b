"""A partnership's own action plan in from a spreadsheet, Word or PDF table: ``drivers import-plan``.

Reading (:func:`read_tables`) gives every table of the file as rows of cell text, each row with
its place (sheet/table and row number as the officer sees them). :func:`find_header` finds the
header row (not necessarily the first) by recognising column names in their common forms
(:data:`ROLES`), or from a ``--mapping`` file. :func:`plan_records` turns the rows into a plan,
its themes (priorities), outcomes and actions with verbatim text, each citing file, table and row,
and the links the row itself states (an article number, a QI number, a SHANARRI word in a
wellbeing column, a drivers-document number "(1.17)", a driver's exact title or alias), each with
the quoted cell. Nothing is inferred here: ``drivers suggest`` proposes the rest.
:func:`plan_yaml` writes the records as one data file (``data/SCHEMA.md``).
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..core.errors import DataError, DriversError, Problem, rel
from ..core.model import Data

#: a plan file bigger than this is refused (an action plan is a few hundred rows)
MAX_BYTES = 20_000_000
MAX_ROWS = 20_000

#: column roles and the header words that name them (matched on a normalised header, see :func:`norm`)
ROLES: dict[str, tuple[str, ...]] = {
    "number": ("no", "number", "ref", "reference", "action no", "action number", "item", "id"),
    "theme": ("priority", "strategic priority", "theme", "priority theme", "key priority", "strand",
              "area", "key area", "workstream", "pledge", "priority area", "our priority", "priority and tasks"),
    "outcome": ("outcome", "local outcome", "expected outcome", "intended outcome", "high level outcome",
                "what we want to achieve", "aim", "objective", "goal"),
    "action": ("action", "what we will do", "what will we do", "what actions will we take", "action we will take",
               "actions we will take", "what action will we take", "activity", "commitment", "key action",
               "priorities tasks and timescale", "task and timescale", "improvement action", "what we will do now"),
    "task": ("task", "our task", "tasks", "step", "sub action"),
    "lead": ("lead", "lead officer", "lead agency", "lead officer agency", "who is the lead", "who will lead",
             "responsible", "responsibility", "owner", "lead partner", "who", "led by", "lead person"),
    "timescale": ("timescale", "our timescale", "by when", "when", "timeframe", "time frame", "deadline",
                  "target date", "date", "completion date", "due", "due date", "timeline"),
    "measure": ("measure", "how will we know", "how will we know this has made a difference", "measure of success",
                "success measure", "performance measure", "indicator", "performance indicator", "kpi", "target",
                "how we will measure", "how will we measure success", "evidence of success"),
    "expected_outcomes": ("expected outcomes",),
    "progress": ("progress", "update on progress", "update", "status", "rag", "progress update",
                 "update on progress evidence", "what we have done"),
    "uncrc": ("uncrc", "uncrc article", "article", "rights", "children s rights", "uncrc link", "right"),
    "shanarri": ("shanarri", "wellbeing", "wellbeing indicator", "shanarri indicator", "girfec wellbeing"),
    "qi": ("qi", "quality indicator", "care inspectorate qi", "qis", "quality indicator qi"),
    "promise": ("promise", "the promise", "promise foundation", "promise priority"),
    "npf": ("npf", "national outcome", "national performance framework", "npf outcome"),
    "drivers": ("driver", "strategic driver", "link to driver", "policy driver", "links to drivers",
                "national driver", "local driver"),
    "evidence": ("evidence",),
}
FIELD_OF = {"lead": "lead", "timescale": "timescale", "measure": "measure", "progress": "progress",
            "expected_outcomes": "expected_outcomes", "evidence": "evidence", "number": "number"}

_FILLER = re.compile(r"\b(the|a|an|of|our|s)\b")


def norm(header: str) -> str:
    """A header as the word sequence it is matched on: case, punctuation, '&', plural 's' folded."""
    t = str(header).lower().replace("&", " and ").replace("’", "'")
    t = re.sub(r"[^a-z0-9]+", " ", t).strip()
    words = [w[:-3] + "y" if len(w) > 4 and w.endswith("ies") else
             w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w for w in t.split()]
    return " ".join(words)


_ROLE_INDEX = {norm(k): role for role, keys in ROLES.items() for k in keys}


def role_of(header: str) -> str | None:
    """The column role a header names: exact (normalised) form first, else a known form it starts with,
    else a known form of two or more words it contains ("Lead officer (agency)" → lead)."""
    n = norm(header)
    if not n:
        return None
    if n in _ROLE_INDEX:
        return _ROLE_INDEX[n]
    for k in sorted(_ROLE_INDEX, key=len, reverse=True):
        if n.startswith(k + " ") or (" " in k and f" {k} " in f" {n} "):
            return _ROLE_INDEX[k]
    return None


@dataclass
class Table:
    """One table of the file: its name (sheet, 'table N', 'page P table N') and its rows (number, cells)."""

    name: str
    rows: list[tuple[int, list[str]]] = field(default_factory=list)
    row_label: str = "row"


def _err(path: Path, msg: str, hint: str, line: int | None = None) -> DataError:
    return DataError([Problem(msg, file=rel(path), line=line, hint=hint)])


def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, _dt.datetime):
        return v.date().isoformat() if v.time() == _dt.time() else v.isoformat(sep=" ")
    if isinstance(v, _dt.date):
        return v.isoformat()
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return clean(str(v))


def clean(text: str) -> str:
    """Extraction artefacts mended (SCHEMA.md): tags removed, spaces collapsed, paragraphs joined by \\n."""
    t = re.sub(r"</p>\s*<p>", "\n", text)
    t = re.sub(r"</?(p|i|b|em|strong|br)\s*/?>", "", t)
    lines = [" ".join(ln.split()) for ln in t.replace("\r", "\n").split("\n")]
    return "\n".join(ln for ln in lines if ln)


def read_tables(path: Path) -> list[Table]:
    """Every table of the file (.xlsx, .csv, .docx, .pdf) as cell text; errors name the file and what to do."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise _err(path, f"cannot read the file: {exc.strerror}", "check the path") from None
    if path.is_dir():
        raise _err(path, "is a folder, not a file", "give the plan's .xlsx, .csv, .docx or .pdf file")
    if size > MAX_BYTES:
        raise _err(path, f"the file is {size / 1e6:.1f} MB; a plan file may be at most {MAX_BYTES / 1e6:.0f} MB",
                   "export only the action plan's sheet or table")
    suffix = path.suffix.lower()
    readers = {".xlsx": _xlsx, ".xlsm": _xlsx, ".csv": _csv, ".docx": _docx, ".pdf": _pdf}
    if suffix not in readers:
        raise _err(path, f"cannot read {suffix or 'a file without an extension'} files",
                   "save the plan as .xlsx, .csv, .docx or .pdf")
    tables = readers[suffix](path)
    if sum(len(t.rows) for t in tables) > MAX_ROWS:
        raise _err(path, f"the file has more than {MAX_ROWS} rows", "export only the action plan's sheet or table")
    return tables


def _xlsx(path: Path) -> list[Table]:
    import zipfile

    import openpyxl
    try:
        with zipfile.ZipFile(path) as z:
            unpacked = sum(i.file_size for i in z.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise _err(path, f"not a readable Excel workbook ({type(exc).__name__})",
                   "open it in Excel and save it again as .xlsx") from None
    if unpacked > 10 * MAX_BYTES:
        raise _err(path, f"the workbook unpacks to {unpacked / 1e6:.0f} MB (at most {10 * MAX_BYTES / 1e6:.0f} MB)",
                   "export only the action plan's sheet")
    try:
        wb = openpyxl.load_workbook(path, data_only=True, read_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        raise _err(path, f"not a readable Excel workbook ({type(exc).__name__})",
                   "open it in Excel and save it again as .xlsx") from None
    out = []
    for ws in wb.worksheets:
        if ws.max_row > MAX_ROWS:
            raise _err(path, f"sheet {ws.title!r} has {ws.max_row} rows (more than {MAX_ROWS})",
                       "export only the action plan's rows")
        merged: dict[tuple[int, int], tuple[int, int]] = {}
        for rng in ws.merged_cells.ranges:
            for r in range(rng.min_row, rng.max_row + 1):
                for c in range(rng.min_col, rng.max_col + 1):
                    if (r, c) != (rng.min_row, rng.min_col):
                        merged[(r, c)] = (rng.min_row, rng.min_col)
        t = Table(ws.title)
        for row in ws.iter_rows():
            cells = []
            for c in row:
                v = c.value
                if (c.row, c.column) in merged:
                    r0, c0 = merged[(c.row, c.column)]
                    # a cell merged down repeats the value (one action over several task rows); across, it is blank
                    v = ws.cell(r0, c0).value if c0 == c.column else None
                cells.append(_cell(v))
            if row:
                t.rows.append((row[0].row, cells))
        out.append(t)
    # a formula's value is what Excel saved with it; a file written by a program may have none
    formulas = openpyxl.load_workbook(path, data_only=False)
    for ws in formulas.worksheets:
        values = wb[ws.title]
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str) and c.value.startswith("=") and values[c.coordinate].value is None:
                    raise _err(path, f"sheet {ws.title!r} cell {c.coordinate} holds the formula {c.value[:40]} "
                               "without a saved value (formulas without saved values cannot be read)",
                               "open the file in Excel or LibreOffice and save it (that stores each formula's "
                               "value), or paste the values as text, then import again")
    return out


def _csv(path: Path) -> list[Table]:
    raw = path.read_bytes()
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _err(path, "the file is UTF-16 text, not UTF-8", "save it as 'CSV UTF-8 (Comma delimited)'", 1)
    if b"\0" in raw[:8192]:
        raise _err(path, "the file is binary, not CSV text", "save the sheet as 'CSV UTF-8 (Comma delimited)'")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise _err(path, f"not UTF-8 text (byte 0x{raw[exc.start]:02x})",
                   "save it from Excel as 'CSV UTF-8 (Comma delimited)', or import the .xlsx", line) from None
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    t = Table(path.stem, row_label="line")
    try:
        for i, row in enumerate(csv.reader(io.StringIO(text), dialect), 1):
            t.rows.append((i, [clean(c) for c in row]))
    except csv.Error as exc:
        raise _err(path, f"not valid CSV: {exc}", "save the sheet as CSV again, or import the .xlsx") from None
    return [t]


def _docx(path: Path) -> list[Table]:
    import zipfile

    import docx
    try:
        doc = docx.Document(str(path))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise _err(path, f"not a readable Word document ({type(exc).__name__})",
                   "open it in Word and save it again as .docx") from None
    from docx.table import Table as DocxTable
    from docx.text.paragraph import Paragraph
    out = []
    caption = ""
    n = 0
    for block in doc.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            text = clean(Paragraph(block, doc).text)
            if text:
                caption = text
        elif tag == "tbl":
            n += 1
            tbl = DocxTable(block, doc)
            t = Table(f"table {n}")
            if caption:
                t.rows.append((0, [caption]))  # the paragraph above the table: its heading
            for i, row in enumerate(tbl.rows, 1):
                cells, prev = [], None
                for c in row.cells:
                    # python-docx repeats a horizontally merged cell: keep it once
                    cells.append("" if c._tc is prev else clean("\n".join(p.text for p in c.paragraphs)))
                    prev = c._tc
                t.rows.append((i, cells))
            out.append(t)
            caption = ""
    if not out:
        raise _err(path, "the document has no tables", "put the action plan in a Word table (Insert > Table)")
    return out


def _pdf(path: Path) -> list[Table]:
    from .ingest.readers.pdf import pdf_tables
    out = []
    for i, pt in enumerate(pdf_tables(path), 1):
        t = Table(f"page {pt.page} table {i}")
        for r in pt.rows:
            t.rows.append((r.row + 1, [clean(c or "") for c in r.cells]))
        out.append(t)
    if not out:
        raise _err(path, "no ruled tables found in the PDF", "import the plan's Word or Excel file instead")
    return out


# ---- header ---------------------------------------------------------------------------------------

def load_mapping(path: Path | None) -> dict[str, str]:
    """``--mapping`` YAML: ``columns: {"Header as printed": role, "#3": role}`` (``#N``: the Nth column,
    for a column under a merged or blank header; roles: :data:`ROLES`, or ``ignore``)."""
    if path is None:
        return {}
    from ..core.io import read_yaml
    doc = read_yaml(path)
    cols = doc.get("columns") if isinstance(doc, dict) else None
    if not isinstance(cols, dict):
        raise _err(path, "expected a mapping 'columns:' of header → role",
                   f"write e.g. columns: {{\"Officer\": lead}}; roles: {', '.join(ROLES)}")
    out = {}
    for k, v in cols.items():
        if v not in ROLES and v != "ignore":
            raise _err(path, f"unknown role {v!r} for column {k!r}", f"use one of: {', '.join(ROLES)}, ignore")
        key = str(k).strip()
        out[key if re.fullmatch(r"#\d+", key) else norm(key)] = v
    return out


def header_roles(cells: list[str], mapping: dict[str, str]) -> dict[int, str]:
    roles: dict[int, str] = {}
    for i, c in enumerate(cells):
        r = mapping.get(f"#{i + 1}")  # a column by its position (one under a merged or blank header)
        if r is None and not c:
            continue
        r = r or mapping.get(norm(c)) or role_of(c)
        if r and r != "ignore":
            roles[i] = r
    return roles


def find_header(t: Table, mapping: dict[str, str]) -> tuple[int, dict[int, str]] | None:
    """(index in t.rows of the header row, column → role): the first of the first 25 rows naming
    an action (or task) column and at least one other known column."""
    for k, (_, cells) in enumerate(t.rows[:25]):
        roles = header_roles(cells, mapping)
        if ({"action", "task"} & set(roles.values())) and len(roles) >= 2:
            return k, roles
    return None


# ---- stated links ---------------------------------------------------------------------------------

SHANARRI = {w: f"shanarri-{w}" for w in ("safe", "healthy", "achieving", "nurtured", "active", "respected",
                                        "responsible", "included")}
PROMISE = {"voice": "promise-voice", "family": "promise-family", "care": "promise-care", "people": "promise-people",
           "scaffolding": "promise-scaffolding"}
_ARTICLE = re.compile(r"\b(?:article|art\.?|uncrc)s?\s*((?:\d{1,2}(?:\s*(?:,|and|&|/)\s*)?)+)", re.I)
_QI = re.compile(r"\bQIs?\s*((?:\d\.\d{1,2}(?:\s*(?:,|and|&|/)\s*)?)+)", re.I)
_QI_NUM = re.compile(r"(?<![\d.])(\d\.\d{1,2})(?![\d.])")
_DOCNUM = re.compile(r"\((\d\.\d{1,2})\)")


@dataclass
class Stated:
    rel: str
    to: str
    quote: str
    column: str


def stated_links(cells: dict[str, str], data: Data, numbers: dict[str, str], titles: dict[str, str]) -> list[Stated]:
    """The links the row states, each with the cell it quotes; ``cells`` is role → text."""
    out: list[Stated] = []
    recs = data.records

    def add(rel_: str, to: str, quote: str, col: str) -> None:
        if to in recs and not any(s.rel == rel_ and s.to == to for s in out):
            out.append(Stated(rel_, to, quote, col))

    for col, text in cells.items():
        if not text:
            continue
        for m in _ARTICLE.finditer(text):
            for n in re.findall(r"\d{1,2}", m.group(1)):
                add("upholdsRight", f"uncrc-article-{int(n)}", text, col)
        if col == "uncrc":
            for n in re.findall(r"\b\d{1,2}\b", text):
                add("upholdsRight", f"uncrc-article-{int(n)}", text, col)
        for m in _QI.finditer(text):
            for n in re.findall(r"\d\.\d{1,2}", m.group(1)):
                add("qualityIndicator", "ci-qi-" + n.replace(".", "-"), text, col)
        if col == "qi":  # a quality-indicator column: every QI number in it ("1.1, 5.2", "6.1 Policies ...")
            for n in _QI_NUM.findall(text):
                add("qualityIndicator", "ci-qi-" + n.replace(".", "-"), text, col)
        if col in ("shanarri", "outcome", "measure", "theme"):
            if col == "shanarri":
                for w in re.findall(r"[a-z]+", text.lower()):
                    if w in SHANARRI:
                        add("contributesTo", SHANARRI[w], text, col)
        if col == "promise":
            for w in re.findall(r"[a-z]+", text.lower()):
                if w in PROMISE:
                    add("alignsWith", PROMISE[w], text, col)
        if col == "npf":
            low = text.lower()
            for r in data.of_type("national_outcomes"):
                short = r.title.lower()
                if short in low or r.id.removeprefix("npf-").replace("-", " ") in low:
                    add("contributesTo", r.id, text, col)
        for n in _DOCNUM.findall(text):
            if n in numbers:
                add("drivenBy", numbers[n], text, col)
        low = f" {text.lower()} "
        for title, rid in titles.items():
            if f" {title} " in low or f"({title})" in low or f" {title}," in low or f" {title}." in low:
                add("drivenBy", rid, text, col)
    return out


def driver_names(data: Data) -> tuple[dict[str, str], dict[str, str]]:
    """(drivers-document number → driver id, exact lowercased title/alias → driver id; only names of 8+
    characters or all-caps aliases of 3+, so a common word is never taken for a driver)."""
    numbers: dict[str, str] = {}
    for ed in sorted(data.editions.values(), key=lambda e: e.year):
        for en in ed.entries:
            numbers[en.number] = en.driver
    titles: dict[str, str] = {}
    for r in data.of_type("drivers"):
        for name in (r.title, *r.get("aliases", [])):
            name = str(name).strip()
            if len(name) >= 8 or (name.isupper() and len(name) >= 3):
                titles.setdefault(name.lower(), r.id)
    return numbers, titles


# ---- records --------------------------------------------------------------------------------------

def slug(text: str, n: int = 6) -> str:
    words = re.sub(r"[^a-z0-9]+", " ", text.lower()).split()
    return "-".join(words[:n]) or "x"


@dataclass
class Imported:
    plan: dict[str, Any]
    themes: list[dict[str, Any]]
    outcomes: list[dict[str, Any]]
    actions: list[dict[str, Any]]
    warnings: list[str]


def plan_records(path: Path, tables: list[Table], data: Data, partnership: str, plan_id: str, title: str | None,
                 mapping: dict[str, str]) -> Imported:
    name = path.name
    numbers, titles = driver_names(data)
    plan = {"id": plan_id, "title": title or path.stem, "kind": "action-plan", "partnership": partnership,
            "section": "whole document"}
    themes: dict[str, dict[str, Any]] = {}
    outcomes: dict[str, dict[str, Any]] = {}
    actions: list[dict[str, Any]] = []
    warnings: list[str] = []
    used_ids: set[str] = set(data.declared) | set(data.records) | {plan_id}
    if plan_id in data.declared or plan_id in data.records:
        raise DriversError(f"the plan id {plan_id} is already defined in the data folder — choose another --plan-id")

    def new_id(base: str) -> str:
        i, out = 1, base
        while out in used_ids:
            i += 1
            out = f"{base}-{i}"
        used_ids.add(out)
        return out

    found_any = False
    for t in tables:
        hdr = find_header(t, mapping)
        if hdr is None:
            if any(any(c for c in cells) for _, cells in t.rows):
                warnings.append(f"[WARN] {name} {t.name}: no header row naming an action column found in its first "
                                "25 rows; skipped (name the columns with --mapping)")
            continue
        found_any = True
        k, roles = hdr
        hrow = t.rows[k][0]
        seen_roles: dict[str, int] = {}
        for i, r in sorted(roles.items()):
            if r in seen_roles:
                warnings.append(f"[WARN] {name} {t.name} {t.row_label} {hrow}: column {i + 1} "
                                f"({t.rows[k][1][i]!r}) is a second {r} column; its text is joined to the first")
            seen_roles.setdefault(r, i)
        unplaced = [c for i, c in enumerate(t.rows[k][1]) if c and i not in roles]
        for c in unplaced:
            warnings.append(f"[WARN] {name} {t.name} {t.row_label} {hrow}: column {c!r} not recognised; its "
                            "cells are not imported (name it with --mapping)")
        # a single-cell line above the header is the table's heading: the theme when no theme column
        caption = ""
        for _, cells in t.rows[:k]:
            filled = [c for c in cells if c]
            if len(filled) == 1:
                caption = filled[0]
        theme_id = None
        if caption and "theme" not in roles.values():
            theme_id = _theme(themes, caption, f"{name} > {t.name} > heading", plan_id, partnership, new_id)
        current = {"theme": theme_id, "outcome": None, "action": None}
        last_action: dict[str, Any] | None = None
        for rownum, cells in t.rows[k + 1:]:
            if not any(cells):
                continue
            by_role: dict[str, str] = {}
            for i, r in sorted(roles.items()):
                v = cells[i] if i < len(cells) else ""
                if v:
                    by_role[r] = f"{by_role[r]}\n{v}" if r in by_role else v
            if [c for c in cells if c] == [t.rows[k][1][i] for i in range(len(cells)) if i < len(t.rows[k][1])
                                          and cells[i]]:
                continue  # the header repeated (a table over several pages)
            where = f"{name} > {t.name} > {t.row_label} {rownum}"
            if by_role.get("theme"):
                current["theme"] = _theme(themes, by_role["theme"], where, plan_id, partnership, new_id)
            if by_role.get("outcome"):
                key = by_role["outcome"]
                if key not in outcomes:
                    oid = new_id(f"{plan_id}-o{len(outcomes) + 1}")
                    outcomes[key] = {"id": oid, "title": key, "text": key, "partnership": partnership,
                                     "section": where, "links": [{"rel": "partOf",
                                                                  "to": current["theme"] or plan_id}]}
                current["outcome"] = outcomes[key]["id"]
            action_text = by_role.get("action", "")
            task = by_role.get("task", "")
            if not action_text and not task:
                if not by_role.keys() - {"theme", "outcome"} and by_role:
                    continue  # a priority (and outcome) row: it starts the rows below
                other = [c for c in cells if c]
                if len(other) == 1 and not by_role.get("lead"):
                    # a heading row inside the table: a new theme
                    current["theme"] = _theme(themes, other[0], where, plan_id, partnership, new_id)
                    continue
                warnings.append(f"[WARN] {name} {where}: no action text; not imported (cells: "
                                f"{' | '.join(c for c in cells if c)[:200]})")
                continue
            if not action_text and task and last_action is not None:
                action_title = last_action["title"]  # a blank action cell continues the action above
            else:
                action_title = action_text or task
            text = task or action_text
            parent = current["outcome"] or current["theme"] or plan_id
            n = len(actions) + 1
            rec: dict[str, Any] = {"id": new_id(f"{plan_id}-a{n}"), "title": action_title, "text": text}
            for r, f in FIELD_OF.items():
                if by_role.get(r):
                    rec[f] = by_role[r]
            rec["partnership"] = partnership
            rec["section"] = where
            links = [{"rel": "partOf", "to": parent}]
            for s in stated_links(by_role, data, numbers, titles):
                links.append({"rel": s.rel, "to": s.to, "quote": s.quote})
            rec["links"] = links
            actions.append(rec)
            last_action = rec
    if not found_any:
        raise DataError([Problem("no table with a recognisable header row (an action column and one other, "
                                 "e.g. 'Action' and 'Lead')", file=rel(path),
                                 hint="name the columns with --mapping FILE (columns: {\"Header\": action, ...})")])
    if not actions:
        raise DataError([Problem("the header was found but no action rows under it", file=rel(path),
                                 hint="check that the actions are in the column named as the action column")])
    return Imported(plan, list(themes.values()), list(outcomes.values()), actions, warnings)


def _theme(themes: dict, text: str, where: str, plan_id: str, partnership: str, new_id) -> str:
    if text not in themes:
        themes[text] = {"id": new_id(f"{plan_id}-t{len(themes) + 1}"), "title": text, "partnership": partnership,
                        "section": where, "links": [{"rel": "partOf", "to": plan_id}]}
    return themes[text]["id"]


# ---- YAML -----------------------------------------------------------------------------------------

KEYS = ("id", "title", "kind", "number", "text", "lead", "timescale", "expected_outcomes", "measure", "progress",
        "evidence", "partnership", "section", "note")


def _q(v: Any) -> str:
    if isinstance(v, int) and not isinstance(v, bool):
        return str(v)
    return yaml.dump(str(v), default_style='"', allow_unicode=True, width=1 << 30).strip()


def _rec(r: dict[str, Any]) -> list[str]:
    lines = []
    first = True
    for k in KEYS:
        if k in r and r[k] not in (None, ""):
            lines.append(f"{'  - ' if first else '    '}{k}: {_q(r[k])}")
            first = False
    if r.get("links"):
        lines.append("    links:")
        for ln in r["links"]:
            lines.append(f"      - rel: {_q(ln['rel'])}")
            lines.append(f"        to: {_q(ln['to'])}")
            if ln.get("quote"):
                lines.append(f"        quote: {_q(ln['quote'])}")
    return lines


def plan_yaml(imp: Imported, file_name: str, partnership: str, publisher: str | None) -> str:
    """The data file for the plan: source, plans, themes, outcomes, actions (SCHEMA.md), every string quoted."""
    pid = imp.plan["id"]
    lines = [f"# {imp.plan['title']}: imported by 'drivers import-plan' from {file_name}.",
             "# Texts are the file's cells verbatim; links are only those the rows state (each quotes its cell).",
             "source:",
             f"  id: {_q('src-' + pid)}",
             f"  title: {_q(imp.plan['title'])}",
             f"  publisher: {_q(publisher or partnership)}",
             f"  partnership: {_q(partnership)}",
             f"  note: {_q('Imported from ' + file_name + ' by drivers import-plan')}",
             "", "plans:"]
    lines += _rec(imp.plan)
    for section, recs in (("themes", imp.themes), ("outcomes", imp.outcomes), ("actions", imp.actions)):
        if recs:
            lines += ["", f"{section}:"]
            for r in recs:
                lines += _rec(r)
    return "\n".join(lines) + "\n"


def plan_file(data_dir: Path, plan_id: str) -> Path:
    return data_dir / "plans" / f"{plan_id}.yaml"
