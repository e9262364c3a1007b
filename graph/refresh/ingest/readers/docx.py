"""A Word ``.docx`` as the parser's plain lines: headings as '#' lines, tables as tab-separated rows.
"""

from __future__ import annotations

import re
from pathlib import Path

from ....core.errors import DataError, Problem, rel
from ..text import norm


def docx_lines(path: Path) -> list[tuple[int, str]]:
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
