"""The refresh checklist: what in an edition needs an officer's review.

Each check is a small function ``check(ctx) -> list[finding]``; :data:`CHECKS` lists them in
the order they run, so another check is added by writing one function and appending it. A
finding is a dict ``{"number", "title", "kind", "message"}`` (plus ``driver`` and, for findings
inferred rather than stated, ``inferred: true``). Example::

    >>> findings = review(data, data.edition_for_year(2023), as_of="2024-06")   # doctest: +SKIP
    >>> {f["kind"] for f in findings}                                          # doctest: +SKIP
    {'expired', 'ending-soon', 'bill-status', ...}
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import Any, Callable

from .editions import REF_IN_TEXT, edition_entries, number_key, previous_edition
from ..core.errors import UsageError
from ..core.model import CATEGORIES, Data, Edition

KINDS = ("expired", "ending-soon", "expired-driver-action", "bill-status", "duplicate-number", "missing-number",
         "unnumbered", "dangling-reference", "title-mismatch", "missing-link", "unlinked-action")
_YEAR_RANGE = re.compile(r"\b((?:19|20)\d\d)\s*(?:-|–|to|/)\s*((?:19|20)?\d\d)\b")
_ACT_STATED = re.compile(r"[^.]*\b(?:became an Act|received Royal Assent|has been enacted|is now an Act|"
                         r"came into force)\b[^.]*", re.I)
_NOT = re.compile(r"\b(?:not|yet to|awaiting)\b", re.I)


@dataclass
class Context:
    data: Data
    edition: Edition
    as_of_year: int
    entries: list[dict[str, Any]] = field(default_factory=list)
    previous: Edition | None = None


def finding(en: dict[str, Any] | None, kind: str, message: str, **extra: Any) -> dict[str, Any]:
    out = {"number": en["number"] if en else "", "title": en["title"] if en else "", "kind": kind,
           "message": message}
    if en:
        out["driver"] = en["driver"]
    out.update(extra)
    return out


def end_year(ctx: Context, en: dict[str, Any]) -> tuple[int | None, str]:
    """The entry's end year and where it comes from: the driver's ``end_year`` (stated), else a
    year range in the entry's title or summary title (inferred)."""
    rec = ctx.data.records.get(en["driver"])
    if rec is not None and isinstance(rec.get("end_year"), int):
        return rec.get("end_year"), "end_year"
    for f in ("title", "summary_title"):
        m = None
        for m in _YEAR_RANGE.finditer(en.get(f) or ""):
            pass
        if m:
            end = m.group(2)
            year = int(end) if len(end) == 4 else int(m.group(1)[:2] + end)
            if year >= int(m.group(1)):
                return year, f"inferred from the {f.replace('_', ' ')} '{m.group(0)}'"
    return None, ""


def check_expiry(ctx: Context) -> list[dict[str, Any]]:
    out = []
    for en in ctx.entries:
        year, basis = end_year(ctx, en)
        if year is None:
            continue
        extra = {"inferred": True} if basis.startswith("inferred") else {}
        if year < ctx.as_of_year:
            out.append(finding(en, "expired", f"ended in {year} ({basis}); replace it with its successor or "
                                              "remove it", **extra))
        elif year <= ctx.as_of_year + 1:
            out.append(finding(en, "ending-soon", f"ends in {year} ({basis}); check whether a refresh is due",
                               **extra))
    return out


def check_expired_actions(ctx: Context) -> list[dict[str, Any]]:
    """Actions, plans and themes that link to a driver which has expired."""
    expired = {}
    for en in ctx.entries:
        year, _ = end_year(ctx, en)
        if year is not None and year < ctx.as_of_year:
            expired[en["driver"]] = en
    out = []
    for rec in sorted(ctx.data.records.values(), key=lambda r: r.id):
        if rec.type.section not in ("actions", "plans", "themes"):
            continue
        for lk in rec.links:
            if lk.to in expired and lk.rel != "seeAlso":
                en = expired[lk.to]
                out.append(finding(en, "expired-driver-action",
                                   f"{rec.type.label} {rec.id} ({lk.rel}, {lk.section}) hangs off this expired "
                                   "driver; relink it to the successor", action=rec.id))
    return out


def check_bill_status(ctx: Context) -> list[dict[str, Any]]:
    out = []
    for en in ctx.entries:
        rec = ctx.data.records.get(en["driver"])
        is_bill = (rec is not None and rec.get("kind") == "bill") or re.search(r"\bBill\b", en["title"])
        if not is_bill:
            continue
        for m in _ACT_STATED.finditer(en.get("summary") or ""):
            sentence = m.group(0).strip()
            if _NOT.search(sentence):
                continue
            out.append(finding(en, "bill-status", f"the text says the Bill has become an Act: '{sentence}'; "
                                                  "retitle the entry as the Act and set the driver's kind to act"))
            break
    return out


def check_numbering(ctx: Context) -> list[dict[str, Any]]:
    out = []
    for field_name, where, prints in (("summary_number", "Summary table", "prints"),
                                      ("detail_number", "detail sections", "print")):
        seen: dict[str, dict[str, Any]] = {}
        for en in ctx.entries:
            num = en.get(field_name, en["number"])
            if num == "":
                out.append(finding(en, "unnumbered", f"printed without a number in the {where}; "
                                                     f"number it {en['number']}"))
                continue
            if num in seen:
                out.append(finding(en, "duplicate-number", f"the {where} {prints} {num} for this entry and for "
                                                           f"{seen[num]['number']} {seen[num]['title']!r}; "
                                                           f"number it {en['number']}"))
            elif not re.fullmatch(r"\d{1,2}\.\d{1,2}", num) or \
                    num.split(".")[0] != str(CATEGORIES.index(en["category"]) + 1):
                out.append(finding(en, "missing-number", f"the {where} {prints} {num!r} for this entry; "
                                                         f"number it {en['number']}"))
            seen.setdefault(num, en)
        if field_name == "detail_number":
            continue
        for cat in CATEGORIES:
            idx = str(CATEGORIES.index(cat) + 1)
            nums = sorted(int(en["number"].split(".")[1]) for en in ctx.entries if en["category"] == cat)
            for k in range(1, (max(nums) if nums else 0) + 1):
                if k not in nums:
                    out.append({"number": f"{idx}.{k}", "title": "", "kind": "missing-number",
                                "message": f"no entry is numbered {idx}.{k}: the numbering has a gap"})
    return out


def check_references(ctx: Context) -> list[dict[str, Any]]:
    out = []
    numbers = {en["number"]: en for en in ctx.entries}
    prev = {}
    if ctx.previous is not None:
        prev_entries = edition_entries(ctx.previous)
        prev_num = {e["number"]: e["driver"] for e in prev_entries}
        prev = {e["driver"]: {r: prev_num.get(r) for r in e.get("refs", [])} for e in prev_entries}
    for en in ctx.entries:
        refs = [m.group(2) for m in REF_IN_TEXT.finditer(en.get("summary") or "")]
        for r in dict.fromkeys([*refs, *en.get("refs", [])]):
            if r not in numbers:
                out.append(finding(en, "dangling-reference", f"the text refers to ({r}), which is not a number "
                                                             "in this edition"))
                continue
            was = prev.get(en["driver"], {})
            target = numbers[r]["driver"]
            if r in was and was[r] and was[r] != target:
                moved_to = next((e["number"] for e in ctx.entries if e["driver"] == was[r]), None)
                where = f"now {moved_to}" if moved_to else "no longer in this edition"
                out.append(finding(en, "dangling-reference",
                                   f"({r}) pointed at {was[r]} in {ctx.previous.id}, which is {where}; "
                                   f"it now points at {numbers[r]['title']!r}"))
    return out


def check_titles(ctx: Context) -> list[dict[str, Any]]:
    from .ingest import norm

    out = []
    for en in ctx.entries:
        st = en.get("summary_title")
        if st and norm(st) != norm(en["title"]):
            out.append(finding(en, "title-mismatch", f"Summary table {st!r} vs detail heading {en['title']!r}"))
    return out


def check_links(ctx: Context) -> list[dict[str, Any]]:
    out = []
    numbers = {en["number"]: en for en in ctx.entries}
    for en in ctx.entries:
        if not en.get("links_text"):
            out.append(finding(en, "missing-link", "no web link is printed for this entry; add one if it has a "
                                                   "published page"))
        rec = ctx.data.records.get(en["driver"])
        if rec is None:
            continue
        linked = {lk.to for lk in rec.links}
        for r in en.get("refs", []):
            target = numbers.get(r)
            if target and target["driver"] not in linked:
                out.append(finding(en, "missing-link", f"the text cross-refers to {r} ({target['driver']}) but the "
                                                       "driver records no link to it; add a seeAlso link"))
    return out


def check_unlinked_actions(ctx: Context) -> list[dict[str, Any]]:
    """Actions of the edition's partnership with no stated path up to any driver, each with its top
    three suggested drivers (inferred: graph.suggest; ``drivers accept`` records one)."""
    from ..answers.suggest import unlinked_findings
    return unlinked_findings(ctx.data, partnership=ctx.edition.partnership)


#: The checks, in order. Add a check by appending a function ``(Context) -> list[finding]``.
CHECKS: list[Callable[[Context], list[dict[str, Any]]]] = [
    check_expiry,
    check_expired_actions,
    check_bill_status,
    check_numbering,
    check_references,
    check_titles,
    check_links,
    check_unlinked_actions,
]


def parse_as_of(as_of: str | None, ed: Edition | None = None, today: datetime.date | None = None) -> int:
    """The year of the as-of date (YYYY, YYYY-MM or YYYY-MM-DD); default today (the review is of
    what needs doing now, not when the edition was published)."""
    text = as_of or (today or datetime.date.today()).isoformat()
    m = re.fullmatch(r"((?:19|20)\d\d)(?:-(\d\d)(?:-(\d\d))?)?", text.strip())
    if not m or (m.group(2) and not 1 <= int(m.group(2)) <= 12) or (m.group(3) and not 1 <= int(m.group(3)) <= 31):
        raise UsageError(f"--as-of {as_of!r} is not a date: use YYYY-MM-DD, YYYY-MM or YYYY")
    return int(m.group(1))


def review(data: Data, ed: Edition, as_of: str | None = None) -> list[dict[str, Any]]:
    """Run every check on edition ``ed``; findings sorted by number, then kind."""
    ctx = Context(data, ed, parse_as_of(as_of, ed), edition_entries(ed), previous_edition(data, ed.year,
                                                                                        ed.partnership))
    findings: list[dict[str, Any]] = []
    for check in CHECKS:
        findings += check(ctx)
    order = {k: i for i, k in enumerate(KINDS)}

    def key(f: dict[str, Any]) -> tuple:
        return number_key(f["number"]) or (99,), order.get(f["kind"], len(order)), f["kind"], f["message"]

    return sorted(findings, key=key)


def checklist_markdown(ed: Edition, findings: list[dict[str, Any]], as_of_year: int) -> str:
    """The findings as a Markdown checklist, grouped by kind."""
    from ..core.text import md_escape

    out = [f"# Refresh checklist: {ed.id}", "", f"Edition {ed.year}, reviewed as of {as_of_year}. "
           f"{len(findings)} finding{'s' if len(findings) != 1 else ''}.", ""]
    kinds = sorted({f["kind"] for f in findings}, key=lambda k: (KINDS.index(k) if k in KINDS else len(KINDS), k))
    for kind in kinds:
        items = [f for f in findings if f["kind"] == kind]
        out += [f"## {kind} ({len(items)})", ""]
        for f in items:
            head = f"{f['number']} {md_escape(f['title'])}".strip()
            out.append(f"- [ ] **{head}**: {md_escape(f['message'])}" if head else f"- [ ] {md_escape(f['message'])}")
        out.append("")
    if not findings:
        out.append("No issues found.")
    return "\n".join(out).rstrip("\n") + "\n"
