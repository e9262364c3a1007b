"""The annual refresh from the documents officers hold: PDF in, only real changes out, Word out.

The PDFs are ``tests/fixtures/pdf/drivers-2023.pdf`` and ``drivers-2024.pdf``, made by
``tests/fixtures/pdf/make.py`` (python-docx, then LibreOffice) in the published layout. The Word
files with tracked changes and the spreadsheets retyped by a spreadsheet program are built here.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from graph.core.loader import load
from graph.refresh.diff import diff_editions, is_empty
from graph.refresh.ingest import build_edition, compare, parse_document
from graph.refresh.ingest.readers import pdf_tables

from .conftest import SEEDS, snapshot
from .test_ingest import real, run  # noqa: F401 - the module's data fixture and CLI runner

PDF = Path(__file__).resolve().parent / "fixtures" / "pdf"
EDITIONS = Path(__file__).resolve().parent / "fixtures" / "editions"
SEED_001 = SEEDS / "001_846164effe67b3c7.txt"


# --- 1. PDF in ------------------------------------------------------------------------------------

def test_pdf_reproduces_every_field_of_the_curated_2023_edition(real):
    ed = real.edition_for_year(2023)
    result = build_edition(parse_document(PDF / "drivers-2023.pdf"), real, 2023, carry=False)
    report = compare(result, ed)
    print(f"\nPDF -> 2023: {report['matching']}/{report['fields']} fields ({report['share']:.1%})")
    assert [e["driver"] for e in result.entries] == [e.driver for e in sorted(ed.entries, key=lambda e: e.order)]
    assert report["misses"] == [], report["misses"][:5]
    # the text extract of the same document reproduces less: the PDF reader is the better input
    text = compare(build_edition(parse_document(SEED_001), real, 2023, carry=False), ed)
    assert text["matching"] < report["matching"]


def test_pdf_summary_is_read_as_a_table_and_links_as_links(real):
    doc = parse_document(PDF / "drivers-2023.pdf")
    rows = {(r.category, r.number): r.title for r in doc.rows}
    # two categories side by side, each cell its own: no scrambled or flattened rows
    assert rows[("national", "1.13")].startswith("The National CAMHS Specification (2020)")
    assert rows[("local", "2.5")] == "Health and Social Care North Lanarkshire, Strategy and Commissioning Plan 2023-26"
    assert rows[("improvement", "3.5")] == "CSP and NL Young People - Partnership Agreement and Participation Framework"
    assert rows[("national", "1.1")].endswith("revised information sharing guidance 2019")   # row broken over a page
    assert ("governance", "") not in rows                    # "Related Plans and Reports" is a heading, not a row
    d = {x.number: x for x in doc.details}
    assert d["1.1"].urls == {"Children and Young People (Scotland) Act 2014 (legislation.gov.uk)":
                             "https://www.legislation.gov.uk/asp/2014/8"}
    assert d["2.8"].links[0] == "Community Justice (Scotland) Act 2016 (legislation.gov.uk)"   # a link inside a sentence
    assert "(legislation.gov.uk) sets out the statutory duty" in d["2.8"].summary                # ... stays in it


def test_pdf_tables_gives_rows_of_cells_with_page_and_row_positions():
    tables = pdf_tables(PDF / "drivers-2023.pdf")
    assert len(tables) == 1                                  # one table over three pages
    t = tables[0]
    assert t.columns == 4 and t.pages == [1, 2, 3]
    first = t.rows[1]
    assert (first.page, first.row, first.cells[0], first.cells[2]) == (1, 1, "1.1", "2.1")
    assert [r.row for r in t.rows] == list(range(len(t.rows)))
    assert all(r.top > 0 for r in t.rows)


def test_pdf_warnings_name_the_page_and_line(data_copy: Path):
    r = run(data_copy, "ingest", str(PDF / "drivers-2023.pdf"), "--edition", "2023", "--check")
    assert r.exit_code == 0
    assert "509 of 509 fields reproduced (100.0%)" in r.stdout
    assert re.search(r"\[WARN\] \[tests/fixtures/pdf/drivers-2023\.pdf, page \d+, line \d+\] unnumbered entry "
                     r"\"Equally Safe", r.stderr) or "page" in r.stderr


@pytest.mark.parametrize("blob, message", [
    (b"%PDF-1.4\nnot really", "not a readable PDF"),
    (b"", "not a readable PDF"),
    (b"PK\x03\x04zip", "not a readable PDF"),
])
def test_bad_pdf_exits_2_names_the_file_and_writes_nothing(data_copy: Path, tmp_path: Path, blob, message):
    path = tmp_path / "drivers.pdf"
    path.write_bytes(blob)
    before = snapshot(data_copy)
    r = run(data_copy, "ingest", str(path), "--edition", "2024")
    assert r.exit_code == 2 and message in r.output and "drivers.pdf" in r.output and "Traceback" not in r.output
    assert snapshot(data_copy) == before


# --- 2. only real changes ----------------------------------------------------------------------------

def test_pdf_of_the_next_edition_diffs_to_exactly_the_real_changes(data_copy: Path):
    r = run(data_copy, "ingest", str(PDF / "drivers-2024.pdf"), "--edition", "2024")
    assert r.exit_code == 0, r.output
    d = json.loads(run(data_copy, "diff", "2023", "2024", "--format", "json").stdout)
    expected = json.loads((EDITIONS / "nl-drivers-2024.expected-diff.json").read_text(encoding="utf-8"))
    assert d == expected
    # the addresses of the links were read too, and kept where the entry is unchanged
    ed = load(data_copy).edition_for_year(2024)
    e11 = next(e for e in ed.entries if e.number == "1.1")
    assert e11.fields["link_urls"] == ["https://www.legislation.gov.uk/asp/2014/8"]


def _seed_2024(tmp_path: Path) -> Path:
    """Seed 001 as next year's text extract: the same mess, three real changes."""
    text = SEED_001.read_text(encoding="utf-8")
    for old, new in (("Updated November 2023", "Updated November 2024"),
                     ("1.12\tUNCRC (Implementation) (Scotland) Bill 2020", "1.12\tUNCRC (Incorporation) (Scotland) Act 2024"),
                     ("- 1.12 UNCRC (Incorporation) (Scotland) Bill 2020:", "- 1.12 UNCRC (Incorporation) (Scotland) Act 2024:"),
                     ("staff groups. The strategy", "staff groups. It was reviewed in 2024. The strategy")):
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    out = tmp_path / "drivers-2024.txt"
    out.write_text(text, encoding="utf-8")
    return out


def test_text_extract_of_the_next_edition_shows_only_real_changes(data_copy: Path, tmp_path: Path):
    """Entries the extract garbles the same way each year (1.13, 2.3-2.5, 2.7, 3.5) are unchanged:
    the 2023 edition remembers their source text, so its curated values carry over."""
    r = run(data_copy, "ingest", str(_seed_2024(tmp_path)), "--edition", "2024")
    assert r.exit_code == 0, r.output
    d = json.loads(run(data_copy, "diff", "2023", "2024", "--format", "json").stdout)
    assert d["added"] == d["removed"] == d["renumbered"] == d["formatting"] == []
    assert [(c["number"], c["fields"]) for c in d["changed"]] == [("1.12", ["title", "summary_title"]),
                                                                  ("2.6", ["summary"])]
    title = d["changed"][0]["changes"][0]
    assert (title["old"], title["new"]) == ("UNCRC (Incorporation) (Scotland) Bill 2020",
                                            "UNCRC (Incorporation) (Scotland) Act 2024")
    assert "It was reviewed in 2024." in d["changed"][1]["changes"][0]["new"]
    # without the remembered source text the same document shows the extraction noise as changes
    data = load(data_copy)
    noisy = build_edition(parse_document(_seed_2024(tmp_path)), data, 2024, carry=False)
    assert len(noisy.entries) == 63 and not noisy.carried


def test_reformatted_source_text_still_carries_over(data_copy: Path, tmp_path: Path):
    """Curly quotes, dashes and re-wrapped lines in next year's extract are no change."""
    text = _seed_2024(tmp_path).read_text(encoding="utf-8")
    text = text.replace("children's", "children’s").replace(" - ", " – ")
    text = text.replace("strengthens the rights of children and young people", "strengthens the rights of\nchildren "
                        "and young people")
    src = tmp_path / "reformatted.txt"
    src.write_text(text, encoding="utf-8")
    assert run(data_copy, "ingest", str(src), "--edition", "2024").exit_code == 0
    d = diff_editions(*(load(data_copy).edition_for_year(y) for y in (2023, 2024)))
    assert [c["number"] for c in d["changed"]] == ["1.12", "2.6"]


# --- 3. never wrong data silently -----------------------------------------------------------------

def _ingest_pasted(data: Path, tmp_path: Path, start_marker: str, end_marker: str):
    """Ingest seed 001 with the entry from ``start_marker`` to the end of the line holding
    ``end_marker`` pasted again at the end of the Local drivers: (the result, the line the
    original starts on)."""
    text = SEED_001.read_text(encoding="utf-8")
    start = text.index(start_marker)
    pasted = text[start:text.index("\n", text.index(end_marker, start))]
    src = tmp_path / "pasted.txt"
    src.write_text(text.replace("\nImprovement programmes\n", "\n" + pasted + "\n\nImprovement programmes\n", 1),
                   encoding="utf-8")
    r = run(data, "ingest", str(src), "--edition", "2024")
    assert r.exit_code == 0, r.output
    return r, text[:start].count("\n") + 1


def test_pasted_section_is_left_out_with_both_lines(data_copy: Path, tmp_path: Path):
    r, line_first = _ingest_pasted(data_copy, tmp_path, "- 2.2 North Lanarkshire Programme of Work:",
                                   "Programme of Work to 2028 as at March 2023.pdf")
    m = re.search(r"\[WARN\] \[[^]]*pasted\.txt:(\d+)\] entry 2\.2 .* at line (\d+) repeats the entry at line (\d+) word "
                  r"for word; the repeat is left out", r.stderr)
    assert m and m.group(1) == m.group(2) and int(m.group(3)) == line_first and int(m.group(2)) > line_first
    ed = load(data_copy).edition_for_year(2024)
    assert len(ed.entries) == 63


def test_pasted_section_is_never_another_partnerships_driver(data_copy: Path, tmp_path: Path):
    """2.3's LOIP pasted again: South Lanarkshire also has a 'Local Outcome Improvement Plan'."""
    data = load(data_copy)
    assert any(r.id.startswith("sl-") and "Local Outcome Improvement Plan" in r.title for r in data.of_type("drivers"))
    r, line_first = _ingest_pasted(data_copy, tmp_path, "- 2.3 Local Outcome Improvement Plan:",
                                   "Local Outcome Improvement Plans (northlanarkshire.gov.uk)")
    assert re.search(rf"has the same title 'Local Outcome Improvement Plan' as the entry at line {line_first}; both kept",
                     r.stderr)
    ed = load(data_copy).edition_for_year(2024)
    assert not [e.driver for e in ed.entries if e.driver.startswith("sl-")]


def test_same_title_twice_is_a_warning_with_both_lines(real, tmp_path: Path):
    text = SEED_001.read_text(encoding="utf-8")
    extra = "- 2.18 Local Outcome Improvement Plan: A second, different text about locality plans.\n"
    text = text.replace("\nImprovement programmes\n", "\n" + extra + "\nImprovement programmes\n", 1)
    src = tmp_path / "twice.txt"
    src.write_text(text, encoding="utf-8")
    doc = parse_document(src)
    result = build_edition(doc, real, 2024)
    warn = [str(w) for w in result.warnings if "same title" in str(w)]
    assert len(warn) == 1 and re.search(r"at line \d+ has the same title .* as the entry at line \d+", warn[0])
    assert not [e for e in result.entries if e["driver"].startswith("sl-")]


def _tracked_docx(path: Path) -> Path:
    """A Word file with unaccepted tracked changes: an insertion, a deletion, a deleted row."""
    import docx
    from docx.oxml import parse_xml

    W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    d = docx.Document()
    d.add_heading("Strategic drivers and plans", 0)
    d.add_paragraph("Updated October 2024")
    d.add_heading("Summary", 1)
    d.add_heading("1. National drivers", 2)
    t = d.add_table(rows=3, cols=2)
    for row, (n, title) in zip(t.rows, [("1.1", "Children and Young People (Scotland) Act 2014"),
                                        ("1.2", "Child Poverty (Scotland) Act 2017"), ("1.3", "Deleted Row Act")]):
        row.cells[0].text, row.cells[1].text = n, title
    t.rows[2]._tr.get_or_add_trPr().append(parse_xml(f'<w:del {W} w:id="9" w:author="A" w:date="2024-01-01T00:00:00Z"/>'))
    d.add_heading("National Drivers", 1)
    d.add_heading("1.1 Children and Young People (Scotland) Act 2014", 3)
    p = d.add_paragraph("This act strengthens the rights of children ")
    p._p.append(parse_xml(f'<w:ins {W} w:id="1" w:author="A" w:date="2024-01-01T00:00:00Z"><w:r><w:t xml:space="preserve">'
                          'and young people </w:t></w:r></w:ins>'))
    p._p.append(parse_xml(f'<w:del {W} w:id="2" w:author="A" w:date="2024-01-01T00:00:00Z"><w:r><w:delText xml:space='
                          '"preserve">everywhere </w:delText></w:r></w:del>'))
    p.add_run("in Scotland.")
    d.add_heading("1.2 Child Poverty (Scotland) Act 2017", 3)
    d.add_paragraph("Scottish Parliament legislation that aims to reduce child poverty.")
    out = path / "tracked.docx"
    d.save(out)
    return out


def test_docx_tracked_changes_read_as_accepted_with_a_warning(data_copy: Path, tmp_path: Path):
    src = _tracked_docx(tmp_path)
    r = run(data_copy, "ingest", str(src), "--edition", "2024")
    assert r.exit_code == 0, r.output
    assert re.search(r"\[WARN\] \[.*tracked\.docx\] the document has tracked changes \(\d+ insertions?, \d+ "
                     r"deletions?\): read as if all were accepted", r.stderr)
    ed = load(data_copy).edition_for_year(2024)
    got = {e.number: e for e in ed.entries}
    assert got["1.1"].fields["summary"] == "This act strengthens the rights of children and young people in Scotland."
    assert "everywhere" not in json.dumps([e.fields for e in ed.entries])      # deleted text never kept
    assert "1.3" not in got                                                    # nor a deleted row


def test_docx_hyperlinks_are_links_with_addresses(data_copy: Path, tmp_path: Path):
    out = tmp_path / "d.docx"
    assert run(data_copy, "document", "--edition", "2023", "--format", "docx", "--out", str(out)).exit_code == 0
    doc = parse_document(out)
    d = {x.number: x for x in doc.details}
    assert d["1.1"].urls == {"Children and Young People (Scotland) Act 2014 (legislation.gov.uk)":
                             "https://www.legislation.gov.uk/asp/2014/8"}
    assert d["1.7"].links == ["Equality Act 2010: guidance GOV.UK (www.gov.uk)"] and not d["1.7"].urls


# --- 4. spreadsheet round trip --------------------------------------------------------------------

def _retype_as_numbers(src: Path, out: Path) -> None:
    """What Excel or LibreOffice does to number-like text typed or pasted into General cells."""
    import openpyxl

    wb = openpyxl.load_workbook(src)
    ws = wb["entries"]
    col = {c.value: i + 1 for i, c in enumerate(ws[1])}
    for r in range(2, ws.max_row + 1):
        for name in ("number", "summary_number", "detail_number"):
            cell = ws.cell(r, col[name])
            if isinstance(cell.value, str) and re.fullmatch(r"\d+\.\d+", cell.value):
                cell.value, cell.number_format = float(cell.value), "General"
    wb.save(out)


def test_round_trip_in_a_year_with_a_new_driver(data_copy: Path, tmp_path: Path):
    assert run(data_copy, "ingest", str(PDF / "drivers-2024.pdf"), "--edition", "2024").exit_code == 0
    before = load(data_copy).edition_for_year(2024)
    sheet = tmp_path / "d.xlsx"
    assert run(data_copy, "export", "--edition", "2024", "--out", str(sheet)).exit_code == 0
    r = run(data_copy, "import", str(sheet), "--edition", "2024", "--force")
    assert r.exit_code == 0, r.output
    data = load(data_copy)
    after = data.edition_for_year(2024)
    assert is_empty(diff_editions(before, after)) and not diff_editions(before, after)["formatting"]
    assert "nl-whole-family-support-plan-2024-2027" in data.records      # the ingested driver still resolves
    # and into the next year too
    assert run(data_copy, "import", str(sheet), "--edition", "2025").exit_code == 0


def test_numbers_a_spreadsheet_retyped_are_recovered_with_warnings(data_copy: Path, tmp_path: Path):
    sheet, retyped = tmp_path / "d.xlsx", tmp_path / "retyped.xlsx"
    run(data_copy, "export", "--edition", "2023", "--out", str(sheet))
    _retype_as_numbers(sheet, retyped)
    r = run(data_copy, "import", str(retyped), "--edition", "2024")
    assert r.exit_code == 0, r.output
    warns = [ln for ln in r.stderr.splitlines() if ln.startswith("[WARN]")]
    assert any("sheet 'entries' row 11 cell B11: read 1.1" in w and "taken as 1.10" in w for w in warns)
    assert any("taken as 0.40" in w for w in warns)                    # 2.12's printed "0.40"
    d = diff_editions(*(load(data_copy).edition_for_year(y) for y in (2023, 2024)))
    assert is_empty(d), d


def test_unrecoverable_number_names_sheet_row_and_cell(data_copy: Path, tmp_path: Path):
    import datetime

    import openpyxl

    sheet = tmp_path / "d.xlsx"
    run(data_copy, "export", "--edition", "2023", "--out", str(sheet))
    wb = openpyxl.load_workbook(sheet)
    ws = wb["entries"]
    ws["B5"].value = datetime.datetime(2024, 10, 1)           # "1.10" read as 1 October in some locales
    wb.save(sheet)
    before = snapshot(data_copy)
    r = run(data_copy, "import", str(sheet), "--edition", "2024")
    assert r.exit_code == 2 and "sheet 'entries' row 5 cell B5: the number became a date" in r.output
    assert snapshot(data_copy) == before


def test_import_errors_point_at_the_sheet_row_not_the_unwritten_file(data_copy: Path, tmp_path: Path):
    sheet = tmp_path / "d.csv"
    run(data_copy, "export", "--edition", "2023", "--format", "csv", "--out", str(sheet))
    lines = sheet.read_bytes().decode("utf-8-sig").split("\r\n")
    lines[3] = lines[3].replace(",national,", ",nationwide,", 1)   # an unknown category on sheet row 4
    sheet.write_bytes("\r\n".join(lines).encode("utf-8"))
    r = run(data_copy, "import", str(sheet), "--edition", "2024")
    assert r.exit_code == 2, r.output
    assert f"[{sheet.name}:4]" in r.output or f"d.csv:4" in r.output
    assert "editions/nl-drivers-2024.yaml" not in r.output


def test_xlsx_number_columns_are_text(data_copy: Path, tmp_path: Path):
    import openpyxl

    sheet = tmp_path / "d.xlsx"
    run(data_copy, "export", "--edition", "2023", "--out", str(sheet))
    ws = openpyxl.load_workbook(sheet)["entries"]
    col = {c.value: c.column_letter for c in ws[1]}
    assert ws[f"{col['number']}11"].value == "1.10" and ws[f"{col['number']}11"].number_format == "@"
    assert ws.column_dimensions[col["number"]].number_format == "@"      # rows typed below stay text too
    assert ws.column_dimensions[col["source_text"]].hidden
