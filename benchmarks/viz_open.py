"""How long the explorer takes to open, and to answer, on the bundled data and on synthetic data.

Builds each graph (the bundled data, and ``drivers synth`` data for each ``--partnerships`` size),
renders the page with ``graph.web.page``, and opens it in headless Chromium from a file:// URL with
the network off. Prints, per graph, the median of ``--runs`` loads of:

* open: navigation start until the first view is drawn and usable (``window.__readyAt``);
* search: the first search after opening (it builds the search index) and a later one;
* select: choosing an action until its tree of drivers is drawn (``explorer.select``);

and the ratio of each graph's open time to the bundled graph's, in the same run.

    python benchmarks/viz_open.py [--runs 5] [--partnerships 32]

Needs Debian's ``chromium`` and ``chromium-driver`` and ``selenium`` (the ``dev`` extra).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graph.core import synth  # noqa: E402
from graph.core.paths import BUNDLED_DATA  # noqa: E402
from graph.core.pipeline import build_graph  # noqa: E402
from graph.web import page as viz  # noqa: E402
from tests.chromium import CHROMEDRIVER, CHROMIUM, launch  # noqa: E402


def open_ms(driver, path: Path, timeout: float = 120.0) -> float:
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


TIMED = """
var t0 = performance.now(); var hits = explorer.search(arguments[0]); var t1 = performance.now();
explorer.search(arguments[1]); var t2 = performance.now();
explorer.select(arguments[2]); var t3 = performance.now();
return {first: t1 - t0, later: t2 - t1, select: t3 - t2, hits: hits.length, shown: explorer.shown().length};
"""


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=5, help="page loads per graph (the median is reported)")
    ap.add_argument("--partnerships", default="32", help="synthetic sizes, comma-separated (default 32)")
    args = ap.parse_args()
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        print(f"needs {CHROMIUM} and {CHROMEDRIVER}: apt-get install -y chromium chromium-driver", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="viz-bench-") as tmp:
        return run(args, Path(tmp))


def run(args: argparse.Namespace, tmp: Path) -> int:
    sources = {"bundled": BUNDLED_DATA}
    for n in [int(x) for x in args.partnerships.split(",") if x.strip()]:
        folder = tmp / f"synth-{n}"
        synth.write(folder, synth.generate(n, seed=1))  # as `drivers synth --partnerships N` makes it
        sources[f"synthetic-{n}"] = folder
    pages = {}
    for name, folder in sources.items():
        built = build_graph(folder, check=False)
        t = time.perf_counter()
        html = viz.render(built.nx, built.union)
        render_s = time.perf_counter() - t
        path = tmp / f"{name}.html"
        path.write_text(html, encoding="utf-8")
        G = built.nx
        action = sorted(n for n in G if G.nodes[n]["type"] == "Action")[len(G) % 7]
        pages[name] = (path, G.number_of_nodes(), G.number_of_edges(), render_s, len(html.encode("utf-8")), action)
    driver = launch(tmp / "profile", 1600, 1000)
    try:
        results = {}
        print(f"{'graph':<14} {'nodes':>6} {'links':>6} {'page (MB)':>9} {'render (s)':>10} {'first view':>10} "
              f"{'open (ms)':>9} {'min-max':>11} {'1st search':>10} {'search':>6} {'select':>6}")
        for name, (path, nodes, edges, render_s, size, action) in pages.items():
            open_ms(driver, path)  # warm-up: the first start of the renderer
            times, timed = [], []
            for _ in range(args.runs):
                times.append(open_ms(driver, path))
                first = driver.execute_script("return explorer.shown().length")
                timed.append(driver.execute_script(TIMED, "promise", "child protection", action))
            results[name] = statistics.median(times)

            def med(key: str) -> float:
                return statistics.median(t[key] for t in timed)
            print(f"{name:<14} {nodes:>6} {edges:>6} {size / 1e6:>9.1f} {render_s:>10.2f} {first:>10} "
                  f"{results[name]:>9.0f} {min(times):>5.0f}-{max(times):<5.0f} {med('first'):>10.0f} "
                  f"{med('later'):>6.0f} {med('select'):>6.0f}")
        base = results["bundled"]
        for name, ms in results.items():
            if name != "bundled":
                print(f"ratio {name} / bundled open time: {ms / base:.2f}")
    finally:
        driver.quit()
    return 0


if __name__ == "__main__":
    sys.exit(main())
