"""The wheel carries what the checkout keeps at the top (ontology, queries, data, thesaurus) and
vis-network's script, and no runtime dependency pulls IPython in. (`.ci/run` also installs the wheel
into a fresh venv and runs build/why/queries/list from an empty folder.)"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from .conftest import ROOT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    r = subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", str(ROOT), "-w", str(out)],
                       capture_output=True, text=True)
    if r.returncode != 0:
        pytest.skip(f"cannot build a wheel here (needs the build requirements): {r.stderr[-500:]}")
    (whl,) = out.glob("drivers_graph-*.whl")
    return whl


def test_wheel_has_the_package_data(wheel: Path):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "graph/_bundled/ontology.ttl" in names
    assert {f"graph/_bundled/queries/{p.name}" for p in (ROOT / "queries").glob("*.rq")} <= names
    assert {f"graph/_bundled/{p.relative_to(ROOT).as_posix()}" for p in (ROOT / "data").rglob("*.yaml")} <= names
    assert "graph/_bundled/data/seeds/001_846164effe67b3c7.txt" in names
    assert "graph/answers/thesaurus.yaml" in names
    assert any(n.startswith("graph/web/vendor/vis-network-9.") for n in names)
    assert {"graph/web/static/app.js", "graph/web/templates/page.html"} <= names


def test_wheel_metadata_spdx_licence_and_no_ipython(wheel: Path):
    z = zipfile.ZipFile(wheel)
    (meta,) = [n for n in z.namelist() if n.endswith(".dist-info/METADATA")]
    text = z.read(meta).decode()
    assert "License-Expression: MIT" in text
    requires = [line.split(":", 1)[1].strip().lower() for line in text.splitlines() if line.startswith("Requires-Dist:")]
    runtime = [r for r in requires if "extra ==" not in r]
    assert not [r for r in runtime if r.startswith(("pyvis", "ipython"))], runtime


def test_installed_layout_reads_the_bundled_folder(tmp_path: Path, wheel: Path):
    """Unpacked like site-packages (no checkout around it), paths point into graph/_bundled."""
    zipfile.ZipFile(wheel).extractall(tmp_path)
    code = ("import graph.core.paths as p, graph.web.page as w; "
            "print(p.ONTOLOGY.is_file(), p.QUERIES.is_dir(), (p.BUNDLED_DATA / 'partnerships.yaml').is_file(), "
            "'_bundled' in str(p.ROOT), len(w.vis_script()) > 100000)")
    r = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True,
                       env={"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin"})
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["True"] * 5
