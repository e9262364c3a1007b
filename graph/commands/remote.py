"""A shared SPARQL server: ``push``.
"""

from __future__ import annotations


import click

from .base import Ctx, Failure, handle_errors, main


@main.command()
@click.option("--endpoint", "url", metavar="URL", default=None,
              help="The server's SPARQL query URL (default: the global --endpoint).")
@click.option("--graph-store", metavar="URL", default=None,
              help="Its Graph Store Protocol URL (default: for .../query, .../store as Oxigraph has it).")
@click.pass_obj
@handle_errors
def push(obj: Ctx, url: str | None, graph_store: str | None) -> None:
    """Load the graph into a SPARQL 1.1 server: a named graph per source document, replaced by PUT.

    Credentials come from DRIVERS_ENDPOINT_TOKEN, or DRIVERS_ENDPOINT_USER and
    DRIVERS_ENDPOINT_PASSWORD; never from the command line. Then `drivers --endpoint URL why ...`
    (and list, show, query, coverage ...) answer from the server.

    Example: drivers push --endpoint http://127.0.0.1:7878/query
    """
    from graph.store import remote
    url = url or obj.endpoint
    if not url:
        raise Failure("name the server: drivers push --endpoint URL (its SPARQL query URL)")
    n = remote.push(url, obj.data_dir, obj.base, graph_store)
    click.echo(f"Pushed {n['graphs']} named graphs ({n['triples']} triples) and the union graph "
               f"({n['union_triples']} triples) to {remote.safe_url(graph_store or url)}"
               + (f"; removed {n['removed']} graphs the data no longer has" if n["removed"] else ""))
