"""Build an rdflib Dataset from loaded records: one named graph per source document.

Every stated link is a plain triple (``action dg:partOf plan``) for easy querying, plus a
``dg:StatedLink`` (an ``rdf:Statement``) carrying its provenance: the source document, the
section and any quoted evidence. IRIs are ``base + type slug + "/" + id``; nothing is a blank
node, so serialisations are stable.
"""

from __future__ import annotations

import re

from rdflib import RDF, RDFS, XSD, Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, PROV, SKOS

from .model import RELATIONS, Data, Edition, Record
from .namespace import CATEGORY, DEFAULT_BASE, DG, FRAMEWORK_SCHEMES, KIND, LEGISLATION, SCHEME


class _Terms:
    """A namespace whose terms are each looked up once: rdflib's ``DefinedNamespace`` checks every
    attribute (1.7 million lookups, 4 s, in a build of 256 partnerships) and ``Namespace`` makes a
    new URIRef each time. The same terms; ``ns`` is the namespace itself (for ``bind``)."""

    def __init__(self, ns):
        self.ns = ns
        self._items: dict = {}

    def __getattr__(self, name: str):  # a first lookup only: the term is kept as an attribute
        if name in ("ns", "_items"):  # not yet set (a copy being made)
            raise AttributeError(name)
        value = getattr(self.ns, name)
        setattr(self, name, value)
        return value

    def __getitem__(self, key: str):
        value = self._items.get(key)
        if value is None:
            value = self._items[key] = self.ns[key]
        return value


_PLAIN = {"DG": DG, "KIND": KIND, "CATEGORY": CATEGORY, "SCHEME": SCHEME, "DCTERMS": DCTERMS, "PROV": PROV,
          "SKOS": SKOS, "ORG": ORG}
RDF, RDFS, XSD, DCTERMS, ORG, PROV, SKOS, DG, KIND, CATEGORY = (
    _Terms(ns) for ns in (RDF, RDFS, XSD, DCTERMS, ORG, PROV, SKOS, DG, KIND, CATEGORY))

#: extra classes by driver kind (a driver that is a group is also a Group, ...)
KIND_CLASSES = {
    "act": (DG.Legislation,), "bill": (DG.Legislation,), "regulations": (DG.Legislation,),
    "programme": (DG.Programme,), "group": (DG.Group, ORG.OrganizationalUnit),
    "plan": (DG.Plan,),
}
TYPE_EXTRA = {
    "Partnership": (ORG.Organization,),
    "Group": (ORG.OrganizationalUnit,),
    "UNCRCArticle": (SKOS.Concept,), "WellbeingIndicator": (SKOS.Concept,),
    "PromiseFoundation": (SKOS.Concept,), "PromisePriority": (SKOS.Concept,), "NationalOutcome": (SKOS.Concept,),
    "QualityIndicator": (SKOS.Concept,), "UNCRCCluster": (SKOS.Collection,),
}
FIELD_PROPS = {
    "start_year": (DG.startYear, XSD.integer), "end_year": (DG.endYear, XSD.integer),
    "legislation": (DG.legislationPath, None), "number": (DG.number, None), "text": (DG.text, None),
    "lead": (DG.lead, None), "timescale": (DG.timescale, None),
    "expected_outcomes": (DG.expectedOutcomes, None), "measure": (DG.measure, None),
    "progress": (DG.progress, None), "evidence": (DG.evidence, None), "year": (DG.reportingYear, None),
    "short_title": (DG.shortTitle, None), "unconfirmed": (DG.unconfirmed, XSD.boolean),
}
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
KIND_PROPS = {"drivers": DG.kind, "groups": DG.groupKind, "plans": DG.planKind, "actions": DG.actionKind,
              "findings": DG.findingKind}


def web_iri(url: str) -> URIRef:
    """A printed URL as an absolute IRI: "www.x.org/y" (no scheme, as documents print it) gets
    ``http://``, as a browser would; without it the IRI is relative and RDF stores reject it."""
    return URIRef(url if _SCHEME.match(url) else "http://" + url)


def base_iri(base: str) -> str:
    """``base`` as every IRI is minted from it: ending in "/" (added if missing) or "#". A base that
    cannot start an IRI (a space, no scheme, ``<``) is a UsageError naming --base."""
    from .settings import check_base
    check_base(base)
    return base if base.endswith(("/", "#")) else base + "/"


class Namer:
    """Mint IRIs for records, sources, editions and named graphs from one base."""

    def __init__(self, data: Data, base: str = DEFAULT_BASE):
        self.base = base_iri(base)
        self.data = data
        self._nodes: dict = {}
        self._sources: dict = {}
        self._literals: dict = {}

    def node(self, rid: str) -> URIRef:
        n = self._nodes.get(rid)
        if n is None:  # one term per record (made once, and shared: equal terms compare fast)
            n = self._nodes[rid] = URIRef(f"{self.base}{self.data.records[rid].type.slug}/{rid}")
        return n

    def source(self, sid: str) -> URIRef:
        n = self._sources.get(sid)
        if n is None:
            n = self._sources[sid] = URIRef(f"{self.base}source/{sid}")
        return n

    def lit(self, value, datatype=None) -> Literal:
        """``Literal(value, datatype=datatype)``, one object per distinct value (rdflib's
        constructor is the build's largest cost: 760k literals at 256 partnerships)."""
        key = (type(value), value, datatype)
        try:
            out = self._literals.get(key)
        except TypeError:  # an unhashable value: made each time
            return Literal(value, datatype=datatype)
        if out is None:
            out = self._literals[key] = Literal(value, datatype=datatype)
        return out

    def graph(self, sid: str) -> URIRef:
        return URIRef(f"{self.base}graph/{sid}")

    def edition(self, eid: str) -> URIRef:
        return URIRef(f"{self.base}edition/{eid}")

    def entry(self, eid: str, driver: str) -> URIRef:
        return URIRef(f"{self.base}edition/{eid}/{driver}")

    def link(self, sid: str, rid: str, rel: str, to: str) -> URIRef:
        return URIRef(f"{self.base}link/{sid}/{rid}/{rel}/{to}")


class Quads:
    """What :func:`build` adds, without an rdflib Dataset (about 10x faster, a third of the memory):
    graph name -> triples in the order added. ``build(data, base, dataset=Quads())``.

    The build, the validation, the exports and the Oxigraph cache all read these;
    :meth:`to_dataset` and :meth:`union` make the rdflib objects when a caller needs them.
    """

    def __init__(self):
        self.graphs: dict = {}
        self._union: tuple | None = None  # (the graphs' sizes when made, the union's triples)
        self._index: tuple | None = None  # (the union's triples it was made from, predicate -> pairs)

    def graph(self, name) -> _QuadGraph:
        return _QuadGraph(self.graphs.setdefault(name, []))

    def bind(self, *args, **kwargs) -> None:
        pass

    def names(self) -> list:
        """The named graphs that hold a triple, sorted."""
        return sorted((n for n, t in self.graphs.items() if t), key=str)

    def pop(self, name) -> list:
        """Drop one named graph, giving its triples (for a caller done with it: nothing else keeps them)."""
        self._union = self._index = None
        return self.graphs.pop(name)

    def graph_triples(self, name) -> list:
        """One named graph's distinct triples, in the order added."""
        return list(dict.fromkeys(self.graphs.get(name, ())))

    def triples(self) -> list:
        """The union's distinct triples (a triple stated in two documents once), graphs in name order.

        Worked out once and kept while no graph is added, grown or dropped (the counts, the build's
        predicate index and the Turtle and JSON-LD writers each ask for it); the list is shared, so
        a caller must not change it."""
        sizes = tuple((name, len(t)) for name, t in self.graphs.items())
        if self._union is None or self._union[0] != sizes:
            self._union = (sizes, list(dict.fromkeys(t for name in self.names() for t in self.graphs[name])))
        return self._union[1]

    def by_predicate(self) -> dict:
        """predicate -> the union's (subject, object) pairs with it, in :meth:`triples` order; kept as
        :meth:`triples` is (shared: a caller must not change it)."""
        triples = self.triples()
        if self._index is None or self._index[0] is not triples:
            index: dict = {}
            for s, p, o in triples:
                pairs = index.get(p)
                if pairs is None:
                    pairs = index[p] = []
                pairs.append((s, o))
            self._index = (triples, index)
        return self._index[1]

    def pairs(self, predicates) -> dict[str, list[tuple[str, str]]]:
        """predicate -> distinct (subject, object) strings of the union, for ``view.view_from_pairs``."""
        index = self.by_predicate()
        return {str(p): list(dict.fromkeys((str(s), str(o)) for s, o in index.get(URIRef(p), ())))
                for p in predicates}

    def to_dataset(self) -> Dataset:
        ds = Dataset()
        _bind(ds)
        for name in self.names():
            g = ds.graph(name)
            _bind(g)
            g.addN((s, p, o, g) for s, p, o in self.graphs[name])
        return ds

    def union(self) -> Graph:
        """The union as an rdflib Graph, with the prefixes ``validate.union`` gives it."""
        g = namespaced_graph()
        g.addN((s, p, o, g) for s, p, o in self.triples())
        return g


class _QuadGraph:
    __slots__ = ("triples",)

    def __init__(self, triples: list):
        self.triples = triples

    def add(self, triple) -> None:
        self.triples.append(triple)

    def bind(self, *args, **kwargs) -> None:
        pass


def direct_reader(g: Graph):
    """The reader a graph's store offers for asking its engine itself (``graph.store.local.Direct``
    on an Oxigraph store: SELECT rows and predicate scans without oxrdflib's term conversion), or None."""
    return getattr(getattr(g, "store", None), "direct", None)


def subject_objects(g: Graph, pred: URIRef, obj=None):
    """``g.subject_objects(pred)`` (with ``obj``: the pairs whose object it is), read through the
    graph's store's own reader where it offers one (an Oxigraph store does, see
    ``graph.store.local.Direct``: no per-term conversion by oxrdflib); the same terms either way."""
    direct = direct_reader(g)
    if direct is not None:
        return direct.pairs(pred, obj)
    if obj is not None:
        return [(s, obj) for s in g.subjects(pred, obj)]
    return g.subject_objects(pred)


def namespaced_graph() -> Graph:
    """An empty Graph bound to the prefixes of a built Dataset (rdflib's and ours), in its order."""
    ds = Dataset()
    _bind(ds)
    g = Graph()
    for prefix, ns in ds.namespaces():
        g.bind(prefix, ns)
    return g


def build(data: Data, base: str = DEFAULT_BASE, dataset=None) -> Dataset:
    """Records -> Dataset with a named graph per source document (editions in their source's graph).

    ``dataset``: anything with rdflib's ``graph(name)`` / ``add`` / ``bind`` to fill instead of a
    new Dataset, such as :class:`Quads`.
    """
    ds = dataset if dataset is not None else Dataset()
    _bind(ds)
    names = Namer(data, base)
    graphs: dict[str, Graph] = {}

    def g_for(sid: str) -> Graph:
        if sid not in graphs:
            graphs[sid] = ds.graph(names.graph(sid))
            _bind(graphs[sid])
        return graphs[sid]

    for sid, src in sorted(data.sources.items()):
        g = g_for(sid)
        s = names.source(sid)
        g.add((names.graph(sid), PROV.wasDerivedFrom, s))  # the named graph: this document's record
        g.add((s, RDF.type, DG.SourceDocument))
        g.add((s, RDF.type, PROV.Entity))
        g.add((s, DCTERMS.identifier, names.lit(sid)))
        g.add((s, DCTERMS.title, names.lit(src.title)))
        g.add((s, RDFS.label, names.lit(src.title)))
        for key, prop in (("publisher", DCTERMS.publisher), ("seed", DG.seedFile), ("note", SKOS.editorialNote)):
            if src.fields.get(key):
                g.add((s, prop, names.lit(src.fields[key])))
        if src.fields.get("date"):
            g.add((s, DCTERMS.date, date_literal(src.fields["date"])))
        if src.fields.get("url"):
            g.add((s, DG.webLink, web_iri(src.fields["url"])))
        if src.fields.get("partnership") in data.records:
            g.add((s, DG.partnership, names.node(src.fields["partnership"])))

    for rid in sorted(data.records):
        _add_record(g_for(data.records[rid].source), data.records[rid], names)
    for rid in sorted(data.records):
        for lk in data.records[rid].links:
            _add_link(g_for(lk.source), names, rid, lk.rel, lk.to, lk.source, lk.section, lk.quote)
            # the same stated link in W3C ORG's words, where both ends are organisations (groups,
            # boards, partnerships), for tools that read ORG: nothing new is claimed
            org = ORG_RELS.get(lk.rel)
            if org is not None and _is_org(data.records[rid]) and _is_org(data.records.get(lk.to)):
                g_for(lk.source).add((names.node(rid), org, names.node(lk.to)))
    for eid in sorted(data.editions):
        _add_edition(g_for(data.editions[eid].source), data, data.editions[eid], names)
    return ds


#: stated relations between two organisations, as W3C ORG says them
ORG_RELS = {"partOf": ORG.subOrganizationOf, "reportsTo": ORG.reportsTo}


def _is_org(r: Record | None) -> bool:
    """A partnership or a group (a Group record, or a driver the drivers document lists as a group)."""
    return r is not None and (r.type.cls in ("Group", "Partnership")
                              or (r.type.cls == "Driver" and r.fields.get("kind") == "group"))


def _bind(g: Graph) -> None:
    ns = _PLAIN
    g.bind("dg", ns["DG"]._NS)
    g.bind("dgk", ns["KIND"])
    g.bind("dgc", ns["CATEGORY"])
    g.bind("dgs", ns["SCHEME"])
    for prefix, name in (("dcterms", "DCTERMS"), ("prov", "PROV"), ("skos", "SKOS"), ("org", "ORG")):
        g.bind(prefix, ns[name])


def _add_record(g: Graph, r: Record, names: Namer) -> None:
    n = names.node(r.id)
    g.add((n, RDF.type, DG[r.type.cls]))
    for extra in TYPE_EXTRA.get(r.type.cls, ()):
        g.add((n, RDF.type, extra))
    g.add((n, DCTERMS.identifier, names.lit(r.id)))
    g.add((n, DCTERMS.title, names.lit(r.title)))
    g.add((n, RDFS.label, names.lit(r.title)))
    scheme = FRAMEWORK_SCHEMES.get(r.type.cls)
    if scheme is not None:      # a framework concept: in its scheme, with a prefLabel (SKOS readers need both)
        g.add((n, SKOS.inScheme, scheme))
        g.add((n, SKOS.prefLabel, names.lit(r.title)))
    # the record's provenance, not the thing's: the Equality Act was not derived from the drivers
    # document, but this description of it was (the named graph, like a stated link's statement,
    # is the record: prov:wasDerivedFrom is said of them)
    g.add((n, DG.describedIn, names.source(r.source)))
    g.add((n, DG.section, names.lit(r.section)))
    f = r.fields
    if f.get("description"):
        g.add((n, DCTERMS.description, names.lit(f["description"])))
    for alias in f.get("aliases", []):
        g.add((n, SKOS.altLabel, names.lit(alias)))
    if f.get("note"):
        g.add((n, SKOS.editorialNote, names.lit(f["note"])))
    if f.get("partnership"):
        g.add((n, DG.partnership, names.node(f["partnership"])))
    if f.get("url"):
        g.add((n, DG.webLink, web_iri(f["url"])))
    if "kind" in f and r.type.section in KIND_PROPS:
        if r.type.section == "drivers":
            g.add((n, DG.kind, KIND[f["kind"]]))
            for extra in KIND_CLASSES.get(f["kind"], ()):
                g.add((n, RDF.type, extra))
        else:
            g.add((n, KIND_PROPS[r.type.section], names.lit(f["kind"])))
    if f.get("legislation"):
        g.add((n, DCTERMS.relation, URIRef(str(LEGISLATION) + f["legislation"])))
    for key, (prop, dtype) in FIELD_PROPS.items():
        if key in f:
            g.add((n, prop, names.lit(f[key], datatype=dtype)))
    if r.type.section == "clusters":
        for m in f.get("members", []):
            g.add((n, SKOS.member, names.node(m)))
    if r.type.section == "articles":
        g.add((n, SKOS.notation, names.lit(str(f["number"]))))
    if r.type.section == "quality_indicators":
        g.add((n, SKOS.notation, names.lit(f["number"])))


_DATE_TYPES = ((re.compile(r"\d{4}"), XSD.gYear), (re.compile(r"\d{4}-\d{2}"), XSD.gYearMonth),
               (re.compile(r"\d{4}-\d{2}-\d{2}"), XSD.date))


def date_literal(value) -> Literal:
    """A document's date as typed as it is precise: "2019" xsd:gYear, "2019-10" xsd:gYearMonth,
    "2022-02-22" xsd:date; any other text stays a plain string (it is what the document prints).

    >>> date_literal("2019-10").datatype == XSD.gYearMonth
    True
    """
    text = str(value).strip()
    for pattern, dtype in _DATE_TYPES:
        if pattern.fullmatch(text):
            return Literal(text, datatype=dtype)
    return Literal(text)


def _add_link(g: Graph, names: Namer, rid: str, rel: str, to: str, sid: str, section: str,
              quote: str | None) -> None:
    s, o = names.node(rid), names.node(to)
    p = DG[RELATIONS[rel][0]]
    g.add((s, p, o))
    st = names.link(sid, rid, rel, to)
    g.add((st, RDF.type, DG.StatedLink))
    g.add((st, RDF.subject, s))
    g.add((st, RDF.predicate, p))
    g.add((st, RDF.object, o))
    g.add((st, PROV.wasDerivedFrom, names.source(sid)))
    g.add((st, DG.section, names.lit(section)))
    if quote:
        g.add((st, DG.quote, names.lit(quote)))


def _add_edition(g: Graph, data: Data, ed: Edition, names: Namer) -> None:
    e = names.edition(ed.id)
    g.add((e, RDF.type, DG.Edition))
    g.add((e, DCTERMS.identifier, names.lit(ed.id)))
    g.add((e, DCTERMS.title, names.lit(ed.title)))
    g.add((e, RDFS.label, names.lit(f"{ed.title} ({ed.year})")))
    g.add((e, DG.editionYear, names.lit(ed.year, datatype=XSD.integer)))
    g.add((e, DG.partnership, names.node(ed.partnership)))
    g.add((e, PROV.wasDerivedFrom, names.source(ed.source)))
    if ed.fields.get("date"):
        g.add((e, DCTERMS.date, date_literal(ed.fields["date"])))
    by_number = {en.number: en for en in ed.entries}
    for en in ed.entries:
        x = names.entry(ed.id, en.driver)
        d = names.node(en.driver)
        g.add((x, RDF.type, DG.EditionEntry))
        g.add((x, DG.edition, e))
        g.add((x, DG.describes, d))
        g.add((x, DG.number, names.lit(en.number)))
        g.add((x, DG.order, names.lit(en.order, datatype=XSD.integer)))
        g.add((x, DG.category, CATEGORY[en.category]))
        g.add((x, DCTERMS.title, names.lit(en.title)))
        g.add((x, RDFS.label, names.lit(f"{en.number} {en.title}")))
        g.add((x, PROV.wasDerivedFrom, names.source(ed.source)))
        f = en.fields
        if f.get("section"):
            g.add((x, DG.section, names.lit(f["section"])))
        if f.get("subcategory"):
            g.add((x, DG.subcategory, names.lit(f["subcategory"])))
        for key, prop in (("summary_title", DG.summaryTitle), ("summary_number", DG.summaryNumber),
                          ("detail_number", DG.detailNumber), ("summary", DG.summary),
                          ("note", SKOS.editorialNote)):
            if key in f:
                g.add((x, prop, names.lit(f[key])))
        for text in f.get("links_text", []):
            g.add((x, DG.linkText, names.lit(text)))
        for c in f.get("covers", []):
            g.add((x, DG.alsoDescribes, names.node(c)))
        for ref in f.get("refs", []):
            g.add((x, DG.crossReference, names.lit(ref)))
            target = by_number[ref].driver
            if target != en.driver:
                _add_link(g, names, en.driver, "seeAlso", target, ed.source,
                          f.get("section") or f"{en.number}", f"({ref})")
