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


_TOKEN = re.compile(r"[a-z0-9]+")
#: at most this many options are compared character by character (difflib is slow at scale)
CLOSE_POOL = 400


def close_matches(word: str, options, n: int = 5, cutoff: float = 0.6) -> list[str]:
    """``difflib.get_close_matches`` for "did you mean" hints, bounded for large graphs: only the
    options that share the most words (split at ``-``, ``.`` and the like) with ``word``, or failing
    that its first three characters, are compared — at most :data:`CLOSE_POOL` of them — and
    ``word`` is cut to 100 characters. On a few hundred options the answer is difflib's own."""
    import difflib

    options = list(options)
    word = word[:100]
    if len(options) > CLOSE_POOL:
        mine = set(_TOKEN.findall(word.lower()))
        shared = [(len(mine & set(_TOKEN.findall(o.lower()))), o) for o in options]
        pool = [o for k, o in sorted(shared, key=lambda s: (-s[0], s[1])) if k > 0][:CLOSE_POOL]
        if not pool:
            head = word.lower()[:3]
            pool = [o for o in options if o.lower().startswith(head)][:CLOSE_POOL]
        options = pool
    return difflib.get_close_matches(word, options, n=n, cutoff=cutoff)
