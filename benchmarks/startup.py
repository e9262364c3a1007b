"""Fast start: `drivers why` on the bundled data, as a whole process, against `python -c "import rdflib"`.

Both run ``--runs`` times as separate processes with this interpreter (not a shell shim); the
script prints the medians and the ratio. Target: at most 1.5x. The Oxigraph cache is warmed
first (the first run after a data change builds it; see the README's *Performance*).

    python benchmarks/startup.py [--runs 15]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUERY = "human and economic cost modelling"


def drivers_cmd() -> list[str]:
    script = Path(sys.executable).parent / "drivers"
    return [sys.executable, str(script)] if script.is_file() else [sys.executable, "-m", "cli"]


def timed(cmd: list[str], env: dict) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, env=env, cwd=ROOT)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=15)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "DRIVERS_CACHE_DIR": cache}
        why = [*drivers_cmd(), "--data", str(ROOT / "data"), "why", QUERY]
        timed(why, env)  # builds the cache
        baseline = [sys.executable, "-c", "import rdflib"]
        a, b = [], []
        for _ in range(args.runs):  # interleaved, so drift hits both alike
            a.append(timed(baseline, env))
            b.append(timed(why, env))
    ma, mb = statistics.median(a), statistics.median(b)
    print(f'python -c "import rdflib"          median {ma * 1000:6.0f} ms  ({args.runs} runs)')
    print(f'drivers why "{QUERY}"  median {mb * 1000:6.0f} ms')
    print(f"ratio {mb / ma:.2f}x (target <= 1.5x)")


if __name__ == "__main__":
    main()
