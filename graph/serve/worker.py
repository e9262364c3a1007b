"""SPARQL for the server with a time limit and a row limit: queries run in worker processes.

Neither rdflib nor Oxigraph can stop a query half way (a cartesian product runs until it is done,
and Oxigraph holds the interpreter while it works), so ``/api/sparql`` and ``/api/query/{name}``
send the query to a worker process that has the same store open, and wait at most
``timeout`` seconds: past that the worker is killed (its query with it), the answer is 503, and a
new worker is started for the next query. A worker that dies (out of memory) gives 503 likewise.

* Each worker opens the store as the command line does (:class:`~.live.WorkerSpec`): the Oxigraph
  cache folder read-only, the rdflib graph built from the data folder, or the SPARQL server.
* Only SELECT and ASK (as ``drivers sparql``), never ``SERVICE`` or ``FROM``: a query cannot make
  this machine fetch from anywhere (against ``--endpoint``, not the SPARQL server either).
* At most ``max_rows`` rows come back; the answer then says it was cut (``truncated``).
* At most ``size`` workers run at once; a query that finds them all busy waits for one within
  its time limit.
"""

from __future__ import annotations

import multiprocessing
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import DriversError, UsageError
from .live import WorkerSpec

DEFAULT_TIMEOUT = 10.0
DEFAULT_MAX_ROWS = 10_000
START_TIMEOUT = 300.0  # opening the store in a new worker (building the rdflib graph at scale takes a while)


class QueryTimeout(DriversError):
    """A query ran past the server's time limit (HTTP 503)."""


class QueryFailed(DriversError):
    """The worker running a query died or could not start (HTTP 503)."""


@dataclass(frozen=True)
class Limits:
    timeout: float = DEFAULT_TIMEOUT
    max_rows: int = DEFAULT_MAX_ROWS
    workers: int = 2


@dataclass
class Answer:
    columns: list[str]
    rows: list[dict]
    truncated: bool = False


def refuse_service(query, where: str = "query") -> None:
    """UsageError when a prepared query has a ``SERVICE`` clause anywhere in it, or ``FROM`` /
    ``FROM NAMED`` (rdflib would fetch such a graph from the web, or read it from a file)."""
    from rdflib.plugins.sparql.parserutils import CompValue
    if query.algebra.get("datasetClause"):
        raise UsageError(f"{where}: FROM and FROM NAMED are not allowed: the query already sees the whole graph, "
                         "and they would make the server load a graph from elsewhere")
    stack = [query.algebra]
    while stack:
        node = stack.pop()
        if isinstance(node, CompValue):
            if node.name == "ServiceGraphPattern":
                raise UsageError(f"{where}: SERVICE is not allowed: a query here answers from this graph only "
                                 "and never makes the server fetch from elsewhere")
            stack.extend(node.values())
        elif isinstance(node, (list, tuple)):
            stack.extend(node)


# -- in the worker process ------------------------------------------------------------------------

def _open(spec: WorkerSpec):
    if spec.kind == "oxigraph":
        from ..store.local import OxigraphBackend
        return OxigraphBackend(Path(spec.where))
    if spec.kind == "rdflib":
        from ..core.pipeline import build_graph
        from ..store.local import MemoryBackend
        built = build_graph(Path(spec.where), spec.base, check=False)
        return MemoryBackend(lambda: built)
    from ..store.remote import RemoteBackend
    return RemoteBackend(spec.where, spec.base)


def _run(backend, text: str, bindings: dict | None, where: str, max_rows: int) -> tuple:
    from ..answers import queries as q
    refuse_service(q.prepare(text, where), where)
    res = backend.run(text, bindings, where)
    return ("ok", res.columns, res.rows[:max_rows], len(res.rows) > max_rows)


def _main(conn, spec: WorkerSpec) -> None:  # pragma: no cover - runs in the child process
    try:
        backend = _open(spec)
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


# -- in the server ----------------------------------------------------------------------------------

class _Worker:
    def __init__(self, spec: WorkerSpec):
        ctx = multiprocessing.get_context("spawn")  # never fork a process that runs threads
        self.spec = spec
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_main, args=(child, spec), name="drivers-query", daemon=True)
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


class QueryPool:
    """Worker processes for one store at a time (the current snapshot's), each running one query."""

    def __init__(self, limits: Limits = Limits()):
        self.limits = limits
        self._idle: list[_Worker] = []
        self._busy = 0
        self._spec: WorkerSpec | None = None
        self._lock = threading.Condition()
        self._closed = False

    def use(self, spec: WorkerSpec, prestart: bool = True) -> None:
        """Answer from ``spec`` from now on: idle workers of another store stop; one new worker starts
        (in the background) so the first query does not wait for it."""
        with self._lock:
            if spec == self._spec:
                return
            self._spec = spec
            old, self._idle = self._idle, []
        for w in old:
            w.kill()
        if prestart:
            threading.Thread(target=self._prestart, args=(spec,), name="drivers-query-start", daemon=True).start()

    def _prestart(self, spec: WorkerSpec) -> None:
        with self._lock:
            if self._closed or self._busy + len(self._idle) >= self.limits.workers:
                return
            self._busy += 1
        w = None
        try:
            w = _Worker(spec)
            w.wait_ready(START_TIMEOUT)
        except DriversError:
            w = None
        finally:
            self._release(w)

    def _take(self, spec: WorkerSpec, deadline: float) -> _Worker | None:
        """An idle worker for ``spec`` (None: the caller starts one); waits while all are busy."""
        with self._lock:
            while True:
                if self._closed:
                    raise QueryFailed("the server is stopping")
                for w in list(self._idle):
                    self._idle.remove(w)
                    if w.spec == spec and w.alive:
                        self._busy += 1
                        return w
                    w.kill()
                if self._busy < self.limits.workers:
                    self._busy += 1
                    return None
                left = deadline - time.monotonic()
                if left <= 0:
                    raise QueryTimeout(f"every query worker stayed busy for {self.limits.timeout:g} s (the server's "
                                       "time limit); try again shortly")
                self._lock.wait(left)

    def _release(self, w: _Worker | None) -> None:
        with self._lock:
            self._busy -= 1
            if w is not None and w.alive and w.spec == self._spec and not self._closed:
                self._idle.append(w)
            elif w is not None:
                w.kill()
            self._lock.notify()

    def run(self, spec: WorkerSpec, text: str, bindings: dict | None = None, where: str = "query") -> Answer:
        """Run a SELECT or ASK query on ``spec``'s store within the limits; UsageError for a bad query,
        QueryTimeout past the time limit, QueryFailed when the worker dies."""
        limit = self.limits.timeout
        deadline = time.monotonic() + limit
        w = self._take(spec, deadline)
        keep = None
        try:
            if w is None:
                w = _Worker(spec)
                w.wait_ready(START_TIMEOUT)
                deadline = time.monotonic() + limit  # the limit is for the query, not for opening the store
            try:
                w.conn.send((text, bindings, where, self.limits.max_rows))
            except (OSError, ValueError):
                raise QueryFailed("the query worker stopped; try again") from None
            if not w.conn.poll(max(0.0, deadline - time.monotonic())):
                raise QueryTimeout(f"{where}: the query ran longer than {limit:g} s, the server's time limit, and was "
                                   "stopped; narrow it (fewer patterns, a LIMIT) or ask the server's operator to "
                                   "raise --query-timeout")
            try:
                reply = w.conn.recv()
            except (EOFError, OSError):
                raise QueryFailed(f"{where}: the query stopped the worker running it (out of memory?); "
                                  "narrow it or add a LIMIT") from None
            keep = w
        finally:
            self._release(keep)
            if keep is None and w is not None:
                w.kill()
        if reply[0] == "ok":
            return Answer(reply[1], reply[2], reply[3])
        if reply[1] == "usage":
            raise UsageError(reply[2])
        if reply[1] == "remote":
            from ..store.remote import RemoteError
            raise RemoteError(reply[2])
        raise QueryFailed(reply[2])

    def close(self) -> None:
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
            self._lock.notify_all()
        for w in idle:
            w.kill()
