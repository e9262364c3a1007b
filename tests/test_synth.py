"""`drivers synth` (graph/core/synth.py): deterministic, loads and validates, links like the real data."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from graph.core import synth
from graph.answers import why as w
from graph.core.pipeline import build_graph


@pytest.fixture(scope="module")
def synth_built(tmp_path_factory):
    out = tmp_path_factory.mktemp("synth")
    synth.write(out, synth.generate(3, editions=2, actions=30))
    return build_graph(out, check=True)


def test_same_arguments_same_files_other_seed_other_files():
    a, b = synth.generate(2, editions=2, actions=10), synth.generate(2, editions=2, actions=10)
    assert a == b
    assert synth.generate(2, editions=2, actions=10, seed=2) != a
    assert sorted(k for k in a if not k.startswith("reference/")) == [
        "aberdeen-city/csp-2023.yaml", "aberdeen-city/csp-2024.yaml", "aberdeen-city/drivers-2024.yaml",
        "aberdeen-city/drivers.yaml", "aberdeenshire/csp-2023.yaml", "aberdeenshire/csp-2024.yaml",
        "aberdeenshire/drivers-2024.yaml", "aberdeenshire/drivers.yaml", "national.yaml", "partnerships.yaml"]


def test_loads_and_conforms_to_the_shapes(synth_built):
    b = synth_built
    assert b.report.conforms, b.report.text()
    assert b.counts["nodes:Partnership"] == 3
    assert b.counts["editions"] == 6  # 3 partnerships x 2 editions
    assert 3 * 2 * 24 <= b.counts["nodes:Action"] <= 3 * 2 * 36  # 80-120% of 30 a year


def test_link_patterns_are_those_of_the_real_data(synth_built, real_built):
    def patterns(G):
        return Counter((G.nodes[u]["type"], d["rel"], G.nodes[v]["type"]) for u, v, d in G.edges(data=True))
    syn, real = patterns(synth_built.nx), patterns(real_built.nx)
    # the main shapes of the real data all occur
    for p in [("Action", "partOf", "Theme"), ("Action", "partOf", "Indicator"), ("Action", "ledBy", "Group"),
              ("Action", "qualityIndicator", "QualityIndicator"), ("Action", "drivenBy", "Driver"),
              ("Theme", "partOf", "Plan"), ("Plan", "drivenBy", "Driver"), ("Driver", "drivenBy", "Driver"),
              ("Group", "reportsTo", "Group"), ("Indicator", "partOf", "Outcome"), ("Outcome", "partOf", "Plan"),
              ("Plan", "contributesTo", "WellbeingIndicator"), ("Driver", "seeAlso", "Driver")]:
        assert real[p] and syn[p], p
    G = synth_built.nx
    actions = [n for n, d in G.nodes(data=True) if d["type"] == "Action"]
    assert all(any(d["rel"] == "partOf" for _, _, d in G.out_edges(a, data=True)) for a in actions)
    # national drivers belong to no partnership; local ones to theirs
    drivers = [d for _, d in G.nodes(data=True) if d["type"] == "Driver"]
    assert any("partnership" not in d for d in drivers) and any(d.get("partnership") for d in drivers)


def test_every_action_is_driven_by_a_national_driver_in_its_partnership(synth_built):
    G = synth_built.nx
    for a in sorted(n for n, d in G.nodes(data=True) if d["type"] == "Action")[::17]:
        ans = w.why(G, a)
        reached = {n: G.nodes[n] for n in ans.reached}
        assert "cyp-act-2014" in reached  # through its plan
        assert {d.get("partnership") for d in reached.values()} <= {None, w.partnership_of(G, a)}


def test_cli_writes_and_rejects_bad_sizes(tmp_path: Path):
    r = CliRunner().invoke(main, ["synth", "--partnerships", "1", "--editions", "1", "--actions", "5",
                                  "--out", str(tmp_path / "s")])
    assert r.exit_code == 0, r.output
    assert (tmp_path / "s" / "aberdeen-city" / "csp-2023.yaml").is_file()
    stats = CliRunner().invoke(main, ["--data", str(tmp_path / "s"), "stats", "--format", "json"])
    assert stats.exit_code == 0 and '"nodes:Partnership": 1' in stats.output
    for bad in (["--partnerships", "0"], ["--partnerships", "1025"], ["--partnerships", "2", "--editions", "0"]):
        r = CliRunner().invoke(main, ["synth", *bad, "--out", str(tmp_path / "x")])
        assert r.exit_code == 2 and "Traceback" not in r.output, r.output
    assert not (tmp_path / "x").exists()


def test_past_the_32_areas_partnerships_are_numbered_rounds_and_load():
    from graph.core.loader import load_text
    s = synth
    names = s.council_names(34)
    assert names[:32] == s.COUNCILS and names[32:] == ["Aberdeen City 2", "Aberdeenshire 2"]
    files = s.generate(34, editions=1, actions=2)
    assert "aberdeen-city-2/csp-2023.yaml" in files and "aberdeenshire-2/drivers.yaml" in files
    data = load_text(files)
    assert len([r for r in data.records.values() if r.type.cls == "Partnership"]) == 34
    # the first 32 are the same files as before the cap was raised: more partnerships only add files
    small = s.generate(3, editions=1, actions=2)
    assert {k: v for k, v in files.items() if k.split("/")[0] in {"aberdeen-city", "aberdeenshire", "angus"}} == \
        {k: v for k, v in small.items() if "/" in k and not k.startswith("reference/")}


def test_libyaml_and_python_emitters_write_the_same_text():
    import yaml
    if not hasattr(yaml, "CSafeDumper"):
        import pytest
        pytest.skip("PyYAML without libyaml")
    doc = {"a": ["x: y", "it's", "naïve – “quoted”", "#not a comment", "line\nbreak", 1, None, True, "a" * 130]}
    assert yaml.dump(doc, Dumper=yaml.CSafeDumper, sort_keys=False, allow_unicode=True, width=120) == \
        yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=120)
