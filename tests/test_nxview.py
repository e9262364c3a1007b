"""The NetworkX view, checked against the tiny graph's answers worked out by hand."""

from __future__ import annotations

import networkx as nx

from graph.core.view import to_networkx


def test_empty_graph():
    from rdflib import Graph
    G = to_networkx(Graph())
    assert G.number_of_nodes() == 0 and G.number_of_edges() == 0


def test_tiny_nodes_and_edges(tiny_built):
    G = tiny_built.nx
    # 3 drivers, 1 partnership, plan, theme, action, 2 articles, cluster, QI, wellbeing indicator
    assert G.number_of_nodes() == 12
    # strategy-b drivenBy act-a; seeAlso act-a (2.1 refers to 1.1); plan drivenBy + ledBy;
    # theme partOf plan; action partOf, qualityIndicator, upholdsRight, contributesTo
    assert G.number_of_edges() == 9
    assert G.nodes["act-a"]["type"] == "Driver" and G.nodes["act-a"]["number"] == "1.1"
    assert G.nodes["board-c"]["category"] == "governance"
    assert G.nodes["action-1"]["source"] == "src-plan"
    rels = sorted(d["rel"] for _, _, d in G.out_edges("action-1", data=True))
    assert rels == ["contributesTo", "partOf", "qualityIndicator", "upholdsRight"]
    (edge,) = [d for _, v, d in G.out_edges("strategy-b", data=True) if d["rel"] == "drivenBy"]
    assert edge["source"] == "src-drivers" and edge["quote"] == "in line with the Alpha Act"


def test_action_reaches_the_act_through_stated_links(tiny_built):
    G = tiny_built.nx
    assert nx.has_path(G, "action-1", "act-a")
    assert nx.shortest_path(G, "action-1", "act-a") == ["action-1", "theme-t", "plan-p", "strategy-b", "act-a"]
    assert not nx.has_path(G, "act-a", "action-1")
