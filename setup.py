"""Build step: map the project's top-level files into the package (pyproject.toml holds the metadata).

The repository keeps the design's layout (``ontology.ttl``, ``queries/``, ``data/`` at the top), so a
wheel would leave them out. ``build_py`` copies them into ``graph/_bundled/`` inside the wheel, where
``graph.core.paths`` finds them through ``importlib.resources``, and vendors vis-network's script from
the ``pyvis`` package (a build requirement) into ``graph/web/vendor/`` so that runtime installs do not
need pyvis, and with it IPython. An editable install reads the checkout itself, and gets the vendored
script written into the source tree (``graph/web/vendor/``, ignored by git).
"""

from __future__ import annotations

import importlib.util
import re
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
_VIS = re.compile(r"vis-(9)\.(\d+)\.(\d+)$")


def _skip(rel: Path) -> bool:
    return any(p.startswith(".") or p == "__pycache__" for p in rel.parts) or rel.suffix in {".lock", ".tmp"}


def copy_bundled(dest: Path) -> None:
    """ontology.ttl, queries/*.rq and data/ (with its seeds) into ``dest`` (graph/_bundled)."""
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    shutil.copy2(ROOT / "ontology.ttl", dest / "ontology.ttl")
    for folder in ("queries", "data"):
        for src in sorted((ROOT / folder).rglob("*")):
            rel = src.relative_to(ROOT)
            if src.is_file() and not _skip(rel.relative_to(folder)):
                (dest / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(src, dest / rel)


def vendor_vis_network(dest: Path) -> None:
    """The newest vis-network 9.x script that pyvis ships, as ``dest/vis-network-9.x.y.min.js``."""
    spec = importlib.util.find_spec("pyvis")  # located, not imported (importing pyvis imports IPython)
    if spec is None or not spec.origin:
        raise SystemExit("building drivers-graph needs pyvis (a build requirement) for vis-network's script")
    root = Path(spec.origin).parent
    found = []
    for parent in ("templates/lib", "lib"):
        for d in sorted((root / parent).glob("vis-*")):
            m = _VIS.match(d.name)
            if m and (d / "vis-network.min.js").is_file():
                found.append((tuple(int(x) for x in m.groups()), d / "vis-network.min.js"))
    if not found:
        raise SystemExit(f"pyvis at {root} has no vis-network 9.x script under templates/lib or lib")
    version, js = max(found)
    dest.mkdir(parents=True, exist_ok=True)
    for old in dest.glob("vis-network-*.min.js"):
        old.unlink()
    shutil.copy2(js, dest / f"vis-network-{'.'.join(map(str, version))}.min.js")


class BuildPy(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            vendor_vis_network(ROOT / "graph" / "web" / "vendor")
            return
        lib = Path(self.build_lib) / "graph"
        copy_bundled(lib / "_bundled")
        vendor_vis_network(lib / "web" / "vendor")


setup(cmdclass={"build_py": BuildPy})
