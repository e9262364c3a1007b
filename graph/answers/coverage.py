"""Coverage matrix: which plans (or one plan's themes and actions) state links to which framework items.

A row covers an item when the row itself, or anything ``partOf*`` it, states the framework's
relation to that item: ``upholdsRight`` a UNCRC article, ``contributesTo`` a SHANARRI wellbeing
indicator, ``alignsWith`` a Promise foundation. Gaps are the items no row covers; for the UNCRC
only articles 1-42 count, the substantive rights (43-54 are about monitoring and ratification).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import RDF, Graph, URIRef
from rdflib.namespace import DCTERMS, SKOS

from .catalog import PREFIXES, Catalog
from ..core.text import md_escape
from ..core.errors import UsageError
from ..core.namespace import DG
from ..core.view import node_type, reach

#: framework -> (relation, class of its items)
FRAMEWORKS = {
    "uncrc": (DG.upholdsRight, DG.UNCRCArticle),
    "shanarri": (DG.contributesTo, DG.WellbeingIndicator),
    "promise": (DG.alignsWith, DG.PromiseFoundation),
}
#: the published order of SHANARRI and the Promise foundations (others follow by title)
ORDER = ["shanarri-safe", "shanarri-healthy", "shanarri-achieving", "shanarri-nurtured", "shanarri-active",
         "shanarri-respected", "shanarri-responsible", "shanarri-included",
         "promise-voice", "promise-family", "promise-care", "promise-people", "promise-scaffolding"]
#: with --plan, the plan's parts in this order (then by id)
PART_ORDER = ["Plan", "Theme", "Outcome", "Indicator", "Action"]
SUBSTANTIVE = range(1, 43)
MARK = "x"


@dataclass(frozen=True)
class Item:
    id: str
    label: str  # the column header: an article number, or a title such as "Safe"
    title: str
    number: int | None = None


@dataclass
class Row:
    id: str
    title: str
    type: str
    covers: set[str] = field(default_factory=set)


@dataclass
class Coverage:
    framework: str
    items: list[Item]
    rows: list[Row]
    plan: str | None = None

    @property
    def columns(self) -> list[Item]:
        """The items some row covers (the matrix shows only these; the rest are gaps or out of scope)."""
        covered = set().union(*(r.covers for r in self.rows))
        return [i for i in self.items if i.id in covered]

    @property
    def gaps(self) -> list[Item]:
        covered = set().union(*(r.covers for r in self.rows))
        return [i for i in self.items if i.id not in covered
                and (self.framework != "uncrc" or i.number in SUBSTANTIVE)]

    @property
    def scope(self) -> str:
        if self.framework == "uncrc":
            return "UNCRC articles 1-42 (the substantive rights; 43-54 are about monitoring and ratification)"
        return {"shanarri": "SHANARRI wellbeing indicators", "promise": "Promise foundations"}[self.framework]


def coverage(g: Graph, framework: str = "uncrc", plan: str | None = None) -> Coverage:
    """The matrix for every Plan, or with ``plan`` (an id or number) for that plan and each of its parts.

    Set-based: one scan each of ``partOf`` and the framework's relation, one query for the rows'
    ids, titles and types; the coverage of every row is worked out from those in memory.
    """
    if framework not in FRAMEWORKS:
        raise UsageError(f"unknown framework {framework!r}; use one of: {', '.join(FRAMEWORKS)}")
    rel, cls = FRAMEWORKS[framework]
    wanted = {n: _item(g, n) for n in set(g.subjects(RDF.type, cls))}
    items = sorted(wanted.values(), key=_item_key)
    children: dict = {}
    for child, parent in g.subject_objects(DG.partOf):
        children.setdefault(parent, set()).add(child)
    states: dict = {}
    for s, o in g.subject_objects(rel):
        if o in wanted:
            states.setdefault(s, set()).add(wanted[o].id)
    if plan is None:
        info = _rows_info(g, _PLANS_Q, {})
        nodes = sorted(info, key=lambda n: info[n][0])
    else:
        top = Catalog(g).resolve(plan)
        if (top, RDF.type, DG.Plan) not in g:
            raise UsageError(f"{plan!r} is a {node_type(g, top)}, not a plan; "
                             "use an id from 'drivers list plans'")
        info = _rows_info(g, _PARTS_Q, {"top": top})
        parts = reach(top, children) - {top}
        info.setdefault(top, (str(top), "", None))
        nodes = [top, *sorted(parts, key=lambda n: (_rank(PART_ORDER, info.get(n, ("", "", None))[2]),
                                                    info.get(n, (str(n),))[0]))]
    rows = []
    for n in nodes:
        ident, title, kind = info.get(n, (str(n), "", None))
        covers = set().union(*(states.get(part, set()) for part in reach(n, children)))
        rows.append(Row(ident, title, kind or "", covers))
    return Coverage(framework, items, rows, info[top][0] if plan is not None else None)


_PLANS_Q = """SELECT ?n ?id ?title ?t WHERE { ?n a dg:Plan ; a ?t .
  OPTIONAL { ?n dcterms:identifier ?id } OPTIONAL { ?n dcterms:title ?title } }"""
_PARTS_Q = """SELECT ?n ?id ?title ?t WHERE { ?n dg:partOf* ?top . ?n a ?t .
  OPTIONAL { ?n dcterms:identifier ?id } OPTIONAL { ?n dcterms:title ?title } }"""


def _rows_info(g: Graph, query: str, bindings: dict) -> dict:
    """node -> (id, title, record type) from one query (types chosen as ``view.node_type`` does)."""
    from ..core.view import NODE_CLASSES, local
    seen: dict = {}
    for row in g.query(PREFIXES + query, initBindings=bindings):
        ident, title, types = seen.setdefault(row.n, [None, None, set()])
        seen[row.n][0] = ident if ident is not None else row.id
        seen[row.n][1] = title if title is not None else row.title
        if str(row.t).startswith(str(DG._NS)):
            types.add(local(row.t))
    return {n: (str(i) if i is not None else str(n), str(t) if t is not None else "",
                next((c for c in NODE_CLASSES if c in types), None)) for n, (i, t, types) in seen.items()}


def _item(g: Graph, n: URIRef) -> Item:
    title = str(g.value(n, DCTERMS.title))
    notation = g.value(n, SKOS.notation)
    number = int(notation) if notation is not None and str(notation).isdigit() else None
    return Item(str(g.value(n, DCTERMS.identifier)), str(number) if number is not None else title, title, number)


def _rank(order: list, value) -> int:
    return order.index(value) if value in order else len(order)


def _item_key(i: Item):
    return (i.number if i.number is not None else 10_000, _rank(ORDER, i.id), i.title)


def matrix(cov: Coverage) -> tuple[list[str], list[dict]]:
    """Columns and row dicts for ``table`` / CSV: id, (type,) title, then one column per covered item."""
    head = ["id", "type", "title"] if cov.plan else ["id", "title"]
    cols = [*head, *(i.label for i in cov.columns)]
    rows = [{"id": r.id, "type": r.type, "title": r.title,
             **{i.label: MARK if i.id in r.covers else "" for i in cov.columns}} for r in cov.rows]
    return cols, rows


def gaps_text(cov: Coverage, markdown: bool = False) -> str:
    head = f"Gaps: {cov.scope} that no row covers"
    gaps = cov.gaps
    if not gaps:
        return f"{head}: none\n"
    bullet = "- " if markdown else "  "
    lines = [f"{'**' if markdown else ''}{head}{'**' if markdown else ''} ({len(gaps)}):"]
    if markdown:
        lines.append("")
    lines += [f"{bullet}{_md(i.title) if markdown else i.title} [{i.id}]" for i in gaps]
    return "\n".join(lines) + "\n"


def as_markdown(cov: Coverage) -> str:
    """A GitHub table (``|`` in titles escaped), then the gaps as a list."""
    cols, rows = matrix(cov)
    lines = ["| " + " | ".join(_md(c) for c in cols) + " |", "|" + " --- |" * len(cols)]
    lines += ["| " + " | ".join(_md(r[c]) for c in cols) + " |" for r in rows]
    return "\n".join(lines) + "\n\n" + gaps_text(cov, markdown=True)


def _md(text: str) -> str:
    """One line of Markdown-safe text: line breaks joined (a title cannot start a new block), and
    the characters that make links, images, HTML, emphasis, code or table cells escaped."""
    return md_escape(" ".join(str(text).split()))
