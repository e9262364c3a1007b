"""Credentials never reach the user (issue 14, item 1), whatever a server does with them.

A fake SPARQL server echoes the request's credentials back in every form a server or a proxy
might: in the HTTP reason phrase, raw in the body, HTML-escaped, URL-encoded, as the base64 of
the Basic header, split by white space that a message collapses, straddling the point where a
long body is cut, in a redirect's address. Each route that talks to a server is tried: a read
command (CONSTRUCT), `sparql` and `query` (SELECT), `push` (PUT), and `drivers serve --endpoint`'s
API and /healthz. Header values are checked before anything is sent (CR, LF, control characters,
bytes that are not UTF-8), and the message names the variable, never its value.
"""

from __future__ import annotations

import base64
import html
import http.server
import json
import time
import urllib.parse

import pytest
from click.testing import CliRunner

from cli import main
from graph.core import secrets

from .conftest import TINY

from .serving import fake_server

TOKEN = "tok-S3CRET-a/b+c=77"
USER, PASSWORD = "officer", "pw S3cret&<x>'\"42"
BASIC = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()


def _forms(secret: str) -> list[str]:
    """How a server may echo ``secret``: the spellings the tests look for in the output."""
    return [secret, html.escape(secret), urllib.parse.quote(secret, safe=""), urllib.parse.quote_plus(secret),
            base64.b64encode(secret.encode()).decode(), json.dumps(secret)[1:-1]]


ECHOES = {
    # name: (reason phrase, body) built from the Authorization header the server received
    "reason": lambda auth: (f"Denied {auth}", "no"),
    "raw": lambda auth: ("Server Error", f"internal error for {auth}"),
    "html": lambda auth: ("Server Error", f"<p>bad credentials {html.escape(auth)} {html.escape(PASSWORD)}</p>"),
    "urlencoded": lambda auth: ("Server Error", "retry at /login?auth=" + urllib.parse.quote(auth, safe="")
                                + "&p=" + urllib.parse.quote_plus(PASSWORD) + "&q=" + urllib.parse.quote(TOKEN)),
    "base64": lambda auth: ("Server Error", f"basic={BASIC} token64={base64.b64encode(TOKEN.encode()).decode()}"),
    "whitespace": lambda auth: ("Server Error", f"auth:\n\n   {auth}\t\t{PASSWORD}\n"),
    "cut": lambda auth: ("Server Error", "x" * 290 + f" {auth} " + "y" * 2000),
    "straddle": lambda auth: ("Server Error", "z" * 297 + TOKEN + PASSWORD + "tail"),
    "json": lambda auth: ("Server Error", json.dumps({"error": auth, "password": PASSWORD})),
}


class Fake(http.server.BaseHTTPRequestHandler):
    mode = "raw"
    seen: list = []

    def _answer(self):
        auth = self.headers.get("Authorization") or ""
        self.rfile.read(int(self.headers.get("Content-Length") or 0))  # the whole request first: no reset
        Fake.seen.append(auth)
        if self.mode == "ok":  # a working server with a one-triple union graph
            nt = "text/plain" if "n-triples" in (self.headers.get("Accept") or "") else "application/json"
            data = (b"<http://x.example/a> <http://x.example/b> <http://x.example/c> .\n" if nt == "text/plain" else
                    json.dumps({"head": {"vars": ["s"]}, "results": {"bindings": []}}).encode())
            self.send_response(200)
            self.send_header("Content-Type", nt)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            return
        if self.mode == "redirect":
            self.send_response(302)
            self.send_header("Location", f"http://evil.example/{TOKEN}/{BASIC}?t={TOKEN}")
            self.end_headers()
            return
        reason, body = ECHOES[self.mode](auth)
        data = body.encode()
        # http.server writes the reason phrase as given (latin-1): a reflected header goes in verbatim
        self.send_response_only(401 if self.mode == "reason" else 500, reason.replace("\r", " ").replace("\n", " "))
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_DELETE = _answer  # noqa: N815 - the http.server API

    def log_message(self, *args):
        pass


@pytest.fixture()
def url():
    Fake.seen = []
    with fake_server(Fake) as (_, url):
        yield url


ENVS = {"token": {"DRIVERS_ENDPOINT_TOKEN": TOKEN},
        "basic": {"DRIVERS_ENDPOINT_USER": USER, "DRIVERS_ENDPOINT_PASSWORD": PASSWORD}}
ROUTES = {
    "construct": lambda url: ["--endpoint", url, "list", "plans"],
    "sparql": lambda url: ["--endpoint", url, "sparql", "SELECT * WHERE { ?s ?p ?o } LIMIT 1"],
    "query": lambda url: ["--endpoint", url, "query", "what-drives", "--param", "action=x"],
    "push": lambda url: ["push", "--endpoint", url],
}


def run(args, env):
    return CliRunner().invoke(main, ["--data", str(TINY), *args], env=env)


def assert_no_secret(text: str, env: dict | None = None) -> None:
    """No form of the credentials in ``env`` (default: all of them) is in ``text``."""
    env = env or {**ENVS["token"], **ENVS["basic"]}
    shown = [TOKEN] if "DRIVERS_ENDPOINT_TOKEN" in env else [PASSWORD, BASIC]
    for s in shown:
        for f in _forms(s):
            assert f not in text, f"{f!r} shown in:\n{text}"
        assert s[:8] not in text, f"{s[:8]!r} shown in:\n{text}"  # nor the first half of one cut off


@pytest.mark.parametrize("mode", sorted(ECHOES))
@pytest.mark.parametrize("route", sorted(ROUTES))
@pytest.mark.parametrize("cred", sorted(ENVS))
def test_an_echoing_server_never_makes_a_credential_visible(url, mode, route, cred):
    Fake.mode = mode
    r = run(ROUTES[route](url), ENVS[cred])
    assert r.exit_code == 2, r.output
    assert r.output.startswith("Error: ") and "Traceback" not in r.output and "a bug in drivers" not in r.output
    assert "127.0.0.1" in r.output and ("HTTP 500" in r.output or "HTTP 401" in r.output), r.output
    assert_no_secret(r.output, ENVS[cred])
    assert Fake.seen and Fake.seen[0] in (f"Bearer {TOKEN}", f"Basic {BASIC}")  # it was sent, as it should be


@pytest.mark.parametrize("cred", sorted(ENVS))
def test_a_redirect_carrying_the_secret_in_its_address_is_not_followed_or_shown(url, cred):
    Fake.mode = "redirect"
    r = run(ROUTES["construct"](url), ENVS[cred])
    assert r.exit_code == 2 and "redirected to http://evil.example/" in r.output, r.output
    assert "not followed" in r.output
    assert_no_secret(r.output, ENVS[cred])
    assert len(Fake.seen) == 1  # the credentials went to the named server only


BAD_VALUES = {"cr": "tok-S3CRET\r", "crlf": "tok-S3CRET\r\n", "lf-inside": "tok-S3C\nRET", "tab": "tok\tS3CRET", "not-utf8": "tok\udcffS3CRET",
              "esc": "tok\x1bS3CRET", "del": "tok\x7fS3CRET"}


@pytest.mark.parametrize("var", ["DRIVERS_ENDPOINT_TOKEN", "DRIVERS_ENDPOINT_PASSWORD", "DRIVERS_ENDPOINT_USER"])
@pytest.mark.parametrize("kind", sorted(BAD_VALUES))
def test_a_header_value_with_a_line_break_or_control_character_is_refused_by_name(url, var, kind):
    value = BAD_VALUES[kind]
    env = {var: value}
    if var != "DRIVERS_ENDPOINT_TOKEN":
        env = {"DRIVERS_ENDPOINT_USER": USER, "DRIVERS_ENDPOINT_PASSWORD": PASSWORD, var: value}
    r = run(ROUTES["construct"](url), env)
    assert r.exit_code == 2 and var in r.output, r.output
    assert "Traceback" not in r.output and "S3CRET" not in r.output and "S3C" not in r.output, r.output
    assert not Fake.seen, "nothing may be sent with a bad header value"


def test_the_token_of_the_issue_on_an_unreachable_server():
    r = run(["--endpoint", "http://127.0.0.1:1/query", "list", "drivers"], {"DRIVERS_ENDPOINT_TOKEN": "tok-S3CRET\r"})
    assert r.exit_code == 2 and "DRIVERS_ENDPOINT_TOKEN contains a line break" in r.output, r.output
    assert "S3CRET" not in r.output


def test_a_token_with_spaces_or_non_ascii_is_refused_and_a_user_with_a_colon(url):
    for env, name in (({"DRIVERS_ENDPOINT_TOKEN": "tok S3CRET"}, "DRIVERS_ENDPOINT_TOKEN"),
                      ({"DRIVERS_ENDPOINT_TOKEN": "tök-S3CRET"}, "DRIVERS_ENDPOINT_TOKEN"),
                      ({"DRIVERS_ENDPOINT_USER": "a:b", "DRIVERS_ENDPOINT_PASSWORD": "S3CRET"}, "DRIVERS_ENDPOINT_USER")):
        r = run(ROUTES["construct"](url), env)
        assert r.exit_code == 2 and name in r.output and "S3CRET" not in r.output, r.output
    assert not Fake.seen


def test_redact_covers_each_form_and_cut_drops_a_started_secret(monkeypatch):
    monkeypatch.setenv("DRIVERS_ENDPOINT_TOKEN", TOKEN)
    monkeypatch.setenv("DRIVERS_ENDPOINT_USER", USER)
    monkeypatch.setenv("DRIVERS_ENDPOINT_PASSWORD", PASSWORD)
    for f in [*_forms(TOKEN), *_forms(PASSWORD), BASIC, BASIC.rstrip("="), TOKEN.upper(), html.escape(PASSWORD).upper()]:
        if True:
            assert "***" in secrets.redact(f"before {f} after") or "withheld" in secrets.redact(f"before {f} after")
            assert f not in secrets.redact(f"before {f} after")
    text = "a" * 20 + TOKEN
    for limit in range(20, 20 + len(TOKEN)):
        shown = secrets.cut(text, limit)
        assert not any(shown.rstrip("…").endswith(TOKEN[:k]) for k in range(4, len(TOKEN))), (limit, shown)
    assert secrets.redact("nothing secret here") == "nothing secret here"


def _get(url: str) -> str:
    import urllib.error
    import urllib.request
    try:
        with urllib.request.urlopen(url, timeout=60) as resp:
            return resp.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.read().decode()


def test_serve_with_an_echoing_endpoint_shows_no_credential(url, tmp_path):
    """drivers serve --endpoint: a failing start, the API's 502 messages and /healthz's problem are redacted,
    and so is the server's log."""
    import os
    import subprocess
    import sys

    from .serving import served_url
    env = {**os.environ, **ENVS["basic"], "DRIVERS_CACHE_DIR": str(tmp_path / "cache")}
    cmd = [sys.executable, "-m", "cli", "--endpoint", url, "serve", "--port", "0", "--refresh", "1"]
    Fake.mode = "raw"  # failing from the start: exit 2, one line, redacted
    first = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120)
    assert first.returncode == 2 and "HTTP 500" in first.stderr, first.stderr
    assert_no_secret(first.stderr + first.stdout, ENVS["basic"])
    Fake.mode = "ok"
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        base = served_url(proc, 120)
        Fake.mode = "raw"  # now every request fails, echoing the credentials
        sparql = _get(base + "api/sparql?query=" + urllib.parse.quote("SELECT * WHERE { ?s ?p ?o }"))
        assert "HTTP 500" in sparql and json.loads(sparql)["status"] == 502, sparql
        deadline, health = time.monotonic() + 60, ""
        while "problem" not in health and time.monotonic() < deadline:
            time.sleep(0.5)
            health = _get(base + "healthz")
        assert "HTTP 500" in json.loads(health)["problem"], health
        for body in (sparql, health):
            assert_no_secret(body, ENVS["basic"])
            assert_no_secret(json.dumps(json.loads(body), ensure_ascii=False), ENVS["basic"])
    finally:
        proc.terminate()
        try:
            _, err = proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            _, err = proc.communicate()
    assert_no_secret(err, ENVS["basic"])
