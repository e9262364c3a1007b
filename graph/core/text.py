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


_QUOTED_ID = re.compile(r"'([^'\s]{1,120})'")


def lookalikes(token: str) -> list[str]:
    """The characters of an id-like ``token`` that are not plain ASCII, each as ``U+XXXX NAME at position N``:
    a Cyrillic 'а' or a non-breaking hyphen looks right and never matches."""
    import unicodedata
    return [f"U+{ord(c):04X} {unicodedata.name(c, 'unnamed character')} at position {i}"
            for i, c in enumerate(token, start=1) if ord(c) > 0x7E or ord(c) < 0x20]


def explain_lookalikes(message: str) -> str:
    """``message`` with each quoted id-like token (no spaces; some ASCII letters or digits) that holds
    other characters followed by their code points, once per token — so a homoglyph is visible.

    >>> explain_lookalikes("unknown id 'аct-a'")
    "unknown id 'аct-a' (it contains U+0430 CYRILLIC SMALL LETTER A at position 1: retype it in plain letters)"
    """
    seen: set[str] = set()

    def repl(m: re.Match) -> str:
        token = m.group(1)
        if token in seen or not re.search(r"[A-Za-z0-9]", token):
            return m.group(0)
        odd = lookalikes(token)
        if not odd or len(odd) > 3 or token.startswith(("http", "/")):
            return m.group(0)
        seen.add(token)
        return f"{m.group(0)} (it contains {', '.join(odd)}: retype it in plain letters)"
    return _QUOTED_ID.sub(repl, message)


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def terminal_safe(text: str) -> str:
    """``text`` with control characters (ESC, CR, bidi overrides ...) shown as ``\\xNN``: text from a file, a
    server or an argument cannot move the cursor, clear the screen or reorder what the officer reads."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}",
                        text)
