"""How fast `drivers suggest` answers on the bundled data: the library call with the index built
(what a server such as `drivers serve` does per request), building the index, and the whole
`drivers suggest TEXT` process with a warm cache, against `python -c "import rdflib"` as the
machine's yardstick (the shared machine's load moves both alike; runs are interleaved).

Target (issue 19): `suggest` under 0.5 s warm.

    python benchmarks/suggest_speed.py [--runs 15]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from graph.answers import suggest as sg  # noqa: E402
from graph.core.pipeline import build_graph  # noqa: E402
from startup import drivers_cmd, timed  # noqa: E402  (the same process runner as the startup benchmark)

QUERY = "Provide free breakfast clubs in schools in the most deprived areas to reduce the cost of the school day"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=15)
    args = ap.parse_args()

    b = build_graph(ROOT / "data", check=False)
    builds = []
    for _ in range(3):
        t0 = time.perf_counter()
        idx = sg.Index.build(b.data, b.nx)
        builds.append(time.perf_counter() - t0)
    texts = [r["text"] for r in sg.load_paraphrases(ROOT / sg.PARAPHRASES)]
    sg.suggest_for_text(idx, texts[0])  # warm
    calls = []
    for text in texts:
        t0 = time.perf_counter()
        sg.suggest_for_text(idx, text)
        calls.append(time.perf_counter() - t0)
    calls.sort()
    print(f"Index.build on the bundled data: median {statistics.median(builds) * 1000:.0f} ms (3 runs)")
    print(f"suggest_for_text, index built ({len(texts)} paraphrase texts): median {statistics.median(calls) * 1000:.1f} ms,"
          f" 95th percentile {calls[int(0.95 * (len(calls) - 1))] * 1000:.1f} ms, max {calls[-1] * 1000:.1f} ms")

    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}  # as an installed package runs
    with tempfile.TemporaryDirectory() as cache:
        env["DRIVERS_CACHE_DIR"] = cache
        cmd = [*drivers_cmd(), "--data", str(ROOT / "data"), "suggest", QUERY]
        cold = timed(cmd, env)  # builds the graph and the suggestion index, and caches the index
        a, s = [], []
        for _ in range(args.runs):
            a.append(timed([sys.executable, "-c", "import rdflib"], env))
            s.append(timed(cmd, env))
    ma, ms = statistics.median(a), statistics.median(s)
    print(f"drivers suggest TEXT, first run (builds and caches the index): {cold:.2f} s")
    print(f"drivers suggest TEXT, warm cache: median {ms * 1000:.0f} ms ({args.runs} runs; target < 500 ms)")
    print(f'python -c "import rdflib" (yardstick):  median {ma * 1000:.0f} ms; ratio {ms / ma:.2f}x')


if __name__ == "__main__":
    main()
