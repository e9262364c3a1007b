"""Where each node is drawn: whole-pixel positions computed in Python, so the page is the same
file on every machine (pure Python with only + - * / and sqrt; no numpy, no platform maths)."""

from __future__ import annotations

import math
import random

import networkx as nx

PX_PER_UNIT = 46  # pixels between neighbouring nodes in the layout


def layout(G: nx.Graph, seed: int = 7) -> dict[str, tuple[int, int]]:
    """Whole-pixel positions for every node: force-directed per connected component, components packed.

    Pure Python with only + - * / and sqrt, so the result is bit-for-bit the same on every
    platform (it is committed in exports/graph.html). Isolated nodes go in a grid, by type.
    """
    adj: dict[str, set[str]] = {n: set() for n in G.nodes}
    for u, v in G.edges():
        if u != v:
            adj[u].add(v)
            adj[v].add(u)
    seen: set[str] = set()
    comps: list[list[str]] = []
    for n in sorted(adj):
        if n in seen:
            continue
        comp, stack = [], [n]
        seen.add(n)
        while stack:
            x = stack.pop()
            comp.append(x)
            for y in sorted(adj[x]):
                if y not in seen:
                    seen.add(y)
                    stack.append(y)
        comps.append(sorted(comp))
    singles = sorted((c[0] for c in comps if len(c) == 1),
                     key=lambda n: (G.nodes[n].get("type", ""), n))
    blocks: list[dict[str, tuple[float, float]]] = []
    for i, comp in enumerate(sorted((c for c in comps if len(c) > 1), key=lambda c: (-len(c), c[0]))):
        blocks.append(_force(comp, adj, seed + i))
    if singles:
        cols = max(1, math.isqrt(len(singles) - 1) + 1)
        blocks.append({n: (float(k % cols) * 1.4, float(k // cols) * 1.4) for k, n in enumerate(singles)})
    return {n: (round(x * PX_PER_UNIT), round(y * PX_PER_UNIT)) for n, (x, y) in _pack(blocks).items()}


def _force(nodes: list[str], adj: dict[str, set[str]], seed: int) -> dict[str, tuple[float, float]]:
    """Fruchterman-Reingold with the grid cut-off (repulsion only within 2 units), ideal edge length 1."""
    n = len(nodes)
    idx = {v: i for i, v in enumerate(nodes)}
    edges = [(idx[u], idx[v]) for u in nodes for v in sorted(adj[u]) if idx[u] < idx[v]]
    deg = [len(adj[v]) for v in nodes]
    # attraction weakened at hubs (1 / fourth root of the degrees' product), so a hub's many leaves
    # are not crushed around it
    weights = [1.0 / math.sqrt(math.sqrt(deg[i] * deg[j])) for i, j in edges]
    rng = random.Random(seed)
    side = math.sqrt(n) * 1.2
    xs = [rng.random() * side for _ in range(n)]
    ys = [rng.random() * side for _ in range(n)]
    iterations = 120 if n <= 1000 else 80
    t0 = side / 6
    near = ((0, 0), (1, 0), (1, 1), (0, 1), (-1, 1))  # half the neighbourhood: each pair once
    for it in range(iterations):
        dx = [0.0] * n
        dy = [0.0] * n
        grid: dict[tuple[int, int], list[int]] = {}
        for i in range(n):
            grid.setdefault((int(xs[i] // 2.0), int(ys[i] // 2.0)), []).append(i)
        for (cx, cy), members in grid.items():
            for ox, oy in near:
                other = members if (ox, oy) == (0, 0) else grid.get((cx + ox, cy + oy))
                if not other:
                    continue
                same = other is members
                for a, i in enumerate(members):
                    xi, yi = xs[i], ys[i]
                    fx = fy = 0.0
                    for j in (members[a + 1:] if same else other):
                        ex, ey = xi - xs[j], yi - ys[j]
                        d2 = ex * ex + ey * ey
                        if d2 >= 4.0:
                            continue
                        if d2 < 1e-4:  # coincident: push apart along a fixed direction
                            ex, ey, d2 = 0.01 * (1 + (i - j) % 3), 0.01, 2e-4
                        f = 1.0 / d2  # k^2 / d along the unit vector
                        fx += ex * f
                        fy += ey * f
                        dx[j] -= ex * f
                        dy[j] -= ey * f
                    dx[i] += fx
                    dy[i] += fy
        for (i, j), wt in zip(edges, weights):
            ex, ey = xs[i] - xs[j], ys[i] - ys[j]
            d = math.sqrt(ex * ex + ey * ey) * wt  # d^2 / k along the unit vector, weaker at hubs
            dx[i] -= ex * d
            dy[i] -= ey * d
            dx[j] += ex * d
            dy[j] += ey * d
        t = t0 * (1.0 - it / iterations) + 0.02
        for i in range(n):
            m = math.sqrt(dx[i] * dx[i] + dy[i] * dy[i])
            if m > t:
                s = t / m
                xs[i] += dx[i] * s
                ys[i] += dy[i] * s
            else:
                xs[i] += dx[i]
                ys[i] += dy[i]
    _spread(xs, ys, [radius(d) / PX_PER_UNIT for d in deg])
    return {v: (xs[i], ys[i]) for i, v in enumerate(nodes)}


def radius(degree: int) -> int:
    """A node's drawn size (vis-network radius, px): bigger for more links."""
    return min(30, 9 + round(2.2 * math.sqrt(degree)))


def _spread(xs: list[float], ys: list[float], radii: list[float], passes: int = 60, margin: float = 0.45) -> None:
    """Push apart nodes that overlap (closer than their radii plus a margin), in place."""
    n = len(xs)
    cell = 2 * max(radii) + margin
    near = ((0, 0), (1, 0), (1, 1), (0, 1), (-1, 1))
    for _ in range(passes):
        moved = False
        grid: dict[tuple[int, int], list[int]] = {}
        for i in range(n):
            grid.setdefault((int(xs[i] // cell), int(ys[i] // cell)), []).append(i)
        for (cx, cy), members in grid.items():
            for ox, oy in near:
                other = members if (ox, oy) == (0, 0) else grid.get((cx + ox, cy + oy))
                if not other:
                    continue
                same = other is members
                for a, i in enumerate(members):
                    for j in (members[a + 1:] if same else other):
                        want = radii[i] + radii[j] + margin
                        ex, ey = xs[i] - xs[j], ys[i] - ys[j]
                        d2 = ex * ex + ey * ey
                        if d2 >= want * want:
                            continue
                        if d2 < 1e-8:
                            ex, ey, d2 = 0.01 * (1 + (i - j) % 3), 0.01, 2e-4
                        d = math.sqrt(d2)
                        push = (want - d) / (2 * d) * 1.01
                        xs[i] += ex * push
                        ys[i] += ey * push
                        xs[j] -= ex * push
                        ys[j] -= ey * push
                        moved = True
        if not moved:
            return


def _pack(blocks: list[dict[str, tuple[float, float]]], gap: float = 3.0) -> dict[str, tuple[float, float]]:
    """Shelf-pack blocks (largest first) into rows about as wide as the whole is tall."""
    boxes = []
    for b in blocks:
        xs = [p[0] for p in b.values()]
        ys = [p[1] for p in b.values()]
        boxes.append((b, min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)))
    area = sum((bw + gap) * (bh + gap) for _, _, _, bw, bh in boxes)
    width = max([math.sqrt(area) * 1.3, *(bw for _, _, _, bw, _ in boxes)])
    out: dict[str, tuple[float, float]] = {}
    x = y = row_h = 0.0
    for b, x0, y0, bw, bh in boxes:
        if x > 0 and x + bw > width:
            x, y, row_h = 0.0, y + row_h + gap, 0.0
        for n, (px, py) in b.items():
            out[n] = (px - x0 + x, py - y0 + y)
        x += bw + gap
        row_h = max(row_h, bh)
    return out
