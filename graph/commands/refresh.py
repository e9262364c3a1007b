"""The annual refresh: ``ingest``, ``diff``, ``review``, ``refresh``, ``document``, ``export``, ``import``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .base import Ctx, echo_json, handle_errors, main, outside_data, output_options, table, writing


def _load(obj: Ctx):
    from graph.core.loader import load
    return load(obj.data_dir)


def _edition_arg(data, key: str):
    """An edition by year ('2024') or id ('nl-drivers-2024')."""
    from graph.refresh.editions import find_edition
    from graph.core.errors import UsageError
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
    """Read a drivers document (PDF, Word .docx, Markdown, or text extracted from the PDF) as edition YEAR.

    Entries are matched to existing drivers by their source text, number, title and summary,
    so renumbered and retitled drivers keep their ids; an entry whose text is the same as last
    year's keeps last year's curated values; unmatched entries become new drivers marked
    'created by ingest'. Warnings (what could not be read cleanly) go to stderr. On any error
    nothing is written (exit 2).

    Example: drivers ingest drivers-2024.pdf --edition 2024
    """
    from graph.refresh import ingest as ing
    from graph.refresh.editions import find_edition
    from graph.core.lock import write_lock
    if check:
        data = _load(obj)
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
    with write_lock(obj.data_dir):  # read under the lock: an edition another ingest just wrote is seen
        result, target = ing.ingest(file, year, obj.data_dir, _load(obj), force=force, partnership=partnership)
    if fmt == "json":
        echo_json({**result.report(), "file": str(target)})
        return
    for w in result.warnings:
        click.echo(str(w), err=True)
    new = sum(1 for how in result.matched.values() if how == "new")
    same = sum(1 for parts in result.carried.values() if "text" in parts)
    click.echo(f"Wrote {target}: edition {result.edition['id']}, {len(result.entries)} entries "
               f"({len(result.entries) - new} matched to existing drivers, {new} new; {same} with the same text "
               f"as before, their curated values kept), "
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
    moved with its target is not a change; differences only in white space, dashes or quotes are
    listed apart as formatting. Each change shows the field's old and new value.

    Example: drivers diff 2023 2024 --format md
    """
    from graph.refresh import diff as df
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
@click.option("--edition", "year", type=int, default=None, help="The edition year to review.")
@click.option("--plan", "plan_id", default=None,
              help="Instead of an edition: a plan's actions with no stated driver, with inferred suggestions.")
@click.option("--as-of", "as_of", default=None, help="Review as of this date (YYYY-MM-DD, YYYY-MM or YYYY; default: today).")
@click.option("--partnership", default=None, help="The partnership, when several have an edition that year.")
@output_options("table", "json", "md")
@click.pass_obj
@handle_errors
def review(obj: Ctx, year: int | None, plan_id: str | None, as_of: str | None, partnership: str | None,
           fmt: str) -> None:
    """The refresh checklist for an edition: expired and ending drivers, Bills now Acts, numbering, references, titles, links.

    With --plan instead (e.g. one brought in by import-plan): the plan's actions that no stated link
    joins to a driver, each with inferred suggestions to check and record with drivers accept.
    Findings are dated as of today unless --as-of gives another date. Exit 0 when there is
    nothing to review, 1 when there are findings.

    Example: drivers review --edition 2023 --as-of 2024-06-01
    """
    from graph.core.errors import UsageError
    from graph.refresh import review as rv
    from graph.refresh.editions import find_edition
    if (year is None) == (plan_id is None):
        raise UsageError("give one of --edition YEAR (the drivers document's checklist) or --plan ID "
                         "(a plan's actions with no stated driver)")
    data = _load(obj)
    if plan_id is not None:
        _review_plan(data, plan_id, fmt)
        return
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


def _review_plan(data, plan_id: str, fmt: str) -> None:
    from graph.answers.assess import plan_members, plan_record
    from graph.answers.suggest import unlinked_findings
    from graph.core.text import md_escape
    plan = plan_record(data, plan_id)
    members = plan_members(data, plan_id)
    findings = [f for f in unlinked_findings(data) if f["id"] in members]
    if fmt == "json":
        echo_json(findings)
    elif fmt == "md":
        lines = [f"# Review: {md_escape(plan.title)} (`{plan_id}`)", "",
                 f"{len(findings)} actions with no stated path up to a driver. The suggestions are "
                 "inferred, not stated: check each, then record it with `drivers accept ACTION TARGET --note ...`.", ""]
        lines += [f"- [ ] `{f['id']}` {md_escape(f['title'])}: " +
                  (", ".join(f"`{s['id']}` ({s['score']:.2f})" for s in f["suggestions"]) or "no confident suggestion")
                  for f in findings]
        click.echo("\n".join(lines) + "\n", nl=False)
    else:
        click.echo(table(findings, ["id", "title", "message"]) if findings else
                   f"Every action of {plan_id} has a stated path up to a driver.")
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
    from graph.refresh import review as rv
    from graph.refresh.editions import find_edition, start_edition
    from graph.core.io import write_many
    from graph.core.lock import write_lock
    checklist = outside_data(checklist or Path(f"refresh-{to_year}.md"), "--checklist")
    with write_lock(obj.data_dir):  # read under the lock, so the checks see what a concurrent command wrote
        data = _load(obj)
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
    from graph.publish.document import write_document
    from graph.refresh.editions import find_edition
    outside_data(out, "--out")
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
    from graph.publish.spreadsheet import write_export
    outside_data(out, "--out")
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
    from graph.core.io import write_text
    from graph.core.lock import write_lock
    from graph.publish.spreadsheet import import_edition
    with write_lock(obj.data_dir):  # read under the lock, so the checks see what a concurrent command wrote
        data = _load(obj)
        target, text, summary = import_edition(file, year, data, obj.data_dir, force)
        write_text(target, text)
    for w in summary["warnings"]:
        click.echo(str(w), err=True)
    click.echo(f"Wrote {target}: edition {summary['edition']}, {summary['entries']} entries, "
               f"{len(summary['new_drivers'])} new drivers")
