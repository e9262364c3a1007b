"""The browser view in a real headless Chromium (Debian's chromium + chromium-driver, via Selenium).

Each page is opened from a file:// URL with the network switched off. Skipped, with the reason,
only where Chromium or its driver is not installed; CI (.ci/run) installs both.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path

import networkx as nx
import pytest

from graph.web import page as viz

from .chromium import CHROMEDRIVER, CHROMIUM, launch

HOSTILE = "</script><img src=x onerror=alert(1)>"

_HAVE_BROWSER = Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()
_NEED = f"needs {CHROMIUM} and {CHROMEDRIVER} (Debian: apt-get install -y chromium chromium-driver)"
if not _HAVE_BROWSER and os.environ.get("DRIVERS_REQUIRE_BROWSER"):
    # CI sets DRIVERS_REQUIRE_BROWSER: a missing browser there is a failure, not a silent skip
    raise RuntimeError(_NEED)
pytestmark = pytest.mark.skipif(not _HAVE_BROWSER, reason=_NEED)


@pytest.fixture(scope="module")
def browser():
    pytest.importorskip("selenium.webdriver", reason="needs selenium (the dev extra)")
    profile = tempfile.mkdtemp(prefix="viz-chromium-")
    driver = launch(Path(profile), 1280, 800, console_log=True)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


def open_page(driver, path: Path, timeout: float = 30.0):
    driver.get("about:blank")
    driver.get_log("browser")  # drop earlier pages' messages
    driver.get(path.as_uri())
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if driver.execute_script("return window.__ready === true"):
            return driver
        time.sleep(0.05)
    raise AssertionError(f"the page did not become ready in {timeout:.0f}s; console: {driver.get_log('browser')}")


def write(tmp_path: Path, name: str, html: str) -> Path:
    path = tmp_path / name
    path.write_text(html, encoding="utf-8")
    return path


def js(driver, script: str, *args):
    return driver.execute_script(script, *args)


def severe(driver) -> list[dict]:
    return [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]


@pytest.fixture()
def tiny_page(browser, tiny_built, tmp_path: Path):
    return open_page(browser, write(tmp_path, "tiny.html", viz.render(tiny_built.nx, tiny_built.union)))


def test_every_node_is_drawn_with_nothing_fetched_and_no_errors(tiny_page, tiny_built, tmp_path: Path):
    n = tiny_built.nx.number_of_nodes()
    assert js(tiny_page, "return window.driversGraph.nodes.length") == n
    assert js(tiny_page, "return window.driversGraph.network.body.nodeIndices.length") == n
    assert js(tiny_page, "return window.driversGraph.edges.length") == tiny_built.nx.number_of_edges()
    assert js(tiny_page, "return performance.getEntriesByType('resource').length") == 0
    assert severe(tiny_page) == []  # no script errors, no Content-Security-Policy violations
    legend = js(tiny_page, "return Array.from(document.querySelectorAll('#f-type label'), l => l.textContent)")
    assert "Action1" in legend and "Driver3" in legend
    shot = tmp_path / "tiny.png"
    assert tiny_page.save_screenshot(str(shot))
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000


def test_search_focuses_the_right_node(tiny_page):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    box = tiny_page.find_element(By.ID, "search")
    box.send_keys("4.1", Keys.ENTER)
    assert js(tiny_page, "return window.driversGraph.network.getSelectedNodes()") == ["board-c"]
    assert tiny_page.find_element(By.CSS_SELECTOR, "#panel h2").text == "4.1 Children's Board"
    box.clear()
    box.send_keys("neglect toolkit", Keys.ENTER)
    assert js(tiny_page, "return window.driversGraph.network.getSelectedNodes()") == ["action-1"]
    # focus mode: the action's chain of drivers is highlighted, everything else kept in view
    assert js(tiny_page, "return window.driversGraph.nodes.get('act-a').borderWidth") == 3
    assert "What drives it (7)" in tiny_page.find_element(By.ID, "panel").text


def test_unticking_a_type_hides_that_type(tiny_page):
    from selenium.webdriver.common.by import By

    tiny_page.find_element(By.CSS_SELECTOR, "input[data-filter='type'][value='Driver']").click()
    hidden = js(tiny_page, "return window.driversGraph.nodes.get({filter: n => n.hidden}).map(n => n.id).sort()")
    assert hidden == ["act-a", "board-c", "strategy-b"]
    visible = js(tiny_page, "return window.driversGraph.visibleIds()")
    assert "plan-p" in visible and "act-a" not in visible
    assert "Showing 9 of 12 nodes" in tiny_page.find_element(By.ID, "status").text
    tiny_page.find_element(By.CSS_SELECTOR, "input[data-filter='type'][value='Driver']").click()
    assert js(tiny_page, "return window.driversGraph.visibleIds().length") == 12
    # a drivers-document category filter hides only drivers of that category
    tiny_page.find_element(By.CSS_SELECTOR, "input[data-filter='category'][value='local']").click()
    assert js(tiny_page, "return window.driversGraph.nodes.get({filter: n => n.hidden}).map(n => n.id)") == [
        "strategy-b"]


def test_clicking_a_node_shows_its_source_and_links(tiny_page):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    canvas = tiny_page.find_element(By.CSS_SELECTOR, "#graph canvas")
    x, y = js(tiny_page, """const n = window.driversGraph.network, p = n.canvasToDOM(n.getPosition('plan-p'));
                            return [p.x, p.y];""")
    w, h = canvas.size["width"], canvas.size["height"]
    ActionChains(tiny_page).move_to_element_with_offset(canvas, int(x - w / 2), int(y - h / 2)).click().perform()
    assert js(tiny_page, "return window.driversGraph.network.getSelectedNodes()") == ["plan-p"]
    assert tiny_page.find_element(By.ID, "panel-source").text == \
        "Children's Services Plan annual report [src-plan], Introduction"
    links = [li.text for li in tiny_page.find_elements(By.CSS_SELECTOR, "#panel ul.links li")]
    assert any(t.startswith("is driven by 2.1 Beta Strategy 2019-2024") for t in links)
    # the links are buttons: following one moves the selection
    button = "//ul[contains(@class,'links')]//button[text()='2.1 Beta Strategy 2019-2024']"
    tiny_page.find_element(By.XPATH, button).click()
    assert js(tiny_page, "return window.driversGraph.network.getSelectedNodes()") == ["strategy-b"]
    assert "Local drivers > 2.1" in tiny_page.find_element(By.ID, "panel-source").text


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
    assert js(page, "return window.driversGraph.nodes.length") == 2
    js(page, "window.driversGraph.select('evil')")
    assert page.find_element(By.CSS_SELECTOR, "#panel h2").text == HOSTILE
    assert "<b>bold</b>" in page.find_element(By.ID, "panel-source").text
    assert "</script><script>alert(4)</script>" in page.find_element(By.ID, "panel").text
    assert js(page, "return document.querySelectorAll('img, #panel svg, #panel script, #panel b').length") == 0
    assert js(page, "return document.scripts.length") == 3
    assert js(page, "return window.driversGraph.nodes.get('evil').title").startswith("Plan: " + HOSTILE)
    with pytest.raises(NoAlertPresentException):
        page.switch_to.alert.text  # noqa: B018 - reading it raises when no alert is open
    page.save_screenshot(str(tmp_path / "hostile.png"))


def test_the_bundled_graph_opens_whole(browser, real_built, tmp_path: Path):
    page = open_page(browser, write(tmp_path, "graph.html", viz.render(real_built.nx, real_built.union)))
    n = real_built.nx.number_of_nodes()
    assert js(page, "return window.driversGraph.network.body.nodeIndices.length") == n
    assert js(page, "return window.driversGraph.network.getPositions().length === undefined")
    assert len(js(page, "return window.driversGraph.network.getPositions()")) == n
    assert severe(page) == []
    page.save_screenshot(str(tmp_path / "bundled.png"))
