"""The committed exports/ equal a fresh build; CSV cells are guarded against formulas."""

from __future__ import annotations

from pathlib import Path

from graph.publish.exports import safe_cell, to_csv
from graph.publish.exports import write_exports

from .conftest import ROOT


def test_committed_exports_equal_a_fresh_build(real_built, tmp_path: Path):
    out = tmp_path / "exports"
    files = write_exports(real_built, out)
    committed = ROOT / "exports"
    fresh = {p.name: p.read_bytes() for p in files}
    have = {p.name: p.read_bytes() for p in committed.iterdir() if p.is_file() and p.name in fresh}
    assert sorted(have) == sorted(fresh), "exports/ is missing files: run `drivers build`"
    stale = sorted(name for name in fresh if have[name] != fresh[name])
    assert not stale, f"exports/ is out of date ({', '.join(stale)}): run `drivers build` and commit"


def test_formula_cells_are_made_inert():
    assert safe_cell("=HYPERLINK(\"http://x\")") == "'=HYPERLINK(\"http://x\")"
    assert [safe_cell(x) for x in ("+1", "-1", "@SUM(A1)", "ok", None)] == ["'+1", "'-1", "'@SUM(A1)", "ok", ""]
    text = to_csv([{"a": "=1+1", "b": "x"}], ["a", "b"])
    assert text == "a,b\n'=1+1,x\n"
