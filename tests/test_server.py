"""The shared server (graph/store/remote.py) against a real `oxigraph serve` on 127.0.0.1.

The `oxigraph` binary comes with the `oxigraph` package (the dev extra). Without it these tests
skip, unless DRIVERS_REQUIRE_SERVER=1 (set by .ci/run), where they fail instead.
"""

from __future__ import annotations

import http.server
import json
import re
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from graph.answers import queries as Q

from .conftest import DATA, TINY


def oxigraph_binary() -> str | None:
    here = Path(sys.executable).parent / "oxigraph"
    return str(here) if here.is_file() else shutil.which("oxigraph")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def oxigraph_server(location: Path, union_default_graph: bool = False):
    """A running `oxigraph serve` on a free loopback port, storing in ``location``; yields its query URL.
    ``union_default_graph``: started with --union-default-graph (tests/test_push_union.py)."""
    binary = oxigraph_binary()
    if binary is None:
        if os.environ.get("DRIVERS_REQUIRE_SERVER") == "1":
            pytest.fail("the oxigraph server binary is missing: pip install -e '.[dev]'")
        pytest.skip("the oxigraph server binary is missing (pip install -e '.[dev]')")
    port = free_port()
    proc = subprocess.Popen([binary, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}",
                             *(["--union-default-graph"] if union_default_graph else [])],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}/query"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(url + "?query=ASK%7B%7D", timeout=2).read()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail(f"oxigraph serve did not start: {proc.stderr.read().decode(errors='replace')[-500:]}")
            time.sleep(0.1)
    try:
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A running `oxigraph serve`; yields its query URL."""
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph")) as url:
        yield url


def cli(*args: str, data: Path = DATA):
    return CliRunner().invoke(main, ["--data", str(data), *args])


READS = [
    ["why", "human and economic cost modelling", "--format", "json"],
    ["why", "nl-neglect-ap-a1"],
    ["list", "actions", "--format", "json"],
    ["list", "drivers", "--edition", "2023", "--format", "json"],
    ["show", "4.4", "--format", "json"],
    ["show", "nl-neglect-task-group"],
    ["impact", "promise-plan-2021-24", "--format", "json"],
    ["coverage", "--framework", "shanarri", "--format", "csv"],
    ["coverage", "--plan", "nl-corporate-parenting-strategy-2019-22", "--format", "md"],
    ["metrics", "--format", "json"],
    ["sparql", "SELECT ?id ?title WHERE { ?d a dg:Plan ; dcterms:identifier ?id ; dcterms:title ?title } ORDER BY ?id"],
    ["sparql", "ASK { ?a dg:upholdsRight ?art }"],
]
PARAMS = {"what-drives": ["action=nl-neglect-ap-a1"], "driven-by": ["driver=promise-plan-2021-24"],
          "expiring": ["before=2025"], "actions-by-lead": ["lead=neglect"],
          "partnership-drivers": ["partnership=north-lanarkshire"], "drivers-by-category": ["year=2023"]}


@pytest.fixture(scope="module")
def pushed(server):
    r = cli("push", "--endpoint", server)
    assert r.exit_code == 0, r.output
    assert "Pushed 11 named graphs" in r.output
    return server


@pytest.mark.parametrize("args", READS, ids=lambda a: " ".join(a)[:40])
def test_reads_from_the_server_equal_local(pushed, args):
    local = cli("--store", "rdflib", *args)
    remote = cli("--endpoint", pushed, *args)
    assert local.exit_code == 0, local.output
    assert remote.exit_code == 0, remote.output
    assert remote.output == local.output
    assert remote.output.strip()


@pytest.mark.parametrize("name", sorted(Q.load_named()))
def test_every_named_query_runs_unchanged_on_the_server(pushed, name):
    args = ["query", name, *[x for p in PARAMS.get(name, []) for x in ("-p", p)], "--format", "json"]
    local = cli("--store", "rdflib", *args)
    remote = cli("--endpoint", pushed, *args)
    assert local.exit_code == remote.exit_code == 0, remote.output
    assert json.loads(remote.output) == json.loads(local.output)


def test_a_parameter_with_sparql_syntax_stays_a_string_on_the_server(pushed):
    r = cli("--endpoint", pushed, "query", "what-drives", "-p", 'action=x" } ; DROP ALL ; #', "--format", "json")
    assert r.exit_code == 2, r.output  # no action has that id (checked with the value bound, on the server)
    assert "is not the id of any Action" in r.output
    again = cli("--endpoint", pushed, "list", "plans", "--format", "json")
    assert len(json.loads(again.output)) > 5  # nothing was dropped


def test_named_graphs_per_source_and_stale_ones_removed(server):
    from graph.store import remote
    assert cli("push", "--endpoint", server).exit_code == 0
    base = "https://w3id.org/drivers-graph/id/graph/"
    before = remote.named_graphs(server)
    assert f"{base}src-nl-drivers-2023" in before and f"{base}union" in before
    r = cli("push", "--endpoint", server, data=TINY)  # the tiny data replaces it
    assert r.exit_code == 0 and "removed" in r.output, r.output
    after = remote.named_graphs(server)
    assert f"{base}src-nl-drivers-2023" not in after
    plans = json.loads(cli("--endpoint", server, "list", "plans", "--format", "json").output)
    local = json.loads(cli("--store", "rdflib", "list", "plans", "--format", "json", data=TINY).output)
    assert plans == local
    assert cli("push", "--endpoint", server).exit_code == 0  # back to the real data for other tests


def test_unreachable_server_is_a_clear_error_exit_2():
    port = free_port()  # nothing listens there
    url = f"http://127.0.0.1:{port}/query"
    for args in (["--endpoint", url, "why", "x"], ["push", "--endpoint", url]):
        r = cli(*args)
        assert r.exit_code == 2, r.output
        assert f"cannot reach the SPARQL server at http://127.0.0.1:{port}/" in r.output  # push: its /store
        assert "Traceback" not in r.output


def test_credentials_never_on_the_command_line_nor_echoed(monkeypatch):
    r = cli("--endpoint", "http://alice:s3cret@127.0.0.1:1/query", "list", "plans")
    assert r.exit_code == 2
    assert "s3cret" not in r.output and "DRIVERS_ENDPOINT_PASSWORD" in r.output


class _Recorder(http.server.BaseHTTPRequestHandler):
    seen: list = []

    def do_POST(self):  # noqa: N802 - the http.server API
        self.seen.append(self.headers.get("Authorization"))
        self.send_response(401, "Unauthorized")
        self.end_headers()
        self.wfile.write(b"no")

    def log_message(self, *args):
        pass


def test_credentials_come_from_the_environment_and_are_not_printed(monkeypatch):
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{srv.server_address[1]}/query?secret-param=1"
        monkeypatch.setenv("DRIVERS_ENDPOINT_USER", "alice")
        monkeypatch.setenv("DRIVERS_ENDPOINT_PASSWORD", "s3cret")
        r = cli("--endpoint", url, "list", "plans")
        assert r.exit_code == 2
        assert "HTTP 401" in r.output and "DRIVERS_ENDPOINT_USER" in r.output
        assert "s3cret" not in r.output and "secret-param" not in r.output
        assert _Recorder.seen[-1] == "Basic YWxpY2U6czNjcmV0"  # alice:s3cret
        monkeypatch.setenv("DRIVERS_ENDPOINT_TOKEN", "tok-123")
        r = cli("--endpoint", url, "list", "plans")
        assert _Recorder.seen[-1] == "Bearer tok-123" and "tok-123" not in r.output
    finally:
        srv.shutdown()


def _raw(url: str, text: str) -> list:
    """A .rq file's text as any SPARQL client sends it (protocol POST, the union as default graph)."""
    import urllib.parse
    import urllib.request
    from graph.core.namespace import DEFAULT_BASE
    body = urllib.parse.urlencode({"query": text, "default-graph-uri": f"{DEFAULT_BASE}graph/union"}).encode()
    req = urllib.request.Request(url, data=body, headers={"Accept": "application/sparql-results+json",
                                                          "Content-Type": "application/x-www-form-urlencoded"})
    with urllib.request.urlopen(req, timeout=60) as r:  # loopback: the test's own server
        return json.loads(r.read())["results"]["bindings"]


@pytest.mark.parametrize("name", sorted(Q.load_named()))
def test_every_rq_file_runs_raw_in_another_client_and_is_safe_unbound(pushed, name):
    """The .rq files as they are on disk, sent by a plain SPARQL client: a required parameter left
    unbound gives no rows (never every node's); replaced as the header says, the rows the CLI gives."""
    q = Q.get_named(name)
    from graph.core.paths import QUERIES
    text = (QUERIES / f"{name}.rq").read_text(encoding="utf-8")
    rows = _raw(pushed, text)
    required = [p for p in q.params if p.required]
    if required:
        assert rows == [], (name, len(rows))
        assert "# usage:" in text
        filled = text
        for pair in PARAMS[name]:
            key, value = pair.split("=", 1)
            p = next(x for x in q.params if x.name == key)
            lit = value if p.type == "integer" else json.dumps(value)
            filled = re.sub(rf"\?{key}\b", lit, filled)
        rows = _raw(pushed, filled)
    args = ["query", name, *[x for p in PARAMS.get(name, []) if required for x in ("-p", p)], "--format", "json"]
    local = cli("--store", "rdflib", *args)
    assert local.exit_code == 0, local.output
    assert len(rows) == len(json.loads(local.output)) > 0, name
