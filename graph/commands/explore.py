"""Commands that answer from the graph: ``list``, ``show``, ``search``, ``why``, ``impact``, ``queries``, ``query``,
``sparql``, ``coverage``, ``metrics``, ``viz``.
"""

from __future__ import annotations

from pathlib import Path

import click

from .base import (Ctx, Failure, SUGGESTIONS, echo_json, emit, handle_errors, limit_options, main, outside_data,
                   output_options,
                   print_counts, table, writing)


LIST_COLUMNS = {
    "drivers": ["number", "id", "title", "edition_title", "summary_title", "category", "kind", "partnership"],
    "actions": ["id", "number", "plan", "partnership", "text"],
    "articles": ["number", "id", "title", "clusters"],
    "quality-indicators": ["number", "id", "title"],
    "themes": ["id", "number", "title", "part_of"],
    "outcomes": ["id", "number", "title", "part_of"],
    "indicators": ["id", "number", "title", "part_of"],
    "editions": ["id", "year", "title", "entries"],
}


@main.command("list")
@click.argument("type_name", metavar="TYPE")
@click.option("--edition", type=int, default=None, help="Edition year (drivers only): numbers in that edition.")
@output_options("table", "json", "csv")
@click.pass_obj
@handle_errors
def list_(obj: Ctx, type_name: str, edition: int | None, fmt: str) -> None:
    """List records of TYPE: drivers, plans, actions, groups, programmes, articles, themes, ...

    Example: drivers list drivers --edition 2023 --format json
    """
    rows = obj.backend().listing(type_name, edition)
    cols = LIST_COLUMNS.get(type_name, ["id", "title", "kind", "partnership"])
    cols = [c for c in cols if any(c in r for r in rows)] or ["id", "title"]
    emit(rows, fmt, cols if fmt != "json" else [])


@main.command()
@click.argument("key", metavar="ID-or-NUMBER")
@click.option("--edition", type=int, default=None, help="Edition year for numbers (default: newest).")
@output_options("text", "json", default="text")
@click.pass_obj
@handle_errors
def show(obj: Ctx, key: str, edition: int | None, fmt: str) -> None:
    """Show one record: its fields, provenance, editions and links (in and out).

    ID-or-NUMBER may also be a title, alias, acronym or title words ("CIG", "cyp act"); when
    several records fit about equally they are listed to choose from (exit 1).

    Example: drivers show 4.4
    """
    from graph.answers import reply
    be = obj.backend()
    rec = reply.node(be.catalog(), key, edition, index=lambda: _search_index(be))
    if fmt == "json":
        echo_json(rec)
        return
    head = f"{rec.get('number') + ' ' if rec.get('number') else ''}{rec['title']}"
    click.echo(head)
    if rec.get("edition_title"):
        click.echo(f"  printed in {edition}: {rec['edition_title']}" +
                   (f"  (Summary table: {rec['summary_title']})" if rec.get("summary_title") else ""))
    click.echo(f"  id: {rec['id']}   type: {rec['type']}" + (f"   category: {rec['category']}"
                                                               if rec.get("category") else ""))
    for k, v in rec["fields"].items():
        text = "; ".join(map(str, v)) if isinstance(v, list) else str(v)
        click.echo(f"  {k}: {text}")
    p = rec["provenance"]
    click.echo(f"  source: {p['document']} [{p['source']}], {p['section']}")
    for e in rec["editions"]:
        click.echo(f"  edition {e['year']}: {e['number']} {e['title']}" +
                   (f" / Summary: {e['summary_title']}" if e.get("summary_title") and e["summary_title"] != e["title"]
                    else "") +
                   (f" (refs: {', '.join(e['refs'])})" if e["refs"] else ""))
    if rec["links"]:
        click.echo("  links:")
    for lk in rec["links"]:
        arrow = "->" if lk["direction"] == "out" else "<-"
        t = lk["target"]
        num = f"{t['number']} " if t.get("number") else ""
        click.echo(f"    {arrow} {lk['rel']} {num}{t['title']} [{t['id']}]  ({lk['source']}: {lk['section']})")


@main.command()
@click.argument("text")
@click.option("--partnership", default=None, help="Rank this partnership's records first (then national ones).")
@click.option("--top", type=click.IntRange(min=1), default=20, show_default=True, help="How many records.")
@output_options("table", "json")
@click.pass_obj
@handle_errors
def search(obj: Ctx, text: str, partnership: str | None, top: int, fmt: str) -> None:
    """Find records by id, driver number, title, alias or acronym, or words of their text, best first.

    Ranked as the explorer page's search box ranks them (graph/answers/search.py). Exit 1 when
    nothing matches.

    Example: drivers search CIG
    """
    from graph.answers import reply
    from graph.answers.search import SearchIndex
    be = obj.backend()
    rows = reply.search(SearchIndex(be.nx(), be.graph()), text, partnership, top)
    emit(rows, fmt, ["id", "type", "number", "title", "partnership", "matched"])
    if not rows:
        raise Failure(f"nothing matches {text!r}; try fewer or other words", 1)


@main.command()
@click.argument("query", metavar="TEXT-or-ID")
@click.option("--partnership", default=None, help="Only consider actions of this partnership (id).")
@click.option("--suggested", is_flag=True, help="Also follow the saved suggestions (drivers suggest --save), "
                                                "each step marked inferred with its score.")
@click.option("--suggestions", "store", type=click.Path(path_type=Path, dir_okay=False), default=SUGGESTIONS,
              show_default=True, help="The saved suggestions (with --suggested).")
@output_options("tree", "json", "md", default="tree")
@click.pass_obj
@handle_errors
def why(obj: Ctx, query: str, partnership: str | None, suggested: bool, store: Path, fmt: str) -> None:
    """What drives this action? Every driver above it, with the chain of links and their sources.

    TEXT-or-ID is an action id or a phrase pasted from the plan (case, quotes, dashes and spacing
    do not matter). Exit 1 with the nearest actions when nothing matches, and with the candidate
    actions (id, title, plan, partnership) when several match and none clearly wins; a driver's id
    or number is refused (exit 2: 'drivers impact' answers for drivers). Inferred links are shown
    only with --suggested, and every step through one says so.

    Example: drivers why "human and economic cost modelling"
    """
    from graph.answers import why as w
    be = obj.backend()
    if suggested:
        from graph.answers.inferred import load_overlay
        G, _ = load_overlay(be.nx(), store)
    else:
        G = be.why_graph()
    if fmt == "json":
        from graph.answers import reply
        echo_json(reply.why(G, be.documents(), query, partnership))
    else:
        click.echo(w.as_tree(G, w.why(G, query, partnership, be.documents()), markdown=fmt == "md"), nl=False)


@main.command()
@click.argument("driver", metavar="ID-or-NUMBER")
@click.option("--edition", type=int, default=None, help="Edition year for numbers (default: newest).")
@click.option("--partnership", default=None, help="Stay within this partnership (id).")
@output_options("tree", "json", "md", default="tree")
@click.pass_obj
@handle_errors
def impact(obj: Ctx, driver: str, edition: int | None, partnership: str | None, fmt: str) -> None:
    """Every plan, theme and action a driver reaches, with the chain of links and their sources.

    ID-or-NUMBER may also be a title, alias or acronym; several fitting records are listed (exit 1).

    Example: drivers impact promise-plan-2021-24
    """
    from graph.answers import reply, why as w
    be = obj.backend()
    G = be.why_graph()
    ans = reply.impact_answer(G, be.catalog(), be.documents(), driver, edition, partnership,
                              index=lambda: _search_index(be))
    if fmt == "json":
        echo_json(w.as_json(G, ans, key="reached", head="driver"))
    else:
        click.echo(w.as_tree(G, ans, reverse=True, markdown=fmt == "md"), nl=False)


def _search_index(be):
    from graph.answers.search import SearchIndex
    return SearchIndex(be.nx(), be.graph())


@main.command("queries")
@output_options("table", "json")
@handle_errors
def list_queries(fmt: str) -> None:
    """List the named SPARQL queries in queries/: name, title and parameters.

    Example: drivers queries
    """
    from graph.answers import reply
    emit(reply.queries(), fmt, ["name", "title", "params"])


@main.command()
@click.argument("name")
@click.option("--param", "-p", "params", multiple=True, metavar="KEY=VALUE",
              help="A parameter of the query (see 'drivers queries'); repeat for more.")
@output_options("table", "json", "csv")
@limit_options
@click.pass_obj
@handle_errors
def query(obj: Ctx, name: str, params: tuple[str, ...], fmt: str, timeout: float, max_rows: int) -> None:
    """Run a named query from queries/ with its parameters bound (never pasted into the SPARQL).

    Exit 1 when it finds nothing; exit 2 for an unknown query, parameter, or an id parameter that
    names no record ("id of the action" in 'drivers queries').

    Example: drivers query what-drives --param action=nl-neglect-ap-a1
    """
    from graph.answers import reply
    res = reply.named_query(obj.limited_run(timeout, max_rows), name, list(params))
    emit(res.rows, fmt, res.columns)
    if not res.rows:
        shown = " ".join(f"--param {p}" for p in params)
        raise Failure(f"query {name!r} ran and found nothing{' for ' + shown if shown else ''}", 1)


@main.command()
@click.argument("text", metavar="QUERY-or-@FILE")
@output_options("table", "json", "csv")
@limit_options
@click.pass_obj
@handle_errors
def sparql(obj: Ctx, text: str, fmt: str, timeout: float, max_rows: int) -> None:
    """Run an ad hoc SELECT or ASK query on the graph; @FILE reads the query from a file.

    The prefixes dg:, dcterms:, prov:, skos:, rdf:, rdfs:, xsd: and org: need no PREFIX line.
    IRIs are shown as their ids.

    Example: drivers sparql 'SELECT ?id ?title WHERE { ?d a dg:Driver ; dcterms:identifier ?id ; dcterms:title ?title }'
    """
    where = "query"
    if text.startswith("@"):
        from graph.core.io import read_query_file
        path = Path(text[1:])
        text = read_query_file(path)
        where = str(path)
    res = obj.limited_run(timeout, max_rows)(text, None, where)
    emit(res.rows, fmt, res.columns)


@main.command()
@click.option("--plan", default=None, metavar="ID", help="One plan: rows are the plan and its themes and actions.")
@click.option("--framework", type=click.Choice(["uncrc", "shanarri", "promise"]), default="uncrc",
              show_default=True, help="Columns: UNCRC articles, SHANARRI indicators or Promise foundations.")
@output_options("table", "csv", "md", "json")
@click.pass_obj
@handle_errors
def coverage(obj: Ctx, plan: str | None, framework: str, fmt: str) -> None:
    """Which plans cover which UNCRC articles, SHANARRI indicators or Promise foundations, and the gaps.

    A cell is marked x where the row, or anything part of it, states upholdsRight / contributesTo /
    alignsWith that item. Only items some row covers are columns; the gaps follow (for the UNCRC,
    articles 1-42). csv gives the matrix only; json the columns, each row's covered ids and the gaps.

    Example: drivers coverage --framework shanarri --format md
    """
    from graph.answers import coverage as cv
    if fmt == "json":
        from graph.answers import reply
        echo_json(reply.coverage(obj.backend().graph(), framework, plan))
        return
    cov = cv.coverage(obj.backend().graph(), framework, plan)
    if fmt == "md":
        click.echo(cv.as_markdown(cov), nl=False)
        return
    cols, rows = cv.matrix(cov)
    if fmt == "csv":
        emit(rows, "csv", cols)
    else:
        click.echo(table(rows, cols, width=50) + "\n")
        click.echo(cv.gaps_text(cov), nl=False)


@main.command()
@click.option("--top", type=click.IntRange(min=1), default=10, show_default=True, help="How many nodes to rank.")
@output_options("table", "json")
@click.pass_obj
@handle_errors
def metrics(obj: Ctx, top: int, fmt: str) -> None:
    """Network metrics: central nodes (single points of failure), most-cited drivers, orphans, counts.

    Example: drivers metrics --top 5
    """
    from graph.answers.metrics import EXACT_UP_TO, summary
    s = summary(obj.backend().nx(), top)
    if fmt == "json":
        echo_json(s)
        return
    click.echo(f"{s['nodes']} nodes, {s['links']} links")
    if s["types"]:
        print_counts(s["types"])
    how = s["betweenness"]
    click.echo("\nMost central (betweenness on the undirected graph; a cut vertex splits it if removed):")
    if how["method"] == "sampled":
        click.echo(f"(betweenness estimated from a sample of {how['sample']} of the {how['nodes']} nodes as "
                   f"sources, seed {how['seed']}; exact up to {EXACT_UP_TO} nodes)")
    click.echo(table(s["central"], ["id", "type", "degree", "betweenness", "cut_vertex", "title"], width=50))
    click.echo("\nMost-cited drivers (distinct records that link to them by a driven-by relation):")
    click.echo(table(s["most_cited"], ["number", "id", "cited_by", "title"], width=50))
    click.echo("\nOrphans (no links at all):")
    for t, ids in s["orphans"].items():
        click.echo(f"  {t} ({len(ids)}): {', '.join(ids)}")
    if not s["orphans"]:
        click.echo("  none")


@main.command()
@click.option("--focus", metavar="ID-or-NUMBER", default=None,
              help="Open on this node and draw only what is within --depth links of it (for an action, "
                   "also everything that drives it).")
@click.option("--depth", type=click.IntRange(min=0), default=2, show_default=True,
              help="Links from --focus to draw; also the page's starting focus depth.")
@click.option("--types", multiple=True, metavar="TYPE[,TYPE]",
              help="Only these node types (Driver, Plan, Action, Group, ...); repeat or comma-separate.")
@click.option("--partnership", default=None, help="Only this partnership's nodes, plus national ones (id).")
@click.option("--edition", type=int, default=None, help="Edition year for driver numbers and categories "
                                                         "(default: newest).")
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), default=Path("graph.html"),
              show_default=True, help="The HTML file to write.")
@click.option("--suggested", is_flag=True, help="Also draw the saved suggestions (drivers suggest --save) as "
                                                "dashed links marked inferred, with their scores.")
@click.option("--suggestions", "store", type=click.Path(path_type=Path, dir_okay=False), default=SUGGESTIONS,
              show_default=True, help="The saved suggestions (with --suggested).")
@click.pass_obj
@handle_errors
def viz(obj: Ctx, focus: str | None, depth: int, types: tuple[str, ...], partnership: str | None,
        edition: int | None, out: Path, suggested: bool, store: Path) -> None:
    """Write the graph as one offline HTML page: search, filters, focus, and each node's sources and links.

    Every script and style is inline (vis-network from the installed pyvis) and nothing is
    fetched, so the file works from a shared drive with no internet. `drivers build` writes the
    whole graph to exports/graph.html.

    Example: drivers viz --focus 4.4 --depth 2 --out cig.html
    """
    from graph.core import io
    from graph.web import page as v
    outside_data(out, "--out")
    be = obj.backend()
    G, g = be.nx(), be.graph()
    if suggested:
        from graph.answers.inferred import load_overlay
        G, _ = load_overlay(G, store)
    node = v.resolve(G, g, focus, edition) if focus else None
    data = v.page_data(v.select(G, node, depth, types, partnership), g, edition=edition, focus=node,
                       depth=depth)
    with writing(out):
        io.write_text(out, v.html(data))
    click.echo(f"Wrote {out}: {data['meta']['nodes']} nodes, {data['meta']['edges']} links; open it in a browser")
