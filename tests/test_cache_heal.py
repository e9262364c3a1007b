"""The store cache heals itself (issue 14, item 4): an entry is verified before use (its complete
marker, the sizes it records, parseable metadata, a store that opens); a damaged one is rebuilt
with one line on stderr, never a traceback; and an entry always holds the data its name says,
even when the files change during or just after a build. Real Oxigraph stores, real damage.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from graph.core.pipeline import build_graph
from graph.store import local

from .conftest import TINY

BASE = "https://w3id.org/drivers-graph/id/"


@pytest.fixture()
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("DRIVERS_CACHE_DIR", str(tmp_path / "cache"))
    data = tmp_path / "data"
    shutil.copytree(TINY, data)
    return data


def _list(data: Path):
    return CliRunner().invoke(main, ["--data", str(data), "list", "drivers", "--format", "json"])


def _show(data: Path):
    """A command that opens the store (``list`` reads back the rows kept in the entry, not the store)."""
    return CliRunner().invoke(main, ["--data", str(data), "show", "act-a", "--format", "json"])


def _entry(data: Path) -> Path:
    return local.cache_root() / local.fingerprint(data, BASE)


def _garbage_store(e: Path) -> None:
    for f in (e / "store").iterdir():
        if f.is_file():
            f.write_bytes(b"\0garbage" * 10)


DAMAGE = {
    "no-marker": lambda e: (e / "complete.json").unlink(),
    "marker-not-json": lambda e: (e / "complete.json").write_text("{", encoding="utf-8"),
    "marker-other-format": lambda e: (e / "complete.json").write_text('{"format": "0", "files": {}}'),
    "view-truncated": lambda e: (e / "view.json").write_bytes((e / "view.json").read_bytes()[:20]),
    "view-missing": lambda e: (e / "view.json").unlink(),
    "index-truncated": lambda e: (e / "why.sqlite").write_bytes((e / "why.sqlite").read_bytes()[:100]),
    "index-missing": lambda e: (e / "why.sqlite").unlink(),
    "meta-truncated": lambda e: (e / "meta.json").write_bytes((e / "meta.json").read_bytes()[:5]),
    "meta-missing": lambda e: (e / "meta.json").unlink(),
    "store-emptied": lambda e: [f.unlink() for f in (e / "store").iterdir() if f.is_file()],
    "store-missing": lambda e: shutil.rmtree(e / "store"),
    "store-garbage": _garbage_store,
}


@pytest.mark.parametrize("kind", sorted(DAMAGE))
def test_a_damaged_entry_is_rebuilt_with_one_line(env, kind):
    good = _show(env)
    assert good.exit_code == 0, good.output
    DAMAGE[kind](_entry(env))
    r = _show(env)
    assert r.exit_code == 0 and "Traceback" not in r.output, r.output
    assert r.stdout == good.stdout  # the same answer
    notes = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert len(notes) == 1 and "was damaged" in notes[0] and "rebuilding it" in notes[0], r.stderr
    again = _show(env)
    assert again.exit_code == 0 and not again.stderr.strip(), again.stderr  # healed: no notice the next time


#: a file of the entry, and a command that reads it (why reads the index, search the whole view)
IN_USE = {"why.sqlite": ["why", "action-1", "--format", "json"], "view.json": ["search", "alpha", "--format", "json"],
          "meta.json": ["show", "act-a", "--format", "json"]}


@pytest.mark.parametrize("name", sorted(IN_USE))
def test_damage_of_the_same_size_is_found_in_use_and_healed(env, name):
    good = CliRunner().invoke(main, ["--data", str(env), *IN_USE[name]])
    assert good.exit_code == 0, good.output
    path = _entry(env) / name
    path.write_bytes(b" " * path.stat().st_size)  # the marker's size still matches
    r = CliRunner().invoke(main, ["--data", str(env), *IN_USE[name]])
    assert r.exit_code == 0 and "Traceback" not in r.output, r.output
    assert "was damaged" in r.stderr
    assert r.stdout == good.stdout


def test_an_entry_holds_the_files_data_when_they_change_just_after_the_load(env):
    """`drivers build` hands its loaded graph to the cache: if a file changed after the load, the entry
    (named by the new fingerprint) is built from the files, not from the stale graph."""
    before = local.fingerprint(env, BASE)
    built = build_graph(env, BASE)
    drivers = env / "drivers.yaml"
    drivers.write_text(drivers.read_text(encoding="utf-8").replace("Alpha (Scotland) Act 2014",
                                                                   "Alpha (Scotland) Act 2015"), encoding="utf-8")
    folder = local.ensure_cache(env, BASE, built=built, built_version=before)
    assert folder.name == local.fingerprint(env, BASE)
    titles = {r["title"] for r in local.OxigraphBackend(folder).catalog().list("drivers")}
    assert "Alpha (Scotland) Act 2015" in titles and "Alpha (Scotland) Act 2014" not in titles


def test_a_build_whose_data_was_unchanged_reuses_its_graph(env):
    before = local.fingerprint(env, BASE)
    built = build_graph(env, BASE)
    folder = local.ensure_cache(env, BASE, built=built, built_version=before)
    assert local.damage(folder) is None and folder.name == before


def test_read_commands_follow_a_file_edited_between_two_runs(env):
    first = _list(env)
    drivers = env / "drivers.yaml"
    drivers.write_text(drivers.read_text(encoding="utf-8").replace("Alpha (Scotland) Act 2014",
                                                                   "Alpha (Scotland) Act 2016"), encoding="utf-8")
    second = _list(env)
    assert "Act 2014" in first.stdout and "Act 2016" in second.stdout and "Act 2014" not in second.stdout


def test_an_unwritable_cache_is_one_message(env, tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv("DRIVERS_CACHE_DIR", str(blocker / "cache"))
    r = _list(env)
    assert r.exit_code == 2 and "DRIVERS_CACHE_DIR" in r.output and "Traceback" not in r.output, r.output


def test_damage_reports_each_kind(env):
    assert _list(env).exit_code == 0
    e = _entry(env)
    assert local.damage(e) is None
    (e / "view.json").write_bytes(b"{}")
    assert "view.json" in local.damage(e)
    assert local.damage(e.with_name("nowhere")) == "missing"
    json.loads((e / "complete.json").read_text(encoding="utf-8"))
    os.utime(e)
