"""Spreadsheet round trip (xlsx/csv) with stable driver ids, and formula-injection guards."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from graph.core.loader import load
from graph.publish.spreadsheet import guard, unguard

from .conftest import snapshot


def run(data: Path, *args: str):
    return CliRunner().invoke(main, ["--data", str(data), *args], catch_exceptions=False)


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_export_then_import_round_trips_to_an_empty_diff(data_copy: Path, tmp_path: Path, fmt: str):
    sheet = tmp_path / f"drivers.{fmt}"
    r = run(data_copy, "export", "--edition", "2023", "--format", fmt, "--out", str(sheet))
    assert r.exit_code == 0 and "63 entries" in r.output
    r = run(data_copy, "import", str(sheet), "--edition", "2024")
    assert r.exit_code == 0, r.output
    r = run(data_copy, "diff", "2023", "2024", "--format", "json")
    d = json.loads(r.stdout)
    assert d["added"] == d["removed"] == d["changed"] == d["renumbered"] == []
    data = load(data_copy)
    assert [e.driver for e in data.edition_for_year(2024).entries] == \
        [e.driver for e in data.edition_for_year(2023).entries]


def test_xlsx_is_deterministic_and_readable(data_copy: Path, tmp_path: Path):
    import openpyxl

    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    run(data_copy, "export", "--edition", "2023", "--out", str(a))
    run(data_copy, "export", "--edition", "2023", "--out", str(b))
    assert a.read_bytes() == b.read_bytes()
    ws = openpyxl.load_workbook(a)["entries"]
    header = [c.value for c in ws[1]]
    assert header[:4] == ["edition", "number", "driver", "category"]
    row = {h: c.value for h, c in zip(header, ws[2])}
    assert (row["number"], row["driver"]) == ("1.1", "cyp-act-2014")


def test_edits_in_the_sheet_come_back_with_stable_ids(data_copy: Path, tmp_path: Path):
    import openpyxl

    sheet = tmp_path / "drivers.xlsx"
    run(data_copy, "export", "--edition", "2023", "--out", str(sheet))
    wb = openpyxl.load_workbook(sheet)
    ws = wb["entries"]
    header = [c.value for c in ws[1]]
    col = {h: i + 1 for i, h in enumerate(header)}
    for row in range(2, ws.max_row + 1):
        if ws.cell(row, col["number"]).value == "1.12":
            ws.cell(row, col["title"]).value = "=HYPERLINK(\"http://evil\",\"UNCRC Act 2024\")"
    ws.append(["", "2.18", "", "local", "", "", "", "New Local Plan 2024-27", "", "A new plan.", "", "", "", "", ""])
    wb.save(sheet)
    r = run(data_copy, "import", str(sheet), "--edition", "2024")
    assert r.exit_code == 0, r.output
    d = json.loads(run(data_copy, "diff", "2023", "2024", "--format", "json").stdout)
    assert [(c["number"], c["title"], c["driver"], c["fields"]) for c in d["changed"]] == [
        ("1.12", "=HYPERLINK(\"http://evil\",\"UNCRC Act 2024\")", "uncrc-incorporation-bill-2020", ["title"])]
    assert [a["driver"] for a in d["added"]] == ["new-local-plan-2024-27"]
    new = load(data_copy).records["new-local-plan-2024-27"]
    assert "created by import" in new.get("note")
    # exporting the edited edition guards the formula-looking title
    out = tmp_path / "again.csv"
    run(data_copy, "export", "--edition", "2024", "--format", "csv", "--out", str(out))
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert next(r for r in rows if r["number"] == "1.12")["title"].startswith("'=HYPERLINK")


@pytest.mark.parametrize("text", ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "'=x", "plain", "", "a=b"])
def test_guard_makes_formulas_inert_and_unguard_restores(text: str):
    g = guard(text)
    assert not g.startswith(("=", "+", "-", "@"))
    assert unguard(g) == text


def test_formula_cells_in_xlsx_are_text_not_formulas(data_copy: Path, tmp_path: Path):
    import openpyxl

    csv_in = tmp_path / "in.csv"
    run(data_copy, "export", "--edition", "2023", "--format", "csv", "--out", str(csv_in))
    text = csv_in.read_text(encoding="utf-8-sig").replace("Equality Act 2010", "=cmd|' /C calc'!A0", 1)
    csv_in.write_text(text, encoding="utf-8")
    assert run(data_copy, "import", str(csv_in), "--edition", "2024").exit_code == 0
    out = tmp_path / "out.xlsx"
    run(data_copy, "export", "--edition", "2024", "--out", str(out))
    ws = openpyxl.load_workbook(out)["entries"]
    values = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str) and "calc" in c.value]
    assert values and all(v.startswith("'=") for v in values)
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)


def test_bad_sheets_exit_2_and_write_nothing(data_copy: Path, tmp_path: Path):
    before = snapshot(data_copy)
    sheet = tmp_path / "s.csv"
    run(data_copy, "export", "--edition", "2023", "--format", "csv", "--out", str(sheet))
    sheet.write_text(sheet.read_text(encoding="utf-8-sig").replace("cyp-act-2014", "no-such-driver"), encoding="utf-8")
    r = run(data_copy, "import", str(sheet), "--edition", "2024")
    assert r.exit_code == 2 and "row 2: unknown driver id 'no-such-driver'" in r.output
    r = run(data_copy, "import", str(sheet), "--edition", "2023")
    assert r.exit_code == 2 and "already exists" in r.output
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"not a zip")
    r = run(data_copy, "import", str(bad), "--edition", "2024")
    assert r.exit_code == 2 and "not a readable .xlsx" in r.output
    headerless = tmp_path / "h.csv"
    headerless.write_text("a,b\n1,2\n", encoding="utf-8")
    r = run(data_copy, "import", str(headerless), "--edition", "2024")
    assert r.exit_code == 2 and "header row lacks" in r.output
    assert snapshot(data_copy) == before
