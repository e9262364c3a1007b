"""Where each node is drawn: a layered layout, computed in Python so the page is the same file on
every machine (pure Python with only + - * / and comparisons; no numpy, no platform maths).

The main axis runs left to right, from what drives to what is driven::

    National drivers | Local drivers | Programmes and governance | Plans | Themes and outcomes | Actions

and the frameworks (UNCRC articles, SHANARRI, The Promise, National Outcomes, quality indicators)
lie in a band of their own below. Every node of a tier lies left of every node of the next tier
(``tier``), so the drawing reads like the drivers document. Inside a tier, nodes are sorted so that
each sits level with what it is linked to (a few barycentre sweeps: fewer crossings), then placed
row by row in as many sub-columns as the tier needs; a tier's sub-columns never mix with the next
tier's.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import networkx as nx

#: the tiers, in drawing order; the last is the frameworks band below the others
TIERS = ("National drivers", "Local drivers", "Programmes and governance", "Plans", "Themes and outcomes",
         "Actions and findings", "Frameworks")
FRAMEWORKS = len(TIERS) - 1
#: framework types in the order their groups are drawn in the band
FRAMEWORK_TYPES = ("WellbeingIndicator", "PromiseFoundation", "PromisePriority", "NationalOutcome", "UNCRCCluster",
                   "UNCRCArticle", "QualityIndicator")
PROGRAMME_KINDS = {"programme", "approach", "fund", "group"}
#: framework type -> its group in the band (types of one framework share a group)
BAND_GROUP = {"WellbeingIndicator": 0, "PromiseFoundation": 1, "PromisePriority": 1, "NationalOutcome": 2,
              "UNCRCCluster": 3, "UNCRCArticle": 3, "QualityIndicator": 4}
ASPECT = 1.45      # the first view's width / height: about a laptop screen's

COLUMN = 300       # px between sub-columns: a node and a label of about 40 characters
TIER_GAP = 90      # px added between tiers
ROW = 26           # px between rows
BAND_GAP = 5       # rows between the main tiers and the frameworks band
BAND_ROWS = 10     # rows of each framework group
SWEEPS = 6
MAX_COLUMNS = 16   # a tier wider than this grows taller instead


def tier_of(d: dict) -> int:
    """The tier of a node from its attributes (``type``, and for drivers ``category``, ``kind``, ``partnership``).

    >>> tier_of({"type": "Driver", "category": "national"}), tier_of({"type": "Action"})
    (0, 5)
    """
    t = d.get("type")
    if t in FRAMEWORK_TYPES:
        return FRAMEWORKS
    if t in ("Action", "Finding"):
        return 5
    if t in ("Theme", "Outcome", "Indicator"):
        return 4
    if t == "Plan":
        return 3
    if t == "Driver":
        cat = d.get("category")
        if cat == "national":
            return 0
        if cat == "local":
            return 1
        if cat in ("improvement", "governance") or d.get("kind") in PROGRAMME_KINDS:
            return 2
        return 1 if d.get("partnership") else 0
    return 2  # groups, partnerships


def radius(degree: int) -> int:
    """A node's drawn size (vis-network radius, px): bigger for more links."""
    return min(18, 7 + round(1.6 * math.sqrt(degree)))


def _number_key(num: str | None) -> tuple:
    if not num:
        return (1,)
    return (0, *(int(p) if p.isdigit() else 0 for p in str(num).split(".")))


def layout(G: nx.Graph, tiers: dict[str, int] | None = None) -> dict[str, tuple[int, int]]:
    """Whole-pixel positions for every node of ``G`` (see the module's docstring).

    ``tiers`` gives each node's tier (default :func:`tier_of` of its attributes). The result does
    not depend on the order nodes or edges were added in.
    """
    tier = tiers if tiers is not None else {n: tier_of(G.nodes[n]) for n in G.nodes}
    nbrs: dict[str, list[str]] = {n: [] for n in G.nodes}
    for u, v in sorted({(u, v) if u < v else (v, u) for u, v in G.edges() if u != v}):
        nbrs[u].append(v)
        nbrs[v].append(u)
    by_tier: dict[int, list[str]] = {}
    for n in G.nodes:
        by_tier.setdefault(tier[n], []).append(n)

    def start_key(n: str) -> tuple:
        d = G.nodes[n]
        return (d.get("partnership") or "", _number_key(d.get("number")), d.get("type", ""), str(d.get("title", "")), n)

    main = [t for t in sorted(by_tier) if t != FRAMEWORKS]
    band = by_tier.get(FRAMEWORKS, [])
    rows = _rows([len(by_tier[t]) for t in main if t != 5], len(band))
    order = {t: sorted(by_tier[t], key=start_key) for t in main}
    cols = {t: _columns(len(order[t]), rows) for t in main}
    slot: dict[str, tuple[int, int]] = {}
    for t in main:  # first rows: in the starting order, evenly
        slot.update(_place(order[t], {n: float(i // cols[t]) for i, n in enumerate(order[t])}, rows, cols[t]))
    for _ in range(SWEEPS):
        for t in main:
            target = _barycentres(order[t], nbrs, slot, tier, t)
            order[t] = sorted(order[t], key=lambda n, r={n: i for i, n in enumerate(order[t])}: (target[n], r[n]))
            slot.update(_place(order[t], target, rows, cols[t]))
    pos: dict[str, tuple[int, int]] = {}
    x0 = first_width = 0
    for t in main:
        if t == 5:
            first_width = x0 - TIER_GAP  # the tiers of the first view (actions folded)
        for n in order[t]:
            row, col = slot[n]
            pos[n] = (x0 + col * COLUMN, row * ROW)
        x0 += cols[t] * COLUMN + TIER_GAP
    if not first_width:
        first_width = x0 - TIER_GAP
    if band:
        # below the tiers of the first view, and no wider than they are (the actions tier, which can
        # be taller, lies to their right)
        first = [p[1] for n, p in pos.items() if tier[n] != 5]
        top = (max(first, default=-ROW) // ROW + 1 + BAND_GAP) * ROW
        groups: dict[int, list[str]] = {}
        for n in band:  # one group a framework: SHANARRI, The Promise, National Outcomes, UNCRC, QIs
            groups.setdefault(BAND_GROUP.get(G.nodes[n].get("type", ""), 99), []).append(n)
        kinds = sorted(groups)
        band_rows, best = BAND_ROWS, None  # the rows that keep the whole drawing about as wide as a screen
        for r in range(BAND_ROWS, max(BAND_ROWS, max(len(g) for g in groups.values())) + 1):
            w = max(first_width, _band_width([len(groups[k]) for k in kinds], r))
            err = abs(math.log(w / (top + r * ROW) / ASPECT))
            if best is None or err < best - 1e-9:
                band_rows, best = r, err
        x = 0
        for k in kinds:
            members = sorted(groups[k], key=lambda n: (FRAMEWORK_TYPES.index(G.nodes[n]["type"])
                                                       if G.nodes[n].get("type") in FRAMEWORK_TYPES else 99,
                                                       _number_key(G.nodes[n].get("number")), start_key(n)))
            for i, n in enumerate(members):  # column by column: 1, 2, 3 ... read down
                col, row = divmod(i, band_rows)
                pos[n] = (x + col * COLUMN, top + row * ROW)
            x += math.ceil(len(members) / band_rows) * COLUMN + TIER_GAP // 2
    return pos


def _band_width(sizes: list[int], rows: int) -> int:
    return sum(math.ceil(k / rows) * COLUMN + TIER_GAP // 2 for k in sizes) - TIER_GAP // 2


def _rows(sizes: list[int], band: int, aspect: float = ASPECT) -> int:
    """Rows a sub-column: the number that makes the drawing without the actions (the page's first
    view) about ``aspect`` times as wide as it is tall, as a laptop screen is."""
    best, best_err = 12, None
    for rows in range(12, max(13, max(sizes, default=1) + 2)):
        width = max(COLUMN, sum(_columns(k, rows) * COLUMN + TIER_GAP for k in sizes if k))
        height = rows * ROW + ((BAND_GAP + BAND_ROWS) * ROW if band else 0)
        err = abs(math.log(width / height / aspect))
        if best_err is None or err < best_err - 1e-9:
            best, best_err = rows, err
    return best


def _columns(k: int, rows: int) -> int:
    return max(1, min(MAX_COLUMNS, math.ceil(k / rows)))


def _place(seq: list[str], target: dict[str, float], rows: int, cols: int) -> dict[str, tuple[int, int]]:
    """(row, column) for a tier's nodes in order: each as near its target row as the order and the
    room left allow, up to ``cols`` nodes a row, so the order runs top to bottom."""
    k = len(seq)
    height = max(rows, math.ceil(k / cols))
    out: dict[str, tuple[int, int]] = {}
    r, used = 0, 0
    for i, n in enumerate(seq):
        left = k - i
        latest = height - math.ceil(left / cols)  # the last row this one can start so the rest still fit
        want = max(int(target[n] + 0.5), r)
        if want > r:
            want = max(min(want, latest), r)
        if want == r and used >= cols:
            want = r + 1
        if want != r:
            r, used = want, 0
        out[n] = (r, used)
        used += 1
    return out


def _barycentres(seq: list[str], nbrs: dict[str, list[str]], slot: dict[str, tuple[int, int]],
                 tier: dict[str, int], t: int) -> dict[str, float]:
    """Each node's mean row of its neighbours in the other main tiers; a node with none keeps its row."""
    out = {}
    for n in seq:
        ys = [slot[m][0] for m in nbrs[n] if tier[m] != t and m in slot]
        out[n] = sum(ys) / len(ys) if ys else float(slot[n][0])
    return out
