"""Write an edition back out as the drivers document: Markdown, HTML or Word.

The layout follows the published document: title, "Updated <month> <year>", the Summary table
by category, then the detail sections by category (with "Related plans and reports" under
governance), each entry headed by its number and title, its text, and its web links. Numbers,
titles and texts are printed as the edition records them - including a printed number that
differs from the true one (``summary_number`` / ``detail_number``) - so ``drivers ingest``
reads the output back to the same edition.

Ready to publish and accessible: headings go down one level at a time (title; Summary and each
category at level 1 in Word, 2 in HTML/Markdown; then the category tables or the subcategory;
then the entries); a web link whose address is known (:func:`link_address`: the edition's
``link_urls``, a link text that is itself an address, the driver's legislation.gov.uk path) is a
real hyperlink, one without is plain text in a "Web link" style (never underlined, so it does not
look like a link); tables have header rows (repeated on each page in Word) and captions in HTML.
The Word file is A4, in English (United Kingdom), with the title in its properties and a table of
contents field that Word fills in when the file is opened.
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


def new_subcategories(entries: list[dict[str, Any]]):
    """Each entry of a category, with the subcategory whose heading comes before it (None if none)."""
    sub = None
    for e in entries:
        starts = e.get("subcategory") if e.get("subcategory") and e["subcategory"] != sub else None
        sub = e.get("subcategory") or sub
        yield starts, e


def _summary_cells(e: dict[str, Any]) -> tuple[str, str]:
    return e.get("summary_number", e["number"]), e.get("summary_title", "")


def _detail_head(e: dict[str, Any]) -> str:
    num = e.get("detail_number", e["number"])
    return f"{num} {e['title']}" if num else e["title"]


def _paragraphs(e: dict[str, Any]) -> list[str]:
    return [p for p in (e.get("summary") or "").split("\n") if p.strip()]


_ADDRESS = re.compile(r"^(?:https?://|www\.)[^\s<>\"]+$|^[a-z0-9-]+(?:\.[a-z0-9-]+)+\.(?:uk|scot|org|com|net)/[^\s<>\"]*$",
                      re.I)
_SAFE_URL = re.compile(r"^(?:https?://|mailto:)[^\s<>\"]+$", re.I)


def link_address(data: Data, e: dict[str, Any], i: int) -> str | None:
    """The address of entry ``e``'s ``i``-th link text, where one is known: the edition's
    ``link_urls``; else the link text itself when it is a web address; else, for a link text to
    legislation.gov.uk, the driver's ``legislation`` path there. Only http(s) and mailto
    addresses are ever given."""
    urls = e.get("link_urls") or []
    url = urls[i] if i < len(urls) else ""
    text = e["links_text"][i]
    rec = data.records.get(e["driver"])
    if not url and _ADDRESS.match(text.strip()):
        url = text.strip()
        if rec is not None and rec.get("url") and rec.get("url").replace(" ", "") == url.replace(" ", ""):
            url = rec.get("url")
    if not url and rec is not None and rec.get("legislation") and "legislation.gov.uk" in text:
        url = "https://www.legislation.gov.uk" + rec.get("legislation")
    if url and not re.match(r"^[a-z]+:", url, re.I):
        url = "https://" + url
    return url if url and _SAFE_URL.match(url) else None


def _links(data: Data, e: dict[str, Any]) -> list[tuple[str, str | None]]:
    return [(t, link_address(data, e, i)) for i, t in enumerate(e.get("links_text", []))]


def _entry_level(e: dict[str, Any], base: int) -> int:
    """Entries sit one level below their category, or below their subcategory."""
    return base + (2 if e.get("subcategory") else 1)


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
        out += [f"### {SUMMARY_HEADINGS[cat]}", "", "| Number | Title |", "| --- | --- |"]
        for e in entries:
            num, title = _summary_cells(e)
            out.append(f"| {md_escape(num)} | {md_escape(title)} |")
        out.append("")
    for cat, entries in cats:
        out += [f"## {CATEGORY_HEADINGS[cat]}", ""]
        for sub, e in new_subcategories(entries):
            if sub:
                out += [f"### {SUBCATEGORY_HEADINGS[sub]}", ""]
            out += [f"{'#' * _entry_level(e, 2)} {md_escape(_detail_head(e))}", ""]
            for p in _paragraphs(e):
                out += [md_escape(p, block=True), ""]
            for link, url in _links(data, e):
                out += [f"[{md_escape(link)}](<{url}>)" if url else f"<u>{md_escape(link)}</u>", ""]
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
        body.append(f"<table>\n<caption>Summary of {esc(SUMMARY_HEADINGS[cat])}</caption>\n"
                    '<thead><tr><th scope="col">Number</th><th scope="col">Title</th></tr></thead>\n<tbody>')
        for e in entries:
            num, title = _summary_cells(e)
            href = f"#{_anchor(e['number'])}"
            if title.strip():
                body.append(f'<tr><td>{esc(num)}</td><td><a href="{href}">{esc(title)}</a></td></tr>')
            else:   # the Summary prints no title: the number links to the entry, named by its heading
                shown = num or "(none)"
                body.append(f'<tr><td><a href="{href}" aria-label="{esc(shown)}: {esc(e["title"])}">{esc(shown)}'
                            '</a></td><td></td></tr>')
        body.append("</tbody>\n</table>")
    for cat, entries in cats:
        body.append(f"<h2>{esc(CATEGORY_HEADINGS[cat])}</h2>")
        for sub, e in new_subcategories(entries):
            if sub:
                body.append(f"<h3>{esc(SUBCATEGORY_HEADINGS[sub])}</h3>")
            level = _entry_level(e, 2)
            body.append(f'<section id="{_anchor(e["number"])}">')
            body.append(f"<h{level}>{esc(_detail_head(e))}</h{level}>")
            body += [f"<p>{text_with_refs(p)}</p>" for p in _paragraphs(e)]
            used = set()
            for link, url in _links(data, e):
                if url:
                    used.add(url)
                    body.append(f'<p class="link"><a href="{esc(url)}">{esc(link)}</a></p>')
                else:
                    body.append(f'<p class="link-text">{esc(link)}</p>')
            rec = data.records.get(e["driver"])
            url = rec.get("url") if rec else None
            if url:
                href = url if re.match(r"^https?://", url) else "https://" + url
                if _SAFE_URL.match(href) and href not in used:
                    body.append(f'<p class="link"><a href="{esc(href)}">{esc(url)}</a></p>')
            body.append("</section>")
    return ("<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<title>{esc(ed.title)} {ed.year}</title>\n"
            "<style>body{font-family:sans-serif;max-width:50em;margin:auto;padding:0 1em;line-height:1.5;color:#1a1a1a}"
            "table{border-collapse:collapse}caption{text-align:left;font-weight:bold;padding:.3em 0}"
            "td,th{border:1px solid #767676;padding:.2em .5em;text-align:left;vertical-align:top}"
            "a{color:#0b4f9c}.link-text{font-style:italic}</style>\n</head>\n<body>\n<main>\n"
            + "\n".join(body) + "\n</main>\n</body>\n</html>\n")


# --- Word --------------------------------------------------------------------------------------

def _docx_setup(doc, ed: Edition, publisher: str | None) -> None:
    """A4 with 2 cm margins, English (United Kingdom), the title and author in the properties,
    a "Web link" style for link texts with no known address, and fields updated on opening."""
    import datetime

    from docx.enum.style import WD_STYLE_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    props = doc.core_properties
    fixed = datetime.datetime(ed.year, 1, 1, 0, 0, 0)
    props.title = ed.title
    props.author = publisher or ""
    props.language = "en-GB"
    props.created = props.modified = props.last_printed = fixed
    props.revision = 1
    props.last_modified_by = "drivers-graph"
    for section in doc.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.left_margin = section.right_margin = Mm(20)
        section.top_margin = section.bottom_margin = Mm(20)
    # the language of every run unless said otherwise: the document defaults and the Normal style
    styles_el = doc.styles.element
    rpr_default = styles_el.find(qn("w:docDefaults"))
    rpr = rpr_default.find(qn("w:rPrDefault")).find(qn("w:rPr")) if rpr_default is not None else None
    for el in [rpr, doc.styles["Normal"].element.get_or_add_rPr()]:
        if el is None:
            continue
        lang = el.find(qn("w:lang"))
        if lang is None:
            lang = OxmlElement("w:lang")
            el.append(lang)
        for attr in ("w:val", "w:eastAsia", "w:bidi"):
            lang.set(qn(attr), "en-GB")
    settings = doc.settings.element
    for tag in ("w:updateFields",):
        el = settings.find(qn(tag))
        if el is None:
            el = OxmlElement(tag)
            settings.append(el)
        el.set(qn("w:val"), "true")
    lang = settings.find(qn("w:themeFontLang"))
    if lang is not None:
        lang.set(qn("w:val"), "en-GB")
    web = doc.styles.add_style(WEB_LINK_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    web.base_style = doc.styles["Normal"]
    web.font.italic = True
    web.font.size = Pt(10)
    if "Hyperlink" not in [st.name for st in doc.styles]:
        link = doc.styles.add_style("Hyperlink", WD_STYLE_TYPE.CHARACTER)
        link.font.underline = True
        from docx.shared import RGBColor
        link.font.color.rgb = RGBColor(0x0B, 0x4F, 0x9C)


#: the paragraph style of a link text with no known address (read back as a link by ingest)
WEB_LINK_STYLE = "Web link"


def _toc(doc) -> None:
    """A "Contents" paragraph and a TOC field over heading levels 1-3 (Word fills it in on opening)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    doc.add_paragraph("Contents", style="TOC Heading" if "TOC Heading" in [st.name for st in doc.styles] else None)
    p = doc.add_paragraph()
    for kind, text in (("begin", None), ("instr", ' TOC \\o "1-3" \\h \\z \\u '), ("separate", None),
                       ("text", "Right-click here and choose Update Field to list the contents."), ("end", None)):
        run = OxmlElement("w:r")
        if kind in ("begin", "separate", "end"):
            fc = OxmlElement("w:fldChar")
            fc.set(qn("w:fldCharType"), kind)
            run.append(fc)
        else:
            t = OxmlElement("w:instrText" if kind == "instr" else "w:t")
            t.set(qn("xml:space"), "preserve")
            t.text = text
            run.append(t)
        p._p.append(run)


def add_hyperlink(paragraph, text: str, url: str, run_properties: list[tuple[str, str]] | None = None) -> None:
    """Append a real hyperlink (``w:hyperlink`` to an external address) to a python-docx paragraph,
    its run in the Hyperlink style, or with ``run_properties`` ((tag, w:val) pairs) instead."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    rid = paragraph.part.relate_to(url, RT.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rid)
    run = OxmlElement("w:r")
    rpr = OxmlElement("w:rPr")
    for tag, val in run_properties or [("w:rStyle", paragraph.part.document.styles["Hyperlink"].style_id)]:
        el = OxmlElement(tag)
        el.set(qn("w:val"), val)
        rpr.append(el)
    run.append(rpr)
    t = OxmlElement("w:t")
    t.set(qn("xml:space"), "preserve")
    t.text = text
    run.append(t)
    link.append(run)
    paragraph._p.append(link)


def _header_row(table) -> None:
    """Mark the first row as the header row, repeated at the top of each page."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tr = table.rows[0]._tr
    trpr = tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    trpr.append(el)
    for cell in table.rows[0].cells:
        for run in cell.paragraphs[0].runs:
            run.bold = True


def render_docx(data: Data, ed: Edition) -> bytes:
    """The document as a Word file (bytes). Deterministic: fixed dates and zip timestamps."""
    import docx
    from docx.shared import Mm

    doc = docx.Document()
    publisher = _publisher(data, ed)
    _docx_setup(doc, ed, publisher)
    doc.add_heading(ed.title, 0)
    if publisher:
        doc.add_paragraph(publisher)
    if updated := _updated(ed):
        doc.add_paragraph(updated)
    _toc(doc)
    doc.add_heading("Summary", 1)
    cats = _by_category(ed)
    for cat, entries in cats:
        doc.add_heading(SUMMARY_HEADINGS[cat], 2)
        table = doc.add_table(rows=1, cols=2)
        table.style = "Table Grid"
        table.autofit = False
        table.rows[0].cells[0].paragraphs[0].add_run("Number")
        table.rows[0].cells[1].paragraphs[0].add_run("Title")
        _header_row(table)
        for e in entries:
            num, title = _summary_cells(e)
            cells = table.add_row().cells
            cells[0].text = num
            cells[1].text = title
        table.columns[0].width, table.columns[1].width = Mm(20), Mm(150)
        for row in table.rows:
            row.cells[0].width, row.cells[1].width = Mm(20), Mm(150)
    for cat, entries in cats:
        doc.add_heading(CATEGORY_HEADINGS[cat], 1)
        for sub, e in new_subcategories(entries):
            if sub:
                doc.add_heading(SUBCATEGORY_HEADINGS[sub], 2)
            doc.add_heading(_detail_head(e), _entry_level(e, 1))
            for p in _paragraphs(e):
                doc.add_paragraph(p)
            for link, url in _links(data, e):
                if url:
                    add_hyperlink(doc.add_paragraph(), link, url)
                else:
                    doc.add_paragraph(link, style=WEB_LINK_STYLE)
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
