"""Load on `drivers serve`: N concurrent clients x M requests of search / node / why / suggest, loopback only.

Starts `drivers serve --port 0` on 127.0.0.1 for each data set (the bundled data, and the
32-partnership synthetic data from `drivers synth`), draws the requests from the data itself (ids,
driver numbers, phrases cut from action texts, new text for suggest; seeded, so every run asks the
same), runs the clients as one asyncio loop of keep-alive connections, and prints requests/s,
p50/p95/p99 per endpoint, and the errors (any answer that is not 200, or no answer). Bounded: each
client sends M requests, and a run stops after --max-seconds whatever happens.

Target: 0 errors, and `why` p95 <= 100 ms on the bundled data at 20 clients.

    python benchmarks/serve_load.py [--clients 20] [--requests 50] [--data bundled,synth32] [--store oxigraph]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.serving import served_url  # noqa: E402  (shared with the tests)
MIX = {"search": 0.3, "node": 0.2, "why": 0.35, "suggest": 0.15}
NEW_TEXTS = ["improve access to mental health support for care experienced young people",
             "reduce the cost of the school day in the most deprived areas",
             "make sure children's views are heard at every children's hearing",
             "support families earlier so fewer children need to be looked after",
             "train staff in trauma informed practice across services"]


def drivers_cmd() -> list[str]:
    script = Path(sys.executable).parent / "drivers"
    return [sys.executable, str(script)] if script.is_file() else [sys.executable, "-m", "cli"]


def start(data: Path, store: str, env: dict) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen([*drivers_cmd(), "--data", str(data), "--store", store, "serve", "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    try:
        url = served_url(proc, 900)
    except RuntimeError as exc:
        sys.exit(str(exc))
    assert urllib.parse.urlsplit(url).hostname == "127.0.0.1", url  # loopback only
    return proc, url


def stop(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def rss_mib(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of the process so far (Linux /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return float("nan")


def requests_for(data: Path, n: int, seed: int) -> list[tuple[str, str]]:
    """``n`` (endpoint, path) pairs drawn from the data in ``data`` (read from the same Oxigraph cache)."""
    from graph.store import backend
    G = backend(data, "https://w3id.org/drivers-graph/id/", "oxigraph", None).why_graph()
    nodes = sorted(G.nodes(data=True))
    actions = [{"id": i, "text": d.get("text") or d["title"]} for i, d in nodes if d["type"] == "Action"]
    drivers = [{"id": i, "title": d["title"]} for i, d in nodes if d["type"] == "Driver"]
    numbers = sorted({d["number"] for _, d in nodes if d["type"] == "Driver" and d.get("number")})
    rnd = random.Random(seed)

    def phrase(text: str) -> str:
        words = text.split()
        if len(words) <= 5:
            return text
        i = rnd.randrange(0, len(words) - 4)
        return " ".join(words[i:i + rnd.randint(4, 8)])
    out = []
    kinds, weights = list(MIX), list(MIX.values())
    for _ in range(n):
        kind = rnd.choices(kinds, weights)[0]
        if kind == "search":
            q = rnd.choice([phrase(rnd.choice(drivers)["title"]), rnd.choice(numbers),
                            " ".join(rnd.choice(actions)["text"].split()[:2])])
            path = "api/search?" + urllib.parse.urlencode({"q": q})
        elif kind == "node":
            key = rnd.choice([rnd.choice(numbers), rnd.choice(drivers)["id"], rnd.choice(actions)["id"]])
            path = "api/node/" + urllib.parse.quote(key)
        elif kind == "why":
            a = rnd.choice(actions)
            path = "api/why?" + urllib.parse.urlencode({"q": a["id"] if rnd.random() < 0.5 else a["text"]})
        else:
            q = rnd.choice([rnd.choice(NEW_TEXTS), rnd.choice(actions)["id"]])
            path = "api/suggest?" + urllib.parse.urlencode({"q": q, "top": 5})
        out.append((kind, path))
    return out


async def one_client(host: str, port: int, work: list[tuple[str, str]], results: list, deadline: float) -> None:
    reader = writer = None
    for kind, path in work:
        if time.monotonic() > deadline:
            return
        t0 = time.perf_counter()
        status = 0
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection(host, port)
            writer.write(f"GET /{path} HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode())
            await writer.drain()
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout=60)
            status = int(head.split(b" ", 2)[1])
            length = int(re.search(rb"content-length: *(\d+)", head, re.I).group(1))
            await asyncio.wait_for(reader.readexactly(length), timeout=60)
            if re.search(rb"connection: *close", head, re.I):
                writer.close()
                reader = writer = None
        except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError, AttributeError, ValueError):
            if writer is not None:
                writer.close()
            reader = writer = None
        results.append((kind, status, time.perf_counter() - t0))
    if writer is not None:
        writer.close()


async def run_clients(url: str, plan: list[list[tuple[str, str]]], max_seconds: float) -> tuple[list, float]:
    parts = urllib.parse.urlsplit(url)
    results: list = []
    deadline = time.monotonic() + max_seconds
    t0 = time.perf_counter()
    await asyncio.gather(*(one_client(parts.hostname, parts.port, work, results, deadline) for work in plan))
    return results, time.perf_counter() - t0


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, max(0, round(p / 100 * len(values) + 0.5) - 1))]


def report(name: str, results: list, seconds: float, clients: int) -> dict:
    print(f"\n{name}: {len(results)} requests from {clients} clients in {seconds:.1f} s = "
          f"{len(results) / seconds:.0f} requests/s")
    print(f"  {'endpoint':8} {'count':>6} {'errors':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    out = {}
    for kind in [*MIX, "all"]:
        rows = [r for r in results if kind == "all" or r[0] == kind]
        if not rows:
            continue
        ms = [r[2] * 1000 for r in rows]
        errors = sum(1 for r in rows if r[1] != 200)
        out[kind] = {"count": len(rows), "errors": errors, "p50": pct(ms, 50), "p95": pct(ms, 95), "p99": pct(ms, 99)}
        print(f"  {kind:8} {len(rows):6} {errors:6} {pct(ms, 50):8.1f} {pct(ms, 95):8.1f} {pct(ms, 99):8.1f}")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--requests", type=int, default=50, help="requests per client (bounded)")
    ap.add_argument("--data", default="bundled,synth32", help="comma-separated: bundled, synth32, or a folder")
    ap.add_argument("--store", default="oxigraph", choices=["oxigraph", "rdflib"])
    ap.add_argument("--max-seconds", type=float, default=600.0, help="stop a run after this long, whatever happens")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    if not (1 <= args.clients <= 200 and 1 <= args.requests <= 10_000):
        sys.exit("--clients 1-200 and --requests 1-10000")
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "DRIVERS_CACHE_DIR": os.environ.get("DRIVERS_CACHE_DIR", str(Path(tmp) / "cache"))}
        figures = {}
        for name in args.data.split(","):
            if name == "bundled":
                data = ROOT / "data"
            elif name == "synth32":
                data = Path(tmp) / "synth32"
                subprocess.run([*drivers_cmd(), "synth", "--partnerships", "32", "--out", str(data)], check=True,
                               stdout=subprocess.DEVNULL, env=env, cwd=ROOT)
            else:
                data = Path(name)
            t0 = time.perf_counter()
            proc, url = start(data, args.store, env)
            ready = time.perf_counter() - t0
            try:
                with urllib.request.urlopen(url, timeout=900) as r:  # the page is made in the background at
                    r.read()                                        # start: measure after it, at steady state
                work = requests_for(data, args.clients * args.requests, args.seed)
                plan = [work[i::args.clients] for i in range(args.clients)]
                firsts = list({kind: (kind, path) for kind, path in reversed(work)}.values())
                asyncio.run(run_clients(url, [firsts], 120))  # one of each first, outside the figures
                cpu0 = cpu_seconds(proc.pid)
                results, seconds = asyncio.run(run_clients(url, plan, args.max_seconds))
                cpu = cpu_seconds(proc.pid) - cpu0
                rss = rss_mib(proc.pid)
            finally:
                stop(proc)
            print(f"\n== {name} ({args.store} store): ready in {ready:.1f} s, server RSS "
                  f"{rss:.0f} MiB" if rss else f"\n== {name}: ready in {ready:.1f} s")
            figures[name] = report(name, results, seconds, args.clients)
            print(f"  machine load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores during the run")
            print(f"  server CPU {cpu:.1f} s = {cpu / max(1, len(results)) * 1000:.1f} ms a request, "
                  f"{cpu / seconds:.2f} cores busy on average")
        if "bundled" in figures:
            why = figures["bundled"].get("why", {})
            errors = sum(f["all"]["errors"] for f in figures.values())
            print(f"\nTarget: 0 errors (got {errors}); why p95 <= 100 ms on the bundled data at "
                  f"{args.clients} clients (got {why.get('p95', float('nan')):.1f} ms)")


if __name__ == "__main__":
    main()
