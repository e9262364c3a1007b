"""The README's screenshots of the explorer, taken in headless Chromium from the bundled data.

    python docs/screenshots.py            # writes docs/explorer-*.png

Each picture is one state an officer meets: the first view, a search as you type, an action with
the tree of what drives it, a driver's reach, one partnership, and a narrow screen. Needs Debian's
``chromium`` and ``chromium-driver`` and ``selenium`` (the ``dev`` extra).
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graph.core.paths import BUNDLED_DATA  # noqa: E402
from graph.core.pipeline import build_graph  # noqa: E402
from graph.web import page as viz  # noqa: E402
from tests.chromium import launch  # noqa: E402

TYPE = ("var b = document.getElementById('search'); b.focus(); b.value = arguments[0];"
        "b.dispatchEvent(new Event('input'));")
STATES = [
    ("explorer-first-view", (1600, 1000), ""),
    ("explorer-search", (1280, 800), TYPE),
    ("explorer-action-why", (1600, 1000), "explorer.select('nl-neglect-ap-a1')"),
    ("explorer-driver-reach", (1280, 800), "explorer.select('nl-continuous-improvement-group')"),
    ("explorer-partnership", (1600, 1000), "explorer.setPartnership('south-lanarkshire')"),
    ("explorer-narrow", (1024, 768), "explorer.select('uncrc-article-12')"),
]


def main() -> int:
    built = build_graph(BUNDLED_DATA, check=False)
    with tempfile.TemporaryDirectory(prefix="shots-") as tmp:
        page = Path(tmp) / "graph.html"
        page.write_text(viz.render(built.nx, built.union), encoding="utf-8")
        driver = launch(Path(tmp) / "profile", 1600, 1000)
        try:
            for name, (w, h), step in STATES:
                driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                       {"width": w, "height": h, "deviceScaleFactor": 1, "mobile": False})
                driver.get("about:blank")
                driver.get(page.as_uri())
                while not driver.execute_script("return window.__ready === true"):
                    time.sleep(0.05)
                if step:
                    driver.execute_script(step, "promise")
                time.sleep(0.4)
                out = ROOT / "docs" / f"{name}.png"
                driver.save_screenshot(str(out))
                print(f"{out.relative_to(ROOT)}  {w}x{h}")
        finally:
            driver.quit()
    return 0


if __name__ == "__main__":
    sys.exit(main())
