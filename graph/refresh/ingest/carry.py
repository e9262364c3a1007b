"""Carry curated values over to entries whose source text has not changed since last edition.

The previous edition remembers, per entry, the text the document printed (``source_text``) and
its Summary row (``summary_source``). When this year's document prints the same text (see
:func:`~graph.refresh.sameness.source_key`: formatting, the printed number and references
that moved with their target do not count), the previous edition's values for it - curated by
hand, or carried from the year before - are kept instead of this year's parse, so an unchanged
entry never shows as changed, however the document was extracted this year.
"""

from __future__ import annotations

from typing import Any

from ..editions import REF_IN_TEXT
from ..sameness import format_key, source_key

#: what the entry's text gives, carried when ``source_text`` is unchanged
DETAIL_FIELDS = ("title", "summary", "links_text", "link_urls", "refs", "covers")
#: what its Summary row gives, carried when ``summary_source`` is unchanged
SUMMARY_FIELDS = ("summary_title",)


def carry_over(entries: list[dict[str, Any]], *earlier: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Replace, in place, the parsed values of each entry whose source is unchanged from an
    earlier edition's entry for the same driver (``earlier``: the entries of the editions to
    carry from, first choice first - the edition being replaced, then last year's). Returns
    entry number -> the parts carried ("text", "summary row")."""
    new_driver = {e["number"]: e["driver"] for e in entries}
    new_number = {e["driver"]: e["number"] for e in entries}
    carried: dict[str, list[str]] = {}
    for en in entries:
        for prev_entries in earlier:
            parts = _carry_one(en, prev_entries, new_driver, new_number)
            if parts:
                carried[en["number"]] = parts
                break
    return carried


def _carry_one(en: dict[str, Any], prev_entries: list[dict[str, Any]], new_driver: dict[str, str],
               new_number: dict[str, str]) -> list[str]:
    old_driver = {e["number"]: e["driver"] for e in prev_entries}
    pe = next((e for e in prev_entries if e["driver"] == en["driver"]), None)
    if pe is None:
        return []

    def renumber(num: str) -> str:
        drv = old_driver.get(num)
        return new_number.get(drv, num) if drv else num

    parts = []
    row_same = bool(pe.get("summary_source") and en.get("summary_source") and
                    source_key(pe["summary_source"]) == source_key(en["summary_source"]))
    text_same = bool(pe.get("source_text") and en.get("source_text") and
                     source_key(pe["source_text"], old_driver) == source_key(en["source_text"], new_driver))
    # an entry with no text of its own in either year (only its Summary row was read) is
    # unchanged when its row is
    if text_same or row_same and not pe.get("source_text") and not en.get("source_text"):
        read_urls = {format_key(t): u for t, u in zip(en.get("links_text", []), en.get("link_urls", [])) if u}
        for f in DETAIL_FIELDS:
            v = pe.get(f)
            if f == "summary" and v:
                v = REF_IN_TEXT.sub(lambda m: f"({m.group(1)}{renumber(m.group(2))})", v)
            elif f == "refs" and v:
                v = [renumber(r) for r in v]
            if v is None or v == []:
                en.pop(f, None)
            else:
                en[f] = v
        if read_urls and "link_urls" not in pe and en.get("links_text"):
            # addresses this year's document gives that the earlier edition did not record
            urls = [read_urls.get(format_key(t), "") for t in en["links_text"]]
            if any(urls):
                en["link_urls"] = urls
        parts.append("text")
    if row_same:
        for f in SUMMARY_FIELDS:
            if pe.get(f) is None:
                en.pop(f, None)
            else:
                en[f] = pe[f]
        parts.append("summary row")
    return parts
