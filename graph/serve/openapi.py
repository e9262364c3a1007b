"""The API's OpenAPI 3.1 description (``/api``) and a plain HTML list of it (``/docs``), both made from
the endpoint table in :mod:`.app`, so they say exactly what the server accepts."""

from __future__ import annotations

import html

ERROR = {"type": "object", "required": ["status", "error", "message"],
         "properties": {"status": {"type": "integer"}, "error": {"type": "string"}, "message": {"type": "string"}}}
ERRORS = {"400": "a parameter is wrong (the message names it)", "404": "no record with that id or number",
          "502": "the SPARQL server (--endpoint) failed", "503": "the query time limit, or no data loaded yet"}


def _schema(p) -> dict:
    out: dict = {"type": p.type}
    if p.default is not None:
        out["default"] = p.default
    if p.minimum is not None:
        out["minimum"] = p.minimum
    if p.maximum is not None:
        out["maximum"] = p.maximum
    if p.choices:
        out["enum"] = list(p.choices)
    return out


def spec(endpoints) -> dict:
    from .. import __version__
    paths: dict = {
        "/": {"get": {"summary": "The explorer page", "operationId": "page",
                      "responses": {"200": {"description": "HTML", "content": {"text/html": {}}}}}},
        "/healthz": {"get": {"summary": "Whether the server has data to answer from, and which",
                             "operationId": "health",
                             "responses": {"200": {"description": "ok, or stale (the newest data could not be "
                                                                  "loaded; the message says why)"},
                                           "503": {"description": "no data loaded"}}}},
    }
    for ep in endpoints:
        op: dict = {"summary": ep.summary, "operationId": ep.name,
                    "parameters": [{"name": p.name, "in": p.where, "required": p.required or p.where == "path",
                                    "description": p.description, "schema": _schema(p)} for p in ep.params]}
        same = f" The same JSON as `{ep.cli} --format json`." if ep.cli else ""
        if ep.extra_params:
            op["description"] = "Other query parameters are the named query's own (see /api/queries)." + same
        elif same:
            op["description"] = same.strip()
        op["responses"] = {"200": {"description": "the answer", "content": {"application/json": {}}},
                           **{code: {"description": text, "content": {"application/json": {
                               "schema": {"$ref": "#/components/schemas/Error"}}}} for code, text in ERRORS.items()}}
        methods = {m.lower(): dict(op) for m in ep.methods}
        if "post" in methods:
            post = dict(op, operationId=ep.name + "_post", parameters=[])
            post["requestBody"] = {"content": {"application/sparql-query": {"schema": {"type": "string"}},
                                               "application/x-www-form-urlencoded": {"schema": {
                                                   "type": "object", "properties": {"query": {"type": "string"}}}}}}
            methods["post"] = post
        paths[ep.path] = methods
    return {"openapi": "3.1.0",
            "info": {"title": "drivers-graph", "version": __version__,
                     "description": "Read-only answers over the graph of strategic drivers and plans."},
            "paths": paths, "components": {"schemas": {"Error": ERROR}}}


def docs_html(endpoints) -> str:
    """The endpoints as a page a person can read (no scripts; every text escaped)."""
    e = html.escape
    rows = []
    for ep in endpoints:
        params = ", ".join(f"<code>{e(p.name)}</code>{'' if p.required else '?'}" for p in ep.params
                           if p.where == "query")
        cli = f"<br><small>= <code>{e(ep.cli)} --format json</code></small>" if ep.cli else ""
        rows.append(f"<tr><td>{e(' '.join(ep.methods))}</td><td><code>{e(ep.path)}</code></td><td>{params}</td>"
                    f"<td>{e(ep.summary)}{cli}</td></tr>")
    return ("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>drivers-graph API</title>"
            "<style>body{font:15px/1.45 system-ui,sans-serif;margin:2em;max-width:70em}td,th{padding:.3em .6em;"
            "border-bottom:1px solid #ddd;text-align:left;vertical-align:top}</style></head><body>"
            "<h1>drivers-graph API</h1><p>Read-only JSON. The OpenAPI description is at <a href=\"api\">/api</a>; "
            "errors are <code>{\"status\", \"error\", \"message\"}</code>.</p><table><tr><th>method</th><th>path"
            "</th><th>parameters</th><th>answer</th></tr>" + "".join(rows) + "</table></body></html>")
