"""The explorer in a real headless Chromium (Debian's chromium + chromium-driver, via Selenium).

Each page is opened from a file:// URL with the network switched off, and read through the page's
own test API, ``window.explorer`` (ready, search, select, selected, labels, positions, tier, and
shown, why, impact, path, csv for checks like these). Skipped, with the reason, only where
Chromium or its driver is not installed; CI (.ci/run) installs both and makes them required.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from pathlib import Path

import networkx as nx
import pytest

from graph.answers import why as w
from graph.web import page as viz

from .chromium import CHROMEDRIVER, CHROMIUM, launch, wait_ready

HOSTILE = "</script><img src=x onerror=alert(1)>"

_HAVE_BROWSER = Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()
_NEED = f"needs {CHROMIUM} and {CHROMEDRIVER} (Debian: apt-get install -y chromium chromium-driver)"
if not _HAVE_BROWSER and os.environ.get("DRIVERS_REQUIRE_BROWSER"):
    # CI sets DRIVERS_REQUIRE_BROWSER: a missing browser there is a failure, not a silent skip
    raise RuntimeError(_NEED)
pytestmark = pytest.mark.skipif(not _HAVE_BROWSER, reason=_NEED)

SIZES = [(1600, 1000), (1280, 800)]


@pytest.fixture(scope="module")
def browser():
    pytest.importorskip("selenium.webdriver", reason="needs selenium (the dev extra)")
    profile = tempfile.mkdtemp(prefix="viz-chromium-")
    driver = launch(Path(profile), 1280, 800, console_log=True)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


def resize(driver, width: int, height: int) -> None:
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})


def open_page(driver, path: Path | str, timeout: float = 30.0, size: tuple[int, int] = (1280, 800)):
    resize(driver, *size)
    driver.get("about:blank")
    driver.get_log("browser")  # drop earlier pages' messages
    driver.get(path if isinstance(path, str) else path.as_uri())
    wait_ready(driver, timeout)
    return driver


def write(folder: Path, name: str, html: str) -> Path:
    path = folder / name
    path.write_text(html, encoding="utf-8")
    return path


def js(driver, script: str, *args):
    return driver.execute_script(script, *args)


def settle(driver) -> None:
    """Wait for the next frame to be drawn (labels are placed as the canvas is drawn)."""
    driver.execute_async_script("var done = arguments[0]; requestAnimationFrame(function () {"
                                " requestAnimationFrame(function () { done(); }); });")


def wait_for(driver, script: str, want, timeout: float = 10.0):
    """The script's value once it equals ``want`` (or the last value after ``timeout`` seconds)."""
    end = time.monotonic() + timeout
    while True:
        got = driver.execute_script(script)
        if got == want or time.monotonic() > end:
            return got
        time.sleep(0.05)


def severe(driver) -> list[dict]:
    return [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]


@pytest.fixture(scope="module")
def real_page_file(real_built, tmp_path_factory) -> Path:
    return write(tmp_path_factory.mktemp("page"), "graph.html", viz.render(real_built.nx, real_built.union))


@pytest.fixture()
def real_page(browser, real_page_file):
    return open_page(browser, real_page_file)


@pytest.fixture()
def tiny_page(browser, tiny_built, tmp_path: Path):
    return open_page(browser, write(tmp_path, "tiny.html", viz.render(tiny_built.nx, tiny_built.union)))


def overlapping(labels: list[dict]) -> int:
    """How many labels overlap another one."""
    n = 0
    for i, a in enumerate(labels):
        if any(a["x"] < b["x"] + b["w"] and b["x"] < a["x"] + a["w"] and a["y"] < b["y"] + b["h"] and
               b["y"] < a["y"] + a["h"] for j, b in enumerate(labels) if j != i):
            n += 1
    return n


# -- opening --------------------------------------------------------------------------------------------

def test_the_tiny_page_opens_with_nothing_fetched_and_no_errors(tiny_page, tiny_built, tmp_path: Path):
    assert js(tiny_page, "return performance.getEntriesByType('resource').length") == 0
    assert severe(tiny_page) == []  # no script errors, no Content-Security-Policy violations
    legend = js(tiny_page, "return Array.from(document.querySelectorAll('#f-type label'), l => l.textContent)")
    assert any(t.startswith("Action") for t in legend) and any(t.startswith("Driver") for t in legend)
    # actions start folded into their themes; everything else is drawn
    shown = js(tiny_page, "return explorer.shown()")
    want = sorted(n for n in tiny_built.nx if tiny_built.nx.nodes[n]["type"] != "Action")
    assert shown == want
    assert js(tiny_page, "return explorer.network.body.nodeIndices.length") == len(want)
    shot = tmp_path / "tiny.png"
    assert tiny_page.save_screenshot(str(shot)) and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_bundled_graph_opens_on_a_readable_overview(real_page, real_built):
    assert severe(real_page) == []
    n = real_built.nx.number_of_nodes()
    # actions and findings (a report's headline figures and case studies) start folded
    actions = sum(1 for x in real_built.nx if real_built.nx.nodes[x]["type"] in ("Action", "Finding"))
    assert sum(1 for x in real_built.nx if real_built.nx.nodes[x]["type"] == "Finding") == 8
    shown = js(real_page, "return explorer.shown()")
    assert len(shown) == n - actions
    status = js(real_page, "return document.getElementById('status').textContent")
    assert f"Showing {n - actions} of {n} nodes and" in status and f"of {real_built.nx.number_of_edges()} links" in status
    # the panel opens on the drivers document's structure, with counts
    panel = js(real_page, "return document.getElementById('panel').textContent")
    assert "National drivers (" in panel and "Plans (15)" in panel
    heads = [h["text"] for h in js(real_page, "return explorer.heads()")]
    assert any(h.startswith("National drivers") for h in heads) and any(h.startswith("Frameworks") for h in heads)


# -- labels ---------------------------------------------------------------------------------------------

STATES = {
    "first paint": "",
    "a driver": "explorer.select('promise-plan-2021-24')",
    "an action": "explorer.select('nl-ktp-cost-identify-costs')",
    "an action in the whole graph": "location.hash = '#node=nl-ktp-cost-identify-costs&view=graph'",
    "a partnership": "explorer.setPartnership('south-lanarkshire')",
}


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_labels_never_pile_up(browser, real_page_file, size, tmp_path: Path):
    page = open_page(browser, real_page_file, size=size)
    for name, step in STATES.items():
        if step:
            js(page, step)
        settle(page)
        labels = js(page, "return explorer.labels()")
        box = js(page, "return document.querySelector('#graph canvas').getBoundingClientRect().toJSON()")
        assert len(labels) >= 15, (name, len(labels))
        assert overlapping(labels) <= 0.05 * len(labels), name
        texts = [lb["text"] for lb in labels]
        assert len(set(texts)) == len(texts), name  # no two drawn labels alike
        for lb in labels:  # drawn whole, inside the drawing
            assert box["left"] - 1 <= lb["x"] and lb["x"] + lb["w"] <= box["right"] + 1, (name, lb)
            assert box["top"] - 1 <= lb["y"] and lb["y"] + lb["h"] <= box["bottom"] + 1, (name, lb)
        page.save_screenshot(str(tmp_path / f"{name.replace(' ', '-')}.png"))
        js(page, "explorer.select(null); explorer.setPartnership('')")
    assert severe(page) == []


def test_the_selected_node_always_has_its_label(real_page):
    for node in ("nl-ktp-cost-identify-costs", "uncrc-article-12", "the-promise", "sl-continuous-improvement-group"):
        js(real_page, "explorer.select(arguments[0])", node)
        settle(real_page)
        assert node in [lb["id"] for lb in js(real_page, "return explorer.labels()")], node


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_a_tree_labels_every_node_it_draws_and_its_caption_names_the_root(browser, real_page_file, size):
    """In the tree view (what drives an action, what a driver reaches) nothing is left unnamed:
    every drawn node has a label, none overlaps another or covers a shape, and the caption gives
    the chosen node's name in full."""
    page = open_page(browser, real_page_file, size=size)
    for node in ("nl-neglect-ap-a1", "nl-continuous-improvement-group", "nl-ktp-cost-identify-costs"):
        js(page, "explorer.select(arguments[0])", node)
        settle(page)
        shown = set(js(page, "return explorer.shown()"))
        labels = js(page, "return explorer.labels()")
        assert {lb["id"] for lb in labels} == shown, (node, size, shown - {lb["id"] for lb in labels})
        assert overlapping(labels) == 0, (node, size)
        heads = [h["text"] for h in js(page, "return explorer.heads()")]
        name = js(page, "var id = arguments[0]; return explorer.data.nodes.find(function (x) { return x.id === id; }).title;",
                  node)
        assert any(h.startswith(("What drives ", "What ")) and name[:20] in h for h in heads), (node, heads)
    js(page, "explorer.select(null)")
    assert severe(page) == []


# -- the layout -----------------------------------------------------------------------------------------

def test_tiers_run_left_to_right_and_frameworks_below(real_page, real_built):
    pos = js(real_page, "return explorer.positions()")
    tier = js(real_page, "var t = {}; Object.keys(explorer.positions()).forEach(id => t[id] = explorer.tier(id));"
                         " return t;")
    assert set(pos) == set(real_built.nx)
    by: dict[int, list] = {}
    for n, t in tier.items():
        by.setdefault(t, []).append(pos[n])
    names = [t["name"] for t in js(real_page, "return explorer.data.tiers")]
    main = sorted(t for t in by if names[t] != "Frameworks")
    assert main == list(range(6))  # national, local, programmes and governance, plans, themes, actions
    for a, b in zip(main, main[1:]):
        assert max(p["x"] for p in by[a]) < min(p["x"] for p in by[b])
    band = names.index("Frameworks")
    assert min(p["y"] for p in by[band]) > max(p["y"] for t in main[:5] for p in by[t])
    # and "drives" runs the same way: a link's driver is never right of what it drives, across tiers
    backwards = [(u, v) for u, v, d in real_built.nx.edges(data=True)
                 if d["rel"] in ("drivenBy", "partOf") and tier[u] < tier[v] and band not in (tier[u], tier[v])]
    assert len(backwards) <= 0.05 * real_built.nx.number_of_edges(), backwards[:10]


# -- why and impact -------------------------------------------------------------------------------------

def _python_tree(ans, reverse: bool) -> list[tuple]:
    rows = []
    for n, path in ans.reached.items():
        s = path[0] if reverse else path[-1]
        rows.append((n, s.frm, s.rel, s.to, s.source))
    return sorted(rows)


def test_the_page_answers_why_and_impact_as_the_cli_does(real_page, real_built):
    G = real_built.nx
    actions = sorted(n for n in G if G.nodes[n]["type"] == "Action")
    drivers = sorted(n for n in G if G.nodes[n]["type"] in ("Driver", "Plan", "Group"))
    got = js(real_page, "var out = {}; arguments[0].forEach(id => out[id] = explorer.why(id)); return out;", actions)
    for a in actions:
        mine = sorted((r["id"], r["from"], r["rel"], r["to"], r["source"]) for r in got[a])
        assert mine == _python_tree(w.why(G, a), reverse=False), a
    got = js(real_page, "var out = {}; arguments[0].forEach(id => out[id] = explorer.impact(id)); return out;", drivers)
    for d in drivers:
        mine = sorted((r["id"], r["from"], r["rel"], r["to"], r["source"]) for r in got[d])
        assert mine == _python_tree(w.impact(G, d), reverse=True), d


def test_an_action_shows_what_drives_it_as_a_cited_tree(real_page, real_built):
    from selenium.webdriver.common.by import By

    a = "nl-ktp-cost-identify-costs"
    js(real_page, "explorer.select(arguments[0])", a)
    ans = w.why(real_built.nx, a)
    assert js(real_page, "return explorer.selected()") == a
    assert f"What drives it ({len(ans.reached)})" in real_page.find_element(By.ID, "why").text
    items = real_page.find_elements(By.CSS_SELECTOR, "#why ul.tree li[role=treeitem]")
    assert len(items) == len(ans.reached) + 1  # the action itself, then one item a driver
    docs = viz.documents(real_built.union)
    for n, path in ans.reached.items():  # each step names its document and section, as `drivers why` does
        step = path[-1]
        button = real_page.find_element(By.CSS_SELECTOR, f"#why button[data-node='{n}']")
        item = button.find_element(By.XPATH, "./ancestor::li[1]")
        cite = item.find_element(By.CSS_SELECTOR, ":scope > .cite").text
        assert docs[step.source] in cite and (not step.section or step.section in cite), n
        if step.quote:
            assert " ".join(step.quote.split())[:40] in " ".join(cite.split())
    # the drawing shows that tree, left to right from the action, and nothing else
    assert js(real_page, "return explorer.shown()") == sorted([a, *ans.reached])
    x = js(real_page, "var p = explorer.network.getPositions(); return p")
    assert all(x[n]["x"] > x[a]["x"] for n in ans.reached)
    # the action's lead is shown; the same node in the whole graph keeps the chain drawn
    assert "Lead" in real_page.find_element(By.CSS_SELECTOR, "#panel dl").text
    real_page.find_element(By.ID, "view-toggle").click()
    assert "view=graph" in js(real_page, "return location.hash")
    assert set(ans.reached) <= set(js(real_page, "return explorer.shown()"))


def test_a_driver_shows_what_it_reaches_and_a_path_to_another_node(real_page, real_built):
    from selenium.webdriver.common.by import By

    d = "promise-plan-2021-24"
    js(real_page, "explorer.select(arguments[0])", d)
    ans = w.impact(real_built.nx, d)
    assert f"What it reaches ({len(ans.reached)})" in real_page.find_element(By.ID, "impact").text
    # a path between two chosen nodes, each step cited
    box = real_page.find_element(By.ID, "path-to")
    box.send_keys("uncrc")
    real_page.find_element(By.CSS_SELECTOR, ".path-form button[type=submit]").click()
    hash_ = js(real_page, "return location.hash")
    assert "node=promise-plan-2021-24" in hash_ and "to=" in hash_
    target = hash_.split("to=")[1].split("&")[0]
    steps = js(real_page, "return explorer.path(arguments[0], arguments[1])", d, target)
    und = nx.Graph(real_built.nx.to_undirected(as_view=True))
    assert steps is not None and len(steps) == nx.shortest_path_length(und, d, target)
    shown_steps = real_page.find_elements(By.CSS_SELECTOR, "#path ol.path-steps li")
    assert len(shown_steps) == len(steps) and all(li.find_element(By.CSS_SELECTOR, ".cite").text for li in shown_steps)
    assert set(js(real_page, "return explorer.shown()")) == {d, target, *(s["from"] for s in steps),
                                                              *(s["to"] for s in steps)}


# -- search ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, first", [
    ("Promise", "the-promise"),                       # a title word: The Promise, not a Promise foundation
    ("the promise", "the-promise"),
    ("CIG", "nl-continuous-improvement-group"),       # an acronym recorded as an alias
    ("Continuous Improvement Group", "nl-continuous-improvement-group"),  # the alias, in the drivers document
    ("1.17", "promise-plan-2021-24"),                 # a driver's number
    ("4.4", "nl-continuous-improvement-group"),
    ("Article 12", "uncrc-article-12"),               # a UNCRC article
    ("respect for the views of the child", "uncrc-article-12"),
    ("identify the costs of meeting the needs", "nl-ktp-cost-identify-costs"),  # a phrase from an action's text
    ("camhs", "camhs-deep-dive-report"),
    ("equality act", "equality-act-2010"),
])
def test_search_finds_what_people_type(real_page, text, first):
    assert js(real_page, "return explorer.search(arguments[0])[0]", text) == first


@pytest.mark.parametrize("text", ["case studies", "headline figures"])
def test_a_name_for_the_findings_finds_all_eight_of_them(real_page, real_built, text):
    findings = {n for n in real_built.nx if real_built.nx.nodes[n]["type"] == "Finding"}
    hits = js(real_page, "return explorer.search(arguments[0])", text)
    assert len(findings) == 8 and findings <= set(hits)


@pytest.mark.parametrize("text", ["SHANARRI", "case studies", "findings", "quality indicators", "clusters", "npf",
                                  "partnerships", "neglect", "Promise", "4.4", "mental health", "CIG", "1.17",
                                  "Article 12", "the promise", "poverty", "care experienced young people",
                                  "deliver a series of local events to promote existing community mental health supports", "camhs"])
def test_the_page_and_drivers_search_rank_alike(real_page, real_built, text):
    """The page's search box and `drivers search` (/api/search) put the same records in the same order,
    names for a whole type included."""
    from graph.answers.search import SearchIndex, search
    api = [r["id"] for r in search(SearchIndex(real_built.nx, real_built.union), text, top=1000)]
    assert api and js(real_page, "return explorer.search(arguments[0])", text) == api


def test_search_matches_whole_words_and_prefers_the_chosen_partnership(real_page, real_built):
    hits = js(real_page, "return explorer.search('LIAM')")
    assert hits and all("liam" in (real_built.nx.nodes[h].get("text", "") + real_built.nx.nodes[h]["title"]).lower()
                        .replace("-", " ").split() or "liam" in str(real_built.nx.nodes[h]).lower() for h in hits)
    assert not any("parliament" in real_built.nx.nodes[h]["title"].lower() and
                   "liam" not in real_built.nx.nodes[h]["title"].lower().split() for h in hits)
    assert js(real_page, "return explorer.search('4.4')") == ["nl-continuous-improvement-group"]  # not QI 6.4
    js(real_page, "explorer.setPartnership('south-lanarkshire')")
    assert js(real_page, "return explorer.search('Continuous Improvement Group')[0]") == \
        "sl-continuous-improvement-group"


def test_the_search_box_suggests_and_a_failed_search_clears_the_selection(real_page):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    box = real_page.find_element(By.ID, "search")
    box.send_keys("promi")
    options = real_page.find_elements(By.CSS_SELECTOR, "#suggestions li[role=option]")
    assert options and options[0].find_element(By.CSS_SELECTOR, ".s-label").text == "The Promise"
    box.send_keys(Keys.ARROW_DOWN, Keys.ENTER)
    assert js(real_page, "return explorer.selected()") == "the-promise"
    assert js(real_page, "return document.activeElement.id") == "panel-title"
    box.clear()
    box.send_keys("zzqxv nothing like this", Keys.ENTER)
    assert js(real_page, "return explorer.selected()") is None
    assert "No match for" in real_page.find_element(By.ID, "panel").text


def test_the_suggestions_close_when_the_view_changes_by_address(real_page):
    """Typed text's suggestions stay over the graph only while they answer it: Back, Forward or a link
    that changes the view closes them (they once stayed open over the why-tree)."""
    from selenium.webdriver.common.by import By

    real_page.find_element(By.ID, "search").send_keys("neglect")
    assert js(real_page, "return document.getElementById('suggestions').hidden") is False
    js(real_page, "location.hash = '#node=nl-neglect-ap-a1'")
    assert wait_for(real_page, "return explorer.selected()", "nl-neglect-ap-a1") == "nl-neglect-ap-a1"
    assert js(real_page, "return document.getElementById('suggestions').hidden") is True
    assert real_page.find_element(By.ID, "search").get_attribute("aria-expanded") == "false"


# -- navigation -----------------------------------------------------------------------------------------

def test_deep_links_back_and_forward(browser, real_page_file):
    # a new tab: its history holds only this test's steps (a tab keeps 50 entries at most)
    first = browser.current_window_handle
    browser.switch_to.new_window("tab")
    try:
        _deep_links(browser, real_page_file)
    finally:
        browser.close()
        browser.switch_to.window(first)


def _deep_links(browser, real_page_file):
    page = open_page(browser, real_page_file.as_uri() + "#node=4.4")  # a number works in the address too
    assert js(page, "return explorer.selected()") == "nl-continuous-improvement-group"
    js(page, "explorer.select('the-promise')")
    assert js(page, "return location.hash") == "#node=the-promise"
    js(page, "explorer.select('uncrc-article-12')")
    for step, want in (("back", "the-promise"), ("back", "nl-continuous-improvement-group"), ("forward", "the-promise")):
        js(page, f"history.{step}()")  # the browser moves a moment later
        assert wait_for(page, "return explorer.selected()", want) == want, (step, js(page, "return [location.href, history.length]"))
    page = open_page(browser, real_page_file.as_uri() + "#node=no-such-node")
    assert js(page, "return explorer.selected()") is None and severe(page) == []


def test_following_a_link_in_the_panel_scrolls_to_the_top_and_keeps_focus(real_page):
    from selenium.webdriver.common.by import By

    js(real_page, "explorer.select('the-promise')")
    js(real_page, "document.getElementById('panel').scrollTop = 10000")
    link = real_page.find_element(By.CSS_SELECTOR, "#panel ul.links button.link")
    target = link.get_attribute("data-node")
    js(real_page, "arguments[0].scrollIntoView()", link)
    link.click()
    assert js(real_page, "return explorer.selected()") == target
    assert js(real_page, "return document.getElementById('panel').scrollTop") == 0
    assert js(real_page, "return document.activeElement.id") == "panel-title"


def test_filters_refit_and_count_nodes_and_links(real_page, real_built):
    G = real_built.nx
    js(real_page, "explorer.setPartnership('south-lanarkshire')")
    settle(real_page)
    shown = js(real_page, "return explorer.shown()")
    assert shown and not any(w.partnership_of(G, n) == "north-lanarkshire" for n in shown)
    links = sum(1 for u, v in G.edges() if u in set(shown) and v in set(shown))
    status = js(real_page, "return document.getElementById('status').textContent")
    assert f"Showing {len(shown)} of {G.number_of_nodes()} nodes and {links} of {G.number_of_edges()} links" in status
    assert "p=south-lanarkshire" in js(real_page, "return location.hash")
    # the view is fitted to what is shown: every node shown is inside the drawing
    inside = js(real_page, """var n = explorer.network, c = document.querySelector('#graph canvas');
        var out = 0; explorer.shown().forEach(function (id) { var p = n.canvasToDOM(n.getPosition(id));
        if (p.x < 0 || p.y < 0 || p.x > c.clientWidth || p.y > c.clientHeight) out++; }); return out;""")
    assert inside == 0
    assert js(real_page, "return explorer.setType('Action', true)")
    assert len(js(real_page, "return explorer.shown()")) > len(shown)


def test_keyboard_zoom_buttons_and_escape(real_page):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    graph = real_page.find_element(By.ID, "graph")
    graph.click()
    before = js(real_page, "return explorer.network.getScale()")
    graph.send_keys("+")
    assert js(real_page, "return explorer.network.getScale()") > before
    pos = js(real_page, "return explorer.network.getViewPosition()")
    graph.send_keys(Keys.ARROW_RIGHT)
    assert js(real_page, "return explorer.network.getViewPosition().x") > pos["x"]
    real_page.find_element(By.ID, "zoom-out").click()
    real_page.find_element(By.ID, "zoom-out").click()
    assert js(real_page, "return explorer.network.getScale()") < before
    js(real_page, "explorer.select('the-promise')")
    real_page.find_element(By.TAG_NAME, "body").send_keys(Keys.ESCAPE)
    assert js(real_page, "return explorer.selected()") is None
    real_page.find_element(By.TAG_NAME, "body").send_keys("/")
    assert js(real_page, "return document.activeElement.id") == "search"


def test_narrow_screens_keep_the_graph_wide(browser, real_page_file):
    page = open_page(browser, real_page_file, size=(1024, 768))
    assert js(page, "return document.getElementById('graph').clientWidth") >= 600  # filters folded away
    page.find_element("id", "toggle-panel").click()
    assert js(page, "return document.getElementById('graph').clientWidth") >= 1000
    page.find_element("id", "toggle-side").click()
    assert js(page, "return getComputedStyle(document.getElementById('side')).display") != "none"


def test_the_print_stylesheet_gives_the_graph_the_page_width(real_page):
    js(real_page, "explorer.select('nl-ktp-cost-identify-costs')")
    real_page.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        assert js(real_page, "return getComputedStyle(document.getElementById('side')).display") == "none"
        assert js(real_page, "return getComputedStyle(document.getElementById('search-form')).display") == "none"
        wrap = js(real_page, "return document.getElementById('graph-wrap').getBoundingClientRect().toJSON()")
        assert wrap["width"] >= 1200 and wrap["height"] >= 300
        assert js(real_page, "return getComputedStyle(document.getElementById('panel')).display") == "block"
    finally:
        real_page.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})


def test_the_view_exports_as_png_and_the_nodes_shown_as_csv(browser, real_page_file, tmp_path: Path):
    import csv
    import io

    page = open_page(browser, real_page_file)
    page.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path)})
    js(page, "explorer.setPartnership('south-lanarkshire')")
    rows = list(csv.DictReader(io.StringIO(js(page, "return explorer.csv()"))))
    assert sorted(r["id"] for r in rows) == js(page, "return explorer.shown()")
    page.find_element("id", "export-csv").click()
    page.find_element("id", "export-png").click()
    end = time.monotonic() + 10
    while time.monotonic() < end and not ((tmp_path / "drivers-graph.png").exists() and
                                          (tmp_path / "drivers-graph-nodes.csv").exists()):
        time.sleep(0.1)
    assert (tmp_path / "drivers-graph.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    saved = list(csv.DictReader(io.StringIO((tmp_path / "drivers-graph-nodes.csv").read_text(encoding="utf-8"))))
    assert saved == rows


# -- safety and accessibility ---------------------------------------------------------------------------

def test_hostile_titles_render_as_text(browser, tmp_path: Path):
    from selenium.common.exceptions import NoAlertPresentException
    from selenium.webdriver.common.by import By

    G = nx.MultiDiGraph()
    G.add_node("evil", type="Plan", title=HOSTILE, text="<script>alert(2)</script>\u2028&amp;", source="doc",
               section="<b>bold</b>")
    G.add_node("other", type="Action", title="<svg onload=alert(3)>", source="doc", section="s")
    G.add_edge("other", "evil", key="partOf|doc", rel="partOf", source="doc", section="<i>x</i>",
               quote="</script><script>alert(4)</script>")
    page = open_page(browser, write(tmp_path, "hostile.html", viz.render(G)))
    js(page, "explorer.select('evil')")
    assert page.find_element(By.CSS_SELECTOR, "#panel h2").text == HOSTILE
    assert "<b>bold</b>" in page.find_element(By.ID, "panel-source").text
    assert "</script><script>alert(4)</script>" in page.find_element(By.ID, "panel").text
    assert js(page, "return document.querySelectorAll('img, #panel svg, #panel script, #panel b').length") == 0
    assert js(page, "return document.scripts.length") == 3
    page.find_element(By.ID, "search").send_keys("<svg")
    assert js(page, "return document.querySelectorAll('#suggestions svg, #suggestions script').length") == 0
    with pytest.raises(NoAlertPresentException):
        page.switch_to.alert.text  # noqa: B018 - reading it raises when no alert is open
    assert severe(page) == []


def _axe() -> Path | None:
    """axe-core's script: $DRIVERS_AXE, else a copy npm put under ~/.cache/drivers-graph-ci (.ci/run)."""
    env = os.environ.get("DRIVERS_AXE")
    for p in ([Path(env)] if env else []) + [Path.home() / ".cache/drivers-graph-ci/node_modules/axe-core/axe.min.js"]:
        if p.is_file():
            return p
    return None


def test_no_accessibility_violations(real_page):
    axe = _axe()
    if axe is None:
        if os.environ.get("DRIVERS_REQUIRE_BROWSER"):
            raise AssertionError("axe-core is missing: .ci/run installs it with npm (or set DRIVERS_AXE)")
        pytest.skip("needs axe-core (npm install axe-core; set DRIVERS_AXE to its axe.min.js)")
    js(real_page, axe.read_text(encoding="utf-8"))  # DevTools runs it, not the page: the CSP is not in the way
    for step in ("", "explorer.select('nl-ktp-cost-identify-costs')", "explorer.select('promise-plan-2021-24')"):
        if step:
            js(real_page, step)
        result = real_page.execute_async_script(
            "var done = arguments[0]; axe.run(document, {resultTypes: ['violations']})"
            ".then(r => done(r.violations.map(v => [v.id, v.impact, v.nodes.length, v.nodes[0].html])))"
            ".catch(e => done([['error', String(e)]]));")
        assert result == [], json.dumps(result, indent=1)


def test_the_same_page_takes_its_data_from_an_api(browser, tiny_built):
    """`drivers serve`'s form of the page: no data inline, fetched from ``{api}page`` on the same origin."""
    import http.server
    import threading

    page = viz.html(None, api="api/").encode("utf-8")
    data = json.dumps(viz.page_data(tiny_built.nx, tiny_built.union)).encode("utf-8")

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the standard library's name
            body, kind = (page, "text/html") if self.path.split("#")[0] in ("/", "/index.html") else \
                (data, "application/json") if self.path == "/api/page" else (b"{}", "application/json")
            self.send_response(200 if body != b"{}" else 404)
            self.send_header("Content-Type", kind + "; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        browser.execute_cdp_cmd("Network.emulateNetworkConditions", {"offline": False, "latency": 0,
                                                                     "downloadThroughput": -1, "uploadThroughput": -1})
        p = open_page(browser, f"http://127.0.0.1:{server.server_port}/#node=plan-p")
        assert js(p, "return explorer.selected()") == "plan-p"
        assert js(p, "return explorer.search('4.1')[0]") == "board-c"
        assert js(p, "return document.getElementById('graph-data').textContent") == "null"
        assert severe(p) == []
    finally:
        browser.execute_cdp_cmd("Network.emulateNetworkConditions", {"offline": True, "latency": 0,
                                                                     "downloadThroughput": 0, "uploadThroughput": 0})
        server.shutdown()


def test_an_api_path_that_is_not_a_plain_path_is_refused():
    from graph.core.errors import UsageError

    for bad in ('api/" onload="x', "javascript:alert(1)/", "api"):
        with pytest.raises(UsageError):
            viz.html(None, api=bad)


def test_what_drives_this_box_answers_a_pasted_action_offline(real_page, real_built):
    from selenium.webdriver.common.by import By

    text = " ".join(real_built.nx.nodes["nl-neglect-ap-a1"]["text"].split())[20:90]  # a phrase from its middle
    area = real_page.find_element(By.ID, "ask")
    area.send_keys(text)
    real_page.find_element(By.CSS_SELECTOR, ".ask-form button").click()
    assert wait_for(real_page, "return explorer.selected()", "nl-neglect-ap-a1") == "nl-neglect-ap-a1"
    assert "What drives it (" in real_page.find_element(By.ID, "why").text
    got = real_page.execute_async_script("var done = arguments[arguments.length - 1];"
                                         "explorer.select(null); explorer.ask(arguments[0]).then(done);",
                                         "Provide free breakfast clubs in schools in the most deprived areas")
    assert got == {"kind": "suggest", "suggestions": []} and js(real_page, "return explorer.selected()") is None
    # asked again while a node is selected: the answer still shows
    js(real_page, "explorer.select('the-promise')")
    again = real_page.execute_async_script("var done = arguments[arguments.length - 1];"
                                           "explorer.ask(arguments[0]).then(done);", "zzz qqq www nothing at all")
    assert again["kind"] == "suggest" and js(real_page, "return explorer.selected()") is None
    assert "No action in the graph is" in real_page.find_element(By.ID, "ask-result").text
