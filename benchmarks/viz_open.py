"""How long the browser view takes to open: navigation start until the page is drawn and usable.

Renders the bundled graph and a synthetic 2,000-node graph (same node and edge attributes as
``graph.core.view``) with ``graph.web.page``, opens each in headless Chromium from a file:// URL with
the network off, and reads ``window.__readyAt`` (``performance.now()`` when the page sets
``window.__ready`` after vis-network's first draw, i.e. milliseconds since navigation start).

    python benchmarks/viz_open.py [--runs 5] [--nodes 2000] [--screenshot docs/screenshot.png]

Needs Debian's ``chromium`` and ``chromium-driver`` and ``selenium`` (the ``dev`` extra).
``--screenshot`` also saves the bundled graph, one action selected, for the README.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import networkx as nx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graph.web import page as viz  # noqa: E402
from graph.core.paths import BUNDLED_DATA  # noqa: E402
from graph.core.pipeline import build_graph  # noqa: E402
from tests.chromium import CHROMEDRIVER, CHROMIUM, launch  # noqa: E402



def synthetic(n: int = 2000, seed: int = 1) -> nx.MultiDiGraph:
    """A plausible graph of ``n`` nodes: two partnerships' plans, themes, actions, drivers, groups and
    the national frameworks, linked as the real data is (actions part of themes part of plans, plans
    driven by drivers, actions upholding UNCRC articles and contributing to SHANARRI indicators)."""
    rng = random.Random(seed)
    G = nx.MultiDiGraph()

    def node(i: str, t: str, **kw) -> str:
        G.add_node(i, type=t, title=kw.pop("title", f"{t} {i}"), source="src-synthetic", section=f"Section {i}",
                   **kw)
        return i

    def link(u: str, v: str, rel: str) -> None:
        G.add_edge(u, v, key=f"{rel}|src-synthetic", rel=rel, source="src-synthetic", section=f"Section {u}")

    pships = [node(p, "Partnership", title=f"{p.title()} Partnership") for p in ("north", "south")]
    articles = [node(f"uncrc-article-{k}", "UNCRCArticle", title=f"Article {k}") for k in range(1, 55)]
    shanarri = [node(f"shanarri-{k}", "WellbeingIndicator") for k in range(8)]
    promise = [node(f"promise-{k}", "PromiseFoundation") for k in range(5)]
    qis = [node(f"ci-qi-{k}", "QualityIndicator") for k in range(20)]
    fixed = G.number_of_nodes()
    rest = max(0, n - fixed)
    n_drivers, n_groups, n_plans = rest * 15 // 100, rest * 3 // 100, max(2, rest * 2 // 100)
    n_themes = rest * 8 // 100
    n_actions = rest - n_drivers - n_groups - n_plans - n_themes
    drivers = []
    for k in range(n_drivers):
        local = rng.random() < 0.5
        d = node(f"driver-{k:04d}", "Driver", kind=rng.choice(["act", "strategy", "plan", "programme", "group"]),
                 number=f"{k // 25 + 1}.{k % 25 + 1}", category=rng.choice(["national", "local", "improvement",
                                                                               "governance"]),
                 **({"partnership": rng.choice(pships)} if local else {}))
        if drivers and rng.random() < 0.6:
            link(d, rng.choice(drivers), rng.choice(["drivenBy", "seeAlso", "alignsWith"]))
        if rng.random() < 0.3:
            link(d, rng.choice(promise), "alignsWith")
        drivers.append(d)
    groups = [node(f"group-{k:03d}", "Group", partnership=rng.choice(pships)) for k in range(n_groups)]
    for gr in groups:
        link(gr, rng.choice(groups), "reportsTo") if rng.random() < 0.7 else None
    plans = [node(f"plan-{k:03d}", "Plan", partnership=pships[k % 2]) for k in range(n_plans)]
    for p in plans:
        for d in rng.sample(drivers, min(len(drivers), rng.randint(2, 8))):
            link(p, d, "drivenBy")
        if groups:
            link(p, rng.choice(groups), "ledBy")
    themes = [node(f"theme-{k:03d}", "Theme") for k in range(n_themes)]
    for t in themes:
        link(t, rng.choice(plans), "partOf")
    for k in range(n_actions):
        a = node(f"action-{k:04d}", "Action", number=str(k % 30 + 1),
                 text=f"Action {k}: deliver the commitment in the plan with partners.")
        link(a, rng.choice(themes), "partOf")
        if rng.random() < 0.35:
            link(a, rng.choice(articles), "upholdsRight")
        if rng.random() < 0.35:
            link(a, rng.choice(shanarri), "contributesTo")
        if rng.random() < 0.15 and groups:
            link(a, rng.choice(groups), "ledBy")
        if rng.random() < 0.1:
            link(a, rng.choice(qis), "qualityIndicator")
    return G


def chrome(profile: Path):
    return launch(profile, 1400, 900)


def open_ms(driver, path: Path, timeout: float = 60.0) -> float:
    """Milliseconds from navigation start until the page says it is ready."""
    driver.get("about:blank")
    driver.get(path.as_uri())
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        t = driver.execute_script("return window.__ready === true ? window.__readyAt : null")
        if t is not None:
            return float(t)
        time.sleep(0.02)
    raise TimeoutError(f"{path} was not ready after {timeout:.0f}s")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=5, help="page loads per graph (the median is reported)")
    ap.add_argument("--nodes", type=int, default=2000, help="nodes in the synthetic graph")
    ap.add_argument("--screenshot", type=Path, default=None, help="save a PNG of the bundled graph here")
    args = ap.parse_args()
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        print(f"needs {CHROMIUM} and {CHROMEDRIVER}: apt-get install -y chromium chromium-driver", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="viz-bench-") as tmp:
        return run(args, Path(tmp))


def run(args: argparse.Namespace, tmp: Path) -> int:
    graphs = {}
    built = build_graph(BUNDLED_DATA, check=False)
    graphs["bundled"] = (built.nx, built.union)
    graphs[f"synthetic-{args.nodes}"] = (synthetic(args.nodes), None)
    pages = {}
    for name, (G, g) in graphs.items():
        t = time.perf_counter()
        html = viz.render(G, g)
        render_s = time.perf_counter() - t
        path = tmp / f"{name}.html"
        path.write_text(html, encoding="utf-8")
        pages[name] = (path, G.number_of_nodes(), G.number_of_edges(), render_s, len(html.encode("utf-8")))
    driver = chrome(tmp / "profile")
    try:
        results = {}
        print(f"{'graph':<16} {'nodes':>6} {'links':>6} {'render (s)':>10} {'size (KB)':>9} "
              f"{'open, median of ' + str(args.runs) + ' (ms)':>26} {'min-max (ms)':>14}")
        for name, (path, nodes, edges, render_s, size) in pages.items():
            open_ms(driver, path)  # warm-up: first launch of the renderer
            times = [open_ms(driver, path) for _ in range(args.runs)]
            drawn = driver.execute_script("return window.driversGraph.network.body.nodeIndices.length")
            assert drawn == nodes, f"{name}: {drawn} nodes drawn, {nodes} in the graph"
            results[name] = statistics.median(times)
            print(f"{name:<16} {nodes:>6} {edges:>6} {render_s:>10.2f} {size / 1024:>9.0f} "
                  f"{results[name]:>26.0f} {min(times):>6.0f}-{max(times):<7.0f}")
        a, b = results.values()
        print(f"ratio (synthetic / bundled open time): {b / a:.2f}")
        if args.screenshot:
            open_ms(driver, pages["bundled"][0])
            driver.execute_script("window.driversGraph.find('nl-neglect-ap-a1') || window.driversGraph.clear();"
                                  "document.getElementById('search').value = 'nl-neglect-ap-a1';")
            time.sleep(0.5)
            args.screenshot.parent.mkdir(parents=True, exist_ok=True)
            driver.save_screenshot(str(args.screenshot))
            print(f"screenshot: {args.screenshot}")
    finally:
        driver.quit()
    return 0


if __name__ == "__main__":
    sys.exit(main())
