"""Read a drivers document (text extracted from the PDF, Markdown, or Word) into an edition.

Two layers:

* :func:`parse_document` reads the text into a :class:`ParsedDocument`: the summary table rows
  and the detail sections, each with the line it came from, plus warnings for what it could not
  read. It copes with the published PDF's extraction mess: a summary table with two categories
  side by side (tab-separated), a flattened line for categories 3 and 4, titles wrapped over two
  rows, numbered detail sections with or without "- " and ``**`` bold markers, hard-wrapped
  lines and page-break bullets, unnumbered entries, duplicate numbers, web-link texts run into
  the text and cross-references like "(see 2.7)". Markdown and Word files written by
  ``drivers document`` (headings for entries, one link per underlined paragraph) are read
  exactly.
* :func:`build_edition` gives each entry its true number and matches it to an existing driver
  (number, title similarity, summary similarity), so renumbered and retitled drivers keep their
  ids; entries that match nothing become new driver records, marked as created by ingest.

:func:`ingest` ties both to the data folder: it never replaces an edition without ``force``,
checks that the result loads, and writes one file atomically (or nothing).
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .editions import (CATEGORY_HEADINGS, PRINTED_FIELDS, REF_IN_TEXT, SUBCATEGORY_HEADINGS, check_with,
                       edition_entries, edition_id_for, edition_path, edition_yaml, number_key, previous_edition,
                       refuse_replace)
from .errors import DataError, Problem, rel
from .model import CATEGORIES, Data, Edition

CATEGORY_INDEX = {c: str(i) for i, c in enumerate(CATEGORIES, start=1)}
NUM_RE = re.compile(r"^\d{1,2}\.\d{1,2}$")
ENTRY_RE = re.compile(r"^(?P<indent>\s?)(?:[-•]\s+)?(?P<num>\d{1,2}\.\d{1,2})\s+(?P<rest>\S.*)$")
HEADING_RE = re.compile(r"^(#{1,6})\s+(.*)$")
DOMAIN_RE = re.compile(r"\((?:https?://)?[A-Za-z0-9-]+(?:\.\s?[A-Za-z0-9-]+)*\.\s?[A-Za-z]{2,}/?\)")
URL_RE = re.compile(r"(?<![\w@])(?:https?://\S+|www\.\S+|[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.(?:com|org|uk|scot|net)"
                    r"(?:/\S*)?(?=[\s]|$))")
SITE_RE = re.compile(r"\|\s*((?:[A-Z][\w&'-]*)(?:\s+[A-Z][\w&'-]*)*)")
U_RE = re.compile(r"<u>(.*?)</u>", re.S)
TAG_RE = re.compile(r"</?(?:u|i|b|p|em|strong)>")
END_RE = re.compile(r"^(?:This document can be made available|To make a request, please contact)", re.I)
MONTHS = {m: i for i, m in enumerate(("january", "february", "march", "april", "may", "june", "july", "august",
                                      "september", "october", "november", "december"), start=1)}
TERMINAL = (".", "!", "?")


# --- the parsed document -------------------------------------------------------------------------

@dataclass
class Row:
    """One row of the summary table."""

    category: str
    number: str          # as printed ("" if none)
    title: str | None    # as printed (None if none)
    line: int


@dataclass
class Detail:
    """One detail section."""

    category: str
    subcategory: str | None
    number: str | None   # as printed (None if unnumbered)
    title: str | None
    summary: str
    links: list[str]
    refs: list[str]
    line: int
    headed: bool = True  # False: the entry had no heading (title taken from the summary table)


@dataclass
class ParsedDocument:
    name: str
    title: str | None = None
    date: str | None = None
    rows: list[Row] = field(default_factory=list)
    flat: dict[str, str] = field(default_factory=dict)   # category -> flattened summary text
    details: list[Detail] = field(default_factory=list)
    headings: dict[str, str] = field(default_factory=dict)   # category/subcategory -> heading as printed
    warnings: list[Problem] = field(default_factory=list)
    structured: bool = False

    def warn(self, line: int | None, message: str, hint: str | None = None) -> None:
        self.warnings.append(Problem(message, file=self.name, line=line, hint=hint, severity="WARN"))


def norm(text: str | None) -> str:
    """Lower-case words only, for similarity."""
    text = unicodedata.normalize("NFKC", text or "").lower().replace("’", "'")
    return " ".join(re.findall(r"[a-z0-9']+", text))


@functools.lru_cache(maxsize=65536)
def _ratio(a: str, b: str, floor: float) -> float:
    """SequenceMatcher ratio, or 0 when even its cheap upper bound is below ``floor`` (speed:
    matching compares every entry with every earlier one)."""
    sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
    if sm.real_quick_ratio() < floor or sm.quick_ratio() < floor:
        return 0.0
    return sm.ratio()


def similarity(a: str | None, b: str | None) -> float:
    """Character similarity of two titles in [0, 1]; values under 0.5 count as 0."""
    a, b = norm(a), norm(b)
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    return _ratio(a, b, 0.5)


def word_similarity(a: str | None, b: str | None) -> float:
    """Similarity of two long texts, on words; values under 0.3 count as 0."""
    wa, wb = tuple(norm(a).split()), tuple(norm(b).split())
    if not wa or not wb:
        return 0.0
    return _ratio(wa, wb, 0.3)


def _clean(text: str) -> str:
    text = text.replace("**", "").replace("\u00a0", " ")
    return " ".join(text.split())


def _category_of(text: str) -> str | None:
    t = norm(text)
    for cat in CATEGORIES:
        if cat in t:
            return cat
    return None


def _heading_kind(text: str) -> tuple[str, str | None] | None:
    """('category', cat) / ('subcategory', sub) / ('summary-category', cat) / ('summary', None)."""
    t = _clean(text).strip("# ").strip()
    n = norm(t)
    if n == "summary":
        return ("summary", None)
    if n == norm(SUBCATEGORY_HEADINGS["related-plans-and-reports"]):
        return ("subcategory", "related-plans-and-reports")
    m = re.match(r"^(\d)\.\s+(.*)$", t)
    if m:
        cat = _category_of(m.group(2))
        if cat and len(n.split()) <= 6 and CATEGORY_INDEX[cat] == m.group(1):
            return ("summary-category", cat)
        return None
    for cat, head in CATEGORY_HEADINGS.items():
        if n == norm(head) or n in (f"{cat} drivers", norm(head).replace(" planning and", ", planning and")):
            return ("category", cat)
    if n in ("governance planning and delivery", "governance, planning and delivery"):
        return ("category", "governance")
    return None


# --- reading files -------------------------------------------------------------------------------

def read_lines(path: Path) -> tuple[list[tuple[int, str]], bool]:
    """The file as (line number, text) pairs, and whether it is Markdown/Word (structured)."""
    name = rel(path)
    suffix = path.suffix.lower()
    if suffix == ".docx":
        return _docx_lines(path), True
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DataError([Problem(f"cannot read the file: {exc.strerror}", file=name,
                                 hint="check the path and permissions")]) from None
    if not raw.strip():
        raise DataError([Problem("the file is empty", file=name,
                                 hint="give the text extracted from the drivers document, or a .docx")])
    if raw[:4] == b"PK\x03\x04":
        raise DataError([Problem("this is a zip/Word file but its name does not end in .docx", file=name, line=1,
                                 hint="rename it to .docx, or save the document as plain text")])
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):  # UTF-16 with a byte-order mark (Notepad's "Unicode")
        try:
            raw = raw.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError as exc:
            raise DataError([Problem(f"broken UTF-16 text (at byte {exc.start})", file=name,
                                     hint="save the text again as UTF-8")]) from None
    if b"\x00" in raw[:4096]:
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        raise DataError([Problem("this is a binary file, not text", file=name, line=line,
                                 hint="export the document as plain text (UTF-8) or Word .docx")])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataError([Problem(f"not UTF-8 text (byte 0x{raw[exc.start]:02x})", file=name, line=line,
                                 hint="save the text as UTF-8")]) from None
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    structured = suffix in (".md", ".markdown")
    if structured:
        lines = _markdown_lines(lines)
    return list(enumerate(lines, start=1)), structured


def _markdown_lines(lines: list[str]) -> list[str]:
    """Markdown as the parser's plain form: tables as tab-separated cells, escapes undone."""
    out = []
    for line in lines:
        s = line.strip()
        if s.startswith("|") and s.endswith("|"):
            cells = [c.strip() for c in re.split(r"(?<!\\)\|", s[1:-1])]
            if all(re.fullmatch(r":?-{3,}:?", c) for c in cells) or [norm(c) for c in cells] == ["number", "title"]:
                out.append("")
                continue
            out.append("\t".join(_unescape(c) for c in cells))
        else:
            out.append(_unescape(line))
    return out


def _unescape(text: str) -> str:
    return re.sub(r"\\([\\`*_{}\[\]()#+\-.!|<>&])", r"\1", text)


def _docx_lines(path: Path) -> list[tuple[int, str]]:
    """A Word file as lines: headings as '#' lines, tables as tab-separated rows, underlined runs
    and hyperlinks as ``<u>...</u>``. Line numbers are paragraph/row positions in the document."""
    import zipfile

    name = rel(path)
    try:
        import docx
        from docx.opc.exceptions import PackageNotFoundError
    except ImportError:  # pragma: no cover - python-docx is a dependency
        raise DataError([Problem("python-docx is not installed", file=name,
                                 hint="install the package with its dependencies")]) from None
    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise DataError([Problem(f"not a readable Word .docx file ({type(exc).__name__})", file=name,
                                 hint="open it in Word and save it again as .docx, or give the text instead")]) from None
    except Exception as exc:  # lxml errors on corrupt XML parts
        raise DataError([Problem(f"not a readable Word .docx file ({type(exc).__name__}: {exc})", file=name,
                                 hint="open it in Word and save it again as .docx")]) from None
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    out: list[tuple[int, str]] = []
    n = 0
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            n += 1
            text = _docx_paragraph(block)
            style = (block.style.name if block.style is not None else "") or ""
            m = re.match(r"Heading (\d)", style)
            if m and text.strip():
                text = "#" * int(m.group(1)) + " " + text.replace("<u>", "").replace("</u>", "")
            elif style == "Title" and text.strip():
                text = "# " + text
            out.append((n, text))
            out.append((n, ""))          # each Word paragraph is a paragraph
        elif isinstance(block, Table):
            out.append((n, ""))
            for row in block.rows:
                n += 1
                cells = []
                for cell in row.cells:
                    cells.append(" ".join(_docx_paragraph(p) for p in cell.paragraphs).strip())
                if [norm(c) for c in cells] == ["number", "title"]:
                    continue
                out.append((n, "\t".join(cells)))
            out.append((n, ""))
    return out


def _docx_paragraph(p) -> str:
    from docx.text.hyperlink import Hyperlink

    parts = []
    for item in p.iter_inner_content():
        if isinstance(item, Hyperlink):
            parts.append(f"<u>{item.text}</u>")
        elif item.underline and item.text.strip():
            parts.append(f"<u>{item.text}</u>")
        else:
            parts.append(item.text)
    text = "".join(parts)
    return text.replace("</u><u>", "")


# --- parsing -------------------------------------------------------------------------------------

def parse_document(path: Path) -> ParsedDocument:
    """Parse a drivers document file. Raises :class:`DataError` if it is not a drivers document."""
    lines, structured = read_lines(path)
    return parse_lines(lines, rel(path), structured)


def parse_lines(lines: list[tuple[int, str]], name: str, structured: bool = False) -> ParsedDocument:
    doc = ParsedDocument(name, structured=structured)
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
            if not re.search(r"[A-Za-z]", title):
                title = ""
            if not num and not doc.structured and ci in last:
                prev = last[ci]
                if prev.title is None or _known_words(title, vocab):
                    prev.title = f"{prev.title} {title}".strip() if prev.title else title
                    continue
                doc.warn(no, f"unreadable summary row {title!r} (its words occur nowhere else in the document); "
                             "left out", hint="check the row in the published document")
                continue
            row = Row(columns[ci], num, title or None, no)
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
        bm = re.match(r"^[-•]\s+(.*)$", text)
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
            paras.append([re.sub(r"^[-•]\s+", "", s), []])
            blank = False
            continue
        prev = paras[-1][0]
        if re.match(r"^[-•]\s+", s):
            body = re.sub(r"^[-•]\s+", "", s)
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


def _url_only(text: str) -> bool:
    return bool(URL_RE.fullmatch(text.strip())) or bool(re.fullmatch(r"<u>.*</u>\.?", text.strip()))


def _sentence_start(text: str, pos: int, floor: int, line_starts: list[int]) -> int:
    """The start of the sentence (or source line) that ends at ``pos``."""
    best = floor
    for m in re.finditer(r"[.!?]\s+(?=[\"'A-Z0-9(<])", text[:pos]):
        if m.end() > best:
            best = m.end()
    for off in line_starts:
        if best < off < pos:
            best = off
    return best


def _extract_links(para: str, line_starts: list[int]) -> tuple[list[str], list[str]]:
    """Split link texts out of one paragraph: (links, remaining text pieces)."""
    # drop tags, remembering where the underlined (linked) runs are
    underlined: list[tuple[int, int]] = []
    text, pos = "", 0
    for m in U_RE.finditer(para):
        text += TAG_RE.sub("", para[pos:m.start()])
        inner = TAG_RE.sub("", m.group(1))
        underlined.append((len(text), len(text) + len(inner)))
        text += inner
        pos = m.end()
    text += TAG_RE.sub("", para[pos:])
    shift = len(para) - len(text)
    line_starts = [max(0, o - shift) for o in line_starts] if shift else line_starts
    spans: list[tuple[int, int, bool]] = []      # start, end, keep-in-text
    floor = 0
    for m in DOMAIN_RE.finditer(text):
        s = _sentence_start(text, m.start(), floor, line_starts)
        s = _repeat_start(text, s, m.start())
        after = text[m.end():].lstrip()
        keep = bool(after) and after[:1].islower() and not URL_RE.match(after)
        if keep:
            am = re.match(r"(?:The|A|An)\s+", text[s:])
            if am:
                s += am.end()
        spans.append((s, m.end(), keep))
        floor = m.end()
    for m in SITE_RE.finditer(text):
        if any(a <= m.start() < b for a, b, _ in spans):
            continue
        words = m.group(1).split()
        end = m.start(1)
        rest_after = text[m.end(1):]
        if len(words) > 1 and re.match(r"^\s+[a-z]", rest_after):
            words = words[:-1]
        end = m.start(1) + len(" ".join(words))
        prior = [b for a, b, _ in spans if b <= m.start()]
        s = _sentence_start(text, m.start(), max(prior, default=0), line_starts)
        spans.append((s, end, False))
    for m in URL_RE.finditer(text):
        if any(a <= m.start() < b for a, b, _ in spans):
            continue
        end = m.end()
        rest = text[end:]
        if rest.strip() and len(rest) <= 40 and ". " not in rest and not rest.strip()[:1].isupper() or \
                rest.strip().endswith(".pdf") and len(rest) <= 60:
            end = len(text)
        tok = text[m.start():end].rstrip(".,;")
        if "@" in tok:
            continue
        spans.append((m.start(), m.start() + len(tok), False))
    for idx, end in underlined:
        if any(a <= idx < b for a, b, _ in spans):
            continue
        after = text[end:].lstrip()
        keep = bool(after) and after[:1].isalpha()
        spans.append((idx, end, keep))
    for m in re.finditer(r"(?<![\w(])[A-Z]{2,}(?:\s+[A-Z]+){2,}(?![\w)])", text):
        if not any(a <= m.start() < b for a, b, _ in spans):
            spans.append((m.start(), m.end(), False))
    tail = _trailing_link(text)
    if tail is not None and not any(a <= tail < b or tail <= a for a, b, _ in spans):
        spans.append((tail, len(text), False))
    spans.sort()
    links: list[str] = []
    pieces: list[str] = []
    pos = 0
    for a, b, keep in spans:
        if a < pos:
            continue
        link = _clean(text[a:b]).rstrip(".").strip() if not text[a:b].rstrip().endswith(")") else _clean(text[a:b])
        if link and link not in links:
            links.append(link)
        if keep:
            continue
        pieces.append(text[pos:a])
        pos = b
    pieces.append(text[pos:])
    out = []
    for p in pieces:
        p = _clean(p)
        p = re.sub(r"^[.,;:]\s*", "", p) if out or pos else p
        if p and re.search(r"[A-Za-z0-9]", p):
            out.append(p)
    return links, out


def _repeat_start(text: str, start: int, end: int) -> int:
    """A link text often repeats the phrase just before it ('... June 2022 National Strategy for
    Community Justice gov.scot'): start the link at the repeat."""
    words = [(m.start(), m.group()) for m in re.finditer(r"\S+", text[start:end])]
    best = None
    for n in range(6, 2, -1):
        for i in range(len(words) - n):
            phrase = [w for _, w in words[i:i + n]]
            for j in range(i + n, len(words) - n + 1):
                if [w for _, w in words[j:j + n]] == phrase and phrase[0][:1].isupper():
                    best = start + words[j][0]
                    break
            if best is not None:
                return best
    return start


def _trailing_link(text: str) -> int | None:
    """Where a link text run onto the end of a paragraph begins: a last 'sentence' with no full
    stop, short, in title case (or cut off with ' -')."""
    t = text.rstrip()
    if not t or t.endswith((".", "!", "?", ":", ";", ",", ")")):
        return None
    starts = [m.end() for m in re.finditer(r"[.!?]\s+(?=[A-Z0-9'])", t)]
    if not starts:
        return None
    s = starts[-1]
    tail = t[s:]
    words = tail.split()
    if not 1 <= len(words) <= 15:
        return None
    long_words = [w for w in words if len(re.sub(r"[^A-Za-z]", "", w)) >= 4]
    caps = sum(1 for w in long_words if w[:1].isupper())
    if t.endswith(" -") or (long_words and caps / len(long_words) >= 0.9 and len(words) >= 2):
        return s
    return None


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
    if heading_form:
        title: str | None = blk["first"]
        links, body = [], []
        for p in map(_clean, _heading_paragraphs(blk["lines"])):
            um = re.fullmatch(r"<u>(.*)</u>", p)
            if um:
                links.append(_clean(um.group(1)))
            else:
                body.append(p)
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
            plinks, rest = _extract_links(p, offs)
            links += [lk for lk in plinks if lk not in links]
            if not plinks and i > 0 and _bare_link(p):
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
    return Detail(category, blk["subcategory"], num, _clean(title) if title else None, summary, links, refs, no, headed)


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


def _bare_link(p: str) -> bool:
    """A short paragraph with no sentence ending: a link text on its own line."""
    t = _clean(TAG_RE.sub("", p))
    return 0 < len(t.split()) <= 12 and not t.endswith((".", ":", ";", ","))


# --- numbering and matching ----------------------------------------------------------------------

@dataclass
class IngestResult:
    """What ingest would write, and what it found."""

    edition: dict[str, Any]
    source: dict[str, Any]
    entries: list[dict[str, Any]]
    new_drivers: list[dict[str, Any]]
    warnings: list[Problem]
    matched: dict[str, str]        # entry number -> how it matched ("number+title", "summary", "new", ...)
    doc: ParsedDocument

    def report(self) -> dict[str, Any]:
        return {
            "edition": self.edition["id"],
            "entries": len(self.entries),
            "new_drivers": [d["id"] for d in self.new_drivers],
            "warnings": [str(w) for w in self.warnings],
        }


def number_entries(doc: ParsedDocument) -> list[dict[str, Any]]:
    """Give each detail its true number and its summary row; entries in published order."""
    details = doc.details
    _mend_broken_rows(doc)
    used: set[str] = set()
    true: list[str | None] = [None] * len(details)
    for i, d in enumerate(details):
        if d.number and NUM_RE.match(d.number) and d.number not in used and \
                d.number.split(".")[0] == CATEGORY_INDEX.get(d.category, ""):
            true[i] = d.number
            used.add(d.number)
        elif d.number and d.number in used:
            doc.warn(d.line, f"number {d.number} is printed twice in the detail sections",
                     hint="the second is renumbered; check the published document")
    # summary rows and flattened summary text -> details
    rows_for: dict[int, Row] = {}
    flat_title: dict[int, str] = {}
    by_cat: dict[str, list[int]] = {}
    for i, d in enumerate(details):
        by_cat.setdefault(d.category, []).append(i)
    for cat, idxs in by_cat.items():
        rows = [r for r in doc.rows if r.category == cat]
        if doc.structured:
            for k, i in enumerate(idxs):
                if k < len(rows):
                    rows_for[i] = rows[k]
            for r in rows[len(idxs):]:
                doc.warn(r.line, f"summary row {r.number} {r.title!r} has no detail section")
            continue
        pairs = []
        for k, i in enumerate(idxs):
            d = details[i]
            for j, r in enumerate(rows):
                num_same = r.number and r.number in (d.number, true[i])
                sc = similarity(r.title, d.title) if r.title else 0.0
                if not r.title and not num_same:
                    continue
                score = sc + (0.35 if num_same else 0.0) + (0.15 if j == k else 0.0)
                if score >= 0.45:
                    pairs.append((score, k, j, i))
        taken_r: set[int] = set()
        for score, k, j, i in sorted(pairs, key=lambda p: (-p[0], p[1], p[2])):
            if i in rows_for or j in taken_r:
                continue
            rows_for[i] = rows[j]
            taken_r.add(j)
        for j, r in enumerate(rows):
            if j not in taken_r:
                doc.warn(r.line, f"summary row {r.number or '(no number)'} {r.title!r} matches no detail section",
                         hint="an entry only in the Summary is added without a summary text")
                details.append(Detail(cat, None, None, None, "", [], [], r.line, headed=False))
                true.append(None)
                rows_for[len(details) - 1] = r
        if cat in doc.flat:
            words = doc.flat[cat].split()
            for i in idxs:
                if i in rows_for:
                    continue
                found = _best_span(words, details[i].title) if details[i].title else \
                    _segment_for(words, details[i].number, details[i].summary)
                if found:
                    flat_title[i] = found
    # numbers for unnumbered / duplicate details
    order = sorted(range(len(details)), key=lambda i: (CATEGORIES.index(details[i].category), details[i].line))
    for i in order:
        if true[i]:
            continue
        d = details[i]
        r = rows_for.get(i)
        cand = r.number if r and NUM_RE.match(r.number or "") and r.number not in used and \
            r.number.split(".")[0] == CATEGORY_INDEX[d.category] else None
        if cand is None:
            prevs = [int(true[j].split(".")[1]) for j in order[: order.index(i)]
                     if true[j] and details[j].category == d.category]
            nxt = (max(prevs) + 1) if prevs else 1
            while f"{CATEGORY_INDEX[d.category]}.{nxt}" in used:
                nxt += 1
            cand = f"{CATEGORY_INDEX[d.category]}.{nxt}"
        true[i] = cand
        used.add(cand)
        if d.number is None and d.title:
            doc.warn(d.line, f"unnumbered entry {d.title[:50]!r} is numbered {cand}")
    out = []
    for i in sorted(range(len(details)), key=lambda i: (CATEGORIES.index(details[i].category),
                                                        number_key(true[i] or "0.0"), details[i].line)):
        d, r = details[i], rows_for.get(i)
        en: dict[str, Any] = {"number": true[i], "category": d.category}
        if d.subcategory:
            en["subcategory"] = d.subcategory
        stitle = r.title if r else flat_title.get(i)
        if stitle:
            en["summary_title"] = stitle
        if r is not None and r.number != true[i]:
            en["summary_number"] = r.number
        title = d.title or stitle
        if not title:
            doc.warn(d.line, f"entry {true[i]} has no title in the heading or the Summary")
            title = f"Entry {true[i]}"
        en["title"] = title
        if (d.number or "") != true[i] and d.title is not None:
            en["detail_number"] = d.number or ""
        if d.summary:
            en["summary"] = d.summary
        if d.links:
            en["links_text"] = d.links
        if d.refs:
            en["refs"] = d.refs
        heads = [doc.headings.get(d.category, CATEGORY_HEADINGS[d.category])]
        if d.subcategory:
            heads.append(doc.headings.get(d.subcategory, SUBCATEGORY_HEADINGS[d.subcategory]))
        en["section"] = " > ".join([*heads, true[i] + (" (unnumbered)" if d.number is None and d.title else "")])
        en["_line"] = d.line
        out.append(en)
    return out


def _mend_broken_rows(doc: ParsedDocument) -> None:
    """A summary title that ends in 'and' ran on into the next row: move the words of the next
    row's title that do not belong to that row's detail heading back to the broken title."""
    by_num = {d.number: d for d in doc.details if d.number and d.title}
    pairs = []
    for cat in CATEGORIES:
        rows = [r for r in doc.rows if r.category == cat]
        pairs += list(zip(rows, rows[1:]))
    for a, b in pairs:
        if not a.title or not b.title:
            continue
        if not re.search(r"(?:\band|,|&|\bof|\bfor|\bthe)$", a.title):
            continue
        target = by_num.get(b.number)
        if target is None:
            continue
        words = b.title.split()
        best_k, best_sc = 0, similarity(b.title, target.title)
        for k in range(1, len(words)):
            sc = similarity(" ".join(words[k:]), target.title)
            if sc > best_sc + 0.05:
                best_k, best_sc = k, sc
        if best_k:
            a.title = f"{a.title} {' '.join(words[:best_k])}"
            b.title = " ".join(words[best_k:])
            doc.warn(b.line, f"summary title {a.number} runs on into row {b.number}; joined")


def _best_span(words: list[str], title: str) -> str | None:
    """The run of words in a flattened summary line most like ``title``."""
    clean = [w for w in words if not re.fullmatch(r"\d+(?:\.\d+)?\.?", w)]
    target = norm(title)
    n = len(target.split())
    tset = set(target.split())
    best, best_sc = None, 0.0
    for L in range(max(1, n - 3), n + 4):
        for s in range(0, max(0, len(clean) - L) + 1):
            span = clean[s:s + L]
            if not tset & set(norm(span[0]).split()):
                continue
            sc = similarity(" ".join(span), title)
            if sc > best_sc:
                best, best_sc = " ".join(span), sc
    if best is None or best_sc < 0.75:
        return None
    n_best = len(best.split())
    for s in range(0, len(clean) - n_best):
        if " ".join(clean[s:s + n_best]) == best:
            nxt = clean[s + n_best] if s + n_best < len(clean) else ""
            if re.fullmatch(r"\([A-Z][A-Za-z ]*\)", nxt) and nxt not in title:
                best = f"{best} {nxt}"
            break
    return best


def _segment_for(words: list[str], number: str | None, summary: str) -> str | None:
    """For an entry with no heading: the words printed next to its number in a flattened
    summary line, if they all occur in its text."""
    if not number or number not in words:
        return None
    i = words.index(number)
    cands = []
    j = i - 1
    seg = []
    while j >= 0 and not re.fullmatch(r"\d+(?:\.\d+)?\.?", words[j]):
        seg.insert(0, words[j])
        j -= 1
    cands.append(seg)
    seg, j = [], i + 1
    while j < len(words) and not re.fullmatch(r"\d+(?:\.\d+)?\.?", words[j]):
        seg.append(words[j])
        j += 1
    cands.append(seg)
    body = set(norm(summary).split())
    for seg in cands:
        w = norm(" ".join(seg)).split()
        if w and all(x in body for x in w):
            return " ".join(seg)
    return None


def _slug(text: str, limit: int = 60) -> str:
    t = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    words = re.findall(r"[a-z0-9]+", t)
    out = ""
    for w in words:
        if len(out) + len(w) + 1 > limit:
            break
        out = f"{out}-{w}" if out else w
    return out or "driver"


KIND_WORDS = (("bill", "bill"), ("act", "act"), ("regulations", "regulations"), ("strategy", "strategy"),
              ("fund", "fund"), ("guidance", "guidance"), ("framework", "framework"), ("report", "report"),
              ("plan", "plan"), ("programme", "programme"), ("board", "group"), ("group", "group"),
              ("partnership", "group"), ("committee", "group"), ("network", "group"), ("council", "group"))


def _guess_kind(title: str) -> str:
    words = norm(title).split()
    for word, kind in KIND_WORDS:
        if word in words:
            return kind
    return "programme"


def match_entries(entries: list[dict[str, Any]], data: Data, prev: Edition | None,
                  year: int) -> tuple[dict[int, str], dict[int, str]]:
    """Match parsed entries to drivers: returns (entry index -> driver id, entry index -> how)."""
    prev_entries = edition_entries(prev) if prev else []
    got: dict[int, str] = {}
    how_of: dict[int, str] = {}
    taken: set[int] = set()
    # the common case first: same number and the same title (or the same summary)
    for i, en in enumerate(entries):
        for j, pe in enumerate(prev_entries):
            if j in taken or en["number"] != pe["number"]:
                continue
            if norm(en.get("title")) == norm(pe.get("title")) or \
                    en.get("summary") and norm(en.get("summary")) == norm(pe.get("summary")):
                got[i], how_of[i] = pe["driver"], "number+title"
                taken.add(j)
                break
    pairs = []
    for i, en in enumerate(entries):
        if i in got:
            continue
        for j, pe in enumerate(prev_entries):
            if j in taken:
                continue
            rec = data.records.get(pe["driver"])
            names = [pe.get("title"), pe.get("summary_title")]
            if rec is not None:
                names += [rec.title, *rec.get("aliases", [])]
            t_sc = max(max(similarity(en.get("title"), n) for n in names if n),
                       max((similarity(en.get("summary_title"), n) for n in names if n and en.get("summary_title")),
                           default=0.0))
            s_sc = word_similarity(en.get("summary"), pe.get("summary")) if en.get("summary") and pe.get("summary") \
                else 0.0
            same_num = en["number"] == pe["number"]
            score = 0.45 * t_sc + 0.4 * s_sc + (0.15 if same_num else 0.0)
            if t_sc >= 0.85 or s_sc >= 0.6 or score >= 0.5 or (same_num and (t_sc >= 0.65 or s_sc >= 0.4)):
                how = "+".join(k for k, ok in (("number", same_num), ("title", t_sc >= 0.85),
                                               ("summary", s_sc >= 0.6)) if ok) or "similar"
                pairs.append((score, i, j, how))
    for score, i, j, how in sorted(pairs, key=lambda p: (-p[0], p[1], p[2])):
        if i in got or j in taken:
            continue
        got[i] = prev_entries[j]["driver"]
        how_of[i] = how
        taken.add(j)
    used = set(got.values())
    drivers = data.of_type("drivers")
    for i, en in enumerate(entries):
        if i in got:
            continue
        best, best_sc = None, 0.0
        for rec in drivers:
            if rec.id in used:
                continue
            sc = max(similarity(en.get(f), n) for f in ("title", "summary_title") if en.get(f)
                     for n in [rec.title, *rec.get("aliases", [])])
            if sc > best_sc:
                best, best_sc = rec.id, sc
        if best and best_sc >= 0.9:
            got[i] = best
            how_of[i] = "driver title"
            used.add(best)
    return got, how_of


def build_edition(doc: ParsedDocument, data: Data, year: int, partnership: str | None = None,
                  source_name: str | None = None) -> IngestResult:
    """Number, match and assemble the edition for ``year`` from a parsed document."""
    same = data.edition_for_year(year, partnership)
    prev = same or previous_edition(data, year, partnership)
    if prev is None:
        eds = sorted(data.editions.values(), key=lambda e: e.year)
        prev = eds[-1] if eds else None
    if prev is None:
        raise DataError([Problem("there is no earlier edition to match drivers against", file=doc.name,
                                 hint="the data must hold at least one edition of the drivers document")])
    partnership = partnership or prev.partnership
    raw = number_entries(doc)
    got, how = match_entries(raw, data, prev, year)
    edition_id = same.id if same else edition_id_for(prev.id, year)
    new_drivers: list[dict[str, Any]] = []
    taken = set(data.records) | set(data.declared) | set(data.editions)
    entries = []
    matched = {}
    numbers = {e["number"] for e in raw}
    for i, en in enumerate(raw):
        line = en.pop("_line")
        if i in got:
            driver = got[i]
            matched[en["number"]] = how[i]
        else:
            base = _slug(en.get("title") or en.get("summary_title") or en["number"])
            if base.startswith("north-lanarkshire-"):
                base = "nl-" + base[len("north-lanarkshire-"):]
            if en["category"] in ("local", "governance") and partnership == "north-lanarkshire" \
                    and not base.startswith("nl-"):
                base = f"nl-{base}"
            driver, k = base, 2
            while driver in taken:
                driver, k = f"{base}-{k}", k + 1
            taken.add(driver)
            rec: dict[str, Any] = {"id": driver, "title": en["title"], "kind": _guess_kind(en["title"]),
                                   "section": en["section"]}
            if en["category"] in ("local", "governance"):
                rec["partnership"] = partnership
            rec["note"] = (f"new in {year} edition, created by ingest from {source_name or doc.name} line {line}; "
                           "kind guessed from the title: check it")
            new_drivers.append(rec)
            matched[en["number"]] = "new"
            doc.warn(line, f"entry {en['number']} {en['title'][:50]!r} matches no existing driver; new driver "
                           f"{driver!r}", hint="if it is an existing driver renamed, fix its id in the edition file")
        dangling = [r for r in en.get("refs", []) if r not in numbers]
        if dangling:
            doc.warn(line, f"entry {en['number']} refers to {', '.join(dangling)}, which is not a number in this "
                           "document; left out of refs", hint="'drivers review' lists it as a dangling reference")
            en["refs"] = [r for r in en["refs"] if r not in dangling]
            if not en["refs"]:
                del en["refs"]
        entries.append({"number": en["number"], "driver": driver,
                        **{k: v for k, v in en.items() if k != "number"}})
    if same is not None:
        # drivers defined in the edition file being replaced are carried over when still described
        described = {e["driver"] for e in entries}
        have = {d["id"] for d in new_drivers}
        for rec in data.of_type("drivers"):
            if rec.file == same.file and rec.id in described and rec.id not in have:
                new_drivers.append(record_dict(rec))
        new_drivers.sort(key=lambda d: d["id"])
    src_prev = data.sources.get(prev.source)
    source = {"id": f"src-{edition_id}", "title": doc.title or prev.title}
    if src_prev is not None and src_prev.fields.get("publisher"):
        source["publisher"] = src_prev.fields["publisher"]
    if doc.date:
        source["date"] = doc.date
    source["partnership"] = partnership
    source["note"] = f"Ingested by 'drivers ingest' from {source_name or doc.name}."
    edition = {"id": edition_id, "year": year, "title": doc.title or prev.title, "partnership": partnership}
    if doc.date:
        edition["date"] = doc.date
    edition["section"] = "whole document"
    return IngestResult(edition, source, entries, new_drivers, list(doc.warnings), matched, doc)


def record_dict(rec) -> dict[str, Any]:
    """A loaded driver record back as the dict its YAML holds."""
    out: dict[str, Any] = {"id": rec.id, "title": rec.title, **rec.fields, "section": rec.section}
    if rec.links:
        out["links"] = [{k: v for k, v in (("rel", lk.rel), ("to", lk.to), ("section", lk.section),
                                           ("quote", lk.quote)) if v} for lk in rec.links]
    return out


# --- compare with an existing edition (the fidelity figure) -----------------------------------------

def compare(result: IngestResult, ed: Edition, fields: tuple[str, ...] = ("driver", *PRINTED_FIELDS, "section")
            ) -> dict[str, Any]:
    """Field by field: how much of the curated edition ``ed`` the ingested entries reproduce.

    Each (entry, field) where the curated entry or the ingested one has a value counts once.
    """
    curated = {e["number"]: e for e in edition_entries(ed)}
    got = {e["number"]: e for e in result.entries}
    total = same = 0
    misses: list[dict[str, Any]] = []
    for num, ce in curated.items():
        ge = got.get(num, {})
        for f in fields:
            cv, gv = ce.get(f), ge.get(f)
            if cv is None and gv is None:
                continue
            total += 1
            if cv == gv:
                same += 1
            else:
                misses.append({"number": num, "field": f, "curated": cv, "ingested": gv})
    for num in sorted(set(got) - set(curated), key=number_key):
        total += 1
        misses.append({"number": num, "field": "entry", "curated": None, "ingested": got[num].get("title")})
    return {"edition": ed.id, "fields": total, "matching": same, "share": round(same / total, 4) if total else 1.0,
            "misses": misses}


# --- the whole step --------------------------------------------------------------------------------

def ingest(path: Path, year: int, data_dir: Path, data: Data, force: bool = False, partnership: str | None = None,
           write: bool = True) -> tuple[IngestResult, Path | None]:
    """Parse ``path`` as the ``year`` edition and (with ``write``) write it to ``data_dir``.

    Never replaces an existing edition without ``force``; a curated edition that lives in another
    file is never rewritten. The new file is checked by the loader before it is written.
    """
    doc = parse_document(path)
    result = build_edition(doc, data, year, partnership, source_name=path.name)
    if not write:
        return result, None
    target = edition_path(data_dir, result.edition["id"])
    refuse_replace(data.edition_for_year(year, result.edition["partnership"]), target, force, "ingest",
                   "pass --force to replace it, or --check to compare",
                   "use --check to compare the document with it", file=rel(path))
    text = edition_yaml(result.source, result.edition, result.entries, result.new_drivers,
                        header=f"Edition {year} of the drivers document, written by 'drivers ingest' from {path.name}.\n"
                               "Verbatim fields as read from the document; check the warnings it printed.")
    check_with(data_dir, {target: text})
    from .io import write_text

    write_text(target, text)
    return result, target
