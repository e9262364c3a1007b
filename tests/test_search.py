"""`drivers search` (graph/answers/search.py) on the bundled data: what officers type finds what they mean.

The same ranking as the explorer's search box: exact id, number, title or alias first, then
acronyms, whole-word phrases in titles, then action text; whole words only.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from cli import main
from graph.answers.search import SearchIndex, search

from .conftest import DATA


@pytest.fixture(scope="module")
def index(real_built):
    return SearchIndex(real_built.nx, real_built.union)


def first(index, text, **kw):
    rows = search(index, text, **kw)
    return rows[0]["id"] if rows else None


@pytest.mark.parametrize("text, expected", [
    ("The Promise", "the-promise"),                     # a title, not a foundation called "Care"
    ("promise", "the-promise"),
    ("CIG", "nl-continuous-improvement-group"),          # an alias (and acronym) of driver 4.4
    ("4.4", "nl-continuous-improvement-group"),          # a driver's number in the newest edition
    ("Continuous Improvement Group", "nl-continuous-improvement-group"),
    ("article 12", "uncrc-article-12"),
    ("nl-neglect-ap-a1", "nl-neglect-ap-a1"),            # an id
    ("human and economic cost modelling", "nl-ktp-cost-modelling"),
])
def test_what_people_type_comes_first(index, text, expected):
    assert first(index, text) == expected


def test_whole_words_only_and_action_text(index, real_built):
    hits = [r["id"] for r in search(index, "LIAM", top=500)]
    assert all("parliament" not in (real_built.nx.nodes[h].get("title") or "").lower() or
               "liam" in (real_built.nx.nodes[h].get("title") or "").lower().split() for h in hits)
    G = real_built.nx
    action = "nl-neglect-ap-a1"
    words = " ".join(G.nodes[action]["text"].split()[2:7])
    assert action in [r["id"] for r in search(index, words, top=20)]


def test_among_equal_matches_the_chosen_partnership_comes_first(index):
    # both partnerships have a "Continuous Improvement Group" (north's as an alias of driver 4.4)
    q = "Continuous Improvement Group"
    assert first(index, q, partnership="south-lanarkshire") == "sl-continuous-improvement-group"
    assert first(index, q, partnership="north-lanarkshire") == "nl-continuous-improvement-group"


def test_nothing_found_and_empty_text(index):
    assert search(index, "") == [] and search(index, "   ") == []
    assert search(index, "zzzqqqxxx") == []
    r = CliRunner().invoke(main, ["--data", str(DATA), "search", "zzzqqqxxx"])
    assert r.exit_code == 1 and "nothing matches" in r.output


def test_cli_json_is_the_library_answer(index):
    r = CliRunner().invoke(main, ["--data", str(DATA), "search", "CIG", "--format", "json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.output) == search(index, "CIG")
