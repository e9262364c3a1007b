"""The ``drivers`` command: parses options, calls ``graph``, prints. No logic lives here.

Exit codes: 0 ok; 1 a finding (validation failed, nothing matched); 2 the input or environment
is wrong (bad data, unreadable file, bad option).
"""

from __future__ import annotations

import functools
import json
import sys
from pathlib import Path

import click

from graph.errors import DataError, DriversError


class Failure(click.ClickException):
    """A DriversError shown as ``Error: ...`` with the error's own exit code."""

    def __init__(self, message: str, exit_code: int = 2):
        super().__init__(message)
        self.exit_code = exit_code


def handle_errors(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except DriversError as exc:
            raise Failure(str(exc), exc.exit_code) from None
    return wrapper


def output_options(*formats: str, default: str = "table"):
    """Shared ``--format`` option (the sqlite-utils pattern: one decorator for output flags)."""
    def deco(fn):
        return click.option("--format", "fmt", type=click.Choice(formats), default=default, show_default=True,
                            help="Output format.")(fn)
    return deco


def emit(rows: list[dict], fmt: str, columns: list[str]) -> None:
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
    elif fmt == "csv":
        from graph.exports import to_csv
        click.echo(to_csv(rows, columns), nl=False)
    else:
        click.echo(table(rows, columns))


def table(rows: list[dict], columns: list[str], width: int = 70) -> str:
    def cell(v) -> str:
        text = "" if v is None else ("; ".join(map(str, v)) if isinstance(v, list) else str(v))
        text = " ".join(text.split())
        return text if len(text) <= width else text[: width - 1] + "…"
    body = [[cell(r.get(c)) for c in columns] for r in rows]
    widths = [max([len(c), *(len(b[i]) for b in body)]) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(v.ljust(w) for v, w in zip(b, widths)).rstrip() for b in body]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines)


class Ctx:
    def __init__(self, data: Path | None, base: str):
        from graph.paths import default_data_dir
        self.data_dir = data if data is not None else default_data_dir()
        self.base = base
        self._built = None

    def built(self, check: bool = False):
        from graph.pipeline import build_graph
        if self._built is None or (check and self._built.report is None):
            self._built = build_graph(self.data_dir, self.base, check=check)
        return self._built

    def catalog(self):
        from graph.catalog import Catalog
        return Catalog(self.built().union)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--data", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Folder of YAML data. Default: ./data if present, else the bundled data.")
@click.option("--base", default="https://w3id.org/drivers-graph/id/", show_default=True,
              help="Base IRI for the graph's nodes.")
@click.version_option(package_name="drivers-graph")
@click.pass_context
def main(ctx: click.Context, data: Path | None, base: str) -> None:
    """A knowledge graph of the strategic drivers and plans behind a children's services partnership.

    Example: drivers build
    """
    ctx.obj = Ctx(data, base)


@main.command()
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), default=Path("exports"), show_default=True,
              help="Folder to write the exports to.")
@click.pass_obj
@handle_errors
def build(obj: Ctx, out: Path) -> None:
    """Load and validate the data, write exports/ and print counts.

    Nothing is written unless the data loads and validates.

    Example: drivers build --out exports
    """
    from graph.pipeline import write_exports
    b = obj.built(check=True)
    if not b.report.conforms:
        click.echo(b.report.text(), err=True)
        raise Failure(f"the data does not conform to the shapes ({len(b.report.errors)} errors); "
                      f"nothing written to {out}", 1)
    files = write_exports(b, out)
    click.echo(f"Built the graph from {obj.data_dir}: wrote {len(files)} files to {out}/")
    _print_counts(b.counts)


def _print_counts(counts: dict[str, int]) -> None:
    width = max(len(k) for k in counts)
    for k, v in counts.items():
        click.echo(f"  {k.ljust(width)}  {v}")


@main.command()
@click.option("--all", "show_all", is_flag=True, help="Also show INFO results.")
@click.pass_obj
@handle_errors
def validate(obj: Ctx, show_all: bool) -> None:
    """Check the data: load errors (exit 2), SHACL violations (exit 1), or conforms (exit 0).

    Example: drivers validate
    """
    b = obj.built(check=True)
    shown = [r for r in b.report.results if show_all or r.severity != "INFO"]
    infos = len(b.report.results) - len(shown)
    click.echo("\n".join(str(r) for r in shown) if shown else "No issues found")
    if infos:
        click.echo(f"({infos} INFO results hidden; --all shows them)")
    if not b.report.conforms:
        raise Failure(f"the data does not conform: {len(b.report.errors)} errors", 1)
    click.echo(f"Conforms: {b.counts['nodes']} nodes, {b.counts['links']} links, {b.counts['triples']} triples")


@main.command()
@output_options("table", "json")
@click.pass_obj
@handle_errors
def stats(obj: Ctx, fmt: str) -> None:
    """Counts of nodes by type, links, sources, editions and triples.

    Example: drivers stats --format json
    """
    counts = obj.built().counts
    if fmt == "json":
        click.echo(json.dumps(counts, indent=2))
    else:
        _print_counts(counts)


LIST_COLUMNS = {
    "drivers": ["number", "id", "title", "category", "kind", "partnership"],
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
    rows = obj.catalog().list(type_name, edition)
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

    Example: drivers show 4.4
    """
    rec = obj.catalog().show(key, edition)
    if fmt == "json":
        click.echo(json.dumps(rec, indent=2, ensure_ascii=False))
        return
    head = f"{rec.get('number') + ' ' if rec.get('number') else ''}{rec['title']}"
    click.echo(head)
    click.echo(f"  id: {rec['id']}   type: {rec['type']}" + (f"   category: {rec['category']}"
                                                               if rec.get("category") else ""))
    for k, v in rec["fields"].items():
        text = "; ".join(map(str, v)) if isinstance(v, list) else str(v)
        click.echo(f"  {k}: {text}")
    p = rec["provenance"]
    click.echo(f"  source: {p['document']} [{p['source']}], {p['section']}")
    for e in rec["editions"]:
        click.echo(f"  edition {e['year']}: {e['number']} {e['title']}" +
                   (f" (refs: {', '.join(e['refs'])})" if e["refs"] else ""))
    if rec["links"]:
        click.echo("  links:")
    for lk in rec["links"]:
        arrow = "->" if lk["direction"] == "out" else "<-"
        t = lk["target"]
        num = f"{t['number']} " if t.get("number") else ""
        click.echo(f"    {arrow} {lk['rel']} {num}{t['title']} [{t['id']}]  ({lk['source']}: {lk['section']})")


def _documents(b) -> dict[str, str]:
    return {sid: src.title for sid, src in b.data.sources.items()}


@main.command()
@click.argument("query", metavar="TEXT-or-ID")
@click.option("--partnership", default=None, help="Only consider actions of this partnership (id).")
@output_options("tree", "json", "md", default="tree")
@click.pass_obj
@handle_errors
def why(obj: Ctx, query: str, partnership: str | None, fmt: str) -> None:
    """What drives this action? Every driver above it, with the chain of links and their sources.

    TEXT-or-ID is an action id or a phrase pasted from the plan (case, quotes, dashes and spacing
    do not matter). Exit 1 with the nearest actions when nothing matches.

    Example: drivers why "human and economic cost modelling"
    """
    from graph import why as w
    b = obj.built()
    ans = w.why(b.nx, query, partnership, _documents(b))
    if fmt == "json":
        click.echo(json.dumps(w.as_json(b.nx, ans), indent=2, ensure_ascii=False))
    else:
        click.echo(w.as_tree(b.nx, ans, markdown=fmt == "md"), nl=False)


@main.command()
@click.argument("driver", metavar="ID-or-NUMBER")
@click.option("--edition", type=int, default=None, help="Edition year for numbers (default: newest).")
@click.option("--partnership", default=None, help="Stay within this partnership (id).")
@output_options("tree", "json", "md", default="tree")
@click.pass_obj
@handle_errors
def impact(obj: Ctx, driver: str, edition: int | None, partnership: str | None, fmt: str) -> None:
    """Every plan, theme and action a driver reaches, with the chain of links and their sources.

    Example: drivers impact promise-plan-2021-24
    """
    from graph import why as w
    from graph.catalog import Catalog
    from rdflib.namespace import DCTERMS
    b = obj.built()
    node = Catalog(b.union).resolve(driver, edition)
    ans = w.impact(b.nx, str(b.union.value(node, DCTERMS.identifier)), partnership, _documents(b))
    if fmt == "json":
        click.echo(json.dumps(w.as_json(b.nx, ans, key="reached", head="driver"), indent=2, ensure_ascii=False))
    else:
        click.echo(w.as_tree(b.nx, ans, reverse=True, markdown=fmt == "md"), nl=False)


@main.command("queries")
@output_options("table", "json")
@handle_errors
def list_queries(fmt: str) -> None:
    """List the named SPARQL queries in queries/: name, title and parameters.

    Example: drivers queries
    """
    from graph.queries import load_named
    rows = [{"name": q.name, "title": q.title, "params": [str(p) for p in q.params], "description": q.description}
            for q in load_named().values()]
    emit(rows, fmt, ["name", "title", "params"])


@main.command()
@click.argument("name")
@click.option("--param", "-p", "params", multiple=True, metavar="KEY=VALUE",
              help="A parameter of the query (see 'drivers queries'); repeat for more.")
@output_options("table", "json", "csv")
@click.pass_obj
@handle_errors
def query(obj: Ctx, name: str, params: tuple[str, ...], fmt: str) -> None:
    """Run a named query from queries/ with its parameters bound (never pasted into the SPARQL).

    Example: drivers query what-drives --param action=nl-neglect-ap-a1
    """
    from graph import queries as q
    nq = q.get_named(name)
    bindings = q.bind_params(nq, list(params))
    res = q.run(obj.built().union, q.prepare(nq.text, nq.where), bindings)
    emit(res.rows, fmt, res.columns)


@main.command()
@click.argument("text", metavar="QUERY-or-@FILE")
@output_options("table", "json", "csv")
@click.pass_obj
@handle_errors
def sparql(obj: Ctx, text: str, fmt: str) -> None:
    """Run an ad hoc SELECT or ASK query on the graph; @FILE reads the query from a file.

    The prefixes dg:, dcterms:, prov:, skos:, rdf:, rdfs:, xsd: and org: need no PREFIX line.
    IRIs are shown as their ids.

    Example: drivers sparql 'SELECT ?id ?title WHERE { ?d a dg:Driver ; dcterms:identifier ?id ; dcterms:title ?title }'
    """
    from graph import queries as q
    where = "query"
    if text.startswith("@"):
        path = Path(text[1:])
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise Failure(f"cannot read the query file {path}: {exc.strerror or exc}") from None
        where = str(path)
    prepared = q.prepare(text, where)
    res = q.run(obj.built().union, prepared)
    emit(res.rows, fmt, res.columns)


@main.command()
@click.option("--plan", default=None, metavar="ID", help="One plan: rows are the plan and its themes and actions.")
@click.option("--framework", type=click.Choice(["uncrc", "shanarri", "promise"]), default="uncrc",
              show_default=True, help="Columns: UNCRC articles, SHANARRI indicators or Promise foundations.")
@output_options("table", "csv", "md")
@click.pass_obj
@handle_errors
def coverage(obj: Ctx, plan: str | None, framework: str, fmt: str) -> None:
    """Which plans cover which UNCRC articles, SHANARRI indicators or Promise foundations, and the gaps.

    A cell is marked x where the row, or anything part of it, states upholdsRight / contributesTo /
    alignsWith that item. Only items some row covers are columns; the gaps follow (for the UNCRC,
    articles 1-42). csv gives the matrix only.

    Example: drivers coverage --framework shanarri --format md
    """
    from graph import coverage as cv
    cov = cv.coverage(obj.built().union, framework, plan)
    cols, rows = cv.matrix(cov)
    if fmt == "md":
        click.echo(cv.as_markdown(cov), nl=False)
    elif fmt == "csv":
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
    from graph.metrics import summary
    s = summary(obj.built().nx, top)
    if fmt == "json":
        click.echo(json.dumps(s, indent=2, ensure_ascii=False))
        return
    click.echo(f"{s['nodes']} nodes, {s['links']} links")
    if s["types"]:
        _print_counts(s["types"])
    click.echo("\nMost central (betweenness on the undirected graph; a cut vertex splits it if removed):")
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
@click.pass_obj
@handle_errors
def viz(obj: Ctx, focus: str | None, depth: int, types: tuple[str, ...], partnership: str | None,
        edition: int | None, out: Path) -> None:
    """Write the graph as one offline HTML page: search, filters, focus, and each node's sources and links.

    Every script and style is inline (vis-network from the installed pyvis) and nothing is
    fetched, so the file works from a shared drive with no internet. `drivers build` writes the
    whole graph to exports/graph.html.

    Example: drivers viz --focus 4.4 --depth 2 --out cig.html
    """
    from graph import io
    from graph import viz as v
    b = obj.built()
    node = v.resolve(b.nx, b.union, focus, edition) if focus else None
    data = v.page_data(v.select(b.nx, node, depth, types, partnership), b.union, edition=edition, focus=node,
                       depth=depth)
    try:
        io.write_text(out, v.html(data))
    except OSError as exc:
        raise Failure(f"cannot write {out}: {exc.strerror or exc}") from None
    click.echo(f"Wrote {out}: {data['meta']['nodes']} nodes, {data['meta']['edges']} links; open it in a browser")


@main.command()
@click.option("--seeds", type=click.Path(path_type=Path, file_okay=False, exists=True), default=None,
              help="Folder of the seed texts (default: seeds/ in the data folder).")
@click.option("--misses", "show_misses", type=int, default=20, show_default=True,
              help="How many fields not found to list.")
@click.pass_obj
@handle_errors
def fidelity(obj: Ctx, seeds: Path | None, show_misses: int) -> None:
    """Check every verbatim field (titles, action text, summaries ...) against the seed texts.

    Exit 1 if any field is not found in its document.

    Example: drivers fidelity --seeds data/seeds
    """
    from graph.fidelity import check
    from graph.loader import load
    seeds = seeds or obj.data_dir / "seeds"
    if not seeds.is_dir():
        raise Failure(f"no seed folder at {seeds}; pass --seeds DIR")
    rep = check(load(obj.data_dir), seeds)
    click.echo(f"{rep.found}/{rep.checked} verbatim fields found in their seed ({rep.share:.1%})")
    for m in rep.misses[:show_misses]:
        click.echo(f"  not found: {m.id} {m.field}: {' '.join(m.value.split())[:100]}")
    if rep.misses:
        raise Failure(f"{len(rep.misses)} fields not found verbatim", 1)


if __name__ == "__main__":  # pragma: no cover
    main()
