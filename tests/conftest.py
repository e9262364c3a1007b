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
DATA = ROOT / "data"
SEEDS = ROOT / "data" / "seeds"  # the five source texts, copied from shared/seeds


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
