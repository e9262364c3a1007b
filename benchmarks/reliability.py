"""What the reliability guards cost and how fast they act (issue 14), on the bundled data.

Prints: the time to verify a store cache entry before use (marker, sizes, metadata, opening the
Oxigraph store); how long `drivers sparql --timeout T` takes to stop a runaway query past T; how
soon Ctrl-C stops one; and the time and peak memory of a 236-million-row cartesian product cut at
`--max-rows`.

    python benchmarks/reliability.py [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
HUGE = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }"


def drivers(*args: str, env: dict) -> list[str]:
    return [sys.executable, "-m", "cli", "--data", str(ROOT / "data"), *args]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    runs = ap.parse_args().runs
    cache = tempfile.mkdtemp(prefix="drivers-bench-cache-")
    env = {**os.environ, "DRIVERS_CACHE_DIR": cache}
    os.environ["DRIVERS_CACHE_DIR"] = cache
    subprocess.run(drivers("stats", env=env), cwd=ROOT, env=env, check=True, capture_output=True)

    from graph.store import local
    entry = local.ensure_cache(ROOT / "data", "https://w3id.org/drivers-graph/id/")
    times = []
    for _ in range(max(runs, 5)):
        t = time.perf_counter()
        assert local.damage(entry, open_store=False) is None
        times.append((time.perf_counter() - t) * 1000)
    print(f"verify a cache entry before use (marker, sizes, metadata): median {statistics.median(times):.1f} ms "
          f"(min {min(times):.1f}, {len(times)} runs)")
    times = []
    for _ in range(max(runs, 5)):
        t = time.perf_counter()
        assert local.damage(entry, open_store=True) is None
        times.append((time.perf_counter() - t) * 1000)
    print(f"  ... and that the Oxigraph store opens (sparql, query, serve): median {statistics.median(times):.1f} ms")

    over = []
    for _ in range(runs):
        t = time.monotonic()
        subprocess.run(drivers("sparql", "--timeout", "2", CARTESIAN, env=env), cwd=ROOT, env=env,
                       capture_output=True)
        over.append(time.monotonic() - t)
    print(f"sparql --timeout 2 on a runaway query: the whole command took median {statistics.median(over):.2f} s")

    stops = []
    for _ in range(runs):
        p = subprocess.Popen(drivers("sparql", "--timeout", "3600", CARTESIAN, env=env), cwd=ROOT, env=env,
                             start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(3)
        t = time.monotonic()
        os.killpg(p.pid, signal.SIGINT)
        p.wait(60)
        stops.append(time.monotonic() - t)
    print(f"Ctrl-C to exit during a runaway query: median {statistics.median(stops) * 1000:.0f} ms")

    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t = time.monotonic()
    subprocess.run(drivers("sparql", "--format", "json", HUGE, env=env), cwd=ROOT, env=env, capture_output=True)
    took = time.monotonic() - t
    peak = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    print(f"236-million-row answer cut at --max-rows 100000: {took:.1f} s, peak memory {peak / 1024:.0f} MB "
          "(largest process)")


if __name__ == "__main__":
    main()
