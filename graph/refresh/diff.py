"""What changed between two editions of the drivers document.

Entries are matched by the driver they describe (its id survives renumbering and retitling).
A driver that only moved number is *renumbered*, not removed and added. Cross-references are
compared by the driver they point at, so "(see 2.7)" becoming "(see 2.8)" because 2.7 moved to
2.8 is not a change. A field whose old and new values differ only in formatting (white space,
dashes, quotes: :func:`~graph.refresh.sameness.formatting_only`) is no real change: such
entries are listed under ``formatting``, apart from ``changed``. Every change gives the field's
old and new value. Link addresses are compared only when both editions record them. Example::

    >>> d = diff_editions(ed2023, ed2024)          # doctest: +SKIP
    >>> d["renumbered"][0]                          # doctest: +SKIP
    {'from': '2.7', 'to': '2.8', 'title': 'NL Tackling Poverty Strategy ...'}
"""

from __future__ import annotations

from typing import Any

from .editions import REF_IN_TEXT, edition_entries, number_key
from .sameness import formatting_only
from ..core.model import Edition

#: Fields compared, in the order they are reported.
DIFF_FIELDS = ("title", "summary_title", "category", "subcategory", "summary", "links_text", "link_urls", "refs",
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
    changed, formatting, renumbered = [], [], []
    for e in eb:
        old = by_a.get(e["driver"])
        if old is None:
            continue
        if old["number"] != e["number"]:
            renumbered.append({"from": old["number"], "to": e["number"], "title": e["title"], "driver": e["driver"]})
        ca, cb = _canonical(old, num_a), _canonical(e, num_b)
        changes = []
        for f in DIFF_FIELDS:
            va, vb = _value(ca, f), _value(cb, f)
            if f == "link_urls" and (va is None or vb is None):
                continue
            if va != vb:
                changes.append({"field": f, "old": _value(old, f), "new": _value(e, f),
                                "formatting_only": formatting_only(va, vb)})
        if not changes:
            continue
        row = {"number": e["number"], "title": e["title"], "driver": e["driver"],
               "fields": [c["field"] for c in changes if not c["formatting_only"]],
               "formatting": [c["field"] for c in changes if c["formatting_only"]], "changes": changes}
        if row["fields"]:
            changed.append(row)
        else:
            formatting.append(row)
    return {
        "from": a.id,
        "to": b.id,
        "added": sorted(added, key=lambda r: number_key(r["number"])),
        "removed": sorted(removed, key=lambda r: number_key(r["number"])),
        "changed": sorted(changed, key=lambda r: number_key(r["number"])),
        "renumbered": sorted(renumbered, key=lambda r: number_key(r["to"])),
        "formatting": sorted(formatting, key=lambda r: number_key(r["number"])),
    }


def is_empty(d: dict[str, Any]) -> bool:
    """No real change (formatting-only differences do not count; see ``d["formatting"]``)."""
    return not (d["added"] or d["removed"] or d["changed"] or d["renumbered"])


def _show(v: Any, width: int = 70) -> str:
    if v is None or v == []:
        return "(none)"
    if isinstance(v, list):
        v = "; ".join(str(x) for x in v)
    v = " ".join(str(v).split())
    return repr(v if len(v) <= width else v[: width - 1] + "…")


def change_text(c: dict[str, Any], width: int = 70) -> str:
    """One field's change as 'field: old → new'; for long texts only the words that changed,
    with a little context on either side."""
    old, new = c["old"], c["new"]
    if isinstance(old, str) and isinstance(new, str) and max(len(old), len(new)) > width:
        return f"{c['field']}: {_excerpt(old, new)}"
    return f"{c['field']}: {_show(old, width)} → {_show(new, width)}"


def _excerpt(old: str, new: str, context: int = 4, hunks: int = 2) -> str:
    """'… words [-removed-] [+added+] words …' for the first ``hunks`` places the texts differ."""
    import difflib

    a, b = old.split(), new.split()
    out = []
    ops = [op for op in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes() if op[0] != "equal"]
    for tag, i1, i2, j1, j2 in ops[:hunks]:
        before = " ".join(a[max(0, i1 - context):i1])
        after = " ".join(a[i2:i2 + context])
        mid = []
        if i2 > i1:
            mid.append("[-" + " ".join(a[i1:i2]) + "-]")
        if j2 > j1:
            mid.append("[+" + " ".join(b[j1:j2]) + "+]")
        out.append(f"…{before} {' '.join(mid)} {after}…".replace("… ", "…").replace(" …", "…"))
    if len(ops) > hunks:
        out.append(f"(and {len(ops) - hunks} more)")
    return " ".join(out)


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
    for key in ("changed", "formatting"):
        for r in d[key]:
            for k, c in enumerate(c for c in r["changes"] if c["formatting_only"] == (key == "formatting")):
                rows.append({"change": key if k == 0 else "", "number": r["number"] if k == 0 else "",
                             "title": r["title"] if k == 0 else "", "detail": change_text(c, 50)})
    return rows


def diff_markdown(d: dict[str, Any]) -> str:
    from ..core.text import md_escape

    out = [f"# Changes from {d['from']} to {d['to']}", ""]
    if is_empty(d) and not d["formatting"]:
        return "\n".join(out + ["No changes.", ""])
    if is_empty(d):
        out += ["No real changes.", ""]
    for key, label in (("added", "Added"), ("removed", "Removed"), ("renumbered", "Renumbered"),
                       ("changed", "Changed"), ("formatting", "Formatting only (white space, dashes, quotes)")):
        items = d[key]
        if not items and key == "formatting":
            continue
        out += [f"## {label} ({len(items)})", ""]
        for r in items:
            if key == "renumbered":
                out.append(f"- {r['from']} → {r['to']} {md_escape(r['title'])}")
            elif key in ("changed", "formatting"):
                out.append(f"- {r['number']} {md_escape(r['title'])}")
                for c in r["changes"]:
                    if c["formatting_only"] == (key == "formatting"):
                        out.append(f"  - {md_escape(change_text(c))}")
            else:
                out.append(f"- {r['number']} {md_escape(r['title'])} (`{r['driver']}`)")
        out.append("")
    return "\n".join(out)
