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


def test_the_light_view_writes_what_the_networkx_view_writes(real_built):
    """The build writes its view-based files from ViewGraph (no NetworkX); each equals the text
    written from the NetworkX graph of the same view."""
    from graph.core.view import ViewGraph
    from graph.publish import exports
    from graph.web import page
    light, G = ViewGraph(real_built.view), real_built.nx
    assert light.number_of_nodes() == G.number_of_nodes() and light.number_of_edges() == G.number_of_edges()
    for write in (exports.graphml, exports.nodes_csv, exports.edges_csv):
        assert write(light) == write(G), write.__name__
    assert page.page_data(light, real_built.union) == page.page_data(G, real_built.union)


def test_a_warm_build_and_validate_do_not_import_networkx(tiny_copy: Path, tmp_path: Path):
    """NetworkX is for the commands that walk the graph; `validate`, and `build` once the store
    cache is made, read the view as plain data (exports are the same: test above)."""
    import os
    import subprocess
    import sys
    code = ("import sys; from cli import main\n"
            "try:\n    main(['--data', sys.argv[1], *sys.argv[2:]])\n"
            "except SystemExit as exc:\n    assert not exc.code, exc.code\n"
            "print('LOADED', 'networkx' in sys.modules)")
    def loaded(*argv: str) -> str:
        return subprocess.run([sys.executable, "-c", code, str(tiny_copy), *argv], capture_output=True, text=True,
                              env={**os.environ, "DRIVERS_CACHE_DIR": str(tmp_path / "cache")}, cwd=ROOT,
                              check=True).stdout
    out = str(tmp_path / "out")
    loaded("build", "--out", out)  # makes the store cache (written from the NetworkX view)
    assert "LOADED False" in loaded("build", "--out", out)
    assert "LOADED False" in loaded("validate")
