"""Every semantic link carries a verbatim quote that is in its seed and states the relation (issue 16)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from graph.answers.fidelity import check_links, states_relation
from graph.core.loader import link_warnings, load, load_text

from .conftest import DATA, SEEDS

SEED = ("The plan takes account of the Children Act. It has been co-produced by the Youth Group.\n"
        "Lead: Youth Group\n1.1, 2.1\n")


def _data(links: str):
    text = f"""source:
  id: src-doc
  title: Doc
  seed: doc.txt
groups:
  - id: youth-group
    title: Youth Group
    section: Intro
drivers:
  - id: children-act
    title: Children Act
    kind: act
    section: Intro
quality_indicators:
  - id: ci-qi-2-1
    title: "QI 2.1"
    number: "2.1"
    section: Intro
plans:
  - id: plan-a
    title: Plan A
    section: Intro
    links:
{links}"""
    return load_text({"doc.yaml": text})


@pytest.fixture()
def seeds(tmp_path: Path) -> Path:
    (tmp_path / "doc.txt").write_text(SEED, encoding="utf-8")
    return tmp_path


def test_a_stated_quoted_link_passes(seeds):
    data = _data('      - {rel: drivenBy, to: children-act, quote: "The plan takes account of the Children Act."}\n'
                 '      - {rel: qualityIndicator, to: ci-qi-2-1, quote: "1.1, 2.1"}\n')
    rep = check_links(data, seeds)
    assert (rep.checked, rep.quoted, rep.found, rep.stated, rep.misses) == (2, 2, 2, 2, [])
    assert link_warnings(data) == []


def test_a_link_without_quote_is_a_load_warning_and_a_miss(seeds):
    data = _data("      - {rel: drivenBy, to: children-act}\n      - {rel: partOf, to: youth-group}\n")
    warnings = link_warnings(data)
    assert [(w.id, w.severity) for w in warnings] == [("plan-a", "WARN")]    # partOf needs no quote
    assert "drivenBy -> children-act has no quote" in str(warnings[0]) and "doc.yaml" in str(warnings[0])
    rep = check_links(data, seeds)
    assert [(m.id, m.why) for m in rep.misses] == [("plan-a", "no quote")]
    assert rep.share == 0.0


def test_a_quote_not_in_the_seed_is_a_miss(seeds):
    data = _data('      - {rel: drivenBy, to: children-act, quote: "The plan is driven by the Children Act."}\n')
    assert [m.why for m in check_links(data, seeds).misses] == ["quote not in seed"]


def test_a_quote_without_words_stating_the_relation_is_a_miss(seeds):
    # the co-production sentence is in the seed, but it does not say "led by"
    data = _data('      - {rel: ledBy, to: youth-group, quote: "It has been co-produced by the Youth Group."}\n'
                 '      - {rel: coProducedBy, to: youth-group, quote: "It has been co-produced by the Youth Group."}\n'
                 '      - {rel: qualityIndicator, to: ci-qi-2-1, quote: "1.1"}\n')
    rep = check_links(data, seeds)
    assert sorted((m.rel, m.why) for m in rep.misses) == [
        ("ledBy", "quote does not state the relation"), ("qualityIndicator", "quote does not state the relation")]
    assert rep.stated == 1


@pytest.mark.parametrize("rel, quote, number, ok", [
    ("qualityIndicator", "1.1, 2.1", "2.1", True),
    ("qualityIndicator", "1.1, 12.1", "2.1", False),        # 12.1 is not 2.1
    ("qualityIndicator", "2.11", "2.1", False),
    ("drivenBy", "Other 'national drivers' ... which have informed our work", None, True),
    ("drivenBy", "The Promise Plan, March 2021", None, False),   # a supporting-documents list item
    ("implements", "support the council in its delivery of its Fairer Scotland Duty", None, True),
    ("seeAlso", "(See 3.5)", None, True),
    ("upholdsRight", "Children have the right to be safe", None, False),
])
def test_states_relation(rel, quote, number, ok):
    assert states_relation(rel, quote, number) is ok


def test_a_lead_cell_states_led_by():
    assert states_relation("ledBy", "Prevent Task Group", lead="Prevent Task Group/Parenting Programme Working Group")
    assert not states_relation("ledBy", "Prevent Task Group", lead="ICSG")


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the seed texts (../shared/seeds) are not beside the project")
def test_every_semantic_link_of_the_real_data_is_quoted_found_and_stated():
    data = load(DATA)
    rep = check_links(data, SEEDS)
    assert rep.checked > 400
    assert rep.misses == []
    assert rep.share == 1.0
    assert link_warnings(data) == []


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the seed texts (../shared/seeds) are not beside the project")
def test_fidelity_command_reports_both_shares():
    r = CliRunner().invoke(main, ["--data", str(DATA), "fidelity", "--seeds", str(SEEDS)])
    assert r.exit_code == 0, r.output     # the 10 joined fields are known misses; every link passes
    assert "verbatim fields found in their seed" in r.output
    assert "semantic links (not partOf) quoted, the quote found in the seed and stating the relation (100.0%)" \
        in r.output


def _links(data, rid):
    return {(lk.rel, lk.to) for lk in data.records[rid].links}


def test_audit_removed_links_the_documents_do_not_state():
    data = load(DATA)
    cps = _links(data, "nl-corporate-parenting-strategy-2019-22")
    assert ("ledBy", "nl-today-not-tomorrow") not in cps
    assert {("coProducedBy", "nl-today-not-tomorrow"), ("coProducedBy", "nl-lac-task-group")} <= cps
    ktp = _links(data, "nl-keeping-the-promise-report-2022")
    assert ("implements", "equality-act-2010") not in ktp
    assert not {("drivenBy", t) for t in ("promise-plan-2021-24", "youth-justice-vision-and-priorities",
                                          "community-mh-wellbeing-framework-2021")} & ktp
    for g in ("nl-csp", "nl-cpc"):
        assert ("drivenBy", "nl-tackling-poverty-strategy-2023-26") not in _links(data, g)


def test_audit_added_what_the_documents_state():
    data = load(DATA)
    programmes = [r.id for r in data.records.values()
                  if ("overseenBy", "nl-continuous-improvement-group") in _links(data, r.id)]
    assert sorted(programmes) == sorted([
        "realigning-childrens-services", "scottish-attainment-challenge", "cypic", "pace", "transforming-pathways",
        "psychology-of-parenting-programme", "child-protection-improvement-programme"])   # seed 000's seven
    def is_group(rid):
        rec = data.records[rid]
        return rec.type.section == "groups" or rec.get("kind") == "group"
    # reportsTo is group -> group: a programme the CIG oversees does not "report to" it
    assert [(r.id, lk.to) for r in data.records.values() for lk in r.links
            if lk.rel == "reportsTo" and not (is_group(r.id) and is_group(lk.to))] == []
    npf = {r.id for r in data.of_type("national_outcomes")}
    assert len(npf) == 11
    for g in ("nl-csp", "nl-cpc"):     # "the high-level National Outcomes ... overarch all the work"
        assert {t for rel, t in _links(data, g) if rel == "contributesTo"} >= npf
    plan = _links(data, "nl-corporate-parenting-improvement-plan-2019-22")
    assert {("overseenBy", "nl-csp"), ("overseenBy", "nl-icsg"), ("overseenBy", "nl-today-not-tomorrow")} <= plan


def test_every_framework_concept_is_in_a_declared_scheme_with_a_preflabel():
    from rdflib import RDF
    from rdflib.namespace import SKOS

    from graph.core.rdf import build
    from graph.core.validate import load_ontology
    quads = list(build(load(DATA)).quads((None, None, None, None)))
    concepts = {s for s, p, o, _ in quads if p == RDF.type and o == SKOS.Concept}
    assert len(concepts) > 90
    schemes = {s: o for s, p, o, _ in quads if p == SKOS.inScheme}
    labels = {s for s, p, _, _ in quads if p == SKOS.prefLabel}
    assert concepts <= set(schemes) and concepts <= labels
    onto = load_ontology()
    for scheme in set(schemes[c] for c in concepts):
        assert (scheme, RDF.type, SKOS.ConceptScheme) in onto and (scheme, SKOS.prefLabel, None) in onto


def test_graphml_edge_ids_are_unique_for_an_xml_reader(tmp_path):
    """GraphML edge ids are document-wide: read with lxml (a second reader) as well as networkx."""
    import networkx as nx
    from lxml import etree

    from graph.core.pipeline import build_graph
    from graph.publish import exports
    G = build_graph(DATA).nx
    text = exports.graphml(G)
    root = etree.fromstring(text.encode("utf-8"))
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    edge_ids = root.xpath("//g:edge/@id", namespaces=ns)
    node_ids = root.xpath("//g:node/@id", namespaces=ns)
    assert len(edge_ids) == G.number_of_edges() > 900
    assert len(set(edge_ids)) == len(edge_ids) and not set(edge_ids) & set(node_ids)
    H = nx.parse_graphml(text)
    assert H.number_of_edges() == G.number_of_edges()
    assert {d["link"] for _, _, d in H.edges(data=True)} == {str(k) for _, _, k in G.edges(keys=True)}


def test_jsonld_keeps_the_named_graphs_pyld_gives_the_nquads():
    """A second JSON-LD processor (pyld) reads exports/graph.jsonld into exactly graph.nq's quads."""
    import json

    from pyld import jsonld
    exports_dir = Path(__file__).resolve().parents[1] / "exports"
    nq = jsonld.to_rdf(json.loads((exports_dir / "graph.jsonld").read_text(encoding="utf-8")),
                       {"format": "application/n-quads"})
    got = {line for line in nq.splitlines() if line.strip()}
    want = {line for line in (exports_dir / "graph.nq").read_text(encoding="utf-8").splitlines() if line.strip()}
    assert len(got) == len(want) > 15000
    assert got == want
    assert all(line.rstrip(" .").endswith(">") and line.count("<https://w3id.org/drivers-graph/id/graph/") >= 1
               for line in got)      # every quad in a named graph


def test_the_shipped_shacl_ready_file_validates_with_pyshacl_alone():
    """exports/graph-shacl.ttl holds the data and the ontology: pySHACL validates it as it is (its
    shapes read from the same file), while the data without the ontology does not conform."""
    import pyshacl
    from rdflib import Graph
    exports_dir = Path(__file__).resolve().parents[1] / "exports"
    ready = Graph().parse(exports_dir / "graph-shacl.ttl")
    conforms, _, text = pyshacl.validate(ready, inference="none", advanced=True, allow_infos=True,
                                         allow_warnings=True)
    assert conforms, text
    data_only = Graph().parse(exports_dir / "graph.ttl")
    from graph.core.validate import load_ontology
    conforms_alone, _, _ = pyshacl.validate(data_only, shacl_graph=load_ontology(), inference="none",
                                            advanced=True, allow_infos=True, allow_warnings=True)
    assert not conforms_alone       # why the SHACL-ready file exists


def test_document_dates_are_typed_as_precisely_as_they_are_printed(real_built):
    """Issue 16: dates are typed literals other tools can compare — a year xsd:gYear, a month
    xsd:gYearMonth, a day xsd:date — never a plain string that looks like a date."""
    from rdflib import XSD
    from rdflib.namespace import DCTERMS
    from graph.core.rdf import date_literal
    dates = list(real_built.union.objects(None, DCTERMS.date))
    assert len(dates) >= 8
    assert {d.datatype for d in dates} <= {XSD.gYear, XSD.gYearMonth, XSD.date}
    assert {d.datatype for d in dates} == {XSD.gYear, XSD.gYearMonth, XSD.date}  # all three occur in the seeds
    assert date_literal("Spring 2019").datatype is None  # text that is not a date stays what it says


def test_org_says_the_stated_links_between_organisations_and_nothing_else(real_built):
    """Issue 16: W3C ORG is used where it fits — a group part of or reporting to another group or a
    partnership is also said as org:subOrganizationOf / org:reportsTo, each one a stated dg: link
    between the same two nodes (nothing new claimed), never for actions, plans or drivers."""
    from rdflib import RDF
    from rdflib.namespace import ORG
    from graph.core.namespace import DG
    g = real_built.union
    pairs = {ORG.subOrganizationOf: DG.partOf, ORG.reportsTo: DG.reportsTo}
    seen = 0
    for org, dg in pairs.items():
        for s, o in g.subject_objects(org):
            seen += 1
            assert (s, dg, o) in g
            for n in (s, o):
                assert (n, RDF.type, ORG.OrganizationalUnit) in g or (n, RDF.type, ORG.Organization) in g, n
    assert seen >= 20
    assert not list(g.subjects(ORG.subOrganizationOf, None)) or all(
        (s, RDF.type, DG.Action) not in g for s in g.subjects(ORG.subOrganizationOf, None))
