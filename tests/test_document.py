"""The drivers document written back out: Markdown, HTML and Word."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from graph.publish.document import md_escape, render_docx, render_html, render_markdown
from graph.core.loader import load, load_text

from .conftest import DATA


@pytest.fixture(scope="module")
def real():
    return load(DATA)


HOSTILE = """source: {id: src-x, title: "Strategic drivers and plans", partnership: north, publisher: "North <b>P</b>"}
partnerships:
  - {id: north, title: "North", section: "Cover"}
drivers:
  - {id: act-a, title: "Alpha Act", kind: act, section: "1.1", url: "www.example.org/a"}
  - {id: plan-b, title: "Beta Plan", kind: plan, section: "2.1"}
editions:
  - id: north-2023
    year: 2023
    title: "Strategic drivers and plans"
    partnership: north
    date: "2023-11"
    entries:
      - number: "1.1"
        driver: act-a
        category: national
        summary_title: "Alpha <script>alert(1)</script> | *bold*"
        title: "Alpha [link](javascript:x) Act"
        summary: "# not a heading\\n- not a bullet, see the plan (2.1)\\n1. not a list <img src=x onerror=y>"
        links_text: ["Alpha & co <u>x</u> (gov.scot)"]
      - number: "2.1"
        driver: plan-b
        category: local
        summary_number: "0.40"
        title: "Beta Plan"
        detail_number: ""
        summary: "Beta."
"""


@pytest.fixture(scope="module")
def hostile():
    data = load_text({"x.yaml": HOSTILE})
    return data, data.edition_for_year(2023)


def test_markdown_layout_follows_the_published_document(real):
    ed = real.edition_for_year(2023)
    md = render_markdown(real, ed)
    heads = [line for line in md.splitlines() if line.startswith("## ")]
    assert heads == ["## Summary", "## National Drivers", "## Local drivers", "## Improvement programmes",
                     "## Governance planning and delivery"]
    assert "Updated November 2023" in md
    assert "### Related plans and reports" in md
    # the Summary prints the numbers as published, including the garbled ones
    assert "| 1.6 | Equality Act 2010 |" in md and "| 0.40 | North Lanarkshire Partnership, Act Now" in md
    # detail sections in published order, one heading level below their category or subcategory
    order = re.findall(r"^(#{3,4}) (\d+\.\d+) ", md, re.M)
    printed = [e for e in sorted(ed.entries, key=lambda e: e.order) if e.fields.get("detail_number") != ""]
    assert [n for _, n in order] == [e.number for e in printed]
    assert {n for h, n in order if h == "####"} == {"4.12", "4.13", "4.14", "4.15"}    # under the subcategory
    # entries the document prints unnumbered (1.21, 3.9) stay unnumbered
    assert len(printed) == len(ed.entries) - 2
    assert "### Equally Safe: Scotland's strategy" in md and "### Whole Family Wellbeing Fund" in md
    # a link with a known address is a link; one without stays marked as a link text
    assert "[Children and Young People (Scotland) Act 2014 (legislation.gov.uk)](<https://www.legislation.gov.uk/asp/" \
           "2014/8>)" in md
    assert "<u>Equality Act 2010: guidance GOV.UK (www.gov.uk)</u>" in md


def test_markdown_escapes_text_from_the_data(hostile):
    data, ed = hostile
    md = render_markdown(data, ed)
    assert "<script>" not in md and "\\<script\\>" in md
    assert "\\[link\\](javascript:x)" in md and "\\*bold\\*" in md and "\\|" in md
    assert "\n\\# not a heading\n" in md and "\n\\- not a bullet" in md and "\n1\\. not a list" in md
    assert "### Beta Plan" in md and "| 0.40 |" in md        # unnumbered detail, garbled summary number
    assert md_escape("a_b") == "a\\_b"


def test_html_escapes_and_links_cross_references(hostile):
    data, ed = hostile
    page = render_html(data, ed)
    assert "<script>alert" not in page and "&lt;script&gt;" in page
    assert "<img" not in page and "North &lt;b&gt;P&lt;/b&gt;" in page
    assert '<a href="#entry-2-1">2.1</a>' in page            # "(2.1)" links to the entry
    assert '<section id="entry-1-1">' in page and 'href="https://www.example.org/a"' in page
    # a link text with no address is not dressed as a link
    assert '<p class="link-text">Alpha &amp; co &lt;u&gt;x&lt;/u&gt; (gov.scot)</p>' in page and "<u>" not in page


def test_docx_is_a_real_word_file_with_the_same_structure(real, tmp_path: Path):
    import docx

    ed = real.edition_for_year(2023)
    blob = render_docx(real, ed)
    assert blob == render_docx(real, ed)                     # deterministic bytes
    path = tmp_path / "d.docx"
    path.write_bytes(blob)
    doc = docx.Document(str(path))
    heads = [p.text for p in doc.paragraphs if p.style.name in ("Heading 2", "Heading 3")
             and (re.match(r"\d+\.\d+ ", p.text) or p.text.startswith(("Equally", "Whole")))]
    assert heads[0].startswith("1.1 Children and Young People") and len(heads) == 63
    assert sum(len(t.rows) - 1 for t in doc.tables) == 63
    links = {h.text: h.address for p in doc.paragraphs for h in p.hyperlinks}
    assert links["Children and Young People (Scotland) Act 2014 (legislation.gov.uk)"] == \
        "https://www.legislation.gov.uk/asp/2014/8"
    web = [p.text for p in doc.paragraphs if p.style.name == "Web link"]
    assert "Equality Act 2010: guidance GOV.UK (www.gov.uk)" in web
    assert not [p.text for p in doc.paragraphs if p.style.name == "Web link" and any(r.underline for r in p.runs)]
    assert doc.core_properties.title == "Strategic drivers and plans"


@pytest.mark.parametrize("fmt", ["md", "html", "docx"])
def test_cli_document_writes_the_file(tmp_path: Path, fmt: str):
    out = tmp_path / f"d.{fmt}"
    r = CliRunner().invoke(main, ["--data", str(DATA), "document", "--edition", "2023", "--format", fmt,
                                  "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert out.stat().st_size > 10_000 and "63 entries" in r.output


def test_cli_document_unknown_edition_and_unwritable(tmp_path: Path):
    r = CliRunner().invoke(main, ["--data", str(DATA), "document", "--edition", "1999", "--out",
                                  str(tmp_path / "x.md")])
    assert r.exit_code == 2 and "no edition for 1999" in r.output and not (tmp_path / "x.md").exists()
    blocker = tmp_path / "file"
    blocker.write_text("x")
    r = CliRunner().invoke(main, ["--data", str(DATA), "document", "--edition", "2023", "--out",
                                  str(blocker / "x.md")])
    assert r.exit_code == 2 and "Traceback" not in r.output
    assert json.dumps(r.output)
