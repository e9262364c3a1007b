"""SPARQL for the server with a time limit and a row limit: queries run in worker processes.

Neither rdflib nor Oxigraph can stop a query half way (a cartesian product runs until it is done,
and Oxigraph holds the interpreter while it works), so ``/api/sparql`` and ``/api/query/{name}``
send the query to a worker process that has the same store open, and wait at most
``timeout`` seconds: past that the worker is killed (its query with it), the answer is 503, and a
new worker is started for the next query. A worker that dies (out of memory) gives 503 likewise.

* Each worker opens the store as the command line does (:class:`graph.store.worker.WorkerSpec`, the same worker the command line uses): the Oxigraph
  cache folder read-only, the rdflib graph built from the data folder, or the SPARQL server.
* Only SELECT and ASK (as ``drivers sparql``), never ``SERVICE`` or ``FROM``: a query cannot make
  this machine fetch from anywhere (against ``--endpoint``, not the SPARQL server either).
* At most ``max_rows`` rows come back; the answer then says it was cut (``truncated``).
* At most ``size`` workers run at once; a query that finds them all busy waits for one within
  its time limit.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from ..answers.queries import refuse_service  # noqa: F401 - re-exported: the server's check is the CLI's
from ..core.errors import DriversError
from ..store.worker import START_TIMEOUT, Answer, QueryFailed, QueryTimeout, WorkerSpec, answer_of
from ..store.worker import Worker as _Worker

DEFAULT_TIMEOUT = 10.0
DEFAULT_MAX_ROWS = 10_000


@dataclass(frozen=True)
class Limits:
    timeout: float = DEFAULT_TIMEOUT
    max_rows: int = DEFAULT_MAX_ROWS
    workers: int = 2


# -- in the server ----------------------------------------------------------------------------------

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
        return answer_of(reply)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
            self._lock.notify_all()
        for w in idle:
            w.kill()
