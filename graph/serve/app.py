"""The web app behind ``drivers serve``: the explorer page and a read-only JSON API (Starlette).

Every answer is the JSON the command line prints with ``--format json`` for the same input
(:mod:`graph.answers.reply` builds both), from the current :class:`~.live.Snapshot` of the data.
The endpoints, their parameters and their OpenAPI description come from one table,
:data:`ENDPOINTS`, so the three cannot drift apart.

Read-only and careful with what it is sent (see :mod:`.guard`): only GET, HEAD and POST (for
``/api/sparql``), URL and body sizes capped, the ``Host`` checked (a page elsewhere cannot reach a
loopback server through DNS rebinding), CORS off unless origins are named. Errors are JSON
``{"status", "error", "message"}`` with the status that fits (400 a bad parameter, 404 an unknown
id, 502 the SPARQL server failed, 503 the query time limit or no data), never a traceback: an
unexpected error is logged on the server and answered 500 with no detail.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, Callable

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..core.errors import DataError, DriversError, NotFound, UsageError
from . import guard
from .live import Live, Snapshot, Source, Unavailable
from .schedule import Scheduler
from .worker import Limits, QueryFailed, QueryPool, QueryTimeout

log = logging.getLogger("drivers.serve")

MAX_TEXT = 4000  # characters of a pasted phrase (q=)
MAX_QUERY = 64 * 1024  # bytes of a SPARQL query


# -- parameters ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Param:
    name: str
    description: str
    type: str = "string"  # "string" | "integer"
    required: bool = False
    where: str = "query"  # "query" | "path"
    default: Any = None
    minimum: int | None = None
    maximum: int | None = None
    choices: tuple[str, ...] = ()
    max_length: int = 200


@dataclass(frozen=True)
class Endpoint:
    path: str
    name: str
    summary: str
    answer: Callable[[Snapshot, dict, "App"], Any]
    params: tuple[Param, ...] = ()
    cli: str = ""  # the command whose --format json this equals
    methods: tuple[str, ...] = ("GET",)
    extra_params: bool = False  # any other query parameters go to the answer (a named query's own)
    cache: bool = True  # the answer depends only on the snapshot and the parameters


def _arguments(ep: Endpoint, request: Request) -> dict:
    """The endpoint's parameters from the request, checked: UsageError (400) names the parameter."""
    out: dict = {}
    names = {p.name for p in ep.params}
    for key in request.query_params.keys():
        if len(request.query_params.getlist(key)) > 1:
            raise UsageError(f"give the parameter {key!r} once")
        if key not in names and not ep.extra_params:
            known = ", ".join(sorted(names)) or "none"
            raise UsageError(f"unknown parameter {key!r} for {ep.path}; its parameters: {known}")
    for p in ep.params:
        raw = request.path_params.get(p.name) if p.where == "path" else request.query_params.get(p.name)
        if raw is None or (raw == "" and p.where == "query"):
            if p.required:
                raise UsageError(f"the parameter {p.name!r} is required: {p.description}")
            out[p.name] = p.default
            continue
        limit = MAX_TEXT if p.name == "q" else p.max_length
        if len(raw) > limit:
            raise UsageError(f"the parameter {p.name!r} is longer than {limit} characters")
        if p.type == "integer":
            if not re.fullmatch(r"[0-9]{1,9}", raw.strip()):
                raise UsageError(f"the parameter {p.name!r} must be a whole number, not {raw[:40]!r}")
            value = int(raw)
            if (p.minimum is not None and value < p.minimum) or (p.maximum is not None and value > p.maximum):
                raise UsageError(f"the parameter {p.name!r} must be from {p.minimum} to {p.maximum}, not {value}")
            out[p.name] = value
        else:
            if p.choices and raw not in p.choices:
                raise UsageError(f"the parameter {p.name!r} must be one of {', '.join(p.choices)}, not {raw[:40]!r}")
            out[p.name] = raw
    if ep.extra_params:
        out["_extra"] = {k: v for k, v in request.query_params.items() if k not in names}
        for k, v in out["_extra"].items():
            if len(v) > MAX_TEXT:
                raise UsageError(f"the parameter {k!r} is longer than {MAX_TEXT} characters")
    return out


# -- the answers ----------------------------------------------------------------------------------

def _reply():
    from ..answers import reply
    return reply


def _ask(s: Snapshot, a: dict, app: "App"):
    return _reply().ask(s.why_graph(), s.documents(), s.suggest_index, a["q"], a["partnership"], a["top"])


def _search(s: Snapshot, a: dict, app: "App"):
    return _reply().search(s.search_index(), a["q"], a["partnership"], a["top"])


def _node(s: Snapshot, a: dict, app: "App"):
    return _reply().node(s.catalog(), a["key"], a["edition"], s.search_index)


def _why(s: Snapshot, a: dict, app: "App"):
    return _reply().why(s.why_graph(), s.documents(), a["q"], a["partnership"])


def _impact(s: Snapshot, a: dict, app: "App"):
    return _reply().impact(s.why_graph(), s.catalog(), s.documents(), a["key"], a["edition"], a["partnership"],
                           s.search_index)


def _suggest(s: Snapshot, a: dict, app: "App"):
    from ..answers.suggest import parse_types
    types = parse_types([a["types"]] if a["types"] else ())
    return _reply().suggestions(s.suggest_index(), a["q"], a["top"], types, a["partnership"])


def _coverage(s: Snapshot, a: dict, app: "App"):
    return _reply().coverage(s.graph(), a["framework"], a["plan"])


def _queries(s: Snapshot, a: dict, app: "App"):
    return _reply().queries()


def _query(s: Snapshot, a: dict, app: "App"):
    def run(text, bindings, where):
        return app.pool.run(s.spec, text, bindings, where)
    return _rows(_reply().named_query(run, a["name"], a["_extra"]))


def _sparql(s: Snapshot, a: dict, app: "App"):
    return _rows(app.pool.run(s.spec, a["query"], None, "query"))


def _rows(ans) -> Response:
    headers = {"X-Row-Limit": str(len(ans.rows))} if ans.truncated else {}
    if ans.truncated:
        headers["X-Truncated"] = "true"
    return json_response(ans.rows, headers=headers)


def _page_data(s: Snapshot, a: dict, app: "App"):
    return s.page_data()


Q = Param("q", "the text (a phrase pasted from an action, any words) or an id", required=True)
PARTNERSHIP = Param("partnership", "only (or, for search, first) this partnership's records (its id)")
EDITION = Param("edition", "the edition year for driver numbers (default: the newest)", "integer", minimum=1900,
                maximum=2999)

ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint("/api/ask", "ask", "What drives this? An action's chain, the actions to choose from, or suggestions",
             _ask, (Q, PARTNERSHIP, Param("top", "how many suggestions", "integer", default=10, minimum=1,
                                                 maximum=100))),
    Endpoint("/api/search", "search", "Records by id, number, title, alias, acronym or text, best first", _search,
             (Q, PARTNERSHIP, Param("top", "how many records", "integer", default=20, minimum=1, maximum=500)),
             cli="drivers search TEXT"),
    Endpoint("/api/node/{key}", "node", "One record: fields, provenance, editions and links", _node,
             (Param("key", "an id, or a driver's number in the edition", required=True, where="path"), EDITION),
             cli="drivers show ID-or-NUMBER"),
    Endpoint("/api/why", "why", "Every driver above an action, each with its chain of cited links", _why,
             (Q, PARTNERSHIP), cli="drivers why TEXT-or-ID"),
    Endpoint("/api/impact/{key}", "impact", "Every plan, theme and action a driver reaches, with the chains",
             _impact, (Param("key", "a driver's id or number", required=True, where="path"), EDITION, PARTNERSHIP),
             cli="drivers impact ID-or-NUMBER"),
    Endpoint("/api/suggest", "suggest", "Suggested drivers, articles, indicators, foundations (inferred)", _suggest,
             (Param("q", "new action text, or an action id", required=True),
              Param("top", "at most this many of each type (default: 3 drivers, 3 articles, 3 indicators, 2 "
                    "foundations)", "integer", default=None, minimum=1, maximum=100),
              Param("types", "only these candidate types, comma-separated (Driver, UNCRCArticle, "
                    "WellbeingIndicator, PromiseFoundation)"), PARTNERSHIP),
             cli="drivers suggest TEXT-or-ACTION-ID"),
    Endpoint("/api/coverage", "coverage", "Which plans cover which framework items, and the gaps", _coverage,
             (Param("framework", "the framework", default="uncrc", choices=("uncrc", "shanarri", "promise")),
              Param("plan", "one plan (id): rows are the plan and its parts")), cli="drivers coverage"),
    Endpoint("/api/queries", "queries", "The named queries and their parameters", _queries, cli="drivers queries"),
    Endpoint("/api/query/{name}", "query", "Run a named query; its parameters (see /api/queries) as query "
             "parameters, bound, never pasted", _query,
             (Param("name", "the query's name", required=True, where="path"),), cli="drivers query NAME --param K=V",
             extra_params=True, cache=False),
    Endpoint("/api/sparql", "sparql", "An ad hoc SELECT or ASK query (no SERVICE; time and row limits); GET "
             "?query=, or POST a form or application/sparql-query", _sparql,
             (Param("query", "the SPARQL query (GET; a POST sends it in the body)", max_length=MAX_QUERY),),
             cli="drivers sparql QUERY",
             methods=("GET", "POST"), cache=False),
    Endpoint("/api/page", "page", "The explorer page's data (graph.web.page.page_data)", _page_data),
)


# -- responses ------------------------------------------------------------------------------------

_UNSAFE = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029"))


def encode(obj) -> bytes:
    """Compact JSON with ``<``, ``>``, ``&``, U+2028 and U+2029 escaped: text from the data can never
    be read as markup, even by a client that sniffs it as HTML."""
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    for char, escaped in _UNSAFE:
        if char in text:
            text = text.replace(char, escaped)
    return text.encode("utf-8")


def json_response(obj, status: int = 200, headers: dict | None = None, body: bytes | None = None) -> Response:
    return Response(encode(obj) if body is None else body, status_code=status, headers=headers,
                    media_type="application/json")


def error_response(status: int, message: str, headers: dict | None = None) -> Response:
    from http import HTTPStatus

    from ..core.secrets import redact
    return json_response({"status": status, "error": HTTPStatus(status).phrase, "message": redact(message)}, status,
                         headers)


def status_of(exc: Exception) -> int:
    from ..store.local import StoreError
    from ..store.remote import RemoteError
    if getattr(exc, "candidates", None):
        return 300  # several records fit: the answer lists them to choose from
    if isinstance(exc, NotFound) or type(exc).__name__ == "UnknownId":
        return 404
    if isinstance(exc, guard.TooLarge):
        return 413
    if isinstance(exc, (QueryTimeout, QueryFailed, Unavailable, DataError, StoreError)):
        return 503
    if isinstance(exc, RemoteError):
        return 502
    return 400  # UsageError and any other DriversError: the input is wrong


class _Answers:
    """Encoded answers of the current snapshot, the most recently used kept (bounded in count and bytes)."""

    def __init__(self, entries: int = 2048, size: int = 64 * 1024 * 1024):
        import threading
        self._lock = threading.Lock()
        self.entries, self.size = entries, size
        self._data: OrderedDict = OrderedDict()
        self._bytes = 0
        self._version: str | None = None

    def get(self, version: str, key) -> bytes | None:
        with self._lock:
            if version != self._version:
                return None
            body = self._data.get(key)
            if body is not None:
                self._data.move_to_end(key)
            return body

    def put(self, version: str, key, body: bytes) -> None:
        with self._lock:
            if version != self._version:
                self._data.clear()
                self._bytes, self._version = 0, version
            if len(body) > self.size // 8 or key in self._data:
                return
            self._data[key] = body
            self._bytes += len(body)
            while len(self._data) > self.entries or self._bytes > self.size:
                _, old = self._data.popitem(last=False)
                self._bytes -= len(old)


#: endpoints whose answers wait on a query worker process: they run in Starlette's thread pool, not
#: in the scheduler's few threads (which they would hold while they wait)
WAITING = {"query", "sparql"}


@dataclass
class App:
    live: Live
    pool: QueryPool
    cache: _Answers = field(default_factory=_Answers)
    scheduler: Scheduler = field(default_factory=Scheduler)

    def endpoint(self, ep: Endpoint):
        async def handle(request: Request) -> Response:
            try:
                args = _arguments(ep, request)
                if ep.name == "sparql":
                    args["query"] = await _sparql_text(request, args["query"])
                key = (ep.name, tuple(sorted((k, str(v)) for k, v in args.items() if k != "_extra")),
                       tuple(sorted(args.get("_extra", {}).items())))

                def work():
                    snap = self.live.current()
                    body = self.cache.get(snap.version, key) if ep.cache else None
                    if body is not None:
                        return json_response(None, body=body)
                    out = ep.answer(snap, args, self)
                    if isinstance(out, Response):
                        return out
                    body = encode(out)
                    if ep.cache:
                        self.cache.put(snap.version, key, body)
                    return json_response(None, body=body)
                if ep.name in WAITING:
                    return await run_in_threadpool(work)
                return await self.scheduler.run(ep.name, work)
            except DriversError as exc:
                status = status_of(exc)
                if status == 300:  # as the command line's --format json: the candidates to choose from
                    return json_response({"status": 300, "error": "ambiguous", "message": str(exc),
                                          "query": getattr(exc, "query", ""), "candidates": exc.candidates}, 300)
                return error_response(status, str(exc), {"Retry-After": "5"} if status == 503 else None)
            except Exception:  # noqa: BLE001 - logged here, never sent
                log.exception("error answering %s", request.url.path)
                return error_response(500, "the server failed to answer; its log says why")
        return handle

    async def page(self, request: Request) -> Response:
        try:
            text = await self.scheduler.run("page", lambda: self.live.current().page_html())
        except DriversError as exc:
            return error_response(status_of(exc), str(exc))
        return Response(text, media_type="text/html", headers=guard.page_headers(text))

    async def health(self, request: Request) -> Response:
        h = await self.scheduler.run("health", self.live.health)
        return json_response(h, 200 if h["status"] != "unavailable" else 503)

    async def openapi(self, request: Request) -> Response:
        from .openapi import spec
        return json_response(spec(ENDPOINTS))

    async def docs(self, request: Request) -> Response:
        from .openapi import docs_html
        return Response(docs_html(ENDPOINTS), media_type="text/html", headers=guard.DOC_HEADERS)


async def _sparql_text(request: Request, from_url: str | None) -> str:
    """The query of ``/api/sparql``: ``?query=`` (GET), or a POSTed form field or SPARQL body."""
    if request.method != "POST":
        if not from_url:
            raise UsageError("give the query: /api/sparql?query=SELECT ..., or POST it")
        return from_url
    if from_url:
        raise UsageError("POST the query in the body only, not also as ?query=")
    body = await guard.read_body(request, MAX_QUERY)
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "application/sparql-query":
        try:
            return body.decode("utf-8")
        except UnicodeDecodeError:
            raise UsageError("the query is not UTF-8 text") from None
    if kind == "application/x-www-form-urlencoded":
        from urllib.parse import parse_qs
        try:
            form = parse_qs(body.decode("utf-8"), strict_parsing=False, errors="strict")
        except UnicodeDecodeError:
            raise UsageError("the form is not UTF-8 text") from None
        values = form.get("query", [])
        if len(values) != 1:
            raise UsageError("POST one 'query' field (application/x-www-form-urlencoded), or the query itself "
                             "as application/sparql-query")
        return values[0]
    raise UsageError("POST the query as application/sparql-query, or as a form with a 'query' field")


async def _http_error(request: Request, exc: HTTPException) -> Response:
    message = {404: f"no page or endpoint {request.url.path!r}; the API is described at /api",
               405: f"{request.method} is not allowed here; the API is read-only"}.get(exc.status_code, exc.detail)
    return error_response(exc.status_code, message, dict(exc.headers or {}))


def create_app(source: Source | Live, *, limits: Limits = Limits(), cors: tuple[str, ...] = (),
               allowed_hosts: tuple[str, ...] | None = None, check_every: float = 1.0, start: bool = True) -> Starlette:
    """The ASGI app answering from ``source``; with ``start``, its first snapshot is made now (a
    DriversError such as bad data is raised here, before anything listens).

    ``allowed_hosts``: the ``Host`` names accepted (None: any); ``cors``: origins that may read the
    API from their own pages (none: CORS off).
    """
    pool = QueryPool(limits)
    live = source if isinstance(source, Live) else Live(source, check_every, on_change=lambda s: pool.use(s.spec))
    if isinstance(source, Live) and live.on_change is None:
        live.on_change = lambda s: pool.use(s.spec)
    if start:
        live.start()
    app = App(live, pool)
    routes = [Route("/", app.page, methods=["GET"]), Route("/healthz", app.health, methods=["GET"]),
              Route("/api", app.openapi, methods=["GET"]), Route("/api/openapi.json", app.openapi, methods=["GET"]),
              Route("/docs", app.docs, methods=["GET"])]
    routes += [Route(ep.path, app.endpoint(ep), methods=list(ep.methods), name=ep.name) for ep in ENDPOINTS]
    middleware = [Middleware(guard.Guard, allowed_hosts=allowed_hosts, cors=bool(cors))]
    if cors:
        from starlette.middleware.cors import CORSMiddleware
        middleware.append(Middleware(CORSMiddleware, allow_origins=list(cors), allow_methods=["GET", "POST"],
                                     allow_headers=["Content-Type"], max_age=600))

    from contextlib import asynccontextmanager

    @asynccontextmanager
    async def lifespan(_app):
        yield
        pool.close()
        app.scheduler.close()

    star = Starlette(routes=routes, middleware=middleware, lifespan=lifespan,
                     exception_handlers={HTTPException: _http_error})
    star.state.drivers = app
    return star


class _Redacting(logging.Formatter):
    """Log lines (tracebacks included) with every credential redacted."""

    def format(self, record: logging.LogRecord) -> str:
        from ..core.secrets import redact
        return redact(super().format(record))


def _stderr_logging() -> None:
    if not log.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(_Redacting("%(levelname)s: %(message)s"))
        log.addHandler(handler)
