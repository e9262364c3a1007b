"""Suggested links: ``suggest`` (inferred candidates, kept apart) and ``accept`` (one becomes a stated link).
"""

from __future__ import annotations

from pathlib import Path

import click

from .base import Ctx, Failure, SUGGESTIONS, echo_json, handle_errors, main, output_options, table


@main.command()
@click.argument("query", metavar="TEXT-or-ACTION-ID", required=False)
@click.option("--top", type=click.IntRange(min=1), default=None,
              help="At most this many of each type (default: 3 drivers, 3 articles, 3 indicators, 2 Promise "
                   "foundations; 3 drivers per action with --unlinked).")
@click.option("--types", multiple=True, metavar="TYPE[,TYPE]",
              help="Only these candidate types: Driver, UNCRCArticle, WellbeingIndicator, PromiseFoundation.")
@click.option("--partnership", default=None, help="For new text: leave out other partnerships' local drivers (id).")
@click.option("--save", is_flag=True, help="Keep these suggestions for an action id in --suggestions (inferred links, "
                                           "shown by why/viz --suggested); data/ is not touched.")
@click.option("--suggestions", "store", type=click.Path(path_type=Path, dir_okay=False), default=SUGGESTIONS,
              show_default=True, help="Where --save keeps suggestions.")
@click.option("--evaluate", is_flag=True, help="Hold back stated links, predict them, print P@1, R@5, R@10 and MRR "
                                               "per target type against baselines.")
@click.option("--split", type=click.Choice(["test", "tune", "cv", "paraphrase"]), default="test", show_default=True,
              help="With --evaluate: the held-out documents (test), the ones the method was tuned on, "
                   "leave-one-document-out with the weights chosen inside each fold (cv), or the hand-written "
                   "paraphrases of existing actions (paraphrase, see --paraphrases).")
@click.option("--paraphrases", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="With --split paraphrase: the paraphrase file (default tests/fixtures/suggest-paraphrases.yaml).")
@click.option("--all", "everything", is_flag=True, help="Also list candidates below the confidence threshold "
                                                          "(marked so); each type still shows at most --top.")
@click.option("--unlinked", is_flag=True, help="List the actions with no path up to any driver, each with its "
                                               "confident suggestions.")
@output_options("table", "json")
@click.pass_obj
@handle_errors
def suggest(obj: Ctx, query: str | None, top: int | None, types: tuple[str, ...], partnership: str | None, save: bool,
            store: Path, evaluate: bool, split: str, paraphrases: Path | None, everything: bool, unlinked: bool,
            fmt: str) -> None:
    """Suggest the drivers, UNCRC articles, wellbeing indicators and Promise foundations behind an action.

    TEXT-or-ACTION-ID is new action text, or the id of an action (then what it already reaches is
    left out). Each type is ranked on its own and shows only candidates that score well, with their
    evidence: the words that matched (a ~ b: through the thesaurus) and the similar, already-linked
    records that are linked to them; a type with none says "no confident suggestion". Suggestions are
    inferred, never stated: they are shown only here, or by why/viz --suggested once saved. Exit 1
    when nothing is listed (no confident suggestion of any type; with --all, no candidate at all).

    Example: drivers suggest "improve access to CAMHS for care experienced young people"
    """
    from graph.answers import suggest as sg
    if evaluate:
        _evaluate(sg, obj.built(), split, paraphrases, fmt)
        return
    idx = _text_index(obj, sg) if query and not unlinked and not save else None
    if idx is None or (query or "").strip() in idx[1]:
        b = obj.built()
        idx = sg.Index.build(b.data, b.nx)
    else:
        idx = idx[0]
    if unlinked:
        rows = sg.unlinked_actions(idx, top or 3)
        if fmt == "json":
            echo_json(rows)
            return
        if not rows:
            click.echo("Every action reaches a driver through stated links.")
            return
        for r in rows:
            r["suggestions"] = [f"{x['id']} ({x['score']:.2f})" for x in r["suggestions"]] or [sg.NO_CONFIDENT]
        click.echo(table(rows, ["id", "partnership", "title", "suggestions"], width=60))
        click.echo("Suggestions are inferred, not stated links: check before use (drivers accept records one).")
        return
    if not query:
        raise Failure("give TEXT-or-ACTION-ID, or --evaluate, or --unlinked")
    from graph.answers.reply import check_suggest_partnership
    check_suggest_partnership(idx, partnership)
    out = sg.suggest_for_text(idx, query, top=top, types=sg.parse_types(types), partnership=partnership,
                              everything=everything)
    if save:
        from graph.answers import inferred
        if out["action"] is None:
            raise Failure("--save needs an action id: free text has no action to link from")
        links = [inferred.InferredLink(out["action"], x["rel"], x["id"], x["score"], sg.METHOD, x["evidence"])
                 for x in out["suggestions"]]
        from .base import outside_data
        outside_data(store, "--suggestions")
        inferred.save(store, inferred.merge(inferred.load(store), out["action"], links))
    if fmt == "json":
        echo_json(out)   # = graph.answers.reply.suggestions, what drivers serve's /api/suggest returns
    else:
        for group in out["types"]:
            click.echo(f"{group['type']} ({group['rel']}):")
            if group["suggestions"] and not group["confident"]:
                click.echo(f"  {sg.NO_CONFIDENT}; the best, below the threshold:")
            if group["suggestions"]:
                rows = [{"score": f"{x['score']:.3f}" + ("" if x["confident"] else " (weak)"), "id": x["id"],
                         "title": x["title"], "evidence": sg.evidence_text(x["evidence"])}
                        for x in group["suggestions"]]
                click.echo(_indent(table(rows, ["score", "id", "title", "evidence"], width=60)))
            else:
                best = group["best_below"] if not everything else None
                click.echo(f"  {sg.NO_CONFIDENT}" + (f" (best: {best['id']}, score {best['score']:.3f})" if best else ""))
        if out["already"]:
            click.echo(f"Left out: {len(out['already'])} already linked (drivers why {out['action']}).")
        click.echo("Inferred suggestions, not stated links: check before use (drivers accept records one).")
        if save:
            click.echo(f"Saved {len(out['suggestions'])} suggestions for {out['action']} to {store}.")
    if not out["suggestions"]:
        raise Failure(f"{sg.NO_CONFIDENT} of any type; try other words, fewer --types, or --all", 1)


#: how many cached suggestion indexes are kept (least recently used go first)
KEEP_INDEXES = 8


def _text_index(obj: Ctx, sg):
    """(index, record ids) for free-text queries, cached as JSON in the store's cache folder and keyed
    by the data, the code and the thesaurus; None where there is no cache (``--store rdflib``,
    ``--endpoint``) or it cannot be written. A warm ``drivers suggest TEXT`` then builds nothing."""
    import hashlib
    import json
    import os

    if obj.endpoint or obj.store != "oxigraph":
        return None
    from graph.core.errors import DriversError
    from graph.store.local import cache_root, fingerprint

    try:
        key = hashlib.sha256((fingerprint(obj.data_dir, obj.base) + "\0").encode()
                             + sg.THESAURUS.read_bytes()).hexdigest()[:32]
    except OSError:
        return None
    root = cache_root()
    path = root / f"suggest-{key}.json"
    try:
        found = sg.index_from_json(json.loads(path.read_text(encoding="utf-8")))
        os.utime(path)
        return found
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        pass  # missing, unreadable or of another format: build it again
    from graph.core.io import write_text
    b = obj.built()
    idx = sg.Index.build(b.data, b.nx)
    try:
        write_text(path, json.dumps(sg.index_to_json(idx, b.data.records), ensure_ascii=False, sort_keys=True))
        olds = sorted(root.glob("suggest-*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in olds[KEEP_INDEXES:]:
            old.unlink(missing_ok=True)
    except (DriversError, OSError):
        pass  # no cache then; the answer is the same
    return idx, set(b.data.records)


def _indent(text: str) -> str:
    return "\n".join("  " + line for line in text.splitlines())


def _evaluate(sg, b, split: str, paraphrases: Path | None, fmt: str) -> None:
    folds = None
    if split == "cv":
        rows, folds = sg.cross_validate(b.data, b.nx)
    elif split == "paraphrase":
        rows = sg.evaluate_paraphrases(b.data, b.nx, sg.load_paraphrases(paraphrases or sg.PARAPHRASES))
    else:
        rows = sg.evaluate(b.data, b.nx, split)
    if fmt == "json":
        echo_json(rows if folds is None else {"rows": rows, "folds": folds})
        return
    click.echo(sg.evaluation_header(split))
    click.echo(table(rows, ["method", "type", "queries", "P@1", "R@5", "R@10", "MRR"]))
    if folds is not None:
        click.echo("\nChosen in each fold (on the other documents only):")
        click.echo(table(folds, ["fold", "queries", "semantic_weight", "graph_weight", "inner_objective"]))


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
    from graph.answers import accept as ac
    from graph.core.lock import write_lock
    with write_lock(obj.data_dir):  # read, check and append under one lock: two accepts cannot lose one
        a, files = ac.accept(obj.data_dir, action, target, rel_name, note, by, date, store)
        ac.write(files)
    click.echo(f"Accepted: {a.frm} {a.rel} {a.to} — written to {a.path}" +
               (f" (suggestion score {a.score:.3f}, removed from {store})" if a.score is not None else ""))
