"""Which PDF library reads the drivers document best? The evidence behind ingest's PDF reader.

    python benchmarks/pdf_libraries.py [--pdf tests/fixtures/pdf/drivers-2023.pdf] [--runs 3]

Each maintained library reads the PDF of the 2023 document in its published layout
(``tests/fixtures/pdf/make.py``: a ruled two-category Summary table, headings, bullets, real
hyperlinks) the best way it offers; the result goes through the same entry parser and matcher as
every ingest, and is compared field by field with the curated 2023 edition (what ``drivers
ingest FILE --edition 2023 --check`` prints). Rows:

* pypdf - ``page.extract_text()``; link annotations (``/Annots`` ``/URI``) with the text drawn
  inside their rectangles (from ``extract_text``'s visitor) marked as links;
* pypdfium2 - ``textpage.get_text_range()``; link annotations (``FPDFLink_Enumerate``) with
  ``get_text_bounded`` for the text inside them marked as links;
* pdfplumber, text only - ``page.extract_text()`` and nothing else (what a flat extract gives);
* pdfplumber (ingest's reader) - ``graph.refresh.ingest.readers.pdf``: ruled tables as cells,
  words by position, link annotations, paragraphs from the layout.

Neither pypdf nor pypdfium2 finds tables, so their Summary is the flat text with the two
categories' cells run together. Times are medians of ``--runs`` reads (read + parse + match).
"""

from __future__ import annotations

import argparse
import ctypes
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graph.core.loader import load  # noqa: E402
from graph.refresh.ingest import build_edition, compare  # noqa: E402
from graph.refresh.ingest.parse import parse_document, parse_lines  # noqa: E402


def _mark(text: str, links: list[tuple[str, str]]) -> str:
    """Wrap each link's text (in order) in ``<a href>`` where it occurs in the page text."""
    pos = 0
    for linked, uri in links:
        words = linked.split()
        if not words:
            continue
        pat = r"\s+".join(re.escape(w) for w in words)
        m = re.compile(pat).search(text, pos)
        if not m:
            continue
        repl = f'<a href="{uri}">{m.group()}</a>'
        text = text[:m.start()] + repl + text[m.end():]
        pos = m.start() + len(repl)
    return text


def _as_lines(pages: list[str]) -> list[tuple[int, str]]:
    lines: list[str] = []
    for p in pages:
        lines += p.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return list(enumerate(lines, start=1))


def read_pypdf(path: Path) -> tuple[list[tuple[int, str]], bool]:
    import pypdf

    reader = pypdf.PdfReader(str(path))
    pages = []
    any_links = False
    for page in reader.pages:
        frags: list[tuple[float, float, str]] = []
        text = page.extract_text(visitor_text=lambda t, cm, tm, fd, fs: frags.append((tm[4] * cm[0] + cm[4],
                                                                                       tm[5] * cm[3] + cm[5], t)))
        links = []
        for a in page.get("/Annots") or []:
            o = a.get_object()
            uri = (o.get("/A") or {}).get("/URI")
            if o.get("/Subtype") != "/Link" or not uri:
                continue
            x0, y0, x1, y1 = (float(v) for v in o["/Rect"])
            inside = "".join(t for x, y, t in frags if x0 - 1 <= x <= x1 + 1 and y0 - 1 <= y <= y1 + 1).strip()
            if inside:
                links.append((inside, str(uri)))
        any_links = any_links or bool(links)
        pages.append(_mark(text, _joined(links)))
    return _as_lines(pages), any_links


def read_pypdfium2(path: Path) -> tuple[list[tuple[int, str]], bool]:
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    doc = pdfium.PdfDocument(str(path))
    pages = []
    any_links = False
    for page in doc:
        tp = page.get_textpage()
        text = tp.get_text_range()
        links = []
        pos = ctypes.c_int(0)
        link = raw.FPDF_LINK()
        while raw.FPDFLink_Enumerate(page.raw, ctypes.byref(pos), ctypes.byref(link)):
            rect = raw.FS_RECTF()
            if not raw.FPDFLink_GetAnnotRect(link, ctypes.byref(rect)):
                continue
            action = raw.FPDFLink_GetAction(link)
            n = raw.FPDFAction_GetURIPath(doc.raw, action, None, 0) if action else 0
            if not n:
                continue
            buf = ctypes.create_string_buffer(n)
            raw.FPDFAction_GetURIPath(doc.raw, action, buf, n)
            inside = tp.get_text_bounded(rect.left, rect.bottom, rect.right, rect.top).strip()
            if inside:
                links.append((inside, buf.value.decode("utf-8", "replace")))
        any_links = any_links or bool(links)
        pages.append(_mark(text, _joined(links)))
    doc.close()
    return _as_lines(pages), any_links


def read_pdfplumber_text(path: Path) -> tuple[list[tuple[int, str]], bool]:
    import pdfplumber

    with pdfplumber.open(str(path)) as pdf:
        return _as_lines([p.extract_text() or "" for p in pdf.pages]), False


def _joined(links: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """One annotation per line: a link's parts on consecutive lines with the same address are one link."""
    out: list[tuple[str, str]] = []
    for text, uri in links:
        if out and out[-1][1] == uri:
            out[-1] = (out[-1][0] + " " + text, uri)
        else:
            out.append((text, uri))
    return out


def measure(path: Path, runs: int) -> list[dict]:
    data = load(ROOT / "data")
    ed = data.edition_for_year(2023)
    readers = [
        ("pypdf", "text + link annotations", lambda: read_pypdf(path)),
        ("pypdfium2", "text + link annotations", lambda: read_pypdfium2(path)),
        ("pdfplumber", "text only", lambda: read_pdfplumber_text(path)),
    ]
    rows = []
    for lib, how, read in readers:
        times, report = [], None
        for _ in range(runs):
            t0 = time.perf_counter()
            lines, marked = read()
            doc = parse_lines(lines, path.name, links_marked=marked)
            report = compare(build_edition(doc, data, 2023), ed)
            times.append(time.perf_counter() - t0)
        rows.append({"library": lib, "how": how, **_figures(report), "seconds": statistics.median(times)})
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        report = compare(build_edition(parse_document(path), data, 2023), ed)
        times.append(time.perf_counter() - t0)
    rows.append({"library": "pdfplumber", "how": "ingest's reader: tables, words, links, layout", **_figures(report),
                 "seconds": statistics.median(times)})
    return rows


def _figures(report: dict) -> dict:
    entries = {m["number"] for m in report["misses"]}
    wrong_driver = sum(1 for m in report["misses"] if m["field"] in ("driver", "entry"))
    return {"fields": report["fields"], "matching": report["matching"], "share": report["share"],
            "entries_with_misses": len(entries), "wrong_or_extra_entries": wrong_driver}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pdf", type=Path, default=ROOT / "tests" / "fixtures" / "pdf" / "drivers-2023.pdf")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    rows = measure(args.pdf, args.runs)
    print(f"{args.pdf.name} against the curated 2023 edition (median of {args.runs} runs)\n")
    print("| library | how | fields reproduced | entries with a miss | wrong or extra entries | time |")
    print("| --- | --- | --- | --- | --- | --- |")
    for r in rows:
        print(f"| {r['library']} | {r['how']} | {r['matching']} of {r['fields']} ({r['share']:.1%}) | "
              f"{r['entries_with_misses']} | {r['wrong_or_extra_entries']} | {r['seconds']:.2f} s |")


if __name__ == "__main__":
    main()
