"""Each parsed entry's true number, from the summary table, the detail heading and their order.
"""

from __future__ import annotations

import re
from typing import Any

from ..editions import (CATEGORY_HEADINGS, SUBCATEGORY_HEADINGS,
                       number_key)
from ...core.model import CATEGORIES
from .parsed import Detail, ParsedDocument, Row
from .text import CATEGORY_INDEX, NUM_RE, norm, similarity


def number_entries(doc: ParsedDocument) -> list[dict[str, Any]]:
    """Give each detail its true number and its summary row; entries in published order."""
    _drop_duplicates(doc)
    details = doc.details
    _mend_broken_rows(doc)
    used: set[str] = set()
    true: list[str | None] = [None] * len(details)
    for i, d in enumerate(details):
        if d.number and NUM_RE.match(d.number) and d.number not in used and \
                d.number.split(".")[0] == CATEGORY_INDEX.get(d.category, ""):
            true[i] = d.number
            used.add(d.number)
        elif d.number and d.number in used:
            doc.warn(d.line, f"number {d.number} is printed twice in the detail sections",
                     hint="the second is renumbered; check the published document")
    # summary rows and flattened summary text -> details
    rows_for: dict[int, Row] = {}
    flat_title: dict[int, str] = {}
    by_cat: dict[str, list[int]] = {}
    for i, d in enumerate(details):
        by_cat.setdefault(d.category, []).append(i)
    for cat, idxs in by_cat.items():
        rows = [r for r in doc.rows if r.category == cat]
        if doc.structured:
            for k, i in enumerate(idxs):
                if k < len(rows):
                    rows_for[i] = rows[k]
            for r in rows[len(idxs):]:
                doc.warn(r.line, f"summary row {r.number} {r.title!r} has no detail section")
            continue
        pairs = []
        for k, i in enumerate(idxs):
            d = details[i]
            for j, r in enumerate(rows):
                num_same = r.number and r.number in (d.number, true[i])
                sc = similarity(r.title, d.title) if r.title else 0.0
                if not r.title and not num_same:
                    continue
                score = sc + ((0.5 if doc.table_cells else 0.35) if num_same else 0.0) + (0.15 if j == k else 0.0)
                if score >= 0.45:
                    pairs.append((score, k, j, i))
        taken_r: set[int] = set()
        for score, k, j, i in sorted(pairs, key=lambda p: (-p[0], p[1], p[2])):
            if i in rows_for or j in taken_r:
                continue
            rows_for[i] = rows[j]
            taken_r.add(j)
        for j, r in enumerate(rows):
            if j not in taken_r:
                doc.warn(r.line, f"summary row {r.number or '(no number)'} {r.title!r} matches no detail section",
                         hint="an entry only in the Summary is added without a summary text")
                details.append(Detail(cat, None, None, None, "", [], [], r.line, headed=False))
                true.append(None)
                rows_for[len(details) - 1] = r
        if cat in doc.flat:
            words = doc.flat[cat].split()
            for i in idxs:
                if i in rows_for:
                    continue
                found = _best_span(words, details[i].title) if details[i].title else \
                    _segment_for(words, details[i].number, details[i].summary)
                if found:
                    flat_title[i] = found
    # numbers for unnumbered / duplicate details
    order = sorted(range(len(details)), key=lambda i: (CATEGORIES.index(details[i].category), details[i].line))
    for i in order:
        if true[i]:
            continue
        d = details[i]
        r = rows_for.get(i)
        cand = r.number if r and NUM_RE.match(r.number or "") and r.number not in used and \
            r.number.split(".")[0] == CATEGORY_INDEX[d.category] else None
        if cand is None:
            prevs = [int(true[j].split(".")[1]) for j in order[: order.index(i)]
                     if true[j] and details[j].category == d.category]
            nxt = (max(prevs) + 1) if prevs else 1
            while f"{CATEGORY_INDEX[d.category]}.{nxt}" in used:
                nxt += 1
            cand = f"{CATEGORY_INDEX[d.category]}.{nxt}"
        true[i] = cand
        used.add(cand)
        if d.number is None and d.title:
            doc.warn(d.line, f"unnumbered entry {d.title[:50]!r} is numbered {cand}")
    out = []
    for i in sorted(range(len(details)), key=lambda i: (CATEGORIES.index(details[i].category),
                                                        number_key(true[i] or "0.0"), details[i].line)):
        d, r = details[i], rows_for.get(i)
        en: dict[str, Any] = {"number": true[i], "category": d.category}
        if d.subcategory:
            en["subcategory"] = d.subcategory
        stitle = r.title if r else flat_title.get(i)
        if stitle:
            en["summary_title"] = stitle
        if r is not None and r.number != true[i]:
            en["summary_number"] = r.number
        title = d.title or stitle
        if not title:
            doc.warn(d.line, f"entry {true[i]} has no title in the heading or the Summary")
            title = f"Entry {true[i]}"
        en["title"] = title
        if (d.number or "") != true[i] and d.title is not None:
            en["detail_number"] = d.number or ""
        if d.summary:
            en["summary"] = d.summary
        if d.links:
            en["links_text"] = d.links
            if any(d.urls.get(lk) for lk in d.links):
                en["link_urls"] = [d.urls.get(lk, "") for lk in d.links]
        if d.refs:
            en["refs"] = d.refs
        heads = [doc.headings.get(d.category, CATEGORY_HEADINGS[d.category])]
        if d.subcategory:
            heads.append(doc.headings.get(d.subcategory, SUBCATEGORY_HEADINGS[d.subcategory]))
        en["section"] = " > ".join([*heads, true[i] + (" (unnumbered)" if d.number is None and d.title else "")])
        if r is not None and r.source:
            en["summary_source"] = r.source
        elif i in flat_title:
            en["summary_source"] = doc.flat[d.category]
        if d.source:
            en["source_text"] = d.source
        en["_line"] = d.line
        out.append(en)
    return out


def _drop_duplicates(doc: ParsedDocument) -> None:
    """An entry printed twice (a section pasted again): the same text is left out the second
    time; the same title over different texts is kept, both with a warning naming both places."""
    from ..sameness import source_key

    kept: list[Detail] = []
    by_text: dict[str, Detail] = {}
    by_title: dict[str, Detail] = {}
    for d in doc.details:
        key = source_key(d.source) if d.source else ""
        first = by_text.get(key) if key and (d.summary or d.links) else None
        if first is not None:
            doc.warn(d.line, f"entry {d.number or '(unnumbered)'} {(d.title or '')[:50]!r} at {doc.at(d.line)} "
                             f"repeats the entry at {doc.at(first.line)} word for word; the repeat is left out",
                     hint="if it is meant to be there twice, give it its own text")
            continue
        title = norm(d.title)
        other = by_title.get(title) if title else None
        if other is not None:
            doc.warn(d.line, f"entry {d.number or '(unnumbered)'} at {doc.at(d.line)} has the same title "
                             f"{d.title[:50]!r} as the entry at {doc.at(other.line)}; both kept",
                     hint="check the published document: retitle one, or remove the repeat")
        by_text.setdefault(key, d)
        if title:
            by_title.setdefault(title, d)
        kept.append(d)
    doc.details[:] = kept


def _mend_broken_rows(doc: ParsedDocument) -> None:
    """A summary title that ends in 'and' ran on into the next row: move the words of the next
    row's title that do not belong to that row's detail heading back to the broken title."""
    by_num = {d.number: d for d in doc.details if d.number and d.title}
    pairs = []
    for cat in CATEGORIES:
        rows = [r for r in doc.rows if r.category == cat]
        pairs += list(zip(rows, rows[1:]))
    for a, b in pairs:
        if not a.title or not b.title:
            continue
        if not re.search(r"(?:\band|,|&|\bof|\bfor|\bthe)$", a.title):
            continue
        target = by_num.get(b.number)
        if target is None:
            continue
        words = b.title.split()
        best_k, best_sc = 0, similarity(b.title, target.title)
        for k in range(1, len(words)):
            sc = similarity(" ".join(words[k:]), target.title)
            if sc > best_sc + 0.05:
                best_k, best_sc = k, sc
        if best_k:
            a.title = f"{a.title} {' '.join(words[:best_k])}"
            b.title = " ".join(words[best_k:])
            doc.warn(b.line, f"summary title {a.number} runs on into row {b.number}; joined")


def _best_span(words: list[str], title: str) -> str | None:
    """The run of words in a flattened summary line most like ``title``."""
    clean = [w for w in words if not re.fullmatch(r"\d+(?:\.\d+)?\.?", w)]
    target = norm(title)
    n = len(target.split())
    tset = set(target.split())
    best, best_sc = None, 0.0
    for L in range(max(1, n - 3), n + 4):
        for s in range(0, max(0, len(clean) - L) + 1):
            span = clean[s:s + L]
            if not tset & set(norm(span[0]).split()):
                continue
            sc = similarity(" ".join(span), title)
            if sc > best_sc:
                best, best_sc = " ".join(span), sc
    if best is None or best_sc < 0.75:
        return None
    n_best = len(best.split())
    for s in range(0, len(clean) - n_best):
        if " ".join(clean[s:s + n_best]) == best:
            nxt = clean[s + n_best] if s + n_best < len(clean) else ""
            if re.fullmatch(r"\([A-Z][A-Za-z ]*\)", nxt) and nxt not in title:
                best = f"{best} {nxt}"
            break
    return best


def _segment_for(words: list[str], number: str | None, summary: str) -> str | None:
    """For an entry with no heading: the words printed next to its number in a flattened
    summary line, if they all occur in its text."""
    if not number or number not in words:
        return None
    i = words.index(number)
    cands = []
    j = i - 1
    seg = []
    while j >= 0 and not re.fullmatch(r"\d+(?:\.\d+)?\.?", words[j]):
        seg.insert(0, words[j])
        j -= 1
    cands.append(seg)
    seg, j = [], i + 1
    while j < len(words) and not re.fullmatch(r"\d+(?:\.\d+)?\.?", words[j]):
        seg.append(words[j])
        j += 1
    cands.append(seg)
    body = set(norm(summary).split())
    for seg in cands:
        w = norm(" ".join(seg)).split()
        if w and all(x in body for x in w):
            return " ".join(seg)
    return None
