"""`drivers serve` as a real process on a free loopback port: its API answers equal the CLI's
`--format json` for the same input on both stores and against an `oxigraph serve` endpoint; its
limits, errors and headers; a data change picked up without a restart; the page in Chromium.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main

from .conftest import DATA, TINY
from .serving import served_url
from .test_server import oxigraph_server

START = 240  # seconds a server may take to load (the rdflib store builds everything first)


@dataclass
class Served:
    url: str
    proc: subprocess.Popen
    host: str
    port: int

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        """(status, headers with lower-case names, body bytes) of one request."""
        conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            resp = conn.getresponse()
            return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
        finally:
            conn.close()

    def get(self, path: str, **params):
        if params:
            path += "?" + urllib.parse.urlencode(params)
        return self.request("GET", path)

    def json(self, path: str, status: int = 200, **params):
        code, headers, body = self.get(path, **params)
        assert code == status, body[:500]
        assert headers["content-type"].startswith("application/json")
        return json.loads(body)


@contextmanager
def drivers_serve(*args: str, data: Path | None = DATA, store: str = "oxigraph", endpoint: str | None = None):
    """`drivers serve --port 0 ...` until it prints its URL; stopped with SIGINT (as Ctrl-C) at the end,
    which must end it cleanly (exit 0, no traceback)."""
    cmd = [sys.executable, "-m", "cli", "--store", store]
    if data is not None:
        cmd += ["--data", str(data)]
    if endpoint is not None:
        cmd += ["--endpoint", endpoint]
    cmd += ["serve", "--port", "0", *args]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        url = served_url(proc, START)
    except RuntimeError as exc:
        pytest.fail(str(exc))
    parts = urllib.parse.urlsplit(url)
    try:
        yield Served(url, proc, parts.hostname, parts.port)
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            _, err = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            pytest.fail("drivers serve did not stop on Ctrl-C (SIGINT) within 60 s")
        assert proc.returncode == 0, err[-2000:]
        assert "Traceback" not in err, err[-2000:]


def cli_json(*args: str, store: str = "oxigraph", endpoint: str | None = None, data: Path = DATA, code: int = 0):
    pre = ["--data", str(data), "--store", store] + (["--endpoint", endpoint] if endpoint else [])
    r = CliRunner().invoke(main, [*pre, *args, "--format", "json"])
    assert r.exit_code == code, r.output
    return json.loads(r.stdout)


PHRASE = "human and economic cost modelling"
NEW_TEXT = "Provide free breakfast clubs in schools in the most deprived areas to reduce the cost of the school day"
SPARQL = "SELECT ?id ?title WHERE { ?d a dg:Plan ; dcterms:identifier ?id ; dcterms:title ?title } ORDER BY ?id"
#: (API path and parameters, the same question on the command line)
SAME = [
    (("/api/why", {"q": PHRASE}), ["why", PHRASE]),
    (("/api/why", {"q": "nl-neglect-ap-a1"}), ["why", "nl-neglect-ap-a1"]),
    (("/api/why", {"q": "mental health guidance pathway", "partnership": "south-lanarkshire"}),
     ["why", "mental health guidance pathway", "--partnership", "south-lanarkshire"]),
    (("/api/node/4.4", {}), ["show", "4.4"]),
    (("/api/node/4.4", {"edition": "2023"}), ["show", "4.4", "--edition", "2023"]),
    (("/api/node/nl-neglect-ap-a1", {}), ["show", "nl-neglect-ap-a1"]),
    (("/api/impact/promise-plan-2021-24", {}), ["impact", "promise-plan-2021-24"]),
    (("/api/impact/4.4", {"partnership": "north-lanarkshire"}), ["impact", "4.4", "--partnership", "north-lanarkshire"]),
    (("/api/suggest", {"q": NEW_TEXT, "top": "5"}), ["suggest", NEW_TEXT, "--top", "5"]),
    (("/api/suggest", {"q": "nl-neglect-ap-a1", "types": "Driver,UNCRCArticle"}),
     ["suggest", "nl-neglect-ap-a1", "--types", "Driver,UNCRCArticle"]),
    (("/api/coverage", {}), ["coverage"]),
    (("/api/coverage", {"framework": "shanarri"}), ["coverage", "--framework", "shanarri"]),
    (("/api/coverage", {"plan": "nl-corporate-parenting-strategy-2019-22", "framework": "promise"}),
     ["coverage", "--plan", "nl-corporate-parenting-strategy-2019-22", "--framework", "promise"]),
    (("/api/queries", {}), ["queries"]),
    (("/api/query/what-drives", {"action": "nl-neglect-ap-a1"}), ["query", "what-drives", "-p", "action=nl-neglect-ap-a1"]),
    (("/api/query/drivers-by-category", {"year": "2023"}), ["query", "drivers-by-category", "-p", "year=2023"]),
    (("/api/sparql", {"query": SPARQL}), ["sparql", SPARQL]),
    (("/api/sparql", {"query": "ASK { ?a dg:upholdsRight ?art }"}), ["sparql", "ASK { ?a dg:upholdsRight ?art }"]),
    (("/api/search", {"q": "CIG"}), ["search", "CIG"]),
    (("/api/search", {"q": "the promise", "top": "5"}), ["search", "the promise", "--top", "5"]),
    (("/api/search", {"q": "neglect", "partnership": "south-lanarkshire"}),
     ["search", "neglect", "--partnership", "south-lanarkshire"]),
]


#: one case per endpoint, for the stores whose command line rebuilds (rdflib) or refetches (a SPARQL
#: server) the graph on every run: each takes seconds there
ONE_EACH = list({case[0][0].split("/")[2]: case for case in reversed(SAME)}.values())


def _ids(case):
    return " ".join(case[1])[:50]


@pytest.fixture(scope="module")
def oxigraph_served():
    with drivers_serve() as s:
        yield s


@pytest.fixture(scope="module")
def rdflib_served():
    with drivers_serve(store="rdflib") as s:
        yield s


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory):
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph-serve")) as url:
        r = CliRunner().invoke(main, ["--data", str(DATA), "push", "--endpoint", url])
        assert r.exit_code == 0, r.output
        yield url


@pytest.fixture(scope="module")
def endpoint_served(endpoint):
    with drivers_serve(data=None, endpoint=endpoint) as s:
        yield s


@pytest.mark.parametrize("case", SAME, ids=_ids)
def test_the_api_equals_the_cli_on_the_oxigraph_store(oxigraph_served, case):
    (path, params), args = case
    assert oxigraph_served.json(path, **params) == cli_json(*args)


@pytest.mark.parametrize("case", ONE_EACH, ids=_ids)
def test_the_api_equals_the_cli_on_the_rdflib_store(rdflib_served, case):
    (path, params), args = case
    assert rdflib_served.json(path, **params) == cli_json(*args, store="rdflib")


@pytest.mark.parametrize("case", ONE_EACH, ids=_ids)
def test_the_api_equals_the_cli_against_a_sparql_server(endpoint_served, endpoint, case):
    (path, params), args = case
    assert endpoint_served.json(path, **params) == cli_json(*args, endpoint=endpoint)


def test_ask_gives_why_choose_or_suggest(oxigraph_served):
    s = oxigraph_served
    clear = s.json("/api/ask", q=PHRASE)
    assert clear == {"kind": "why", "why": cli_json("why", PHRASE)}
    by_id = s.json("/api/ask", q="nl-neglect-ap-a1")
    assert by_id["kind"] == "why" and by_id["why"] == cli_json("why", "nl-neglect-ap-a1")
    assert by_id["why"]["drivers"] and all(step["source"]["document"] for row in by_id["why"]["drivers"]
                                           for step in row["path"])
    # several actions about equally: every one that matched, each with its plan and partnership
    several = s.json("/api/ask", q="mental health")
    assert several["kind"] == "choose"
    told = cli_json("why", "mental health", code=1)  # drivers why lists them too, and answers for none
    assert told["error"] == "ambiguous" and told["query"] == "mental health"
    assert [c["id"] for c in several["candidates"]][:len(told["candidates"])] == [c["id"] for c in told["candidates"]]
    assert all(c["type"] == "Action" and c["partnership"] and c["plan"] for c in several["candidates"])
    # no action: ranked suggestions, marked inferred, with their evidence (= drivers suggest)
    new = s.json("/api/ask", q=NEW_TEXT)
    assert new["kind"] == "suggest" and new["inferred"] is True
    told = cli_json("suggest", NEW_TEXT)
    assert new["suggestions"] == told["suggestions"] and new["confident"] == told["confident"]
    assert new["suggestions"] and all("lexical" in x["evidence"] for x in new["suggestions"])
    # a partnership narrows the choice to one clear action
    one = s.json("/api/ask", q="mental health", partnership="south-lanarkshire")
    assert one["kind"] in ("why", "choose")
    if one["kind"] == "choose":
        assert all(c["partnership"] == "south-lanarkshire" for c in one["candidates"])


def test_an_ambiguous_why_or_name_is_300_with_the_candidates_as_the_cli_lists_them(oxigraph_served):
    s = oxigraph_served
    for path, params, args in [("/api/why", {"q": "mental health"}, ["why", "mental health"]),
                               ("/api/node/CIG", {}, ["show", "CIG"]), ("/api/impact/CIG", {}, ["impact", "CIG"])]:
        body = s.json(path, status=300, **params)
        assert body == cli_json(*args, code=1)
        assert body["error"] == "ambiguous" and len(body["candidates"]) >= 2
    assert s.json("/api/why", status=400, q="4.4")["message"].startswith("'4.4' is a driver")
    assert "unknown partnership 'north'" in s.json("/api/impact/1.17", status=400, partnership="north")["message"]
    for value in ("does-not-exist", 'x" } ; DROP ALL ; #'):  # bound, not pasted: just an id that is not there
        assert "not the id of any Action" in s.json("/api/query/what-drives", status=400, action=value)["message"]
    assert s.json("/api/query/what-drives", action="nl-neglect-ap-a1")  # ... and nothing was dropped


def test_errors_are_json_with_the_fitting_status(oxigraph_served):
    s = oxigraph_served
    cases = [("/api/node/no-such-record", 404, "no-such-record"), ("/api/impact/nope-nope", 404, "nope-nope"),
             ("/api/why?q=zzzz%20qqqq%20xxxx", 404, "no action matches"),
             ("/api/why", 400, "'q' is required"), ("/api/search?q=a&q=b", 400, "once"),
             ("/api/search?q=x&colour=red", 400, "unknown parameter 'colour'"),
             ("/api/suggest?q=x&top=lots", 400, "whole number"), ("/api/suggest?q=x&top=0", 400, "from 1"),
             ("/api/suggest?q=x&types=Colour", 400, "Colour"), ("/api/coverage?framework=nope", 400, "one of"),
             ("/api/node/4.4?edition=1999", 404, "1999"), ("/api/query/nope", 400, "no named query"),
             ("/api/query/what-drives", 400, "needs"), ("/api/query/what-drives?action=x&actor=y", 400, "actor"),
             ("/api/query/drivers-by-category?year=twenty", 400, "integer"),
             ("/api/sparql?query=SELECT%20WHERE", 400, "malformed SPARQL"),
             ("/api/sparql?query=CONSTRUCT%20%7B%3Fs%20%3Fp%20%3Fo%7D%20WHERE%20%7B%3Fs%20%3Fp%20%3Fo%7D", 400, "only SELECT"),
             ("/api/sparql", 400, "give the query"), ("/api/no-such-endpoint", 404, "/api"),
             ("/api/why?q=" + "x" * 5000, 400, "longer than")]
    for path, status, words in cases:
        code, headers, body = s.request("GET", path)
        assert code == status, (path, body[:300])
        assert headers["content-type"].startswith("application/json"), path
        err = json.loads(body)
        assert err["status"] == status and words in err["message"], (path, err)
        assert "Traceback" not in err["message"] and 'File "' not in err["message"]


def test_sparql_never_reaches_a_service(oxigraph_served, tmp_path):
    import http.server
    import threading
    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()
        do_POST = do_GET

        def log_message(self, *a):
            pass
    trap = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=trap.serve_forever, daemon=True).start()
    try:
        for q in (f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{trap.server_port}/sparql> {{ ?s ?p ?o }} }}",
                  f"ASK {{ ?s ?p ?o OPTIONAL {{ SERVICE SILENT <http://127.0.0.1:{trap.server_port}/> {{ ?s ?p ?x }} }} }}",
                  f"SELECT * FROM <http://127.0.0.1:{trap.server_port}/g.ttl> WHERE {{ ?s ?p ?o }}",
                  f"SELECT * FROM NAMED <http://127.0.0.1:{trap.server_port}/g.ttl> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
                  "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }"):
            code, _, body = oxigraph_served.request("POST", "/api/sparql", q.encode(),
                                                    {"Content-Type": "application/sparql-query"})
            assert code == 400 and (b"SERVICE is not allowed" in body or b"FROM and FROM NAMED" in body), body
    finally:
        trap.shutdown()
    assert hits == []


def test_read_only_and_size_limits(oxigraph_served):
    s = oxigraph_served
    for method in ("PUT", "DELETE", "PATCH"):
        code, headers, body = s.request(method, "/api/why?q=x")
        assert code == 405 and json.loads(body)["status"] == 405
    code, _, body = s.request("POST", "/api/why?q=x")
    assert code == 405, body
    code, _, _ = s.request("GET", "/api/search?q=" + "a" * 9000)
    assert code in (414, 431, 400)
    code, _, body = s.request("POST", "/api/sparql", b"ASK {}" + b" " * 70_000,
                              {"Content-Type": "application/sparql-query"})
    assert code == 413, body
    code, _, body = s.request("POST", "/api/sparql", b"query=ASK%20%7B%7D", {"Content-Type": "application/x-www-form-urlencoded"})
    assert code == 200 and json.loads(body) == [{"ask": True}]
    code, _, body = s.request("POST", "/api/sparql", b"ASK {}", {"Content-Type": "text/plain"})
    assert code == 400 and b"application/sparql-query" in body


def test_host_check_and_headers(oxigraph_served):
    s = oxigraph_served
    code, _, body = s.request("GET", "/api/queries", headers={"Host": "attacker.example"})
    assert code == 400 and b"--allow-host" in body
    for host in (f"localhost:{s.port}", f"127.0.0.1:{s.port}"):
        assert s.request("GET", "/healthz", headers={"Host": host})[0] == 200
    code, headers, _ = s.request("GET", "/api/queries", headers={"Origin": "https://elsewhere.example"})
    assert code == 200 and "access-control-allow-origin" not in headers  # CORS is off
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["content-security-policy"].startswith("default-src 'none'")
    assert "server" not in headers
    code, headers, page = s.request("GET", "/")
    assert code == 200 and headers["content-type"].startswith("text/html")
    csp = headers["content-security-policy"]
    assert "default-src 'none'" in csp and "connect-src 'self'" in csp and "frame-ancestors 'none'" in csp
    scripts = re.search(r"script-src ([^;]+)", csp).group(1).split()
    assert scripts and all(x.startswith("'sha256-") for x in scripts)  # no 'unsafe-inline', no host
    health = s.json("/healthz")
    assert health["status"] == "ok" and health["store"] == "oxigraph"
    spec = s.json("/api")
    assert spec["openapi"].startswith("3.") and "/api/ask" in spec["paths"] and "/api/query/{name}" in spec["paths"]
    assert s.json("/api/page") == _page_data()
    assert b"data-api=\"api/\"" in page and b'id="graph-data" type="application/json">null<' in page


def _page_data() -> dict:
    from graph.store import backend
    from graph.web.page import page_data
    be = backend(DATA, "https://w3id.org/drivers-graph/id/", "oxigraph", None)
    return json.loads(json.dumps(page_data(be.nx(), be.graph())))


@pytest.fixture()
def tiny_served(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(TINY, data)
    with drivers_serve("--query-timeout", "1", "--max-rows", "3", "--cors", "https://intranet.example.org",
                       data=data) as s:
        yield s, data


def test_time_limit_row_limit_and_cors(tiny_served):
    s, _ = tiny_served
    product = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    started = time.monotonic()
    code, headers, body = s.request("POST", "/api/sparql", product.encode(), {"Content-Type": "application/sparql-query"})
    assert code == 503 and b"time limit" in body, body
    assert time.monotonic() - started < 20
    # the next query gets a fresh worker and its answer
    rows = s.json("/api/sparql", query="SELECT ?s WHERE { ?s ?p ?o }")
    code, headers, _ = s.get("/api/sparql", query="SELECT ?s WHERE { ?s ?p ?o }")
    assert len(rows) == 3 and headers["x-truncated"] == "true"
    code, headers, _ = s.request("GET", "/api/queries", headers={"Origin": "https://intranet.example.org"})
    assert headers["access-control-allow-origin"] == "https://intranet.example.org"
    code, headers, _ = s.request("GET", "/api/queries", headers={"Origin": "https://elsewhere.example"})
    assert "access-control-allow-origin" not in headers


def test_a_data_change_is_picked_up_without_a_restart(tiny_served):
    s, data = tiny_served
    plans = s.json("/api/search", q="plan")
    target = next(p for p in plans if p["type"] == "Plan")
    before = s.json(f"/api/node/{target['id']}")
    path = next(p for p in sorted(data.glob("*.yaml")) if f"id: {target['id']}" in p.read_text(encoding="utf-8"))
    text = path.read_text(encoding="utf-8")
    title = before["title"]
    assert title in text
    hostile = "A </script><img src=x onerror=alert(1)> & plan"
    path.write_text(text.replace(title, hostile, 1), encoding="utf-8")
    node = _wait(lambda: s.json(f"/api/node/{target['id']}"), lambda n: n["title"] == hostile)
    assert node["title"] == hostile
    raw = s.get(f"/api/node/{target['id']}")[2]
    assert b"<" not in raw and b"\\u003c/script\\u003e" in raw  # escaped: never read as markup
    # a broken edit: the last good data goes on answering, and /healthz says what is wrong and where
    path.write_text(text.replace(title, hostile, 1) + "\n  - [unclosed\n", encoding="utf-8")
    health = _wait(lambda: s.json("/healthz"), lambda h: h["status"] == "stale")
    assert path.name in health["problem"]
    assert s.json(f"/api/node/{target['id']}")["title"] == hostile
    path.write_text(text, encoding="utf-8")
    _wait(lambda: s.json("/healthz"), lambda h: h["status"] == "ok" and "updating" not in h)
    assert s.json(f"/api/node/{target['id']}")["title"] == title


def _wait(get, ok, timeout: float = 60.0):
    deadline = time.monotonic() + timeout
    while True:
        value = get()
        if ok(value) or time.monotonic() > deadline:
            return value
        time.sleep(0.3)


def test_a_non_loopback_host_warns_before_it_listens():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        r = subprocess.run([sys.executable, "-m", "cli", "--data", str(TINY), "serve", "--host", "0.0.0.0", "--port",
                            str(port)], capture_output=True, text=True, timeout=60)
    assert "Warning: listening on 0.0.0.0 makes the graph visible" in r.stderr
    assert r.returncode == 2 and "cannot listen" in r.stderr and "--port" in r.stderr
    assert "Traceback" not in r.stderr


def test_bad_options_exit_2_without_a_traceback(tmp_path):
    for args, words in ((["serve", "--cors", "https://x.example/"], "not an origin"),
                        (["--data", str(tmp_path / "none"), "serve"], "does not exist"),
                        (["serve", "--endpoint", "ftp://x"], "http")):
        r = subprocess.run([sys.executable, "-m", "cli", *args], capture_output=True, text=True, timeout=60)
        assert r.returncode == 2 and words in r.stderr, r.stderr
        assert "Traceback" not in r.stderr


def test_bad_data_at_start_is_exit_2(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(TINY, data)
    first = sorted(data.glob("*.yaml"))[0]
    first.write_text(first.read_text(encoding="utf-8") + "\n  - [unclosed\n", encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "cli", "--data", str(data), "serve", "--port", "0"],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and first.name in r.stderr and "Traceback" not in r.stderr, r.stderr


# -- the page in Chromium ----------------------------------------------------------------------------

def _chromium_or_skip():
    from .chromium import CHROMEDRIVER, CHROMIUM
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        if os.environ.get("DRIVERS_REQUIRE_BROWSER") == "1":
            pytest.fail("chromium and chromedriver are required (DRIVERS_REQUIRE_BROWSER=1)")
        pytest.skip("chromium or chromedriver missing")


def test_the_served_page_opens_in_chromium_without_console_errors(oxigraph_served, tmp_path):
    _chromium_or_skip()
    from .chromium import launch, wait_ready
    driver = launch(tmp_path / "profile", 1280, 800, console_log=True, offline=False)
    try:
        driver.set_script_timeout(60)
        driver.get(oxigraph_served.url)
        wait_ready(driver, 60)
        ready = driver.execute_async_script(
            "var done = arguments[arguments.length - 1];"
            "window.explorer.ready.then(function () { done({ok: true}); }, function (e) { done({ok: false, e: String(e)}); });")
        assert ready["ok"], ready  # its data came from /api/page under the served policy (connect-src 'self')
        assert driver.execute_script("return window.explorer.search('neglect').length") > 0
        # the "What drives this?" box asks /api/ask: a phrase of one action, several, and new text
        asked = {}
        for text in (PHRASE, "mental health", NEW_TEXT):
            driver.get(oxigraph_served.url)  # each from the opening view, where the box is
            wait_ready(driver, 60)
            asked[text] = driver.execute_async_script(
                "var done = arguments[arguments.length - 1], text = arguments[0];"
                "window.explorer.ready.then(function () { return window.explorer.ask(text); })"
                "  .then(done, function (e) { done({kind: 'failed', e: String(e)}); });", text)
        assert asked[PHRASE]["kind"] == "why" and asked[PHRASE]["id"] == cli_json("why", PHRASE)["action"]["id"]
        assert asked["mental health"]["kind"] == "choose" and len(asked["mental health"]["candidates"]) > 1, asked
        assert asked[NEW_TEXT]["kind"] == "suggest"
        assert asked[NEW_TEXT]["suggestions"] == [x["id"] for x in cli_json("suggest", NEW_TEXT)["suggestions"]]
        errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
        assert errors == []
    finally:
        driver.quit()
