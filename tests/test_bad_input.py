"""The bad-input corpus (tests/bad_input/cases.yaml): every case exits 2 with one clear message.

Each message names the file and line or id and says what to do; there is never a traceback;
the data folder is never changed; and a build from bad data leaves its --out folder untouched.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from cli import main
from graph.core.io import MAX_FILE_BYTES

from .conftest import TINY, snapshot

CORPUS = Path(__file__).resolve().parent / "bad_input"
CASES = yaml.safe_load((CORPUS / "cases.yaml").read_text(encoding="utf-8"))["cases"]


def prepare(case: dict, tmp: Path) -> Path:
    """The data folder for ``case``: tiny, the case's files laid over it, or a ``setup``."""
    data = tmp / "data"
    setup = case.get("setup")
    if setup == "no-data-folder":
        return data
    if setup == "empty-data-folder":
        data.mkdir()
        (data / "README.txt").write_text("no YAML here\n", encoding="utf-8")
        return data
    shutil.copytree(TINY, data)
    folder = CORPUS / case["name"]
    if folder.is_dir():
        for f in folder.glob("*.yaml"):  # documents for ingest/import stay in the case folder
            shutil.copy(f, data / f.name)
    if setup == "huge":
        line = "# " + "padding pasted from a spreadsheet export " * 4 + "\n"
        (data / "extra.yaml").write_text(line * (MAX_FILE_BYTES // len(line) + 10), encoding="utf-8")
    elif setup == "folder-named-yaml":
        (data / "extra.yaml").mkdir()
    elif setup == "broken-symlink":  # a file moved away on a shared drive
        (data / "extra.yaml").symlink_to(tmp / "moved-away.yaml")
    elif setup:
        raise AssertionError(f"unknown setup {setup!r} in cases.yaml")
    return data


def fill(text: str, data: Path, case: dict | None = None) -> str:
    text = text.replace("{data}", str(data)).replace("{fixtures}", str(TINY.parent))
    return text.replace("{case}", str(CORPUS / case["name"])) if case else text


def run(data: Path, args: list[str], env: dict | None = None):
    return CliRunner().invoke(main, ["--data", str(data), "--store", "rdflib", *args], env=env)


def check_message(case: dict, result, data: Path) -> None:
    out = result.output
    assert "Traceback" not in out, out
    assert "a bug in drivers" not in out, out  # the last-resort line: a case must have its own message
    # a ClickException ends the command with SystemExit; anything else escaped as a crash
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == case.get("exit", 2), out
    assert out.startswith(("Error: ", "Usage: ")), out
    for frag in case["expect"]:
        assert fill(frag, data) in out, f"{case['name']}: {fill(frag, data)!r} not in:\n{out}"
    for frag in case.get("absent", []):  # e.g. a password from the environment
        assert frag not in out, f"{case['name']}: {frag!r} must not be shown:\n{out}"


def test_corpus_is_big_and_every_folder_has_a_case():
    names = [c["name"] for c in CASES]
    assert len(names) == len(set(names)), "duplicate case names"
    assert len(names) >= 30
    folders = {p.name for p in CORPUS.iterdir() if p.is_dir() and not p.name.startswith(("_", "."))}
    assert folders <= set(names), f"folders without a case: {sorted(folders - set(names))}"
    for c in CASES:
        assert c["expect"], c["name"]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_bad_input_exits_2_with_a_located_message(case: dict, tmp_path: Path):
    data = prepare(case, tmp_path)
    before = snapshot(data)
    args = [fill(a, data, case) for a in case.get("args", ["validate"])]
    result = run(data, args, case.get("env"))
    check_message(case, result, data)
    assert snapshot(data) == before, "a failed command changed the data folder"


DATA_CASES = [c for c in CASES if "args" not in c]


@pytest.mark.parametrize("case", DATA_CASES, ids=[c["name"] for c in DATA_CASES])
def test_build_from_bad_data_leaves_exports_untouched(case: dict, tmp_path: Path):
    data = prepare(case, tmp_path)
    out = tmp_path / "exports"
    out.mkdir()
    (out / "graph.ttl").write_text("# the previous build\n", encoding="utf-8")
    before = snapshot(out)
    result = run(data, ["build", "--out", str(out)])
    check_message(case, result, data)
    assert snapshot(out) == before
    assert not list(tmp_path.glob("*.lock")), "the lock file was left behind"


def test_every_problem_line_is_located_and_actionable(tmp_path: Path):
    """Over the whole corpus, each problem line names a file (and a line or id) and gives a hint."""
    for case in DATA_CASES:
        if case.get("setup") in ("no-data-folder", "empty-data-folder"):
            continue
        data = prepare(case, tmp_path / case["name"])
        lines = [ln for ln in run(data, ["validate"]).output.splitlines() if ln.startswith("[ERROR]")]
        assert lines, case["name"]
        for ln in lines:
            where = ln.split("] ", 2)[1]
            assert ".yaml" in where, (case["name"], ln)
            assert " — " in ln, f"{case['name']}: no instruction in {ln!r}"
