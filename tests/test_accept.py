"""`drivers accept`: a suggestion becomes a stated link citing the officer's decision, written to
its own data file (a top-level links: section), atomically, after checking; source files untouched."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from graph.answers import accept as ac
from graph.answers import inferred
from graph.core.errors import DataError
from graph.core.loader import load, load_text
from graph.core.pipeline import build_graph

from .conftest import TINY, snapshot


def run(data: Path, *args: str):
    return CliRunner().invoke(main, ["--data", str(data), "--store", "rdflib", *args])


def test_accept_appends_a_stated_link_citing_the_officer(tiny_copy: Path):
    before = snapshot(tiny_copy)
    r = run(tiny_copy, "accept", "action-1", "act-a", "--rel", "drivenBy", "--note", "Agreed at the board: 'yes' #1",
            "--by", "J Smith", "--date", "2026-11-23")
    assert r.exit_code == 0, r.output
    after = snapshot(tiny_copy)
    assert {k: v for k, v in after.items() if k != ac.FILE_NAME} == before  # the source files are untouched
    data = load(tiny_copy)
    links = [lk for lk in data.records["action-1"].links if lk.to == "act-a"]
    assert len(links) == 1
    lk = links[0]
    assert (lk.rel, lk.source, lk.quote) == ("drivenBy", ac.SOURCE_ID, "Agreed at the board: 'yes' #1")
    assert lk.section == "Accepted by J Smith on 2026-11-23"
    assert data.sources[ac.SOURCE_ID].title == "Links accepted by officers"


def test_the_accepted_link_is_stated_in_its_own_named_graph_and_shown_by_why(tiny_copy: Path):
    run(tiny_copy, "accept", "action-1", "act-a", "--note", "Officer decision", "--date", "2026-11-23")
    b = build_graph(tiny_copy)
    assert b.report.conforms, b.report.text()
    names = {str(g.identifier).rsplit("/", 1)[-1] for g in b.dataset.graphs()}
    assert ac.SOURCE_ID in names
    d = b.nx.get_edge_data("action-1", "act-a")
    assert [x["source"] for x in d.values()] == [ac.SOURCE_ID] and [x["rel"] for x in d.values()] == ["drivenBy"]
    r = run(tiny_copy, "why", "action-1", "--format", "json")
    step = next(x for x in json.loads(r.output)["drivers"] if x["id"] == "act-a")["path"][-1]
    assert step["source"]["document"] == "Links accepted by officers" and "inferred" not in step


def test_second_accept_appends_and_keeps_the_header_comments(tiny_copy: Path):
    run(tiny_copy, "accept", "action-1", "act-a", "--note", "first", "--date", "2026-11-23")
    r = run(tiny_copy, "accept", "action-1", "strategy-b", "--rel", "alignsWith", "--note", "second",
            "--date", "2026-11-24")
    assert r.exit_code == 0, r.output
    text = (tiny_copy / ac.FILE_NAME).read_text(encoding="utf-8")
    assert text.startswith("# Links accepted by officers") and text.count("- from: action-1") == 2
    assert [lk.to for lk in load(tiny_copy).records["action-1"].links][-2:] == ["act-a", "strategy-b"]


@pytest.mark.parametrize("args, message", [
    (["nope-1", "act-a", "--note", "x"], "unknown ACTION-ID 'nope-1'"),
    (["action-1", "act-aa", "--note", "x"], "did you mean act-a"),
    (["action-1", "act-a", "--rel", "causes", "--note", "x"], "unknown relation 'causes'"),
    (["action-1", "act-a", "--note", "  "], "--note is required"),
    (["action-1", "theme-t", "--rel", "partOf", "--note", "x"], "already stated"),
    (["action-1", "theme-t", "--note", "x"], "give --rel"),
])
def test_bad_accepts_exit_2_and_write_nothing(tiny_copy: Path, args, message):
    before = snapshot(tiny_copy)
    r = run(tiny_copy, "accept", *args)
    assert r.exit_code == 2, r.output
    assert message in r.output and "Traceback" not in r.output
    assert snapshot(tiny_copy) == before


def test_accepting_the_same_link_twice_is_refused(tiny_copy: Path):
    assert run(tiny_copy, "accept", "action-1", "act-a", "--note", "x").exit_code == 0
    before = snapshot(tiny_copy)
    r = run(tiny_copy, "accept", "action-1", "act-a", "--note", "again")
    assert r.exit_code == 2 and "already stated" in r.output and ac.SOURCE_ID in r.output
    assert snapshot(tiny_copy) == before


def test_accept_keeps_the_suggestion_score_and_drops_it_from_the_store(tiny_copy: Path, tmp_path: Path):
    store = tmp_path / "s.json"
    inferred.save(store, [inferred.InferredLink("action-1", "drivenBy", "act-a", 0.42, "bm25+thesaurus+neighbours"),
                          inferred.InferredLink("action-1", "drivenBy", "strategy-b", 0.2, "m")])
    r = run(tiny_copy, "accept", "action-1", "act-a", "--note", "ok", "--suggestions", str(store))
    assert r.exit_code == 0 and "score 0.420" in r.output, r.output
    assert [lk.to for lk in inferred.load(store)] == ["strategy-b"]
    text = (tiny_copy / ac.FILE_NAME).read_text(encoding="utf-8")
    assert "score: 0.42" in text and "method: bm25+thesaurus+neighbours" in text


def test_a_file_whose_last_section_is_not_links_is_not_written(tiny_copy: Path):
    path = tiny_copy / ac.FILE_NAME
    path.write_text(ac.HEADER + "  - {from: action-1, rel: drivenBy, to: strategy-b, note: ok}\n"
                    "drivers: []\n", encoding="utf-8")
    before = snapshot(tiny_copy)
    r = run(tiny_copy, "accept", "action-1", "act-a", "--note", "x")
    assert r.exit_code == 2 and "not written" in r.output, r.output
    assert snapshot(tiny_copy) == before


# -- the loader's top-level links: section -----------------------------------------------------

def _texts(extra: str) -> dict[str, str]:
    files = {p.name: p.read_text(encoding="utf-8") for p in TINY.glob("*.yaml")}
    files["accepted.yaml"] = "source: {id: src-x, title: Decisions}\nlinks:\n" + extra
    return files


def test_loader_adds_links_to_records_defined_in_other_files():
    data = load_text(_texts("  - {from: action-1, rel: drivenBy, to: act-a, note: 'why', by: A, date: '2026-01-02'}\n"))
    lk = data.records["action-1"].links[-1]
    assert (lk.to, lk.source, lk.quote, lk.section, lk.file) == ("act-a", "src-x", "why", "Accepted by A on 2026-01-02",
                                                                 "accepted.yaml")


@pytest.mark.parametrize("entry, message", [
    ("  - {from: nobody, rel: drivenBy, to: act-a, note: n}\n", "starts from unknown id 'nobody'"),
    ("  - {from: action-1, rel: drivenBy, to: nothing, note: n}\n", "unknown id 'nothing'"),
    ("  - {from: action-1, rel: drivenBy, to: act-a}\n", "has no 'note'"),
    ("  - {from: action-1, rel: drives, to: act-a, note: n}\n", "unknown relation 'drives'"),
    ("  - {from: action-1, rel: drivenBy, to: act-a, note: n, colour: red}\n", "unknown field(s) in link: colour"),
    ("  - {from: action-1, rel: drivenBy, to: act-a, note: n}\n  - {from: action-1, rel: drivenBy, to: act-a, note: m}\n",
     "listed twice"),
])
def test_loader_rejects_bad_links_with_file_and_line(entry, message):
    with pytest.raises(DataError) as exc:
        load_text(_texts(entry))
    text = str(exc.value)
    assert message in text and "accepted.yaml:" in text


def test_two_accepts_at_once_both_land(tiny_copy: Path):
    """Two officers accepting at the same moment: the write lock serialises read-check-append, so
    neither link is lost (without it the second rename would drop the first link)."""
    import subprocess
    import sys
    cmd = [sys.executable, "-c", "from cli import main; main()", "--data", str(tiny_copy), "--store", "rdflib", "accept"]
    root = Path(__file__).resolve().parent.parent
    procs = [subprocess.Popen([*cmd, "action-1", target, "--rel", rel, "--note", f"note {i}", "--date", "2026-11-23"],
                              cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for i, (target, rel) in enumerate([("act-a", "drivenBy"), ("strategy-b", "alignsWith")])]
    outs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), outs
    links = {(lk.rel, lk.to) for lk in load(tiny_copy).records["action-1"].links if lk.source == ac.SOURCE_ID}
    assert links == {("drivenBy", "act-a"), ("alignsWith", "strategy-b")}
