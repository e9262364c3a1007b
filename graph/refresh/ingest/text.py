"""Text helpers and patterns shared by the ingest parser and matcher.
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata

from ..editions import (CATEGORY_HEADINGS, SUBCATEGORY_HEADINGS)
from ...core.model import CATEGORIES


CATEGORY_INDEX = {c: str(i) for i, c in enumerate(CATEGORIES, start=1)}


NUM_RE = re.compile(r"^\d{1,2}\.\d{1,2}$")


#: a list bullet as text extracts print it: '-', '•' and the other bullet glyphs, and the Symbol
#: font's private-use bullets (U+F0B7 ...) that PDF text extraction gives for Word's bullets
BULLET = "[-•●▪◦‣∙\uf0a7\uf0b7\uf0d8\uf0fc\uf076]"


ENTRY_RE = re.compile(rf"^(?P<indent>\s?)(?:{BULLET}\s+)?(?P<num>\d{{1,2}}\.\d{{1,2}})\s+(?P<rest>\S.*)$")


HEADING_RE = re.compile(r"^(#{1,6})\s+(.*)$")


DOMAIN_RE = re.compile(r"\((?:https?://)?[A-Za-z0-9-]+(?:\.\s?[A-Za-z0-9-]+)*\.\s?[A-Za-z]{2,}/?\)")


URL_RE = re.compile(r"(?<![\w@])(?:https?://\S+|www\.\S+|[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.(?:com|org|uk|scot|net)"
                    r"(?:/\S*)?(?=[\s]|$))")


SITE_RE = re.compile(r"\|\s*((?:[A-Z][\w&'-]*)(?:\s+[A-Z][\w&'-]*)*)")


#: a linked run: underlined (``<u>``, group 2) or a hyperlink with its address (``<a href>``, groups 1 and 3)
U_RE = re.compile(r"<u>(?P<u>.*?)</u>|<a href=\"(?P<href>[^\"]*)\">(?P<a>.*?)</a>", re.S)


TAG_RE = re.compile(r"</?(?:u|i|b|p|em|strong)>|<a href=\"[^\"]*\">|</a>")


END_RE = re.compile(r"^(?:This document can be made available|To make a request, please contact)", re.I)


MONTHS = {m: i for i, m in enumerate(("january", "february", "march", "april", "may", "june", "july", "august",
                                      "september", "october", "november", "december"), start=1)}


TERMINAL = (".", "!", "?")


def norm(text: str | None) -> str:
    """Lower-case words only, for similarity."""
    text = unicodedata.normalize("NFKC", text or "").lower().replace("’", "'")
    return " ".join(re.findall(r"[a-z0-9']+", text))


@functools.lru_cache(maxsize=65536)
def _ratio(a: str, b: str, floor: float) -> float:
    """SequenceMatcher ratio, or 0 when even its cheap upper bound is below ``floor`` (speed:
    matching compares every entry with every earlier one)."""
    sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
    if sm.real_quick_ratio() < floor or sm.quick_ratio() < floor:
        return 0.0
    return sm.ratio()


def similarity(a: str | None, b: str | None) -> float:
    """Character similarity of two titles in [0, 1]; values under 0.5 count as 0."""
    a, b = norm(a), norm(b)
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    return _ratio(a, b, 0.5)


def word_similarity(a: str | None, b: str | None) -> float:
    """Similarity of two long texts, on words; values under 0.3 count as 0."""
    wa, wb = tuple(norm(a).split()), tuple(norm(b).split())
    if not wa or not wb:
        return 0.0
    return _ratio(wa, wb, 0.3)


def _clean(text: str) -> str:
    text = text.replace("**", "").replace("\u00a0", " ")
    return " ".join(text.split())


def _category_of(text: str) -> str | None:
    t = norm(text)
    for cat in CATEGORIES:
        if cat in t:
            return cat
    return None


def _heading_kind(text: str) -> tuple[str, str | None] | None:
    """('category', cat) / ('subcategory', sub) / ('summary-category', cat) / ('summary', None)."""
    t = _clean(text).strip("# ").strip()
    n = norm(t)
    if n == "summary":
        return ("summary", None)
    if n == norm(SUBCATEGORY_HEADINGS["related-plans-and-reports"]):
        return ("subcategory", "related-plans-and-reports")
    m = re.match(r"^(\d)\.\s+(.*)$", t)
    if m:
        cat = _category_of(m.group(2))
        if cat and len(n.split()) <= 6 and CATEGORY_INDEX[cat] == m.group(1):
            return ("summary-category", cat)
        return None
    for cat, head in CATEGORY_HEADINGS.items():
        if n == norm(head) or n in (f"{cat} drivers", norm(head).replace(" planning and", ", planning and")):
            return ("category", cat)
    if n in ("governance planning and delivery", "governance, planning and delivery"):
        return ("category", "governance")
    return None
