"""Cold validation's CPU time: this checkout's ``graph/core/validate.py`` beside another version of
it, in one process, alternating, on the same quads (synthetic data by default).

Each run validates the quads once per variant with an empty results cache (a fresh folder each
time, as ``drivers build`` on a cold cache does) and the garbage collector as the build leaves it
(on); the order of the variants alternates from run to run. Both variants' results are compared
(every field of every Result, in order) and must be the same. Prints the median CPU seconds
(``time.process_time``) of each and their ratio.

    git show main:graph/core/validate.py > /tmp/validate_main.py      # the version to compare against
    python benchmarks/validate_speed.py --baseline /tmp/validate_main.py --partnerships 32 --runs 9

The baseline is imported as a module of ``graph.core`` (its relative imports resolve to this
checkout's modules), so it must be a version that works with them.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib.util
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graph.core import validate as current  # noqa: E402
from graph.core.loader import load  # noqa: E402
from graph.core.rdf import Quads, build  # noqa: E402
from graph.core.synth import generate, write  # noqa: E402


def baseline_module(path: Path):
    """``path`` (a validate.py) imported as ``graph.core._validate_baseline``."""
    name = "graph.core._validate_baseline"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def cold(module, quads, cache: Path) -> tuple[float, object]:
    """(CPU seconds, report) of one validation with an empty results cache."""
    shutil.rmtree(cache, ignore_errors=True)
    t = time.process_time()
    report = module.validate(quads)
    return time.process_time() - t, report


def same(a, b) -> bool:
    return ((a.conforms, a.documents, a.checked, [dataclasses.astuple(r) for r in a.results])
            == (b.conforms, b.documents, b.checked, [dataclasses.astuple(r) for r in b.results]))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--baseline", type=Path, required=True, help="another version of graph/core/validate.py")
    ap.add_argument("--data", type=Path, help="a data folder (default: synthetic data)")
    ap.add_argument("--partnerships", type=int, default=32, help="synthetic partnerships (without --data)")
    ap.add_argument("--editions", type=int, default=2, help="synthetic editions per partnership")
    ap.add_argument("--runs", type=int, default=9, help="cold validations per variant (median)")
    args = ap.parse_args()
    old = baseline_module(args.baseline.resolve())
    with tempfile.TemporaryDirectory(prefix="validate-speed-") as tmp:
        data_dir = args.data
        if data_dir is None:
            data_dir = Path(tmp) / "data"
            write(data_dir, generate(args.partnerships, editions=args.editions))
        data = load(data_dir)
        quads = Quads()
        build(data, dataset=quads)
        cache = Path(tmp) / "cache"
        os.environ["DRIVERS_CACHE_DIR"] = str(cache)
        os.environ.pop("DRIVERS_VALIDATION_CACHE", None)
        variants = {"baseline": old, "this checkout": current}
        for module in variants.values():  # the ontology and shapes parsed once per process, as in a build
            cold(module, quads, cache / "validation")
        times: dict = {name: [] for name in variants}
        reports: dict = {}
        for i in range(args.runs):
            order = list(variants) if i % 2 == 0 else list(reversed(variants))
            for name in order:
                dt, reports[name] = cold(variants[name], quads, cache / "validation")
                times[name].append(dt)
            if not same(reports["baseline"], reports["this checkout"]):
                raise SystemExit("the two versions' reports differ")
        n = sum(len(t) for t in quads.graphs.values())
        print(f"{data_dir if args.data else f'synthetic, {args.partnerships} partnerships'}: {n:,} quads, "
              f"{reports['baseline'].documents} documents, {len(reports['baseline'].results)} results "
              f"(the same from both)")
        for name, ts in times.items():
            print(f"{name}: median {statistics.median(ts):.3f} s CPU (min {min(ts):.3f}, max {max(ts):.3f}; "
                  f"{args.runs} cold runs)")
        ratio = statistics.median(times["this checkout"]) / statistics.median(times["baseline"])
        print(f"this checkout / baseline: {ratio:.2f}")


if __name__ == "__main__":
    main()
