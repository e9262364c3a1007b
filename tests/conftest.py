from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from graph.core.pipeline import build_graph

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
TINY = HERE / "fixtures" / "tiny"


def _tracked_data() -> Path:
    """The checkout's ``data/``, or — when it holds files git does not track (what the README's writing
    examples leave when run in the checkout: data/editions/, data/accepted-links.yaml) — a copy of its
    tracked files as they are now (your edits kept, those files left out), so the tests never depend on
    ``data/`` being free of them. Outside a git checkout: ``data/`` as it is."""
    import atexit
    import subprocess
    import tempfile
    data = ROOT / "data"
    try:
        extra = subprocess.run(["git", "-C", str(ROOT), "ls-files", "--others", "--", "data"],
                               capture_output=True, text=True, timeout=30)
        tracked = subprocess.run(["git", "-C", str(ROOT), "ls-files", "--", "data"],
                                 capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return data
    if extra.returncode != 0 or not extra.stdout.strip() or not tracked.stdout.strip():
        return data
    tmp = Path(tempfile.mkdtemp(prefix="drivers-test-data-"))
    atexit.register(shutil.rmtree, tmp, True)
    for name in tracked.stdout.splitlines():
        src = ROOT / name
        if src.is_file():
            (tmp / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, tmp / name)
    return tmp / "data"


def pytest_report_header(config):
    if DATA != ROOT / "data":
        return [f"data/ holds files git does not track: the tests use its tracked files, copied to {DATA}"]
    return []


DATA = _tracked_data()
SEEDS = DATA / "seeds"  # the five source texts, copied from shared/seeds


@pytest.fixture(scope="session", autouse=True)
def _store_cache(tmp_path_factory):
    """The Oxigraph store cache (graph/store.py) goes to a temporary folder, not ~/.cache."""
    import os
    old = os.environ.get("DRIVERS_CACHE_DIR")
    os.environ["DRIVERS_CACHE_DIR"] = str(tmp_path_factory.mktemp("store-cache"))
    yield
    if old is None:
        os.environ.pop("DRIVERS_CACHE_DIR", None)
    else:
        os.environ["DRIVERS_CACHE_DIR"] = old


@pytest.fixture(scope="session")
def tiny_built():
    return build_graph(TINY)


@pytest.fixture(scope="session")
def real_built():
    return build_graph(DATA)


@pytest.fixture()
def tiny_copy(tmp_path: Path) -> Path:
    """A writable copy of the tiny data set, for tests that break it."""
    dest = tmp_path / "data"
    shutil.copytree(TINY, dest)
    return dest


def snapshot(folder: Path) -> dict[str, str]:
    """Every file and folder under ``folder`` (hidden ones too) -> its SHA-256 ("dir" for folders),
    to show a failed command wrote nothing."""
    if not folder.exists():
        return {}
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "dir"
            for p in sorted(folder.rglob("*"))}


@pytest.fixture()
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of the bundled data (the bundled data/ is never written by tests)."""
    dest = tmp_path / "data"
    shutil.copytree(DATA, dest)
    return dest


def edition_text(year: int, entries: list[dict], date: str | None = None) -> str:
    """The YAML of edition ``north-<year>`` (partnership ``north``) with ``entries``, to append to an
    ``editions:`` section."""
    lines = [f"  - id: north-{year}", f"    year: {year}", '    title: "Strategic drivers and plans"',
             "    partnership: north"] + ([f'    date: "{date}"'] if date else []) + ["    entries:"]
    lines += ["      - " + json.dumps(e) for e in entries]
    return "\n".join(lines) + "\n"
