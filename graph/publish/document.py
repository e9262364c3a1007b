"""Write an edition back out as the drivers document: Markdown, HTML or Word.

The layout follows the published document: title, "Updated <month> <year>", the Summary table
by category, then the detail sections by category (with "Related plans and reports" under
governance), each entry headed by its number and title, its text, and its web-link texts as
underlined paragraphs. Numbers, titles and texts are printed as the edition records them —
including a printed number that differs from the true one (``summary_number`` /
``detail_number``) — so ``drivers ingest`` reads the output back to the same edition.
"""

from __future__ import annotations

import html
import io
import re
from pathlib import Path
from typing import Any

from ..refresh.editions import CATEGORY_HEADINGS, SUBCATEGORY_HEADINGS, SUMMARY_HEADINGS, edition_entries
from ..core.io import stable_zip
from ..core.model import CATEGORIES, Data, Edition
from ..core.text import md_escape

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")


def _updated(ed: Edition) -> str | None:
    m = re.match(r"^(\d{4})-(\d{2})", ed.fields.get("date") or "")
    if m and 1 <= int(m.group(2)) <= 12:
        return f"Updated {MONTHS[int(m.group(2)) - 1]} {m.group(1)}"
    return None


def _publisher(data: Data, ed: Edition) -> str | None:
    src = data.sources.get(ed.source)
    return src.fields.get("publisher") if src else None


def _by_category(ed: Edition) -> list[tuple[str, list[dict[str, Any]]]]:
    entries = edition_entries(ed)
    return [(c, [e for e in entries if e["category"] == c]) for c in CATEGORIES
            if any(e["category"] == c for e in entries)]


def _summary_cells(e: dict[str, Any]) -> tuple[str, str]:
    return e.get("summary_number", e["number"]), e.get("summary_title", "")


def _detail_head(e: dict[str, Any]) -> str:
    num = e.get("detail_number", e["number"])
    return f"{num} {e['title']}" if num else e["title"]


def _paragraphs(e: dict[str, Any]) -> list[str]:
    return [p for p in (e.get("summary") or "").split("\n") if p.strip()]


# --- Markdown ----------------------------------------------------------------------------------

def render_markdown(data: Data, ed: Edition) -> str:
    out = [f"# {md_escape(ed.title)}", ""]
    if publisher := _publisher(data, ed):
        out += [md_escape(publisher, block=True), ""]
    if updated := _updated(ed):
        out += [updated, ""]
    out += ["## Summary", ""]
    cats = _by_category(ed)
    for cat, entries in cats:
        out += [f"### {SUMMARY_HEADINGS[cat]}", "", "| number | title |", "| --- | --- |"]
        for e in entries:
            num, title = _summary_cells(e)
            out.append(f"| {md_escape(num)} | {md_escape(title)} |")
        out.append("")
    for cat, entries in cats:
        out += [f"## {CATEGORY_HEADINGS[cat]}", ""]
        sub = None
        for e in entries:
            if e.get("subcategory") and e["subcategory"] != sub:
                sub = e["subcategory"]
                out += [f"### {SUBCATEGORY_HEADINGS[sub]}", ""]
            out += [f"#### {md_escape(_detail_head(e))}", ""]
            for p in _paragraphs(e):
                out += [md_escape(p, block=True), ""]
            for link in e.get("links_text", []):
                out += [f"<u>{md_escape(link)}</u>", ""]
    return "\n".join(out).rstrip("\n") + "\n"


# --- HTML --------------------------------------------------------------------------------------

def _anchor(number: str) -> str:
    return "entry-" + number.replace(".", "-")


def render_html(data: Data, ed: Edition) -> str:
    esc = html.escape
    numbers = {e.number for e in ed.entries}

    def text_with_refs(p: str) -> str:
        out, pos = [], 0
        for m in re.finditer(r"\b(\d{1,2}\.\d{1,2})\b", p):
            before = p[:m.start()]
            if m.group(1) in numbers and before.count("(") > before.count(")"):
                out.append(esc(p[pos:m.start()]))
                out.append(f'<a href="#{_anchor(m.group(1))}">{esc(m.group(1))}</a>')
                pos = m.end()
        out.append(esc(p[pos:]))
        return "".join(out)

    body = [f"<h1>{esc(ed.title)}</h1>"]
    if publisher := _publisher(data, ed):
        body.append(f"<p>{esc(publisher)}</p>")
    if updated := _updated(ed):
        body.append(f"<p>{esc(updated)}</p>")
    body.append("<h2>Summary</h2>")
    cats = _by_category(ed)
    for cat, entries in cats:
        body.append(f"<h3>{esc(SUMMARY_HEADINGS[cat])}</h3>")
        body.append("<table>\n<thead><tr><th>number</th><th>title</th></tr></thead>\n<tbody>")
        for e in entries:
            num, title = _summary_cells(e)
            body.append(f'<tr><td>{esc(num)}</td><td><a href="#{_anchor(e["number"])}">{esc(title)}</a></td></tr>')
        body.append("</tbody>\n</table>")
    for cat, entries in cats:
        body.append(f"<h2>{esc(CATEGORY_HEADINGS[cat])}</h2>")
        sub = None
        for e in entries:
            if e.get("subcategory") and e["subcategory"] != sub:
                sub = e["subcategory"]
                body.append(f"<h3>{esc(SUBCATEGORY_HEADINGS[sub])}</h3>")
            body.append(f'<section id="{_anchor(e["number"])}">')
            body.append(f"<h4>{esc(_detail_head(e))}</h4>")
            body += [f"<p>{text_with_refs(p)}</p>" for p in _paragraphs(e)]
            rec = data.records.get(e["driver"])
            url = rec.get("url") if rec else None
            for link in e.get("links_text", []):
                body.append(f'<p class="link"><u>{esc(link)}</u></p>')
            if url:
                href = url if re.match(r"^https?://", url) else "https://" + url
                body.append(f'<p class="link"><a href="{esc(href)}">{esc(url)}</a></p>')
            body.append("</section>")
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{esc(ed.title)} {ed.year}</title>\n"
            "<style>body{font-family:sans-serif;max-width:50em;margin:auto}table{border-collapse:collapse}"
            "td,th{border:1px solid #999;padding:.2em .5em;text-align:left}</style>\n</head>\n<body>\n"
            + "\n".join(body) + "\n</body>\n</html>\n")


# --- Word --------------------------------------------------------------------------------------

def render_docx(data: Data, ed: Edition) -> bytes:
    """The document as a Word file (bytes). Deterministic: fixed dates and zip timestamps."""
    import datetime

    import docx
    from docx.shared import Pt

    doc = docx.Document()
    props = doc.core_properties
    fixed = datetime.datetime(ed.year, 1, 1, 0, 0, 0)
    publisher = _publisher(data, ed)
    props.title = ed.title
    props.author = publisher or ""
    props.created = props.modified = props.last_printed = fixed
    props.revision = 1
    props.last_modified_by = "drivers-graph"
    doc.add_heading(ed.title, 0)
    if publisher:
        doc.add_paragraph(publisher)
    if updated := _updated(ed):
        doc.add_paragraph(updated)
    doc.add_heading("Summary", 1)
    cats = _by_category(ed)
    for cat, entries in cats:
        doc.add_heading(SUMMARY_HEADINGS[cat], 2)
        table = doc.add_table(rows=1, cols=2)
        table.style = "Table Grid"
        table.rows[0].cells[0].text = "number"
        table.rows[0].cells[1].text = "title"
        for e in entries:
            num, title = _summary_cells(e)
            cells = table.add_row().cells
            cells[0].text = num
            cells[1].text = title
    for cat, entries in cats:
        doc.add_heading(CATEGORY_HEADINGS[cat], 1)
        sub = None
        for e in entries:
            if e.get("subcategory") and e["subcategory"] != sub:
                sub = e["subcategory"]
                doc.add_heading(SUBCATEGORY_HEADINGS[sub], 2)
            doc.add_heading(_detail_head(e), 3)
            for p in _paragraphs(e):
                doc.add_paragraph(p)
            for link in e.get("links_text", []):
                run = doc.add_paragraph().add_run(link)
                run.underline = True
                run.font.size = Pt(10)
    buf = io.BytesIO()
    doc.save(buf)
    return stable_zip(buf.getvalue(), f"{ed.year}-01-01T00:00:00Z")


FORMATS = ("md", "html", "docx")


def write_document(data: Data, ed: Edition, fmt: str, out: Path) -> Path:
    """Write the edition as ``fmt`` to ``out`` (atomically)."""
    from ..core.io import atomic_path, write_text

    if fmt == "docx":
        blob = render_docx(data, ed)
        with atomic_path(out) as tmp:
            tmp.write_bytes(blob)
    elif fmt == "html":
        write_text(out, render_html(data, ed))
    else:
        write_text(out, render_markdown(data, ed))
    return out
