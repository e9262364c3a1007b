"""The bundled data: faithful to the five seeds, complete, and valid."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from click.testing import CliRunner

from cli import main
from graph.answers import why as w
from graph.answers.catalog import Catalog
from graph.answers.fidelity import check

from .conftest import DATA, SEEDS


def cli_json(*args: str):
    r = CliRunner().invoke(main, ["--data", str(DATA), *args])
    assert r.exit_code == 0, r.output
    return json.loads(r.output)


def test_data_conforms(real_built):
    assert real_built.report.conforms, real_built.report.text()


def test_63_drivers_in_the_2023_edition_in_published_order():
    rows = cli_json("list", "drivers", "--edition", "2023", "--format", "json")
    assert len(rows) == 63
    numbers = [r["number"] for r in rows]
    expected = ([f"1.{i}" for i in range(1, 23)] + [f"2.{i}" for i in range(1, 18)]
                + [f"3.{i}" for i in range(1, 10)] + [f"4.{i}" for i in range(1, 16)])
    assert numbers == expected
    cats = Counter(r["category"] for r in rows)
    assert cats == {"national": 22, "local": 17, "improvement": 9, "governance": 15}
    by_num = {r["number"]: r for r in rows}
    assert by_num["1.1"]["id"] == "cyp-act-2014"
    assert by_num["1.7"]["id"] == "equality-act-2010"      # the summary table prints 1.6 twice
    assert by_num["2.12"]["id"] == "nl-act-now-climate-action"  # printed "0.40"
    assert by_num["4.15"]["id"] == "nl-corporate-parenting-strategy-2023-27"


def test_54_articles_titled_article_n():
    rows = cli_json("list", "articles", "--format", "json")
    assert [r["number"] for r in rows] == list(range(1, 55))
    assert all(r["title"].startswith(f"Article {r['number']}") for r in rows)
    assert next(r for r in rows if r["number"] == 12)["title"] == "Article 12 (Respect for the views of the child)"


def test_show_4_4_refers_to_3_6_and_3_8():
    rec = cli_json("show", "4.4", "--format", "json")
    see = {(lk["target"]["number"], lk["target"]["id"]) for lk in rec["links"]
           if lk["rel"] == "seeAlso" and lk["direction"] == "out"}
    assert see == {("3.6", "contextual-safeguarding"), ("3.8", "trauma-informed-practice")}
    assert rec["editions"][0]["refs"] == ["3.6", "3.8"]


def test_actions_from_every_action_seed(real_built):
    rows = Catalog(real_built.union).list("actions")
    by_source = Counter(r["source"] for r in rows)
    assert len(rows) > 100
    for src in ("src-nl-csp-ar-2018-19", "src-sl-csp-ar-2018-19", "src-nl-cp-strategy-2019-22",
                "src-nl-keeping-the-promise-2022"):
        assert by_source[src] > 0, src
    G = real_built.nx
    # every action sits in a plan, or (improvement-programme commitments) in a programme
    assert all(any(d["rel"] == "partOf" for _, _, d in G.out_edges(r["id"], data=True)) for r in rows)
    # the ones not in a plan are exactly the improvement-programme commitments (part of a programme)
    # and the Partnership Agreement's ten undertakings (part of that framework; issue 16)
    for r in (r for r in rows if not r["plan"]):
        parents = [v for _, v, d in G.out_edges(r["id"], data=True) if d["rel"] == "partOf"]
        expected = ([("Driver", "framework")] if r["id"].startswith("nl-participation-agreement-u")
                    else [("Driver", "programme")])
        assert [(G.nodes[v]["type"], G.nodes[v]["kind"]) for v in parents] == expected, r["id"]
    assert all(r["partnership"] in ("north-lanarkshire", "south-lanarkshire") for r in rows)


KNOWN_JOINED_FIELDS = [
    ("nl-mhwr-ap-a1", "text"), ("nl-mhwr-ap-a5", "text"), ("nl-neglect-ap-a4", "text"),
    ("nl-prevention-ap-a1", "expected_outcomes"), ("nl-prevention-ap-a2", "progress"),
    ("nl-prevention-ap-a4", "expected_outcomes"), ("nl-drivers-2023 1.5", "summary_title"),
    ("nl-drivers-2023 1.13", "summary_title"), ("nl-drivers-2023 2.4", "summary"), ("nl-drivers-2023 2.8", "summary"),
]


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the seed texts (../shared/seeds) are not beside the project")
def test_every_verbatim_field_is_in_its_seed(real_built):
    rep = check(real_built.data, SEEDS)
    assert rep.checked > 1000
    # the only misses are these fields, which the transcribers joined across page breaks, bullet
    # lists or the two-column Summary table (`drivers fidelity` lists them); any other miss fails
    assert sorted((m.id, m.field) for m in rep.misses) == sorted(KNOWN_JOINED_FIELDS)
    # ... and exactly these are the known misses `drivers fidelity` reads (so it exits 0 on this data)
    from graph.answers.fidelity import KNOWN_MISSES, read_known
    assert sorted(read_known(SEEDS / KNOWN_MISSES)) == sorted(KNOWN_JOINED_FIELDS)


@pytest.mark.parametrize("phrase, action_seed", [
    ("Identify and review tools and approaches to assessing neglect", "src-nl-csp-ar-2018-19"),
    ("Conduct a review of parenting literature identifying effective interventions", "src-nl-csp-ar-2018-19"),
])
def test_pasted_phrases_find_their_actions(real_built, phrase, action_seed):
    best, _ = w.find(real_built.nx, phrase)
    assert real_built.nx.nodes[best]["source"] == action_seed


def test_cost_modelling_traces_to_promise_plan(real_built):
    G = real_built.nx
    start = next(n for n, d in G.nodes(data=True)
                 if d["source"] == "src-nl-keeping-the-promise-2022" and "cost modelling" in d["title"].lower()
                 and d["type"] in ("Theme", "Action"))
    ans = w.why(G, start) if G.nodes[start]["type"] == "Action" else w.Answer(start, w._bfs(
        G, start, w.partnership_of(G, start), False, {}))
    assert "promise-plan-2021-24" in ans.reached
    assert all(step.source and step.section for step in ans.reached["promise-plan-2021-24"])


def test_why_is_specific_to_the_partnership(real_built):
    G = real_built.nx
    south = [n for n, d in G.nodes(data=True) if d["type"] == "Action" and w.partnership_of(G, n) == "south-lanarkshire"]
    assert south
    for n in south:
        for m in w.why(G, n).reached:
            assert G.nodes[m].get("partnership") in (None, "south-lanarkshire"), (n, m)
    north = [n for n, d in G.nodes(data=True) if d["type"] == "Action" and d["source"] == "src-nl-cp-strategy-2019-22"]
    for n in north:
        assert "nl-act-now-climate-action" not in w.why(G, n).reached


def test_headline_figures_and_case_studies_are_findings_not_actions():
    """Seed 002's infographic figures (section 4) and its two case studies report results: they are
    listed as findings, verbatim, and no longer counted among the actions."""
    findings = {r["id"]: r for r in cli_json("list", "findings", "--format", "json")}
    assert Counter(r["kind"] for r in findings.values()) == {"figure": 6, "case-study": 2}
    assert all(r["partnership"] == "south-lanarkshire" and r["part_of"] for r in findings.values())
    assert findings["sl-csp-rights-f5"]["text"] == "Automated Free School Meal enrolment\n6302 awards"
    actions = {r["id"] for r in cli_json("list", "actions", "--format", "json")}
    assert not actions & set(findings)
    # their titles and texts are among the fields the fidelity check finds verbatim in the seed
    from graph.answers.fidelity import normalise
    seed = normalise((SEEDS / "002_e439b06a1fc5a9f8.txt").read_text(encoding="utf-8"))
    assert all(normalise(r["title"]) in seed for r in findings.values())
    # what a finding is part of is still answered, with the document it came from
    tree = cli_json("why", "sl-csp-rights-f3", "--format", "json")
    assert "scottish-attainment-challenge" in json.dumps(tree)
