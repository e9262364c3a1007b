"""A plan as one spreadsheet (``drivers export-plan``), in the shape ``drivers import-plan`` reads back.

One row per action: its priority (theme), outcome, action (title), task (text when it differs),
lead, timescale, measure and the other verbatim fields, then the stated links' quoted cells in the
column their kind belongs to (UNCRC, QI, SHANARRI, Promise, NPF, Drivers). Importing the sheet
gives the same records (ids, texts, links, quotes); only each record's ``section`` (file and row)
names the new file. Deterministic: fixed workbook dates, rows in the plan's order.
"""

from __future__ import annotations

from pathlib import Path

from ..core.errors import UnknownId
from ..core.io import atomic_path, stable_zip
from ..core.model import Data, Record

COLUMNS = ["No", "Priority", "Outcome", "Action", "Task", "Lead", "Timescale", "Expected outcomes", "Measure",
           "Progress", "Evidence", "UNCRC", "QI", "SHANARRI", "Promise", "NPF", "Drivers"]
FIELDS = {"No": "number", "Lead": "lead", "Timescale": "timescale", "Expected outcomes": "expected_outcomes",
          "Measure": "measure", "Progress": "progress", "Evidence": "evidence"}


def _link_column(data: Data, rel: str, to: str) -> str:
    t = data.records.get(to)
    sec = t.type.section if t else ""
    if rel == "upholdsRight":
        return "UNCRC"
    if rel == "qualityIndicator":
        return "QI"
    if sec == "wellbeing":
        return "SHANARRI"
    if sec in ("promise_foundations", "promise_priorities"):
        return "Promise"
    if sec == "national_outcomes":
        return "NPF"
    return "Drivers"


def plan_rows(data: Data, plan_id: str) -> list[dict[str, str]]:
    """The plan's actions as rows of :data:`COLUMNS`, in the file's order."""
    plan = data.records.get(plan_id)
    if plan is None or plan.type.section != "plans":
        raise UnknownId(f"no plan with id {plan_id} — list them with: drivers list plans")

    def parent(r: Record) -> str | None:
        return next((ln.to for ln in r.links if ln.rel == "partOf"), None)

    members: dict[str, Record] = {}
    frontier = {plan_id}
    while frontier:
        nxt = set()
        for r in data.records.values():
            if r.id not in members and parent(r) in frontier:
                members[r.id] = r
                nxt.add(r.id)
        frontier = nxt
    actions = sorted((r for r in members.values() if r.type.section == "actions"), key=lambda r: (r.file or "",
                                                                                                 r.line or 0))
    rows = []
    # first the priorities and outcomes in the file's order (one row each), so that those without
    # actions come back too and the import numbers them as before
    for r in sorted((m for m in members.values() if m.type.section in ("themes", "outcomes")),
                    key=lambda m: (m.type.section != "themes", m.file or "", m.line or 0)):
        row = {c: "" for c in COLUMNS}
        if r.type.section == "themes":
            row["Priority"] = r.title
        else:
            up = data.records.get(_parent_of(r) or "")
            row["Priority"] = up.title if up is not None and up.type.section == "themes" else ""
            row["Outcome"] = r.title
        rows.append(row)
    for a in actions:
        row = {c: "" for c in COLUMNS}
        up = data.records.get(parent(a) or "")
        while up is not None and up.id != plan_id:
            if up.type.section == "outcomes" and not row["Outcome"]:
                row["Outcome"] = up.title
            if up.type.section == "themes" and not row["Priority"]:
                row["Priority"] = up.title
            up = data.records.get(parent(up) or "")
        row["Action"] = a.title
        text = a.get("text") or a.title
        row["Task"] = text if text != a.title else ""
        for c, f in FIELDS.items():
            row[c] = str(a.get(f) or "")
        cells = set(row.values())
        for ln in a.links:
            if ln.rel in ("partOf", "ledBy") or not ln.quote or ln.quote in cells:
                continue
            col = _link_column(data, ln.rel, ln.to)
            row[col] = f"{row[col]}\n{ln.quote}" if row[col] else ln.quote
            cells.add(ln.quote)
        rows.append(row)
    return rows


def _parent_of(r: Record) -> str | None:
    return next((ln.to for ln in r.links if ln.rel == "partOf"), None)


def write_plan_sheet(data: Data, plan_id: str, out: Path) -> int:
    """Write the plan's sheet to ``out`` (.xlsx) atomically; the number of action rows."""
    from io import BytesIO

    import openpyxl
    from openpyxl.styles import Alignment, Font
    rows = plan_rows(data, plan_id)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Plan"
    ws.append([data.records[plan_id].title])
    ws.append([])
    ws.append(COLUMNS)
    for c in ws[3]:
        c.font = Font(bold=True)
    for r in rows:
        ws.append([r[c] or None for c in COLUMNS])
    for row in ws.iter_rows(min_row=4):
        for c in row:
            c.alignment = Alignment(wrap_text=True, vertical="top")
    wb.properties.creator = "drivers export-plan"
    buf = BytesIO()
    wb.save(buf)
    blob = stable_zip(buf.getvalue(), "2000-01-01T00:00:00Z")
    with atomic_path(out) as tmp:
        tmp.write_bytes(blob)
    return sum(1 for r in rows if r["Action"])
