"""A Word ``.docx`` as the parser's lines: headings as '#' lines, tables as tab-separated rows.

The body's XML is walked directly (python-docx opens the package and names the styles), so that
what Word shows is what is read:

* tracked changes are read as the document prints with all changes accepted: inserted and
  moved-to text kept, deleted and moved-from text never kept, a deleted paragraph mark joins
  the paragraph to the next, a deleted table row is left out; a ``[WARN]`` says they were there;
* hyperlinks (``w:hyperlink`` and ``HYPERLINK`` fields) come as ``<a href="URL">text</a>``,
  other underlined runs as ``<u>text</u>``;
* a table of contents (a ``TOC`` field, or paragraphs in the TOC styles) is skipped;
* a merged cell keeps its columns (a cell spanning two grid columns is followed by an empty one).
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from ....core.errors import DataError, Problem, rel
from ..text import norm
from .reading import Reading

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
#: containers whose runs are part of the text (descended into)
CONTAINERS = {W + n for n in ("ins", "moveTo", "smartTag", "customXml", "sdt", "sdtContent", "fldSimple", "hyperlink",
                              "dir", "bdo")}
REMOVED = {W + "del", W + "moveFrom"}


class _State:
    def __init__(self, rels: dict[str, str]) -> None:
        self.rels = rels
        self.inserted = 0
        self.deleted = 0
        self.fields: list[dict] = []     # open complex fields: {"instr": str, "result": bool}

    @property
    def in_toc(self) -> bool:
        return any(f["instr"].strip().upper().startswith("TOC") for f in self.fields)

    def link(self) -> str | None:
        for f in reversed(self.fields):
            m = re.match(r'\s*HYPERLINK\s+"([^"]+)"', f["instr"])
            if m and f["result"]:
                return m.group(1)
        return None


def docx_lines(path: Path) -> Reading:
    """A Word file as a :class:`Reading`. Line numbers are paragraph/row positions in the document."""
    name = rel(path)
    try:
        import docx
        from docx.opc.exceptions import PackageNotFoundError
    except ImportError:  # pragma: no cover - python-docx is a dependency
        raise DataError([Problem("python-docx is not installed", file=name,
                                 hint="install the package with its dependencies")]) from None
    if not path.is_file():  # missing, or a folder: say so (not "open it and save it again")
        from ....core.io import read_bytes
        read_bytes(path)
    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise DataError([Problem(f"not a readable Word .docx file ({type(exc).__name__})", file=name,
                                 hint="open it in Word and save it again as .docx, or give the text instead")]) from None
    except Exception as exc:  # lxml errors on corrupt XML parts
        raise DataError([Problem(f"not a readable Word .docx file ({type(exc).__name__}: {exc})", file=name,
                                 hint="open it in Word and save it again as .docx")]) from None
    rels = {rid: r.target_ref for rid, r in document.part.rels.items() if r.is_external}
    styles = {s.style_id: (s.name or "") for s in document.styles}
    state = _State(rels)
    out: list[tuple[int, str]] = []
    n = 0
    carry = ""                   # text of a paragraph whose mark was deleted (joins the next)
    for block in _blocks(document.element.body):
        if block.tag == W + "p":
            n += 1
            text, mark_deleted = _paragraph(block, state)
            style = styles.get(_style_id(block), "")
            if state.in_toc and not text.strip() or style.lower().startswith("toc"):
                continue
            if mark_deleted:
                carry += text
                continue
            text, carry = carry + text, ""
            m = re.match(r"Heading (\d)", style)
            if style == "Web link" and text.strip() and "<a href=" not in text:
                text = f"<u>{text}</u>"      # a link text with no known address, as ``document`` writes it
            if m and text.strip():
                text = "#" * int(m.group(1)) + " " + re.sub(r"</?(?:u|a)\b[^>]*>", "", text)
            elif style == "Title" and text.strip():
                text = "# " + text
            out.append((n, text))
            out.append((n, ""))          # each Word paragraph is a paragraph
        elif block.tag == W + "tbl":
            out.append((n, ""))
            for row in block.iter(W + "tr"):
                trpr = row.find(W + "trPr")
                if trpr is not None and trpr.find(W + "del") is not None:
                    state.deleted += 1
                    continue
                if trpr is not None and trpr.find(W + "ins") is not None:
                    state.inserted += 1
                n += 1
                cells = []
                for tc in row.findall(W + "tc"):
                    tcpr = tc.find(W + "tcPr")
                    span = 1
                    if tcpr is not None:
                        gs = tcpr.find(W + "gridSpan")
                        if gs is not None and (gs.get(W + "val") or "1").isdigit():
                            span = int(gs.get(W + "val"))
                        vm = tcpr.find(W + "vMerge")
                        if vm is not None and vm.get(W + "val") in (None, "continue"):
                            cells += [""] * span
                            continue
                    texts = [_paragraph(p, state)[0] for p in tc.iter(W + "p")]
                    cells += [" ".join(t for t in texts if t.strip()).strip()] + [""] * (span - 1)
                if [norm(c) for c in cells] == ["number", "title"]:
                    continue
                out.append((n, "\t".join(cells)))
            out.append((n, ""))
    warnings = []
    if state.inserted or state.deleted:
        warnings.append(Problem(f"the document has tracked changes ({state.inserted} insertion"
                                f"{'s' if state.inserted != 1 else ''}, {state.deleted} deletion"
                                f"{'s' if state.deleted != 1 else ''}): read as if all were accepted (deleted "
                                "text left out)", file=name, severity="WARN",
                                hint="accept or reject them in Word (Review > Accept/Reject) and ingest again to be sure"))
    marked = any("<a href=" in t for _, t in out)
    return Reading(out, structured=True, table_cells=True, warnings=warnings, links_marked=marked)


def _blocks(body):
    """The body's paragraphs and tables in order (content controls opened)."""
    for child in body:
        if child.tag in (W + "p", W + "tbl"):
            yield child
        elif child.tag in (W + "sdt", W + "sdtContent", W + "customXml", W + "ins", W + "moveTo"):
            yield from _blocks(child)


def _style_id(p) -> str:
    ppr = p.find(W + "pPr")
    st = ppr.find(W + "pStyle") if ppr is not None else None
    return st.get(W + "val") if st is not None else "Normal"


def _paragraph(p, state: _State) -> tuple[str, bool]:
    """(text, paragraph mark deleted) of one ``w:p``."""
    mark_deleted = False
    ppr = p.find(W + "pPr")
    if ppr is not None:
        rpr = ppr.find(W + "rPr")
        if rpr is not None:
            if rpr.find(W + "del") is not None:
                mark_deleted = True
                state.deleted += 1
            if rpr.find(W + "ins") is not None:
                state.inserted += 1
    parts: list[tuple[str, str | None, bool]] = []      # (text, link address, underlined)
    _walk(p, state, parts, None)
    out, k = [], 0
    while k < len(parts):
        text, href, under = parts[k]
        j = k + 1
        while j < len(parts) and parts[j][1] == href and parts[j][2] == under:
            text += parts[j][0]
            j += 1
        if href and text.strip():
            out.append(f'<a href="{_attr(href)}">{text}</a>')
        elif under and text.strip():
            out.append(f"<u>{text}</u>")
        else:
            out.append(text)
        k = j
    return "".join(out), mark_deleted


def _walk(el, state: _State, parts: list, href: str | None) -> None:
    for child in el:
        tag = child.tag
        if tag in REMOVED:
            state.deleted += 1
            continue
        if tag == W + "r":
            _run(child, state, parts, href)
        elif tag == W + "hyperlink":
            target = state.rels.get(child.get(R_ID) or "")
            _walk(child, state, parts, target or href)
        elif tag == W + "fldSimple":
            m = re.match(r'\s*HYPERLINK\s+"([^"]+)"', child.get(W + "instr") or "")
            _walk(child, state, parts, m.group(1) if m else href)
        elif tag in CONTAINERS:
            if tag in (W + "ins", W + "moveTo"):
                state.inserted += 1
            _walk(child, state, parts, href)


def _run(r, state: _State, parts: list, href: str | None) -> None:
    rpr = r.find(W + "rPr")
    u = rpr.find(W + "u") if rpr is not None else None
    under = u is not None and (u.get(W + "val") or "single") != "none"
    for c in r:
        tag = c.tag
        if tag == W + "fldChar":
            kind = c.get(W + "fldCharType")
            if kind == "begin":
                state.fields.append({"instr": "", "result": False})
            elif kind == "separate" and state.fields:
                state.fields[-1]["result"] = True
            elif kind == "end" and state.fields:
                state.fields.pop()
            continue
        if tag == W + "instrText":
            if state.fields:
                state.fields[-1]["instr"] += c.text or ""
            continue
        if state.fields and not state.fields[-1]["result"]:
            continue                     # inside a field's instruction
        if state.in_toc:
            continue
        text = {W + "t": c.text or "", W + "tab": " ", W + "br": " ", W + "cr": " ", W + "noBreakHyphen": "-",
                W + "softHyphen": "", W + "sym": ""}.get(tag)
        if text is None:
            continue
        parts.append((text, state.link() or href, under))


def _attr(uri: str) -> str:
    return uri.replace("&", "&amp;").replace('"', "%22").replace("<", "%3C").replace(">", "%3E")
