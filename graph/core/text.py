"""Text helpers shared by the writers: escaping data for Markdown."""

from __future__ import annotations

import re

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|])")


def md_escape(text: str, block: bool = False) -> str:
    """Escape Markdown syntax in text from the data, so it prints as written and never as markup.

    ``block``: the text starts a line (a paragraph), so a leading '#', '-', '+' or '1.' is escaped too.
    """
    text = _MD_SPECIAL.sub(r"\\\1", text.replace("\t", " "))
    if block:
        text = re.sub(r"^(\s*)([#+\-])", r"\1\\\2", text)
        text = re.sub(r"^(\s*\d+)\.", r"\1\\.", text)
    return text
