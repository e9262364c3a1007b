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
@click.option("--union-default-graph/--no-union-default-graph", "union_default", default=None,
              help="Whether the server's default graph is the union of its named graphs (oxigraph serve "
                   "--union-default-graph). Default: found out by a probe. --union-default-graph fails, "
                   "before anything is written, if the server is not such a server; "
                   "--no-union-default-graph pushes <base>graph/union even to one that is.")
@click.pass_obj
@handle_errors
def push(obj: Ctx, url: str | None, graph_store: str | None, union_default: bool | None) -> None:
    """Load the graph into a SPARQL 1.1 server: a named graph per source document, replaced by PUT.

    Plus <base>graph/union, their union, which the read commands name as the default graph;
    except on a server whose default graph already is the union of its named graphs (found out
    by a probe triple), where a union graph would make every triple count twice: then it is
    left out (an earlier one deleted) and the read commands use the server's default graph.

    Credentials come from DRIVERS_ENDPOINT_TOKEN, or DRIVERS_ENDPOINT_USER and
    DRIVERS_ENDPOINT_PASSWORD; never from the command line. Then `drivers --endpoint URL why ...`
    (and list, show, query, coverage ...) answer from the server.

    Example: drivers push --endpoint http://127.0.0.1:7878/query
    """
    from graph.store import remote
    url = url or obj.endpoint
    if not url:
        raise Failure("name the server: drivers push --endpoint URL (its SPARQL query URL)")
    n = remote.push(url, obj.data_dir, obj.base, graph_store, union_default)
    where = remote.safe_url(graph_store or url)
    removed = f"; removed {n['removed']} graphs the data no longer has" if n["removed"] else ""
    if n["union_default_graph"]:
        shared = (f"; {n['shared_triples']} triples stated in more than one document are in the first one's graph "
                  "only" if n["shared_triples"] else "")
        click.echo(f"Pushed {n['graphs']} named graphs ({n['triples']} triples) to {where}, whose default graph is "
                   "the union of its named graphs: no union graph pushed"
                   + ("; removed the union graph of an earlier push" if n["removed_union"] else "")
                   + shared + removed)
    else:
        click.echo(f"Pushed {n['graphs']} named graphs ({n['triples']} triples) and the union graph "
                   f"({n['union_triples']} triples) to {where}" + removed)
        if n["server_union"]:
            click.echo(f"Note: {where} answers a query that names no graph from the union of its named graphs, "
                       f"the union graph included: there every triple counts twice; the read commands name "
                       f"<{n['union']}>, and so must other clients (or push without --no-union-default-graph)",
                       err=True)
