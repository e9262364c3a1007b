"""Issue 15: each answer that misled a new user, on the bundled data, as a regression test.

Before the fix each of these exited 0 with a partial or wrong answer (or failed to find what the
user typed); now the command says what it means: the candidates to choose from (exit 1), or that
the input names nothing (exit 2).
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from cli import main

from .conftest import DATA


def run(*args: str):
    r = CliRunner().invoke(main, ["--data", str(DATA), *args])
    assert "Traceback" not in r.output, r.output
    return r


# -- why with a phrase several actions match: it used to answer for one of them, exit 0 ----------------

def test_an_ambiguous_phrase_lists_the_candidate_actions_and_answers_for_none():
    r = run("why", "mental health")
    assert r.exit_code == 1, r.output
    assert "actions match 'mental health'" in r.output and "none clearly best" in r.output
    assert "is part of" not in r.output  # no answer tree for an arbitrary one of them
    for col in ("id", "title", "plan", "partnership"):
        assert col in r.output.splitlines()[1]
    assert "sl-csp-i2-4-a5" in r.output and "nl-mhwr-ap-a4" in r.output
    assert "sl-csp-rights-f2" not in r.output  # a headline figure is a Finding, not an action to ask about


def test_the_ambiguous_json_lists_plan_and_partnership_per_candidate():
    r = run("why", "mental health", "--format", "json")
    assert r.exit_code == 1
    out = json.loads(r.stdout)
    assert out["error"] == "ambiguous" and len(out["candidates"]) == 23
    assert all(c["type"] == "Action" and c["plan"] and c["partnership"] for c in out["candidates"])


def test_a_phrase_that_clearly_wins_still_answers():
    r = run("why", "human and economic cost modelling")
    assert r.exit_code == 0 and "nl-ktp-cost-identify-costs" in r.output


# -- why with a driver: it used to offer unrelated "nearest actions" ------------------------------------

@pytest.mark.parametrize("key", ["4.4", "nl-continuous-improvement-group"])
def test_a_driver_given_to_why_says_it_is_a_driver(key):
    r = run("why", key)
    assert r.exit_code == 2
    assert "is a driver" in r.output and f"drivers impact {key}" in r.output
    assert "nearest" not in r.output


# -- unknown partnerships: why/impact/suggest/search ignored them ----------------------------------------

@pytest.mark.parametrize("args", [("impact", "1.17"), ("why", "human and economic cost modelling"),
                                  ("suggest", "breakfast clubs in schools"), ("search", "neglect")])
def test_an_unknown_partnership_is_an_error(args):
    r = run(*args, "--partnership", "north")
    assert r.exit_code == 2, r.output
    assert "unknown partnership 'north'" in r.output and "north-lanarkshire" in r.output


def test_impact_with_the_partnership_id_still_answers():
    r = run("impact", "1.17", "--partnership", "north-lanarkshire")
    assert r.exit_code == 0 and len(r.output.splitlines()) > 20


# -- named queries: an unknown id read as "nothing drives it"; lead=neglect found nothing ----------------

@pytest.mark.parametrize("name, param", [("what-drives", "action=does-not-exist"), ("driven-by", "driver=nope"),
                                         ("partnership-drivers", "partnership=north")])
def test_an_unknown_id_parameter_is_an_error(name, param):
    r = run("query", name, "--param", param)
    assert r.exit_code == 2, r.output
    assert "is not the id of any" in r.output and "(0 rows)" not in r.output


def test_a_named_query_that_finds_nothing_says_so():
    r = run("query", "actions-by-lead", "--param", "lead=zzzz")
    assert r.exit_code == 1 and "found nothing" in r.output


def test_actions_by_lead_finds_the_neglect_task_groups_actions():
    r = run("query", "actions-by-lead", "--param", "lead=neglect", "--format", "json")
    assert r.exit_code == 0, r.output
    rows = json.loads(r.output)
    assert sorted(x["id"] for x in rows if x["led_by"] == "nl-neglect-task-group") == [
        "nl-neglect-ap-a1", "nl-neglect-ap-a2", "nl-neglect-ap-a3", "nl-neglect-ap-a4", "nl-neglect-ap-a5",
        "nl-neglect-ap-cvs", "nl-neglect-ap-engage", "nl-neglect-ap-workforce"]


# -- show / impact by alias, acronym, title words: "no record with id or number 'CIG'" -------------------

def test_show_by_acronym_lists_both_continuous_improvement_groups():
    r = run("show", "CIG")
    assert r.exit_code == 1
    assert "2 records fit 'CIG'" in r.output
    assert "nl-continuous-improvement-group" in r.output and "sl-continuous-improvement-group" in r.output


def test_show_camhs_lists_what_it_could_mean():
    r = run("show", "camhs")
    assert r.exit_code == 1
    assert "camhs-specification-2020" in r.output and "camhs-deep-dive-report" in r.output


@pytest.mark.parametrize("key, rid", [("cyp act", "cyp-act-2014"), ("The Promise", "the-promise"),
                                      ("Continuous Improvement Task Group", "nl-continuous-improvement-group")])
def test_show_and_impact_by_a_name_that_clearly_wins(key, rid):
    r = run("show", key, "--format", "json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["id"] == rid
    r = run("impact", key, "--format", "json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["driver"]["id"] == rid


def test_an_unknown_key_is_still_not_found():
    r = run("show", "zzqx-nothing")
    assert r.exit_code == 2 and "no record with id or number" in r.output  # an unknown id is bad input


# -- a missing file was "not a readable Word file — open it in Word and save it again" ------------------

@pytest.mark.parametrize("args", [("ingest", "drivers-2024.docx", "--edition", "2024"),
                                  ("ingest", "drivers-2023.pdf", "--edition", "2023", "--check"),
                                  ("import", "drivers-2024.xlsx", "--edition", "2024")])
def test_a_missing_file_is_named_as_missing(tmp_path, args):
    import os
    old = os.getcwd()
    os.chdir(tmp_path)
    try:
        r = run(*args)
    finally:
        os.chdir(old)
    assert r.exit_code == 2
    assert ("cannot read the file" in r.output or "no such file" in r.output) and "check the path" in r.output or \
        "give the path" in r.output
    assert "save it again" not in r.output and "not a readable" not in r.output


# -- fidelity on the untouched data said "Error: 10 fields not found verbatim", exit 1 -------------------

def test_fidelity_exits_0_with_only_the_known_misses():
    r = run("fidelity")
    assert r.exit_code == 0, r.output
    assert "10 known misses" in r.output and "No new misses." in r.output and "Error" not in r.output


def test_fidelity_exits_1_on_a_new_miss(tmp_path):
    known = (DATA / "seeds" / "known-misses.txt").read_text().splitlines()
    kept = [ln for ln in known if not ln.startswith("nl-mhwr-ap-a1 ")]
    (tmp_path / "known.txt").write_text("\n".join(kept) + "\n")
    r = run("fidelity", "--known", str(tmp_path / "known.txt"))
    assert r.exit_code == 1
    assert "NEW, not found: nl-mhwr-ap-a1 text" in r.output and "1 fields not found" in r.output


def test_fidelity_says_when_a_known_miss_is_found_again(tmp_path):
    text = (DATA / "seeds" / "known-misses.txt").read_text() + "cyp-act-2014 | description | an old miss\n"
    (tmp_path / "known.txt").write_text(text)
    r = run("fidelity", "--known", str(tmp_path / "known.txt"))
    assert r.exit_code == 0 and "no longer missing (remove it from known.txt): cyp-act-2014 description" in r.output


def test_a_malformed_known_misses_line_is_exit_2(tmp_path):
    (tmp_path / "known.txt").write_text("just an id\n")
    r = run("fidelity", "--known", str(tmp_path / "known.txt"))
    assert r.exit_code == 2 and "known.txt:1" in r.output


# -- --endpoint was silently ignored by stats, validate, fidelity, suggest, review, diff -----------------

@pytest.mark.parametrize("args", [("stats",), ("validate",), ("fidelity",), ("suggest", "breakfast clubs"),
                                  ("review", "--edition", "2023"), ("diff", "2023", "2023")])
def test_a_command_that_ignores_endpoint_says_it_answers_from_local_data(args):
    r = run("--endpoint", "http://127.0.0.1:9/query?token=secret", *args)
    assert "answers from the local data folder" in r.stderr and "not from --endpoint http://127.0.0.1:9/query" in r.stderr
    assert "secret" not in r.output


def test_without_endpoint_there_is_no_note():
    r = run("stats")
    assert r.exit_code == 0 and "Note:" not in r.output


# -- list --edition printed canonical titles (1.17 "Plan 21-24"), not what the edition prints -----------

def test_list_with_an_edition_gives_its_printed_titles_beside_the_canonical_one():
    r = run("list", "drivers", "--edition", "2023", "--format", "json")
    row = next(x for x in json.loads(r.output) if x["number"] == "1.17")
    assert row["title"] == "Plan 21-24"
    assert row["edition_title"] == "The Promise The Plan 2021-24" and row["summary_title"] == "The Promise Plan 2021-24"
    table = run("list", "drivers", "--edition", "2023").output
    assert "edition_title" in table.splitlines()[0] and "The Promise Plan 2021-24" in table


def test_show_with_an_edition_and_the_edition_export_give_the_printed_title(tmp_path):
    r = run("show", "1.17", "--edition", "2023")
    assert "printed in 2023: The Promise The Plan 2021-24  (Summary table: The Promise Plan 2021-24)" in r.output
    import csv
    rows = list(csv.DictReader((DATA.parent / "exports" / "edition-2023.csv").open(encoding="utf-8")))
    row = next(x for x in rows if x["number"] == "1.17")
    assert (row["title"], row["edition_title"], row["summary_title"]) == (
        "Plan 21-24", "The Promise The Plan 2021-24", "The Promise Plan 2021-24")
