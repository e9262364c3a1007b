"""Quick answers first: the server's answers are computed by a few threads in order of arrival plus
a slack per endpoint, so a `why` (about a millisecond) never waits behind a queue of heavier ones.

Python runs one thread at a time, so more threads would not answer faster: they would share the
processor and make every answer as slow as the slowest. Here each answer runs to its end, and
the next one is the waiting answer whose *arrival + slack* is smallest (the slack: 0 for `why`,
`ask`, `search`; 20 ms for `suggest` and `node`; 50 ms for `impact`; 200 ms for the heavy ones).
So a quick question overtakes heavier ones that arrived less than their slack before it, and none
waits more than its slack longer than it would in plain arrival order. Queries that wait on a
worker process (``/api/sparql``, ``/api/query``) do not run here (see :mod:`.worker`).
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import threading
import time
from typing import Any, Callable

#: seconds an answer of each endpoint may be overtaken by quicker ones (absent: :data:`DEFAULT_SLACK`)
SLACK = {"why": 0.0, "ask": 0.0, "search": 0.0, "health": 0.0, "queries": 0.0, "suggest": 0.02, "node": 0.02,
         "impact": 0.05, "coverage": 0.2, "page": 0.2}
DEFAULT_SLACK = 0.2


class Scheduler:
    """A priority queue of answers and ``threads`` threads that compute them."""

    def __init__(self, threads: int = 2):
        self.threads = threads
        self._heap: list = []
        self._seq = itertools.count()
        self._cond = threading.Condition()
        self._started = False
        self._closed = False

    def _start(self) -> None:
        for i in range(self.threads):
            threading.Thread(target=self._work, name=f"drivers-answer-{i}", daemon=True).start()
        self._started = True

    async def run(self, name: str, fn: Callable[[], Any]) -> Any:
        """``fn()`` computed in turn (see the module's doc); its result or its exception."""
        loop = asyncio.get_running_loop()
        fut = loop.create_future()
        key = time.monotonic() + SLACK.get(name, DEFAULT_SLACK)
        with self._cond:
            if not self._started:
                self._start()
            heapq.heappush(self._heap, (key, next(self._seq), fn, fut, loop))
            self._cond.notify()
        return await fut

    def _work(self) -> None:
        while True:
            with self._cond:
                while not self._heap and not self._closed:
                    self._cond.wait()
                if self._closed:
                    return
                _, _, fn, fut, loop = heapq.heappop(self._heap)
            if fut.cancelled():  # the client went away while it waited
                continue
            try:
                result, error = fn(), None
            except BaseException as exc:  # noqa: BLE001 - handed to the request, which answers it
                result, error = None, exc
            try:
                loop.call_soon_threadsafe(_settle, fut, result, error)
            except RuntimeError:  # the loop has closed (the server is stopping)
                return

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()


def _settle(fut: asyncio.Future, result: Any, error: BaseException | None) -> None:
    if fut.cancelled():
        return
    if error is not None:
        fut.set_exception(error)
    else:
        fut.set_result(result)
