"""Each question's answer as plain JSON-able data: what ``--format json`` prints, and what
``drivers serve`` returns for the same input (one function per question, called by both).

The functions take what the answer is made from (the ``why`` graph and document titles, the
catalog, a backend's ``run``, a search or suggestion index), so the command line and the server,
which keep those objects for different lengths of time, build the same JSON.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import why as w

if TYPE_CHECKING:
    from .catalog import Catalog
    from .search import SearchIndex
    from .suggest import Index


def why(G, documents: dict[str, str], query: str, partnership: str | None = None) -> dict:
    """``drivers why TEXT-or-ID --format json``."""
    return w.as_json(G, w.why(G, query, partnership, documents))


def impact_answer(G, catalog: Catalog, documents: dict[str, str], key: str, edition: int | None = None,
                  partnership: str | None = None) -> w.Answer:
    """What a driver (an id, or a number in an edition) reaches."""
    from rdflib.namespace import DCTERMS
    node = catalog.resolve(key, edition)
    return w.impact(G, str(catalog.g.value(node, DCTERMS.identifier)), partnership, documents)


def impact(G, catalog: Catalog, documents: dict[str, str], key: str, edition: int | None = None,
           partnership: str | None = None) -> dict:
    """``drivers impact ID-or-NUMBER --format json``."""
    return w.as_json(G, impact_answer(G, catalog, documents, key, edition, partnership), key="reached", head="driver")


def suggestions(index: Index, query: str, top: int | None = None, types: tuple[str, ...] | None = None,
                partnership: str | None = None) -> dict:
    """``drivers suggest TEXT-or-ACTION-ID --format json``: inferred candidates per type, with their
    evidence and the "no confident suggestion" signal (:func:`graph.answers.suggest.suggest_for_text`).
    ``top``: at most this many of each type (default: the per-type defaults)."""
    from . import suggest as sg
    return sg.suggest_for_text(index, query, top=top, types=types or sg.parse_types(()), partnership=partnership)


def coverage(g, framework: str = "uncrc", plan: str | None = None) -> dict:
    """``drivers coverage --format json``: the columns (items some row covers), each row with the
    ids of the items it covers, and the gaps."""
    from . import coverage as cv
    cov = cv.coverage(g, framework, plan)

    def item(i: cv.Item) -> dict:
        return {"id": i.id, "label": i.label, "title": i.title, "number": i.number}
    return {"framework": cov.framework, "scope": cov.scope, "plan": cov.plan,
            "columns": [item(i) for i in cov.columns],
            "rows": [{"id": r.id, "title": r.title, "type": r.type, "covers": sorted(r.covers)} for r in cov.rows],
            "gaps": [item(i) for i in cov.gaps]}


def queries() -> list[dict]:
    """``drivers queries --format json``: every named query with its parameters."""
    from .queries import load_named
    return [{"name": q.name, "title": q.title, "params": [str(p) for p in q.params], "description": q.description}
            for q in load_named().values()]


def named_query(run, name: str, params: list[str] | dict[str, str]):
    """``drivers query NAME --param k=v --format json``: the query's rows, its parameters bound (typed
    as its header declares, never pasted). ``run`` is a backend's ``run(text, bindings, where)``."""
    from . import queries as q
    nq = q.get_named(name)
    return run(nq.text, q.bind_params(nq, params), nq.where or nq.name)


def search(index: SearchIndex, text: str, partnership: str | None = None, top: int | None = None) -> list[dict]:
    """``drivers search TEXT --format json``."""
    from . import search as s
    return s.search(index, text, partnership, top or s.DEFAULT_TOP)


def ask(G, documents: dict[str, str], suggest_index: Any, text: str, partnership: str | None = None,
        top: int = 10) -> dict:
    """"What drives this?" for the explorer's box: the text (or an id) as an action, else suggestions.

    * ``{"kind": "why", "why": ...}`` — it names or clearly matches one action: the ``why`` answer;
    * ``{"kind": "choose", "query": ..., "candidates": [...]}`` — it matches several actions about
      equally: each with its plan and partnership, best first, for the user to pick (then ask by id);
    * ``{"kind": "suggest", "query": ..., "suggestions": [...], "confident": bool, "types": [...],
      "inferred": true}`` — it matches no action: the confident suggestions of ``drivers suggest``
      (its ``suggestions`` rows, per-type defaults; ``types`` as it gives them), inferred, each with
      its evidence; ``top`` caps each type.

    ``suggest_index`` is a :class:`~graph.answers.suggest.Index`, or a callable giving one (made
    only when the text matches no action).
    """
    from ..core.errors import NotFound
    try:
        best, others = w.choose(G, text, partnership)
    except NotFound:
        idx = suggest_index() if callable(suggest_index) else suggest_index
        out = suggestions(idx, text, None, None, partnership)
        return {"kind": "suggest", "query": text, "suggestions": out["suggestions"][:top],
                "confident": out["confident"], "types": out["types"], "inferred": True}
    if best is None:
        return {"kind": "choose", "query": text, "candidates": w.candidates_json(G, others)}
    return {"kind": "why", "why": why(G, documents, text, partnership)}  # = `drivers why TEXT --format json`
