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
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import importlib.util
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


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--baseline", type=Path, help="another checkout whose writers to time beside these")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--only", nargs="*", help="these files only (graph.nq ...; graph.ttl is copied from graph-shacl.ttl)")
    args = ap.parse_args(argv)
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
