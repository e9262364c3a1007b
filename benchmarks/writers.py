"""CPU of each RDF export writer (graph.nq, graph.trig, graph.ttl, graph.jsonld, graph.graphml) on one
data folder, this checkout's writers beside another checkout's, in one process.

The build (load, quads, view) is done once; then each round runs every writer of each variant on the
same quads, the variants alternating round by round (the machine's noise is larger than the gaps),
each writer timed with ``time.process_time`` into a throw-away file. Medians of ``--runs`` rounds.
Every variant's text is checked equal to the first variant's, once.

    drivers synth --partnerships 32 --editions 2 --out /tmp/w20syn32
    git worktree add --detach /tmp/drivers-before <commit>
    DRIVERS_CACHE_DIR=/tmp/w20cache python benchmarks/writers.py --data /tmp/w20syn32 \\
        --baseline /tmp/drivers-before --runs 5

The baseline's ``graph/publish/exports.py`` is loaded as a module of this checkout's package (its
relative imports resolve here), so only the writers differ.

With ``--in-build``, each round is instead a whole cold ``drivers build`` process per checkout (its own
code, empty caches), the checkouts taking turns, each export file's writer timed inside the build
(``io.write_many`` wrapped): the writers as the build runs them, beside the build's whole heap.
Also the whole process's CPU (user + system) and peak memory (max RSS).

    python benchmarks/writers.py --data /tmp/w20syn32 --baseline /tmp/drivers-before --runs 5 --in-build
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import importlib.util
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def load_exports(checkout: Path | None, name: str):
    """``graph.publish.exports`` of ``checkout`` (None: this one) as a module named ``name``."""
    if checkout is None:
        from graph.publish import exports
        return exports
    path = checkout / "graph" / "publish" / "exports.py"
    spec = importlib.util.spec_from_file_location(f"graph.publish.{name}", path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return mod


def writers(mod, b) -> dict:
    """File name -> a function writing it, as ``export_writers`` gives them (fresh shared state each
    round: the term memo and graph.ttl's kept copy)."""
    files = mod.export_writers(b.quads, b.union, b.graph_view, Path("/nonexistent"))
    return {p.name: f for p, f in files.items()
            if p.name in ("graph.nq", "graph.trig", "graph.ttl", "graph.jsonld", "graph-shacl.ttl", "graph.graphml")}


def one_round(mod, b, tmp: Path, digests: dict | None, only: list | None = None) -> dict:
    out = {}
    for name, write in sorted(writers(mod, b).items()):  # name order, as io.write_many writes them
        if only and name not in only:
            continue
        path = tmp / name
        gc.collect()
        with open(path, "w", encoding="utf-8", newline="\n") as fh:
            t = time.process_time()
            write(fh)
            out[name] = time.process_time() - t
        if digests is not None:
            digests[name] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


#: run in a child process: ``drivers build`` of checkout argv[1], each file's writer timed (CPU)
CHILD = """
import json, resource, sys, time
sys.path.insert(0, sys.argv[1])
from graph.core import io as dio
real = dio.write_many
times = {}
def timed(files, progress=None):
    def wrap(path, text):
        def write(fh):
            t = time.process_time()
            text(fh) if callable(text) else fh.write(text)
            times[path.name] = time.process_time() - t
        return write
    return real({p: wrap(p, t) for p, t in files.items()}, progress)
dio.write_many = timed
from graph.commands import main
try:
    main(sys.argv[2:], standalone_mode=False)
finally:
    u = resource.getrusage(resource.RUSAGE_SELF)
    times["(process)"] = u.ru_utime + u.ru_stime
    times["(peak MB)"] = u.ru_maxrss / 1024
    sys.stderr.write("TIMES " + json.dumps(times) + "\\n")
"""


def in_build(args) -> None:
    import os
    import shutil
    import subprocess
    sides = {"old": args.baseline, "new": ROOT} if args.baseline else {"new": ROOT}
    times: dict = {v: {} for v in sides}
    with tempfile.TemporaryDirectory(prefix="w20bench") as tmp:
        for r in range(args.runs):
            for v in (list(sides) if r % 2 == 0 else list(reversed(sides))):
                cache, out = Path(tmp) / f"cache-{v}", Path(tmp) / f"out-{v}"
                shutil.rmtree(cache, ignore_errors=True)
                shutil.rmtree(out, ignore_errors=True)
                env = {**os.environ, "DRIVERS_CACHE_DIR": str(cache), "PYTHONHASHSEED": "0"}
                proc = subprocess.run([sys.executable, "-c", CHILD, str(sides[v]), "--data", str(args.data), "build",
                                       "--quiet", "--out", str(out)], capture_output=True, text=True, env=env)
                line = [x for x in proc.stderr.splitlines() if x.startswith("TIMES ")]
                if proc.returncode != 0 or not line:
                    raise SystemExit(f"{v}: build failed\n{proc.stderr[-2000:]}")
                for name, dt in json.loads(line[-1][6:]).items():
                    times[v].setdefault(name, []).append(dt)
    rdf = ("graph-shacl.ttl", "graph.graphml", "graph.jsonld", "graph.nq", "graph.trig", "graph.ttl")
    print(f"CPU seconds inside cold `drivers build`, median of {args.runs}, {args.data}")
    print(f"{'file':18}" + "".join(f"{v:>10}" for v in sides))
    for n in sorted(times[next(iter(sides))]):
        print(f"{n:18}" + "".join(f"{statistics.median(times[v][n]):10.3f}" for v in sides))
    for v in sides:
        total = [sum(times[v][n][i] for n in rdf) for i in range(args.runs)]
        print(f"{v}: RDF writers total median {statistics.median(total):.3f} (" + " ".join(f"{x:.2f}" for x in total)
              + "); process " + " ".join(f"{x:.2f}" for x in times[v]["(process)"])
              + "; peak MB " + " ".join(f"{x:.0f}" for x in times[v]["(peak MB)"]))


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--baseline", type=Path, help="another checkout whose writers to time beside these")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--only", nargs="*", help="these files only (graph.nq ...; graph.ttl is copied from graph-shacl.ttl)")
    ap.add_argument("--in-build", action="store_true", help="time the writers inside whole `drivers build` processes")
    args = ap.parse_args(argv)
    if args.in_build:
        return in_build(args)
    from graph.core.pipeline import build_graph
    b = build_graph(args.data, check=False)
    b.graph_view  # noqa: B018 (the NetworkX view, made once, outside the timings)
    b.union  # noqa: B018
    variants = {"new": load_exports(None, "exports")}
    if args.baseline:
        variants = {"old": load_exports(args.baseline, "exports_baseline"), **variants}
    times: dict = {v: {} for v in variants}
    digests: dict = {v: {} for v in variants}
    with tempfile.TemporaryDirectory(prefix="w20bench") as tmp:
        for r in range(args.runs):
            order = list(variants) if r % 2 == 0 else list(reversed(variants))
            for v in order:
                for name, dt in one_round(variants[v], b, Path(tmp), digests[v] if r < 2 else None, args.only).items():
                    times[v].setdefault(name, []).append(dt)
    first = next(iter(variants))
    for v in variants:
        if digests[v] != digests[first]:
            bad = sorted(n for n in digests[v] if digests[v][n] != digests[first].get(n))
            print(f"!! {v}'s text differs from {first}'s: {', '.join(bad)}")
    names = sorted(times[first])
    print(f"CPU seconds, median of {args.runs} (time.process_time), {args.data}")
    print(f"{'file':18}" + "".join(f"{v:>10}" for v in variants))
    totals = {v: [sum(times[v][n][i] for n in names) for i in range(args.runs)] for v in variants}
    for n in names:
        print(f"{n:18}" + "".join(f"{statistics.median(times[v][n]):10.3f}" for v in variants))
    print(f"{'total':18}" + "".join(f"{statistics.median(totals[v]):10.3f}" for v in variants))
    for v in variants:
        print(f"{v} totals: " + " ".join(f"{x:.2f}" for x in totals[v]))


if __name__ == "__main__":
    main()
