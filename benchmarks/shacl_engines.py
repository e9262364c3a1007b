"""SHACL engines side by side on the same shapes (ontology.ttl): the built-in one, pySHACL and, if
installed, pyrudof (rudof's Rust engine: ``pip install pyrudof``).

For each data set -- the bundled data, the hand-made tiny graph, synthetic data, and every broken
variant of the tiny graph from ``tests/test_validate.py`` (one per constraint the shapes use) --
each engine validates the whole union once (no per-document split, no cache) and the results
are compared as sets of (severity, focus node, path, constraint, the shape's own message). An
engine is kept only if it agrees with pySHACL everywhere; the timings say which is faster.

    python benchmarks/shacl_engines.py [--synth 8] [--runs 3]
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

from graph.core import validate as v  # noqa: E402
from graph.core.loader import load  # noqa: E402
from graph.core.rdf import build  # noqa: E402
from graph.core.synth import generate, write  # noqa: E402


def engines() -> list[str]:
    out = ["builtin", "pyshacl"]
    try:
        import pyrudof  # noqa: F401
        out.append("rudof")
    except ImportError:
        print("(pyrudof is not installed: pip install pyrudof to compare it too)")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--synth", type=int, default=8, help="partnerships in the synthetic data set")
    ap.add_argument("--runs", type=int, default=3, help="runs per timing (median)")
    args = ap.parse_args()
    from tests.conftest import DATA, TINY
    from tests.test_validate import _mutations
    names = engines()
    with tempfile.TemporaryDirectory() as tmp:
        synth = Path(tmp) / "synth"
        write(synth, generate(args.synth, editions=2))
        sets = [("bundled data", build(load(DATA))), ("tiny", build(load(TINY))),
                (f"synthetic, {args.synth} partnerships", build(load(synth)))]
        for name, mutate in _mutations():
            ds = build(load(TINY))
            mutate(ds)
            sets.append((f"broken: {name}", ds))
        print(f"| data | triples | {' | '.join(names)} | agrees with pySHACL |")
        print("|" + " --- |" * (len(names) + 3))
        disagree: dict = {e: 0 for e in names}
        totals: dict = {e: 0.0 for e in names}
        for label, ds in sets:
            results, times = {}, {}
            runs = args.runs if not label.startswith("broken") else 1
            for e in names:
                ts = []
                for _ in range(runs):
                    t = time.perf_counter()
                    results[e] = v.engine_results(ds, e)
                    ts.append(time.perf_counter() - t)
                times[e] = statistics.median(ts)
                totals[e] += times[e]
            agree = []
            for e in names:
                if e != "pyshacl" and results[e] != results["pyshacl"]:
                    disagree[e] += 1
                    agree.append(f"{e}: NO ({len(results[e] ^ results['pyshacl'])} differ)")
            n = sum(1 for _ in ds.quads())
            print(f"| {label} | {n:,} | " + " | ".join(f"{times[e]:.2f} s" for e in names) + " | "
                  + ("; ".join(agree) or "yes") + " |", flush=True)
        print()
        for e in names:
            if e != "pyshacl":
                print(f"{e}: {totals['pyshacl'] / totals[e]:.1f}x pySHACL's speed over all sets; "
                      f"disagrees on {disagree[e]} of {len(sets)} sets")
        print(f"(medians of {args.runs} runs for the three data sets, one run for each broken variant; "
              f"Python {sys.version.split()[0]})")


if __name__ == "__main__":
    main()
