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


@main.command()
@click.option("--seeds", type=click.Path(path_type=Path, file_okay=False, exists=True), default=None,
              help="Folder of the seed texts (default: ../shared/seeds beside the project).")
@click.option("--misses", "show_misses", type=int, default=20, show_default=True,
              help="How many fields not found to list.")
@click.pass_obj
@handle_errors
def fidelity(obj: Ctx, seeds: Path | None, show_misses: int) -> None:
    """Check every verbatim field (titles, action text, summaries ...) against the seed texts.

    Exit 1 if any field is not found in its document.

    Example: drivers fidelity --seeds ../shared/seeds
    """
    from graph.fidelity import check
    from graph.loader import load
    from graph.paths import ROOT
    seeds = seeds or ROOT.parent / "shared" / "seeds"
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
