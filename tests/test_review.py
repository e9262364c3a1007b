"""The refresh checklist (review) and starting next year's edition (refresh)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from graph.refresh import review as rv
from graph.core.errors import UsageError
from graph.core.loader import load, load_text

from .conftest import DATA, edition_text as edition, snapshot

HEAD = """source: {id: src-x, title: "Strategic drivers and plans", partnership: north}
partnerships:
  - {id: north, title: "North", section: "Cover"}
drivers:
  - {id: act-a, title: "Alpha Act 2014", kind: act, section: "1.1"}
  - {id: bill-e, title: "Epsilon (Scotland) Bill 2021", kind: bill, section: "1.2"}
  - {id: plan-b, title: "Beta Plan 2020-2023", kind: plan, end_year: 2023, section: "2.1"}
  - {id: plan-c, title: "Gamma Plan 2022-2025", kind: plan, section: "2.2"}
  - {id: group-d, title: "Delta Group", kind: group, section: "4.1", links: [{rel: seeAlso, to: plan-c}]}
actions:
  - {id: act-1, title: "Do beta", text: "Do beta.", section: "row 1", links: [{rel: drivenBy, to: plan-b}]}
editions:
"""


E2023 = [
    {"number": "1.1", "driver": "act-a", "category": "national", "title": "Alpha Act 2014", "summary": "Duties.",
     "links_text": ["Alpha (legislation.gov.uk)"]},
    {"number": "1.2", "driver": "bill-e", "category": "national", "title": "Epsilon (Scotland) Bill 2021",
     "summary": "The Bill has not been enacted yet. The Bill became an Act of Parliament on 2 May 2024",
     "links_text": ["x"]},
    {"number": "2.1", "driver": "plan-b", "category": "local", "title": "Beta Plan 2020-2023", "summary": "Beta.",
     "summary_title": "Beta Plan", "links_text": ["x"]},
    {"number": "2.2", "driver": "plan-c", "category": "local", "title": "Gamma Plan 2022-2025", "summary": "G.",
     "summary_number": "2.1", "links_text": ["x"]},
    {"number": "2.4", "driver": "group-d", "category": "local", "title": "Delta Group", "detail_number": "",
     "summary": "Oversees the Beta Plan (see 2.1) and the Gamma Plan (2.2) and (see 2.9).", "refs": ["2.1", "2.2"]},
]


def findings(entries=E2023, as_of=None, extra: str = ""):
    data = load_text({"x.yaml": HEAD + edition(2023, entries, "2023-11") + extra})
    return rv.review(data, data.edition_for_year(2023), as_of)


def kinds(fs, number):
    return sorted(f["kind"] for f in fs if f["number"] == number)


def test_every_kind_worked_out_by_hand():
    fs = findings(as_of="2024-06-01")
    assert all(set(f) >= {"number", "title", "kind", "message"} for f in fs)
    assert kinds(fs, "1.1") == []
    assert kinds(fs, "1.2") == ["bill-status"]
    assert "2 May 2024" in next(f["message"] for f in fs if f["kind"] == "bill-status")
    assert kinds(fs, "2.1") == ["expired", "expired-driver-action", "title-mismatch"]
    assert kinds(fs, "2.2") == ["duplicate-number", "ending-soon"]        # 2025 inferred from the title
    assert next(f for f in fs if f["kind"] == "ending-soon")["inferred"] is True
    assert kinds(fs, "2.3") == ["missing-number"]                          # a gap in the true numbering
    assert kinds(fs, "2.4") == ["dangling-reference", "missing-link", "missing-link", "unnumbered"]
    messages = " ".join(f["message"] for f in fs if f["number"] == "2.4")
    assert "(2.9)" in messages and "no web link" in messages and "plan-b" in messages
    action = next(f for f in fs if f["kind"] == "expired-driver-action")
    assert action["action"] == "act-1" and action["driver"] == "plan-b"


def test_as_of_date_moves_expiry():
    assert kinds(findings(as_of="2022"), "2.1") == ["ending-soon", "title-mismatch"]
    assert "expired" in kinds(findings(as_of="2030-01-01"), "2.2")
    assert "expired" not in kinds(findings(as_of="2023-11"), "2.1")
    assert "expired" in kinds(findings(), "2.1")            # default: today, long after 2023
    with pytest.raises(UsageError):
        findings(as_of="next year")


def test_reference_that_pointed_elsewhere_last_year_is_flagged():
    # 2024: Gamma and Beta swap numbers, but Delta's "(see 2.1)" was not updated
    data = load_text({"x.yaml": HEAD + edition(2023, E2023) + edition(2024, [
        E2023[0], E2023[1], {**E2023[3], "number": "2.1", "summary_number": "2.1"}, {**E2023[2], "number": "2.2"},
        {**E2023[4], "summary": "Oversees the Beta Plan (see 2.1).", "refs": ["2.1"]}])})
    fs = rv.review(data, data.edition_for_year(2024), "2024")
    dangling = [f for f in fs if f["kind"] == "dangling-reference"]
    assert any("pointed at plan-b in north-2023, which is now 2.2" in f["message"] for f in dangling), dangling


def test_checks_are_an_extendable_list(monkeypatch):
    def check_everything_is_fine(ctx):
        return [rv.finding(ctx.entries[0], "unlinked-action", "an extra check ran")]
    monkeypatch.setattr(rv, "CHECKS", [*rv.CHECKS, check_everything_is_fine])
    fs = findings()
    assert [f["message"] for f in fs if f["kind"] == "unlinked-action"] == ["an extra check ran"]


def test_real_2023_edition_findings():
    data = load(DATA)
    fs = rv.review(data, data.edition_for_year(2023), "2024-06-01")
    by = {(f["number"], f["kind"]) for f in fs}
    assert ("1.12", "bill-status") in by                     # "The Bill became an Act of Parliament ..."
    assert ("3.3", "expired") in by                          # PACE, end year 2020
    assert ("3.3", "expired-driver-action") in by            # the PACE actions in the 2018-19 report
    assert ("1.7", "duplicate-number") in by                 # the Summary prints 1.6 twice
    assert ("2.12", "missing-number") in by                  # printed '0.40'
    assert ("1.11", "title-mismatch") in by
    assert ("2.4", "expired") in by                          # NHS CYP Health Plan 2021-23
    assert ("4.2", "missing-link") in by                     # no web link printed
    assert not [f for f in fs if f["kind"] == "dangling-reference"]


def test_review_defaults_to_today_not_the_edition_date():
    from graph.refresh.review import parse_as_of
    import datetime

    assert parse_as_of(None, today=datetime.date(2031, 5, 2)) == 2031
    assert parse_as_of("2024-06-01") == 2024
    assert parse_as_of(None) == datetime.date.today().year


def test_cli_review_exit_codes_and_formats():
    r = CliRunner().invoke(main, ["--data", str(DATA), "review", "--edition", "2023", "--as-of", "2024-06-01",
                                  "--format", "json"])
    assert r.exit_code == 1
    assert {"bill-status", "expired"} <= {f["kind"] for f in json.loads(r.stdout)}
    r = CliRunner().invoke(main, ["--data", str(DATA), "review", "--edition", "2023", "--format", "md"])
    assert r.exit_code == 1 and "# Refresh checklist: nl-drivers-2023" in r.stdout and "- [ ] **" in r.stdout
    # without --as-of the review is as of today, not of the edition's date (2023-11)
    import datetime
    assert f"reviewed as of {datetime.date.today().year}" in r.stdout
    r = CliRunner().invoke(main, ["--data", str(DATA), "review", "--edition", "2023", "--as-of", "June"])
    assert r.exit_code == 2 and "--as-of" in r.output


# --- refresh ----------------------------------------------------------------------------------

def test_refresh_starts_2024_in_a_copy_and_writes_the_checklist(tmp_path: Path):
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    bundled = snapshot(DATA)
    checklist = tmp_path / "refresh-2024.md"
    run = CliRunner().invoke
    r = run(main, ["--data", str(data), "refresh", "--from", "2023", "--to", "2024", "--checklist", str(checklist)])
    assert r.exit_code == 0, r.output
    written = data / "editions" / "nl-drivers-2024.yaml"
    loaded = load(data)
    ed = loaded.edition_for_year(2024)
    assert ed.id == "nl-drivers-2024" and len(ed.entries) == 63
    assert [e.driver for e in ed.entries] == [e.driver for e in loaded.edition_for_year(2023).entries]
    assert all("note" not in e.fields for e in ed.entries)   # the 2023 extract's notes stay behind
    text = checklist.read_text(encoding="utf-8")
    assert "# Refresh checklist: nl-drivers-2024" in text and "## expired" in text and "1.12" in text
    assert "3.3 Permanence and Care Excellence" in text
    # nothing changed between the two yet
    r = run(main, ["--data", str(data), "diff", "2023", "2024", "--format", "json"])
    d = json.loads(r.stdout)
    assert not (d["added"] or d["removed"] or d["renumbered"]) and d["changed"] == []
    # again without --force: refused, nothing touched; with --force: same bytes
    first = written.read_bytes()
    r = run(main, ["--data", str(data), "refresh", "--from", "2023", "--to", "2024", "--checklist", str(checklist)])
    assert r.exit_code == 2 and "already exists" in r.output
    r = run(main, ["--data", str(data), "refresh", "--from", "2023", "--to", "2024", "--checklist", str(checklist),
                   "--force"])
    assert r.exit_code == 0 and written.read_bytes() == first
    assert run(main, ["--data", str(data), "validate"]).exit_code == 0
    assert snapshot(DATA) == bundled


def test_refresh_backwards_is_refused(tmp_path: Path):
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    r = CliRunner().invoke(main, ["--data", str(data), "refresh", "--from", "2023", "--to", "2022",
                                  "--checklist", str(tmp_path / "c.md")])
    assert r.exit_code == 2 and "must be after" in r.output
    assert not (data / "editions").exists() and not (tmp_path / "c.md").exists()
