"""Remote use fails safely (issue 7, item 5; tests/test_server.py has the working server): a server
that hangs, fails, echoes secrets, redirects or has a certificate we cannot verify gives exit 2 with
the URL and what to do, and never shows a credential from the environment."""

from __future__ import annotations

import http.server
import shutil
import ssl
import subprocess
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main

from .conftest import TINY
from .serving import fake_server

SECRET, TOKEN = "pw-s3cret-41", "tok-s3cret-42"


class _Handler(http.server.BaseHTTPRequestHandler):
    mode = "echo"

    def _answer(self):
        if self.mode == "hang":
            time.sleep(3)
            return
        if self.mode == "redirect":
            self.send_response(302)
            self.send_header("Location", "http://evil.example/steal")
            self.end_headers()
            return
        # a badly behaved server that echoes the request, credentials included, in its error
        body = f"internal error for {self.headers.get('Authorization')} password={SECRET} token={TOKEN}"
        self.send_response(500, "Server Error")
        self.end_headers()
        self.wfile.write(body.encode())

    do_GET = do_POST = do_PUT = _answer  # noqa: N815 - the http.server API

    def log_message(self, *args):
        pass


@pytest.fixture()
def server():
    with fake_server(_Handler) as served:
        yield served


def cli(*args: str, env: dict | None = None):
    return CliRunner().invoke(main, ["--data", str(TINY), *args], env=env)


def check(r, url: str, env: dict) -> None:
    assert r.exit_code == 2, r.output
    assert "Traceback" not in r.output and url.rsplit("/", 1)[0] in r.output
    secrets = [v for k, v in env.items() if k in ("DRIVERS_ENDPOINT_PASSWORD", "DRIVERS_ENDPOINT_TOKEN")]
    if "DRIVERS_ENDPOINT_PASSWORD" in env:  # and the Basic header it makes
        import base64

        secrets.append(base64.b64encode(f"{env['DRIVERS_ENDPOINT_USER']}:{SECRET}".encode()).decode())
    for s in secrets:
        assert s not in r.output, r.output


@pytest.mark.parametrize("env", [{"DRIVERS_ENDPOINT_USER": "officer", "DRIVERS_ENDPOINT_PASSWORD": SECRET},
                                 {"DRIVERS_ENDPOINT_TOKEN": TOKEN}])
def test_a_failing_server_that_echoes_secrets_does_not_make_us_show_them(server, env):
    _Handler.mode = "echo"
    srv, url = server
    for args in (["--endpoint", url, "list", "plans"], ["push", "--endpoint", url]):
        r = cli(*args, env=env)
        check(r, url, env)
        assert "HTTP 500" in r.output


def test_a_server_that_never_answers_times_out_with_the_url(server):
    _Handler.mode = "hang"
    srv, url = server
    start = time.monotonic()
    env = {"DRIVERS_ENDPOINT_TIMEOUT": "0.5", "DRIVERS_ENDPOINT_PASSWORD": SECRET, "DRIVERS_ENDPOINT_USER": "officer"}
    r = cli("--endpoint", url, "list", "plans", env=env)
    check(r, url, env)
    assert time.monotonic() - start < 2.5
    assert "DRIVERS_ENDPOINT_TIMEOUT" in r.output


def test_a_redirect_is_refused_so_credentials_stay_with_the_named_server(server):
    _Handler.mode = "redirect"
    srv, url = server
    r = cli("--endpoint", url, "list", "plans", env={"DRIVERS_ENDPOINT_TOKEN": TOKEN})
    check(r, url, {"DRIVERS_ENDPOINT_TOKEN": TOKEN})


@pytest.mark.skipif(not shutil.which("openssl"), reason="needs the openssl command to make a certificate")
def test_tls_certificates_are_verified(tmp_path: Path):
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out",
                    str(cert), "-days", "1", "-subj", "/CN=127.0.0.1"], check=True, capture_output=True)
    _Handler.mode = "echo"
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    with fake_server(_Handler, wrap=lambda sock: ctx.wrap_socket(sock, server_side=True)) as (_, url):
        r = cli("--endpoint", url, "list", "plans", env={"DRIVERS_ENDPOINT_TOKEN": TOKEN})
        check(r, url, {"DRIVERS_ENDPOINT_TOKEN": TOKEN})
        assert "CERTIFICATE_VERIFY_FAILED" in r.output or "certificate" in r.output.lower()
        assert "HTTP 500" not in r.output  # the request never got through
