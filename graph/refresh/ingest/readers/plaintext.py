"""Plain text, as extracted from the published PDF: UTF-8 (with or without a byte-order mark) or
UTF-16 with a byte-order mark (Notepad's "Unicode"); zip and binary files are refused with a hint."""

from __future__ import annotations

from pathlib import Path

from ....core.errors import DataError, Problem, rel
from ....core.io import read_bytes


def text_lines(path: Path) -> list[str]:
    """The file's lines (any line ending), or a :class:`DataError` saying what the file is instead."""
    name = rel(path)
    raw = read_bytes(path)
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
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
