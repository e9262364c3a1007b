"""Our own adversarial cases (issue 14, item 7), beyond the issue's list: consoles that cannot show
the text, arguments that are not text, pipes closed early, pipes and devices where files belong,
URLs that cannot be URLs, servers that break off or lie about their length, terminal escapes from
an argument or a server, look-alike characters. Each must end in one clear line (exit 2, or the
answer), never a traceback, a hang or a credential on the screen.
"""

from __future__ import annotations

import http.server
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main

from .conftest import TINY
from .serving import fake_server

ROOT = Path(__file__).resolve().parents[1]


def cli(*args: str, env: dict | None = None, store: str = "oxigraph"):
    return CliRunner().invoke(main, ["--data", str(TINY), "--store", store, *args], env=env)


def error(r, *fragments: str, code: int = 2) -> None:
    assert r.exit_code == code, r.output
    assert "Traceback" not in r.output and "a bug in drivers" not in r.output, r.output
    for f in fragments:
        assert f in r.output, r.output


def proc(*args: str, env: dict | None = None, timeout: float = 120, **kw):
    return subprocess.run([sys.executable, "-m", "cli", "--data", str(TINY), *args], cwd=ROOT, capture_output=True,
                          env={**os.environ, **(env or {})}, timeout=timeout, **kw)


# -- consoles and pipes ------------------------------------------------------------------------------

@pytest.mark.parametrize("encoding", ["cp1252", "cp437", "latin-1"])
def test_a_console_that_cannot_show_the_text_gets_question_marks_and_one_note(encoding):
    r = proc("why", "action-1", env={"PYTHONIOENCODING": encoding})
    err = r.stderr.decode(encoding, "replace")
    assert r.returncode == 0 and "Traceback" not in err, err
    assert b"?" in r.stdout and b"action-1" in r.stdout
    notes = [ln for ln in err.splitlines() if ln.startswith("Note:")]
    assert len(notes) == 1 and "could not be shown" in notes[0], err


def test_an_error_message_on_such_a_console_does_not_crash():
    r = proc("show", "nope\u2011id", env={"PYTHONIOENCODING": "ascii"})
    err = r.stderr.decode("ascii", "replace")
    assert r.returncode == 2 and "Traceback" not in err and "U+2011" in err, err


def test_a_pipe_closed_early_is_not_a_traceback():
    p = subprocess.Popen(f"{sys.executable} -m cli list articles | head -c 10", shell=True, cwd=ROOT,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, err = p.communicate(timeout=120)
    assert b"Traceback" not in err and b"BrokenPipe" not in err, err


def test_an_argument_that_is_not_utf8_is_refused_by_position():
    r = cli("show", "caf\udce9")
    error(r, "argument", "is not UTF-8 text", "byte 0xe9", "UTF-8")


def test_a_terminal_escape_in_an_argument_is_shown_escaped():
    r = cli("show", "\x1b[2J\x1b]0;owned\x07x")
    error(r, "\\x1b[2J")
    assert "\x1b" not in r.output and "\x07" not in r.output


def test_bidi_overrides_in_an_argument_are_shown_escaped():
    r = cli("show", "nope-id\u202e")
    assert "\u202e" not in r.output and "\\u202e" in r.output, r.output


# -- files that are not files -------------------------------------------------------------------------

def test_a_pipe_among_the_data_files_is_a_message_not_a_hang(tmp_path):
    import shutil
    data = tmp_path / "data"
    shutil.copytree(TINY, data)
    os.mkfifo(data / "extra.yaml")
    r = subprocess.run([sys.executable, "-m", "cli", "--data", str(data), "list", "plans"], cwd=ROOT,
                       capture_output=True, text=True, timeout=120,
                       env={**os.environ, "DRIVERS_CACHE_DIR": str(tmp_path / "c")})
    assert r.returncode == 2 and "not a regular file" in r.stderr and "extra.yaml" in r.stderr, r.stderr


@pytest.mark.parametrize("command", ["ingest", "import"])
def test_reading_a_device_that_never_ends_is_refused(command, tmp_path):
    import shutil
    data = tmp_path / "data"
    shutil.copytree(TINY, data)
    r = subprocess.run([sys.executable, "-m", "cli", "--data", str(data), command, "/dev/zero", "--edition", "2030"],
                       cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and "/dev/zero" in r.stderr and "not a regular file" in r.stderr, r.stderr


def test_a_query_file_over_a_megabyte_is_refused(tmp_path):
    q = tmp_path / "big.rq"
    q.write_text("# " + "x" * 1_100_000 + "\nASK { ?s ?p ?o }", encoding="utf-8")
    error(cli("sparql", f"@{q}"), "big.rq", "over 1000 KB")


def test_a_query_text_far_longer_than_any_real_one_is_refused():
    error(cli("sparql", "ASK { ?s ?p ?o } # " + "x" * 300_000), "characters; at most")


@pytest.mark.parametrize("bom,encoding", [(b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"),
                                          (b"\xef\xbb\xbf", "utf-8")])
def test_a_query_file_saved_by_notepad_answers(tmp_path, bom, encoding):
    q = tmp_path / "q.rq"
    q.write_bytes(bom + "SELECT ?id WHERE { ?d a dg:Driver ; dcterms:identifier ?id } ORDER BY ?id LIMIT 1"
                  .encode(encoding))
    r = cli("sparql", f"@{q}", "--format", "json")
    assert r.exit_code == 0 and json.loads(r.output) == [{"id": "act-a"}], r.output


# -- URLs and servers -----------------------------------------------------------------------------------

@pytest.mark.parametrize("url,fragment", [
    ("http://127.0.0.1:99999/query", "not a valid URL"),
    ("http://[::1/query", "not a valid URL"),
    ("http://127.0.0.1:1/que ry", "space or control character"),
    ("http://127.0.0.1:1/q\r\nX-Injected: 1", "space or control character"),
    ("ftp://127.0.0.1/query", "must be an http:// or https:// URL"),
    ("http:///query", "must be an http:// or https:// URL"),
])
def test_an_endpoint_that_cannot_be_a_url_is_one_message(url, fragment):
    error(cli("--endpoint", url, "list", "plans"), fragment)
    error(cli("push", "--endpoint", url), fragment)


def test_a_token_in_the_endpoints_path_or_query_is_never_shown():
    token = "tok-in-path-s3cret"
    r = cli("--endpoint", f"http://127.0.0.1:1/{token}/query?apikey={token}", "list", "plans",
            env={"DRIVERS_ENDPOINT_TOKEN": token})
    error(r, "cannot reach", "127.0.0.1:1")
    assert token not in r.output


class Broken(http.server.BaseHTTPRequestHandler):
    mode = "close"

    def _answer(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))  # the whole request first: no reset
        if self.mode == "close":  # the connection closed before any answer
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        if self.mode == "bad-status":
            self.wfile.write(b"HELLO THERE\r\n\r\n")
            return
        if self.mode == "short":  # says 1000 bytes, sends 10, closes
            self.send_response(200)
            self.send_header("Content-Length", "1000")
            self.end_headers()
            self.wfile.write(b'{"head": {')
            return
        if self.mode == "escape":  # a literal with terminal escapes, as a hostile server's data
            body = json.dumps({"head": {"vars": ["x"]}, "results": {"bindings": [
                {"x": {"type": "literal", "value": "ok\x1b[2J\x1b]0;owned\x07\u202eevil"}}]}}).encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    do_GET = do_POST = do_PUT = _answer  # noqa: N815

    def log_message(self, *args):
        pass


@pytest.fixture()
def broken():
    with fake_server(Broken) as (_, url):
        yield url


@pytest.mark.parametrize("mode", ["close", "bad-status", "short"])
def test_a_server_that_breaks_off_is_one_message(broken, mode):
    Broken.mode = mode
    r = cli("--endpoint", broken, "sparql", "SELECT ?x WHERE { ?x ?y ?z }", env={"DRIVERS_ENDPOINT_TIMEOUT": "10"})
    error(r, "127.0.0.1")


def test_terminal_escapes_in_a_servers_data_are_shown_escaped(broken):
    Broken.mode = "escape"
    r = cli("--endpoint", broken, "sparql", "SELECT ?x WHERE { ?x ?y ?z }")
    assert r.exit_code == 0, r.output
    assert "\x1b" not in r.output and "\x07" not in r.output and "\u202e" not in r.output, repr(r.output)
    assert "\\x1b[2J" in r.output


# -- the environment -------------------------------------------------------------------------------------

def test_a_cache_folder_that_is_not_utf8_is_named():
    error(cli("list", "plans", env={"DRIVERS_CACHE_DIR": "/tmp/\udcff"}), "DRIVERS_CACHE_DIR is not UTF-8")


@pytest.mark.parametrize("value", ["nan", "inf", "-1"])
def test_the_worker_limit_options_of_serve_refuse_nan(value):
    for opt in ("--query-timeout", "--refresh"):
        r = cli("serve", opt, value, "--port", "0")
        assert r.exit_code == 2 and opt in r.output and "Traceback" not in r.output, r.output
