"""Queries with a time limit: run in a worker process that can be killed (``drivers sparql``,
``drivers query`` and ``drivers serve``'s ``/api/sparql``).

Neither rdflib nor Oxigraph can stop a query half way (a cartesian product runs until it is done),
and Oxigraph holds the interpreter while it works, so neither a thread nor Ctrl-C can stop it in
the process that started it. A query is therefore sent to a worker process that has the same store
open (:class:`WorkerSpec`), and the caller waits at most ``timeout`` seconds: past that, or on
Ctrl-C, the worker is killed with its query. The command line starts one worker per query
(forked where the platform has ``fork``, so it costs milliseconds); ``drivers serve`` keeps a pool
(:mod:`graph.serve.worker`), started with ``spawn`` because the server runs threads.
"""

from __future__ import annotations

import multiprocessing
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import DriversError, UsageError

START_TIMEOUT = 300.0  # opening the store in a new worker (building the rdflib graph at scale takes a while)
DEFAULT_TIMEOUT = 60.0  # the command line's --timeout
DEFAULT_MAX_ROWS = 100_000  # the command line's --max-rows


@dataclass(frozen=True)
class WorkerSpec:
    """How a query worker process opens the same store (plain strings: it is pickled)."""

    kind: str  # "oxigraph" (a cache folder), "rdflib" (a data folder) or "remote" (an endpoint)
    where: str
    base: str


class QueryTimeout(DriversError):
    """A query ran past the server's time limit (HTTP 503)."""


class QueryFailed(DriversError):
    """The worker running a query died or could not start (HTTP 503)."""



@dataclass
class Answer:
    columns: list[str]
    rows: list[dict]
    truncated: bool = False


# -- in the worker process ------------------------------------------------------------------------

def _open(spec: WorkerSpec):
    if spec.kind == "oxigraph":
        from .local import OxigraphBackend
        return OxigraphBackend(Path(spec.where))
    if spec.kind == "rdflib":
        from ..core.pipeline import build_graph
        from .local import MemoryBackend
        built = build_graph(Path(spec.where), spec.base, check=False)
        return MemoryBackend(lambda: built)
    from .remote import RemoteBackend
    return RemoteBackend(spec.where, spec.base)


def _run(backend, text: str, bindings: dict | None, where: str, max_rows: int) -> tuple:
    from ..answers import queries as q
    q.refuse_service(q.prepare(text, where), where)
    q.ROW_LIMIT = max_rows + 1  # this process runs one query at a time
    res = backend.run(text, bindings, where)
    return ("ok", res.columns, res.rows[:max_rows], len(res.rows) > max_rows)


def _main(conn, spec: WorkerSpec, backend=None) -> None:  # pragma: no cover - runs in the child process
    try:
        backend = backend if backend is not None else _open(spec)
        backend.graph() if spec.kind != "remote" else None
        conn.send(("ready",))
    except BaseException as exc:  # noqa: BLE001 - told to the parent, which answers 503
        conn.send(("error", "start", str(exc) if isinstance(exc, DriversError) else f"{type(exc).__name__}: {exc}"))
        return
    while True:
        try:
            text, bindings, where, max_rows = conn.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            return
        try:
            reply = _run(backend, text, bindings, where, max_rows)
        except UsageError as exc:
            reply = ("error", "usage", str(exc))
        except DriversError as exc:
            reply = ("error", "remote" if type(exc).__name__ == "RemoteError" else "failed", str(exc))
        except RecursionError:
            reply = ("error", "usage", f"{where}: the query is nested too deeply to run")
        except MemoryError:
            reply = ("error", "failed", f"{where}: the query needs more memory than the server has")
        except Exception as exc:  # noqa: BLE001 - a message, never a traceback
            reply = ("error", "failed", f"{where}: the query failed: {type(exc).__name__}: {exc}")
        try:
            conn.send(reply)
        except (OSError, ValueError):
            return



class Worker:
    def __init__(self, spec: WorkerSpec, method: str = "spawn", backend=None):
        ctx = multiprocessing.get_context(method)  # never fork a process that runs threads (the server)
        self.spec = spec
        self.conn, child = ctx.Pipe()
        # ``backend``: one the parent has already built (the rdflib graph), inherited by a forked child as is
        args = (child, spec, backend) if method == "fork" and backend is not None else (child, spec)
        self.proc = ctx.Process(target=_main, args=args, name="drivers-query", daemon=True)
        self.proc.start()
        child.close()
        self.ready = False

    def wait_ready(self, timeout: float) -> None:
        if self.ready:
            return
        if not self.conn.poll(timeout):
            self.kill()
            raise QueryFailed(f"the query worker did not open the store within {timeout:g} s")
        try:
            msg = self.conn.recv()
        except (EOFError, OSError):
            self.kill()
            raise QueryFailed("the query worker stopped while opening the store") from None
        if msg[0] != "ready":
            self.kill()
            raise QueryFailed(f"the query worker cannot open the store: {msg[2]}")
        self.ready = True

    def kill(self) -> None:
        try:
            self.proc.kill()
            self.proc.join(5)
        except (OSError, ValueError, AssertionError):
            pass
        try:
            self.conn.close()
        except OSError:
            pass

    @property
    def alive(self) -> bool:
        return self.proc.is_alive()




def _method() -> str | None:
    """"fork" where the platform has it (Linux: a worker in milliseconds), else "spawn"."""
    if sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods():
        return "fork"
    return "spawn"


def run_limited(spec: WorkerSpec, text: str, bindings: dict | None, where: str, timeout: float,
                max_rows: int = DEFAULT_MAX_ROWS, backend=None) -> Answer:
    """Run one SELECT or ASK query in a worker process, killed past ``timeout`` seconds or on Ctrl-C
    (KeyboardInterrupt is raised again once it is dead). UsageError for a bad query, QueryTimeout past the
    limit, QueryFailed when the worker dies (out of memory)."""
    w = Worker(spec, _method(), backend)
    try:
        w.wait_ready(START_TIMEOUT)
        deadline = time.monotonic() + timeout
        w.conn.send((text, bindings, where, max_rows))
        while not w.conn.poll(min(0.2, max(0.0, deadline - time.monotonic()))):
            if time.monotonic() >= deadline:
                raise QueryTimeout(f"{where}: the query ran longer than {timeout:g} s and was stopped — narrow it "
                                   "(fewer patterns, a LIMIT), or give a longer --timeout")
            if not w.alive:
                break
        try:
            reply = w.conn.recv()
        except (EOFError, OSError):
            raise QueryFailed(f"{where}: the query stopped the process running it (out of memory?) — narrow it "
                              "or add a LIMIT") from None
    finally:
        w.kill()
    return answer_of(reply)


def answer_of(reply: tuple) -> Answer:
    """A worker's reply as the answer, or as the error it reports (the same for every caller)."""
    if reply[0] == "ok":
        return Answer(reply[1], reply[2], reply[3])
    if reply[1] == "usage":
        raise UsageError(reply[2])
    if reply[1] == "remote":
        from .remote import RemoteError
        raise RemoteError(reply[2])
    raise QueryFailed(reply[2])
