"""A PDF as the parser's lines, read with pdfplumber: tables as tables, hyperlinks as links.

pdfplumber was chosen on measured evidence (``python benchmarks/pdf_libraries.py``): of the
three maintained libraries tried on the drivers document in its published layout, it is the one
that finds the ruled Summary table's cells (pypdf and pypdfium2 give only text, where the two
categories side by side run into each other) and gives each word's position, so the link
annotations' rectangles pick out exactly the linked words.

Two layers:

* :func:`pdf_tables` - every ruled table as rows of cells, each row with its page and its
  position (row index in the table, top in points); a table that runs over a page break is one
  table. Reusable by any reader of tabular PDFs (plans' action tables as well as the Summary).
* :func:`pdf_lines` - the document as the parser's lines: text outside tables one paragraph a
  line (wrapped lines joined, a blank line between paragraphs), headings (larger type) as '#'
  lines, bullets as '- ', table rows as tab-separated cells, linked words as
  ``<a href="URL">text</a>``. Each line remembers its page and its line on that page.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ....core.errors import DataError, Problem, rel
from .reading import Reading

BULLETS = ("•", "●", "▪", "◦", "–", "-", "", "o", "·")
#: extra vertical gap (in line heights, over the usual gap between lines) that starts a new paragraph
PARA_GAP = 0.35
#: a line that stops short of the right edge by more than this share of the text width ends its paragraph
FULL_LINE = 0.12


@dataclass(frozen=True)
class TableRow:
    """One row of a PDF table: its cells' text, the page (from 1), its index in the table and its top."""

    page: int
    row: int
    top: float
    cells: tuple[str, ...]


@dataclass
class PdfTable:
    """A ruled table: its rows in order (over one or more pages) and where it starts."""

    page: int
    top: float
    columns: int
    rows: list[TableRow] = field(default_factory=list)

    @property
    def pages(self) -> list[int]:
        return sorted({r.page for r in self.rows})


def _open(path: Path):
    name = rel(path)
    try:
        import pdfplumber
        from pdfminer.pdfparser import PDFSyntaxError
    except ImportError:  # pragma: no cover - pdfplumber is a dependency
        raise DataError([Problem("pdfplumber is not installed", file=name,
                                 hint="install the package with its dependencies")]) from None
    if not path.is_file():  # missing, or a folder: say so (not "open it and save it again")
        from ....core.io import read_bytes
        read_bytes(path)
    try:
        pdf = pdfplumber.open(str(path))
        pdf.pages  # noqa: B018 - parses the page tree
    except (PDFSyntaxError, OSError, ValueError, KeyError, TypeError) as exc:
        raise DataError([Problem(f"not a readable PDF ({type(exc).__name__})", file=name,
                                 hint="open it and save or print it again as PDF, or give a Word .docx")]) from None
    except Exception as exc:  # pdfminer raises its own types for encrypted or broken files
        kind = type(exc).__name__
        hint = ("remove the password (print to PDF again) and try again" if "Encrypt" in kind or "Password" in kind
                else "open it and save or print it again as PDF, or give a Word .docx")
        raise DataError([Problem(f"not a readable PDF ({kind})", file=name, hint=hint)]) from None
    return pdf


def _cell(text: str | None) -> str:
    """A cell's lines as one line; a line broken after a hyphen inside a word ('2023-' / '25')
    joins without a space."""
    lines = [ln.strip() for ln in (text or "").split("\n") if ln.strip()]
    out = ""
    for ln in lines:
        out = out + ln if re.search(r"\S-$", out) else f"{out} {ln}".strip()
    return " ".join(out.split())


def _page_tables(page) -> list[Any]:
    return sorted(page.find_tables(), key=lambda t: (t.bbox[1], t.bbox[0]))


def pdf_tables(path: Path) -> list[PdfTable]:
    """Every ruled table in the PDF, as rows of cells with page and row positions.

    A table that begins at the top of a page with the same number of columns as a table that
    ended the page before continues it (tables broken over a page). Merged cells give "" for the
    cells they cover.
    """
    pdf = _open(path)
    try:
        return _tables_of(pdf)[0]
    finally:
        pdf.close()


def _tables_of(pdf) -> tuple[list[PdfTable], dict[int, list[tuple[tuple[float, float, float, float], PdfTable, list[TableRow]]]]]:
    tables: list[PdfTable] = []
    by_page: dict[int, list] = {}
    last_bottom_gap = None
    for pno, page in enumerate(pdf.pages, start=1):
        found = _page_tables(page)
        for k, t in enumerate(found):
            rows = t.extract()
            ncols = max((len(r) for r in rows), default=0)
            first_text_top = min((w["top"] for w in page.extract_words() if w["bottom"] <= t.bbox[1]), default=None)
            continues = bool(k == 0 and tables and tables[-1].columns == ncols and tables[-1].rows
                         and tables[-1].rows[-1].page == pno - 1 and last_bottom_gap is not None
                         and first_text_top is None)
            table = tables[-1] if continues else PdfTable(pno, t.bbox[1], ncols)
            if not continues:
                tables.append(table)
            mine = []
            for i, (cells, cell_box) in enumerate(zip(rows, t.rows)):
                row = TableRow(pno, len(table.rows), round(cell_box.bbox[1], 1), tuple(_cell(c) for c in cells))
                if continues and i == 0 and _split_row(table.rows[-1], row):
                    # the row broke over the page: its cells run on from the last row of the page before
                    prev = table.rows[-1]
                    joined = TableRow(prev.page, prev.row, prev.top, tuple(
                        f"{a} {b}".strip() for a, b in zip(prev.cells, row.cells)))
                    table.rows[-1] = joined
                    for _, _, rows_before in by_page.get(prev.page, []):
                        for j, r in enumerate(rows_before):
                            if r is prev:
                                rows_before[j] = joined
                    continue
                table.rows.append(row)
                mine.append(row)
            by_page.setdefault(pno, []).append((t.bbox, table, mine))
            last_bottom_gap = page.height - t.bbox[3] if k == len(found) - 1 else None
        if not found:
            last_bottom_gap = None
        elif by_page[pno][-1][0][3] < page.height * 0.8:
            last_bottom_gap = None
    return tables, by_page


def _split_row(prev: TableRow, row: TableRow) -> bool:
    """Is ``row`` (first on its page) the rest of ``prev`` (last on the page before)? Its first cell
    is empty where ``prev``'s is not, it has text only in columns where ``prev`` has text, and no
    column holds a number-like key in both (that would be a row of its own)."""
    if row.cells[:1] != ("",) or not prev.cells[:1] or not prev.cells[0]:
        return False
    if not any(row.cells):
        return False
    for a, b in zip(prev.cells, row.cells):
        if b and not a:
            return False
        if a and b and re.fullmatch(r"[\d.·]+", a) and re.fullmatch(r"[\d.·]+", b):
            return False
    return True


def _inside(box, x: float, y: float) -> bool:
    return box[0] - 1 <= x <= box[2] + 1 and box[1] - 1 <= y <= box[3] + 1


def _is_bold(fontname: str) -> bool:
    return bool(re.search(r"bold|black|heavy|semibold", fontname or "", re.I))


def pdf_lines(path: Path) -> Reading:
    """The PDF as the parser's lines (see the module doc); raises :class:`DataError` if unreadable."""
    name = rel(path)
    pdf = _open(path)
    try:
        if not pdf.pages:
            raise DataError([Problem("the PDF has no pages", file=name, hint="give the published document")])
        tables, by_page = _tables_of(pdf)
        items: list[tuple[int, float, str, Any]] = []    # (page, top, kind, payload)
        sizes: list[float] = []
        pages_words = []
        for pno, page in enumerate(pdf.pages, start=1):
            boxes = [b for b, _, _ in by_page.get(pno, [])]
            words = [w for w in page.extract_words(extra_attrs=["size", "fontname"], use_text_flow=True)
                     if not any(_inside(b, (w["x0"] + w["x1"]) / 2, (w["top"] + w["bottom"]) / 2) for b in boxes)]
            links = [(i, (h["x0"], h["top"], h["x1"], h["bottom"]), h.get("uri")) for i, h in enumerate(page.hyperlinks)
                     if h.get("uri")]
            for w in words:
                cx, cy = (w["x0"] + w["x1"]) / 2, (w["top"] + w["bottom"]) / 2
                w["link"] = next(((pno, i), uri) for i, box, uri in links if _inside(box, cx, cy)) \
                    if any(_inside(box, cx, cy) for _, box, _ in links) else None
                sizes.append(round(w["size"], 1))
            pages_words.append(words)
            for box, table, rows in by_page.get(pno, []):
                for r in rows:
                    items.append((pno, r.top, "row", r))
        if not sizes and not tables:
            raise DataError([Problem("the PDF has no text (a scan?)", file=name,
                                     hint="run it through OCR, or give the Word file or a text export")])
        body = statistics.mode(sizes) if sizes else 10.0
        heading_sizes = sorted({s for s in sizes if s >= body + 1.5}, reverse=True)
        for pno, words in enumerate(pages_words, start=1):
            for ln in _lines(words):
                items.append((pno, ln["top"], "line", ln))
        items.sort(key=lambda it: (it[0], it[1], 0 if it[2] == "row" else 1))
        return _assemble(items, body, heading_sizes, name)
    finally:
        pdf.close()


def _lines(words: list[dict]) -> list[dict]:
    """Words grouped into lines (same baseline), left to right."""
    lines: list[dict] = []
    for w in sorted(words, key=lambda w: (round(w["bottom"]), w["x0"])):
        if lines and abs(lines[-1]["bottom"] - w["bottom"]) <= max(2.0, w["size"] * 0.3):
            lines[-1]["words"].append(w)
            lines[-1]["top"] = min(lines[-1]["top"], w["top"])
        else:
            lines.append({"top": w["top"], "bottom": w["bottom"], "words": [w]})
    for ln in lines:
        ln["words"].sort(key=lambda w: w["x0"])
        ln["size"] = max(w["size"] for w in ln["words"])
        ln["x0"] = ln["words"][0]["x0"]
        ln["x1"] = ln["words"][-1]["x1"]
        ln["words"][-1]["eol"] = True
    return lines


def _assemble(items, body: float, heading_sizes: list[float], name: str) -> Reading:
    out: list[tuple[int, str]] = []
    where: dict[int, tuple[int, int]] = {}
    para: list[dict] = []          # the words of the paragraph being joined
    para_at: tuple[int, int] | None = None
    prev: dict | None = None
    per_page: dict[int, int] = {}
    right: dict[int, float] = {}     # the right edge of the text on each page
    gaps: list[float] = []           # gaps between consecutive lines of body text
    last = None
    for pno, _, kind, payload in items:
        if kind == "line":
            right[pno] = max(right.get(pno, 0.0), payload["x1"])
            if last is not None and last[0] == pno and abs(last[1]["size"] - payload["size"]) < 0.5:
                gaps.append(payload["top"] - last[1]["bottom"])
            last = (pno, payload)
        else:
            last = None
    line_gap = statistics.median(gaps) if gaps else 2.0

    def emit(text: str, at: tuple[int, int]) -> None:
        n = len(out) + 1
        out.append((n, text))
        where[n] = at

    def flush() -> None:
        nonlocal para, para_at
        if para:
            emit(_markup(para), para_at)
            emit("", para_at)
        para, para_at = [], None

    for pno, top, kind, payload in items:
        per_page[pno] = per_page.get(pno, 0) + 1
        at = (pno, per_page[pno])
        if kind == "row":
            flush()
            prev = None
            emit("\t".join(payload.cells), at)
            continue
        ln = payload
        words = ln["words"]
        level = next((i + 1 for i, s in enumerate(heading_sizes) if ln["size"] >= s - 0.2), None)
        if level is not None:
            flush()
            emit("#" * level + " " + " ".join(w["text"] for w in words), at)
            emit("", at)
            prev = None
            continue
        first = words[0]["text"]
        bullet = len(words) > 1 and words[1]["x0"] - words[0]["x1"] > 3 and \
            (first in BULLETS or len(first) == 1 and not first.isalnum())
        text_x0 = words[1]["x0"] if bullet else words[0]["x0"]
        if prev is None or bullet:
            new = True
        elif pno != prev["page"]:     # over a page break the paragraph runs on if its last line was full
            new = not _runs_on(para) and not prev["full"]
        else:
            new = (ln["top"] - prev["bottom"] > line_gap + PARA_GAP * (prev["bottom"] - prev["top"])
                   or abs(text_x0 - prev["x0"]) > 4
                   or not prev["full"] and not _runs_on(para) and words[0]["text"][:1].isupper())
        if new:
            flush()
            para_at = at
            if bullet:
                para.append({"text": "-", "link": None, "size": ln["size"], "fontname": ""})
        para.extend(words[1:] if bullet else words)
        prev = {"page": pno, "top": ln["top"], "bottom": ln["bottom"], "x0": text_x0,
                "full": ln["x1"] >= right.get(pno, ln["x1"]) - FULL_LINE * (right.get(pno, ln["x1"]) - text_x0)}
    flush()
    marked = any("<a href=" in t for _, t in out)
    return Reading(out, structured=False, table_cells=True, where=where, links_marked=marked)


def _runs_on(para: list[dict]) -> bool:
    return bool(para) and not para[-1]["text"].endswith((".", ":", "!", "?"))


def _markup(words: list[dict]) -> str:
    """A paragraph's words as text, runs of linked words as ``<a href="...">...</a>``, bold runs
    as ``**...**``."""
    merged: list[dict] = []
    for w in words:
        a = merged[-1] if merged else None
        same = (a or {}).get("link", None) and w.get("link") and a["link"][1] == w["link"][1] or \
            a is not None and not a.get("link") and not w.get("link")
        if a is not None and a.get("eol") and same and (re.search(r"\S-$", a["text"]) or _url_break(merged, w)) and \
                _is_bold(a.get("fontname", "")) == _is_bold(w.get("fontname", "")):
            merged[-1] = {**a, "text": a["text"] + w["text"], "eol": w.get("eol"), "top": w.get("top"),
                          "bottom": w.get("bottom"), "link": w.get("link")}
        else:
            merged.append(w)
    words = merged
    parts: list[str] = []
    k = 0
    while k < len(words):
        w = words[k]
        if w.get("link"):
            uri = w["link"][1]
            j = k + 1
            while j < len(words) and words[j].get("link") and words[j]["link"][1] == uri and \
                    (words[j]["link"][0] == words[j - 1]["link"][0] or _continues(words, j)):
                j += 1
            text = " ".join(x["text"] for x in words[k:j])
            parts.append(f'<a href="{_attr(uri)}">{text}</a>')
            k = j
            continue
        if _is_bold(w.get("fontname", "")):
            j = k
            while j < len(words) and _is_bold(words[j].get("fontname", "")) and not words[j].get("link"):
                j += 1
            parts.append("**" + " ".join(x["text"] for x in words[k:j]) + "**")
            k = j
            continue
        parts.append(w["text"])
        k += 1
    text = " ".join(parts)
    return text


def _url_break(before: list[dict], w: dict) -> bool:
    """Inside a link whose text is a web address, a line break is no space ('...2023/?' / 'wpdmdl=...')."""
    if not w.get("link"):
        return False
    uri = w["link"][1]
    k = len(before)
    while k > 0 and before[k - 1].get("link") and before[k - 1]["link"][1] == uri:
        k -= 1
    start = before[k]["text"] if k < len(before) else w["text"]
    return bool(re.match(r"^(?:https?://|www\.|[\w-]+(?:\.[\w-]+)+/)", start))


def _continues(words: list[dict], j: int) -> bool:
    """Word ``j`` is in another link annotation with the same address: the same link wrapped onto
    the next line (one annotation per line), not a second link beside the first."""
    a, b = words[j - 1], words[j]
    return a.get("bottom", 0) < b.get("top", 0)


def _attr(uri: str) -> str:
    return uri.replace("&", "&amp;").replace('"', "%22").replace("<", "%3C").replace(">", "%3E")
