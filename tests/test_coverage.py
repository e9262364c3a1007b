"""The coverage matrix on tests/fixtures/small (see tests/test_queries.py for the graph).

By hand: plan-p upholds article 3 itself and 12 through action-1 and action-2 (partOf theme-t
partOf plan-p); plan-s upholds 19; plan-x nothing. Article 28 is a gap; 43 is not (not 1-42).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from graph.answers.coverage import as_markdown, coverage, matrix
from graph.core.errors import NotFound, UsageError
from graph.core.pipeline import build_graph

SMALL = Path(__file__).resolve().parent / "fixtures" / "small"


@pytest.fixture(scope="module")
def g():
    return build_graph(SMALL, check=False).union


def run_cli(*args: str):
    return CliRunner().invoke(main, ["--data", str(SMALL), "coverage", *args])


def test_uncrc_matrix_over_all_plans(g):
    cov = coverage(g, "uncrc")
    cols, rows = matrix(cov)
    assert cols == ["id", "title", "3", "12", "19"]  # only covered articles are columns
    assert [(r["id"], r["3"], r["12"], r["19"]) for r in rows] == [
        ("plan-p", "x", "x", ""), ("plan-s", "", "", "x"), ("plan-x", "", "", "")]
    assert [i.id for i in cov.gaps] == ["uncrc-article-28"]  # 43 is outside 1-42
    assert "1-42" in cov.scope


def test_one_plan_rows_are_its_parts(g):
    cov = coverage(g, "uncrc", "plan-p")
    assert [(r.id, r.type, sorted(r.covers)) for r in cov.rows] == [
        ("plan-p", "Plan", ["uncrc-article-12", "uncrc-article-3"]),
        ("theme-t", "Theme", ["uncrc-article-12"]),
        ("action-1", "Action", ["uncrc-article-12"]),
        ("action-2", "Action", ["uncrc-article-12"])]
    assert [i.id for i in cov.gaps] == ["uncrc-article-19", "uncrc-article-28"]


@pytest.mark.parametrize("framework, covered, gaps", [
    ("shanarri", {"plan-p": {"shanarri-safe"}, "plan-s": {"shanarri-healthy"}, "plan-x": set()},
     ["shanarri-included"]),
    ("promise", {"plan-p": {"promise-voice"}, "plan-s": set(), "plan-x": set()}, ["promise-family"]),
])
def test_other_frameworks(g, framework, covered, gaps):
    cov = coverage(g, framework)
    assert {r.id: r.covers for r in cov.rows} == covered
    assert [i.id for i in cov.gaps] == gaps


def test_bad_plan_and_framework(g):
    with pytest.raises(UsageError, match="is a Driver, not a plan"):
        coverage(g, "uncrc", "act-a")
    with pytest.raises(NotFound):
        coverage(g, "uncrc", "plan-zz")
    with pytest.raises(UsageError, match="unknown framework"):
        coverage(g, "npf")


def test_markdown_is_a_table_with_escaped_pipes(g):
    md = as_markdown(coverage(g, "uncrc"))
    lines = md.splitlines()
    assert lines[0] == "| id | title | 3 | 12 | 19 |"
    assert lines[1] == "| --- | --- | --- | --- | --- |"
    assert lines[4] == "| plan-x | Unlinked \\| Draft Plan |  |  |  |"
    assert "- Article 28 (Right to education) [uncrc-article-28]" in lines


def test_cli_formats_and_exit_codes():
    t = run_cli()
    assert t.exit_code == 0 and "plan-p" in t.output and "Article 28 (Right to education)" in t.output
    assert "1-42" in t.output
    csv = run_cli("--framework", "shanarri", "--format", "csv")
    assert csv.exit_code == 0
    assert csv.output.splitlines() == ["id,title,Safe,Healthy", "plan-p,Children's Services Plan 2017-2020,x,",
                                       "plan-s,South Plan 2017-2020,,x", "plan-x,Unlinked | Draft Plan,,"]
    md = run_cli("--plan", "plan-p", "--format", "md")
    assert md.exit_code == 0 and md.output.startswith("| id | type | title | 3 | 12 |")
    assert run_cli("--plan", "act-a").exit_code == 2
    assert run_cli("--plan", "plan-zz").exit_code == 2  # an unknown id is bad input
    assert run_cli("--framework", "npf").exit_code == 2


def test_json_gives_each_row_its_covered_ids_and_the_gaps():
    r = run_cli("--format", "json")
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    assert out["framework"] == "uncrc" and out["plan"] is None and "1-42" in out["scope"]
    assert [c["label"] for c in out["columns"]] == ["3", "12", "19"]
    assert {row["id"]: row["covers"] for row in out["rows"]} == {
        "plan-p": ["uncrc-article-12", "uncrc-article-3"], "plan-s": ["uncrc-article-19"], "plan-x": []}
    assert [g["id"] for g in out["gaps"]] == ["uncrc-article-28"]
