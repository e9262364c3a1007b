"""The two stores (graph/store.py): one suite run against each, then the same answers from both.

As pyoxigraph's own tests run one abstract suite against every backend, :class:`StoreSuite`
holds the checks and ``TestRdflib`` / ``TestOxigraph`` run it. ``test_same_answers`` then compares
every list, show, query, coverage, why and impact answer of the two stores on the real data.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from graph.answers import coverage as cv
from graph.answers import queries as Q
from graph.store import local as S
from graph.answers import why as w
from graph.answers.catalog import LIST_TYPES
from graph.core.errors import UsageError
from graph.core.namespace import DEFAULT_BASE
from graph.core.pipeline import build_graph
from graph.core.view import view_json

from .conftest import DATA
from .test_queries import EXPECTED, SMALL

NAMED = Q.load_named()


def oxigraph_backend(data_dir: Path, built=None) -> S.OxigraphBackend:
    return S.OxigraphBackend(S.ensure_cache(data_dir, DEFAULT_BASE, built))


@pytest.fixture(scope="module")
def small_built():
    return build_graph(SMALL, check=False)


class StoreSuite:
    """Checks every store must pass; subclasses provide the ``be`` fixture on tests/fixtures/small."""

    @pytest.fixture()
    def be(self, small_built) -> S.Backend:  # pragma: no cover - overridden
        raise NotImplementedError

    @pytest.mark.parametrize("name", sorted(EXPECTED))
    def test_named_query(self, be, name):
        params, cols, rows = EXPECTED[name]
        q = NAMED[name]
        res = be.run(q.text, Q.bind_params(q, params), q.where)
        assert res.columns == cols
        assert [tuple(r[c] for c in cols) for r in res.rows] == rows

    def test_parameter_with_sparql_syntax_is_a_plain_literal(self, be):
        q = NAMED["what-drives"]
        assert be.run(q.text, Q.bind_params(q, {"action": 'x" } ; DROP ALL ; #'})).rows == []
        assert be.run("ASK { ?s ?p ?o }").rows == [{"ask": True}]  # nothing was dropped

    def test_ad_hoc_select_ask_and_errors(self, be):
        res = be.run("SELECT ?id WHERE { ?d a dg:Driver ; dcterms:identifier ?id } ORDER BY ?id")
        assert res.columns == ["id"] and "act-a" in [r["id"] for r in res.rows]
        assert be.run("ASK { ?d a dg:Plan }").rows == [{"ask": True}]
        with pytest.raises(UsageError, match="line 1, column"):
            be.run("SELECT ?x WHERE { ?x ?y }")
        with pytest.raises(UsageError, match="only SELECT and ASK"):
            be.run("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")

    def test_list_show_and_coverage(self, be):
        cat = be.catalog()
        assert {r["id"] for r in cat.list("plans")} >= {"plan-p", "plan-s", "plan-x"}
        rec = cat.show("plan-p")
        assert rec["id"] == "plan-p" and rec["type"] == "Plan"
        assert {(lk["rel"], lk["target"]["id"]) for lk in rec["links"] if lk["direction"] == "out"} >= \
            {("drivenBy", "strategy-b"), ("ledBy", "board-c")}
        cov = cv.coverage(be.graph(), "uncrc")
        assert "plan-p" in [r.id for r in cov.rows]

    def test_why_and_impact(self, be):
        G = be.why_graph()
        ans = w.why(G, "action-1", None, be.documents())
        assert {"plan-p", "strategy-b", "act-a", "board-c", "group-n", "fund-f"} <= set(ans.reached)
        assert "old-strategy" not in ans.reached  # supersedes is not followed
        down = w.impact(G, "act-a", None, be.documents())
        assert {"strategy-b", "plan-p", "action-1", "action-2"} <= set(down.reached)

    def test_nx_view_is_the_built_one(self, be, small_built):
        G = be.nx()
        assert sorted(G.nodes(data=True)) == sorted(small_built.nx.nodes(data=True))
        assert sorted((u, v, k) for u, v, k in G.edges(keys=True)) == \
            sorted((u, v, k) for u, v, k in small_built.nx.edges(keys=True))


class TestRdflib(StoreSuite):
    @pytest.fixture()
    def be(self, small_built):
        return S.MemoryBackend(lambda: small_built)


class TestOxigraph(StoreSuite):
    @pytest.fixture()
    def be(self, small_built):
        return oxigraph_backend(SMALL, small_built)


# -- the same answers from both stores, on the real data -------------------------------------------

def answers(be: S.Backend) -> dict:
    """Every read answer the CLI gives, as plain data."""
    out: dict = {}
    cat = be.catalog()
    for t in LIST_TYPES:
        out[f"list {t}"] = cat.list(t)
    for year in cat.editions():
        out[f"list drivers {year}"] = cat.list("drivers", year)
    ids = sorted(r["id"] for t in ("drivers", "plans", "groups", "themes", "articles", "partnerships")
                 for r in out[f"list {t}"])
    ids += sorted(r["id"] for r in out["list actions"])[::7]
    for i in ids:
        out[f"show {i}"] = cat.show(i)
    out["show 4.4"] = cat.show("4.4")
    params = {"what-drives": {"action": "nl-neglect-ap-a1"}, "driven-by": {"driver": "promise-plan-2021-24"},
              "expiring": {"before": "2025"}, "actions-by-lead": {"lead": "neglect"},
              "partnership-drivers": {"partnership": "north-lanarkshire"}, "drivers-by-category": {"year": "2023"}}
    for name, q in NAMED.items():
        res = be.run(q.text, Q.bind_params(q, params.get(name, {})), q.where)
        out[f"query {name}"] = (res.columns, res.rows)
    for fw in cv.FRAMEWORKS:
        out[f"coverage {fw}"] = cv.matrix(cv.coverage(be.graph(), fw))
    G, docs = be.why_graph(), be.documents()
    for a in sorted(r["id"] for r in out["list actions"])[::5]:
        out[f"why {a}"] = w.as_json(G, w.why(G, a, None, docs))
    for d in ("promise-plan-2021-24", "cyp-act-2014", "nl-continuous-improvement-group"):
        out[f"impact {d}"] = w.as_json(G, w.impact(G, d, None, docs), key="reached", head="driver")
    return out


def test_same_answers_on_the_real_data(real_built):
    mem = answers(S.MemoryBackend(lambda: real_built))
    ox_backend = oxigraph_backend(DATA, real_built)
    assert ox_backend.catalog()._direct is not None  # the listings asked Oxigraph itself, not through oxrdflib
    ox = answers(ox_backend)
    assert mem.keys() == ox.keys()
    differ = [k for k in mem if mem[k] != ox[k]]
    assert differ == []
    assert len(mem["list actions"]) > 300  # the comparison covered the real graph, not an empty one
    assert sum(bool(v["drivers"]) for k, v in mem.items() if k.startswith("why ")) > 30


# -- the cache ---------------------------------------------------------------------------------------

def test_cache_is_reused_and_rebuilt_only_when_the_data_changes(tiny_copy: Path, tmp_path: Path, monkeypatch):
    monkeypatch.setenv("DRIVERS_CACHE_DIR", str(tmp_path / "cache"))
    first = S.ensure_cache(tiny_copy, DEFAULT_BASE)
    assert first.parent == tmp_path / "cache"
    stamp = (first / "view.json").stat().st_mtime_ns
    assert S.ensure_cache(tiny_copy, DEFAULT_BASE) == first
    assert (first / "view.json").stat().st_mtime_ns == stamp  # not rewritten
    assert S.ensure_cache(tiny_copy, "https://example.org/other/") != first  # another base, another graph
    plan = tiny_copy / "plan.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("Review the neglect toolkit\"",
                                                             "Review the neglect toolkit again\""),
                    encoding="utf-8")
    second = S.ensure_cache(tiny_copy, DEFAULT_BASE)
    assert second != first
    titles = {r["id"]: r["title"] for r in S.OxigraphBackend(second).catalog().list("actions")}
    assert titles["action-1"] == "Review the neglect toolkit again"


def test_interrupted_build_leaves_no_cache(tiny_copy: Path, tmp_path: Path, monkeypatch):
    monkeypatch.setenv("DRIVERS_CACHE_DIR", str(tmp_path / "cache"))

    def boom(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr(S, "view_from_pairs", boom)
    with pytest.raises(KeyboardInterrupt):
        S.ensure_cache(tiny_copy, DEFAULT_BASE)
    # neither the entry nor its temporary folder (the file digests of the fingerprint may stay)
    assert [p for p in (tmp_path / "cache").iterdir() if p.name != S.DIGESTS] == []
    monkeypatch.undo()
    monkeypatch.setenv("DRIVERS_CACHE_DIR", str(tmp_path / "cache"))
    assert (S.ensure_cache(tiny_copy, DEFAULT_BASE) / "meta.json").exists()


def test_old_entries_are_pruned(tmp_path: Path):
    for i in range(S.KEEP + 3):
        d = tmp_path / f"entry{i:02d}"
        d.mkdir()
        os.utime(d, (1_000_000 + i, 1_000_000 + i))
    S._prune(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"entry{i:02d}" for i in range(3, S.KEEP + 3)]


def test_unwritable_cache_is_a_clear_error(tiny_copy: Path, tmp_path: Path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("DRIVERS_CACHE_DIR", str(blocker / "cache"))
    r = CliRunner().invoke(main, ["--data", str(tiny_copy), "list", "plans"])
    assert r.exit_code == 2
    assert "cannot write the store cache" in r.output and "--store rdflib" in r.output
    assert "Traceback" not in r.output


def test_cli_store_option_gives_the_same_output(tiny_copy: Path):
    def run(store: str, *args: str) -> str:
        r = CliRunner().invoke(main, ["--data", str(tiny_copy), "--store", store, *args], catch_exceptions=False)
        assert r.exit_code == 0, r.output
        return r.output
    for args in (["why", "action-1", "--format", "json"], ["list", "actions", "--format", "json"],
                 ["show", "plan-p", "--format", "json"], ["query", "what-drives", "-p", "action=action-1",
                                                          "--format", "json"],
                 ["coverage", "--format", "csv"], ["metrics", "--format", "json"], ["impact", "act-a"]):
        ox, mem = run("oxigraph", *args), run("rdflib", *args)
        assert ox == mem, args
        assert ox.strip()
    assert json.loads(run("oxigraph", "why", "action-1", "--format", "json"))["drivers"]


def test_why_does_not_import_networkx_or_rdflib_with_a_warm_cache(tiny_copy: Path):
    """The fast start: `drivers why` on the cached view imports neither NetworkX nor rdflib."""
    import subprocess
    import sys
    env = {**os.environ}
    code = ("import sys; from cli import main\n"
            "try:\n    main(['--data', sys.argv[1], 'why', 'action-1'])\n"
            "except SystemExit:\n    pass\n"
            "print('LOADED', sorted(m for m in ('networkx', 'rdflib', 'pyshacl', 'yaml') if m in sys.modules))")
    for _ in range(2):  # the first run builds the cache
        out = subprocess.run([sys.executable, "-c", code, str(tiny_copy)], capture_output=True, text=True, env=env,
                             cwd=Path(__file__).resolve().parent.parent, check=True).stdout
    assert "LOADED []" in out, out


@pytest.mark.parametrize("which", ["small", "real", "synthetic"])
def test_view_read_from_oxigraph_equals_the_networkx_view(which, real_built, small_built, tmp_path: Path):
    """The cache's view is read from Oxigraph, not built with rdflib + NetworkX: it must be identical."""
    from graph.core import synth
    if which == "synthetic":  # several partnerships' editions number the same national drivers
        data_dir = tmp_path / "synth"
        synth.write(data_dir, synth.generate(3, editions=2, actions=20))
        built = build_graph(data_dir, check=False)
    else:
        data_dir, built = (SMALL, small_built) if which == "small" else (DATA, real_built)
    be = oxigraph_backend(data_dir)  # built from the YAML by the fast route
    assert be._load_view() == json.loads(json.dumps(view_json(built.nx)))


@pytest.mark.parametrize("which", ["small", "synthetic"])
def test_the_why_index_answers_as_the_whole_view(which, small_built, tmp_path: Path):
    """``why`` and ``impact`` on the cache read the index (why.sqlite) node by node: every answer — by id,
    by phrase, ambiguous, not found, within a partnership, a driver's number refused — equals the one on
    the whole view (LiteGraph over view.json), in JSON and as trees."""
    from graph.core import synth
    from graph.core.errors import DriversError
    from graph.core.view import LiteGraph
    if which == "synthetic":
        data_dir = tmp_path / "synth"
        synth.write(data_dir, synth.generate(3, editions=2, actions=12))
    else:
        data_dir = SMALL
    be = oxigraph_backend(data_dir)
    whole, docs = LiteGraph(be._load_view()), be.documents()
    assert isinstance(be.why_graph(), S.IndexGraph)

    def answer(G, fn, *args):
        try:
            ans = fn(G, *args, docs)
        except DriversError as exc:
            return type(exc).__name__, str(exc), getattr(exc, "candidates", None)
        reverse = fn is w.impact
        return (w.as_json(G, ans, *(("reached", "driver") if reverse else ())),
                w.as_tree(G, ans, reverse=reverse), w.as_tree(G, ans, reverse=reverse, markdown=True))

    actions = sorted(n for n, d in whole.nodes(data=True) if d["type"] == "Action")
    drivers = sorted(n for n, d in whole.nodes(data=True) if d["type"] == "Driver")
    parts = sorted(n for n, d in whole.nodes(data=True) if d["type"] == "Partnership")
    texts = [whole.nodes[a].get("text") or whole.nodes[a]["title"] for a in actions[::3]]
    numbers = sorted({d["number"] for _, d in whole.nodes(data=True) if d.get("number")})[:3]
    asks = [(w.why, a, None) for a in actions] + [(w.why, t, None) for t in texts]
    asks += [(w.why, t[: len(t) // 2], p) for t in texts for p in (None, *parts[:2])]
    asks += [(w.why, q, None) for q in ("no such words here at all", "", "review", *numbers, "nowhere-id")]
    asks += [(w.why, actions[0], "no-such-partnership")]
    asks += [(w.impact, d, p) for d in drivers for p in (None, *parts[:1])] + [(w.impact, "no-such-driver", None)]
    assert len(asks) > 30
    for fn, q, p in asks:
        fresh = be.why_graph()  # a new index graph each time: nothing read before helps it
        assert answer(fresh, fn, q, p) == answer(whole, fn, q, p), (fn.__name__, q, p)


def test_fingerprint_reads_only_changed_files_and_gives_the_same_answer(tiny_copy: Path, tmp_path: Path,
                                                                          monkeypatch):
    """The fingerprint's per-file digests are remembered by stat: a second run reads no data file,
    a changed file is read again and changes the fingerprint, a damaged memo is only slower."""
    import os
    import time as _time
    monkeypatch.setenv("DRIVERS_CACHE_DIR", str(tmp_path / "cache"))
    old = _time.time() - 60
    for f in tiny_copy.rglob("*.yaml"):
        os.utime(f, (old, old))  # older than the racy window, so their digests are remembered
    first = S.fingerprint(tiny_copy, DEFAULT_BASE)
    reads: list = []
    real = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda self: reads.append(self) or real(self))
    assert S.fingerprint(tiny_copy, DEFAULT_BASE) == first
    assert not [p for p in reads if tiny_copy in p.parents]
    f = sorted(tiny_copy.rglob("*.yaml"))[0]
    f.write_text(f.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    changed = S.fingerprint(tiny_copy, DEFAULT_BASE)
    assert changed != first and [p for p in reads if tiny_copy in p.parents] == [f]
    for memo in (tmp_path / "cache" / S.DIGESTS).glob("*.json"):
        memo.write_text("{not json", encoding="utf-8")
    assert S.fingerprint(tiny_copy, DEFAULT_BASE) == changed
    import shutil
    shutil.rmtree(tmp_path / "cache")
    assert S.fingerprint(tiny_copy, DEFAULT_BASE) == changed  # no memo at all: the same answer


def _lists(g) -> dict:
    """Every listing of the catalog (every edition's drivers too) and the page's data, read from ``g``."""
    from graph.answers.catalog import Catalog
    from graph.web import page
    cat = Catalog(g)
    out = {t: cat.list(t) for t in LIST_TYPES}
    out.update({("drivers", y): cat.list("drivers", edition=y) for y in cat.editions()})
    return out


@pytest.mark.parametrize("which", ["small", "real", "synthetic"])
def test_the_builds_in_memory_scans_answer_as_the_store(which, real_built, small_built, tmp_path: Path):
    """``drivers build`` reads the catalog CSVs' columns and the page's scans from its quads in memory
    (``Scanned``), the read commands from the store (``Direct``): every listing and the page's data agree."""
    from graph.core import synth
    from graph.web import page
    if which == "synthetic":  # several partnerships, editions numbering the same national drivers
        data_dir = tmp_path / "synth"
        synth.write(data_dir, synth.generate(3, editions=2, actions=20))
        built = build_graph(data_dir, check=False)
    else:
        data_dir, built = (SMALL, small_built) if which == "small" else (DATA, real_built)
    stored = oxigraph_backend(data_dir).graph()
    scanned = oxigraph_backend(data_dir).graph()
    scanned.store.direct = S.Scanned(scanned.store.direct.store, built.quads)
    assert type(stored.store.direct) is S.Direct
    expected = _lists(stored)
    assert sum(len(rows) for rows in expected.values()) > 20
    assert _lists(scanned) == expected
    assert page.page_data(built.graph_view, scanned) == page.page_data(built.graph_view, stored)


def test_a_column_with_several_values_lists_the_same_on_every_reader():
    """Where a path reaches several values (two titles, two leads, a source with two ids), the listing
    takes the smallest by its text whichever reader answers: the store's query, the build's scans, rdflib."""
    import pyoxigraph as ox
    from rdflib import Literal, URIRef
    from graph.answers.catalog import Catalog
    from graph.core.namespace import DG
    from graph.core.rdf import Quads
    from rdflib.namespace import DCTERMS, RDF
    q = Quads()
    g1, g2 = q.graph(URIRef("urn:g:1")), q.graph(URIRef("urn:g:2"))
    a, b, src = URIRef("urn:x:a"), URIRef("urn:x:b"), URIRef("urn:x:src")
    for g, lead, title in ((g1, "Zed group", "Second title"), (g2, "Alpha group", "A first title")):
        g.add((a, RDF.type, DG.Action))
        g.add((a, DCTERMS.identifier, Literal("act-a")))
        g.add((a, DCTERMS.title, Literal(title)))
        g.add((a, DG.lead, Literal(lead)))
    g1.add((a, DG.describedIn, src))
    g1.add((src, DCTERMS.identifier, Literal("src-2")))
    g2.add((src, DCTERMS.identifier, Literal("src-10")))
    g1.add((b, RDF.type, DG.Action))
    g1.add((b, DCTERMS.identifier, Literal("act-b")))  # no title: not listed by any reader
    store = ox.Store()
    store.bulk_load(input=S.ntriples(q.triples()).encode(), format=ox.RdfFormat.N_TRIPLES)
    stored = S.oxigraph_graph(store)
    scanned = S.oxigraph_graph(store)
    scanned.store.direct = S.Scanned(store, q)
    rows = Catalog(stored).list("actions")
    assert [(r["id"], r["title"], r["lead"], r["source"]) for r in rows] == \
        [("act-a", "A first title", "Alpha group", "src-10")]
    assert Catalog(scanned).list("actions") == rows
    assert Catalog(q.union()).list("actions") == rows


# -- listings kept in the cache entry ------------------------------------------------------------------

def _every_listing(be) -> dict:
    """(type, edition) -> rows, for every type and every edition's drivers, through ``be.listing``."""
    out = {(t, None): be.listing(t) for t in LIST_TYPES}
    out.update({("drivers", y): be.listing("drivers", y) for y in be.catalog().editions()})
    return out


def test_every_listing_is_kept_in_the_entry_and_read_back_the_same(real_built, tmp_path: Path, monkeypatch):
    """The first listing of each type is worked out from the store and kept; a later one is read back
    (without opening the store) and equals the catalog's rows, ints, lists and None included."""
    from graph.answers.catalog import Catalog
    monkeypatch.setenv("DRIVERS_CACHE_DIR", str(tmp_path / "cache"))
    entry = S.ensure_cache(DATA, DEFAULT_BASE, real_built)
    first = _every_listing(S.OxigraphBackend(entry))
    kept = sorted(p.name for p in (entry / S.LISTINGS).iterdir())
    assert len(kept) == len(first) and "actions.json" in kept
    fresh = Catalog(S.OxigraphBackend(entry).graph())
    for (t, y), rows in first.items():
        assert rows == fresh.list(t, y), (t, y)
    again = S.OxigraphBackend(entry)
    for (t, y), rows in first.items():
        if t == "drivers" and y is not None:
            continue  # editions() opens the store; the rows are compared below
        assert again.listing(t, y) == rows
    assert again._store is None and again._graph is None  # read back, the store never opened
    assert [again.listing("drivers", y) for (t, y) in first if t == "drivers"] == \
        [rows for (t, y), rows in first.items() if t == "drivers"]
    assert any(isinstance(r.get("number"), int) for r in first[("articles", None)])
    assert any(r.get("clusters") for r in first[("articles", None)])
    assert any(r.get("number") is None for r in first[("drivers", None)])


@pytest.mark.parametrize("damage", ["truncated", "an object", "rows not objects", "empty"])
def test_a_damaged_kept_listing_is_worked_out_again(damage, tiny_copy: Path, tmp_path: Path, monkeypatch):
    monkeypatch.setenv("DRIVERS_CACHE_DIR", str(tmp_path / "cache"))
    entry = S.ensure_cache(tiny_copy, DEFAULT_BASE)
    rows = S.OxigraphBackend(entry).listing("actions")
    assert rows
    path = entry / S.LISTINGS / "actions.json"
    text = path.read_text(encoding="utf-8")
    path.write_text({"truncated": text[: len(text) // 2], "an object": '{"rows": []}',
                     "rows not objects": "[1, 2]", "empty": ""}[damage], encoding="utf-8")
    assert S.OxigraphBackend(entry).listing("actions") == rows
    assert json.loads(path.read_text(encoding="utf-8")) == rows  # and kept again, whole


def test_a_listing_answers_where_the_entry_cannot_be_written_to(tiny_copy: Path, tmp_path: Path, monkeypatch):
    """A read-only shared cache: the listing is worked out each time, nothing is left half-written."""
    monkeypatch.setenv("DRIVERS_CACHE_DIR", str(tmp_path / "cache"))
    entry = S.ensure_cache(tiny_copy, DEFAULT_BASE)
    (entry / S.LISTINGS).write_text("a file where the folder would go")
    expected = S.OxigraphBackend(entry).catalog().list("plans")
    assert S.OxigraphBackend(entry).listing("plans") == expected
    assert (entry / S.LISTINGS).read_text() == "a file where the folder would go"
    assert not list(entry.glob("**/*.partial"))


@pytest.mark.parametrize("name", ["../../outside", "actions/../../x", "/tmp/x", "Actions", "actions.json", ""])
def test_a_listing_name_never_reaches_outside_the_entry(name, tiny_copy: Path, tmp_path: Path, monkeypatch):
    monkeypatch.setenv("DRIVERS_CACHE_DIR", str(tmp_path / "cache"))
    entry = S.ensure_cache(tiny_copy, DEFAULT_BASE)
    before = sorted(p for p in tmp_path.rglob("*"))
    with pytest.raises(UsageError):
        S.OxigraphBackend(entry).listing(name)
    S.Listings(entry).put(name, None, [{"id": "x"}])
    assert S.Listings(entry).get(name) is None
    assert sorted(p for p in tmp_path.rglob("*")) == before


def test_build_keeps_its_listings_and_list_reads_them_without_rdflib(tiny_copy: Path, tmp_path: Path):
    """``drivers build`` keeps the listings its CSVs made; ``drivers list`` then answers from them,
    importing neither rdflib nor pyoxigraph, with the output the rdflib store gives."""
    import subprocess
    import sys
    env = {**os.environ, "DRIVERS_CACHE_DIR": str(tmp_path / "cache")}
    root = Path(__file__).resolve().parent.parent
    subprocess.run([sys.executable, "-m", "cli", "--data", str(tiny_copy), "build", "--out", str(tmp_path / "out"),
                    "--quiet"], env=env, cwd=root, check=True, capture_output=True)
    kept = sorted(p.name for p in (tmp_path / "cache").glob(f"*/{S.LISTINGS}/*.json"))
    assert "actions.json" in kept and "drivers.json" in kept
    code = ("import sys; from cli import main\n"
            "try:\n    main(['--data', sys.argv[1], 'list', 'actions', '--format', 'json'])\n"
            "except SystemExit:\n    pass\n"
            "print('LOADED', sorted(m for m in ('networkx', 'rdflib', 'pyoxigraph', 'yaml') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code, str(tiny_copy)], capture_output=True, text=True, env=env,
                         cwd=root, check=True).stdout
    rows, _, loaded = out.rpartition("LOADED")
    assert loaded.strip() == "[]", loaded
    r = CliRunner().invoke(main, ["--data", str(tiny_copy), "--store", "rdflib", "list", "actions", "--format", "json"],
                           catch_exceptions=False)
    assert json.loads(rows) == json.loads(r.output) and json.loads(rows)


def test_build_keeps_no_listing_in_an_entry_of_files_changed_since_it_loaded(tiny_copy: Path, tmp_path: Path,
                                                                             monkeypatch):
    """Files saved while ``drivers build`` ran: the entry holds the newer files, so the build's own
    listings (of the files it loaded) are not kept in it, and its CSVs are read from what it loaded."""
    from types import SimpleNamespace
    from graph.commands.build import _store_graph
    monkeypatch.setenv("DRIVERS_CACHE_DIR", str(tmp_path / "cache"))
    b = build_graph(tiny_copy, check=False)
    obj = SimpleNamespace(data_dir=tiny_copy, base=DEFAULT_BASE, built_version="0" * 32)  # not the files' now
    graph, entry = _store_graph(obj, b)
    assert entry is None and graph is b.union
    obj.built_version = S.fingerprint(tiny_copy, DEFAULT_BASE)
    graph, entry = _store_graph(obj, b)
    assert entry is not None and entry.name == obj.built_version and graph is not b.union


def test_an_entry_made_from_a_build_holds_the_view_one_made_from_the_files_does(real_built, tmp_path: Path,
                                                                                 monkeypatch):
    """``drivers build`` hands the cache its view as it is (no NetworkX round trip); a read command
    makes the entry from the files: the two entries' view and why index are the same."""
    import sqlite3
    entries = []
    for name, built in (("from-build", real_built), ("from-files", None)):
        monkeypatch.setenv("DRIVERS_CACHE_DIR", str(tmp_path / name))
        version = S.fingerprint(DATA, DEFAULT_BASE)
        entries.append(S.ensure_cache(DATA, DEFAULT_BASE, built, built_version=version if built else None))
    a, b = entries
    assert (a / "view.json").read_bytes() == (b / "view.json").read_bytes()
    rows = [sqlite3.connect(e / S.INDEX).execute("SELECT * FROM nodes UNION ALL SELECT pos, u || ' ' || v, attrs "
                                                 "FROM edges").fetchall() for e in entries]
    assert rows[0] == rows[1] and len(rows[0]) > 1000
