"""Scale: every command's time and peak memory on synthetic data, and how each grows with size.

For each size, ``drivers synth --partnerships N --editions E`` writes the data; then every
measurement is a separate process, timed from start to exit, with its peak memory (max RSS)
read from the operating system. The growth exponent ``k`` between two sizes is
``log(t2 / t1) / log(n2 / n1)`` (time ∝ size^k: 1 is linear).

Rows (each a whole process; "cold" starts with empty caches):

* cache      -- the Oxigraph store cache from YAML (``ensure_cache``: what the first read command
                after a data change does).
* build      -- ``drivers build --out DIR``, cold: load, validate every document, the store cache,
                every export and the page.
* build-nopage -- the same build with the page (graph.html) left out, cold.
* build-warm -- ``drivers build`` again, data unchanged: every document's validation comes from
                the cache, the store cache is reused, every export is written again.
* validate   -- ``drivers validate``, warm (after the builds).
* list-first -- ``drivers list actions --format json``, the first after the store cache was made
                without ``drivers build``: worked out from the store and kept in the entry.
* list       -- the same listing again (warm store cache, as every row below): read back from the entry.
* show       -- ``drivers show ACTION --format json``.
* why        -- ``drivers why ACTION --format json``.
* coverage   -- ``drivers coverage``.
* metrics    -- ``drivers metrics --format json`` (betweenness sampled above
                graph.answers.metrics.EXACT_UP_TO nodes).

Medians of ``--runs`` (the cold rows rebuild from empty caches each run).

    python benchmarks/scale.py --sizes 1,8,32,128,256 [--runs 1] [--editions 2] [--only build,why] [--interleave]

With ``--interleave`` the cold rows take turns (cache, build, cache, build ...), so a shared machine's
drift during the run falls on both; the build/cache and list/why ratios are printed per size.
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graph.core import synth  # noqa: E402
from graph.store.local import LISTINGS  # noqa: E402


def drivers_cmd() -> list[str]:
    """The installed console script run by this interpreter (not a shell shim), else ``-m cli``."""
    script = Path(sys.executable).parent / "drivers"
    return [sys.executable, str(script)] if script.is_file() else [sys.executable, "-m", "cli"]


def run(cmd: list[str], env: dict, cwd: Path = ROOT) -> tuple[float, float, str]:
    """(seconds, peak MB, stdout); peak from a wrapper that reports its child's max RSS.

    The seconds are the child's CPU time (user + system) with ``--clock cpu`` (the default: on a
    machine shared with other jobs, wall time mostly measures the others), else wall time."""
    wrapper = ("import resource, subprocess, sys, time\n"
               "t = time.perf_counter()\n"
               "p = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
               "dt = time.perf_counter() - t\n"
               "u = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
               "sys.stdout.write(f'{dt} {u.ru_utime + u.ru_stime} {u.ru_maxrss}\\n' + p.stdout)\n"
               "sys.stderr.write(p.stderr)\n"
               "sys.exit(p.returncode)")
    proc = subprocess.run([sys.executable, "-c", wrapper, *cmd], capture_output=True, text=True, env=env, cwd=cwd)
    if proc.returncode not in (0, 1):  # 1: a finding (e.g. coverage gaps), still a measurement
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stderr[-2000:]}")
    head, _, out = proc.stdout.partition("\n")
    wall, cpu, rss = head.split()
    return float(cpu if CLOCK == "cpu" else wall), int(rss) / 1024, out


CLOCK = "cpu"
INTERLEAVE = False


CACHE = ("from pathlib import Path; import sys; from graph.store.local import ensure_cache; "
         "from graph.core.namespace import DEFAULT_BASE; ensure_cache(Path(sys.argv[1]), DEFAULT_BASE)")
#: the build without the page: every other export, through the same code as `drivers build`
NOPAGE = ("from pathlib import Path; import sys\n"
          "from graph.core.pipeline import build_graph\n"
          "from graph.core.io import write_many\n"
          "from graph.publish.exports import export_writers\n"
          "from graph.store.local import OxigraphBackend, ensure_cache\n"
          "from graph.core.namespace import DEFAULT_BASE\n"
          "data, out = Path(sys.argv[1]), Path(sys.argv[2])\n"
          "b = build_graph(data)\n"
          "assert b.report.conforms, b.report.text()\n"
          "g = OxigraphBackend(ensure_cache(data, DEFAULT_BASE, built=b)).graph()\n"
          "files = export_writers(b.quads, g, b.nx, out)\n"
          "del files[out / 'graph.html']\n"
          "write_many(files)\n")

ROWS = ["cache", "build", "build-nopage", "build-warm", "validate", "list-first", "list", "show", "why", "coverage",
        "metrics"]


def measure(n: int, editions: int, runs: int, tmp: Path, only: set[str]) -> dict:
    data = tmp / f"synth{n}"
    if not data.exists():
        synth.write(data, synth.generate(n, editions))
    action = f"{synth.slug(synth.COUNCILS[0])}-csp-plan-{synth.FIRST_YEAR + editions - 1}-a1"
    drivers = [*drivers_cmd(), "--data", str(data)]
    out = tmp / "out"
    base_env = {**os.environ, "PYTHONHASHSEED": "0"}

    def cold_once(argv: list[str]) -> tuple[float, float]:
        cache = tmp / "cache-cold"
        shutil.rmtree(cache, ignore_errors=True)
        shutil.rmtree(out, ignore_errors=True)
        s, m, _ = run(argv, {**base_env, "DRIVERS_CACHE_DIR": str(cache)})
        return s, m

    def cold(argv: list[str]) -> tuple[float, float]:
        times, peaks = zip(*(cold_once(argv) for _ in range(runs)))
        return statistics.median(times), max(peaks)

    warm_env = {**base_env, "DRIVERS_CACHE_DIR": str(tmp / f"cache-warm-{n}")}

    def warm(argv: list[str]) -> tuple[float, float]:
        times, peaks = [], []
        for _ in range(runs):
            s, m, _ = run(argv, warm_env)
            times.append(s)
            peaks.append(m)
        return statistics.median(times), max(peaks)

    res: dict = {}
    colds = {"cache": [sys.executable, "-c", CACHE, str(data)],
             "build": [*drivers, "build", "--out", str(out), "--quiet"],
             "build-nopage": [sys.executable, "-c", NOPAGE, str(data), str(out)]}
    colds = {name: argv for name, argv in colds.items() if name in only}
    if INTERLEAVE:  # one run of each cold row in turn, `runs` times: a machine that slows down part-way
        # slows every row alike, so their ratios hold (on a shared machine, run to run varies by a third)
        got: dict = {name: ([], []) for name in colds}
        for _ in range(runs):
            for name, argv in colds.items():
                s, m = cold_once(argv)
                got[name][0].append(s)
                got[name][1].append(m)
        res.update({name: (statistics.median(t), max(m)) for name, (t, m) in got.items()})
    else:
        res.update({name: cold(argv) for name, argv in colds.items()})
    if only & {"build-warm", "validate"}:  # fills the warm caches: the validation cache and the store cache
        run([*drivers, "build", "--out", str(out), "--quiet"], warm_env)
    elif only - {"cache", "build", "build-nopage"}:  # the read rows need only the store cache
        run([sys.executable, "-c", CACHE, str(data)], warm_env)
    if "list-first" in only:  # one run: the listings kept in the entry (by a build, or a run before) removed
        for kept in (tmp / f"cache-warm-{n}").glob(f"*/{LISTINGS}"):
            shutil.rmtree(kept)
        s, m, _ = run([*drivers, "list", "actions", "--format", "json"], warm_env)
        res["list-first"] = (s, m)
    tasks = {
        "build-warm": ["build", "--out", str(out), "--quiet"],
        "validate": ["validate", "--quiet"],
        "list": ["list", "actions", "--format", "json"],
        "show": ["show", action, "--format", "json"],
        "why": ["why", action, "--format", "json"],
        "coverage": ["coverage"],
        "metrics": ["metrics", "--format", "json"],
    }
    for name, argv in tasks.items():
        if name in only:
            res[name] = warm([*drivers, *argv])
    shutil.rmtree(out, ignore_errors=True)
    return res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1,8,32", help="partnership counts, comma-separated")
    ap.add_argument("--runs", type=int, default=1, help="runs per measurement (median)")
    ap.add_argument("--editions", type=int, default=2, help="editions (and plan years) per partnership")
    ap.add_argument("--only", default=",".join(ROWS), help=f"rows to measure, of: {','.join(ROWS)}")
    ap.add_argument("--keep", type=Path, default=None, help="keep the synthetic data and caches in this folder")
    ap.add_argument("--clock", choices=["cpu", "wall"], default="cpu",
                    help="cpu: the process's CPU time, user + system (default); wall: elapsed time")
    ap.add_argument("--interleave", action="store_true",
                    help="run the cold rows (cache, build, build-nopage) in turn, one run each, --runs times")
    args = ap.parse_args()
    global CLOCK, INTERLEAVE
    CLOCK, INTERLEAVE = args.clock, args.interleave
    sizes = [int(s) for s in args.sizes.split(",")]
    only = set(args.only.split(","))
    unknown = only - set(ROWS)
    if unknown:
        raise SystemExit(f"unknown rows: {', '.join(sorted(unknown))}; use: {', '.join(ROWS)}")
    rows = [r for r in ROWS if r in only]
    tmp = args.keep or Path(tempfile.mkdtemp(prefix="drivers-scale-"))
    tmp.mkdir(parents=True, exist_ok=True)
    results: dict = {}
    try:
        for n in sizes:
            results[n] = measure(n, args.editions, args.runs, tmp, only)
            for r in rows:
                t, m = results[n][r]
                print(f"{n:>4} partnerships  {r:<12} {t:8.2f} s  {m:7.0f} MB", flush=True)
    finally:
        if args.keep is None:
            shutil.rmtree(tmp, ignore_errors=True)
    head = "| row | " + " | ".join(f"{n}" for n in sizes) + " | growth k (between sizes) |"
    print("\n" + head)
    print("|" + " --- |" * (len(sizes) + 2))
    for r in rows:
        cells = [f"{results[n][r][0]:.2f} s, {results[n][r][1]:.0f} MB" for n in sizes]
        ks = []
        for a, b in zip(sizes, sizes[1:]):
            ta, tb = results[a][r][0], results[b][r][0]
            ks.append(f"{math.log(tb / ta) / math.log(b / a):.2f}" if ta > 0 and tb > 0 and b != a else "-")
        print(f"| {r} | " + " | ".join(cells) + " | " + " / ".join(ks) + " |")
    for n in sizes:  # the targets are ratios within one run
        got = results[n]
        ratios = [f"{a}/{b} {got[a][0] / got[b][0]:.2f}" for a, b in (("build", "cache"), ("list", "why"), ("list-first", "why"))
                  if a in got and b in got and got[b][0] > 0]
        if ratios:
            print(f"{n} partnerships: " + ", ".join(ratios))
    print(f"\n({args.clock} time; medians of {args.runs} run(s){', cold rows interleaved' if args.interleave else ''}; "
          f"{args.editions} editions per partnership; Python {sys.version.split()[0]}; time ∝ size^k)")


if __name__ == "__main__":
    main()
