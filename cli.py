"""The ``drivers`` command: parses options, calls ``graph``, prints. No logic lives here.

Exit codes: 0 ok; 1 a finding (validation failed, nothing matched); 2 the input or environment
is wrong (bad data, unreadable file, bad option).
"""

from __future__ import annotations

import functools
import json
import sys
from contextlib import contextmanager
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


def echo_json(obj) -> None:
    click.echo(json.dumps(obj, indent=2, ensure_ascii=False))


@contextmanager
def writing(out: Path, what: str | None = None):
    """Turn an OSError while writing ``out`` into exit 2 with what to do."""
    try:
        yield
    except OSError as exc:
        raise Failure(f"cannot write {what or out}: {exc.strerror or exc} — check that the folder exists and is "
                      "writable, or choose another --out") from None


def emit(rows: list[dict], fmt: str, columns: list[str]) -> None:
    if fmt == "json":
        echo_json(rows)
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
    def __init__(self, data: Path | None, base: str, store: str = "oxigraph", endpoint: str | None = None):
        from graph.paths import default_data_dir
        self.data_dir = data if data is not None else default_data_dir()
        self.base = base
        self.store = store
        self.endpoint = endpoint
        self._built = None
        self._backend = None

    def backend(self):
        """Where the read commands look: --endpoint, else --store (see graph/store.py)."""
        if self._backend is None:
            if self.endpoint:
                from graph.remote import RemoteBackend
                self._backend = RemoteBackend(self.endpoint, self.base)
            else:
                from graph.store import backend
                self._backend = backend(self.data_dir, self.base, self.store, self.built)
        return self._backend

    def built(self, check: bool = False):
        from graph.pipeline import build_graph
        if self._built is None or (check and self._built.report is None):
            self._built = build_graph(self.data_dir, self.base, check=check)
        return self._built


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--data", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Folder of YAML data. Default: ./data if present, else the bundled data.")
@click.option("--base", default="https://w3id.org/drivers-graph/id/", show_default=True,
              help="Base IRI for the graph's nodes.")
@click.option("--store", type=click.Choice(["oxigraph", "rdflib"]), envvar="DRIVERS_STORE", default="oxigraph",
              show_default=True, help="oxigraph: a store cached on disk, rebuilt only when the data changes; "
                                      "rdflib: build in memory on every run. Env: DRIVERS_STORE.")
@click.option("--endpoint", metavar="URL", default=None,
              help="Run the read commands against this SPARQL 1.1 server (see 'drivers push'). Credentials "
                   "come from DRIVERS_ENDPOINT_USER/DRIVERS_ENDPOINT_PASSWORD or DRIVERS_ENDPOINT_TOKEN.")
@click.version_option(package_name="drivers-graph")
@click.pass_context
def main(ctx: click.Context, data: Path | None, base: str, store: str, endpoint: str | None) -> None:
    """A knowledge graph of the strategic drivers and plans behind a children's services partnership.

    Example: drivers build
    """
    ctx.obj = Ctx(data, base, store, endpoint)


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
    from graph.io import remove_stale_temps
    from graph.lock import write_lock
    with write_lock(out):  # a second build waits; its files never interleave with this one's
        remove_stale_temps(out)
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
        echo_json(counts)
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
    rows = obj.backend().catalog().list(type_name, edition)
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
    rec = obj.backend().catalog().show(key, edition)
    if fmt == "json":
        echo_json(rec)
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


#: where `drivers suggest --save` keeps inferred links (apart from the stated ones in data/)
SUGGESTIONS = Path("inferred") / "suggestions.json"


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
    do not matter). Exit 1 with the nearest actions when nothing matches. Inferred links are shown
    only with --suggested, and every step through one says so.

    Example: drivers why "human and economic cost modelling"
    """
    from graph import why as w
    be = obj.backend()
    if suggested:
        from graph.inferred import load_overlay
        G, _ = load_overlay(be.nx(), store)
    else:
        G = be.why_graph()
    ans = w.why(G, query, partnership, be.documents())
    if fmt == "json":
        echo_json(w.as_json(G, ans))
    else:
        click.echo(w.as_tree(G, ans, markdown=fmt == "md"), nl=False)


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
    be = obj.backend()
    g, G = be.graph(), be.why_graph()
    node = Catalog(g).resolve(driver, edition)
    ans = w.impact(G, str(g.value(node, DCTERMS.identifier)), partnership, be.documents())
    if fmt == "json":
        echo_json(w.as_json(G, ans, key="reached", head="driver"))
    else:
        click.echo(w.as_tree(G, ans, reverse=True, markdown=fmt == "md"), nl=False)


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
    res = obj.backend().run(nq.text, bindings, nq.where or nq.name)
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
    where = "query"
    if text.startswith("@"):
        path = Path(text[1:])
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise Failure(f"cannot read the query file {path}: {exc.strerror or exc}") from None
        where = str(path)
    res = obj.backend().run(text, None, where)
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
    from graph.metrics import summary
    s = summary(obj.backend().nx(), top)
    if fmt == "json":
        echo_json(s)
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
    from graph import io
    from graph import viz as v
    be = obj.backend()
    G, g = be.nx(), be.graph()
    if suggested:
        from graph.inferred import load_overlay
        G, _ = load_overlay(G, store)
    node = v.resolve(G, g, focus, edition) if focus else None
    data = v.page_data(v.select(G, node, depth, types, partnership), g, edition=edition, focus=node,
                       depth=depth)
    with writing(out):
        io.write_text(out, v.html(data))
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


@main.command()
@click.argument("query", metavar="TEXT-or-ACTION-ID", required=False)
@click.option("--top", type=click.IntRange(min=1), default=None,
              help="How many candidates (default 10; 3 per action with --unlinked).")
@click.option("--types", multiple=True, metavar="TYPE[,TYPE]",
              help="Only these candidate types: Driver, UNCRCArticle, WellbeingIndicator, PromiseFoundation.")
@click.option("--partnership", default=None, help="For new text: leave out other partnerships' local drivers (id).")
@click.option("--save", is_flag=True, help="Keep these suggestions for an action id in --suggestions (inferred links, "
                                           "shown by why/viz --suggested); data/ is not touched.")
@click.option("--suggestions", "store", type=click.Path(path_type=Path, dir_okay=False), default=SUGGESTIONS,
              show_default=True, help="Where --save keeps suggestions.")
@click.option("--evaluate", is_flag=True, help="Hold back stated links, predict them, print P@5, R@10 and MRR "
                                               "per target type against baselines.")
@click.option("--split", type=click.Choice(["test", "tune", "cv"]), default="test", show_default=True,
              help="With --evaluate: the held-out documents (test), the ones the method was tuned on, or "
                   "leave-one-document-out with the settings chosen inside each fold (cv).")
@click.option("--unlinked", is_flag=True, help="List the actions with no path up to any driver, each with its "
                                               "top suggestions.")
@output_options("table", "json")
@click.pass_obj
@handle_errors
def suggest(obj: Ctx, query: str | None, top: int | None, types: tuple[str, ...], partnership: str | None, save: bool,
            store: Path, evaluate: bool, split: str, unlinked: bool, fmt: str) -> None:
    """Suggest the drivers, UNCRC articles, wellbeing indicators and Promise foundations behind an action.

    TEXT-or-ACTION-ID is new action text, or the id of an action (then what it already reaches is
    left out). Each candidate has a score and its evidence: the words that matched (a ~ b: matched
    through the thesaurus) and the similar, already-linked records that are driven by it.
    Suggestions are inferred, never stated: they are shown only here, or by why/viz --suggested
    once saved. Exit 1 when nothing matches.

    Example: drivers suggest "improve access to CAMHS for care experienced young people" --top 5
    """
    from graph import suggest as sg
    b = obj.built()
    if evaluate:
        rows, folds = sg.cross_validate(b.data, b.nx) if split == "cv" else (sg.evaluate(b.data, b.nx, split), None)
        if fmt == "json":
            echo_json(rows if folds is None else {"rows": rows, "folds": folds})
            return
        click.echo(sg.evaluation_header(split))
        click.echo(table(rows, ["method", "type", "queries", "P@5", "R@10", "MRR"]))
        if folds is not None:
            click.echo("\nChosen in each fold (on the other documents only):")
            click.echo(table(folds, ["fold", "queries", "graph_weight", "thesaurus", "inner_MRR"]))
        return
    idx = sg.Index.build(b.data, b.nx)
    if unlinked:
        rows = sg.unlinked_actions(idx, top or 3)
        if fmt == "json":
            echo_json(rows)
            return
        if not rows:
            click.echo("Every action reaches a driver through stated links.")
            return
        for r in rows:
            r["suggestions"] = [f"{x['id']} ({x['score']:.2f})" for x in r["suggestions"]]
        click.echo(table(rows, ["id", "partnership", "title", "suggestions"], width=60))
        click.echo("Suggestions are inferred, not stated links: check before use (drivers accept records one).")
        return
    if not query:
        raise Failure("give TEXT-or-ACTION-ID, or --evaluate, or --unlinked")
    res = sg.suggest(idx, query, top=top or 10, types=sg.parse_types(types), partnership=partnership)
    if save:
        from graph import inferred
        if res.action is None:
            raise Failure("--save needs an action id: free text has no action to link from")
        links = [inferred.InferredLink(res.action, x.rel, x.id, x.score, sg.METHOD, x.evidence)
                 for x in res.suggestions]
        inferred.save(store, inferred.merge(inferred.load(store), res.action, links))
    if fmt == "json":
        echo_json([x.as_dict() for x in res.suggestions])
    else:
        rows = [{"score": f"{x.score:.3f}", "type": x.type, "id": x.id, "title": x.title,
                 "evidence": sg.evidence_text(x.evidence)} for x in res.suggestions]
        click.echo(table(rows, ["score", "type", "id", "title", "evidence"], width=60))
        if res.already:
            click.echo(f"Left out: {len(res.already)} already linked (drivers why {res.action}).")
        click.echo("Inferred suggestions, not stated links: check before use (drivers accept records one).")
        if save:
            click.echo(f"Saved {len(res.suggestions)} suggestions for {res.action} to {store}.")
    if not res.suggestions:
        raise Failure("no candidate matched; try other words or fewer --types", 1)


@main.command()
@click.argument("action", metavar="ACTION-ID")
@click.argument("target", metavar="TARGET-ID")
@click.option("--rel", "rel_name", default=None, help="The relation (default by the target's type: drivenBy, "
                                                     "upholdsRight, contributesTo, alignsWith).")
@click.option("--note", required=True, help="Why the link holds: the officer's note, kept as its evidence.")
@click.option("--by", default=None, help="Who accepted it.")
@click.option("--date", default=None, help="When (default: today, YYYY-MM-DD).")
@click.option("--suggestions", "store", type=click.Path(path_type=Path, dir_okay=False), default=SUGGESTIONS,
              show_default=True, help="Saved suggestions: the accepted one is dropped from it.")
@click.pass_obj
@handle_errors
def accept(obj: Ctx, action: str, target: str, rel_name: str | None, note: str, by: str | None, date: str | None,
           store: Path) -> None:
    """Accept a suggestion: record ACTION-ID -> TARGET-ID as a stated link whose source is the officer's decision.

    The link is appended to accepted-links.yaml in the data folder (the other files stay untouched),
    citing the officer, the date and the note. Unknown ids, or a link already stated: exit 2.

    Example: drivers accept sl-csp-fy-c4 camhs-specification-2020 --rel drivenBy --note "Agreed at CSP board" --by "J Smith"
    """
    from graph import accept as ac
    from graph.lock import write_lock
    with write_lock(obj.data_dir):  # read, check and append under one lock: two accepts cannot lose one
        a, files = ac.accept(obj.data_dir, action, target, rel_name, note, by, date, store)
        ac.write(files)
    click.echo(f"Accepted: {a.frm} {a.rel} {a.to} — written to {a.path}" +
               (f" (suggestion score {a.score:.3f}, removed from {store})" if a.score is not None else ""))


@main.command()
@click.option("--partnerships", "n", type=click.IntRange(1, 32), required=True, help="How many partnerships (1-32).")
@click.option("--editions", type=click.IntRange(min=1), default=2, show_default=True,
              help="Drivers-document editions (and plan years) per partnership.")
@click.option("--actions", type=click.IntRange(min=1), default=100, show_default=True,
              help="About this many actions per plan year (80-120%).")
@click.option("--seed", type=int, default=1, show_default=True, help="Same seed, same files.")
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), required=True,
              help="Folder to write the YAML to (use it with --data).")
@handle_errors
def synth(n: int, editions: int, actions: int, seed: int, out: Path) -> None:
    """Write deterministic synthetic data (national drivers, partnerships, editions, plans, actions).

    For benchmarks and scale tests; the files load and validate like data/. Every title says
    "(synthetic)".

    Example: drivers synth --partnerships 8 --editions 2 --out /tmp/synth8
    """
    from graph import synth as s
    from graph.lock import write_lock
    with writing(out, f"to {out}"), write_lock(out):
        files = s.write(out, s.generate(n, editions, seed, actions))
    click.echo(f"Wrote {len(files)} files to {out}/ ({n} partnerships, {editions} editions each); "
               f"try: drivers --data {out} stats")


def _load(obj: Ctx):
    from graph.loader import load
    return load(obj.data_dir)


def _edition_arg(data, key: str):
    """An edition by year ('2024') or id ('nl-drivers-2024')."""
    from graph.editions import find_edition
    from graph.errors import UsageError
    if key in data.editions:
        return data.editions[key]
    if not key.isdigit():
        raise UsageError(f"{key!r} is not an edition year or id — try: drivers list editions")
    return find_edition(data, int(key))


@main.command()
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--edition", "year", type=int, required=True, help="The year of the edition the document is.")
@click.option("--force", is_flag=True, help="Replace an existing edition of that year (one ingest wrote).")
@click.option("--check", is_flag=True,
              help="Write nothing: compare with the existing edition of that year and print the share of its "
                   "fields the document reproduces.")
@click.option("--show-misses", type=int, default=20, show_default=True, help="With --check: how many misses to list.")
@click.option("--partnership", default=None, help="The partnership, when several have an edition that year.")
@output_options("text", "json", default="text")
@click.pass_obj
@handle_errors
def ingest(obj: Ctx, file: Path, year: int, force: bool, check: bool, show_misses: int, partnership: str | None,
           fmt: str) -> None:
    """Read a drivers document (text from the PDF, Markdown, or Word .docx) as edition YEAR.

    Entries are matched to existing drivers by number, title and summary, so renumbered and
    retitled drivers keep their ids; unmatched entries become new drivers marked 'created by
    ingest'. Warnings (what could not be read cleanly) go to stderr. On any error nothing is
    written (exit 2).

    Example: drivers ingest drivers-2024.docx --edition 2024
    """
    from graph import ingest as ing
    from graph.editions import find_edition
    from graph.lock import write_lock
    data = _load(obj)
    if check:
        ed = find_edition(data, year, partnership)
        result, _ = ing.ingest(file, year, obj.data_dir, data, partnership=ed.partnership, write=False)
        report = ing.compare(result, ed)
        if fmt == "json":
            echo_json({**report, "warnings": [str(w) for w in result.warnings]})
            return
        for w in result.warnings:
            click.echo(str(w), err=True)
        click.echo(f"{file.name} against {report['edition']}: {report['matching']} of {report['fields']} fields "
                   f"reproduced ({report['share']:.1%})")
        for m in report["misses"][:show_misses]:
            click.echo(f"  {m['number']} {m['field']}: curated {str(m['curated'])[:80]!r} / "
                       f"ingested {str(m['ingested'])[:80]!r}")
        return
    with write_lock(obj.data_dir):
        result, target = ing.ingest(file, year, obj.data_dir, data, force=force, partnership=partnership)
    if fmt == "json":
        echo_json({**result.report(), "file": str(target)})
        return
    for w in result.warnings:
        click.echo(str(w), err=True)
    new = sum(1 for how in result.matched.values() if how == "new")
    click.echo(f"Wrote {target}: edition {result.edition['id']}, {len(result.entries)} entries "
               f"({len(result.entries) - new} matched to existing drivers, {new} new), "
               f"{len(result.warnings)} warning{'s' if len(result.warnings) != 1 else ''}")


@main.command()
@click.argument("a", metavar="A")
@click.argument("b", metavar="B")
@output_options("table", "json", "md")
@click.pass_obj
@handle_errors
def diff(obj: Ctx, a: str, b: str, fmt: str) -> None:
    """What changed from edition A to edition B (years or edition ids): added, removed, changed, renumbered.

    A driver that only moved number is renumbered, not removed and added; a cross-reference that
    moved with its target is not a change.

    Example: drivers diff 2023 2024 --format md
    """
    from graph import diff as df
    data = _load(obj)
    d = df.diff_editions(_edition_arg(data, a), _edition_arg(data, b))
    if fmt == "json":
        echo_json(d)
    elif fmt == "md":
        click.echo(df.diff_markdown(d), nl=False)
    else:
        rows = df.diff_rows(d)
        click.echo(table(rows, ["change", "number", "title", "detail"]) if rows else
                   f"No changes from {d['from']} to {d['to']}.")


@main.command()
@click.option("--edition", "year", type=int, required=True, help="The edition year to review.")
@click.option("--as-of", "as_of", default=None, help="Review as of this date (YYYY-MM-DD; default: the edition's date).")
@click.option("--partnership", default=None, help="The partnership, when several have an edition that year.")
@output_options("table", "json", "md")
@click.pass_obj
@handle_errors
def review(obj: Ctx, year: int, as_of: str | None, partnership: str | None, fmt: str) -> None:
    """The refresh checklist for an edition: expired and ending drivers, Bills now Acts, numbering, references, titles, links.

    Exit 0 when there is nothing to review, 1 when there are findings.

    Example: drivers review --edition 2023 --as-of 2024-06-01
    """
    from graph import review as rv
    from graph.editions import find_edition
    data = _load(obj)
    ed = find_edition(data, year, partnership)
    findings = rv.review(data, ed, as_of)
    if fmt == "json":
        echo_json(findings)
    elif fmt == "md":
        click.echo(rv.checklist_markdown(ed, findings, rv.parse_as_of(as_of, ed)), nl=False)
    else:
        click.echo(table(findings, ["number", "kind", "title", "message"]) if findings else "No issues found.")
    if findings:
        sys.exit(1)


@main.command()
@click.option("--from", "from_year", type=int, required=True, help="The edition to start from.")
@click.option("--to", "to_year", type=int, required=True, help="The new edition's year.")
@click.option("--checklist", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Where to write the checklist (Markdown). Default: refresh-TO.md")
@click.option("--force", is_flag=True, help="Start the TO edition again if refresh or ingest already wrote it.")
@click.option("--partnership", default=None, help="The partnership, when several have an edition that year.")
@click.pass_obj
@handle_errors
def refresh(obj: Ctx, from_year: int, to_year: int, checklist: Path | None, force: bool,
            partnership: str | None) -> None:
    """Start next year's edition from this one (data/editions/) and write its review checklist.

    Example: drivers refresh --from 2023 --to 2024 --checklist refresh-2024.md
    """
    from graph import review as rv
    from graph.editions import find_edition, start_edition
    from graph.io import write_many
    from graph.lock import write_lock
    data = _load(obj)
    checklist = checklist or Path(f"refresh-{to_year}.md")
    with write_lock(obj.data_dir):
        target, text, new_data = start_edition(data, obj.data_dir, from_year, to_year, force, partnership)
        ed = new_data.edition_for_year(to_year, find_edition(data, from_year, partnership).partnership)
        findings = rv.review(new_data, ed, str(to_year))
        write_many({target: text, checklist: rv.checklist_markdown(ed, findings, to_year)})
    click.echo(f"Wrote {target}: edition {ed.id}, {len(ed.entries)} entries carried over from {from_year}")
    click.echo(f"Wrote {checklist}: {len(findings)} findings to review (as of {to_year})")


@main.command()
@click.option("--edition", "year", type=int, required=True, help="The edition year to write.")
@click.option("--format", "fmt", type=click.Choice(["md", "html", "docx"]), default="md", show_default=True,
              help="Output format.")
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), required=True, help="File to write.")
@click.option("--partnership", default=None, help="The partnership, when several have an edition that year.")
@click.pass_obj
@handle_errors
def document(obj: Ctx, year: int, fmt: str, out: Path, partnership: str | None) -> None:
    """Write an edition back out as the drivers document: Summary table by category, then the detail sections.

    Example: drivers document --edition 2024 --format docx --out drivers-2024.docx
    """
    from graph.document import write_document
    from graph.editions import find_edition
    data = _load(obj)
    ed = find_edition(data, year, partnership)
    with writing(out):
        write_document(data, ed, fmt, out)
    click.echo(f"Wrote {out}: edition {ed.id}, {len(ed.entries)} entries ({fmt})")


@main.command()
@click.option("--edition", "year", type=int, required=True, help="The edition year to export.")
@click.option("--format", "fmt", type=click.Choice(["xlsx", "csv"]), default="xlsx", show_default=True,
              help="Spreadsheet format.")
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), required=True, help="File to write.")
@click.pass_obj
@handle_errors
def export(obj: Ctx, year: int, fmt: str, out: Path) -> None:
    """Export an edition as a spreadsheet, one row per entry with its stable driver id, for editing in Excel.

    Example: drivers export --edition 2023 --format xlsx --out drivers-2023.xlsx
    """
    from graph.spreadsheet import write_export
    data = _load(obj)
    with writing(out):
        n = write_export(data, year, fmt, out)
    click.echo(f"Wrote {out}: {n} entries ({fmt})")


@main.command("import")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--edition", "year", type=int, required=True, help="The edition year the sheet becomes.")
@click.option("--force", is_flag=True, help="Replace an existing edition of that year (one ingest/import wrote).")
@click.pass_obj
@handle_errors
def import_(obj: Ctx, file: Path, year: int, force: bool) -> None:
    """Read an edited spreadsheet (from 'drivers export') back as edition YEAR, matched by driver id.

    Example: drivers import drivers-2024.xlsx --edition 2024
    """
    from graph.io import write_text
    from graph.lock import write_lock
    from graph.spreadsheet import import_edition
    data = _load(obj)
    with write_lock(obj.data_dir):
        target, text, summary = import_edition(file, year, data, obj.data_dir, force)
        write_text(target, text)
    click.echo(f"Wrote {target}: edition {summary['edition']}, {summary['entries']} entries, "
               f"{len(summary['new_drivers'])} new drivers")


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
    from graph import remote
    url = url or obj.endpoint
    if not url:
        raise Failure("name the server: drivers push --endpoint URL (its SPARQL query URL)")
    n = remote.push(url, obj.data_dir, obj.base, graph_store)
    click.echo(f"Pushed {n['graphs']} named graphs ({n['triples']} triples) and the union graph "
               f"({n['union_triples']} triples) to {remote.safe_url(graph_store or url)}"
               + (f"; removed {n['removed']} graphs the data no longer has" if n["removed"] else ""))


if __name__ == "__main__":  # pragma: no cover
    main()
