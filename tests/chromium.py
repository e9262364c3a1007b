"""Headless Debian Chromium with the network off, driven by Selenium and Debian's chromium-driver.

Shared by tests/test_browser.py and benchmarks/viz_open.py so both open pages the same way.
"""

from __future__ import annotations

from pathlib import Path

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
         "--disable-extensions", "--disable-default-apps")


def launch(profile: Path, width: int, height: int, console_log: bool = False, offline: bool = True):
    """A Chrome WebDriver with its own profile folder, a fixed viewport and the network emulated offline
    (``offline=False`` for a page served from loopback by ``drivers serve``: background networking
    stays off either way)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for arg in (*FLAGS, f"--user-data-dir={profile}"):
        opts.add_argument(arg)
    if console_log:
        opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
    if offline:
        driver.execute_cdp_cmd("Network.enable", {})
        driver.execute_cdp_cmd("Network.emulateNetworkConditions", {"offline": True, "latency": 0,
                                                                    "downloadThroughput": 0, "uploadThroughput": 0})
    return driver



def wait_ready(driver, timeout: float = 30.0) -> None:
    """Wait until the explorer says it is ready (``window.__ready``, set once its data is drawn): on a
    busy machine ChromeDriver can hand back a reload of the same URL while it is still parsing."""
    import time
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if driver.execute_script("return window.__ready === true"):
            return
        time.sleep(0.05)
    raise AssertionError(f"the page did not become ready in {timeout:.0f}s; console: {driver.get_log('browser')}")
