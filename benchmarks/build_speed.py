"""`drivers build` and `drivers validate` on the bundled data, this checkout beside another one.

Each measurement is a whole process (``python -m cli`` run in the checkout's folder, so its own
``graph`` package is imported), on the bundled data of *this* checkout, with the wall time, the
CPU time (user + system) and the peak memory. *cold*: empty caches (store cache and validation
results); *warm*: the same command again, nothing changed. Medians of ``--runs``.

    git worktree add --detach /tmp/drivers-before <commit>     # the code to compare against
    python benchmarks/build_speed.py --baseline /tmp/drivers-before --runs 5

When the data has gained something the baseline cannot read (a new record type), give both the
data as the baseline knew it: ``git archive <commit> data | tar -x -C /tmp/old`` then
``--data /tmp/old/data``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

WRAPPER = ("import resource, subprocess, sys, time\n"
           "t = time.perf_counter()\n"
           "p = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
           "dt = time.perf_counter() - t\n"
           "u = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
           "print(dt, u.ru_utime + u.ru_stime, u.ru_maxrss)\n"
           "sys.stderr.write(p.stderr)\n"
           "sys.exit(p.returncode)")


def run(checkout: Path, argv: list[str], cache: Path) -> tuple[float, float, float]:
    """(wall s, CPU s, peak MB) of ``python -m cli ARGV`` run in ``checkout``."""
    env = {**os.environ, "DRIVERS_CACHE_DIR": str(cache), "PYTHONHASHSEED": "0"}
    proc = subprocess.run([sys.executable, "-c", WRAPPER, sys.executable, "-m", "cli", *argv],
                          capture_output=True, text=True, cwd=checkout, env=env)
    if proc.returncode != 0:
        raise SystemExit(f"failed in {checkout}: {' '.join(argv)}\n{proc.stderr[-2000:]}")
    wall, cpu, rss = proc.stdout.split()
    return float(wall), float(cpu), int(rss) / 1024


def measure(checkout: Path, runs: int, tmp: Path, data: Path) -> dict:
    out = tmp / "out"
    commands = {"build": ["--data", str(data), "build", "--out", str(out)], "validate": ["--data", str(data), "validate"]}
    res: dict = {}
    for name, argv in commands.items():
        cold, warm = [], []
        for i in range(runs):
            cache = tmp / f"cache-{name}-{i}"
            shutil.rmtree(cache, ignore_errors=True)
            cold.append(run(checkout, argv, cache))
            warm.append(run(checkout, argv, cache))
        for label, rows in (("cold", cold), ("warm", warm)):
            res[f"{name} ({label})"] = tuple(statistics.median(r[i] for r in rows) for i in range(3))
    return res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--baseline", type=Path, default=None, help="another checkout to compare with")
    ap.add_argument("--runs", type=int, default=5, help="runs per measurement (median)")
    ap.add_argument("--data", type=Path, default=ROOT / "data", help="the data folder both checkouts build")
    args = ap.parse_args()
    checkouts = {"this checkout": ROOT}
    if args.baseline:
        if not (args.baseline / "cli.py").is_file():
            raise SystemExit(f"{args.baseline} is not a drivers-graph checkout (no cli.py)")
        checkouts = {"baseline": args.baseline.resolve(), **checkouts}
    with tempfile.TemporaryDirectory() as tmp:
        results = {name: measure(path, args.runs, Path(tmp) / name.replace(" ", "-"), args.data.resolve())
                   for name, path in checkouts.items()}
    names = list(checkouts)
    print("| command | " + " | ".join(f"{n}: wall / CPU / peak" for n in names) +
          (" | baseline / this (CPU) |" if len(names) == 2 else " |"))
    print("|" + " --- |" * (len(names) + 1 + (len(names) == 2)))
    for row in results[names[-1]]:
        cells = [f"{results[n][row][0]:.2f} s / {results[n][row][1]:.2f} s / {results[n][row][2]:.0f} MB"
                 for n in names]
        ratio = f" | {results[names[0]][row][1] / results[names[1]][row][1]:.1f}x" if len(names) == 2 else ""
        print(f"| {row} | " + " | ".join(cells) + ratio + " |")
    print(f"\n(medians of {args.runs}; data {args.data}; Python {sys.version.split()[0]})")


if __name__ == "__main__":
    main()
