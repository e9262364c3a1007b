"""One reader per input format, each giving the parser (line number, text) pairs.

* :mod:`.plaintext` - text extracted from the published PDF (UTF-8 or UTF-16 with a byte-order mark)
* :mod:`.markdown` - Markdown, as ``drivers document`` writes it
* :mod:`.docx` - Word files
"""

from __future__ import annotations

from pathlib import Path

from .docx import docx_lines
from .markdown import markdown_lines
from .plaintext import text_lines


def read_lines(path: Path) -> tuple[list[tuple[int, str]], bool]:
    """The file as (line number, text) pairs, and whether it is Markdown/Word (structured)."""
    suffix = path.suffix.lower()
    if suffix == ".docx":
        return docx_lines(path), True
    lines = text_lines(path)
    structured = suffix in (".md", ".markdown")
    if structured:
        lines = markdown_lines(lines)
    return list(enumerate(lines, start=1)), structured
