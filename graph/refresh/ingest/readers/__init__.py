"""One reader per input format, each giving the parser a :class:`~.reading.Reading` (numbered lines).

* :mod:`.plaintext` - text extracted from the published PDF (UTF-8 or UTF-16 with a byte-order mark)
* :mod:`.markdown` - Markdown, as ``drivers document`` writes it
* :mod:`.docx` - Word files (tracked changes read as accepted)
* :mod:`.pdf` - PDF files (pdfplumber: tables as tables, hyperlinks as links); its
  :func:`~.pdf.pdf_tables` reads any ruled table as rows of cells with page and row positions
"""

from __future__ import annotations

from pathlib import Path

from .docx import docx_lines
from .markdown import markdown_lines
from .pdf import pdf_lines, pdf_tables
from .plaintext import text_lines
from .reading import Reading

__all__ = ["Reading", "pdf_tables", "read_lines"]


def read_lines(path: Path) -> Reading:
    """The file as a :class:`Reading`, by its suffix (.pdf, .docx, .md/.markdown, else text)."""
    from ....core.io import read_bytes
    if not path.is_dir():
        import stat
        try:
            if not stat.S_ISREG(path.stat().st_mode):
                read_bytes(path)  # its DataError: a pipe or a device (/dev/zero would never end)
        except OSError:
            pass  # each reader reports a missing file in its own words
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        return pdf_lines(path)
    if suffix == ".docx":
        return docx_lines(path)
    lines = text_lines(path)
    structured = suffix in (".md", ".markdown")
    if structured:
        lines = markdown_lines(lines)
    return Reading(list(enumerate(lines, start=1)), structured=structured, table_cells=structured)
