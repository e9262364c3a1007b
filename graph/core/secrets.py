"""Credentials from the environment, and the one redaction every user-visible string goes through.

The SPARQL server credentials (``DRIVERS_ENDPOINT_TOKEN``, ``DRIVERS_ENDPOINT_USER`` +
``DRIVERS_ENDPOINT_PASSWORD``) must never be shown: not in a message, not in a server's reason
phrase or error body that echoes them back, not in a URL. :func:`redact` replaces every form a
server (or a library's error) may give them in — raw, stripped, the Basic ``user:password`` in
base64 (padded or not, URL-safe or not), URL-encoded (either case of hex, ``+`` or ``%20`` for
spaces), HTML-escaped (named, decimal or hex entities), JSON-escaped and with its white space
collapsed — by ``***``, case-insensitively. Call it on the *whole* string before cutting or
reformatting it; :func:`cut` then shortens it and drops a tail that could be the start of one.

>>> import os; os.environ["DRIVERS_ENDPOINT_TOKEN"] = "tok-123456"
>>> redact("echo: Bearer tok-123456")
'echo: Bearer ***'
"""

from __future__ import annotations

import base64
import html
import json
import os
import re
import urllib.parse

TOKEN_ENV, USER_ENV, PASSWORD_ENV = "DRIVERS_ENDPOINT_TOKEN", "DRIVERS_ENDPOINT_USER", "DRIVERS_ENDPOINT_PASSWORD"
MASK = "***"
_MIN_PREFIX = 4  # a cut-off tail this long that starts a secret is dropped


def _raw_secrets() -> list[str]:
    return [v for v in (os.environ.get(TOKEN_ENV), os.environ.get(PASSWORD_ENV)) if v]


def _b64_forms(raw: bytes) -> set[str]:
    out = set()
    for enc in (base64.b64encode, base64.urlsafe_b64encode):
        s = enc(raw).decode("ascii")
        out |= {s, s.rstrip("=")}
    return out


def _html_forms(s: str) -> set[str]:
    forms = {html.escape(s, quote=True), html.escape(s, quote=False)}
    for table in ({"'": "&#39;", '"': "&#34;"}, {"'": "&#x27;", '"': "&#x22;"}, {"'": "&apos;", '"': "&quot;"}):
        t = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        for k, v in table.items():
            t = t.replace(k, v)
        forms.add(t)
    forms.add("".join(f"&#{ord(c)};" for c in s))
    forms.add("".join(f"&#x{ord(c):x};" for c in s))
    return forms


def forms(secret: str) -> set[str]:
    """Every spelling of ``secret`` that redaction looks for (see the module's docstring)."""
    out: set[str] = set()
    for s in {secret, secret.strip(), " ".join(secret.split())}:
        if not s:
            continue
        out.add(s)
        out.add(json.dumps(s, ensure_ascii=True)[1:-1])
        out.add(json.dumps(s, ensure_ascii=False)[1:-1])
        out.add(repr(s)[1:-1])
        out |= _html_forms(s)
        b = s.encode("utf-8", "surrogateescape")
        for q in (urllib.parse.quote(b, safe=""), urllib.parse.quote_plus(b, safe=""), urllib.parse.quote(b)):
            out.add(q)
        out |= _b64_forms(s.encode("utf-8", "surrogateescape"))
    return {f for f in out if f}


def _all_forms() -> list[str]:
    found: set[str] = set()
    for s in _raw_secrets():
        found |= forms(s)
    user, password = os.environ.get(USER_ENV), os.environ.get(PASSWORD_ENV)
    if user is not None or password is not None:  # the Basic header's value, as sent
        pair = f"{user or ''}:{password or ''}".encode("utf-8", "surrogateescape")
        found |= _b64_forms(pair)
    return sorted(found, key=len, reverse=True)


def redact(text: str) -> str:
    """``text`` with every form of every credential in the environment replaced by ``***``."""
    if not text:
        return text
    try:
        return _redact(text)
    except Exception:  # noqa: BLE001 - never let a message through unchecked
        return "[withheld: it could not be checked for credentials]"


def _redact(text: str) -> str:
    found = _all_forms()
    if not found:
        return text
    pattern = re.compile("|".join(map(re.escape, found)), re.IGNORECASE)
    text = pattern.sub(MASK, text)
    # a server may interleave markup or white space inside an echoed secret; compare once more
    # with all white space removed, and if a secret is still there, show nothing of the text
    squeezed = re.sub(r"\s+", "", html.unescape(urllib.parse.unquote_plus(text)))
    if any(f.lower() in squeezed.lower() for f in found if len(f) >= _MIN_PREFIX):
        return "[withheld: it contained a credential]"
    return text


def cut(text: str, limit: int) -> str:
    """``redact``-ed ``text`` shortened to ``limit`` characters (``…`` added), with a tail that could be the
    start of a credential dropped too."""
    text = redact(text)
    if len(text) <= limit:
        return text
    text = text[:limit]
    for f in _all_forms():
        for k in range(min(len(f) - 1, len(text)), _MIN_PREFIX - 1, -1):
            if text.lower().endswith(f[:k].lower()):
                text = text[:-k]
                break
    return text + "…"


def header_value(name: str, value: str) -> str:
    """``value`` checked for use in an HTTP header: refused (naming ``name``, never the value) when it
    holds a line break, another control character, or bytes that are not UTF-8."""
    from .errors import UsageError
    if any(0xDC80 <= ord(c) <= 0xDCFF for c in value):
        raise UsageError(f"{name} is not UTF-8 text — set it again (e.g. export {name}=...) in UTF-8")
    if "\r" in value or "\n" in value:
        raise UsageError(f"{name} contains a line break (often a token file saved on Windows, ending in CR LF) — "
                         f"remove it, e.g. export {name}=\"$(tr -d '\\r\\n' < FILE)\"")
    bad = next((c for c in value if ord(c) < 0x20 or ord(c) == 0x7F), None)
    if bad is not None:
        raise UsageError(f"{name} contains the control character U+{ord(bad):04X} — remove it and set it again")
    return value
