"""SHACL validation: the built-in engine agrees with pySHACL, on good and broken data; results are
kept per source document and reused only while what was checked is unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import RDF, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, SH, SKOS

from graph.core import validate as v
from graph.core.loader import load
from graph.core.namespace import DG
from graph.core.rdf import build
from graph.core.synth import generate, write

from .conftest import DATA, TINY

ID = "https://w3id.org/drivers-graph/id/"


def node(ds, gid: str, rid: str):
    g = next(x for x in ds.graphs() if str(x.identifier).endswith("/graph/" + gid))
    return g, next(g.subjects(DCTERMS.identifier, Literal(rid)))


def _set(g, s, p, o):
    g.remove((s, p, None))
    g.add((s, p, o))


#: one mutation of the tiny data per constraint the shapes use: (name, function of the Dataset)
def _mutations():
    def drop(gid, rid, p):
        def f(ds):
            g, n = node(ds, gid, rid)
            g.remove((n, p, None))
        return f

    def put(gid, rid, p, o, replace=True):
        def f(ds):
            g, n = node(ds, gid, rid)
            (_set if replace else lambda g, s, p, o: g.add((s, p, o)))(g, n, p, o)
        return f

    plan = URIRef(ID + "plan/plan-p")
    return [
        ("minCount title", drop("src-plan", "action-1", DCTERMS.title)),
        ("maxCount title", put("src-plan", "action-1", DCTERMS.title, Literal("a second title"), replace=False)),
        ("datatype title", put("src-drivers", "act-a", DCTERMS.title, Literal(7))),
        ("pattern id", put("src-drivers", "strategy-b", DCTERMS.identifier, Literal("Not An Id"))),
        ("minLength section", put("src-plan", "theme-t", DG.section, Literal(""))),
        ("class partnership", put("src-plan", "plan-p", DG.partnership, plan)),
        ("class kind", put("src-drivers", "act-a", DG.kind, URIRef("https://w3id.org/drivers-graph/kind/nope"))),
        ("or ledBy", put("src-plan", "action-1", DG.ledBy, plan, replace=False)),
        ("in actionKind", put("src-plan", "action-1", DG.actionKind, Literal("banana"))),
        ("minInclusive startYear", put("src-drivers", "act-a", DG.startYear, Literal(1800))),
        ("ill-typed startYear", put("src-drivers", "act-a", DG.startYear, Literal("soon", datatype=XSD.integer))),
        ("nodeKind relation", put("src-drivers", "act-a", DCTERMS.relation, Literal("asp/2014/8"))),
        ("pattern relation", put("src-drivers", "act-a", DCTERMS.relation, URIRef("https://example.org/act"))),
        ("article title", put("src-ref", "uncrc-article-3", DCTERMS.title, Literal("Best interests"))),
        ("maxCount notation", put("src-ref", "uncrc-article-3", SKOS.notation, Literal("4"), replace=False)),
        ("upholdsRight a plan", put("src-plan", "action-1", DG.upholdsRight, plan, replace=False)),
        ("no source", drop("src-plan", "theme-t", URIRef("https://w3id.org/drivers-graph/ontology#describedIn"))),
        ("untyped value", put("src-plan", "action-1", DG.qualityIndicator, URIRef(ID + "nothing/here"), replace=False)),
    ]


def _agree(ds, ont=None):
    """The two engines' results on the whole graph, as comparable sets."""
    built, ref = v.engine_results(ds, "builtin", ont), v.engine_results(ds, "pyshacl", ont)
    assert built == ref
    return built


@pytest.mark.parametrize("name,mutate", _mutations(), ids=[m[0] for m in _mutations()])
def test_builtin_engine_agrees_with_pyshacl_on_broken_data(name, mutate):
    ds = build(load(TINY))
    mutate(ds)
    found = _agree(ds)
    assert any(sev == str(SH.Violation) for sev, *_ in found), name
    # and the per-document report says the same as the whole-graph one
    rep = v.validate(ds, cache=False)
    whole = v.validate(ds, cache=False, engine="pyshacl")
    assert [(r.severity, r.focus, r.path) for r in rep.results] == [(r.severity, r.focus, r.path)
                                                                    for r in whole.results]


def test_engines_agree_on_bundled_hand_made_and_synthetic_data(tmp_path: Path):
    write(tmp_path / "s", generate(2, editions=2, actions=15))
    for folder in (TINY, DATA, tmp_path / "s"):
        found = _agree(build(load(folder)))
        assert all(sev == str(SH.Info) for sev, *_ in found), folder  # the data conforms


def test_messages_given_by_the_shapes_are_kept():
    ds = build(load(TINY))
    g, a = node(ds, "src-plan", "action-1")
    g.remove((a, DG.partOf, None))
    rep = v.validate(ds, cache=False)
    assert "[ERROR] [action-1 partOf] An action must be part of a plan, theme or outcome." in rep.text()


def test_unchanged_documents_are_not_validated_again(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("DRIVERS_CACHE_DIR", str(tmp_path / "cache"))
    ds = build(load(TINY))
    first = v.validate(ds)
    assert first.checked == first.documents == 3
    again = v.validate(build(load(TINY)))
    assert again.checked == 0 and again.results == first.results
    assert len(list((tmp_path / "cache" / "validation").glob("*.json"))) == 3
    # a change in one document validates that document only ...
    g, t = node(ds, "src-plan", "theme-t")
    _set(g, t, DG.section, Literal(""))
    changed = v.validate(ds)
    assert changed.checked == 1 and any(r.focus == "theme-t" for r in changed.errors)
    # ... and a link stated in one document about a record of another changes the other's check set
    ds = build(load(TINY))
    g, _ = node(ds, "src-plan", "plan-p")
    _, board = node(ds, "src-drivers", "board-c")
    g.add((board, DG.upholdsRight, URIRef(ID + "plan/plan-p")))
    cross = v.validate(ds)
    assert cross.checked == 1 and any(r.focus == "board-c" and r.path == "upholdsRight" for r in cross.errors)


def test_a_damaged_cache_entry_is_validated_again(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("DRIVERS_CACHE_DIR", str(tmp_path / "cache"))
    ds = build(load(TINY))
    first = v.validate(ds)
    for f in (tmp_path / "cache" / "validation").glob("*.json"):
        f.write_text("{not json", encoding="utf-8")
    assert v.validate(ds).checked == 3 and v.validate(ds).checked == 0
    assert v.validate(ds).results == first.results


def test_a_shape_that_looks_past_its_focus_node_is_checked_on_the_whole_graph():
    ont = Graph()
    ont += v.load_ontology()
    assert v.local_shapes(ont)
    shape = URIRef("https://example.org/shape")
    ont.add((shape, RDF.type, SH.NodeShape))
    ont.add((shape, SH.targetClass, DG.Action))
    ont.add((shape, SH.node, URIRef(DG._NS + "RecordShape")))  # a shape for other nodes: their triples
    assert not v.local_shapes(ont)
    rep = v.validate(build(load(TINY)), ontology=ont)
    assert rep.documents == 1 and rep.conforms


def test_unknown_engine_is_a_usage_error():
    from graph.core.errors import UsageError
    with pytest.raises(UsageError, match="unknown SHACL engine"):
        v.validate(build(load(TINY)), engine="nope", cache=False)


@pytest.mark.parametrize("what", ["no text", "unknown kind", "not part of anything"])
def test_a_broken_finding_is_a_violation_for_both_engines(what):
    """The bundled data's headline figures and case studies are dg:Finding, with their own shape."""
    ds = build(load(DATA))
    g, f = node(ds, "src-sl-csp-ar-2018-19", "sl-csp-rights-f5")
    assert (f, RDF.type, DG.Finding) in g and (f, RDF.type, DG.Action) not in g
    if what == "no text":
        g.remove((f, DG.text, None))
    elif what == "unknown kind":
        _set(g, f, DG.findingKind, Literal("action"))
    else:
        g.remove((f, DG.partOf, None))
    found = _agree(ds)
    assert any(sev == str(SH.Violation) and focus == str(f) for sev, focus, *_ in found), found
