"""graph.web.page without a browser: the page is self-contained, data is escaped, counts and layout hold."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

from cli import main
from graph.web import page as viz
from graph.answers import why as w
from graph.core.errors import NotFound, UsageError
from graph.publish.exports import all_exports

from .conftest import TINY

HOSTILE = "</script><img src=x onerror=alert(1)>"


def data_of(page: str) -> dict:
    """The page's data, with each citation number unpacked into ``source`` and ``section``."""
    m = re.search(r'<script id="graph-data" type="application/json">(.*?)</script>', page, re.S)
    data = json.loads(m.group(1))
    for row in data["nodes"] + data["edges"]:
        row["source"], row["section"] = data["cites"][row["c"]]
    return data


def edge(G, u, v, rel, source="doc"):
    G.add_edge(u, v, key=f"{rel}|{source}", rel=rel, source=source, section=f"{u} section")


def hostile_graph() -> nx.MultiDiGraph:
    G = nx.MultiDiGraph()
    G.add_node("p", type="Plan", title="A plan & its <b>aims</b>", source="doc", section="Intro", partnership="north")
    G.add_node("a", type="Action", title=HOSTILE, text="line\u2028sep\u2029end <!-- x --> & <script>alert(2)</script>",
               source="doc", section=HOSTILE)
    G.add_node("north", type="Partnership", title="North", source="doc", section="Cover")
    edge(G, "a", "p", "partOf")
    return G


# -- escaping --------------------------------------------------------------------------------------

def test_script_json_escapes_markup_characters_and_round_trips():
    obj = {"t": HOSTILE, "u": "a\u2028b\u2029c & <!-- -->"}
    text = viz.script_json(obj)
    for ch in "<>&\u2028\u2029":
        assert ch not in text
    assert "\\u003c/script\\u003e" in text
    assert json.loads(text) == obj


def test_hostile_text_never_appears_raw_in_the_page():
    page = viz.render(hostile_graph())
    assert HOSTILE not in page and "<script>alert(2)" not in page and "<b>aims" not in page
    # exactly three script elements open and close: the data, vis-network and the page script
    assert len(re.findall(r"<script\b", page.replace(viz.vis_script(), ""), re.I)) == 3
    assert len(re.findall(r"</script", page, re.I)) == 3
    assert "<!--" not in page  # would put the HTML parser in its "escaped" script state
    assert "<img" not in page.lower()
    assert data_of(page)["nodes"][0]["title"] == HOSTILE  # and it survives as text


def test_the_page_script_builds_the_panel_without_innerhtml():
    app = viz.asset("static/app.js")
    assert "innerHTML" not in app and "insertAdjacentHTML" not in app
    assert "document.write" not in app and "eval(" not in app


# -- self-contained ----------------------------------------------------------------------------------

def test_no_external_url_or_fetch_in_the_page(tiny_built):
    page = viz.render(tiny_built.nx, tiny_built.union)
    # the vis-network library's own text (licence comments, the SVG namespace) aside, nothing names a URL
    ours = page.replace(viz.vis_script(), "")
    assert not re.search(r"https?://", ours.replace("http://www.w3.org/2000/svg", ""))
    assert not re.search(r"<(link|iframe|img|object|embed)\b", page, re.I)
    assert not re.search(r"<script[^>]*\bsrc\s*=", page, re.I)
    assert not re.search(r"@import|url\(\s*['\"]?(https?:|//)", page, re.I)
    assert "cdn" not in ours.lower()
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1)
    assert "default-src 'none'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]


def test_vis_network_comes_from_the_installed_pyvis():
    js = viz.vis_script()
    assert "vis-network" in js[:300] and len(js) > 100_000
    assert "</script" not in js.lower() and "<!--" not in js


# -- content -------------------------------------------------------------------------------------------

def test_counts_legend_and_node_fields(tiny_built):
    G = tiny_built.nx
    data = data_of(viz.render(G, tiny_built.union))
    assert data["meta"]["nodes"] == len(data["nodes"]) == G.number_of_nodes()
    assert data["meta"]["edges"] == len(data["edges"]) == G.number_of_edges()
    by_type = {}
    for n in G.nodes:
        by_type[G.nodes[n]["type"]] = by_type.get(G.nodes[n]["type"], 0) + 1
    assert {t["name"]: t["count"] for t in data["types"]} == by_type
    assert all(t["color"].startswith("#") and t["shape"] for t in data["types"])
    nodes = {n["id"]: n for n in data["nodes"]}
    assert nodes["strategy-b"]["number"] == "2.1" and nodes["strategy-b"]["category"] == "local"
    assert nodes["strategy-b"]["summary"] == "A local strategy (see 1.1)."
    assert nodes["strategy-b"]["tier"] == 1 and nodes["act-a"]["tier"] == 0 and nodes["action-1"]["tier"] == 5
    assert nodes["action-1"]["in"] == [n["id"] for n in data["nodes"]].index("theme-t")  # folds into its theme
    assert nodes["action-1"]["source"] == "src-plan" and nodes["action-1"]["section"] == "Action plan > row 1"
    assert nodes["action-1"]["partnership"] == "north"  # by its partOf chain
    assert data["documents"]["src-plan"] == "Children's Services Plan annual report"
    assert {c["name"]: c["count"] for c in data["categories"]} == {"governance": 1, "local": 1, "national": 1}
    assert [p["title"] for p in data["partnerships"]] == ["North Partnership", "National / no partnership"]


def test_links_carry_their_family_and_direction(tiny_built):
    data = data_of(viz.render(tiny_built.nx, tiny_built.union))
    fams = {rel: f for f, spec in data["families"].items() for rel in spec["rels"]}
    assert all(e["rel"] in fams for e in data["edges"])  # every relation has a family (and so a legend entry)
    assert set(w.UP_RELS) <= set(data["reversed"])  # "is driven by" is drawn from the driver to what it drives
    assert "seeAlso" not in data["reversed"] and "supersedes" not in data["reversed"]
    assert data["upRels"] == list(w.UP_RELS)


def test_edition_numbers_and_unknown_edition(tiny_built):
    data = data_of(viz.render(tiny_built.nx, tiny_built.union, edition=2023))
    assert data["meta"]["edition"] == 2023
    with pytest.raises(NotFound):
        viz.render(tiny_built.nx, tiny_built.union, edition=1999)


# -- selecting what to draw ----------------------------------------------------------------------------

def test_select_by_types_partnership_and_focus(tiny_built):
    G = tiny_built.nx
    assert set(viz.select(G, types=["plan,Action"])) == {"plan-p", "action-1"}
    with pytest.raises(UsageError, match="unknown node type"):
        viz.select(G, types=["Plans"])
    assert "act-a" in viz.select(G, partnership="north")  # national nodes stay
    with pytest.raises(UsageError, match="unknown partnership"):
        viz.select(G, partnership="south")
    assert set(viz.select(G, focus="board-c", depth=1)) == {"board-c", "plan-p"}
    # an action keeps its whole chain of drivers even beyond the depth
    assert {"act-a", "strategy-b", "board-c"} <= set(viz.select(G, focus="action-1", depth=1))
    with pytest.raises(NotFound):
        viz.select(G, focus="nope")
    with pytest.raises(UsageError, match="left out"):
        viz.select(G, focus="act-a", types=["Action"])


def test_resolve_ids_and_numbers(tiny_built):
    assert viz.resolve(tiny_built.nx, tiny_built.union, "4.1") == "board-c"
    assert viz.resolve(tiny_built.nx, tiny_built.union, "plan-p") == "plan-p"
    with pytest.raises(NotFound, match="did you mean"):
        viz.resolve(tiny_built.nx, tiny_built.union, "plan-q")


# -- layout and determinism ------------------------------------------------------------------------------

def star_and_chain() -> nx.MultiDiGraph:
    G = nx.MultiDiGraph()
    for i in range(40):
        G.add_node(f"a{i:02d}", type="Action", title=f"Action {i}")
        G.add_node("hub", type="Theme", title="Hub")
        edge(G, f"a{i:02d}", "hub", "partOf")
    for i in range(5):
        G.add_node(f"c{i}", type="Driver", title=f"Driver {i}", category="national" if i < 3 else "local")
        if i:
            edge(G, f"c{i}", f"c{i - 1}", "drivenBy")
    G.add_node("plan", type="Plan", title="Plan")
    edge(G, "hub", "plan", "partOf")
    edge(G, "plan", "c4", "drivenBy")
    G.add_node("lonely", type="UNCRCArticle", title="Article 1")
    return G


def check_layout(G, pos):
    """Whole pixels, no two nodes in one place, tiers in order left to right, frameworks below."""
    from graph.web.layout import FRAMEWORKS, tier_of

    assert set(pos) == set(G.nodes)
    assert all(isinstance(x, int) and isinstance(y, int) for x, y in pos.values())
    assert len(set(pos.values())) == len(pos)
    tiers: dict[int, list] = {}
    for n, p in pos.items():
        tiers.setdefault(tier_of(G.nodes[n]), []).append(p)
    main = sorted(t for t in tiers if t != FRAMEWORKS)
    for a, b in zip(main, main[1:]):
        assert max(x for x, _ in tiers[a]) < min(x for x, _ in tiers[b]), (a, b)
    if FRAMEWORKS in tiers:
        others = [p for t in main if t != 5 for p in tiers[t]]
        assert min(y for _, y in tiers[FRAMEWORKS]) > max(y for _, y in others)


def test_layout_is_layered_in_whole_pixels():
    G = star_and_chain()
    check_layout(G, viz.layout(G))


def test_the_layout_of_the_real_and_a_synthetic_graph(real_built, tmp_path: Path):
    from graph.core import synth
    from graph.core.pipeline import build_graph

    check_layout(real_built.nx, viz.layout(real_built.nx))
    synth.write(tmp_path / "s", synth.generate(3, editions=1, actions=40, seed=2))
    G = build_graph(tmp_path / "s", check=False).nx
    check_layout(G, viz.layout(G))


def test_neighbours_sit_level_with_each_other():
    """Crossing reduction: each theme lies level with its own actions, and the themes' actions do not
    interleave (their rows come in the themes' order)."""
    G = nx.MultiDiGraph()
    for t in ("t-a", "t-b", "t-c"):
        G.add_node(t, type="Theme", title=t)
    owner = {}
    for i in range(30):  # actions named so that their own order mixes the three themes
        a = f"x{(i * 7) % 30:02d}"
        owner[a] = ("t-a", "t-b", "t-c")[i % 3]
        G.add_node(a, type="Action", title=a)
        edge(G, a, owner[a], "partOf")
    pos = viz.layout(G)
    for t in ("t-a", "t-b", "t-c"):
        ys = [pos[a][1] for a in owner if owner[a] == t]
        assert min(ys) <= pos[t][1] <= max(ys), t
    order = sorted(("t-a", "t-b", "t-c"), key=lambda t: pos[t][1])
    rows = [max(pos[a][1] for a in owner if owner[a] == t) for t in order]
    firsts = [min(pos[a][1] for a in owner if owner[a] == t) for t in order]
    assert all(rows[k] <= firsts[k + 1] for k in range(2))


def test_layout_of_empty_and_single_node_graphs():
    assert viz.layout(nx.MultiDiGraph()) == {}
    G = nx.MultiDiGraph()
    G.add_node("x", type="Plan", title="X")
    assert viz.layout(G) == {"x": (0, 0)}
    assert data_of(viz.render(G))["meta"]["nodes"] == 1
    assert data_of(viz.render(nx.MultiDiGraph()))["nodes"] == []


# -- labels and colours ----------------------------------------------------------------------------------

def test_labels_are_unique_and_say_what_the_node_is(real_built):
    data = data_of(viz.render(real_built.nx, real_built.union, edition=2023))
    for key in ("label", "brief"):
        labels = [(n.get(key) or n.get("label") or n["title"]).casefold() for n in data["nodes"]]
        assert len(set(labels)) == len(labels), key
    nodes = {n["id"]: n for n in data["nodes"]}
    # a driver by its number and the title this edition prints; an action by its own text
    assert nodes["promise-plan-2021-24"]["label"].startswith("1.17 The Promise")
    actions = [n for n in data["nodes"] if n["type"] == "Action" and n.get("text")]
    assert all((n.get("label") or n["title"])[:15] == " ".join(viz.action_words(n).split())[:15] for n in actions)
    # its own words: the title where the text holds it (no year heading before it), else the text
    assert nodes["nl-neglect-ap-a1"].get("label", nodes["nl-neglect-ap-a1"]["title"]).startswith("Identify and review")
    own = [n for n in actions if " ".join(n["title"].split()) not in " ".join(n["text"].split())]
    assert own and all(viz.action_words(n)[:15] == n["text"][:15] for n in own if not n["text"][:2].isdigit())
    assert max(len(n.get("brief") or n.get("label") or n["title"]) for n in data["nodes"]) < 120


def test_labels_break_ties_by_partnership_then_container_then_id():
    rows = [{"id": "a", "type": "Theme", "title": "Health", "partnership": "north"},
            {"id": "b", "type": "Theme", "title": "Health", "partnership": "south"},
            {"id": "c", "type": "Theme", "title": "Health", "partnership": "south"},
            {"id": "d", "type": "Theme", "title": "Health", "partnership": "south"}]
    got = viz.unique_labels(rows, within={"c": "Plan C", "d": "Plan C"})
    assert got["a"] == "Health \u00b7 north"
    assert got["b"] == "Health \u00b7 south"
    assert got["c"] == "Health \u00b7 south \u00b7 in Plan C (c)" and got["d"] == "Health \u00b7 south \u00b7 in Plan C (d)"
    long = [{"id": "x", "type": "Plan", "title": "A plan about " + "very " * 20 + "long things"},
            {"id": "y", "type": "Plan", "title": "A plan about " + "very " * 20 + "long stuff"}]
    got = viz.unique_labels(long, limit=30)
    assert got["x"] != got["y"] and not got["x"].endswith("(x)")  # told apart by more of the text


def _simulate(hex_colour: str, kind: str) -> tuple[float, float, float]:
    """A colour as a viewer with a colour-vision deficiency sees it (Machado et al. 2009, severity 1)."""
    m = {"protan": ((0.152286, 1.052583, -0.204868), (0.114503, 0.786281, 0.099216), (-0.003882, -0.048116, 1.051998)),
         "deutan": ((0.367322, 0.860646, -0.227968), (0.280085, 0.672501, 0.047413), (-0.011820, 0.042940, 0.968881)),
         "tritan": ((1.255528, -0.076749, -0.178779), (-0.078411, 0.930809, 0.147602), (0.004733, 0.691367, 0.303900))}
    rgb = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return tuple(min(1.0, max(0.0, sum(r * c for r, c in zip(row, lin)))) for row in m[kind])


def test_types_stay_apart_for_colour_blind_viewers():
    """Two types drawn in the same shape differ clearly in colour, also as protan, deutan and tritan
    viewers see them (otherwise they differ in shape)."""
    styles = list(viz.STYLE.items())
    for i, (a, (ca, sa)) in enumerate(styles):
        for b, (cb, sb) in styles[:i]:
            if sa != sb:
                continue
            for kind in ("protan", "deutan", "tritan"):
                d = math.dist(_simulate(ca, kind), _simulate(cb, kind))
                assert d > 0.12, f"{a} and {b} look alike ({kind}, distance {d:.2f}) and share the shape {sa}"


def test_the_page_is_deterministic_whatever_the_insertion_order():
    G = star_and_chain()
    H = nx.MultiDiGraph()
    for n in reversed(list(G.nodes)):
        H.add_node(n, **G.nodes[n])
    for u, v, k, d in reversed(list(G.edges(keys=True, data=True))):
        H.add_edge(u, v, key=k, **d)
    first = viz.render(G)
    assert first == viz.render(G) == viz.render(H)
    assert not re.search(r"20\d\d-\d\d-\d\dT\d\d:", first.replace(viz.vis_script(), ""))  # no timestamps


# -- the command and the export ---------------------------------------------------------------------------

def run(*args: str):
    return CliRunner().invoke(main, ["--data", str(TINY), *args], catch_exceptions=False)


def test_viz_command_writes_one_file(tmp_path: Path):
    out = tmp_path / "g.html"
    r = run("viz", "--focus", "4.1", "--depth", "1", "--out", str(out))
    assert r.exit_code == 0, r.output
    assert f"Wrote {out}: 2 nodes, 1 links" in r.output
    data = data_of(out.read_text(encoding="utf-8"))
    assert data["meta"]["focus"] == "board-c" and sorted(n["id"] for n in data["nodes"]) == ["board-c", "plan-p"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["g.html"]


@pytest.mark.parametrize("args, code, message", [
    (["--focus", "nope"], 2, "no node with id or number 'nope'"),
    (["--types", "Plans"], 2, "unknown node type 'Plans'"),
    (["--partnership", "south"], 2, "unknown partnership 'south'"),
    (["--edition", "1999"], 2, "no edition 1999"),
])
def test_viz_command_errors(tmp_path: Path, args, code, message):
    out = tmp_path / "g.html"
    r = run("viz", *args, "--out", str(out))
    assert r.exit_code == code and message in r.output and "Traceback" not in r.output
    assert not out.exists()


def test_build_exports_include_the_page(tiny_built, tmp_path: Path):
    files = all_exports(tiny_built.dataset, tiny_built.union, tiny_built.nx, tmp_path)
    page = files[tmp_path / "graph.html"]
    assert data_of(page)["meta"]["nodes"] == tiny_built.nx.number_of_nodes()
    assert page == all_exports(tiny_built.dataset, tiny_built.union, tiny_built.nx, tmp_path)[tmp_path / "graph.html"]


def test_partnerships_of_all_nodes_at_once_agree_with_why(real_built, tiny_built, tmp_path: Path):
    from graph.core import synth
    from graph.core.pipeline import build_graph
    synth.write(tmp_path / "synth", synth.generate(3, editions=2, actions=20))  # nested plans, three partnerships
    graphs = (real_built.nx, tiny_built.nx, build_graph(tmp_path / "synth", check=False).nx)
    for G in graphs:
        got = viz.partnerships(G)
        assert got == {n: w.partnership_of(G, n) for n in G.nodes}
    assert len({p for p in got.values() if p}) == 3 and None in got.values()
