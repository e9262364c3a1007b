"""What every request passes before it is answered, and the headers every answer carries.

* Methods: GET and HEAD, POST only where an endpoint takes it (``/api/sparql``), OPTIONS only for
  CORS preflight when ``--cors`` is on; anything else is 405 (nothing here writes).
* Sizes: the URL at most :data:`MAX_URL` bytes (414), a body at most the endpoint's limit (413).
* ``Host``: when the server listens on loopback only the loopback names (plus ``--allow-host``)
  are answered (400 otherwise), so a web page elsewhere that points its own domain at 127.0.0.1
  (DNS rebinding) cannot read the graph through a browser.
* Headers: ``X-Content-Type-Options: nosniff``, ``Referrer-Policy: no-referrer``, no framing;
  JSON answers get ``Content-Security-Policy: default-src 'none'``; the page gets the policy it
  declares itself (scripts allowed by hash only), sent as a header too, with
  ``connect-src 'self'`` (it may fetch this API, nothing else) and ``frame-ancestors 'none'``.
"""

from __future__ import annotations

import json
import re

from ..core.errors import DriversError

MAX_URL = 8 * 1024
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")
BASE_HEADERS = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer"),
                (b"x-frame-options", b"DENY")]
JSON_CSP = b"default-src 'none'; frame-ancestors 'none'"
DOC_HEADERS = {"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; "
                                          "base-uri 'none'; form-action 'none'"}
_META_CSP = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">')


def page_headers(text: str) -> dict[str, str]:
    """The page's own policy (from its ``<meta>``) as a header, allowing fetches from this server only."""
    m = _META_CSP.search(text)
    policy = m.group(1) if m else "default-src 'none'"
    parts = [p.strip() for p in policy.split(";") if p.strip()]
    parts = [p for p in parts if not p.startswith(("connect-src", "frame-ancestors"))]
    parts += ["connect-src 'self'", "frame-ancestors 'none'"]
    return {"Content-Security-Policy": "; ".join(parts), "Cache-Control": "no-cache"}


def host_name(value: str) -> str:
    """The name in a ``Host`` header, without its port (``[::1]:8000`` -> ``::1``), lower case."""
    value = value.strip().lower()
    if value.startswith("["):
        return value[1:value.find("]")] if "]" in value else value
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


def _error(status: int, message: str) -> tuple[int, bytes]:
    from http import HTTPStatus
    return status, json.dumps({"status": status, "error": HTTPStatus(status).phrase, "message": message}).encode()


class Guard:
    """ASGI middleware: checks method, URL size and ``Host``; adds the safety headers."""

    def __init__(self, app, allowed_hosts: tuple[str, ...] | None = None, cors: bool = False):
        self.app = app
        self.allowed = None if allowed_hosts is None else {h.lower() for h in allowed_hosts}
        self.cors = cors

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        problem = self._check(scope)
        if problem is not None:
            status, body = problem
            await send({"type": "http.response.start", "status": status,
                        "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                                    (b"content-security-policy", JSON_CSP), *BASE_HEADERS]})
            await send({"type": "http.response.body", "body": body})
            return

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"server"]
                have = {k.lower() for k, _ in headers}
                extra = [(k, v) for k, v in BASE_HEADERS if k not in have]
                if b"content-security-policy" not in have:
                    extra.append((b"content-security-policy", JSON_CSP))
                if b"cache-control" not in have:
                    extra.append((b"cache-control", b"no-cache"))
                if not self.cors:
                    extra.append((b"cross-origin-resource-policy", b"same-origin"))
                message = {**message, "headers": headers + extra}
            await send(message)
        await self.app(scope, receive, send_with_headers)

    def _check(self, scope) -> tuple[int, bytes] | None:
        method = scope["method"]
        if method not in ("GET", "HEAD", "POST") and not (method == "OPTIONS" and self.cors):
            return _error(405, f"{method} is not allowed: the API is read-only (GET, HEAD, and POST for /api/sparql)")
        if len(scope.get("raw_path") or scope["path"].encode()) + len(scope.get("query_string", b"")) > MAX_URL:
            return _error(414, f"the URL is longer than {MAX_URL} bytes; POST a long SPARQL query to /api/sparql")
        headers = dict(scope.get("headers") or [])
        if self.allowed is not None:
            host = host_name(headers.get(b"host", b"").decode("latin-1"))
            if host not in self.allowed:
                return _error(400, "this server does not answer for that Host name; its operator can allow it "
                                   "with 'drivers serve --allow-host NAME'")
        length = headers.get(b"content-length")
        if length is not None and (not length.isdigit() or len(length) > 12):
            return _error(400, "the Content-Length header is not a number")
        if method != "POST" and length not in (None, b"0"):
            return _error(413, f"{method} requests take no body")
        return None


class TooLarge(DriversError):
    """The request body is over the limit (HTTP 413)."""


async def read_body(request, limit: int) -> bytes:
    """The request body, at most ``limit`` bytes (413 past that, also when it is sent in chunks)."""
    message = f"the request body is larger than {limit} bytes"
    length = request.headers.get("content-length")
    if length is not None and length.isdigit() and int(length) > limit:
        raise TooLarge(message)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise TooLarge(message)
        chunks.append(chunk)
    return b"".join(chunks)
