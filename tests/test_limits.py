"""Network and time limits (issue 14, item 3): local queries never leave the machine and stop when
told to; a remote request has a total deadline and a size cap; a server's malformed answer is a
message, never a traceback.

Real components: a real Oxigraph store and rdflib graph for the local queries, a real HTTP server
(http.server) playing a badly behaved SPARQL server, real processes for Ctrl-C.
"""

from __future__ import annotations

import http.server
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main

from .conftest import TINY
from .serving import fake_server

ROOT = Path(__file__).resolve().parents[1]
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


class Server(http.server.BaseHTTPRequestHandler):
    """A SPARQL server that misbehaves as ``mode`` says; ``hits`` counts requests."""

    mode = "ok"
    hits = 0
    body = b""

    def _answer(self):
        Server.hits += 1
        self.rfile.read(int(self.headers.get("Content-Length") or 0))  # the whole request first: no reset
        m = self.mode
        if m == "trickle-body":  # headers at once, then a byte every 0.3 s: each read is quick
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.end_headers()
            for _ in range(100):
                try:
                    self.wfile.write(b" ")
                    self.wfile.flush()
                except OSError:
                    return
                time.sleep(0.3)
            return
        if m == "trickle-headers":
            for ch in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 100:
                try:
                    self.wfile.write(bytes([ch]))
                    self.wfile.flush()
                except OSError:
                    return
                time.sleep(0.3)
            return
        if m == "huge-length":
            self.send_response(200)
            self.send_header("Content-Length", str(5 * 1024 ** 3))
            self.end_headers()
            self.wfile.write(b"{" * 1000)
            return
        if m == "huge-stream":  # no length: 3 MB of a JSON string, endless in spirit
            self.send_response(200)
            self.end_headers()
            try:
                for _ in range(48):
                    self.wfile.write(b"[" * 65536)
            except OSError:
                pass
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    do_GET = do_POST = do_PUT = do_DELETE = _answer  # noqa: N815

    def log_message(self, *args):
        pass


@pytest.fixture()
def server():
    Server.hits = 0
    with fake_server(Server) as (_, url):
        yield url


def cli(*args: str, env: dict | None = None, store: str = "oxigraph"):
    return CliRunner().invoke(main, ["--data", str(TINY), "--store", store, *args], env=env)


def ok_error(r, *fragments: str) -> None:
    assert r.exit_code == 2, r.output
    assert r.output.startswith("Error: ") and "Traceback" not in r.output and "a bug in drivers" not in r.output, \
        r.output
    for f in fragments:
        assert f in r.output, r.output


# -- local queries never leave the machine ------------------------------------------------------------

FETCHING = {
    "service": "SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "service-silent": "SELECT * WHERE {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }}",
    "service-lowercase-in-optional": "select * where {{ ?s ?p ?o OPTIONAL {{ service <{url}> {{ ?s ?q ?r }} }} }}",
    "service-in-subquery": "SELECT * WHERE {{ {{ SELECT ?s WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} }}",
    "service-in-union-ask": "ASK {{ {{ ?s ?p ?o }} UNION {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
    "service-in-exists": "SELECT * WHERE {{ ?s ?p ?o FILTER EXISTS {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
    "from": "SELECT * FROM <{url}> WHERE {{ ?s ?p ?o }}",
    "from-named": "SELECT * FROM NAMED <{url}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
    "from-file": "SELECT * FROM <file:///etc/passwd> WHERE {{ ?s ?p ?o }}",
}


@pytest.mark.parametrize("store", ["oxigraph", "rdflib"])
@pytest.mark.parametrize("kind", sorted(FETCHING))
def test_a_local_query_never_fetches_anything(server, kind, store, tmp_path):
    r = cli("sparql", FETCHING[kind].format(url=server), store=store, env={"DRIVERS_CACHE_DIR": str(tmp_path)})
    ok_error(r, "not allowed")
    assert ("SERVICE" if "service" in kind else "FROM") in r.output
    assert Server.hits == 0, "the query made a request"


def test_a_query_file_with_service_is_refused_too(server, tmp_path):
    q = tmp_path / "q.rq"
    q.write_text(FETCHING["service"].format(url=server), encoding="utf-8")
    ok_error(cli("sparql", f"@{q}", env={"DRIVERS_CACHE_DIR": str(tmp_path)}), "SERVICE is not allowed", "q.rq")
    assert Server.hits == 0


# -- time limits on local queries ---------------------------------------------------------------------

@pytest.mark.parametrize("store", ["oxigraph", "rdflib"])
def test_timeout_stops_a_runaway_query(store, tmp_path):
    start = time.monotonic()
    r = cli("sparql", "--timeout", "2", CARTESIAN, store=store, env={"DRIVERS_CACHE_DIR": str(tmp_path)})
    ok_error(r, "ran longer than 2 s", "--timeout")
    assert time.monotonic() - start < 60  # unlimited, it runs for hours


def test_a_query_within_the_limit_answers_as_before(tmp_path):
    r = cli("sparql", "--timeout", "60", "SELECT ?id WHERE { ?d a dg:Driver ; dcterms:identifier ?id } ORDER BY ?id",
            "--format", "json", env={"DRIVERS_CACHE_DIR": str(tmp_path)})
    assert r.exit_code == 0, r.output
    assert [row["id"] for row in json.loads(r.output)][:1] == ["act-a"]


def test_max_rows_cuts_and_says_so(tmp_path):
    r = CliRunner().invoke(main, ["--data", str(TINY), "sparql", "--max-rows", "3", "--format", "json",
                                                  "SELECT * WHERE { ?s ?p ?o }"], env={"DRIVERS_CACHE_DIR": str(tmp_path)})
    assert r.exit_code == 0, r.output
    assert len(json.loads(r.stdout)) == 3 and "only the first 3 rows" in r.stderr


def test_ctrl_c_stops_a_runaway_oxigraph_query_at_once(tmp_path):
    env = {**os.environ, "DRIVERS_CACHE_DIR": str(tmp_path)}
    subprocess.run([sys.executable, "-m", "cli", "--data", str(TINY), "stats"], cwd=ROOT, env=env, check=True,
                   capture_output=True)  # the cache is built: what follows is the query alone
    p = subprocess.Popen([sys.executable, "-m", "cli", "--data", str(TINY), "sparql", "--timeout", "3600", CARTESIAN],
                         cwd=ROOT, env=env, start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True)
    time.sleep(4)
    assert p.poll() is None, p.communicate()
    os.killpg(p.pid, signal.SIGINT)
    try:
        _, err = p.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        raise AssertionError("Ctrl-C did not stop the query")
    assert p.returncode != 0 and "Traceback" not in err, err
    time.sleep(0.5)
    left = subprocess.run(["pgrep", "-s", str(p.pid)], capture_output=True, text=True).stdout.split()
    assert not left, f"worker processes left running: {left}"


@pytest.mark.parametrize("value", ["nan", "inf", "-1", "0", "-inf", "abc", ""])
def test_timeout_option_is_parsed_strictly(value):
    r = cli("sparql", "--timeout", value, "ASK { ?s ?p ?o }")
    assert r.exit_code == 2 and "--timeout" in r.output and "Traceback" not in r.output, r.output


# -- a total deadline and a size cap on remote requests ------------------------------------------------

@pytest.mark.parametrize("mode", ["trickle-body", "trickle-headers"])
def test_a_server_sending_a_byte_every_few_tenths_cannot_outlast_the_deadline(server, mode):
    Server.mode = mode
    start = time.monotonic()
    r = cli("--endpoint", server, "sparql", "ASK { ?s ?p ?o }", env={"DRIVERS_ENDPOINT_TIMEOUT": "1.5"})
    took = time.monotonic() - start
    ok_error(r, "within 1.5 s", "DRIVERS_ENDPOINT_TIMEOUT", "127.0.0.1")
    assert took < 15, took  # a per-read timeout would wait 30 s (100 bytes, 0.3 s apart)


@pytest.mark.parametrize("mode", ["huge-length", "huge-stream"])
def test_an_answer_larger_than_the_cap_is_refused(server, mode):
    Server.mode = mode
    r = cli("--endpoint", server, "sparql", "ASK { ?s ?p ?o }", env={"DRIVERS_ENDPOINT_MAX_MB": "1"})
    ok_error(r, "DRIVERS_ENDPOINT_MAX_MB", "MB")


WRONG_SHAPES = {
    "a-list": b"[1, 2, 3]",
    "a-string": b'"results"',
    "head-not-object": b'{"head": 5, "results": {"bindings": []}}',
    "vars-not-strings": b'{"head": {"vars": [1]}, "results": {"bindings": []}}',
    "bindings-not-list": b'{"head": {"vars": ["s"]}, "results": {"bindings": {"s": 1}}}',
    "binding-not-object": b'{"head": {"vars": ["s"]}, "results": {"bindings": [5]}}',
    "term-without-value": b'{"head": {"vars": ["s"]}, "results": {"bindings": [{"s": {"type": "uri"}}]}}',
    "term-unknown-type": b'{"head": {"vars": ["s"]}, "results": {"bindings": [{"s": {"type": "x", "value": "a"}}]}}',
    "boolean-not-bool": b'{"head": {}, "boolean": "yes"}',
    "nested-100000": b"[" * 100_000 + b"]" * 100_000,
    "not-json": b"<html>Service unavailable</html>",
    "truncated": b'{"head": {"vars": ["s"]}, "results": {"bindi',
    "empty": b"",
}


@pytest.mark.parametrize("shape", sorted(WRONG_SHAPES))
def test_sparql_json_of_the_wrong_shape_is_a_message(server, shape):
    Server.mode, Server.body = "ok", WRONG_SHAPES[shape]
    for args in (["sparql", "SELECT ?s WHERE { ?s ?p ?o }"], ["query", "what-drives", "--param", "action=x"]):
        r = cli("--endpoint", server, *args)
        ok_error(r, "did not answer with SPARQL JSON results", "127.0.0.1")
    ok_error(cli("push", "--endpoint", server), "127.0.0.1")  # its PUTs pass; the list of graphs does not


@pytest.mark.parametrize("body", [b"not n-triples at all", b"<a> <b> .", b"\xff\xfe\x00garbage", b"{" * 50_000])
def test_a_construct_answer_that_is_not_n_triples_is_a_message(server, body):
    Server.mode, Server.body = "ok", body
    ok_error(cli("--endpoint", server, "list", "plans"), "127.0.0.1")


# -- environment variables, strictly ------------------------------------------------------------------

@pytest.mark.parametrize("var", ["DRIVERS_ENDPOINT_TIMEOUT", "DRIVERS_ENDPOINT_MAX_MB"])
@pytest.mark.parametrize("value", ["nan", "inf", "-1", "0", "1e999", "ten", "", " "])
def test_endpoint_variables_are_parsed_strictly(server, var, value):
    r = cli("--endpoint", server, "list", "plans", env={var: value})
    ok_error(r, var)
    assert Server.hits == 0


@pytest.mark.parametrize("value", ["nan", "inf", "-5", "1e999", "soon", "\udcff"])
def test_lock_timeout_is_parsed_strictly(tmp_path, value):
    r = CliRunner().invoke(main, ["--data", str(TINY), "build", "--out", str(tmp_path / "out")],
                           env={"DRIVERS_LOCK_TIMEOUT": value})
    ok_error(r, "DRIVERS_LOCK_TIMEOUT")
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
