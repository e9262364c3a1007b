"""A partnership's own plans: ``import-plan``, ``export-plan`` and ``assess``.
"""

from __future__ import annotations

from pathlib import Path

import click

from .base import SUGGESTIONS, Ctx, Failure, echo_json, handle_errors, main, writing


def _data_without(data_dir: Path, target: Path):
    """The data folder loaded as it would be without ``target`` (the plan file being replaced)."""
    from graph.core.errors import rel
    from graph.core.loader import data_files, load_text
    texts = {rel(p): p.read_text(encoding="utf-8") for p in data_files(data_dir)
             if p.resolve() != target.resolve()}
    return load_text(texts)


@main.command("import-plan")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--partnership", required=True, metavar="ID", help="The partnership the plan belongs to (its id).")
@click.option("--plan-id", required=True, metavar="ID", help="The new plan's id (lowercase-kebab, e.g. xx-csp-2023-26).")
@click.option("--title", default=None, help="The plan's title as printed (default: the file name).")
@click.option("--mapping", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="YAML naming columns the importer does not recognise: columns: {\"Header\": role}.")
@click.option("--force", is_flag=True, help="Replace the plan's file if an earlier import-plan wrote it.")
@click.option("--suggest", "save_suggestions", is_flag=True,
              help="Also save 'drivers suggest' candidates for every imported action to --suggestions (inferred "
                   "links, kept apart from data/; shown by why/viz --suggested, accepted with drivers accept).")
@click.option("--suggestions", "store", type=click.Path(path_type=Path, dir_okay=False), default=SUGGESTIONS,
              show_default=True, help="Where --suggest keeps them.")
@click.pass_obj
@handle_errors
def import_plan(obj: Ctx, file: Path, partnership: str, plan_id: str, title: str | None, mapping: Path | None,
                force: bool, save_suggestions: bool, store: Path) -> None:
    """Read a plan's action table(s) from FILE (.xlsx, .csv, .docx or .pdf) into data/plans/PLAN-ID.yaml.

    Columns are recognised by their usual headers (Action / What we will do, Lead, Timescale / By
    when, Measure / How will we know, Priority, Outcome, UNCRC, SHANARRI, QI, ...), wherever the
    header row is; each record cites the file, sheet or table and row. Links are only those a row
    states (Article 12, QI 2.1, a SHANARRI word in a wellbeing column, (1.17), a driver's exact
    title), each quoting its cell; 'drivers suggest --unlinked' proposes the rest. Rows it cannot
    place are listed as [WARN]. Refuses to replace an existing plan file without --force (exit 2).

    Example: drivers import-plan action-plan.xlsx --partnership fife --plan-id fife-csp-2023-26
    """
    import re

    from graph.core.errors import rel
    from graph.core.io import write_text
    from graph.core.loader import check_with
    from graph.core.lock import write_lock
    from graph.refresh import plans as pl
    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", plan_id):
        raise Failure(f"--plan-id {plan_id!r} is not a lowercase kebab-case id (e.g. fife-csp-2023-26)")
    tables = pl.read_tables(file)
    mapping_ = pl.load_mapping(mapping)
    target = pl.plan_file(obj.data_dir, plan_id)
    with write_lock(obj.data_dir):
        if target.exists() and not force:
            raise Failure(f"{rel(target)} exists (an earlier import of plan {plan_id}); pass --force to replace it")
        data = _data_without(obj.data_dir, target)
        if partnership not in data.records or data.records[partnership].type.section != "partnerships":
            known = ", ".join(r.id for r in data.of_type("partnerships")) or "none"
            raise Failure(f"unknown partnership {partnership!r} (known: {known}) — start one with "
                          f"drivers init DIR --partnership {partnership} --name \"...\"")
        imp = pl.plan_records(file, tables, data, partnership, plan_id, title, mapping_)
        publisher = data.records[partnership].title
        text = pl.plan_yaml(imp, file.name, partnership, publisher)
        check_with(obj.data_dir, {target: text})
        write_text(target, text)
    for w in imp.warnings:
        click.echo(w, err=True)
    stated = sum(1 for a in imp.actions for ln in a["links"] if ln["rel"] != "partOf")
    linked = sum(1 for a in imp.actions if any(ln["rel"] != "partOf" for ln in a["links"]))
    click.echo(f"Wrote {rel(target)}: plan {plan_id}, {len(imp.themes)} themes, {len(imp.outcomes)} outcomes, "
               f"{len(imp.actions)} actions, {stated} stated links ({linked} actions with one); "
               f"{len(imp.warnings)} warnings.")
    if not save_suggestions:
        click.echo("Links the rows do not state: drivers suggest --unlinked, or import again with --suggest "
                   "(inferred; drivers accept records one).")
        return
    from graph.answers import inferred
    from graph.answers import suggest as sg
    b = obj.built()
    idx = sg.Index.build(b.data, b.nx)
    saved = inferred.load(store)
    n = 0
    for a in imp.actions:
        out = sg.suggest_for_text(idx, a["id"])
        links = [inferred.InferredLink(a["id"], x["rel"], x["id"], x["score"], sg.METHOD, x["evidence"])
                 for x in out["suggestions"]]
        saved = inferred.merge(saved, a["id"], links)
        n += len(links)
    inferred.save(store, saved)
    click.echo(f"Saved {n} inferred suggestions for the {len(imp.actions)} actions to {store} (not stated links: "
               "review with drivers why ID --suggested, record one with drivers accept ACTION-ID TARGET-ID --note ...).")


@main.command("export-plan")
@click.argument("plan_id", metavar="PLAN-ID")
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), required=True, help="The .xlsx to write.")
@click.pass_obj
@handle_errors
def export_plan(obj: Ctx, plan_id: str, out: Path) -> None:
    """Write a plan's actions to one .xlsx sheet that 'drivers import-plan' reads back to the same records.

    Example: drivers export-plan nl-corporate-parenting-strategy-2019-22 --out plan.xlsx
    """
    from graph.core.loader import load
    from graph.publish.plan_sheet import write_plan_sheet
    if out.suffix.lower() != ".xlsx":
        raise Failure(f"--out {out} must end in .xlsx")
    data = load(obj.data_dir)
    with writing(out):
        n = write_plan_sheet(data, plan_id, out)
    click.echo(f"Wrote {out}: {n} actions of plan {plan_id}")


@main.command()
@click.option("--plan", "plan_id", required=True, metavar="PLAN-ID", help="The plan to assess.")
@click.option("--format", "fmt", type=click.Choice(["md", "json"]), default="md", show_default=True)
@click.pass_obj
@handle_errors
def assess(obj: Ctx, plan_id: str, fmt: str) -> None:
    """A plan against the criteria of the national review of children's services plans that the graph can
    evidence: National Outcomes (NPF) linked, UNCRC articles upheld and the share of actions with a rights
    link, Promise foundations, SHANARRI coverage, the number of priorities (guidance: 3-5) and whether
    each has a measure. Each finding cites its records and says what is missing.

    Example: drivers assess --plan nl-corporate-parenting-strategy-2019-22
    """
    from graph.answers.assess import assess_plan, to_markdown
    from graph.core.loader import load
    result = assess_plan(load(obj.data_dir), plan_id)
    if fmt == "json":
        echo_json(result)
    else:
        click.echo(to_markdown(result), nl=False)
