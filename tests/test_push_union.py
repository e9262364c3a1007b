"""`drivers push` to a server whose default graph is the union of its named graphs (issue 16, item 4),
against real `oxigraph serve` processes started with and without --union-default-graph.

On such a server a pushed <base>graph/union would make every triple count twice for a query that
names no graph, so push finds out (a probe triple) and leaves the union graph out; the read
commands then use the server's default graph. Both ways the answers equal the local store's.
"""

from __future__ import annotations

import json
import re
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from graph.core.namespace import DEFAULT_BASE

from .conftest import DATA, TINY
from .test_server import cli, oxigraph_server

UNION = f"{DEFAULT_BASE}graph/union"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
READS = [
    ["why", "nl-neglect-ap-a1", "--format", "json"],
    ["why", "human and economic cost modelling", "--format", "json"],
    ["why", "nl-neglect-task-group"],
    ["list", "actions", "--format", "json"],
    ["list", "drivers", "--edition", "2023", "--format", "json"],
    ["query", "what-drives", "-p", "action=nl-neglect-ap-a1", "--format", "json"],
    ["query", "drivers-by-category", "-p", "year=2023", "--format", "json"],
    ["query", "orphans", "--format", "json"],
    ["sparql", COUNT, "--format", "json"],
]


def raw(url: str, query: str, default_graph: str | None = None) -> dict:
    """A query as a plain SPARQL client sends it (no default-graph-uri unless given)."""
    form = {"query": query, **({"default-graph-uri": default_graph} if default_graph else {})}
    req = urllib.request.Request(url, data=urllib.parse.urlencode(form).encode(),
                                 headers={"Accept": "application/sparql-results+json",
                                          "Content-Type": "application/x-www-form-urlencoded"})
    with urllib.request.urlopen(req, timeout=60) as r:  # loopback: the test's own server
        return json.loads(r.read())


def count(url: str, default_graph: str | None = None) -> int:
    return int(raw(url, COUNT, default_graph)["results"]["bindings"][0]["n"]["value"])


def graph_sizes(url: str) -> dict[str, int]:
    res = raw(url, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    return {b["g"]["value"]: int(b["n"]["value"]) for b in res["results"]["bindings"]}


def local_triples(data: Path = DATA) -> int:
    r = cli("stats", "--format", "json", data=data)
    assert r.exit_code == 0, r.output
    return json.loads(r.output)["triples"]


@pytest.fixture(scope="module", params=[False, True], ids=["own-default-graph", "union-default-graph"])
def pushed(request, tmp_path_factory):
    """(query URL, whether the server was started with --union-default-graph, push's output)."""
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph"), union_default_graph=request.param) as url:
        r = cli("push", "--endpoint", url)
        assert r.exit_code == 0, r.output
        yield url, request.param, r.output


def test_push_says_which_way_it_pushed(pushed):
    url, union, out = pushed
    assert out.startswith("Pushed 11 named graphs")
    assert ("whose default graph is the union of its named graphs: no union graph pushed" in out) is union
    assert ("and the union graph" in out) is not union
    assert (UNION in graph_sizes(url)) is not union


def test_no_triple_counts_twice(pushed):
    """The count a plain client gets (from the default graph on a union server, from the union graph
    on the other) and the count through `drivers --endpoint` are the local store's `stats` triples."""
    url, union, _ = pushed
    n = local_triples()
    assert n > 10_000
    assert count(url, None if union else UNION) == n
    r = cli("--endpoint", url, "sparql", COUNT, "--format", "json")
    assert r.exit_code == 0, r.output
    assert int(json.loads(r.output)[0]["n"]) == n
    if not union:
        assert count(url) == 0  # its own default graph: nothing there


@pytest.mark.parametrize("args", READS, ids=lambda a: " ".join(a)[:40])
def test_reads_equal_local(pushed, args):
    url, _, _ = pushed
    local = cli("--store", "rdflib", *args)
    remote = cli("--endpoint", url, *args)
    assert local.exit_code == remote.exit_code == 0, remote.output
    assert remote.output == local.output
    assert remote.output.strip() not in ("", "[]")


def test_repush_is_idempotent(pushed):
    url, _, out = pushed
    before = graph_sizes(url)
    r = cli("push", "--endpoint", url)
    assert r.exit_code == 0, r.output
    assert r.output == re.sub(r"; removed the union graph of an earlier push", "", out)  # nothing to remove
    assert "removed" not in r.output
    assert graph_sizes(url) == before
    assert not any("_push-probe" in g for g in before)  # the probe graph is deleted again


def test_an_option_that_contradicts_the_server(pushed):
    url, union, _ = pushed
    before = graph_sizes(url)
    if union:  # --no-union-default-graph is obeyed (for clients that name the union graph), with a note
        r = cli("push", "--endpoint", url, "--no-union-default-graph")
        assert r.exit_code == 0, r.output
        assert f"and the union graph ({local_triples()} triples)" in r.stdout
        assert "every triple counts twice" in r.stderr and UNION in r.stderr
        assert count(url, UNION) == local_triples()
        local = cli("--store", "rdflib", *READS[0])
        assert cli("--endpoint", url, *READS[0]).output == local.output
        r = cli("push", "--endpoint", url)  # back: the union graph removed again
        assert "removed the union graph of an earlier push" in r.output
        assert count(url) == local_triples()
    else:  # --union-default-graph on a server that is not one: refused before anything is written
        r = cli("push", "--endpoint", url, "--union-default-graph", data=TINY)
        assert r.exit_code == 2, r.output
        assert "does not answer from the union of its named graphs" in r.output
        assert "nothing was pushed" in r.output and "oxigraph serve --union-default-graph" in r.output
        assert "Traceback" not in r.output
    assert graph_sizes(url) == before


@pytest.mark.parametrize("first", [False, True], ids=["own-then-union", "union-then-own"])
def test_the_server_changes_mode_between_pushes(tmp_path, first):
    """Pushed one way, restarted the other way: the reads still answer as locally (the union graph is
    named) or say to push again (exit 2); pushed again, the other way, all as locally."""
    local = cli("--store", "rdflib", *READS[0]).output
    with oxigraph_server(tmp_path, union_default_graph=first) as url:
        assert cli("push", "--endpoint", url, data=DATA).exit_code == 0
    with oxigraph_server(tmp_path, union_default_graph=not first) as url:
        r = cli("--endpoint", url, *READS[0])
        if first:  # pushed without a union graph; now the default graph is empty
            assert r.exit_code == 2, r.output
            assert "pushed without <" in r.output and "run 'drivers push --endpoint URL' again" in r.output
            assert "Traceback" not in r.output
        else:  # the union graph is still there and named: right answers (other clients double)
            assert r.exit_code == 0 and r.output == local
            assert count(url) == 2 * local_triples()
        r = cli("push", "--endpoint", url)
        assert r.exit_code == 0, r.output
        assert ("removed the union graph of an earlier push" in r.output) is (not first)
        assert cli("--endpoint", url, *READS[0]).output == local
        assert count(url, UNION if first else None) == local_triples()


def test_a_triple_stated_in_two_documents_counts_once_on_a_union_server(tmp_path):
    """Such a server counts a triple once per graph holding it: push keeps each in the first graph."""
    from graph.store import remote
    from graph.store.local import build_sink
    _, sink = build_sink(TINY, DEFAULT_BASE)
    graphs = {str(n): list(t) for n, t in sink.graphs.items()}
    first, second = sorted(graphs)[:2]
    graphs[second].append(graphs[first][0])  # the same triple in a second document's graph
    distinct = len({t for ts in graphs.values() for t in ts})
    with oxigraph_server(tmp_path, union_default_graph=True) as url:
        n = remote.push_graphs(url, remote.graph_store_url(url), DEFAULT_BASE, graphs)
        assert n["union_default_graph"] and n["shared_triples"] == 1
        assert count(url) == distinct == n["triples"]
        sizes = graph_sizes(url)
        assert sizes[second] == len(set(graphs[second])) - 1 and sizes[first] == len(set(graphs[first]))
        n = remote.push_graphs(url, remote.graph_store_url(url), DEFAULT_BASE, graphs, union_default=False)
        assert count(url, UNION) == distinct  # the union graph: a set


def test_a_server_nothing_was_pushed_to_says_push_first(tmp_path):
    with oxigraph_server(tmp_path, union_default_graph=True) as url:
        r = cli("--endpoint", url, "list", "plans")
        assert r.exit_code == 2, r.output
        assert "run 'drivers push --endpoint URL' first" in r.output and "Traceback" not in r.output
