"""Action tables read from the seed text (never from the curated YAML), for the import-plan tests and benchmark.

A seed prints a table as a header line of tab-separated cells and rows of the same; the line above
(a heading such as "Action: Listening: ...") is kept as the table's caption. ``write_xlsx`` puts each
table on its own sheet (caption in row 1, a blank row, then the header: the header is never on the
first row); ``write_docx`` writes each as a Word table under its caption paragraph.
"""

from __future__ import annotations

from pathlib import Path

SEEDS = Path(__file__).resolve().parent.parent.parent / "shared" / "seeds"


def seed_dir() -> Path:
    for p in (Path("/work/shared/seeds"), SEEDS, Path(__file__).resolve().parent.parent / "data" / "seeds"):
        if p.is_dir():
            return p
    raise SystemExit("no seeds folder found")


#: (seed file prefix, a header cell of the action tables to take)
PLANS = {
    "nl-corporate-parenting": ("003", "What actions will we take"),
    "nl-neglect": ("000", "Priorities Tasks and timescale"),
    "sl-uncrc": ("002", "Clusters"),
}


def seed_tables(plan: str) -> list[tuple[str, list[list[str]]]]:
    prefix, first = PLANS[plan]
    path = next(seed_dir().glob(f"{prefix}_*.txt"))
    lines = path.read_text(encoding="utf-8").split("\n")
    tables: list[tuple[str, list[list[str]]]] = []
    i = 0
    while i < len(lines):
        cells = lines[i].split("\t")
        if first in [c.strip() for c in cells] and len(cells) > 2:
            caption = ""
            for j in range(i - 1, max(i - 4, -1), -1):
                if lines[j].strip() and "\t" not in lines[j]:
                    caption = lines[j].strip()
                    break
            rows = [cells]
            i += 1
            while i < len(lines) and ("\t" in lines[i] or not lines[i].strip()):
                if lines[i].strip() and not set(lines[i].replace("\t", "").strip()) <= set("-"):
                    rows.append(lines[i].split("\t"))
                i += 1
            tables.append((caption, rows))
        else:
            i += 1
    return tables


def write_xlsx(tables, out: Path) -> None:
    import openpyxl
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for n, (caption, rows) in enumerate(tables, 1):
        ws = wb.create_sheet(f"Table {n}")
        ws.append([caption])
        ws.append([])
        for r in rows:
            ws.append(r)
    wb.save(out)


def write_docx(tables, out: Path) -> None:
    import docx
    d = docx.Document()
    for caption, rows in tables:
        d.add_paragraph(caption)
        width = max(len(r) for r in rows)
        t = d.add_table(rows=len(rows), cols=width)
        for i, r in enumerate(rows):
            for j in range(width):
                t.cell(i, j).text = r[j] if j < len(r) else ""
    d.save(str(out))
