"""Scale: build, why, query and viz at 1, 8 and 32 partnerships, plain rdflib vs Oxigraph, in one run.

For each size, ``drivers synth`` writes the data (2 editions per partnership, about 100 actions
a year); then every measurement is a separate process, timed from start to exit, with its peak
memory (max RSS) read from the operating system:

* build  -- from YAML to a store a query can use: rdflib builds the Dataset, the union graph and
            the NetworkX view in memory (what every rdflib command does first); Oxigraph builds
            its on-disk cache (what the first command after a data change does).
* why    -- ``drivers why ACTION --format json`` (Oxigraph: warm cache).
* query  -- ``drivers query what-drives -p action=ACTION`` (a property-path query).
* viz    -- ``drivers viz --focus ACTION --depth 2``.

The outputs of the two stores are compared (they must be identical). Medians of ``--runs``;
the slow rdflib side runs once at 8 and 32 partnerships (its spread is small next to the ratio).

    python benchmarks/scale.py [--sizes 1,8,32] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graph.core import synth  # noqa: E402


def drivers_cmd() -> list[str]:
    """The installed console script run by this interpreter (not a shell shim), else ``-m cli``."""
    script = Path(sys.executable).parent / "drivers"
    return [sys.executable, str(script)] if script.is_file() else [sys.executable, "-m", "cli"]


def run(cmd: list[str], env: dict) -> tuple[float, float, str]:
    """(seconds, peak MB, stdout); peak from a wrapper that reports its child's max RSS."""
    wrapper = ("import resource, subprocess, sys, time\n"
               "t = time.perf_counter()\n"
               "p = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
               "dt = time.perf_counter() - t\n"
               "sys.stdout.write(f'{dt} {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}\\n' + p.stdout)\n"
               "sys.stderr.write(p.stderr)\n"
               "sys.exit(p.returncode)")
    proc = subprocess.run([sys.executable, "-c", wrapper, *cmd], capture_output=True, text=True, env=env, cwd=ROOT)
    if proc.returncode != 0:
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stderr[-2000:]}")
    head, _, out = proc.stdout.partition("\n")
    seconds, rss = head.split()
    return float(seconds), int(rss) / 1024, out


BUILD = {
    "rdflib": "from pathlib import Path; import sys; from graph.core.pipeline import build_graph; "
              "build_graph(Path(sys.argv[1]), check=False)",
    "oxigraph": "from pathlib import Path; import sys; from graph.store.local import ensure_cache; "
                "from graph.core.namespace import DEFAULT_BASE; ensure_cache(Path(sys.argv[1]), DEFAULT_BASE)",
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1,8,32", help="partnership counts, comma-separated")
    ap.add_argument("--runs", type=int, default=3, help="runs per measurement (median)")
    ap.add_argument("--editions", type=int, default=2)
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    drivers = drivers_cmd()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            data = Path(tmp) / f"synth{n}"
            synth.write(data, synth.generate(n, args.editions))
            action = f"{synth.slug(synth.COUNCILS[0])}-csp-plan-{synth.FIRST_YEAR + args.editions - 1}-a1"
            html = Path(tmp) / "viz.html"
            tasks = {
                "why": ["why", action, "--format", "json"],
                "query": ["query", "what-drives", "-p", f"action={action}", "--format", "json"],
                "viz": ["viz", "--focus", action, "--depth", "2", "--out", str(html)],
            }
            result: dict = {}
            for store in ("rdflib", "oxigraph"):
                env = {**os.environ, "DRIVERS_CACHE_DIR": str(Path(tmp) / f"cache-{n}-{store}"), "PYTHONHASHSEED": "0"}
                runs = args.runs if store == "oxigraph" or n == 1 else 1
                # build: the oxigraph cache from empty each time
                times, peaks = [], []
                for i in range(runs):
                    env_i = {**env, "DRIVERS_CACHE_DIR": str(Path(tmp) / f"cache-{n}-{store}-build{i}")}
                    s, m, _ = run([sys.executable, "-c", BUILD[store], str(data)], env_i)
                    times.append(s)
                    peaks.append(m)
                result[(store, "build")] = (statistics.median(times), max(peaks), runs, None)
                if store == "oxigraph":  # warm the cache the commands below use
                    run([*drivers, "--data", str(data), "--store", store, "list", "partnerships"], env)
                for task, argv in tasks.items():
                    times, peaks, out = [], [], None
                    for _ in range(runs):
                        s, m, out = run([*drivers, "--data", str(data), "--store", store, *argv], env)
                        times.append(s)
                        peaks.append(m)
                    if task == "viz":
                        out = html.read_text(encoding="utf-8")
                    result[(store, task)] = (statistics.median(times), max(peaks), runs, out)
            for task in ("build", *tasks):
                r, o = result[("rdflib", task)], result[("oxigraph", task)]
                same = "-" if r[3] is None else ("yes" if r[3] == o[3] else "NO")
                rows.append((n, task, r[0], o[0], r[0] / o[0], r[1], o[1], same, r[2], o[2]))
                print(f"{n:>3} partnerships  {task:<6} rdflib {r[0]:7.2f} s  oxigraph {o[0]:6.2f} s  "
                      f"ratio {r[0] / o[0]:6.1f}x  peak {r[1]:5.0f} / {o[1]:5.0f} MB  same answer: {same}", flush=True)
    print("\n| partnerships | step | rdflib | Oxigraph | rdflib / Oxigraph | peak memory rdflib / Oxigraph | same answer |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for n, task, r, o, ratio, rm, om, same, rr, orr in rows:
        print(f"| {n} | {task} | {r:.2f} s | {o:.2f} s | {ratio:.1f}x | {rm:.0f} / {om:.0f} MB | {same} |")
    print(f"\n(medians of {args.runs} runs; rdflib once at 8+ partnerships; Python {sys.version.split()[0]})")


if __name__ == "__main__":
    main()
