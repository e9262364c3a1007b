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

from .catalog import Catalog
from ..core.text import md_escape
from ..core.errors import UsageError
from ..core.namespace import DG
from ..core.view import node_type

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
    """The matrix for every Plan, or with ``plan`` (an id or number) for that plan and each of its parts."""
    if framework not in FRAMEWORKS:
        raise UsageError(f"unknown framework {framework!r}; use one of: {', '.join(FRAMEWORKS)}")
    rel, cls = FRAMEWORKS[framework]
    wanted = set(g.subjects(RDF.type, cls))
    items = sorted((_item(g, n) for n in wanted), key=_item_key)
    ident = {n: str(i) for n, i in g.subject_objects(DCTERMS.identifier)}
    if plan is None:
        nodes = sorted(set(g.subjects(RDF.type, DG.Plan)), key=lambda n: ident.get(n, str(n)))
    else:
        top = Catalog(g).resolve(plan)
        if (top, RDF.type, DG.Plan) not in g:
            raise UsageError(f"{plan!r} is a {node_type(g, top)}, not a plan; "
                             "use an id from 'drivers list plans'")
        parts = set(g.transitive_subjects(DG.partOf, top)) - {top}
        nodes = [top, *sorted(parts, key=lambda n: (_rank(PART_ORDER, node_type(g, n)), ident.get(n, str(n))))]
    rows = []
    for n in nodes:
        covers = {ident[o] for part in g.transitive_subjects(DG.partOf, n) for o in g.objects(part, rel)
                  if o in wanted}
        rows.append(Row(ident.get(n, str(n)), str(g.value(n, DCTERMS.title) or ""), node_type(g, n) or "", covers))
    return Coverage(framework, items, rows, ident[top] if plan is not None else None)


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
