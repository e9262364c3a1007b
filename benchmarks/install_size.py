"""Size of a fresh virtual environment with drivers-graph installed from a wheel, and whether IPython
came with it. ``--ref DIR`` also installs another checkout (e.g. an older commit) for comparison.

    python benchmarks/install_size.py [--ref /path/to/other/checkout]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def size_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink()) / 1e6


def measure(source: Path, work: Path) -> tuple[float, bool]:
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    dist = work / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", str(source), "-w", str(dist)], check=True)
    subprocess.run([str(venv / "bin" / "pip"), "install", "-q", *map(str, dist.glob("*.whl"))], check=True)
    ipython = subprocess.run([str(venv / "bin" / "python"), "-c", "import IPython"], capture_output=True).returncode == 0
    return size_mb(venv), ipython


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--ref", type=Path, help="another checkout to measure beside this one")
    args = ap.parse_args()
    for label, src in [("ref", args.ref), ("this", ROOT)]:
        if src is None:
            continue
        with tempfile.TemporaryDirectory() as tmp:
            mb, ipy = measure(src, Path(tmp))
        print(f"{label:5} {src}: venv {mb:.0f} MB, IPython installed: {'yes' if ipy else 'no'}")


if __name__ == "__main__":
    main()
