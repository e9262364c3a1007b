"""The entry parser: a document's lines into a :class:`~.parsed.ParsedDocument` (summary table and detail sections).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..editions import (CATEGORY_HEADINGS, REF_IN_TEXT)
from ...core.errors import DataError, Problem, rel
from ...core.model import CATEGORIES
from .links import _bare_link, _extract_links, _url_only, link_runs
from .parsed import Detail, ParsedDocument, Row
from .readers import read_lines
from .text import BULLET, CATEGORY_INDEX, DOMAIN_RE, END_RE, ENTRY_RE, HEADING_RE, MONTHS, TAG_RE, TERMINAL, _clean, _heading_kind, norm, similarity


def parse_document(path: Path) -> ParsedDocument:
    """Parse a drivers document file. Raises :class:`DataError` if it is not a drivers document."""
    reading = read_lines(path)
    doc = parse_lines(reading.lines, rel(path), reading.structured, table_cells=reading.table_cells,
                      where=reading.where, links_marked=reading.links_marked)
    doc.warnings[:0] = reading.warnings
    return doc


def parse_lines(lines: list[tuple[int, str]], name: str, structured: bool = False, table_cells: bool | None = None,
                where: dict[int, tuple[int, int]] | None = None, links_marked: bool = False) -> ParsedDocument:
    doc = ParsedDocument(name, structured=structured, table_cells=structured if table_cells is None else table_cells,
                         where=where or {}, links_marked=links_marked)
    # the document's title and date
    for no, text in lines[:40]:
        t = _clean(text).strip("# ")
        m = re.search(r"\bUpdated\s+(\w+)\s+(\d{4})\b", t, re.I)
        if m and m.group(1).lower() in MONTHS and doc.date is None:
            doc.date = f"{m.group(2)}-{MONTHS[m.group(1).lower()]:02d}"
        if doc.title is None and norm(t) == "strategic drivers and plans":
            doc.title = t
    # split into the summary part and the detail part
    summary_start = detail_start = end = None
    for i, (no, text) in enumerate(lines):
        kind = _heading_kind(text) if len(text) < 80 else None
        if summary_start is None and kind and kind[0] == "summary":
            summary_start = i
        elif kind and kind[0] == "category" and detail_start is None and (summary_start is not None or i > 5):
            detail_start = i
        if detail_start is not None and END_RE.match(_clean(text).strip("# ")):
            end = i
            break
    if detail_start is None:
        raise DataError([Problem("no detail sections found: expected a heading such as 'National Drivers' "
                                 "followed by numbered entries", file=name,
                                 hint="give the text of a Strategic drivers and plans document")])
    if summary_start is None:
        doc.warn(None, "no 'Summary' table found; summary titles are left out")
    else:
        _parse_summary(lines[summary_start + 1:detail_start], doc, lines[detail_start:end])
    _parse_details(lines[detail_start:end], doc)
    if not doc.details:
        raise DataError([Problem("no entries found under the detail headings", file=name,
                                 line=lines[detail_start][0], hint="entries look like '1.1 Title: summary'")])
    return doc


def _parse_summary(lines: list[tuple[int, str]], doc: ParsedDocument, rest: list[tuple[int, str]]) -> None:
    columns: list[str] = []              # category of each column (pair of cells)
    last: dict[int, Row] = {}            # column -> last row
    vocab = set(norm(" ".join(t for _, t in rest)).split())
    for no, raw in lines:
        text = raw.replace("**", "")
        if not text.strip():
            continue
        cells = text.split("\t") if "\t" in text else [text.strip()]
        heads = [(_heading_kind(c) if c.strip() else None) for c in cells]
        if any(h and h[0] == "summary-category" for h in heads):
            columns = [h[1] for h in heads if h and h[0] == "summary-category"]
            last = {}
            continue
        if len(cells) == 1:
            flat = _flattened(cells[0])
            if flat:
                for cat in flat:
                    doc.flat[cat] = cells[0]
                continue
            h = _heading_kind(cells[0])
            if h and h[0] == "subcategory":
                continue
            m = re.match(r"^(\S+)\s+(.*)$", cells[0].strip())
            cells = [m.group(1), m.group(2)] if m and re.match(r"^[\d.·]+$", m.group(1)) else ["", cells[0]]
        if not columns:
            doc.warn(no, "summary row before any category heading; skipped")
            continue
        for col in range(0, len(cells), 2):
            ci = col // 2
            if ci >= len(columns):
                if any(c.strip() for c in cells[col:]):
                    doc.warn(no, f"summary row has more columns than categories: {' '.join(cells[col:])!r}")
                break
            num = cells[col].strip()
            title = _clean(cells[col + 1]) if col + 1 < len(cells) else ""
            if not num and not title:
                continue
            if not num and _heading_kind(title) and _heading_kind(title)[0] == "subcategory":
                continue
            if not re.search(r"[A-Za-z]", title):
                title = ""
            if not num and not doc.table_cells and ci in last:
                prev = last[ci]
                if prev.title is None or _known_words(title, vocab):
                    prev.title = f"{prev.title} {title}".strip() if prev.title else title
                    prev.source = f"{prev.source} {title}".strip()
                    continue
                doc.warn(no, f"unreadable summary row {title!r} (its words occur nowhere else in the document); "
                             "left out", hint="check the row in the published document")
                continue
            row = Row(columns[ci], num, title or None, no, source=f"{num} {title}".strip())
            doc.rows.append(row)
            last[ci] = row


def _known_words(text: str, vocab: set[str]) -> bool:
    """Do most of the words of a summary cell occur elsewhere in the document? (An OCR-garbled
    row such as 'Thorat Earlanding Caldide Freventien' does not.)"""
    words = [w for w in norm(text).split() if len(w) > 3]
    if not words or not vocab:
        return True
    known = sum(1 for w in words if w in vocab)
    return known / len(words) >= 0.5


def _flattened(text: str) -> list[str]:
    """The categories whose summary headings appear inside one long line (a flattened table)."""
    found = []
    for cat in CATEGORIES:
        idx = CATEGORY_INDEX[cat]
        if re.search(rf"(?:^|\s){idx}\.\s+(?:Improvement Programmes|Governance|National drivers|Local drivers)",
                     text, re.I):
            found.append(cat)
    return found if len(found) >= 2 or (found and len(text) > 200) else []


def _parse_details(lines: list[tuple[int, str]], doc: ParsedDocument) -> None:
    category: str | None = None
    sub: str | None = None
    current: dict[str, Any] | None = None
    blocks: list[dict[str, Any]] = []
    summary_text = norm(" ".join(r.title or "" for r in doc.rows) + " " + " ".join(doc.flat.values()))
    heading_form = doc.structured and any(HEADING_RE.match(t) and re.match(r"^#{1,6}\s+\d", t) for _, t in lines)

    def start(no: int, num: str | None, rest: str, headed_line: bool) -> dict[str, Any]:
        blk = {"category": category, "subcategory": sub, "number": num, "first": rest, "lines": [], "line": no,
               "heading": headed_line}
        blocks.append(blk)
        return blk

    prev_blank = False
    for no, raw in lines:
        text = raw.rstrip()
        stripped = text.strip()
        if not stripped:
            prev_blank = True
            if current is not None:
                current["lines"].append((no, ""))
            continue
        hm = HEADING_RE.match(stripped)
        plain = _clean(stripped)
        kind = _heading_kind(plain) if len(plain) < 80 and not ENTRY_RE.match(plain) else None
        if kind and kind[0] == "category":
            category, sub, current = kind[1], None, None
            doc.headings[category] = _clean(plain.strip("# "))
            prev_blank = False
            continue
        if kind and kind[0] == "subcategory":
            sub, current = kind[1], None
            doc.headings[sub] = _clean(plain.strip("# "))
            prev_blank = False
            continue
        if category is None:
            continue
        if heading_form:
            if hm:
                body = _clean(hm.group(2))
                m = re.match(r"^(\d{1,2}\.\d{1,2})\s+(.*)$", body)
                current = start(no, m.group(1) if m else None, m.group(2) if m else body, True)
            elif current is not None:
                current["lines"].append((no, text))
            prev_blank = False
            continue
        m = ENTRY_RE.match(text.replace("**", ""))
        if m:
            current = start(no, m.group("num"), m.group("rest"), False)
            prev_blank = False
            continue
        bm = re.match(rf"^{BULLET}\s+(.*)$", text)
        if bm and current is not None and _unnumbered_entry(bm.group(1), summary_text):
            current = start(no, None, bm.group(1), False)
            prev_blank = False
            continue
        if current is None:
            doc.warn(no, f"text outside any entry: {stripped[:60]!r}; left out")
            continue
        current["lines"].append((no, text))
        prev_blank = False
    for blk in blocks:
        doc.details.append(_detail(blk, doc, heading_form, summary_text))


def _unnumbered_entry(text: str, summary_text: str) -> bool:
    """A '- Title: text' bullet that starts an unnumbered entry (its title is in the Summary)."""
    text = text.replace("**", "")
    if not text[:1].isupper():
        return False
    t = text.replace("**", "")
    for m in re.finditer(r":(?:\s|$)", t):
        prefix = t[: m.start()]
        if len(prefix.split()) > 25 or ". " in prefix:
            break
        if len(norm(prefix)) > 8 and norm(prefix) in summary_text:
            return True
    return False


def _paragraphs(first: str, lines: list[tuple[int, str]]) -> list[tuple[str, list[int]]]:
    """Join wrapped lines and page-break bullets into paragraphs; each with the offsets where an
    unindented source line began inside it (possible link starts)."""
    paras: list[list[Any]] = []
    if first.strip():
        paras.append([first.strip(), []])
    blank = False
    for _, raw in lines:
        if not raw.strip():
            blank = True
            continue
        indented = raw[:1].isspace()
        s = raw.strip()
        if not paras:
            paras.append([re.sub(rf"^{BULLET}\s+", "", s), []])
            blank = False
            continue
        prev = paras[-1][0]
        if re.match(rf"^{BULLET}\s+", s):
            body = re.sub(rf"^{BULLET}\s+", "", s)
            if indented:                         # a sub-bullet: a new paragraph
                paras.append([body, []])
            else:                                # a page-break bullet: the text runs on
                paras[-1][0] = prev + " " + body
            blank = False
            continue
        last_tok = prev.split()[-1] if prev.split() else ""
        url_tail = ("/" in last_tok or "=" in last_tok or last_tok.startswith("www.")) and not last_tok.endswith(TERMINAL)
        if blank:
            if prev.endswith(("-", "=", "/")) and url_tail or (url_tail and not s[:1].isupper()):
                paras[-1][0] = prev + s
            elif (s[:1].islower() or s[:1].isdigit()) and not prev.endswith(TERMINAL):
                paras[-1][0] = prev + " " + s
            else:
                paras.append([s, []])
        else:
            if prev.endswith(TERMINAL) or prev.endswith(")") and DOMAIN_RE.search(prev[-60:]) or _url_only(prev):
                paras.append([s, []])
            else:
                if not indented:
                    paras[-1][1].append(len(prev) + 1)
                paras[-1][0] = prev + " " + s
        blank = False
    return [(p, offs) for p, offs in paras]


def _split_title(first: str, hint: str | None) -> tuple[str | None, str]:
    """'Title: summary' -> (title, summary); the colon that best matches the summary title wins."""
    t = first.replace("**", "")
    cands = []
    for m in re.finditer(r":(?:\s|$)", t):
        prefix = t[: m.start()].strip()
        if len(prefix.split()) > 25:
            break
        cands.append((prefix, t[m.end():].strip()))
    if not cands:
        return None, t.strip()
    if hint and len(cands) > 1:
        best = cands[0]
        best_score = similarity(best[0], hint)
        for c in cands[1:]:
            sc = similarity(c[0], hint)
            if sc > best_score + 0.1:
                best, best_score = c, sc
        return best
    return cands[0]


def _detail(blk: dict[str, Any], doc: ParsedDocument, heading_form: bool, summary_text: str) -> Detail:
    no = blk["line"]
    category, num = blk["category"], blk["number"]
    urls: dict[str, str] = {}
    if heading_form:
        title: str | None = blk["first"]
        links, body = [], []
        for p in map(_clean, _heading_paragraphs(blk["lines"])):
            plain, runs = link_runs(p)
            if len(runs) == 1 and runs[0][:2] == (0, len(plain)):
                link = _clean(plain)
                links.append(link)
                if runs[0][2]:
                    urls[link] = runs[0][2]
            else:
                body.append(_clean(TAG_RE.sub("", p)))
        summary = "\n".join(body)
        headed = True
    else:
        hint = next((r.title for r in doc.rows if r.number == num and r.category == category and r.title), None)
        if hint is None and num is None:
            hint = _summary_hint(blk["first"], summary_text)
        title, first_body = _split_title(blk["first"], hint)
        headed = title is not None
        if not headed:
            doc.warn(no, f"entry {num or '(unnumbered)'} has no 'Title:' heading; title taken from the Summary",
                     hint="check the heading in the published document")
        paras = _paragraphs(first_body, blk["lines"])
        links, body = [], []
        for i, (p, offs) in enumerate(paras):
            plinks, rest = _extract_links(p, offs, urls, marked=doc.links_marked)
            links += [lk for lk in plinks if lk not in links]
            if not plinks and i > 0 and not doc.links_marked and _bare_link(p):
                links.append(_clean(TAG_RE.sub("", p)))
                continue
            body += rest
        summary = "\n".join(body)
    refs: list[str] = []
    for m in REF_IN_TEXT.finditer(summary):
        if m.group(2) not in refs:
            refs.append(m.group(2))
    if num and category and num.split(".")[0] != CATEGORY_INDEX[category]:
        doc.warn(no, f"entry {num} is under the {CATEGORY_HEADINGS[category]!r} heading but numbered like another "
                     "category")
    return Detail(category, blk["subcategory"], num, _clean(title) if title else None, summary, links, refs, no, headed,
                  urls={k: v for k, v in urls.items() if k in links}, source=_source(blk))


def _source(blk: dict[str, Any]) -> str:
    """The entry as the document prints it: its heading line (printed number first) and its
    text and link lines, tags and bold markers taken out, spaces collapsed, one line per line."""
    head = _clean(TAG_RE.sub("", blk["first"]))
    out = [f"{blk['number']} {head}" if blk["number"] else head]
    out += [c for c in (_clean(TAG_RE.sub("", t)) for _, t in blk["lines"]) if c]
    return "\n".join(x for x in out if x)


def _summary_hint(first: str, summary_text: str) -> str | None:
    """For an unnumbered entry: the longest 'Title:' prefix that the Summary prints (``summary_text``:
    the Summary's titles, normalised)."""
    t = first.replace("**", "")
    best = None
    for m in re.finditer(r":(?:\s|$)", t):
        prefix = t[: m.start()]
        if len(prefix.split()) > 25:
            break
        if norm(prefix) and norm(prefix) in summary_text:
            best = prefix
    return best


def _heading_paragraphs(lines: list[tuple[int, str]]) -> list[str]:
    paras, cur = [], []
    for _, raw in lines:
        s = raw.strip()
        if not s:
            if cur:
                paras.append(" ".join(cur))
                cur = []
            continue
        cur.append(s)
    if cur:
        paras.append(" ".join(cur))
    return paras
