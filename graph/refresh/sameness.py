"""When two texts are the same: formatting-only differences, and an entry's unchanged source text.

Two levels, both used by the refresh:

* :func:`format_key` - a text with its formatting evened out: Unicode compatibility forms,
  curly quotes and apostrophes made straight, every dash and hyphen a hyphen-minus, spaces
  around a hyphen dropped, runs of white space (line breaks too) one space. Two values with the
  same key differ only in formatting; ``diff`` lists those apart from real changes.
* :func:`source_key` - an entry's source text (as ingest read it from the document) for
  carrying curated values over: its format key, without markup, the list bullet and the printed
  entry number, with each "(see 2.7)" replaced by the driver it points at (so a reference that
  moved with its target is the same text).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any, Mapping

from .editions import REF_IN_TEXT

_QUOTES = str.maketrans({"‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'", "`": "'", "´": "'",
                         "“": '"', "”": '"', "„": '"', "‟": '"', "″": '"', "«": '"', "»": '"'})
_DASHES = re.compile(r"[\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d]")
_TAGS = re.compile(r"</?(?:u|i|b|p|em|strong)>|<a href=\"[^\"]*\">|</a>|\*\*")
_BULLET = re.compile(r"^\s*[-•●▪◦‣∙\uf0a7\uf0b7\uf0d8\uf0fc\uf076]\s+")
_NUMBER = re.compile(r"^\s*\d{1,2}\.\d{1,2}\s+")


def format_key(value: Any) -> Any:
    """``value`` (text, or a list of texts) with formatting evened out (see the module doc)."""
    if isinstance(value, (list, tuple)):
        return [format_key(v) for v in value]
    if not isinstance(value, str):
        return value
    t = unicodedata.normalize("NFKC", value).translate(_QUOTES)
    t = _DASHES.sub("-", t).replace("\u00ad", "")
    t = re.sub(r"\s*-\s*", "-", t)
    return " ".join(t.split())


def formatting_only(a: Any, b: Any) -> bool:
    """Do ``a`` and ``b`` differ (if at all) only in formatting?"""
    return format_key(a) == format_key(b)


def source_key(text: str | None, driver_of: Mapping[str, str] | None = None) -> str:
    """The key under which an entry's source text counts as unchanged (see the module doc)."""
    if not text:
        return ""
    lines = [_TAGS.sub("", ln) for ln in text.split("\n")]
    if lines:
        lines[0] = _NUMBER.sub("", _BULLET.sub("", lines[0]))
    t = " ".join(lines)
    if driver_of is not None:
        t = REF_IN_TEXT.sub(lambda m: f"({m.group(1)}<{driver_of.get(m.group(2), m.group(2))}>)", t)
    return format_key(t)
