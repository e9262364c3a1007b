""""What drives this action?" on hand-made graphs with answers worked out by hand."""

from __future__ import annotations

import json

import networkx as nx
import pytest
from click.testing import CliRunner

from cli import main
from graph.answers import why as w
from graph.core.errors import NotFound

from .conftest import TINY


def edge(G, u, v, rel, section="s"):
    G.add_edge(u, v, key=f"{rel}|doc", rel=rel, source="doc", section=section)


@pytest.fixture()
def two_partnerships() -> nx.MultiDiGraph:
    """North: action a1 -> theme -> plan -> local strategy -> national act; the plan also has a climate
    plan as seeAlso. South: action s1 -> south plan -> national act. A south local plan (south-local)
    is drivenBy the act too, and a north plan wrongly points at a south group."""
    G = nx.MultiDiGraph()
    nodes = {
        "a1": dict(type="Action", title="Review the toolkit", text="Review the neglect toolkit – with “parents”"),
        "a2": dict(type="Action", title="Train staff", text="Train staff in neglect awareness", partnership="north"),
        "theme": dict(type="Theme", title="Neglect"),
        "plan": dict(type="Plan", title="North plan", partnership="north"),
        "strategy": dict(type="Driver", title="North strategy", partnership="north", number="2.1"),
        "act": dict(type="Driver", title="National Act", number="1.1"),
        "climate": dict(type="Driver", title="Climate plan", partnership="north", number="2.12"),
        "art12": dict(type="UNCRCArticle", title="Article 12 (Respect for the views of the child)"),
        "qi": dict(type="QualityIndicator", title="QI 2.1"),
        "s1": dict(type="Action", title="South action", text="Review the toolkit in the south",
                   partnership="south"),
        "splan": dict(type="Plan", title="South plan", partnership="south"),
        "sgroup": dict(type="Group", title="South board", partnership="south"),
        "old": dict(type="Driver", title="Old strategy", partnership="north"),
    }
    for n, d in nodes.items():
        G.add_node(n, **d)
    edge(G, "a1", "theme", "partOf", "row 1")
    edge(G, "a1", "art12", "upholdsRight")
    edge(G, "a1", "qi", "qualityIndicator")
    edge(G, "a2", "theme", "partOf")
    edge(G, "theme", "plan", "partOf")
    edge(G, "plan", "strategy", "drivenBy")
    edge(G, "plan", "sgroup", "ledBy")
    edge(G, "strategy", "act", "drivenBy")
    edge(G, "strategy", "climate", "seeAlso")
    edge(G, "strategy", "old", "supersedes")
    edge(G, "s1", "splan", "partOf")
    edge(G, "splan", "act", "drivenBy")
    edge(G, "splan", "sgroup", "ledBy")
    return G


def test_why_follows_only_driven_by_relations(two_partnerships):
    ans = w.why(two_partnerships, "a1")
    assert set(ans.reached) == {"theme", "plan", "strategy", "act", "art12"}
    # climate (seeAlso), old (supersedes), qi (quality indicator) and the south group are not drivers of a1
    chain = [(s.frm, s.rel, s.to) for s in ans.reached["act"]]
    assert chain == [("a1", "partOf", "theme"), ("theme", "partOf", "plan"), ("plan", "drivenBy", "strategy"),
                     ("strategy", "drivenBy", "act")]
    assert ans.reached["theme"][0].section == "row 1"


def test_why_stays_in_the_partnership(two_partnerships):
    south = w.why(two_partnerships, "s1")
    assert set(south.reached) == {"splan", "act", "sgroup"}
    assert "plan" not in south.reached and "strategy" not in south.reached


def test_find_by_phrase_is_tolerant(two_partnerships):
    best, also = w.find(two_partnerships, '  REVIEW the neglect toolkit - with "parents" ')
    assert best == "a1" and also == []
    best, also = w.find(two_partnerships, "review the toolkit")
    assert best == "a1" and also == ["s1"]  # "Review the toolkit" is all of a1's title, a share of s1's text
    assert w.find(two_partnerships, "review the toolkit", partnership="south") == ("s1", [])


def test_find_nothing_suggests_nearest(two_partnerships):
    with pytest.raises(NotFound) as exc:
        w.find(two_partnerships, "plant more trees")
    assert "nearest:" in str(exc.value)


def test_impact_reaches_every_plan_and_action_below(two_partnerships):
    ans = w.impact(two_partnerships, "act")
    assert set(ans.reached) == {"strategy", "plan", "theme", "a1", "a2", "splan", "s1"}
    assert [s.frm for s in ans.reached["a2"]] == ["a2", "theme", "plan", "strategy"]
    north = w.impact(two_partnerships, "act", partnership="north")
    assert "s1" not in north.reached and "a1" in north.reached


def test_impact_of_superseded_strategy_reaches_nothing_through_supersedes(two_partnerships):
    assert w.impact(two_partnerships, "old").reached == {}


def test_json_contract(two_partnerships):
    out = w.as_json(two_partnerships, w.why(two_partnerships, "a1", documents={"doc": "The Plan"}))
    assert set(out) == {"action", "also_matched", "drivers"}
    act = next(d for d in out["drivers"] if d["id"] == "act")
    assert {"id", "title", "type", "number", "path"} <= set(act)
    assert act["path"][0] == {"from": "a1", "rel": "partOf", "to": "theme",
                              "source": {"id": "doc", "document": "The Plan", "section": "row 1"}}
    assert all(step["source"]["id"] for d in out["drivers"] for step in d["path"])


def test_empty_and_single_node():
    G = nx.MultiDiGraph()
    G.add_node("x", type="Action", title="X", text="X")
    assert w.why(G, "x").reached == {}
    with pytest.raises(NotFound):
        w.why(nx.MultiDiGraph(), "anything")


def test_cli_why_formats():
    r = CliRunner().invoke(main, ["--data", str(TINY), "why", "Review the neglect toolkit", "--format", "json"])
    assert r.exit_code == 0
    out = json.loads(r.output)
    assert out["action"]["id"] == "action-1"
    act = next(d for d in out["drivers"] if d["id"] == "act-a")
    assert [s["to"] for s in act["path"]] == ["theme-t", "plan-p", "strategy-b", "act-a"]
    assert act["path"][-1]["source"]["document"] == "Strategic drivers and plans"
    tree = CliRunner().invoke(main, ["--data", str(TINY), "why", "action-1"]).output
    assert "└─ is driven by 1.1 Alpha (Scotland) Act 2014 [Driver: act-a]" in tree
    md = CliRunner().invoke(main, ["--data", str(TINY), "why", "action-1", "--format", "md"]).output
    assert "\\<script\\>" in md and "<script>" not in md


def test_cli_why_no_match_exit_1():
    r = CliRunner().invoke(main, ["--data", str(TINY), "why", "plant more trees"])
    assert r.exit_code == 1 and "nearest" in r.output


def test_cli_impact_by_number():
    r = CliRunner().invoke(main, ["--data", str(TINY), "impact", "1.1", "--format", "json"])
    out = json.loads(r.output)
    assert out["driver"]["id"] == "act-a"
    assert {d["id"] for d in out["reached"]} == {"strategy-b", "plan-p", "theme-t", "action-1"}
