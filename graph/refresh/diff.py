"""What changed between two editions of the drivers document.

Entries are matched by the driver they describe (its id survives renumbering and retitling).
A driver that only moved number is *renumbered*, not removed and added. Cross-references are
compared by the driver they point at, so "(see 2.7)" becoming "(see 2.8)" because 2.7 moved to
2.8 is not a change. Example::

    >>> d = diff_editions(ed2023, ed2024)          # doctest: +SKIP
    >>> d["renumbered"][0]                          # doctest: +SKIP
    {'from': '2.7', 'to': '2.8', 'title': 'NL Tackling Poverty Strategy ...'}
"""

from __future__ import annotations

from typing import Any

from .editions import REF_IN_TEXT, edition_entries, number_key
from ..core.model import Edition

#: Fields compared, in the order they are reported.
DIFF_FIELDS = ("title", "summary_title", "category", "subcategory", "summary", "links_text", "refs",
               "summary_number", "detail_number")


def _canonical(entry: dict[str, Any], by_number: dict[str, str]) -> dict[str, Any]:
    """An entry with its cross-references replaced by the ids of the drivers they point at."""
    out = dict(entry)

    def ref(num: str) -> str:
        return f"<{by_number[num]}>" if num in by_number else f"<missing {num}>"

    out["refs"] = [ref(r) for r in entry.get("refs", [])] or None
    if entry.get("summary"):
        out["summary"] = REF_IN_TEXT.sub(lambda m: f"({m.group(1)}{ref(m.group(2))})", entry["summary"])
    return out


def _value(entry: dict[str, Any], f: str) -> Any:
    """A field for comparison: an empty list is no list; "" is kept for the printed numbers
    (it means 'printed without a number', which differs from 'printed as the true number')."""
    v = entry.get(f)
    if f in ("summary_number", "detail_number"):
        return v
    return v or None


def diff_editions(a: Edition, b: Edition) -> dict[str, Any]:
    """``added``, ``removed``, ``changed`` and ``renumbered`` entries from edition ``a`` to ``b``."""
    ea, eb = edition_entries(a), edition_entries(b)
    num_a = {e["number"]: e["driver"] for e in ea}
    num_b = {e["number"]: e["driver"] for e in eb}
    by_a = {e["driver"]: e for e in ea}
    by_b = {e["driver"]: e for e in eb}
    added = [{"number": e["number"], "title": e["title"], "driver": e["driver"], "fields": []}
             for e in eb if e["driver"] not in by_a]
    removed = [{"number": e["number"], "title": e["title"], "driver": e["driver"], "fields": []}
               for e in ea if e["driver"] not in by_b]
    changed, renumbered = [], []
    for e in eb:
        old = by_a.get(e["driver"])
        if old is None:
            continue
        if old["number"] != e["number"]:
            renumbered.append({"from": old["number"], "to": e["number"], "title": e["title"], "driver": e["driver"]})
        ca, cb = _canonical(old, num_a), _canonical(e, num_b)
        fields = [f for f in DIFF_FIELDS if _value(ca, f) != _value(cb, f)]
        if fields:
            changed.append({"number": e["number"], "title": e["title"], "driver": e["driver"], "fields": fields})
    return {
        "from": a.id,
        "to": b.id,
        "added": sorted(added, key=lambda r: number_key(r["number"])),
        "removed": sorted(removed, key=lambda r: number_key(r["number"])),
        "changed": sorted(changed, key=lambda r: number_key(r["number"])),
        "renumbered": sorted(renumbered, key=lambda r: number_key(r["to"])),
    }


def is_empty(d: dict[str, Any]) -> bool:
    return not (d["added"] or d["removed"] or d["changed"] or d["renumbered"])


def diff_rows(d: dict[str, Any]) -> list[dict[str, Any]]:
    """The diff as flat rows (for a table): change, number, title, detail."""
    rows = []
    for r in d["added"]:
        rows.append({"change": "added", "number": r["number"], "title": r["title"], "detail": r["driver"]})
    for r in d["removed"]:
        rows.append({"change": "removed", "number": r["number"], "title": r["title"], "detail": r["driver"]})
    for r in d["renumbered"]:
        rows.append({"change": "renumbered", "number": r["to"], "title": r["title"],
                     "detail": f"{r['from']} -> {r['to']}"})
    for r in d["changed"]:
        rows.append({"change": "changed", "number": r["number"], "title": r["title"],
                     "detail": ", ".join(r["fields"])})
    return rows


def diff_markdown(d: dict[str, Any]) -> str:
    from ..core.text import md_escape

    out = [f"# Changes from {d['from']} to {d['to']}", ""]
    if is_empty(d):
        return "\n".join(out + ["No changes.", ""])
    for key, label in (("added", "Added"), ("removed", "Removed"), ("renumbered", "Renumbered"),
                       ("changed", "Changed")):
        items = d[key]
        out += [f"## {label} ({len(items)})", ""]
        for r in items:
            if key == "renumbered":
                out.append(f"- {r['from']} → {r['to']} {md_escape(r['title'])}")
            elif key == "changed":
                out.append(f"- {r['number']} {md_escape(r['title'])}: {', '.join(r['fields'])}")
            else:
                out.append(f"- {r['number']} {md_escape(r['title'])} (`{r['driver']}`)")
        out.append("")
    return "\n".join(out)
