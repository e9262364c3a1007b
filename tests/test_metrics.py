"""Network metrics: tiny graphs with answers worked out by hand, plus the empty and one-node cases."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

from cli import main
from graph.answers.metrics import centrality, most_cited, orphans, summary, type_counts

SMALL = Path(__file__).resolve().parent / "fixtures" / "small"


def graph(nodes: dict[str, str], edges: list[tuple[str, str, str]]) -> nx.MultiDiGraph:
    G = nx.MultiDiGraph()
    for n, t in nodes.items():
        G.add_node(n, type=t, title=n.upper())
    for i, (u, v, rel) in enumerate(edges):
        G.add_edge(u, v, key=f"{rel}|{i}", rel=rel)
    return G


@pytest.fixture()
def plan_graph():
    """a1, a2 -partOf-> p -drivenBy-> d1, d2; d2 -seeAlso-> d1; a1 -drivenBy-> d1 twice; x alone.

    Undirected simple view: a1-p, a2-p, p-d1, p-d2, d1-d2, a1-d1 (+ isolated x, so n = 6).
    Pairs whose shortest paths all pass p: (a2,a1), (a2,d1), (a2,d2); (a1,d2) has two, a1-p-d2 and
    a1-d1-d2, so p and d1 get half each. p: 3.5, normalised by 2/((n-1)(n-2)) = 1/10 -> 0.35;
    d1: 0.05. p is the only cut vertex (a2 hangs off it).
    """
    return graph({"a1": "Action", "a2": "Action", "p": "Plan", "d1": "Driver", "d2": "Driver", "x": "Driver"},
                 [("a1", "p", "partOf"), ("a2", "p", "partOf"), ("p", "d1", "drivenBy"), ("p", "d2", "drivenBy"),
                  ("d2", "d1", "seeAlso"), ("a1", "d1", "drivenBy"), ("a1", "d1", "drivenBy")])


def test_centrality_by_hand(plan_graph):
    top = centrality(plan_graph, top=3)
    assert [(r["id"], r["degree"], r["betweenness"], r["cut_vertex"]) for r in top] == [
        ("p", 4, 0.35, True), ("d1", 3, 0.05, False), ("a1", 2, 0.0, False)]
    assert top[0]["type"] == "Plan" and top[0]["title"] == "P"


def test_path_and_star():
    path = centrality(graph({"a": "T", "b": "T", "c": "T"}, [("a", "b", "r"), ("c", "b", "r"), ("b", "a", "r")]))
    assert [(r["id"], r["degree"], r["betweenness"], r["cut_vertex"]) for r in path] == [
        ("b", 2, 1.0, True), ("a", 1, 0.0, False), ("c", 1, 0.0, False)]
    star = centrality(graph({"c": "T", **{f"l{i}": "T" for i in range(3)}}, [(f"l{i}", "c", "r") for i in range(3)]))
    assert star[0]["id"] == "c" and star[0]["betweenness"] == 1.0 and star[0]["degree"] == 3


def test_most_cited_counts_distinct_citers_over_driven_by_relations(plan_graph):
    # d1: p and a1 (a1 twice counts once; d2's seeAlso does not count); d2: p; x: none; p is no driver
    assert [(r["id"], r["cited_by"]) for r in most_cited(plan_graph)] == [("d1", 2), ("d2", 1)]
    assert [r["id"] for r in most_cited(plan_graph, top=1)] == ["d1"]


def test_orphans_and_counts(plan_graph):
    assert orphans(plan_graph) == {"Driver": ["x"]}
    assert type_counts(plan_graph) == {"Action": 2, "Driver": 3, "Plan": 1}


def test_empty_graph():
    G = nx.MultiDiGraph()
    assert centrality(G) == [] and orphans(G) == {} and most_cited(G) == [] and type_counts(G) == {}
    assert summary(G) == {"nodes": 0, "links": 0, "types": {}, "central": [],
                          "betweenness": {"method": "exact", "nodes": 0}, "most_cited": [], "orphans": {}}


def test_single_node():
    G = graph({"d": "Driver"}, [])
    assert centrality(G) == [{"id": "d", "type": "Driver", "title": "D", "degree": 0, "betweenness": 0.0,
                              "cut_vertex": False}]
    assert orphans(G) == {"Driver": ["d"]} and most_cited(G) == []


def test_orphans_in_natural_order():
    G = graph({"uncrc-article-10": "UNCRCArticle", "uncrc-article-2": "UNCRCArticle"}, [])
    assert orphans(G) == {"UNCRCArticle": ["uncrc-article-2", "uncrc-article-10"]}


def test_self_loop_is_not_a_link_to_anyone():
    G = graph({"d": "Driver"}, [("d", "d", "drivenBy")])
    assert centrality(G)[0]["degree"] == 0 and most_cited(G) == []


def test_cli_metrics():
    r = CliRunner().invoke(main, ["--data", str(SMALL), "metrics", "--top", "2", "--format", "json"])
    assert r.exit_code == 0
    s = json.loads(r.output)
    assert s["nodes"] == 29 and s["links"] == 23
    assert [c["id"] for c in s["central"]] == ["plan-p", "strategy-b"]
    assert [(c["id"], c["cited_by"]) for c in s["most_cited"]] == [("act-a", 2), ("board-c", 2)]
    assert s["orphans"]["Driver"] == ["lonely-guidance"]
    t = CliRunner().invoke(main, ["--data", str(SMALL), "metrics"])
    assert t.exit_code == 0 and "Most-cited drivers" in t.output and "Driver (1): lonely-guidance" in t.output
    assert CliRunner().invoke(main, ["--data", str(SMALL), "metrics", "--top", "0"]).exit_code == 2


def test_betweenness_is_sampled_above_the_threshold_and_says_so(monkeypatch):
    import networkx as nx

    from graph.answers import metrics as m
    # a bow tie: two cliques joined only through "hub", which every shortest path between them
    # crosses (and nothing else is between anything): hub is top, exact or from any sample
    G = nx.MultiDiGraph()
    G.add_node("hub", type="T", title="Hub")
    for side in "ab":
        nodes = [f"{side}{i:02d}" for i in range(20)]
        for n in nodes:
            G.add_node(n, type="T", title=n)
            G.add_edge(n, "hub", rel="r")
        for i, u in enumerate(nodes):
            for v in nodes[i + 1:]:
                G.add_edge(u, v, rel="r")
    exact = m.summary(G, top=3)
    assert exact["betweenness"] == {"method": "exact", "nodes": 41}
    monkeypatch.setattr(m, "EXACT_UP_TO", 40)
    monkeypatch.setattr(m, "SAMPLE", 10)
    sampled = m.summary(G, top=3)
    assert sampled["betweenness"] == {"method": "sampled", "nodes": 41, "sample": 10, "seed": 0}
    assert sampled == m.summary(G, top=3)  # the same sample every run
    assert sampled["central"][0]["id"] == exact["central"][0]["id"] == "hub"
