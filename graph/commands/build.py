"""Commands that build and check the graph: ``build``, ``validate``, ``stats``, ``fidelity``, ``synth``.
"""

from __future__ import annotations

from pathlib import Path

import click

from .base import (Ctx, Failure, Progress, echo_json, handle_errors, main, outside_data, output_options,
                   print_counts, quiet_option, writing)


@main.command()
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), default=Path("exports"), show_default=True,
              help="Folder to write the exports to.")
@quiet_option
@click.pass_obj
@handle_errors
def build(obj: Ctx, out: Path, quiet: bool) -> None:
    """Load and validate the data, write exports/ and print counts.

    Nothing is written unless the data loads and validates. Documents that have not changed since
    they last validated are not validated again (their results are cached by content hash). The
    Oxigraph store cache the read commands use is built too, and the catalog CSVs and the page are
    read from it.

    Example: drivers build --out exports
    """
    from graph.publish.exports import write_exports
    outside_data(out, "--out")
    bar = Progress(quiet)
    try:
        bar.stage("loading", 0, 1)
        b = obj.built(check=True, progress=bar)
        if not b.report.conforms:
            bar.done()
            click.echo(b.report.text(), err=True)
            raise Failure(f"the data does not conform to the shapes ({len(b.report.errors)} errors); "
                          f"nothing written to {out}", 1)
        bar.stage("store cache", 0, 1)
        graph = _store_graph(obj, b)
        from graph.core.io import remove_stale_temps
        from graph.core.lock import write_lock
        with write_lock(out):  # a second build waits; its files never interleave with this one's
            remove_stale_temps(out)
            files = write_exports(b, out, graph, progress=lambda done, total: bar.stage("exports", done, total))
    finally:
        bar.done()
    click.echo(f"Built the graph from {obj.data_dir}: wrote {len(files)} files to {out}/")
    print_counts(b.counts)


def _store_graph(obj: Ctx, b):
    """The union as an Oxigraph-backed rdflib Graph from the store cache (built now from this build's
    quads if missing), so the catalog CSVs and the page ask Oxigraph; the in-memory rdflib union
    if the cache cannot be written."""
    from graph.store.local import OxigraphBackend, StoreError, ensure_cache
    try:
        return OxigraphBackend(ensure_cache(obj.data_dir, obj.base, built=b,
                                            built_version=getattr(obj, "built_version", None))).graph()
    except StoreError:
        return b.union


@main.command()
@click.option("--all", "show_all", is_flag=True, help="Also show INFO results.")
@quiet_option
@click.pass_obj
@handle_errors
def validate(obj: Ctx, show_all: bool, quiet: bool) -> None:
    """Check the data: load errors (exit 2), SHACL violations (exit 1), or conforms (exit 0).

    Each source document is validated with the records at home in it; the results of a document
    whose content has not changed come from the cache.

    Example: drivers validate
    """
    bar = Progress(quiet)
    try:
        b = obj.built(check=True, progress=bar)
    finally:
        bar.done()
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
        print_counts(counts)


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
    from graph.answers.fidelity import check
    from graph.core.loader import load
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
@click.option("--partnerships", "n", type=click.IntRange(1, 1024), required=True,
              help="How many partnerships (1-1024: the 32 Scottish areas, then 'Angus 2' ...).")
@click.option("--editions", type=click.IntRange(min=1), default=2, show_default=True,
              help="Drivers-document editions (and plan years) per partnership.")
@click.option("--actions", type=click.IntRange(min=1), default=100, show_default=True,
              help="About this many actions per plan year (80-120%).")
@click.option("--seed", type=int, default=1, show_default=True, help="Same seed, same files.")
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), required=True,
              help="Folder to write the YAML to (use it with --data).")
@quiet_option
@handle_errors
def synth(n: int, editions: int, actions: int, seed: int, out: Path, quiet: bool) -> None:
    """Write deterministic synthetic data (national drivers, partnerships, editions, plans, actions).

    For benchmarks and scale tests; the files load and validate like data/. Every title says
    "(synthetic)".

    Example: drivers synth --partnerships 8 --editions 2 --out /tmp/synth8
    """
    from graph.core import synth as s
    from graph.core.lock import write_lock
    outside_data(out, "--out")
    bar = Progress(quiet)
    try:
        with writing(out, f"to {out}"), write_lock(out):
            bar.stage("generating", 0, 1)
            files = s.write(out, s.generate(n, editions, seed, actions),
                            progress=lambda done, total: bar.stage("writing", done, total))
    finally:
        bar.done()
    click.echo(f"Wrote {len(files)} files to {out}/ ({n} partnerships, {editions} editions each); "
               f"try: drivers --data {out} stats")
