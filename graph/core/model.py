"""Typed records: what the YAML holds, checked, with stable ids and provenance.

A record is one node of the graph (a driver, plan, action, article ...). Its ``links`` are the
relations the source document states, each with the section it came from. Editions of the
drivers document hold the numbering, which belongs to an edition, not to a driver.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class FieldSpec:
    """One type-specific field: its Python type, whether required, allowed values."""

    kind: type | tuple[type, ...]
    required: bool = False
    choices: tuple[str, ...] | None = None
    many: bool = False  # a list of values


@dataclass(frozen=True)
class TypeSpec:
    """A node type: YAML section name, ontology class, IRI path segment, extra fields."""

    section: str
    cls: str
    slug: str
    label: str
    fields: dict[str, FieldSpec] = field(default_factory=dict)


DRIVER_KINDS = ("act", "bill", "regulations", "strategy", "plan", "guidance", "framework",
                "programme", "fund", "group", "approach", "report")
GROUP_KINDS = ("board", "partnership", "committee", "task-group", "network", "youth-voice", "group")
PLAN_KINDS = ("plan", "strategy", "report", "action-plan")
ACTION_KINDS = ("action", "commitment", "next-step", "priority", "rights", "measure")
#: what a report states as a result, not as something to do: a headline figure, a case study
FINDING_KINDS = ("figure", "case-study")
CATEGORIES = ("national", "local", "improvement", "governance")
SUBCATEGORIES = ("related-plans-and-reports",)

_years = {"start_year": FieldSpec(int), "end_year": FieldSpec(int)}
_numbered = {"number": FieldSpec((str, int))}

TYPES: dict[str, TypeSpec] = {t.section: t for t in (
    TypeSpec("partnerships", "Partnership", "partnership", "partnership"),
    TypeSpec("drivers", "Driver", "driver", "driver", {
        "kind": FieldSpec(str, True, DRIVER_KINDS), **_years,
        "legislation": FieldSpec(str), "url": FieldSpec(str)}),
    TypeSpec("groups", "Group", "group", "group", {"kind": FieldSpec(str, False, GROUP_KINDS)}),
    TypeSpec("plans", "Plan", "plan", "plan", {
        "kind": FieldSpec(str, False, PLAN_KINDS), **_years, "url": FieldSpec(str)}),
    TypeSpec("themes", "Theme", "theme", "theme", {**_numbered}),
    TypeSpec("outcomes", "Outcome", "outcome", "outcome", {
        **_numbered, "text": FieldSpec(str), "progress": FieldSpec(str)}),
    TypeSpec("indicators", "Indicator", "indicator", "indicator", {
        **_numbered, "text": FieldSpec(str), "progress": FieldSpec(str)}),
    TypeSpec("actions", "Action", "action", "action", {
        "text": FieldSpec(str, True), **_numbered,
        "kind": FieldSpec(str, False, ACTION_KINDS), "lead": FieldSpec(str),
        "timescale": FieldSpec(str), "expected_outcomes": FieldSpec(str),
        "measure": FieldSpec(str), "progress": FieldSpec(str), "evidence": FieldSpec(str),
        "year": FieldSpec(str)}),
    TypeSpec("findings", "Finding", "finding", "finding", {
        "text": FieldSpec(str, True), **_numbered, "kind": FieldSpec(str, True, FINDING_KINDS),
        "year": FieldSpec(str)}),
    TypeSpec("articles", "UNCRCArticle", "uncrc", "UNCRC article", {
        "number": FieldSpec(int, True), "short_title": FieldSpec(str)}),
    TypeSpec("clusters", "UNCRCCluster", "uncrc-cluster", "UNCRC cluster", {
        "members": FieldSpec(str, True, many=True), "unconfirmed": FieldSpec(bool)}),
    TypeSpec("wellbeing", "WellbeingIndicator", "wellbeing", "wellbeing indicator"),
    TypeSpec("promise_foundations", "PromiseFoundation", "promise", "Promise foundation"),
    TypeSpec("promise_priorities", "PromisePriority", "promise-priority", "Promise priority"),
    TypeSpec("national_outcomes", "NationalOutcome", "national-outcome", "National Outcome"),
    TypeSpec("quality_indicators", "QualityIndicator", "quality-indicator", "quality indicator", {
        "number": FieldSpec(str, True)}),
)}

#: Fields every record may carry (besides ``id``, ``links`` and the type's own fields).
COMMON_FIELDS: dict[str, FieldSpec] = {
    "title": FieldSpec(str, True),
    "section": FieldSpec(str, True),
    "partnership": FieldSpec(str),
    "description": FieldSpec(str),
    "aliases": FieldSpec(str, many=True),
    "note": FieldSpec(str),
    "source": FieldSpec(str),
}

#: Stated relations: YAML name -> (ontology property, inverse property, reader's phrase).
RELATIONS: dict[str, tuple[str, str | None, str]] = {
    "partOf": ("partOf", "hasPart", "is part of"),
    "drivenBy": ("drivenBy", "drives", "is driven by"),
    "ledBy": ("ledBy", "leads", "is led by"),
    "reportsTo": ("reportsTo", "oversees", "reports to"),
    "overseenBy": ("overseenBy", "hasOversightOf", "is overseen by"),
    "coProducedBy": ("coProducedBy", "coProduced", "is co-produced by"),
    "implements": ("implements", "implementedBy", "implements"),
    "upholdsRight": ("upholdsRight", "rightUpheldBy", "upholds the right in"),
    "contributesTo": ("contributesTo", "contributedToBy", "contributes to"),
    "alignsWith": ("alignsWith", None, "aligns with"),
    "fundedBy": ("fundedBy", "funds", "is funded by"),
    "supersedes": ("supersedes", "supersededBy", "supersedes"),
    "seeAlso": ("seeAlso", None, "see also"),
    "qualityIndicator": ("qualityIndicator", "qualityIndicatorOf", "is evaluated against"),
}

EDITION_FIELDS: dict[str, FieldSpec] = {
    "year": FieldSpec(int, True),
    "title": FieldSpec(str, True),
    "partnership": FieldSpec(str, True),
    "date": FieldSpec(str),
    "section": FieldSpec(str),
    "note": FieldSpec(str),
    "source": FieldSpec(str),
}

ENTRY_FIELDS: dict[str, FieldSpec] = {
    "number": FieldSpec(str, True),
    "driver": FieldSpec(str, True),
    "category": FieldSpec(str, True, CATEGORIES),
    "subcategory": FieldSpec(str, False, SUBCATEGORIES),
    "summary_title": FieldSpec(str),
    "summary_number": FieldSpec(str),
    "title": FieldSpec(str, True),
    "detail_number": FieldSpec(str),
    "summary": FieldSpec(str),
    "links_text": FieldSpec(str, many=True),
    "link_urls": FieldSpec(str, many=True),     # the address of each link text ("" where none is known)
    "refs": FieldSpec(str, many=True),
    "covers": FieldSpec(str, many=True),
    "section": FieldSpec(str),
    "note": FieldSpec(str),
    "source_text": FieldSpec(str),      # the entry as the document prints it, as ingest read it
    "summary_source": FieldSpec(str),   # its Summary row (or the flattened Summary line) as read
}

SOURCE_FIELDS: dict[str, FieldSpec] = {
    "id": FieldSpec(str, True),
    "title": FieldSpec(str, True),
    "publisher": FieldSpec(str),
    "date": FieldSpec(str),
    "seed": FieldSpec(str),
    "partnership": FieldSpec(str),
    "url": FieldSpec(str),
    "note": FieldSpec(str),
}


@dataclass(frozen=True)
class Link:
    """A stated relation from one record to another, with where the document states it."""

    rel: str
    to: str
    source: str
    section: str
    quote: str | None = None
    file: str | None = None
    line: int | None = None


@dataclass
class Record:
    """One node: its type, fields, stated links and provenance (source document + section)."""

    id: str
    type: TypeSpec
    title: str
    source: str
    section: str
    fields: dict[str, Any] = field(default_factory=dict)
    links: list[Link] = field(default_factory=list)
    file: str | None = None
    line: int | None = None

    def get(self, name: str, default: Any = None) -> Any:
        return self.fields.get(name, default)


@dataclass
class Source:
    """A source document (or reference list) the records are transcribed from."""

    id: str
    title: str
    fields: dict[str, Any] = field(default_factory=dict)
    file: str | None = None
    line: int | None = None


@dataclass
class Entry:
    """One numbered entry of a drivers-document edition."""

    number: str
    driver: str
    category: str
    title: str
    order: int
    fields: dict[str, Any] = field(default_factory=dict)
    file: str | None = None
    line: int | None = None


@dataclass
class Edition:
    """One edition of a partnership's *Strategic drivers and plans* document."""

    id: str
    year: int
    title: str
    partnership: str
    source: str
    entries: list[Entry] = field(default_factory=list)
    fields: dict[str, Any] = field(default_factory=dict)
    file: str | None = None
    line: int | None = None


@dataclass
class Data:
    """Everything loaded from ``data/``: records by id, sources, editions."""

    records: dict[str, Record] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)
    editions: dict[str, Edition] = field(default_factory=dict)
    #: the line of each source block's ``partnership:`` key (for its message)
    source_lines: dict[str, int] = field(default_factory=dict)
    #: every id a file declares, even of records that failed to load (so a broken record does
    #: not also produce "unknown id" errors wherever it is linked)
    declared: set[str] = field(default_factory=set)
    #: links a file adds to records defined elsewhere (a top-level ``links:`` section, e.g. the
    #: links officers accepted in data/accepted-links.yaml): (from id, link), attached after loading
    extra_links: list[tuple[str, "Link"]] = field(default_factory=list)

    def of_type(self, section: str) -> list[Record]:
        return sorted((r for r in self.records.values() if r.type.section == section), key=lambda r: r.id)

    def edition_for_year(self, year: int, partnership: str | None = None) -> Edition | None:
        for ed in sorted(self.editions.values(), key=lambda e: e.id):
            if ed.year == year and (partnership is None or ed.partnership == partnership):
                return ed
        return None
