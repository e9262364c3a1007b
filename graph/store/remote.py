"""A shared SPARQL 1.1 server: push the graph to it, and answer the read commands from it.

* :func:`push` loads the graph with the SPARQL 1.1 Graph Store Protocol: one named graph per
  source document (each is one partnership's document of one edition or year, e.g.
  ``<base>graph/src-nl-drivers-2023``), each replaced with ``PUT``. Graphs under ``<base>graph/``
  that the data no longer has are deleted. It first asks the server whether its default graph is
  the union of its named graphs (``oxigraph serve --union-default-graph``): a probe triple in a
  probe graph, asked for without naming a graph.
  - Not (the usual case): ``<base>graph/union``, the union of them all, is pushed too, and the read
    commands name it as the default graph, so that a triple stated in two documents counts once
    (as locally).
  - A union-default-graph server: no union graph (it would make every triple count twice there;
    an earlier one is deleted), and each triple is in one named graph only (the first, in name
    order, that states it: such a server counts a triple once per graph holding it). The read
    commands send no ``default-graph-uri``.
  What a push left (the union graph, or not) is how the read commands know the mode
  (:func:`read_mode`, one query on first use).
* :class:`RemoteBackend` answers ``query`` / ``sparql`` on the server (the ``.rq`` text unchanged,
  parameters substituted as RDF terms, over the default graph above), and the other read
  commands (``list``, ``show``, ``why``, ``coverage`` ...) from one ``CONSTRUCT`` of that graph
  into an in-memory Oxigraph store, through the same code as the local store: same answers.

Only the standard library talks HTTP (urllib): TLS certificates are verified, every request has
a timeout (``DRIVERS_ENDPOINT_TIMEOUT`` seconds, default 60), redirects are refused (they would
carry the credentials elsewhere). Credentials come only from the environment:
``DRIVERS_ENDPOINT_TOKEN`` (a bearer token) or ``DRIVERS_ENDPOINT_USER`` and
``DRIVERS_ENDPOINT_PASSWORD`` (HTTP Basic); a URL with a user or password in it is refused, and
URLs in messages are shown without their query string. Nothing touches the network unless the
user names an endpoint.
"""

from __future__ import annotations

import base64
import json
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import TYPE_CHECKING

from ..core.errors import DriversError, UsageError
from ..core.secrets import PASSWORD_ENV, TOKEN_ENV, USER_ENV, cut, header_value, redact
from ..core.settings import env_number, env_seconds
from .local import StoreBackend, build_sink, ntriples, substituted_query, view_from_store

if TYPE_CHECKING:
    from ..answers.queries import Result

TIMEOUT_ENV = "DRIVERS_ENDPOINT_TIMEOUT"
UNION = "graph/union"
PROBE = "graph/_push-probe"  # not a source id (those are [a-z0-9-])


class RemoteError(DriversError):
    """The server cannot be reached or refused a request (exit 2)."""


def safe_url(url: str) -> str:
    """The URL as shown in messages: no user, password, query string or fragment."""
    from ..core.text import terminal_safe
    try:
        p = urllib.parse.urlsplit(url)
        host = p.hostname or ""
        if p.port:
            host = f"{host}:{p.port}"
        shown = urllib.parse.urlunsplit((p.scheme, host, p.path, "", ""))
    except ValueError:
        shown = url.split("?", 1)[0].split("#", 1)[0].rsplit("@", 1)[-1]
    return terminal_safe(redact(shown))


def check_url(url: str, what: str = "--endpoint") -> str:
    try:
        p = urllib.parse.urlsplit(url)
        p.port  # noqa: B018 - raises ValueError when out of range
    except ValueError as exc:
        raise UsageError(f"{what} {safe_url(url)!r} is not a valid URL ({exc}) — give one like "
                         "http://127.0.0.1:7878/query") from None
    if any(c.isspace() or ord(c) < 0x20 or ord(c) == 0x7F for c in url):
        raise UsageError(f"{what} {safe_url(url)!r} contains a space or control character — write a space as %20")
    if p.scheme not in ("http", "https") or not p.hostname:
        raise UsageError(f"{what} must be an http:// or https:// URL, not {safe_url(url)!r}")
    if p.username or p.password:
        raise UsageError(f"{what} {safe_url(url)} has credentials in it; put them in {USER_ENV} and "
                         f"{PASSWORD_ENV} (or {TOKEN_ENV}) instead, never on the command line")
    return url


def graph_store_url(endpoint: str) -> str:
    """Oxigraph's layout: ``.../query`` answers queries, ``.../store`` is the graph store."""
    if endpoint.rstrip("/").endswith("/query"):
        return endpoint.rstrip("/")[: -len("query")] + "store"
    raise UsageError(f"cannot tell the Graph Store Protocol URL of {safe_url(endpoint)}; pass --graph-store URL "
                     "(Fuseki: http://HOST:3030/DATASET/data; GraphDB: "
                     "http://HOST:7200/repositories/REPO/rdf-graphs/service)")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        raise urllib.error.HTTPError(req.full_url, code, f"redirected to {safe_url(newurl)} (not followed: "
                                     "pass that URL instead)", headers, fp)


MAX_MB_ENV = "DRIVERS_ENDPOINT_MAX_MB"
DEFAULT_MAX_MB = 1024  # an answer larger than this is refused (the union graph of 256 partnerships is ~400 MB)
ERROR_BODY = 64 * 1024  # bytes of an error body read (redacted whole, then cut to a line)


class _Deadline:
    """One request's total time limit: past it, every socket the request opened is shut down, so a
    server that sends a byte every few seconds cannot keep a read going (a socket timeout alone
    is per read)."""

    def __init__(self, seconds: float):
        import threading
        self.seconds = seconds
        self.end = time.monotonic() + seconds
        self.expired = False
        self._socks: list = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def left(self) -> float:
        return max(0.001, self.end - time.monotonic())

    def register(self, sock):
        with self._lock:
            self._socks.append(sock)
            if self.expired:
                self._shut(sock)
        return sock

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._socks:
                self._shut(sock)

    @staticmethod
    def _shut(sock) -> None:
        import socket
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def cancel(self) -> None:
        self._timer.cancel()


def _connection(base, deadline: _Deadline):
    class Conn(base):  # type: ignore[misc, valid-type]
        def __init__(self, *args, **kwargs):
            kwargs["timeout"] = deadline.left()
            super().__init__(*args, **kwargs)
            create = self._create_connection
            self._create_connection = lambda *a, **k: deadline.register(create(*a, **k))
    return Conn


def _opener(deadline: _Deadline):
    import http.client
    import ssl

    class HTTP(urllib.request.HTTPHandler):
        def http_open(self, req):
            return self.do_open(_connection(http.client.HTTPConnection, deadline), req)

    class HTTPS(urllib.request.HTTPSHandler):
        def __init__(self):
            super().__init__(context=ssl.create_default_context())

        def https_open(self, req):
            return self.do_open(_connection(http.client.HTTPSConnection, deadline), req, context=self._context)

    return urllib.request.build_opener(_NoRedirect, HTTP, HTTPS)


def _auth() -> dict[str, str]:
    token = os.environ.get(TOKEN_ENV)
    if token:
        header_value(TOKEN_ENV, token)
        if token != token.strip() or any(c.isspace() for c in token) or not token.isascii():
            raise UsageError(f"{TOKEN_ENV} has spaces or non-ASCII characters in it; a bearer token is one word of "
                             "letters, digits and -._~+/= — check that it was copied whole, without extra text")
        return {"Authorization": f"Bearer {token}"}
    user, password = os.environ.get(USER_ENV), os.environ.get(PASSWORD_ENV)
    if user is not None or password is not None:
        header_value(USER_ENV, user or "")
        header_value(PASSWORD_ENV, password or "")
        if ":" in (user or ""):
            raise UsageError(f"{USER_ENV} contains ':', which HTTP Basic cannot send in a user name — check it")
        pair = f"{user or ''}:{password or ''}".encode("utf-8")
        return {"Authorization": "Basic " + base64.b64encode(pair).decode("ascii")}
    return {}


def _timeout() -> float:
    return env_seconds(TIMEOUT_ENV, 60.0)


def _max_bytes() -> int:
    return int(env_number(MAX_MB_ENV, DEFAULT_MAX_MB, minimum=1, maximum=1_000_000) * 1024 * 1024)


def _read(resp, limit: int, deadline: _Deadline, url: str) -> bytes:
    length = resp.headers.get("Content-Length")
    if length and length.strip().isdigit() and int(length) > limit:
        raise RemoteError(f"the SPARQL server at {safe_url(url)} sent an answer of {int(length) / 1e6:.0f} MB, more than "
                          f"{MAX_MB_ENV} allows ({limit / 1024 / 1024:g} MB) — narrow the query, or raise {MAX_MB_ENV}")
    chunks, size = [], 0
    while True:
        chunk = resp.read(min(1 << 16, limit + 1 - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            raise RemoteError(f"the SPARQL server at {safe_url(url)} sent more than {limit / 1024 / 1024:g} MB "
                              f"({MAX_MB_ENV}) — narrow the query, or raise {MAX_MB_ENV}")
    if deadline.expired:  # the socket was shut down: what was read is not the whole answer
        raise TimeoutError
    return b"".join(chunks)


def request(method: str, url: str, body: bytes | None = None, headers: dict[str, str] | None = None) -> bytes:
    """One HTTP request with credentials, a total deadline, a size cap and clear errors (credentials
    never in a message: every message goes through :func:`graph.core.secrets.redact`)."""
    try:
        return _request(method, url, body, headers)
    except RemoteError as exc:
        raise RemoteError(redact(str(exc))) from None


def _request(method: str, url: str, body: bytes | None, headers: dict[str, str] | None) -> bytes:
    seconds = _timeout()
    limit = _max_bytes()
    auth = _auth()
    req = urllib.request.Request(url, data=body, method=method, headers={**(headers or {}), **auth})
    deadline = _Deadline(seconds)
    late = (f"no complete answer from the SPARQL server at {safe_url(url)} within {seconds:g} s — check the URL, "
            f"or raise {TIMEOUT_ENV} (now {seconds:g} s)")
    try:
        with _opener(deadline).open(req, timeout=deadline.left()) as resp:
            return _read(resp, limit, deadline, url)
    except urllib.error.HTTPError as exc:
        detail = ""
        try:
            raw = exc.read(ERROR_BODY).decode("utf-8", "replace") if exc.fp is not None else ""
            detail = cut(" ".join(redact(raw).split()), 300)
        except Exception:  # noqa: BLE001 - the body is only a hint
            detail = ""
        hint = ""
        if exc.code in (401, 403):
            hint = f" — set {TOKEN_ENV}, or {USER_ENV} and {PASSWORD_ENV}, to credentials the server accepts"
        reason = cut(" ".join(redact(str(exc.reason)).split()), 200)
        raise RemoteError(f"the SPARQL server at {safe_url(url)} answered {method} with HTTP {exc.code} "
                          f"{reason}{': ' + detail if detail else ''}{hint}") from None
    except RemoteError:
        raise
    except urllib.error.URLError as exc:
        if deadline.expired:
            raise RemoteError(late) from None
        raise RemoteError(f"cannot reach the SPARQL server at {safe_url(url)}: {exc.reason} — check the URL "
                          "and that the server is running") from None
    except (TimeoutError, OSError, http_client().HTTPException) as exc:
        if deadline.expired or isinstance(exc, TimeoutError):
            raise RemoteError(late) from None
        raise RemoteError(f"the SPARQL server at {safe_url(url)} broke off its answer ({type(exc).__name__}: "
                          f"{exc}) — check the URL and the server's log") from None
    except ValueError as exc:  # http.client's own checks of what it was given
        raise RemoteError(f"cannot send the request to {safe_url(url)}: {exc}") from None
    finally:
        deadline.cancel()


def http_client():
    import http.client
    return http.client


def _with_params(url: str, **params: str) -> str:
    sep = "&" if urllib.parse.urlsplit(url).query else "?"
    return url + sep + urllib.parse.urlencode(params)


# -- push ----------------------------------------------------------------------------------------

def union_default_graph(endpoint: str, gsp: str, base: str) -> bool:
    """Whether the server answers a query that names no graph from the union of its named graphs
    (``oxigraph serve --union-default-graph``, Fuseki's ``tdb2:unionDefaultGraph``): one triple with a
    new random value is PUT in the probe graph ``<base>graph/_push-probe``, asked for without a
    ``default-graph-uri``, and the probe graph deleted again."""
    import uuid

    from rdflib import Literal, URIRef
    probe = URIRef(base + PROBE)
    triple = f"{probe.n3()} {URIRef(probe + '#value').n3()} {Literal(uuid.uuid4().hex).n3()}"
    _put(gsp, str(probe), triple + " .\n")
    try:
        seen = _select(endpoint, "ASK { " + triple + " }", None)
    finally:
        request("DELETE", _with_params(gsp, graph=str(probe)))
    if "boolean" not in seen:
        raise RemoteError(f"the SPARQL server at {safe_url(endpoint)} did not answer an ASK query with a boolean; "
                          "is --endpoint its query URL?")
    return seen["boolean"]


def disjoint(graphs: dict) -> tuple[dict, int]:
    """The named graphs (name -> triples) with each triple only in the first graph, in name order, that
    states it, and how many were left out of a later one. For a server whose default graph is the
    union of its named graphs: Oxigraph's counts a triple once per graph that holds it, so a triple
    stated in two documents would be two rows there. Provenance stays in the triples
    (``prov:wasDerivedFrom``, ``dg:StatedLink``), as in the local store's union."""
    seen: set = set()
    out: dict = {}
    dropped = 0
    for name in sorted(graphs, key=str):
        kept = []
        for t in dict.fromkeys(graphs[name]):
            if t in seen:
                dropped += 1
            else:
                seen.add(t)
                kept.append(t)
        out[name] = kept
    return out, dropped


def push(endpoint: str, data_dir: Path, base: str, graph_store: str | None = None,
         union_default: bool | None = None) -> dict:
    """Replace the graph on the server with the one built from ``data_dir``. Returns counts.

    ``union_default``: None finds out whether the server answers from the union of its named graphs
    (:func:`union_default_graph`); True requires it (an error, before any data is written, if the
    server does not); False pushes the union graph whatever the server does. In union mode no
    ``<base>graph/union`` is pushed (an earlier one is deleted) and every triple is in one named
    graph only (:func:`disjoint`), so the server's default graph holds each triple once; otherwise
    ``<base>graph/union`` holds the union and the read commands name it as the default graph."""
    check_url(endpoint)
    gsp = check_url(graph_store, "--graph-store") if graph_store else graph_store_url(endpoint)
    from ..core.rdf import base_iri
    data, sink = build_sink(data_dir, base)
    base = base_iri(base)
    return push_graphs(endpoint, gsp, base, {str(n): t for n, t in sink.graphs.items()}, union_default)


def push_graphs(endpoint: str, gsp: str, base: str, graphs: dict, union_default: bool | None = None) -> dict:
    """:func:`push` of built named graphs (name -> triples)."""
    server_union = union_default_graph(endpoint, gsp, base)
    if union_default and not server_union:
        raise RemoteError(f"--union-default-graph: the SPARQL server at {safe_url(endpoint)} does not answer from the "
                          "union of its named graphs (a triple put in a named graph was not found by a query that "
                          "names no graph); nothing was pushed — start it with its union-default-graph option "
                          "(oxigraph serve --union-default-graph), or push without --union-default-graph")
    union_mode = server_union if union_default is None else union_default
    memo: dict = {}
    names = sorted(graphs)
    dropped = 0
    if union_mode:
        graphs, dropped = disjoint(graphs)
    triples = 0
    for name in names:
        text = ntriples(graphs[name], memo)
        triples += text.count("\n")
        _put(gsp, name, text)
    union_triples = 0
    keep = set(names)
    if not union_mode:
        union = ntriples((t for name in names for t in graphs[name]), memo)
        union_triples = union.count("\n")
        _put(gsp, base + UNION, union)
        keep.add(base + UNION)
    stale = [g for g in named_graphs(endpoint) if g.startswith(base + "graph/") and g not in keep]
    for g in stale:
        request("DELETE", _with_params(gsp, graph=g))
    return {"graphs": len(names), "triples": triples, "union_triples": union_triples,
            "union_default_graph": union_mode, "server_union": server_union, "shared_triples": dropped,
            "removed": len([g for g in stale if g != base + UNION]), "removed_union": base + UNION in stale,
            "union": base + UNION}


def _put(gsp: str, graph: str, text: str) -> None:
    request("PUT", _with_params(gsp, graph=graph), text.encode("utf-8"),
            {"Content-Type": "application/n-triples; charset=utf-8"})


def named_graphs(endpoint: str) -> list[str]:
    res = _select(endpoint, "SELECT DISTINCT ?g WHERE { GRAPH ?g { } }", None)
    return sorted(b["g"]["value"] for b in res.get("results", {}).get("bindings", []) if "g" in b)


def _select(endpoint: str, query: str, default_graph: str | None) -> dict:
    form = {"query": query}
    if default_graph:
        form["default-graph-uri"] = default_graph
    raw = request("POST", endpoint, urllib.parse.urlencode(form).encode("utf-8"),
                  {"Content-Type": "application/x-www-form-urlencoded",
                   "Accept": "application/sparql-results+json"})
    bad = RemoteError(f"the SPARQL server at {safe_url(endpoint)} did not answer with SPARQL JSON results; "
                      "is --endpoint its query URL?")
    try:
        res = json.loads(raw)
    except (ValueError, RecursionError):
        raise bad from None
    if not isinstance(res, dict):
        raise bad
    if "boolean" in res:
        if not isinstance(res["boolean"], bool):
            raise bad
        return res
    head, results = res.get("head"), res.get("results")
    if not (isinstance(head, dict) and isinstance(head.get("vars", []), list)
            and all(isinstance(v, str) for v in head.get("vars", []))
            and isinstance(results, dict) and isinstance(results.get("bindings"), list)):
        raise bad
    for b in results["bindings"]:
        if not isinstance(b, dict):
            raise bad
        for term in b.values():
            if not (isinstance(term, dict) and term.get("type") in ("uri", "literal", "bnode", "typed-literal")
                    and isinstance(term.get("value"), str)
                    and all(isinstance(term.get(k, ""), str) for k in ("xml:lang", "datatype"))):
                raise bad
    return res


# -- reading -------------------------------------------------------------------------------------

class RemoteBackend(StoreBackend):
    """The read commands against a SPARQL server the graph was pushed to."""

    name = "remote"

    def __init__(self, endpoint: str, base: str):
        from ..core.rdf import base_iri
        self.endpoint = check_url(endpoint)
        self.base = base_iri(base)
        self.union = self.base + UNION
        self._default: list = []  # once known: [the default-graph-uri every read sends, or None]

    @property
    def default_graph(self) -> str | None:
        """``<base>graph/union`` when the push left one (then every read names it as the default graph),
        else None: the graph was pushed to a server whose default graph is the union of its named
        graphs, and reads send no ``default-graph-uri``. Asked once, on first use (:func:`read_mode`)."""
        if not self._default:
            self._default.append(read_mode(self.endpoint, self.base))
        return self._default[0]

    @property
    def store(self):
        """The union graph, fetched once with CONSTRUCT into an in-memory Oxigraph store."""
        if self._store is None:
            import pyoxigraph as ox
            form = {"query": "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"}
            if self.default_graph:
                form["default-graph-uri"] = self.default_graph
            raw = request("POST", self.endpoint, urllib.parse.urlencode(form).encode("utf-8"),
                          {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/n-triples"})
            store = ox.Store()
            try:
                store.load(raw, ox.RdfFormat.N_TRIPLES)
            except (SyntaxError, ValueError, OSError):
                raise RemoteError(f"the SPARQL server at {safe_url(self.endpoint)} did not answer with N-Triples; "
                                  "is --endpoint its query URL?") from None
            if not raw.strip():
                where = f"no graph <{self.union}>" if self.default_graph else "an empty default graph"
                raise RemoteError(f"the SPARQL server at {safe_url(self.endpoint)} has {where}: "
                                  "run 'drivers push --endpoint URL' first (with the same --base)")
            self._store = store
        return self._store

    def _read_view(self) -> dict:
        return view_from_store(self.store)

    def documents(self) -> dict[str, str]:
        g = self.graph()
        rows = g.query("SELECT ?id ?title WHERE { ?s a dg:SourceDocument ; dcterms:identifier ?id ; "
                       "dcterms:title ?title }",
                       initNs={"dg": "https://w3id.org/drivers-graph/ontology#", "dcterms": "http://purl.org/dc/terms/"})
        return {str(r[0]): str(r[1]) for r in rows}

    def run(self, text: str, bindings: dict | None = None, where: str = "query") -> Result:
        """The query runs on the server, over the union graph; IRIs are shown as their ids."""
        from rdflib import Graph

        from ..answers import queries as q
        text, kind = substituted_query(text, bindings, where)
        declared = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in q.PREFIXES.items())
        res = _select(self.endpoint, declared + text, self.default_graph)
        if kind == "AskQuery":
            return q.Result(["ask"], [{"ask": bool(res.get("boolean"))}])
        cols = list(res["head"].get("vars", []))
        rows = [{c: _term(b.get(c)) for c in cols} for b in res["results"]["bindings"]]
        iris = sorted({v for r in rows for v in r.values() if _is_iri(v)})
        ids = self._ids(iris)
        g = Graph()  # empty: every IRI's id is already in ``ids``
        return q.Result(cols, [{c: q._plain(g, r[c], ids) for c in cols} for r in rows])

    def _ids(self, iris: list) -> dict:
        """IRI -> its dcterms:identifier (None if it has none), asked in batches."""
        ids: dict = {i: None for i in iris}
        for start in range(0, len(iris), 500):
            chunk = iris[start:start + 500]
            values = " ".join(i.n3() for i in chunk)
            res = _select(self.endpoint, "SELECT ?s ?id WHERE { VALUES ?s { " + values + " } "
                          "?s <http://purl.org/dc/terms/identifier> ?id }", self.default_graph)
            found: dict = {}
            for b in res["results"]["bindings"]:
                if "s" in b and "id" in b:
                    found.setdefault(b["s"]["value"], []).append(b["id"]["value"])
            for i in chunk:
                if str(i) in found:
                    ids[i] = sorted(found[str(i)])[0]
        return ids


def read_mode(endpoint: str, base: str) -> str | None:
    """Which default graph the read commands use on this server (see :func:`push`): ``<base>graph/union``
    if it holds a triple; else None (the server's own default graph) if a named graph under
    ``<base>graph/`` holds one that the default graph shows too; a clear error if the default graph does
    not (pushed for a union-default-graph server that no longer is one). Nothing pushed: the union
    graph (``store`` then says to push first, as before)."""
    from rdflib import Literal, URIRef
    union = URIRef(base + UNION)
    res = _select(endpoint, "SELECT ?union ?data ?shown WHERE { "
                  f"BIND (EXISTS {{ GRAPH {union.n3()} {{ ?a ?b ?c }} }} AS ?union) "
                  "OPTIONAL { { SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } "
                  f"FILTER (STRSTARTS(STR(?g), {Literal(base + 'graph/').n3()})) }} LIMIT 1 }} "
                  "BIND (true AS ?data) BIND (EXISTS { ?s ?p ?o } AS ?shown) } }", None)
    rows = res.get("results", {}).get("bindings", [])
    row = rows[0] if rows else {}

    def true(var: str) -> bool:
        return row.get(var, {}).get("value") in ("true", "1")
    if true("union") or not true("data"):  # nothing pushed: the reads that need data say so (see ``store``)
        return str(union)
    if not true("shown"):
        raise RemoteError(f"the graph on the SPARQL server at {safe_url(endpoint)} was pushed without <{union}>, for "
                          "a server that answers from the union of its named graphs, but this one does not (now "
                          "started without its union-default-graph option?) — run 'drivers push --endpoint URL' "
                          "again: it pushes the union graph for such a server")
    return None


def _is_iri(v) -> bool:
    from rdflib import URIRef
    return isinstance(v, URIRef)


def _term(b: dict | None):
    """A SPARQL JSON result term as the rdflib term a local query would give."""
    from rdflib import BNode, Literal, URIRef
    if b is None:
        return None
    if b["type"] == "uri":
        return URIRef(b["value"])
    if b["type"] == "bnode":
        return BNode(b["value"])
    lang = b.get("xml:lang")
    dt = b.get("datatype")
    if dt == "http://www.w3.org/2001/XMLSchema#string":
        dt = None
    return Literal(b["value"], lang=lang, datatype=URIRef(dt) if dt and not lang else None)

