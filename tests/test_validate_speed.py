"""What the built-in engine's speed-ups must not change: the quick pass/fail test of each shape
agrees with the full check; a cold run's engine over the index gives what the check sets give; a
document's digest is the hash of its check set's N-Triples lines; the garbage collector is left
as it was. Checked on a hand-made graph that fails every parameter the engine supports (and
agrees with pySHACL there), on the broken fixtures and on synthetic data."""

from __future__ import annotations

import gc
import hashlib
from pathlib import Path

import pytest
from rdflib import RDF, XSD, BNode, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.plugins.serializers.nt import _nt_row

from graph.core import validate as v
from graph.core.loader import load
from graph.core.rdf import Quads, build
from graph.core.synth import generate, write

from .conftest import DATA, TINY
from .test_validate import _mutations

SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix ex: <https://example.org/> .

ex:Thing a rdfs:Class .
ex:Widget rdfs:subClassOf ex:Thing .
ex:Gadget rdfs:subClassOf ex:Widget .

ex:ThingShape a sh:NodeShape ; sh:targetClass ex:Thing ;
  sh:nodeKind sh:IRI ;
  sh:property [ sh:path ex:name ; sh:minCount 1 ; sh:maxCount 2 ; sh:datatype xsd:string ; sh:minLength 2 ;
                sh:maxLength 8 ] ;
  sh:property [ sh:path ex:label ; sh:uniqueLang true ; sh:languageIn ( "en" "fr" ) ; sh:datatype rdf:langString ] ;
  sh:property [ sh:path ex:code ; sh:pattern "^ab" ; sh:flags "i" ] ;
  sh:property [ sh:path ex:tag ; sh:pattern "^[A-Za-z0-9]+$" ] ;
  sh:property [ sh:path ex:size ; sh:minExclusive 0 ; sh:maxExclusive 10 ; sh:minInclusive 1 ; sh:maxInclusive 9 ] ;
  sh:property [ sh:path ex:start ; sh:lessThan ex:end ; sh:lessThanOrEquals ex:end ] ;
  sh:property [ sh:path ex:same ; sh:equals ex:name ] ;
  sh:property [ sh:path ex:other ; sh:disjoint ex:name ] ;
  sh:property [ sh:path ex:colour ; sh:in ( "red" "green" ) ; sh:hasValue "red" ] ;
  sh:property [ sh:path ex:part ; sh:class ex:Widget ; sh:severity sh:Warning ] ;
  sh:property [ sh:path ex:link ; sh:xone ( [ sh:class ex:Gadget ] [ sh:nodeKind sh:IRI ] ) ] ;
  sh:property [ sh:path ex:kind ; sh:and ( [ sh:nodeKind sh:IRI ] [ sh:not [ sh:class ex:Gadget ] ] ) ] ;
  sh:property [ sh:path ex:pick ; sh:or ( [ sh:hasValue ex:yes ] [ sh:in ( ex:maybe ) ] ) ; sh:severity sh:Info ] ;
  sh:property [ sh:path ex:note ; sh:maxCount 0 ; sh:message "no notes" ] .

ex:Widget a sh:NodeShape, rdfs:Class ;
  sh:property [ sh:path ex:serial ; sh:minCount 1 ; sh:nodeKind sh:BlankNodeOrLiteral ] .

ex:SubjectsShape a sh:NodeShape ; sh:targetSubjectsOf ex:owner ;
  sh:property [ sh:path ex:owner ; sh:class ex:Thing ; sh:minCount 2 ] .

ex:OffShape a sh:NodeShape ; sh:targetClass ex:Thing ; sh:deactivated true ;
  sh:property [ sh:path ex:name ; sh:minCount 5 ] .
"""

#: sh:closed, which the built-in engine reports without the offending property as the path
#: (pySHACL names it): checked against the full check only
CLOSED = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix ex: <https://example.org/> .
ex:FixedShape a sh:NodeShape ; sh:targetNode ex:fixed ; sh:closed true ; sh:ignoredProperties ( rdf:type ) ;
  sh:property [ sh:path ex:name ] .
"""

EX = Namespace("https://example.org/")

#: a record that passes every constraint of SHAPES
GOOD = {"name": ["good"], "label": [Literal("hi", lang="en"), Literal("salut", lang="fr")], "code": ["ABc"],
        "tag": ["ok1"], "size": [5], "start": [1], "end": [2], "same": ["good"], "other": ["bad"], "colour": ["red"],
        "part": [EX.g1], "link": [EX.w1], "kind": [EX.w1], "pick": [EX.yes]}

#: one record for each way to fail, each failing one constraint only where it can (so the quick
#: test cannot pass a node for the wrong reason): (node, what differs from GOOD)
BROKEN = [
    ("no-name", {"name": [], "same": []}),  # minCount
    ("three-names", {"name": ["aa", "bb", "cc"], "same": ["aa", "bb", "cc"]}),  # maxCount
    ("number-name", {"name": [77], "same": [77]}),  # datatype
    ("short-name", {"name": ["x"], "same": ["x"]}),  # minLength
    ("long-name", {"name": ["toolongname"], "same": ["toolongname"]}),  # maxLength
    ("two-english", {"label": [Literal("hi", lang="en"), Literal("hello", lang="en")]}),  # uniqueLang
    ("german", {"label": [Literal("hallo", lang="de")]}),  # languageIn
    ("plain-label", {"label": ["plain"]}),  # datatype and languageIn
    ("bad-code", {"code": ["zab"]}),  # pattern
    ("blank-tag", {"tag": [BNode("tag1")]}),  # pattern on a blank node (whose id would match)
    ("half", {"size": [Literal("0.5", datatype=XSD.decimal)]}),  # minInclusive
    ("nine-and-a-half", {"size": [Literal("9.5", datatype=XSD.decimal)]}),  # maxInclusive
    ("zero", {"size": [0]}),  # minExclusive and minInclusive
    ("ten", {"size": [10]}),  # maxExclusive and maxInclusive
    ("big", {"size": ["big"]}),  # all four
    ("equal-ends", {"start": [2]}),  # lessThan
    ("late-start", {"start": [3]}),  # lessThan and lessThanOrEquals
    ("not-same", {"same": ["other"]}),  # equals
    ("not-other", {"other": ["good"]}),  # disjoint
    ("green", {"colour": ["green"]}),  # hasValue
    ("red-and-blue", {"colour": ["red", "blue"]}),  # in
    ("nothing-part", {"part": [EX.nothing]}),  # class (a warning)
    ("literal-part", {"part": ["literal"]}),  # class on a literal
    ("gadget-link", {"link": [EX.g1]}),  # xone: both members
    ("text-link", {"link": ["text"]}),  # xone: neither
    ("gadget-kind", {"kind": [EX.g1]}),  # and / not
    ("literal-kind", {"kind": ["lit"]}),  # and
    ("no-pick", {"pick": [EX.no]}),  # or (an info)
    ("noted", {"note": ["a note"]}),  # maxCount 0 with a message of its own
    ("blank-part", {"part": ["BLANK WIDGET"]}),  # a typed blank node from the other document: passes
]


def hand_made() -> Dataset:
    """Two documents: the records of BROKEN (and a good one, and a blank node with GOOD's triples:
    sh:nodeKind on the node) in one; the widgets, gadgets and owners in the other."""
    ds = Dataset()
    a, b = ds.graph(EX["graph/a"]), ds.graph(EX["graph/b"])
    widget = BNode("widget1")  # fixed ids: two builds are the same graph

    def term(x):
        return widget if x == "BLANK WIDGET" else x if isinstance(x, (URIRef, BNode, Literal)) else Literal(x)

    def record(node, props):
        a.add((node, RDF.type, EX.Thing))
        for name, values in {**GOOD, **props}.items():
            for value in values:
                a.add((node, EX[name], term(value)))
    record(EX.good, {})
    record(BNode("thing1"), {})
    for name, change in BROKEN:
        record(EX[name], change)
    for node, cls, serial in ((EX.g1, EX.Gadget, Literal("s1")), (EX.w1, EX.Widget, BNode("serial1")),
                              (EX.g2, EX.Gadget, EX.iri), (EX.w2, EX.Widget, None), (widget, EX.Widget, Literal("w"))):
        b.add((node, RDF.type, cls))
        for name, values in GOOD.items():
            for value in values:
                b.add((node, EX[name], term(value)))
        if serial is not None:
            b.add((node, EX.serial, serial))
    b.add((EX.fixed, EX.name, Literal("fixed")))
    b.add((EX.fixed, EX.extra, Literal(1)))
    b.add((EX.o1, EX.owner, EX.good))  # minCount 2
    b.add((EX.o2, EX.owner, EX.good))
    b.add((EX.o2, EX.owner, Literal("not a thing")))  # class
    b.add((EX.o3, EX.owner, EX.good))
    b.add((EX.o3, EX.owner, EX.g1))  # passes
    return ds


#: what the hand-made graph fails: every parameter of SHAPES
FAILED = {"minCount", "maxCount", "datatype", "minLength", "maxLength", "uniqueLang", "languageIn", "pattern",
          "minExclusive", "maxExclusive", "minInclusive", "maxInclusive", "lessThan", "lessThanOrEquals", "equals",
          "disjoint", "in", "hasValue", "class", "xone", "and", "or", "nodeKind"}


def shapes(*texts: str) -> Graph:
    g = Graph()
    for text in texts:
        g.parse(data=text, format="turtle")
    return g


def _cases():
    """(name, source, shapes graph or None for ontology.ttl)."""
    out = [("hand-made", hand_made, lambda: shapes(SHAPES, CLOSED)),
           ("tiny", lambda: build(load(TINY)), None), ("bundled", lambda: build(load(DATA)), None)]
    for name, mutate in _mutations():
        def broken(mutate=mutate):
            ds = build(load(TINY))
            mutate(ds)
            return ds
        out.append(("broken: " + name, broken, None))
    return out


CASES = _cases()


def _index_and_shapes(make, ont):
    ont = ont() if ont else v._ontology()[0]
    return v._Index(v._graphs_of(make())), ont, v.parsed_shapes(ont)


@pytest.mark.parametrize("name,make,ont", CASES, ids=[c[0] for c in CASES])
def test_the_quick_test_passes_exactly_the_focus_nodes_the_full_check_passes(name, make, ont):
    index, ont, _ = _index_and_shapes(make, ont)
    full = v._builtin_index(index, ont, quick=False)
    assert v._builtin_index(index, ont) == full  # the same results in the same order
    triples = [(s, p, o) for s, props in index.about.items() for p, vals in props.items() for o in vals]
    assert v._builtin(triples, ont, quick=False) == v._builtin(triples, ont)  # and on the check sets' path
    if not name.startswith(("tiny", "bundled")):
        assert any(sev == "http://www.w3.org/ns/shacl#Violation" for sev, *_ in full), name


@pytest.mark.parametrize("name,make,ont", CASES, ids=[c[0] for c in CASES])
def test_a_cold_run_over_the_index_finds_what_the_check_sets_find(name, make, ont):
    index, ont, _ = _index_and_shapes(make, ont)
    batch = [t for subjects in index.home.values() for t in index.check_set(subjects)]
    from_sets = v._builtin(batch, ont, only=set(index.home_of))
    from_index = v._builtin_index(index, ont)
    assert sorted(map(repr, from_index)) == sorted(map(repr, from_sets))
    if name == "hand-made":
        assert {raw[4] for raw in from_index} == FAILED | {"closed"}


def test_the_hand_made_graph_fails_every_parameter_as_pyshacl_says():
    ds = hand_made()
    built = v.engine_results(ds, "builtin", shapes(SHAPES))
    assert built == v.engine_results(ds, "pyshacl", shapes(SHAPES))
    assert {c for *_, c, _ in built} == FAILED
    # and validate's report (the cold path: every document checked) names the same nodes and paths
    report = v.validate(ds, shapes(SHAPES))
    assert report.checked == report.documents == 2 and not report.conforms
    assert {(r.focus, r.path) for r in report.results} == {
        (v._short(URIRef(f)) if f.startswith("https:") else f, v._short(URIRef(p)) if p else "")
        for _, f, p, _, _ in built}


def _reference_digest(triples: list, salt: str) -> str:
    """The cache key as defined: SHA-256 of the salt and the check set's distinct N-Triples lines,
    sorted, each as rdflib's N-Triples serialiser writes it."""
    h = hashlib.sha256(salt.encode() + b"\0")
    for line in sorted({_nt_row(t) for t in triples}):
        h.update(line.encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def test_a_documents_digest_is_the_hash_of_its_check_sets_lines(tmp_path: Path):
    write(tmp_path / "s", generate(2, editions=2, actions=6))
    quads = Quads()
    build(load(tmp_path / "s"), dataset=quads)
    for source in (quads, build(load(TINY)), hand_made()):
        index = v._Index(v._graphs_of(source))
        memo = v.NTerms()
        keys = {}
        for name, subjects in index.home.items():
            keys[name] = index.digest(subjects, "salt", memo)
            assert keys[name] == _reference_digest(index.check_set(subjects), "salt"), name
        assert len(set(keys.values())) == len(keys)  # no two documents share a key


def test_a_line_two_terms_write_alike_is_hashed_once():
    """Two unequal terms with one N-Triples text (a URIRef and a plain string): one line, as in a set."""
    s, p = URIRef("https://example.org/s"), URIRef("https://example.org/p")
    quads = Quads()
    quads.graph(EX["graph/a"]).triples.extend([(s, p, URIRef("https://example.org/o")), (s, p, "https://example.org/o")])
    index = v._Index(quads.graphs)
    assert len(index.about[s][p]) == 2
    line = f"<{s}> <{p}> <https://example.org/o> .\n"
    expect = hashlib.sha256(b"salt\0" + line.encode()).hexdigest()
    assert index.digest(index.home[EX["graph/a"]], "salt", v.NTerms()) == expect


def test_a_changed_literal_changes_the_digest_of_its_document_only():
    ds = build(load(TINY))
    before = _keys(ds)
    g = next(x for x in ds.graphs() if str(x.identifier).endswith("/graph/src-plan"))
    s, p, o = next((s, p, o) for s, p, o in g if p == URIRef("http://purl.org/dc/terms/title"))
    g.remove((s, p, o))
    g.add((s, p, type(o)(str(o) + " (changed)")))
    after = _keys(ds)
    assert [n for n in before if before[n] != after[n]] == [n for n in before if str(n).endswith("/src-plan")]


def _keys(source) -> dict:
    index = v._Index(v._graphs_of(source))
    return {name: index.digest(subjects, "salt", v.NTerms()) for name, subjects in index.home.items()}


@pytest.mark.parametrize("enabled", [True, False])
def test_validation_leaves_the_garbage_collector_as_it_was(enabled: bool):
    was = gc.isenabled()
    try:
        (gc.enable if enabled else gc.disable)()
        v.validate(build(load(TINY)), cache=False)
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()


def test_a_partly_cached_run_checks_only_the_changed_document_and_keeps_the_others_results(
        tmp_path: Path, monkeypatch):
    """The index is read as it is only when no document is cached; otherwise the uncached check
    sets are (each result kept for its focus node's home), whatever the cached ones found."""
    monkeypatch.setenv("DRIVERS_CACHE_DIR", str(tmp_path / "cache"))
    mutations = dict(_mutations())

    def tiny(*names):
        ds = build(load(TINY))
        for name in names:
            mutations[name](ds)
        return ds
    cold = v.validate(tiny("datatype title"))  # act-a, at home in src-drivers, fails
    assert cold.checked == cold.documents == 3 and {r.focus for r in cold.results} == {"act-a"}
    warm = v.validate(tiny("datatype title", "minLength section"))  # and theme-t, in src-plan
    assert warm.checked == 1
    assert {r.focus for r in warm.results} == {"act-a", "theme-t"}
    assert warm.results == v.validate(tiny("datatype title", "minLength section"), cache=False).results
