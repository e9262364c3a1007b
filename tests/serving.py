"""Starting `drivers serve --port 0` and reading the URL it prints: shared by tests/test_serve.py and
benchmarks/serve_load.py."""

from __future__ import annotations

import contextlib
import http.server
import re
import selectors
import subprocess
import threading
import time


def served_url(proc: subprocess.Popen, timeout: float) -> str:
    """The URL a starting `drivers serve` prints (its stdout a text pipe); RuntimeError with the end of
    its stderr when it exits or ``timeout`` seconds pass first (it is killed then)."""
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    deadline, line = time.monotonic() + timeout, ""
    try:
        while "Serving" not in line:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError(f"drivers serve did not start: {proc.stderr.read()[-2000:]}")
            if sel.select(timeout=1):
                line = proc.stdout.readline()
    finally:
        sel.close()
    return re.search(r"http://[^ ]+/", line).group(0)


@contextlib.contextmanager
def fake_server(handler, wrap=None):
    """A local HTTP server (``http.server`` with ``handler``) in a thread: yields the server and its
    ``/query`` URL (``https`` when ``wrap(socket)`` wraps the socket in TLS); shut down after."""
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    srv.daemon_threads = True
    if wrap is not None:
        srv.socket = wrap(srv.socket)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        yield srv, f"{'https' if wrap else 'http'}://127.0.0.1:{srv.server_address[1]}/query"
    finally:
        srv.shutdown()
        srv.server_close()
