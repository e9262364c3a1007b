"""ontology.ttl and the DG namespace class agree; the shapes catch what they should."""

from __future__ import annotations

from rdflib import OWL, RDF, RDFS, Graph, Literal
from rdflib.namespace import DCTERMS

from graph.core.namespace import DG, ONTOLOGY_IRI
from graph.core.rdf import build
from graph.core.loader import load
from graph.core.validate import load_ontology, validate

from .conftest import TINY


def ontology_terms(g: Graph) -> set[str]:
    terms = set()
    for s in g.subjects():
        if str(s).startswith(ONTOLOGY_IRI) and str(s) != ONTOLOGY_IRI:
            name = str(s)[len(ONTOLOGY_IRI):]
            if not name.endswith("Shape") and name not in ("DriverKinds", "Categories"):
                terms.add(name)
    return terms


def test_namespace_class_matches_ontology_file():
    g = load_ontology()
    declared = {name for name in DG.__annotations__}
    assert ontology_terms(g) == declared


def test_every_term_has_label_and_comment():
    g = load_ontology()
    for name in sorted(ontology_terms(g)):
        term = DG[name]
        assert g.value(term, RDFS.label) is not None, name
        assert g.value(term, RDFS.comment) is not None, name
        kinds = set(g.objects(term, RDF.type))
        assert kinds & {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty}, name


def test_typo_raises_instead_of_minting():
    import pytest
    with pytest.raises(AttributeError):
        DG.drivenby  # noqa: B018


def test_inverse_relations_declared():
    g = load_ontology()
    assert (DG.drivenBy, OWL.inverseOf, DG.drives) in g
    assert (DG.reportsTo, OWL.inverseOf, DG.oversees) in g
    assert (DG.supersedes, OWL.inverseOf, DG.supersededBy) in g


def test_tiny_conforms(tiny_built):
    assert tiny_built.report.conforms, tiny_built.report.text()


def test_shapes_catch_an_action_without_plan_and_a_bad_article_title():
    ds = build(load(TINY))
    g = next(x for x in ds.graphs() if str(x.identifier).endswith("/graph/src-plan"))
    action = next(g.subjects(DCTERMS.identifier, Literal("action-1")))
    g.remove((action, DG.partOf, None))
    ref = next(x for x in ds.graphs() if str(x.identifier).endswith("/graph/src-ref"))
    art = next(ref.subjects(DCTERMS.identifier, Literal("uncrc-article-3")))
    ref.set((art, DCTERMS.title, Literal("Best interests")))
    report = validate(ds)
    assert not report.conforms
    errs = {(r.focus, r.path) for r in report.errors}
    assert ("action-1", "partOf") in errs
    assert ("uncrc-article-3", "title") in errs


def test_shapes_catch_upholds_right_to_a_non_article():
    ds = build(load(TINY))
    g = next(x for x in ds.graphs() if str(x.identifier).endswith("/graph/src-plan"))
    action = next(g.subjects(DCTERMS.identifier, Literal("action-1")))
    plan = next(g.subjects(DCTERMS.identifier, Literal("plan-p")))
    g.add((action, DG.upholdsRight, plan))
    report = validate(ds)
    assert any(r.focus == "action-1" and r.path == "upholdsRight" for r in report.errors)
