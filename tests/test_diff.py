"""Diff between editions: matched by driver id, renumbering apart from change, refs by target."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from graph.refresh.diff import diff_editions, diff_markdown, diff_rows, is_empty
from graph.core.loader import load_text

from .conftest import DATA, edition_text as edition

HEAD = """source: {id: src-x, title: "Strategic drivers and plans", partnership: north}
partnerships:
  - {id: north, title: "North", section: "Cover"}
drivers:
  - {id: act-a, title: "Alpha Act 2014", kind: act, section: "1.1"}
  - {id: plan-b, title: "Beta Plan 2020-2023", kind: plan, section: "2.1"}
  - {id: plan-c, title: "Gamma Plan", kind: plan, section: "2.2"}
  - {id: group-d, title: "Delta Group", kind: group, section: "4.1"}
editions:
"""


A = [
    {"number": "1.1", "driver": "act-a", "category": "national", "title": "Alpha Act 2014", "summary": "Duties."},
    {"number": "2.1", "driver": "plan-b", "category": "local", "title": "Beta Plan 2020-2023", "summary": "Beta."},
    {"number": "2.2", "driver": "plan-c", "category": "local", "title": "Gamma Plan", "summary": "Gamma."},
    {"number": "4.1", "driver": "group-d", "category": "governance", "title": "Delta Group",
     "summary": "Oversees the Gamma Plan (see 2.2).", "refs": ["2.2"]},
]


def editions(b: list[dict]):
    data = load_text({"x.yaml": HEAD + edition(2023, A) + edition(2024, b)})
    return data.edition_for_year(2023), data.edition_for_year(2024)


def test_identical_editions_have_an_empty_diff():
    a, b = editions(A)
    d = diff_editions(a, b)
    assert is_empty(d) and d["from"] == "north-2023" and d["to"] == "north-2024"
    assert "No changes." in diff_markdown(d)


def test_removed_driver_renumbers_the_next_and_a_moved_reference_is_no_change():
    b = [A[0], {**A[2], "number": "2.1"},
         {**A[3], "summary": "Oversees the Gamma Plan (see 2.1).", "refs": ["2.1"]}]
    d = diff_editions(*editions(b))
    assert d["removed"] == [{"number": "2.1", "title": "Beta Plan 2020-2023", "driver": "plan-b", "fields": []}]
    assert d["renumbered"] == [{"from": "2.2", "to": "2.1", "title": "Gamma Plan", "driver": "plan-c"}]
    assert d["added"] == [] and d["changed"] == []


def test_reference_to_a_different_driver_is_a_change():
    b = [A[0], A[1], A[2], {**A[3], "summary": "Oversees the Gamma Plan (see 2.1).", "refs": ["2.1"]}]
    d = diff_editions(*editions(b))
    assert d["changed"] == [{"number": "4.1", "title": "Delta Group", "driver": "group-d",
                             "fields": ["summary", "refs"], "formatting": [], "changes": [
                                 {"field": "summary", "old": "Oversees the Gamma Plan (see 2.2).",
                                  "new": "Oversees the Gamma Plan (see 2.1).", "formatting_only": False},
                                 {"field": "refs", "old": ["2.2"], "new": ["2.1"], "formatting_only": False}]}]
    assert d["renumbered"] == [] and d["formatting"] == []


def test_retitled_and_added_and_field_changes():
    b = [{**A[0], "title": "Alpha Act 2014 (amended)", "links_text": ["Alpha (gov.scot)"]}, A[1], A[2],
         {"number": "2.3", "driver": "group-d", "category": "local", "title": "Delta Group", "summary": "Oversees the "
          "Gamma Plan (see 2.2).", "refs": ["2.2"]}]
    d = diff_editions(*editions(b))
    assert [(r["number"], r["fields"]) for r in d["changed"]] == [("1.1", ["title", "links_text"]),
                                                                   ("2.3", ["category"])]
    assert d["changed"][0]["changes"][0] == {"field": "title", "old": "Alpha Act 2014",
                                             "new": "Alpha Act 2014 (amended)", "formatting_only": False}
    assert d["changed"][0]["changes"][1]["old"] is None and d["changed"][0]["changes"][1]["new"] == ["Alpha (gov.scot)"]
    assert d["renumbered"] == [{"from": "4.1", "to": "2.3", "title": "Delta Group", "driver": "group-d"}]
    rows = diff_rows(d)
    assert [r["change"] for r in rows] == ["renumbered", "changed", "", "changed"]
    assert rows[1]["detail"] == "title: 'Alpha Act 2014' → 'Alpha Act 2014 (amended)'"
    assert rows[2]["detail"] == "links_text: (none) → 'Alpha (gov.scot)'"
    md = diff_markdown(d)
    assert "  - title: 'Alpha Act 2014' → 'Alpha Act 2014 (amended)'" in md


@pytest.mark.parametrize("old, new", [
    ("Beta Plan 2020-2023", "Beta Plan 2020 – 2023"),          # spaces and an en dash
    ("The Children’s Plan", "The Children's Plan"),            # curly apostrophe
    ('The "Promise"', "The “Promise”"),                        # curly quotes
    ("Two  spaces and\na line break", "Two spaces and a line break"),
])
def test_formatting_only_differences_are_listed_apart_from_real_changes(old, new):
    a = [{**A[0], "title": old}, *A[1:]]
    b = [{**A[0], "title": new}, {**A[1], "summary": "Beta, revised."}, *A[2:]]
    data = load_text({"x.yaml": HEAD + edition(2023, a) + edition(2024, b)})
    d = diff_editions(data.edition_for_year(2023), data.edition_for_year(2024))
    assert [r["number"] for r in d["changed"]] == ["2.1"]          # the real change
    assert [(r["number"], r["formatting"], r["fields"]) for r in d["formatting"]] == [("1.1", ["title"], [])]
    assert d["formatting"][0]["changes"] == [{"field": "title", "old": old, "new": new, "formatting_only": True}]
    assert not is_empty(d)
    md = diff_markdown(d)
    assert "## Formatting only (white space, dashes, quotes) (1)" in md and "## Changed (1)" in md


def test_a_real_change_is_never_formatting_only():
    b = [{**A[0], "title": "Alpha Act 2015"}, {**A[1], "title": "Beta plan 2020-2023"}, *A[2:]]   # a digit, a case
    d = diff_editions(*editions(b))
    assert [r["number"] for r in d["changed"]] == ["1.1", "2.1"] and d["formatting"] == []


def test_long_text_change_shows_the_words_that_changed():
    b = [A[0], A[1], A[2], {**A[3], "summary": "Oversees the Gamma Plan (see 2.2). " + "It meets monthly. " * 8
                            + "It reports to the board."}]
    a = [*A[:3], {**A[3], "summary": "Oversees the Gamma Plan (see 2.2). " + "It meets monthly. " * 8
                  + "It reports to the council."}]
    data = load_text({"x.yaml": HEAD + edition(2023, a) + edition(2024, b)})
    d = diff_editions(data.edition_for_year(2023), data.edition_for_year(2024))
    row = next(r for r in diff_rows(d) if r["number"] == "4.1")
    assert "[-council.-] [+board.+]" in row["detail"] and row["detail"].startswith("summary: …")


def test_cli_formats_and_unknown_edition(tmp_path: Path):
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    r = CliRunner().invoke(main, ["--data", str(data), "diff", "2023", "nl-drivers-2023"])
    assert r.exit_code == 0 and "No changes" in r.output
    r = CliRunner().invoke(main, ["--data", str(data), "diff", "2023", "2031", "--format", "md"])
    assert r.exit_code == 2 and "no edition for 2031" in r.output
    r = CliRunner().invoke(main, ["--data", str(data), "diff", "2023", "not-an-edition"])
    assert r.exit_code == 2 and "not an edition year or id" in r.output


@pytest.mark.parametrize("fmt", ["table", "md", "json"])
def test_cli_output_formats_on_the_hand_made_edition(tmp_path: Path, fmt: str):
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    fixture = Path(__file__).resolve().parent / "fixtures" / "editions" / "nl-drivers-2024.md"
    runner = CliRunner()
    assert runner.invoke(main, ["--data", str(data), "ingest", str(fixture), "--edition", "2024"]).exit_code == 0
    r = runner.invoke(main, ["--data", str(data), "diff", "2023", "2024", "--format", fmt])
    assert r.exit_code == 0
    if fmt == "json":
        assert len(json.loads(r.stdout)["renumbered"]) == 6
    elif fmt == "md":
        assert "## Renumbered (6)" in r.stdout and "3.4 → 3.3 Child Protection Improvement Programme" in r.stdout
    else:
        assert "renumbered  3.3" in r.stdout and "(12 rows)" in r.stdout
        assert "title: 'UNCRC (Incorporation) (Scotland) Bill 2020' → " in r.stdout
