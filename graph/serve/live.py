"""What the server answers from: a :class:`Source` (the data folder and store, or a SPARQL server)
and the :class:`Snapshot` of it that is current, swapped for a new one when the data changes.

* Local data (``--store oxigraph`` or ``rdflib``): the fingerprint of the data files (the same one
  that names the Oxigraph cache) is checked at most every ``check_every`` seconds, by the request
  that comes then (a few milliseconds on the bundled data); when it changed, a new snapshot is made
  in a background thread while requests go on being answered from the old one, and replaces it
  when complete. The cached Oxigraph store is reused as the command line uses it.
* A SPARQL server (``--endpoint``): the union graph is fetched again every ``refresh`` seconds
  (the server itself gives no cheap way to tell that it changed), in the background likewise.

A snapshot that cannot be made (the data was left half-edited, the server is down) leaves the old
one in place; ``/healthz`` reports the problem, and it is tried again when the data changes again
(or, for a SPARQL server, at the next refresh). Without any snapshot, answers are 503 with the
message saying what to fix.

Everything a snapshot derives (the ``why`` graph, the catalog, the search and suggestion indexes,
the page) is made once, on first use, under a lock, so concurrent first requests wait for one
computation rather than each doing it.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from ..core.errors import DriversError
from ..store.worker import WorkerSpec


@dataclass(frozen=True)
class Source:
    """Where answers come from: a data folder with a store, or a SPARQL endpoint (with ``data_dir``
    still giving the records ``suggest`` reads, as ``drivers --endpoint URL suggest`` does)."""

    data_dir: Path
    base: str
    store: str = "oxigraph"
    endpoint: str | None = None
    refresh: float = 300.0  # seconds between fetches of an endpoint's graph

    @property
    def label(self) -> str:
        from ..store.remote import safe_url
        return f"endpoint {safe_url(self.endpoint)}" if self.endpoint else f"{self.store} store of {self.data_dir}"

    def version(self) -> str:
        """Changes exactly when the answers may have changed."""
        if self.endpoint:
            return f"fetch-{int(time.monotonic() // self.refresh)}"
        from ..store.local import fingerprint
        return fingerprint(self.data_dir, self.base)

    def open(self) -> tuple[Any, WorkerSpec]:
        """(a backend for this source's current data, how a query worker process opens the same)."""
        if self.endpoint:
            from ..store.remote import RemoteBackend
            be = RemoteBackend(self.endpoint, self.base)
            be.store  # fetch now, in the background thread, not in the first request
            return be, WorkerSpec("remote", self.endpoint, self.base)
        if self.store == "rdflib":
            from ..core.pipeline import build_graph
            from ..store.local import MemoryBackend
            built = build_graph(self.data_dir, self.base, check=False)
            return MemoryBackend(lambda: built), WorkerSpec("rdflib", str(self.data_dir), self.base)
        from ..store.local import OxigraphBackend, ensure_cache
        folder = ensure_cache(self.data_dir, self.base, open_store=True)  # the query workers open it too
        return (OxigraphBackend(folder, heal=lambda reason: ensure_cache(self.data_dir, self.base, damaged=reason)),
                WorkerSpec("oxigraph", str(folder), self.base))

    def records(self, backend: Any):
        """The loaded records (``suggest`` indexes them), from the backend when it holds them."""
        get = getattr(backend, "_get", None)
        if get is not None:
            return get().data
        from ..core.loader import load
        return load(self.data_dir)


class _Lazy:
    """Values made once on first use, each under its own lock."""

    def __init__(self):
        self._values: dict[str, Any] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def get(self, key: str, make: Callable[[], Any]) -> Any:
        try:
            return self._values[key]
        except KeyError:
            pass
        with self._guard:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            if key not in self._values:
                self._values[key] = make()
            return self._values[key]


@dataclass
class Snapshot:
    """One state of the data and everything the answers need from it."""

    source: Source
    version: str
    backend: Any
    spec: WorkerSpec
    made: float = field(default_factory=time.time)
    _lazy: _Lazy = field(default_factory=_Lazy, repr=False)

    def why_graph(self):
        return self._lazy.get("why_graph", self.backend.why_graph)

    def nx(self):
        return self._lazy.get("nx", self.backend.nx)

    def graph(self):
        return self._lazy.get("graph", self.backend.graph)

    def documents(self) -> dict[str, str]:
        return self._lazy.get("documents", self.backend.documents)

    def catalog(self):
        from ..answers.catalog import Catalog
        return self._lazy.get("catalog", lambda: Catalog(self.graph()))

    def search_index(self):
        from ..answers.search import SearchIndex
        return self._lazy.get("search", lambda: SearchIndex(self.nx(), self.graph()))

    def suggest_index(self):
        def make():
            from ..answers.suggest import Index
            return Index.build(self.source.records(self.backend), self.nx())
        return self._lazy.get("suggest", make)

    def page_data(self) -> dict:
        def make():
            from ..web.page import page_data
            return page_data(self.nx(), self.graph())
        return self._lazy.get("page_data", make)

    def page_html(self) -> str:
        """The explorer page without its data: it fetches ``api/page`` (a path relative to the page, so
        it works behind a proxy under a sub-path too) and asks ``api/ask``."""
        def make():
            from ..web.page import html
            return html(None, api="api/")
        return self._lazy.get("page_html", make)

    def cached(self, key: str, make: Callable[[], Any]) -> Any:
        """Anything else derived from this snapshot (encoded responses), made once."""
        return self._lazy.get("x:" + key, make)

    def warm(self, page: bool = True) -> None:
        """Make the derived values now (in the background thread), so no request waits for them."""
        for make in (self.why_graph, self.documents, self.catalog, self.search_index, self.suggest_index):
            make()
        if page:
            self.page_data()


class Unavailable(DriversError):
    """No snapshot of the data could be made: the message says why (HTTP 503)."""


class Live:
    """The current snapshot of a source, replaced in the background when the source changes."""

    def __init__(self, source: Source, check_every: float = 1.0, warm: bool = True,
                 on_change: Callable[[Snapshot], None] | None = None):
        self.source = source
        self.check_every = check_every
        self.warm = warm
        self.on_change = on_change
        self._snap: Snapshot | None = None
        self._checked = 0.0
        self._failed: tuple[str, str] | None = None  # (version, message) of the last failed attempt
        self._building: str | None = None
        self._lock = threading.Lock()
        self._done = threading.Condition(self._lock)

    # -- making snapshots -------------------------------------------------------------------------
    def _open(self, version: str, page: bool = True) -> Snapshot:
        backend, spec = self.source.open()
        snap = Snapshot(self.source, version, backend, spec)
        if self.warm:
            snap.warm(page)
        return snap

    def _install(self, snap: Snapshot) -> None:
        with self._lock:
            self._snap, self._failed, self._building = snap, None, None
            self._done.notify_all()
        if self.on_change is not None:
            self.on_change(snap)

    def _make(self, version: str) -> None:
        """Make the snapshot for ``version`` (in a background thread) and make it current."""
        try:
            snap = self._open(version)
        except Exception as exc:  # noqa: BLE001 - reported by /healthz and 503s, never a traceback
            message = str(exc) if isinstance(exc, DriversError) else f"{type(exc).__name__}: {exc}"
            with self._lock:
                self._failed, self._building = (version, message), None
                self._done.notify_all()
            return
        self._install(snap)

    def start(self) -> Snapshot:
        """Make the first snapshot now; a DriversError (bad data, unreachable server) is raised."""
        snap = self._open(self.source.version(), page=False)
        self._checked = time.monotonic()
        self._install(snap)
        if self.warm:  # the page's data (the largest part) is made while the API already answers
            threading.Thread(target=self._quietly, args=(snap.page_data,), name="drivers-page", daemon=True).start()
        return snap

    @staticmethod
    def _quietly(make: Callable[[], Any]) -> None:
        try:
            make()
        except Exception:  # noqa: BLE001 - the request for the page reports it
            pass

    def _version(self) -> str | None:
        try:
            return self.source.version()
        except Exception as exc:  # noqa: BLE001 - e.g. the data folder was removed
            with self._lock:
                self._failed = ("?", f"cannot read the data: {exc}")
            return None

    def check(self) -> None:
        """At most every ``check_every`` s: when the source changed, start making its snapshot in the background."""
        now = time.monotonic()
        if now - self._checked < self.check_every:
            return
        self._checked = now
        version = self._version()
        with self._lock:
            stale = (version is not None and (self._snap is None or version != self._snap.version)
                     and self._building != version and (self._failed or ("", ""))[0] != version)
            if stale:
                self._building = version
        if stale:
            threading.Thread(target=self._make, args=(version,), name="drivers-snapshot", daemon=True).start()

    def current(self, wait: float = 120.0) -> Snapshot:
        """The snapshot to answer from now. Checks the source at most every ``check_every`` s; a change
        starts a new snapshot in the background (the old one answers meanwhile). Only when there is
        no snapshot at all does this wait (up to ``wait`` s) for one."""
        self.check()
        snap = self._snap
        if snap is not None:
            return snap
        deadline = time.monotonic() + wait
        with self._lock:
            while self._snap is None and self._building is not None and time.monotonic() < deadline:
                self._done.wait(timeout=max(0.0, deadline - time.monotonic()))
            if self._snap is not None:
                return self._snap
            problem = self._failed[1] if self._failed else "the data is still being loaded"
        raise Unavailable(f"no answers yet from the {self.source.label}: {problem}")

    def health(self) -> dict:
        self.check()
        with self._lock:
            snap, failed, building = self._snap, self._failed, self._building
        out: dict = {"status": "ok" if snap is not None and failed is None else
                     "stale" if snap is not None else "unavailable",
                     "source": self.source.label, "store": "remote" if self.source.endpoint else self.source.store}
        if snap is not None:
            out["version"] = snap.version
        if building is not None:
            out["updating"] = True
        if failed is not None:
            from ..core.secrets import redact
            out["problem"] = redact(failed[1])
        return out
