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


#: a name match at least this strong is a name, alias or acronym equal to what was typed (see search.py)
NAME_EQUAL = 850.0
MAX_CANDIDATES = 10


def resolve(catalog: Catalog, key: str, edition: int | None = None, index=None, exclude: tuple[str, ...] = ()
            ) -> str:
    """The id of the record ``key`` names: an id or an edition's number, else (with ``index``, a
    :class:`SearchIndex` or a function making one) a title, alias, acronym or title words. One record
    whose name equals ``key`` (or the only one whose name fits) wins; several raise :class:`Ambiguous`
    listing them; none, NotFound with the nearest ids."""
    from rdflib.namespace import DCTERMS
    from ..core.errors import Ambiguous, NotFound
    from . import search as s
    try:
        return str(catalog.g.value(catalog.resolve(key, edition), DCTERMS.identifier))
    except NotFound:
        if index is None or not key.strip():
            raise
        idx = index() if callable(index) else index
        rows = [r for r in s.search(idx, key, top=200) if r["matched"] != "text" and r["type"] not in exclude]
        if not rows:
            raise
    strong = [r for r in rows if r["score"] >= NAME_EQUAL]
    if len(strong) == 1:
        return strong[0]["id"]
    if not strong and len(rows) == 1:
        return rows[0]["id"]
    fits = strong or rows
    cands = [{k: r[k] for k in ("id", "type", "title", "number", "partnership") if r.get(k)}
             for r in fits[:MAX_CANDIDATES]]
    more = f" (the first {MAX_CANDIDATES} shown)" if len(fits) > MAX_CANDIDATES else ""
    raise Ambiguous(f"{len(fits)} records fit {key.strip()!r}{more}: give one's id or number", key.strip(), cands)


def node(catalog: Catalog, key: str, edition: int | None = None, index=None) -> dict:
    """``drivers show ID-or-NUMBER-or-NAME --format json`` (``/api/node/KEY``)."""
    return catalog.show(resolve(catalog, key, edition, index), edition)


def impact_answer(G, catalog: Catalog, documents: dict[str, str], key: str, edition: int | None = None,
                  partnership: str | None = None, index=None) -> w.Answer:
    """What a driver (an id, a number in an edition, or with ``index`` a name) reaches."""
    w.check_partnership(G, partnership)
    return w.impact(G, resolve(catalog, key, edition, index, exclude=("Action", "Finding")), partnership, documents)


def impact(G, catalog: Catalog, documents: dict[str, str], key: str, edition: int | None = None,
           partnership: str | None = None, index=None) -> dict:
    """``drivers impact ID-or-NUMBER --format json``."""
    return w.as_json(G, impact_answer(G, catalog, documents, key, edition, partnership, index), key="reached",
                     head="driver")


def suggestions(index: Index, query: str, top: int | None = None, types: tuple[str, ...] | None = None,
                partnership: str | None = None) -> dict:
    """``drivers suggest TEXT-or-ACTION-ID --format json``: inferred candidates per type, with their
    evidence and the "no confident suggestion" signal (:func:`graph.answers.suggest.suggest_for_text`).
    ``top``: at most this many of each type (default: the per-type defaults)."""
    from . import suggest as sg
    check_suggest_partnership(index, partnership)
    return sg.suggest_for_text(index, query, top=top, types=types or sg.parse_types(()), partnership=partnership)


def check_suggest_partnership(index: Index, partnership: str | None) -> None:
    """UsageError (exit 2) for a partnership the suggestion index does not know."""
    if partnership is None:
        return
    if index.G is not None:
        w.check_partnership(index.G, partnership)
        return
    known = {t.partnership for t in index.targets.values()} | {i.partnership for i in index.items.values()}
    known.discard(None)
    if partnership not in known:
        from ..core.errors import UsageError
        raise UsageError(f"unknown partnership {partnership!r}; the partnerships are: {', '.join(sorted(known))}")


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
    bindings = q.bind_params(nq, params)
    for p in nq.params:
        cls = q.id_class(p)
        if cls and p.name in bindings:
            _check_id(run, nq, p, cls, bindings[p.name])
    return run(nq.text, bindings, nq.where or nq.name)


def _check_id(run, nq, p, cls: str, value) -> None:
    """A parameter declared 'id of the action' must name an existing Action: UsageError (exit 2) otherwise,
    so an unknown id never reads as an empty answer. The value is bound, never pasted."""
    from ..core.errors import UsageError
    from ..core.text import close_matches
    head = "PREFIX dg: <https://w3id.org/drivers-graph/ontology#>\nPREFIX dcterms: <http://purl.org/dc/terms/>\n"
    found = run(head + f"SELECT ?n WHERE {{ ?n dcterms:identifier ?id ; a dg:{cls} }} LIMIT 1", {"id": value},
                f"{nq.name} ({p.name} check)")
    if found.rows:
        return
    ids = [r["id"] for r in run(head + f"SELECT ?id WHERE {{ ?n a dg:{cls} ; dcterms:identifier ?id }}", {},
                                f"{nq.name} ({p.name} ids)").rows]
    near = close_matches(str(value), ids, n=3, cutoff=0.5)
    hint = f"did you mean {', '.join(near)}?" if near else f"see 'drivers list' for the {cls} ids"
    raise UsageError(f"query {nq.name!r}: --param {p.name}={str(value)[:80]!r} is not the id of any {cls}; {hint}")


def search(index: SearchIndex, text: str, partnership: str | None = None, top: int | None = None) -> list[dict]:
    """``drivers search TEXT --format json``."""
    from . import search as s
    w.check_partnership(index.G, partnership)
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
