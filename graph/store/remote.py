"""A shared SPARQL 1.1 server: push the graph to it, and answer the read commands from it.

* :func:`push` loads the graph with the SPARQL 1.1 Graph Store Protocol: one named graph per
  source document (each is one partnership's document of one edition or year, e.g.
  ``<base>graph/src-nl-drivers-2023``), each replaced with ``PUT``, plus ``<base>graph/union``,
  the union of them all, which the read commands use so that a triple stated in two documents
  counts once (as locally). Graphs under ``<base>graph/`` that the data no longer has are deleted.
* :class:`RemoteBackend` answers ``query`` / ``sparql`` on the server (the ``.rq`` text unchanged,
  parameters substituted as RDF terms, ``default-graph-uri`` = the union graph), and the other read
  commands (``list``, ``show``, ``why``, ``coverage`` ...) from one ``CONSTRUCT`` of the union graph
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
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import TYPE_CHECKING

from ..core.errors import DriversError, UsageError
from .local import StoreBackend, build_sink, ntriples, substituted_query, view_from_store

if TYPE_CHECKING:
    from ..answers.queries import Result

TOKEN_ENV, USER_ENV, PASSWORD_ENV, TIMEOUT_ENV = ("DRIVERS_ENDPOINT_TOKEN", "DRIVERS_ENDPOINT_USER",
                                                  "DRIVERS_ENDPOINT_PASSWORD", "DRIVERS_ENDPOINT_TIMEOUT")
UNION = "graph/union"


class RemoteError(DriversError):
    """The server cannot be reached or refused a request (exit 2)."""


def safe_url(url: str) -> str:
    """The URL as shown in messages: no user, password, query string or fragment."""
    p = urllib.parse.urlsplit(url)
    host = p.hostname or ""
    if p.port:
        host = f"{host}:{p.port}"
    return urllib.parse.urlunsplit((p.scheme, host, p.path, "", ""))


def check_url(url: str, what: str = "--endpoint") -> str:
    p = urllib.parse.urlsplit(url)
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


_OPENER = urllib.request.build_opener(_NoRedirect)


def _auth() -> dict[str, str]:
    token = os.environ.get(TOKEN_ENV)
    if token:
        return {"Authorization": f"Bearer {token}"}
    user, password = os.environ.get(USER_ENV), os.environ.get(PASSWORD_ENV)
    if user is not None or password is not None:
        pair = f"{user or ''}:{password or ''}".encode("utf-8")
        return {"Authorization": "Basic " + base64.b64encode(pair).decode("ascii")}
    return {}


def _timeout() -> float:
    raw = os.environ.get(TIMEOUT_ENV, "60")
    try:
        value = float(raw)
    except ValueError:
        raise UsageError(f"{TIMEOUT_ENV} must be a number of seconds, not {raw!r}") from None
    if value <= 0:
        raise UsageError(f"{TIMEOUT_ENV} must be more than 0 seconds")
    return value


def request(method: str, url: str, body: bytes | None = None, headers: dict[str, str] | None = None) -> bytes:
    """One HTTP request with credentials, timeout and clear errors (credentials never in a message)."""
    req = urllib.request.Request(url, data=body, method=method, headers={**(headers or {}), **_auth()})
    try:
        with _OPENER.open(req, timeout=_timeout()) as resp:
            return resp.read()
    except urllib.error.HTTPError as exc:
        detail = ""
        try:
            detail = " ".join(exc.read(400).decode("utf-8", "replace").split())[:300]
            for secret in filter(None, (os.environ.get(TOKEN_ENV), os.environ.get(PASSWORD_ENV),
                                        *(v.split()[-1] for v in _auth().values()))):
                detail = detail.replace(secret, "***")  # a server may echo the request's credentials
        except Exception:  # noqa: BLE001 - the body is only a hint
            pass
        hint = ""
        if exc.code in (401, 403):
            hint = f" — set {TOKEN_ENV}, or {USER_ENV} and {PASSWORD_ENV}, to credentials the server accepts"
        raise RemoteError(f"the SPARQL server at {safe_url(url)} answered {method} with HTTP {exc.code} "
                          f"{exc.reason}{': ' + detail if detail else ''}{hint}") from None
    except urllib.error.URLError as exc:
        raise RemoteError(f"cannot reach the SPARQL server at {safe_url(url)}: {exc.reason} — check the URL "
                          "and that the server is running") from None
    except (TimeoutError, OSError) as exc:
        raise RemoteError(f"no answer from the SPARQL server at {safe_url(url)}: {exc} — check the URL, or raise "
                          f"{TIMEOUT_ENV} (now {_timeout():g} s)") from None


def _with_params(url: str, **params: str) -> str:
    sep = "&" if urllib.parse.urlsplit(url).query else "?"
    return url + sep + urllib.parse.urlencode(params)


# -- push ----------------------------------------------------------------------------------------

def push(endpoint: str, data_dir: Path, base: str, graph_store: str | None = None) -> dict:
    """Replace the graph on the server with the one built from ``data_dir``. Returns counts."""
    check_url(endpoint)
    gsp = check_url(graph_store, "--graph-store") if graph_store else graph_store_url(endpoint)
    from ..core.rdf import base_iri
    data, sink = build_sink(data_dir, base)
    base = base_iri(base)
    memo: dict = {}
    names = sorted(str(n) for n in sink.graphs)
    triples = 0
    by_name = {str(n): t for n, t in sink.graphs.items()}
    for name in names:
        text = ntriples(by_name[name], memo)
        triples += text.count("\n")
        _put(gsp, name, text)
    union = ntriples((t for name in names for t in by_name[name]), memo)
    _put(gsp, base + UNION, union)
    keep = {*names, base + UNION}
    stale = [g for g in named_graphs(endpoint) if g.startswith(base + "graph/") and g not in keep]
    for g in stale:
        request("DELETE", _with_params(gsp, graph=g))
    return {"graphs": len(names), "triples": triples, "union_triples": union.count("\n"), "removed": len(stale)}


def _put(gsp: str, graph: str, text: str) -> None:
    request("PUT", _with_params(gsp, graph=graph), text.encode("utf-8"),
            {"Content-Type": "application/n-triples; charset=utf-8"})


def named_graphs(endpoint: str) -> list[str]:
    res = _select(endpoint, "SELECT DISTINCT ?g WHERE { GRAPH ?g { } }", None)
    return sorted(b["g"]["value"] for b in res["results"]["bindings"] if "g" in b)


def _select(endpoint: str, query: str, default_graph: str | None) -> dict:
    form = {"query": query}
    if default_graph:
        form["default-graph-uri"] = default_graph
    raw = request("POST", endpoint, urllib.parse.urlencode(form).encode("utf-8"),
                  {"Content-Type": "application/x-www-form-urlencoded",
                   "Accept": "application/sparql-results+json"})
    try:
        return json.loads(raw)
    except ValueError:
        raise RemoteError(f"the SPARQL server at {safe_url(endpoint)} did not answer with SPARQL JSON results; "
                          "is --endpoint its query URL?") from None


# -- reading -------------------------------------------------------------------------------------

class RemoteBackend(StoreBackend):
    """The read commands against a SPARQL server the graph was pushed to."""

    name = "remote"

    def __init__(self, endpoint: str, base: str):
        from ..core.rdf import base_iri
        self.endpoint = check_url(endpoint)
        self.base = base_iri(base)
        self.union = self.base + UNION

    @property
    def store(self):
        """The union graph, fetched once with CONSTRUCT into an in-memory Oxigraph store."""
        if self._store is None:
            import pyoxigraph as ox
            form = {"query": "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "default-graph-uri": self.union}
            raw = request("POST", self.endpoint, urllib.parse.urlencode(form).encode("utf-8"),
                          {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/n-triples"})
            store = ox.Store()
            try:
                store.load(raw, ox.RdfFormat.N_TRIPLES)
            except SyntaxError:
                raise RemoteError(f"the SPARQL server at {safe_url(self.endpoint)} did not answer with N-Triples; "
                                  "is --endpoint its query URL?") from None
            if not raw.strip():
                raise RemoteError(f"the SPARQL server at {safe_url(self.endpoint)} has no graph <{self.union}>: "
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
        res = _select(self.endpoint, declared + text, self.union)
        if kind == "AskQuery":
            return q.Result(["ask"], [{"ask": bool(res.get("boolean"))}])
        cols = list(res["head"]["vars"])
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
                          "?s <http://purl.org/dc/terms/identifier> ?id }", self.union)
            found: dict = {}
            for b in res["results"]["bindings"]:
                found.setdefault(b["s"]["value"], []).append(b["id"]["value"])
            for i in chunk:
                if str(i) in found:
                    ids[i] = sorted(found[str(i)])[0]
        return ids


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

