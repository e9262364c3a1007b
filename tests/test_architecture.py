"""The package layout is the data flow: no import cycle, and each room imports only from rooms below it.

Imports are read with ``ast`` from every module of ``graph/`` — at module level, inside
functions and under ``TYPE_CHECKING`` alike — so a cycle hidden in a lazy import fails too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx
import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "graph"

#: each room of graph/ and its layer: a room may import from lower layers only (peers stay apart)
LAYERS = {"core": 0, "answers": 1, "store": 2, "refresh": 2, "web": 2, "publish": 3, "serve": 3, "commands": 4}


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules(root: Path) -> dict[str, Path]:
    return {module_name(p, root): p for p in sorted(root.rglob("*.py"))}


def imports(path: Path, name: str, known: dict[str, Path]) -> set[str]:
    """The modules of the package that ``path`` (module ``name``) imports, anywhere in its body."""
    is_package = path.name == "__init__.py"
    package = name if is_package else name.rpartition(".")[0]
    top = name.split(".")[0]
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            bases = [a.name for a in node.names]
            names: list[str] = []
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1])
                base = f"{base}.{node.module}" if node.module else base
            else:
                base = node.module or ""
            bases = [base]
            names = [a.name for a in node.names]
        else:
            continue
        for base in bases:
            if base != top and not base.startswith(top + "."):
                continue
            subs = [f"{base}.{n}" for n in names if f"{base}.{n}" in known]
            out.update(subs)
            if len(subs) < len(names) or not names:
                # a name from the module itself (or a plain import): the module, else its nearest package
                while base not in known and "." in base:
                    base = base.rpartition(".")[0]
                out.add(base)
    out.discard(name)
    return out


def import_graph(root: Path) -> nx.DiGraph:
    known = modules(root)
    G = nx.DiGraph()
    G.add_nodes_from(known)
    for name, path in known.items():
        for target in imports(path, name, known):
            G.add_edge(name, target)
    return G


def cycles(G: nx.DiGraph) -> list[list[str]]:
    return [sorted(c) for c in nx.strongly_connected_components(G) if len(c) > 1]


def room(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None


def test_no_import_cycle_anywhere_in_graph():
    found = cycles(import_graph(PACKAGE))
    assert not found, "import cycles (each list imports itself round the circle): " + "; ".join(map(str, found))


def test_rooms_import_only_from_rooms_below():
    G = import_graph(PACKAGE)
    rooms = {room(m) for m in G if room(m)}
    assert rooms == set(LAYERS), f"rooms in graph/ not in LAYERS (or gone): {rooms ^ set(LAYERS)}"
    wrong = []
    for a, b in G.edges:
        ra, rb = room(a), room(b)
        if ra is None or rb is None or ra == rb:
            continue
        if LAYERS[rb] >= LAYERS[ra]:
            wrong.append(f"{a} -> {b}")
    assert not wrong, "imports against the data flow: " + ", ".join(sorted(wrong))


def test_only_the_package_root_is_loose():
    loose = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert loose == ["__init__.py"], f"modules outside the rooms: {loose}"


def write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")


@pytest.mark.parametrize("files, expect", [
    # a relative cycle through a lazy import inside a function
    ({"pkg/__init__.py": "", "pkg/a/__init__.py": "", "pkg/a/x.py": "from ..b import y\n",
      "pkg/b/__init__.py": "", "pkg/b/y.py": "def f():\n    from ..a.x import g\n"}, [["pkg.a.x", "pkg.b.y"]]),
    # a cycle hidden under TYPE_CHECKING, through `from . import module`
    ({"pkg/__init__.py": "", "pkg/a.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from . import b\n",
      "pkg/b.py": "import pkg.a\n"}, [["pkg.a", "pkg.b"]]),
    # no cycle: a package importing its own modules, a module importing a name from a sibling
    ({"pkg/__init__.py": "from .a import f\n", "pkg/a.py": "from .b import g\n", "pkg/b.py": "import os\n"}, []),
])
def test_the_cycle_finder_finds_cycles(tmp_path: Path, files: dict[str, str], expect: list[list[str]]):
    write(tmp_path, files)
    assert cycles(import_graph(tmp_path / "pkg")) == expect


def test_front_end_code_lives_in_its_own_files():
    from graph.web import page

    js = PACKAGE / "web" / "static" / "app.js"
    css = PACKAGE / "web" / "static" / "app.css"
    assert js.is_file() and css.is_file()
    html = page.html({"meta": {}})
    assert js.read_text(encoding="utf-8") in html and css.read_text(encoding="utf-8") in html
    # and no script or style is kept in Python strings any more
    for path in (PACKAGE / "web").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                assert "function (" not in node.value and "{box-sizing" not in node.value, path
