"""``drivers init``: a working folder, so the writing commands never touch the bundled data."""

from __future__ import annotations

import hashlib
from pathlib import Path

import yaml
from click.testing import CliRunner

from cli import main
from graph.core.paths import bundled_data


def run(*args: str, cwd: Path | None = None):
    runner = CliRunner()
    if cwd is None:
        return runner.invoke(main, list(args), catch_exceptions=False)
    import os
    old = os.getcwd()
    os.chdir(cwd)
    try:
        return runner.invoke(main, list(args), catch_exceptions=False)
    finally:
        os.chdir(old)


def digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_init_copies_the_bundled_data_and_the_writing_commands_stay_in_the_folder(tmp_path: Path):
    before = digest(bundled_data())
    work = tmp_path / "work"
    r = run("init", str(work))
    assert r.exit_code == 0, r.output
    assert digest(work / "data") == before
    # the README's writing examples, run in the folder
    r = run("refresh", "--from", "2023", "--to", "2024", "--checklist", "refresh-2024.md", cwd=work)
    assert r.exit_code == 0, r.output
    r = run("accept", "sl-csp-fy-c4", "camhs-specification-2020", "--note", "Agreed at the CSP board, 5 March",
            "--by", "J Smith", cwd=work)
    assert r.exit_code == 0, r.output
    assert (work / "data" / "editions" / "nl-drivers-2024.yaml").is_file()
    assert (work / "data" / "accepted-links.yaml").is_file()
    assert (work / "refresh-2024.md").is_file()
    assert digest(bundled_data()) == before


def test_init_refuses_a_non_empty_folder_without_force(tmp_path: Path):
    (tmp_path / "notes.txt").write_text("mine")
    r = run("init", str(tmp_path))
    assert r.exit_code == 2
    assert "not empty" in r.output and "--force" in r.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]
    r = run("init", str(tmp_path), "--force")
    assert r.exit_code == 0, r.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "notes.txt"]
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_force_replaces_the_data_folder_whole(tmp_path: Path):
    assert run("init", str(tmp_path), "--partnership", "fife", "--name", "Fife").exit_code == 0
    assert run("init", str(tmp_path), "--force").exit_code == 0
    assert not (tmp_path / "data" / "legislation.yaml").exists()
    assert digest(tmp_path / "data") == digest(bundled_data())


def test_partnership_skeleton_builds_and_has_the_reference_lists(tmp_path: Path):
    r = run("init", str(tmp_path / "fife"), "--partnership", "fife", "--name", "Fife Children's Services Partnership")
    assert r.exit_code == 0, r.output
    data = tmp_path / "fife" / "data"
    assert sorted(p.name for p in (data / "reference").iterdir()) == [
        "national-outcomes.yaml", "promise.yaml", "quality-indicators.yaml", "shanarri.yaml", "uncrc.yaml"]
    parts = yaml.safe_load((data / "partnerships.yaml").read_text())["partnerships"]
    assert parts == [{"id": "fife", "title": "Fife Children's Services Partnership", "section": "drivers init"}]
    leg = yaml.safe_load((data / "legislation.yaml").read_text())
    kinds = {d["kind"] for d in leg["drivers"]}
    ids = {d["id"] for d in leg["drivers"]}
    assert {"cyp-act-2014", "equality-act-2010", "the-promise", "promise-plan-2021-24"} <= ids
    assert "act" in kinds and "nl-childrens-services-plan-2023-26" not in ids
    assert not [i for i in ids if i.startswith("nl-")]
    r = run("--data", str(data), "validate")
    assert r.exit_code == 0, r.output
    r = run("--data", str(data), "stats", "--format", "json")
    assert '"nodes:Partnership": 1' in r.output and "nodes:Action" not in r.output


def test_with_national_adds_the_national_drivers(tmp_path: Path):
    plain, nat = tmp_path / "a", tmp_path / "b"
    assert run("init", str(plain), "--partnership", "fife", "--name", "Fife").exit_code == 0
    assert run("init", str(nat), "--partnership", "fife", "--name", "Fife", "--with-national").exit_code == 0
    few = {d["id"] for d in yaml.safe_load((plain / "data" / "legislation.yaml").read_text())["drivers"]}
    many = {d["id"] for d in yaml.safe_load((nat / "data" / "national-drivers.yaml").read_text())["drivers"]}
    assert few < many
    assert {"mental-health-strategy-2017-27", "uncrc"} <= many - few
    assert run("--data", str(nat / "data"), "validate").exit_code == 0


def test_bad_partnership_options_exit_2_and_write_nothing(tmp_path: Path):
    for args in (["--partnership", "Fife Council", "--name", "Fife"], ["--partnership", "fife"],
                 ["--name", "Fife"], ["--with-national"]):
        target = tmp_path / "x"
        r = run("init", str(target), *args)
        assert r.exit_code == 2, (args, r.output)
        assert "Traceback" not in r.output
        assert not target.exists() or not any(target.iterdir())
