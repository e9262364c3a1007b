"""``drivers serve``: the explorer and the JSON API over HTTP (graph/serve/)."""

from __future__ import annotations

import ipaddress
import re
import socket
import sys
from pathlib import Path

import click

from .base import Ctx, Failure, Seconds, handle_errors, main

_ORIGIN = re.compile(r"https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?|https?://\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?")


def is_loopback(host: str) -> bool:
    """True when ``host`` names only this machine (127.0.0.0/8, ::1, localhost)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def resolve(host: str, port: int) -> tuple:
    """The address to listen on for ``host``:``port``, or exit 2 saying what to change."""
    try:
        return socket.getaddrinfo(host.strip("[]"), port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)[0]
    except (socket.gaierror, UnicodeError) as exc:
        raise Failure(f"--host {host!r} is not an address or a name this machine can resolve: {exc}") from None


def listen(host: str, port: int, info: tuple) -> socket.socket:
    """A listening socket on the resolved address (port 0: a free one), or exit 2 saying what to change."""
    family, kind, proto, _, addr = info
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(addr)
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        hint = "choose another with --port (0 picks a free one)" if exc.errno in (98, 48, 10048) else \
            "use a port above 1023, or another --host"
        raise Failure(f"cannot listen on {host}:{port}: {exc.strerror or exc} — {hint}") from None
    return sock


def url_of(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    if ":" in host:
        host = f"[{host}]"
    if host in ("0.0.0.0", "[::]"):
        host = "127.0.0.1" if host == "0.0.0.0" else "[::1]"
    return f"http://{host}:{port}/"


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Anything but loopback makes the graph visible to the network.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port to listen on (0: a free one, printed).")
@click.option("--data", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Folder of YAML data (default: the global --data, else ./data or the bundled data).")
@click.option("--endpoint", metavar="URL", default=None,
              help="Answer from this SPARQL server (see 'drivers push') instead of the local store.")
@click.option("--cors", "cors", multiple=True, metavar="ORIGIN",
              help="Let pages on this origin (e.g. https://intranet.example.org) read the API; repeat for more. "
                   "Default: off.")
@click.option("--allow-host", "allow_hosts", multiple=True, metavar="NAME",
              help="Also answer requests for this Host name (behind a reverse proxy that passes its own); repeat "
                   "for more.")
@click.option("--query-timeout", type=Seconds(3600, 0.1), default=10.0, show_default=True,
              help="Seconds a SPARQL or named query may run before it is stopped (503).")
@click.option("--max-rows", type=click.IntRange(1, 10_000_000), default=10_000, show_default=True,
              help="Rows a query returns at most (the answer then says it was cut).")
@click.option("--refresh", type=Seconds(86_400, 1), default=300.0, show_default=True,
              help="With --endpoint: seconds between fetches of the server's graph.")
@click.option("--access-log", is_flag=True, help="Print a line per request (for a team server, keep the proxy's).")
@click.pass_obj
@handle_errors
def serve(obj: Ctx, host: str, port: int, data: Path | None, endpoint: str | None, cors: tuple[str, ...],
          allow_hosts: tuple[str, ...], query_timeout: float, max_rows: int, refresh: float, access_log: bool) -> None:
    """Serve the explorer and a read-only JSON API (the answers of --format json) over HTTP.

    The page is at /, the API under /api (described at /api and /docs), /healthz says whether it
    has data. A change to the data files is picked up without a restart. Ctrl-C stops it.

    Example: drivers serve --port 8000
    """
    import uvicorn

    from graph.serve.app import _stderr_logging, create_app
    from graph.serve.guard import LOOPBACK_NAMES
    from graph.serve.live import Source
    from graph.serve.worker import Limits

    for origin in cors:
        if origin != "*" and not _ORIGIN.fullmatch(origin):
            raise Failure(f"--cors {origin!r} is not an origin: write it as scheme://host[:port], e.g. "
                          "https://intranet.example.org (no path, no trailing slash)")
    endpoint = endpoint or obj.endpoint
    if endpoint and data is not None:
        raise Failure("give --data or --endpoint, not both")
    if endpoint:
        from graph.store.remote import check_url
        check_url(endpoint)
    data_dir = data if data is not None else obj.data_dir
    if not endpoint and not data_dir.is_dir():
        raise Failure(f"the data folder {data_dir} does not exist; give --data DIR")
    info = resolve(host, port)
    loopback = is_loopback(host)
    if not loopback:
        click.echo(f"Warning: listening on {host} makes the graph visible to every machine that can reach this "
                   "one; put a reverse proxy with access control in front (README: drivers serve).", err=True)
    sock = listen(host, port, info)
    try:
        source = Source(data_dir, obj.base, obj.store, endpoint, refresh)
        click.echo(f"Loading the graph from the {source.label} ...", err=True)
        allowed = (*LOOPBACK_NAMES, host.strip("[]").lower(), *allow_hosts) if loopback else (allow_hosts or None)
        app = create_app(source, limits=Limits(timeout=query_timeout, max_rows=max_rows), cors=cors,
                         allowed_hosts=allowed)
        _stderr_logging()
        config = uvicorn.Config(app, log_level="warning", access_log=access_log, server_header=False,
                                lifespan="on", timeout_keep_alive=5, limit_concurrency=200,
                                h11_max_incomplete_event_size=16 * 1024)
        server = uvicorn.Server(config)
        click.echo(f"Serving the drivers graph at {url_of(sock)} (API: {url_of(sock)}api) — Ctrl-C stops it.")
        sys.stdout.flush()
        try:
            server.run(sockets=[sock])
        except KeyboardInterrupt:  # uvicorn raises the Ctrl-C again once it has shut down cleanly
            pass
    finally:
        sock.close()
    click.echo("Stopped.", err=True)
