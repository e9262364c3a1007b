"""Read the built graph: list records of a type, show one record with its links.

Works on any rdflib ``Graph`` (the union of the named graphs). Parameters are bound into the
SPARQL with ``initBindings``, never pasted into the query text.
"""

from __future__ import annotations

from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, SKOS

from ..core.errors import NotFound, UnknownId, UsageError
from ..core.text import close_matches
from ..core.namespace import DG
from ..core.rdf import direct_reader, subject_objects
from ..core.view import breadth_first, local, node_type

PREFIXES = """PREFIX dg: <https://w3id.org/drivers-graph/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""
_PREFIX_IRIS = dict(line[len("PREFIX "):].rstrip(">").split(": <") for line in PREFIXES.splitlines())

#: ``drivers list TYPE`` -> ontology class
LIST_TYPES = {
    "drivers": DG.Driver, "plans": DG.Plan, "actions": DG.Action, "findings": DG.Finding, "groups": DG.Group,
    "programmes": DG.Programme, "legislation": DG.Legislation, "articles": DG.UNCRCArticle,
    "clusters": DG.UNCRCCluster, "themes": DG.Theme, "outcomes": DG.Outcome, "indicators": DG.Indicator,
    "partnerships": DG.Partnership, "wellbeing": DG.WellbeingIndicator, "promise": DG.PromiseFoundation,
    "promise-priorities": DG.PromisePriority, "national-outcomes": DG.NationalOutcome,
    "quality-indicators": DG.QualityIndicator, "sources": DG.SourceDocument, "editions": DG.Edition,
}

_LIST_Q = PREFIXES + """
SELECT ?n ?id ?title WHERE { ?n a ?cls ; dcterms:identifier ?id ; dcterms:title ?title . }
"""

_ENTRY_TITLES_Q = PREFIXES + """
SELECT ?d ?title ?summary_title WHERE {
  ?ed a dg:Edition ; dg:editionYear ?year .
  ?e dg:edition ?ed ; dg:describes ?d ; dcterms:title ?title .
  OPTIONAL { ?e dg:summaryTitle ?summary_title }
}
"""

_ENTRIES_Q = PREFIXES + """
SELECT ?d ?number ?cat ?order WHERE {
  ?ed a dg:Edition ; dg:editionYear ?year .
  ?e dg:edition ?ed ; dg:describes ?d ; dg:number ?number ; dg:category ?cat ; dg:order ?order .
  OPTIONAL { ?ed dg:partnership/dcterms:identifier ?p }
  FILTER (!BOUND(?pship) || ?p = ?pship)
}
"""


#: columns every list reads (a property path each), and more by type
_COMMON = {"source": "dg:describedIn/dcterms:identifier", "section": "dg:section",
           "pship": "dg:partnership/dcterms:identifier", "kind": "dg:kind", "groupKind": "dg:groupKind",
           "planKind": "dg:planKind"}
_TYPE_COLUMNS = {
    "actions": {"number": "dg:number", "text": "dg:text", "actionKind": "dg:actionKind", "lead": "dg:lead",
                "timescale": "dg:timescale"},
    "findings": {"number": "dg:number", "text": "dg:text", "findingKind": "dg:findingKind"},
    "articles": {"notation": "skos:notation", "short_title": "dg:shortTitle"},
    "quality-indicators": {"notation": "skos:notation"},
    "themes": {"number": "dg:number"}, "outcomes": {"number": "dg:number"}, "indicators": {"number": "dg:number"},
    "editions": {"year": "dg:editionYear"},
}


def _kind(cols: dict) -> str | None:
    k = cols.get("kind") or cols.get("groupKind") or cols.get("planKind")
    return local(k) if k is not None else None


class Catalog:
    """Lists and shows records of one built graph."""

    def __init__(self, g: Graph):
        self.g = g
        self._by_id: dict[str, URIRef] | None = None
        self._editions: list[int] | None = None
        self._entries: dict[tuple, dict] = {}  # (year, partnership) -> entries: a graph never changes
        self._scans: dict = {}
        self._class_ids: dict = {}
        self._direct = direct_reader(g)  # Oxigraph asked itself, when g is one of its stores
        #: (type, edition) -> the rows of each listing made, for a caller to keep (``drivers build``
        #: keeps those its CSVs list in the store cache: ``graph.store.local.Listings``)
        self.listed: dict[tuple[str, int | None], list[dict]] = {}

    def _select(self, query: str, bindings: dict) -> list[dict]:
        """The rows of a SELECT as {variable: value} (None when unbound; with Oxigraph asked
        directly, literals come as their text, which is all the catalog reads of them)."""
        if self._direct is not None:
            names, rows = self._direct.select(query, bindings)
        else:
            res = self.g.query(query, initBindings=bindings)
            names, rows = [str(v) for v in res.vars], res
        return [dict(zip(names, row)) for row in rows]

    def _subject_objects(self, pred: URIRef):
        return subject_objects(self.g, pred)

    # -- lookups -----------------------------------------------------------------------------
    @property
    def by_id(self) -> dict[str, URIRef]:
        """Every id -> its node (one scan; :meth:`resolve` looks a single id up directly)."""
        if self._by_id is None:
            self._by_id = {str(i): s for s, i in self._subject_objects(DCTERMS.identifier)}
        return self._by_id

    def _node(self, key: str) -> URIRef | None:
        if self._by_id is not None:
            return self._by_id.get(key)
        return next(iter(sorted(self.g.subjects(DCTERMS.identifier, Literal(key)))), None)

    def editions(self) -> list[int]:
        if self._editions is None:
            self._editions = sorted({int(y) for _, y in self._subject_objects(DG.editionYear)})
        return self._editions

    def _year(self, edition: int | None) -> int | None:
        years = self.editions()
        if edition is None:
            return years[-1] if years else None
        if edition not in years:
            raise UnknownId(f"no edition {edition}; editions in the data: {', '.join(map(str, years)) or 'none'}")
        return edition

    def entries(self, edition: int | None, partnership: str | None = None) -> dict[URIRef, tuple[str, str, int]]:
        """driver node -> (number, category, order) in the given edition year (default: newest)."""
        year = self._year(edition)
        if year is None:
            return {}
        if (year, partnership) in self._entries:
            return self._entries[(year, partnership)]
        bindings = {"year": Literal(year)}
        if partnership:
            bindings["pship"] = Literal(partnership)
        out = {}
        for row in self._select(_ENTRIES_Q, bindings):
            out[row["d"]] = (str(row["number"]), local(row["cat"]), int(row["order"]))
        self._entries[(year, partnership)] = out
        return out

    def resolve(self, key: str, edition: int | None = None) -> URIRef:
        """An id, or a number in an edition ("4.4"), to a node; NotFound with suggestions otherwise."""
        key = key.strip()
        node = self._node(key) if key else None
        if node is not None:
            return node
        if key and key[0].isdigit():
            matches = [d for d, (num, _, _) in self.entries(edition).items() if num == key]
            if matches:
                return matches[0]
        near = close_matches(key, self.by_id, n=5, cutoff=0.5)
        hint = f"; did you mean {', '.join(near)}?" if near else ""
        raise UnknownId(f"no record with id or number {key!r}{hint}")

    # -- set-based reads: one query or one scan per column, never one per row ---------------------
    def _columns(self, cls: URIRef, cols: dict[str, str]) -> dict[URIRef, dict]:
        """node of class ``cls`` -> {column: value} for each ``column: property path``, in one query (or
        from the scans of a reader that holds the quads in memory, ``graph.store.local.Scanned``); where a
        path reaches several values, the smallest by its text, so every reader lists the same."""
        columns = getattr(self._direct, "columns", None)
        if columns is not None:
            return columns(cls, cols, _PREFIX_IRIS)
        vars_ = " ".join(f"?{c}" for c in cols)
        optional = " ".join(f"OPTIONAL {{ ?n {path} ?{c} }}" for c, path in cols.items())
        q = f"{PREFIXES}SELECT ?n ?id ?title {vars_} WHERE {{ ?n a ?cls ; dcterms:identifier ?id ; " \
            f"dcterms:title ?title . {optional} }}"
        out: dict = {}
        for row in self._select(q, {"cls": cls}):
            d = out.setdefault(row["n"], {})
            for c in ("id", "title", *cols):
                v = row[c]
                if v is not None and (c not in d or str(v) < str(d[c])):
                    d[c] = v
        return out

    def _pairs(self, pred: URIRef) -> dict:
        """subject -> sorted objects of ``pred`` (one scan, kept)."""
        if pred not in self._scans:
            out: dict = {}
            for s, o in self._subject_objects(pred):
                out.setdefault(s, []).append(o)
            self._scans[pred] = {s: sorted(v) for s, v in out.items()}
        return self._scans[pred]

    def _ids(self, cls: URIRef) -> dict:
        """node of class ``cls`` -> its id (one query, kept)."""
        if cls not in self._class_ids:
            self._class_ids[cls] = {row["n"]: str(row["id"]) for row in self._select(
                PREFIXES + "SELECT ?n ?id WHERE { ?n a ?cls ; dcterms:identifier ?id }", {"cls": cls})}
        return self._class_ids[cls]

    def _pship_of(self, n: URIRef, own) -> str | None:
        """The record's partnership (``own``: its own, as an id), or the first found up its partOf chain."""
        if own is not None:
            return str(own)
        pships, names = self._pairs(DG.partnership), self._ids(DG.Partnership)
        for node in breadth_first([n], self._pairs(DG.partOf)):
            if node in pships:
                p = pships[node][0]
                return names.get(p) or _str(self.g.value(p, DCTERMS.identifier))
        return None

    def plan_of(self, n: URIRef) -> URIRef | None:
        """The nearest Plan up the partOf chain (breadth first)."""
        part_of, plans = self._pairs(DG.partOf), self._ids(DG.Plan)
        return next((node for node in breadth_first(part_of.get(n, ()), part_of) if node in plans), None)

    # -- list -------------------------------------------------------------------------------
    def entry_titles(self, edition: int | None) -> dict[URIRef, tuple[str, str | None]]:
        """driver node -> (the title the edition prints in its detail, its Summary table title or None)."""
        year = self._year(edition)
        if year is None:
            return {}
        out = {}
        for row in self._select(_ENTRY_TITLES_Q, {"year": Literal(year)}):
            out.setdefault(row["d"], (str(row["title"]), _str(row["summary_title"])))
        return out

    def list(self, type_name: str, edition: int | None = None) -> list[dict]:
        if type_name not in LIST_TYPES:
            raise UsageError(f"unknown type {type_name!r}; use one of: {', '.join(LIST_TYPES)}")
        if type_name != "drivers" and edition is not None:
            raise UsageError("--edition applies to 'drivers' only")
        cls = LIST_TYPES[type_name]
        cols = dict(_COMMON)
        cols.update(_TYPE_COLUMNS.get(type_name, {}))
        found = self._columns(cls, cols)
        if type_name == "drivers":
            entries = self.entries(edition)
            printed = {}
            if edition is not None:
                found = {n: c for n, c in found.items() if n in entries}
                printed = self.entry_titles(edition)  # the edition's own titles, beside the canonical one
            rows = []
            for n, c in found.items():
                num, cat, order = entries.get(n, (None, None, None))
                row = {"id": str(c["id"]), "title": str(c["title"]), "number": num, "category": cat,
                       "kind": _kind(c), "partnership": self._pship_of(n, c.get("pship")),
                       "source": _str(c.get("source"))}
                if n in printed:
                    row["edition_title"], row["summary_title"] = printed[n]
                rows.append((row, order if order is not None else 10_000))
            out = [r for r, _ in sorted(rows, key=lambda ro: (ro[1], ro[0]["id"]))]
        else:
            out = sorted((self._row(n, c, type_name) for n, c in found.items()), key=_sort_key)
        self.listed[(type_name, edition)] = out
        return out

    def _row(self, n: URIRef, c: dict, type_name: str) -> dict:
        r = {"id": str(c["id"]), "title": str(c["title"])}
        if type_name == "actions":
            r["number"] = _str(c.get("number"))
            r["text"] = str(c.get("text"))
            r["kind"] = str(c.get("actionKind") or "action")
            plan = self.plan_of(n)
            r["plan"] = self._ids(DG.Plan).get(plan) if plan is not None else None
            r["lead"] = _str(c.get("lead"))
            r["timescale"] = _str(c.get("timescale"))
        elif type_name == "articles":
            r["number"] = int(c["notation"])
            r["short_title"] = _str(c.get("short_title"))
            clusters = self._ids(DG.UNCRCCluster)
            members = self._members()
            r["clusters"] = sorted(clusters[cl] for cl in members.get(n, ()) if cl in clusters)
        elif type_name == "quality-indicators":
            r["number"] = str(c.get("notation"))
        elif type_name in ("groups", "programmes", "legislation"):
            r["kind"] = _kind(c)
        elif type_name in ("themes", "outcomes", "indicators", "findings"):
            r["number"] = _str(c.get("number"))
            if type_name == "findings":
                r["text"], r["kind"] = str(c.get("text")), str(c.get("findingKind"))
            parents = self._pairs(DG.partOf).get(n)
            r["part_of"] = _str(self.g.value(parents[0], DCTERMS.identifier)) if parents else None
        elif type_name == "editions":
            r["year"] = int(c["year"])
            r["entries"] = self._entry_counts().get(n, 0)
        if type_name not in ("sources", "partnerships", "articles", "wellbeing", "promise", "national-outcomes",
                             "quality-indicators", "clusters", "promise-priorities"):
            r["partnership"] = self._pship_of(n, c.get("pship"))
        if type_name not in ("sources",):
            r["source"] = _str(c.get("source"))
            r["section"] = _str(c.get("section"))
        return r

    def _members(self) -> dict:
        """article -> the clusters listing it as a member."""
        out: dict = {}
        for cl, members in self._pairs(SKOS.member).items():
            for m in members:
                out.setdefault(m, []).append(cl)
        return out

    def _entry_counts(self) -> dict:
        out: dict = {}
        for _, eds in self._pairs(DG.edition).items():
            for ed in set(eds):
                out[ed] = out.get(ed, 0) + 1
        return out

    def _kind(self, n: URIRef) -> str | None:
        k = self.g.value(n, DG.kind) or self.g.value(n, DG.groupKind) or self.g.value(n, DG.planKind)
        return local(k) if k is not None else None

    def _source(self, n: URIRef) -> str | None:
        src = self.g.value(n, DG.describedIn)
        return _str(self.g.value(src, DCTERMS.identifier)) if src is not None else None

    # -- show -------------------------------------------------------------------------------
    def show(self, key: str, edition: int | None = None) -> dict:
        n = self.resolve(key, edition)
        g = self.g
        t = node_type(g, n) or local(next(iter(g.objects(n, RDF.type)), ""))
        out: dict = {"id": str(g.value(n, DCTERMS.identifier)), "title": str(g.value(n, DCTERMS.title)),
                     "type": t}
        entries = self.entries(edition) if self.editions() else {}
        if n in entries:
            out["number"], out["category"] = entries[n][0], entries[n][1]
            if edition is not None:
                out["edition_title"], out["summary_title"] = self.entry_titles(edition)[n]
        fields = {}
        skip = {RDF.type, DCTERMS.identifier, DCTERMS.title, DG.describedIn, DG.section}
        link_props = {DG[x] for x in ("partOf", "drivenBy", "ledBy", "reportsTo", "implements", "upholdsRight",
                                      "contributesTo", "alignsWith", "fundedBy", "supersedes", "seeAlso",
                                      "overseenBy", "coProducedBy",
                                      "qualityIndicator")}
        for p, o in sorted(g.predicate_objects(n)):
            if p in skip or p in link_props or p == URIRef("http://www.w3.org/2000/01/rdf-schema#label"):
                continue
            name = local(p)
            value = _str(g.value(o, DCTERMS.identifier)) if isinstance(o, URIRef) and \
                g.value(o, DCTERMS.identifier) is not None else (local(o) if p == DG.kind else o.toPython()
                                                                 if isinstance(o, Literal) else str(o))
            if name in fields:
                fields[name] = sorted([*fields[name], value] if isinstance(fields[name], list)
                                      else [fields[name], value], key=str)
            else:
                fields[name] = value
        out["fields"] = fields
        src = g.value(n, DG.describedIn)
        out["provenance"] = {"source": _str(g.value(src, DCTERMS.identifier)) if src is not None else None,
                             "document": _str(g.value(src, DCTERMS.title)) if src is not None else None,
                             "section": _str(g.value(n, DG.section))}
        out["editions"] = self._edition_entries(n)
        out["links"] = self.links(n, entries)
        return out

    def _edition_entries(self, n: URIRef) -> list[dict]:
        g = self.g
        rows = []
        for e in g.subjects(DG.describes, n):
            ed = g.value(e, DG.edition)
            row = {"edition": str(g.value(ed, DCTERMS.identifier)), "year": int(g.value(ed, DG.editionYear)),
                   "number": str(g.value(e, DG.number)), "category": local(g.value(e, DG.category)),
                   "title": str(g.value(e, DCTERMS.title))}
            for key, prop in (("summary_title", DG.summaryTitle), ("summary", DG.summary),
                              ("note", SKOS.editorialNote), ("subcategory", DG.subcategory)):
                if g.value(e, prop) is not None:
                    row[key] = str(g.value(e, prop))
            row["refs"] = sorted(str(x) for x in g.objects(e, DG.crossReference))
            row["links_text"] = sorted(str(x) for x in g.objects(e, DG.linkText))
            rows.append(row)
        return sorted(rows, key=lambda r: r["year"])

    def links(self, n: URIRef, entries: dict | None = None) -> list[dict]:
        """Every stated link touching ``n``, with direction and the source it came from."""
        g = self.g
        entries = entries if entries is not None else {}
        out = []
        for direction, pos, other_pos in (("out", RDF.subject, RDF.object), ("in", RDF.object, RDF.subject)):
            for st in g.subjects(pos, n):
                if (st, RDF.type, DG.StatedLink) not in g:
                    continue
                other = g.value(st, other_pos)
                src = g.value(st, PROV.wasDerivedFrom)
                target = {"id": str(g.value(other, DCTERMS.identifier)), "title": str(g.value(other, DCTERMS.title)),
                          "type": node_type(g, other)}
                if other in entries:
                    target["number"] = entries[other][0]
                out.append({"rel": local(g.value(st, RDF.predicate)), "direction": direction, "target": target,
                            "source": _str(g.value(src, DCTERMS.identifier)),
                            "section": _joined(g, st, DG.section), "quote": _joined(g, st, DG.quote)})
        return sorted(out, key=lambda r: (r["direction"] != "out", r["rel"], r["target"]["id"], r["source"] or ""))


def _joined(g: Graph, s: URIRef, p: URIRef) -> str | None:
    """Every value, sorted and joined as the NetworkX view does (``g.value`` picks one at random)."""
    values = sorted(str(x) for x in g.objects(s, p))
    return " | ".join(values) if values else None


def _str(v) -> str | None:
    return None if v is None else str(v)


def _sort_key(r: dict):
    num = r.get("number")
    if isinstance(num, int):
        return (0, num, r["id"])
    return (1, r["id"])
