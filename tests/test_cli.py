"""The CLI: exit codes, outputs and errors, through click's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main

from .conftest import TINY


def run(*args: str, data: Path = TINY):
    return CliRunner().invoke(main, ["--data", str(data), *args], catch_exceptions=False)


def test_build_writes_exports_and_prints_counts(tmp_path: Path):
    out = tmp_path / "exp"
    r = run("build", "--out", str(out))
    assert r.exit_code == 0, r.output
    assert "nodes:Action" in r.output and "triples" in r.output
    names = sorted(p.name for p in out.iterdir())
    assert names == ["actions.csv", "drivers.csv", "edges.csv", "edition-2023.csv", "graph.graphml",
                     "graph.html", "graph.jsonld", "graph.nq", "graph.trig", "graph.ttl", "nodes.csv"]
    assert not [p for p in out.iterdir() if p.name.startswith(".")]


def test_validate_conforms():
    r = run("validate")
    assert r.exit_code == 0 and "Conforms" in r.output


def test_list_drivers_json_has_numbers_and_categories():
    r = run("list", "drivers", "--edition", "2023", "--format", "json")
    rows = json.loads(r.output)
    assert [(d["number"], d["id"], d["category"]) for d in rows] == [
        ("1.1", "act-a", "national"), ("2.1", "strategy-b", "local"), ("4.1", "board-c", "governance")]
    assert all({"id", "title", "number", "category"} <= set(d) for d in rows)


def test_list_actions_json_contract():
    (a,) = json.loads(run("list", "actions", "--format", "json").output)
    assert a["id"] == "action-1" and a["plan"] == "plan-p" and a["partnership"] == "north"
    assert a["source"] == "src-plan" and a["text"].startswith("Review the neglect toolkit")


def test_list_csv_and_table():
    r = run("list", "articles", "--format", "csv")
    assert r.output.splitlines()[0] == "number,id,title,clusters"
    assert "12,uncrc-article-12,Article 12 (Respect for the views of the child)" in r.output
    t = run("list", "groups")
    assert "board-c" in t.output and "(1 row)" in t.output


def test_show_by_number_lists_links_in_and_out():
    r = run("show", "2.1", "--format", "json")
    rec = json.loads(r.output)
    assert rec["id"] == "strategy-b" and rec["number"] == "2.1"
    links = {(lk["rel"], lk["direction"], lk["target"]["id"]) for lk in rec["links"]}
    assert links == {("drivenBy", "out", "act-a"), ("seeAlso", "out", "act-a"), ("drivenBy", "in", "plan-p")}
    see = next(lk for lk in rec["links"] if lk["rel"] == "seeAlso")
    assert see["target"]["number"] == "1.1" and see["source"] == "src-drivers"
    assert rec["provenance"] == {"source": "src-drivers", "document": "Strategic drivers and plans",
                                 "section": "Local drivers > 2.1"}


def test_show_text_output():
    r = run("show", "action-1")
    assert r.exit_code == 0
    assert "-> partOf Keeping children safe [theme-t]" in r.output
    assert "source: Children's Services Plan annual report [src-plan], Action plan > row 1" in r.output


def test_show_unknown_suggests_and_exits_2():
    r = run("show", "action-2")
    assert r.exit_code == 2 and "did you mean action-1" in r.output  # an unknown id is bad input (exit 2)


def test_unknown_type_and_bad_edition():
    assert run("list", "widgets").exit_code == 2
    r = run("list", "drivers", "--edition", "1999")
    assert r.exit_code == 2 and "no edition 1999" in r.output


def test_stats_json():
    counts = json.loads(run("stats", "--format", "json").output)
    assert counts["nodes"] == 12 and counts["links"] == 9 and counts["named_graphs"] == 3


@pytest.mark.parametrize("breakage, where", [
    (lambda d: (d / "plan.yaml").write_text("source: {id: src-plan, title: P}\nplans:\n  - id: [x\n"),
     "started at line 3"),
    (lambda d: (d / "plan.yaml").write_text((d / "plan.yaml").read_text().replace("to: strategy-b", "to: strategy-z")),
     "unknown id 'strategy-z'"),
])
def test_bad_data_exit_2_no_traceback_exports_untouched(tiny_copy: Path, tmp_path: Path, breakage, where):
    out = tmp_path / "exp"
    out.mkdir()
    (out / "graph.ttl").write_text("previous build\n")
    breakage(tiny_copy)
    r = CliRunner().invoke(main, ["--data", str(tiny_copy), "build", "--out", str(out)])
    assert r.exit_code == 2
    assert where in r.output and r.output.startswith("Error: ")
    assert "Traceback" not in r.output and r.exception is None or isinstance(r.exception, SystemExit)
    assert sorted(p.name for p in out.iterdir()) == ["graph.ttl"]
    assert (out / "graph.ttl").read_text() == "previous build\n"


def test_validate_exit_1_on_shape_violation(tiny_copy: Path):
    p = tiny_copy / "frameworks.yaml"
    p.write_text(p.read_text().replace('title: "Article 3 (Best interests of the child)"', 'title: "Best interests"'))
    r = CliRunner().invoke(main, ["--data", str(tiny_copy), "validate"])
    assert r.exit_code == 1 and "[ERROR] [uncrc-article-3 title]" in r.output


def test_every_command_has_help_with_an_example():
    for name, cmd in main.commands.items():
        assert cmd.help and "Example: drivers" in cmd.help, name
