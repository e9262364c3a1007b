"""Named queries (queries/*.rq) and ad hoc SPARQL, on the hand-made graph in tests/fixtures/small.

The small graph (answers below worked out by hand from its YAML):

    act-a <-drivenBy- strategy-b <-drivenBy- plan-p <-partOf- theme-t <-partOf- action-1, action-2
    strategy-b -supersedes-> old-strategy;  strategy-b -seeAlso-> act-a (edition 2023 "see 1.1")
    plan-p -ledBy-> board-c <-reportsTo- group-n <-ledBy- action-1;  plan-p -alignsWith-> promise-plan
    action-1 -fundedBy-> fund-f;  south-strategy -drivenBy-> act-a;  plan-s -drivenBy-> south-strategy
    action-s1 -partOf-> plan-s;  action-x -partOf-> plan-x (no links);  lonely-guidance (no links)
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Literal

from cli import main
from graph.answers import queries as Q
from graph.core.errors import UsageError
from graph.core.paths import QUERIES
from graph.core.pipeline import build_graph

SMALL = Path(__file__).resolve().parent / "fixtures" / "small"
NAMED = Q.load_named()


@pytest.fixture(scope="module")
def g():
    return build_graph(SMALL, check=False).union


def run_cli(*args: str):
    return CliRunner().invoke(main, ["--data", str(SMALL), *args], catch_exceptions=False)


def ids(result: Q.Result, col: str = "id") -> list:
    return [r[col] for r in result.rows]


# -- one test per .rq file: (params, columns, rows as tuples) ----------------------------------
EXPECTED = {
    "what-drives": ({"action": "action-1"}, ["type", "id", "title", "relation"], [
        ("Driver", "act-a", "Alpha (Scotland) Act 2014", "drivenBy"),
        ("Driver", "board-c", "Children's Board", "ledBy"),       # from plan-p
        ("Driver", "board-c", "Children's Board", "reportsTo"),   # from group-n
        ("Driver", "fund-f", "Family Fund", "fundedBy"),
        ("Driver", "promise-plan", "Promise Plan 2021-24", "alignsWith"),
        ("Driver", "strategy-b", "Beta Strategy 2019-2022", "drivenBy"),
        ("Group", "group-n", "Neglect Task Group", "ledBy"),
        ("Plan", "plan-p", "Children's Services Plan 2017-2020", "partOf"),
        ("PromiseFoundation", "promise-voice", "Voice", "alignsWith"),
        ("Theme", "theme-t", "Keeping children safe", "partOf"),
        ("UNCRCArticle", "uncrc-article-12", "Article 12 (Respect for the views of the child)", "upholdsRight"),
        ("UNCRCArticle", "uncrc-article-3", "Article 3 (Best interests of the child)", "upholdsRight"),
        ("WellbeingIndicator", "shanarri-safe", "Safe", "contributesTo"),
    ]),
    "driven-by": ({"driver": "board-c"}, ["type", "id", "title", "relation"], [
        ("Action", "action-1", "Review the neglect toolkit", "ledBy"),
        ("Action", "action-1", "Review the neglect toolkit", "partOf"),
        ("Action", "action-2", "Train school staff", "partOf"),
        ("Group", "group-n", "Neglect Task Group", "reportsTo"),
        ("Plan", "plan-p", "Children's Services Plan 2017-2020", "ledBy"),
        ("Theme", "theme-t", "Keeping children safe", "partOf"),
    ]),
    "drivers-by-category": ({"year": "2024"}, ["number", "id", "title", "category", "kind", "year"], [
        ("1.1", "promise-plan", "The Promise Plan 21-24", "national", "strategy", 2024),
        ("1.2", "act-a", "Alpha Act", "national", "act", 2024),
    ]),
    "actions-by-lead": ({"lead": "NEGLECT"}, ["id", "title", "lead_text", "led_by"], [
        ("action-1", "Review the neglect toolkit", "Social Work", "group-n"),  # the group's title matches
    ]),
    "uncrc-coverage": ({}, ["number", "id", "title", "records"], [
        (3, "uncrc-article-3", "Article 3 (Best interests of the child)", 1),
        (12, "uncrc-article-12", "Article 12 (Respect for the views of the child)", 2),
        (19, "uncrc-article-19", "Article 19 (Protection from violence)", 1),
        (28, "uncrc-article-28", "Article 28 (Right to education)", 0),
        (43, "uncrc-article-43", "Article 43 (Committee on the Rights of the Child)", 0),
    ]),
    "orphans": ({}, ["problem", "id", "title"], [
        ("action without a driver", "action-x", "Stray action"),
        ("driver without links", "lonely-guidance", "Lonely Guidance 2010-2015"),
    ]),
    "expiring": ({"before": "2023"}, ["end_year", "id", "title", "partnership"], [
        (2015, "lonely-guidance", "Lonely Guidance 2010-2015", None),
        (2017, "old-strategy", "Old Strategy 2012-2017", "north"),
        (2022, "strategy-b", "Beta Strategy 2019-2022", "north"),  # south-strategy ends 2023: not before
    ]),
    "partnership-drivers": ({"partnership": "north"}, ["scope", "id", "title", "kind"], [
        ("local", "board-c", "Children's Board", "group"),
        ("local", "old-strategy", "Old Strategy 2012-2017", "strategy"),
        ("local", "strategy-b", "Beta Strategy 2019-2022", "strategy"),
        ("national", "act-a", "Alpha (Scotland) Act 2014", "act"),
        ("national", "fund-f", "Family Fund", "fund"),
        ("national", "promise-plan", "Promise Plan 2021-24", "strategy"),
    ]),
}


def test_every_query_file_has_an_expected_answer():
    assert set(EXPECTED) == {p.stem for p in QUERIES.glob("*.rq")}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_named_query(g, name):
    q = NAMED[name]
    assert q.title and q.description
    for p in q.params:
        assert f"?{p.name}" in q.text, f"param {p.name} is not used in {name}.rq"
    Q.prepare(q.text, name)  # parses
    params, cols, rows = EXPECTED[name]
    res = Q.run_named(g, q, params)
    assert res.columns == cols
    assert [tuple(r[c] for c in cols) for r in res.rows] == rows


def test_what_drives_skips_see_also_supersedes_and_quality_indicators(g):
    res = Q.run_named(g, NAMED["what-drives"], {"action": "action-1"})
    assert "old-strategy" not in ids(res)  # strategy-b supersedes it
    assert {r["relation"] for r in res.rows if r["id"] == "act-a"} == {"drivenBy"}  # not seeAlso


def test_optional_and_other_answers(g):
    every = Q.run_named(g, NAMED["drivers-by-category"], {})
    assert [(r["year"], r["number"]) for r in every.rows] == [
        (2023, "1.1"), (2023, "1.2"), (2023, "2.1"), (2023, "4.1"), (2024, "1.1"), (2024, "1.2")]
    by_lead = Q.run_named(g, NAMED["actions-by-lead"], {"lead": "education"})
    # action-2 names no group itself; its plan is led by the board (ledBy on the plan it is part of)
    assert [(r["id"], r["led_by"]) for r in by_lead.rows] == [("action-2", "board-c")]
    south = Q.run_named(g, NAMED["partnership-drivers"], {"partnership": "south"})
    assert [(r["scope"], r["id"]) for r in south.rows] == [("local", "south-strategy"), ("national", "act-a")]
    down = Q.run_named(g, NAMED["driven-by"], {"driver": "act-a"})
    assert ids(down) == ["action-1", "action-2", "action-s1", "south-strategy", "strategy-b", "plan-p", "plan-s",
                         "theme-t"]


@pytest.mark.parametrize("name, key", [("what-drives", "action"), ("actions-by-lead", "lead"),
                                       ("partnership-drivers", "partnership")])
def test_parameter_with_sparql_syntax_is_a_plain_literal(g, name, key):
    before = len(g)
    res = Q.run_named(g, NAMED[name], {key: 'x" } ; DROP ALL ; #'})
    assert res.rows == [] and len(g) == before


def test_bind_params_types_and_errors():
    q = NAMED["expiring"]
    assert Q.bind_params(q, ["before=2025"]) == {"before": Literal(2025)}
    assert Q.bind_params(NAMED["what-drives"], ["action=a=b"]) == {"action": Literal("a=b")}
    for bad, msg in [([], "needs --param before (integer, required)"), (["before=soon"], "must be an integer"),
                     (["before=1", "after=2"], "no parameter after"), (["before"], "is not key=value")]:
        with pytest.raises(UsageError, match=msg.replace("(", r"\(").replace(")", r"\)")):
            Q.bind_params(q, bad)


def test_header_parsing():
    q = Q.parse_named("x", "# title: T\n# description: D\n# param: y (integer, optional) a year\n"
                           "# param: z (string, required) an id\nSELECT * { ?s ?p ?o }")
    assert (q.title, q.description) == ("T", "D")
    assert [(p.name, p.type, p.required, p.description) for p in q.params] == [
        ("y", "integer", False, "a year"), ("z", "string", True, "an id")]
    with pytest.raises(UsageError, match=r"x.rq:2: bad param line"):
        Q.parse_named("x", "# title: T\n# param: y (date) a day\nASK {}", "x.rq")
    with pytest.raises(UsageError, match="title"):
        Q.parse_named("x", "SELECT * { ?s ?p ?o }")
    with pytest.raises(UsageError, match="no named query 'what-drive'; did you mean what-drives"):
        Q.get_named("what-drive")


def test_malformed_query_gives_line_and_column(g):
    with pytest.raises(UsageError, match=r"line 3, column 3"):
        Q.run(g, "SELECT ?x WHERE {\n  ?x ?y ?z .\n  FILTER( }")
    with pytest.raises(UsageError, match="Unknown namespace prefix"):
        Q.run(g, "SELECT * { ?s foo:bar ?o }")
    with pytest.raises(UsageError, match="only SELECT and ASK"):
        Q.run(g, "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")


def test_ad_hoc_values_are_plain(g):
    res = Q.run(g, "SELECT ?d ?end ?missing WHERE { ?d dcterms:identifier 'strategy-b' ; dg:endYear ?end }")
    assert res.rows == [{"d": "strategy-b", "end": 2022, "missing": None}]  # IRI shown as its id
    assert Q.run(g, "ASK { ?a dg:upholdsRight ?b }").rows == [{"ask": True}]
    src = Q.run(g, "SELECT ?c WHERE { ?x dcterms:identifier 'act-a' ; dg:kind ?c }")
    assert src.rows == [{"c": "https://w3id.org/drivers-graph/kind/act"}]  # no id: the IRI


# -- CLI --------------------------------------------------------------------------------------
def test_cli_queries_lists_names_titles_params():
    r = run_cli("queries")
    assert r.exit_code == 0
    assert "what-drives" in r.output and "action (string, required)" in r.output
    rows = json.loads(run_cli("queries", "--format", "json").output)
    assert {q["name"] for q in rows} == set(EXPECTED)


def test_cli_query_formats():
    r = run_cli("query", "expiring", "--param", "before=2023", "--format", "json")
    assert r.exit_code == 0
    assert json.loads(r.output)[0] == {"end_year": 2015, "id": "lonely-guidance",
                                       "title": "Lonely Guidance 2010-2015", "partnership": None}
    csv = run_cli("query", "orphans", "--format", "csv").output.splitlines()
    assert csv == ["problem,id,title", "action without a driver,action-x,Stray action",
                   "driver without links,lonely-guidance,Lonely Guidance 2010-2015"]
    t = run_cli("query", "what-drives", "-p", "action=action-1")
    assert t.exit_code == 0 and "(13 rows)" in t.output


@pytest.mark.parametrize("args, msg", [
    (("query", "expiring"), "needs --param before"),
    (("query", "expiring", "-p", "before=2023", "-p", "colour=red"), "no parameter colour"),
    (("query", "nope"), "no named query 'nope'"),
    (("sparql", "SELECT ?x WHERE {\n  ?x ?y }"), "line 2, column 3"),
    (("sparql", "@no/such/file.rq"), "no/such/file.rq"),
])
def test_cli_usage_errors_exit_2(args, msg):
    r = CliRunner().invoke(main, ["--data", str(SMALL), *args])
    assert r.exit_code == 2 and r.output.startswith("Error: ") and msg in r.output
    assert "Traceback" not in r.output


def test_cli_sparql_from_file_and_malformed_file(tmp_path: Path):
    good = tmp_path / "q.rq"
    good.write_text("SELECT ?id WHERE { ?d a dg:Driver ; dg:endYear 2015 ; dcterms:identifier ?id }")
    r = run_cli("sparql", f"@{good}", "--format", "json")
    assert r.exit_code == 0 and json.loads(r.output) == [{"id": "lonely-guidance"}]
    bad = tmp_path / "bad.rq"
    bad.write_text("# a comment\nSELECT ?x\nWHERE { ?x }\n")
    r = CliRunner().invoke(main, ["--data", str(SMALL), "sparql", f"@{bad}"])
    assert r.exit_code == 2 and str(bad) in r.output and "line" in r.output and "column" in r.output
