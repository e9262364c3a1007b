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


def test_graph_ttl_is_copied_whole_into_graph_shacl_ttl_when_too_big_to_hold(tiny_built, tmp_path: Path, monkeypatch):
    """graph.ttl's text is written once and copied for the other file: held in memory while small, in a
    temporary file past ``KEEP_TURTLE``. Either way both files hold the same, whole Turtle."""
    from graph.publish import exports
    write_exports(tiny_built, tmp_path / "held")
    monkeypatch.setattr(exports, "KEEP_TURTLE", 100)  # the tiny graph's Turtle is thousands of characters
    calls = []
    real = exports.write_turtle
    monkeypatch.setattr(exports, "write_turtle", lambda *a: calls.append(1) or real(*a))
    write_exports(tiny_built, tmp_path / "spooled")
    assert calls == [1]  # written once, copied once
    for name in ("graph.ttl", "graph-shacl.ttl"):
        held, spooled = (tmp_path / d / name for d in ("held", "spooled"))
        assert spooled.read_bytes() == held.read_bytes()
    text = (tmp_path / "spooled" / "graph.ttl").read_text(encoding="utf-8")
    assert len(text) > 100 and text in (tmp_path / "spooled" / "graph-shacl.ttl").read_text(encoding="utf-8")
