"""RDF build: a named graph per source, provenance on every record and link, stable output."""

from __future__ import annotations

import os
import subprocess
import sys

from rdflib import RDF, BNode, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV

from graph.publish.exports import nquads
from graph.core.loader import load
from graph.core.namespace import DG
from graph.core.rdf import build

from .conftest import ROOT, TINY

BASE = "https://w3id.org/drivers-graph/id/"


def test_one_named_graph_per_source(tiny_built):
    names = sorted(str(g.identifier) for g in tiny_built.dataset.graphs() if len(g))
    assert names == [BASE + "graph/src-drivers", BASE + "graph/src-plan", BASE + "graph/src-ref"]


def test_records_live_in_their_sources_graph(tiny_built):
    ds = tiny_built.dataset
    plan_graph = ds.graph(URIRef(BASE + "graph/src-plan"))
    action = URIRef(BASE + "action/action-1")
    assert (action, RDF.type, DG.Action) in plan_graph
    assert (action, DG.describedIn, URIRef(BASE + "source/src-plan")) in plan_graph
    # provenance is said of the record (the named graph), not of the thing it describes
    assert (action, PROV.wasDerivedFrom, None) not in plan_graph
    assert (plan_graph.identifier, PROV.wasDerivedFrom, URIRef(BASE + "source/src-plan")) in plan_graph
    assert (action, DG.section, Literal("Action plan > row 1")) in plan_graph
    assert (action, RDF.type, DG.Action) not in ds.graph(URIRef(BASE + "graph/src-drivers"))


def test_every_stated_link_has_a_statement_with_source_and_section(tiny_built):
    g = tiny_built.union
    rel_props = {DG.partOf, DG.drivenBy, DG.ledBy, DG.qualityIndicator, DG.upholdsRight, DG.contributesTo,
                 DG.seeAlso}
    triples = [(s, p, o) for s, p, o in g if p in rel_props]
    assert len(triples) == 9
    for s, p, o in triples:
        st = [x for x in g.subjects(RDF.subject, s) if (x, RDF.predicate, p) in g and (x, RDF.object, o) in g]
        assert len(st) == 1, (s, p, o)
        assert g.value(st[0], PROV.wasDerivedFrom) is not None
        assert str(g.value(st[0], DG.section))


def test_cross_reference_becomes_see_also_with_edition_provenance(tiny_built):
    g = tiny_built.union
    s, o = URIRef(BASE + "driver/strategy-b"), URIRef(BASE + "driver/act-a")
    assert (s, DG.seeAlso, o) in g
    st = URIRef(BASE + "link/src-drivers/strategy-b/seeAlso/act-a")
    assert g.value(st, DG.quote) == Literal("(1.1)")


def test_kinds_add_classes_and_legislation_links(tiny_built):
    g = tiny_built.union
    act = URIRef(BASE + "driver/act-a")
    assert (act, RDF.type, DG.Legislation) in g
    assert (act, DCTERMS.relation, URIRef("https://www.legislation.gov.uk/asp/2014/8")) in g
    assert (URIRef(BASE + "driver/board-c"), RDF.type, DG.Group) in g


def test_no_blank_nodes(tiny_built):
    assert not any(isinstance(t, BNode) for q in tiny_built.dataset.quads() for t in q[:3])


def test_base_iri_is_configurable():
    ds = build(load(TINY), base="http://example.org/nl")
    assert any(str(s).startswith("http://example.org/nl/action/") for s, _, _, _ in ds.quads())


def test_output_is_the_same_whatever_the_hash_seed():
    code = ("import sys; from pathlib import Path; from graph.core.pipeline import build_graph; from graph.publish import exports;"
            "b = build_graph(Path(sys.argv[1]), check=False);"
            "sys.stdout.write(exports.turtle(b.union) + exports.jsonld(b.union) + exports.graphml(b.nx))")
    outs = set()
    for seed in ("1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        outs.add(subprocess.run([sys.executable, "-c", code, str(TINY)], cwd=ROOT, env=env, check=True,
                                capture_output=True, text=True).stdout)
    assert len(outs) == 1


def test_nquads_sorted(tiny_built):
    lines = nquads(tiny_built.dataset).splitlines()
    assert lines == sorted(lines) and len(lines) == len(set(lines))


def test_the_unions_triples_are_kept_only_while_the_graphs_are_unchanged():
    """``Quads.triples`` is worked out once and reused; a graph added, grown or dropped makes it anew."""
    from graph.core.rdf import Quads
    q = Quads()
    a, b, c = (URIRef(f"https://example.org/{x}") for x in "abc")
    q.graph(b).add((a, RDF.type, b))
    q.graph(a).add((a, RDF.type, b))  # the same triple in another graph: once in the union
    first = q.triples()
    assert first == [(a, RDF.type, b)] and q.triples() is first
    q.graph(a).add((b, RDF.type, c))  # a graph grown
    assert q.triples() == [(a, RDF.type, b), (b, RDF.type, c)]
    q.graph(c).add((c, RDF.type, a))  # a graph added
    assert q.triples() == [(a, RDF.type, b), (b, RDF.type, c), (c, RDF.type, a)]
    assert q.pop(a) == [(a, RDF.type, b), (b, RDF.type, c)]  # a graph dropped
    assert q.triples() == [(a, RDF.type, b), (c, RDF.type, a)]
