"""Commands that build and check the graph: ``init``, ``build``, ``validate``, ``stats``, ``fidelity``, ``synth``.
"""

from __future__ import annotations

from pathlib import Path

import click

from .base import (Ctx, Failure, Progress, echo_json, handle_errors, main, outside_data, output_options,
                   print_counts, quiet_option, writing)


@main.command()
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--partnership", "partnership", metavar="ID", default=None,
              help="Write an empty partnership skeleton for this partnership id instead of the bundled data.")
@click.option("--name", default=None, help="The partnership's name (with --partnership).")
@click.option("--with-national", "national", is_flag=True,
              help="With --partnership: also copy the bundled drivers document's national drivers.")
@click.option("--force", is_flag=True, help="Replace FOLDER/data even if FOLDER is not empty.")
@handle_errors
def init(folder: Path, partnership: str | None, name: str | None, national: bool, force: bool) -> None:
    """Create a working folder FOLDER/data for your own changes (the checkout's data/ stays untouched).

    Without --partnership, FOLDER/data is a copy of the bundled data, so the writing commands
    (accept, refresh, ingest, suggest --save) run in FOLDER. With --partnership ID --name "...",
    it is an empty partnership skeleton: the reference lists (UNCRC, SHANARRI, Promise, National
    Outcomes, quality indicators), the legislation of the bundled drivers document (all its
    national drivers with --with-national) and the partnership's record. A non-empty FOLDER is
    refused (exit 2) unless --force.

    Example: drivers init work && cd work && drivers build
    """
    from graph.core.workspace import init_folder
    target = init_folder(folder, partnership, name, national, force)
    what = f"an empty skeleton for partnership {partnership}" if partnership else "a copy of the bundled data"
    click.echo(f"Wrote {target}/: {what}. Run the commands in {folder} (e.g. cd {folder} && drivers build).")


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
        graph, entry = _store_graph(obj, b)
        from graph.answers.catalog import Catalog
        from graph.core.io import remove_stale_temps
        from graph.core.lock import write_lock
        cat = Catalog(graph)
        with write_lock(out):  # a second build waits; its files never interleave with this one's
            remove_stale_temps(out)
            files = write_exports(b, out, graph, progress=lambda done, total: bar.stage("exports", done, total),
                                  cat=cat)
        if entry is not None:  # the listings the CSVs made, kept for `drivers list` (it reads them back)
            from graph.store.local import Listings
            kept = Listings(entry)
            for (type_name, edition), rows in cat.listed.items():
                kept.put(type_name, edition, rows)
    finally:
        bar.done()
    click.echo(f"Built the graph from {obj.data_dir}: wrote {len(files)} files to {out}/")
    print_counts(b.counts)


def _store_graph(obj: Ctx, b):
    """(graph, cache entry): the union as an Oxigraph-backed rdflib Graph from the store cache (built
    now from this build's quads if missing), so the catalog CSVs and the page ask Oxigraph their
    queries, and read their scans from the quads in memory; (the in-memory rdflib union, None) if the
    cache cannot be written, or holds files changed since this build loaded them."""
    from graph.store.local import OxigraphBackend, Scanned, StoreError, ensure_cache
    version = getattr(obj, "built_version", None)
    try:
        entry = ensure_cache(obj.data_dir, obj.base, built=b, built_version=version)
    except StoreError:
        return b.union, None
    if entry.name != version:  # the files changed since they were loaded: the entry holds the newer ones
        return b.union, None
    g = OxigraphBackend(entry).graph()
    # queries to the store; predicate scans and the listings' columns from this build's quads in memory
    g.store.direct = Scanned(g.store.direct.store, b.quads)
    return g, entry


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
@click.option("--known", "known_file", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="The known misses (default: known-misses.txt in the seed folder).")
@click.pass_obj
@handle_errors
def fidelity(obj: Ctx, seeds: Path | None, show_misses: int, known_file: Path | None) -> None:
    """Check every verbatim field (titles, action text, summaries ...) and link quote against the seeds.

    Prints the share found, the known misses (SEEDS/known-misses.txt: 'RECORD-ID | FIELD | why')
    and any new ones. Exit 0 when nothing new is missing, 1 when a field not on the known list is
    not found in its document. Every semantic link (all but partOf) needs a quote that is found in
    its seed and contains words that state the relation ("led by", "takes account of", the QI
    number ...); a link without one is listed as a warning; exit 1 if any link fails.

    Example: drivers fidelity --seeds data/seeds
    """
    from graph.answers.fidelity import KNOWN_MISSES, check, check_links, read_known
    from graph.core.loader import link_warnings, load
    seeds = seeds or obj.data_dir / "seeds"
    if not seeds.is_dir():
        raise Failure(f"no seed folder at {seeds}; pass --seeds DIR")
    known_file = known_file or seeds / KNOWN_MISSES
    known = read_known(known_file)
    data = load(obj.data_dir)
    rep = check(data, seeds)
    old, new, fixed = rep.against(known)
    click.echo(f"{rep.found}/{rep.checked} verbatim fields found in their seed ({rep.share:.1%})")
    if old:
        click.echo(f"{len(old)} known misses ({known_file}):")
    for m in old[:show_misses]:
        click.echo(f"  known: {m.id} {m.field} — {known[(m.id, m.field)]}")
    for rid, field in fixed:
        click.echo(f"  no longer missing (remove it from {known_file.name}): {rid} {field}")
    for m in new[:show_misses]:
        click.echo(f"  NEW, not found: {m.id} {m.field}: {' '.join(m.value.split())[:100]}")
    links = check_links(data, seeds)
    click.echo(f"{links.stated}/{links.checked} semantic links (not partOf) quoted, the quote found in the seed "
               f"and stating the relation ({links.share:.1%}); {links.quoted} quoted, {links.found} found"
               + (f"; {links.reference} links of the reference lists have no seed to check" if links.reference
                  else ""))
    for w in link_warnings(data)[:show_misses]:
        click.echo(f"  {w}")
    for m in [m for m in links.misses if m.why != "no quote"][:show_misses]:
        click.echo(f"  {m.why}: {m.id} {m.rel} {m.to}: {' '.join(m.quote.split())[:100]}")
    if new or links.misses:
        raise Failure(f"{len(new)} fields not found verbatim that are not on the known list ({known_file.name}), "
                      f"{len(links.misses)} links not quoted, found and stated", 1)
    click.echo("No new misses.")


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
