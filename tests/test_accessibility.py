"""The published documents pass accessibility checks that run here.

* HTML (``document --format html``): axe-core (``npm install axe-core@4``, as ``.ci/run`` does;
  or ``$DRIVERS_AXE``) run in a real headless Chromium with the network off, WCAG 2.0/2.1/2.2 A
  and AA rules and best practices; no violations allowed.
* Word (``document --format docx``): the rules of Word's Accessibility Checker that a file can be
  checked against without Word, read from the file itself: document title and language set,
  headings in order with no level skipped, every table with a header row repeated across pages,
  every hyperlink with an external address and meaningful text, no underlined text that is not a
  link, A4 pages.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import zipfile
from pathlib import Path

import pytest

from graph.core.loader import load, load_text
from graph.publish.document import render_docx, render_html

from .chromium import CHROMEDRIVER, CHROMIUM, launch
from .conftest import DATA
from .test_browser import _axe
from .test_document import HOSTILE

_HAVE_BROWSER = Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()
_NEED = f"needs {CHROMIUM} and {CHROMEDRIVER} (Debian: apt-get install -y chromium chromium-driver)"
if not _HAVE_BROWSER and os.environ.get("DRIVERS_REQUIRE_BROWSER"):
    raise RuntimeError(_NEED)


@pytest.fixture(scope="module")
def real():
    return load(DATA)


@pytest.fixture(scope="module")
def browser():
    if not _HAVE_BROWSER:
        pytest.skip(_NEED)
    pytest.importorskip("selenium.webdriver", reason="needs selenium (the dev extra)")
    profile = tempfile.mkdtemp(prefix="a11y-chromium-")
    driver = launch(Path(profile), 1280, 800)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


def axe(driver, path: Path) -> dict:
    script = _axe()
    if script is None:
        if os.environ.get("DRIVERS_REQUIRE_BROWSER"):
            raise AssertionError("axe-core is missing: .ci/run installs it with npm (or set DRIVERS_AXE)")
        pytest.skip("needs axe-core (npm install axe-core; set DRIVERS_AXE to its axe.min.js)")
    driver.get(path.as_uri())
    driver.execute_script(script.read_text(encoding="utf-8"))
    driver.set_script_timeout(60)
    return driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa',"
        " 'best-practice']}, resultTypes: ['violations']})"
        ".then(r => done({violations: r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.slice(0, 3).map(n => n.html)})), passes: r.passes.length}))"
        ".catch(e => done({error: String(e)}));")


@pytest.mark.parametrize("which", ["real", "hostile"])
def test_html_document_has_no_axe_violations(browser, real, tmp_path: Path, which: str):
    data = real if which == "real" else load_text({"x.yaml": HOSTILE})
    page = tmp_path / "d.html"
    page.write_text(render_html(data, data.edition_for_year(2023)), encoding="utf-8")
    result = axe(browser, page)
    assert "error" not in result, result
    assert result["violations"] == [], result["violations"]
    assert result["passes"] > 10                 # axe really ran its rules
    # and the page's links are real: every web link has an address, no link is empty
    hrefs = browser.execute_script("return [...document.querySelectorAll('a')].map(a => [a.getAttribute('href'),"
                                   " a.textContent.trim() || a.getAttribute('aria-label') || ''])")
    assert all(h and t for h, t in hrefs)
    assert browser.execute_script("return document.documentElement.lang") == "en-GB"


def test_axe_finds_violations_in_a_bad_page(browser, tmp_path: Path):
    """The check can fail: a page with an empty link, a skipped heading and no language."""
    page = tmp_path / "bad.html"
    page.write_text("<!DOCTYPE html><html><head><title>x</title></head><body><h1>A</h1><h4>B</h4>"
                    "<a href='#x'></a><table><tr><td>1</td></tr></table></body></html>", encoding="utf-8")
    ids = {v["id"] for v in axe(browser, page)["violations"]}
    assert {"html-has-lang", "link-name", "heading-order"} <= ids


# --- Word ------------------------------------------------------------------------------------------

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def docx_findings(blob: bytes, tmp: Path) -> list[str]:
    """What Word's Accessibility Checker (and a publisher's checks) would flag in the file."""
    import docx
    from lxml import etree

    path = tmp / "d.docx"
    path.write_bytes(blob)
    doc = docx.Document(str(path))
    out = []
    if not doc.core_properties.title:
        out.append("no document title")
    styles = etree.fromstring(zipfile.ZipFile(path).read("word/styles.xml"))
    langs = {el.get(W + "val") for el in styles.iter(W + "lang")}
    if doc.core_properties.language != "en-GB" or langs != {"en-GB"}:
        out.append(f"language not en-GB: {doc.core_properties.language!r} {langs}")
    sec = doc.sections[0]
    if (round(sec.page_width.mm), round(sec.page_height.mm)) != (210, 297):
        out.append(f"not A4: {sec.page_width.mm:.0f} x {sec.page_height.mm:.0f} mm")
    level = 0
    for p in doc.paragraphs:
        m = re.match(r"Heading (\d)", p.style.name)
        if p.style.name == "Title":
            level = 0
        if m:
            n = int(m.group(1))
            if n > level + 1:
                out.append(f"heading level jumps from {level} to {n}: {p.text[:40]!r}")
            if not p.text.strip():
                out.append("empty heading")
            level = n
    for i, t in enumerate(doc.tables):
        trpr = t.rows[0]._tr.trPr
        if trpr is None or trpr.find(W + "tblHeader") is None:
            out.append(f"table {i + 1} has no repeated header row")
    for p in doc.paragraphs:
        for h in p.hyperlinks:
            if not h.address or not re.match(r"^https?://", h.address):
                out.append(f"hyperlink without a web address: {h.text!r}")
            if not h.text.strip() or re.fullmatch(r"(?:click )?here|link|more", h.text.strip(), re.I):
                out.append(f"hyperlink text says nothing: {h.text!r}")
        for r in p.runs:
            if r.underline and r.text.strip():
                out.append(f"underlined text that is not a link: {r.text[:40]!r}")
    body = etree.fromstring(zipfile.ZipFile(path).read("word/document.xml"))
    if not any("TOC" in (el.text or "") for el in body.iter(W + "instrText")):
        out.append("no table of contents")
    return out


def test_word_document_passes_the_accessibility_rules(real, tmp_path: Path):
    ed = real.edition_for_year(2023)
    assert docx_findings(render_docx(real, ed), tmp_path) == []


def test_word_rules_catch_a_plain_python_docx_file(tmp_path: Path):
    """The same rules on what python-docx gives by default: US Letter, en-US, no header rows, a jump."""
    import io

    import docx

    d = docx.Document()
    d.add_heading("T", 1)
    d.add_heading("Jump", 3)
    d.add_table(rows=2, cols=2)
    d.add_paragraph().add_run("looks like a link").underline = True
    buf = io.BytesIO()
    d.save(buf)
    found = "\n".join(docx_findings(buf.getvalue(), tmp_path))
    for expected in ("no document title", "language not en-GB", "not A4", "jumps from 1 to 3", "no repeated header",
                     "underlined text that is not a link", "no table of contents"):
        assert expected in found, found
