"""Markdown (as ``drivers document`` writes it) as the parser's plain lines: tables as tab-separated cells.
"""

from __future__ import annotations

import re

from ..text import norm


def markdown_lines(lines: list[str]) -> list[str]:
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
            m = re.fullmatch(r"\[(.*)\]\(<([^<>\s]*)>\)", s)
            if m:          # a link paragraph with its address, as ``document`` writes it
                href = m.group(2).replace("&", "&amp;").replace('"', "%22")
                out.append(f'<a href="{href}">{_unescape(m.group(1))}</a>')
            else:
                out.append(_unescape(line))
    return out


def _unescape(text: str) -> str:
    return re.sub(r"\\([\\`*_{}\[\]()#+\-.!|<>&])", r"\1", text)
