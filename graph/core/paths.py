"""Where the project's own files live (the ontology, named queries, bundled data)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ONTOLOGY = ROOT / "ontology.ttl"
QUERIES = ROOT / "queries"
BUNDLED_DATA = ROOT / "data"
EXPORTS = Path("exports")


def default_data_dir() -> Path:
    """``./data`` if the working directory has one, else the data bundled with the project."""
    here = Path("data")
    return here if here.is_dir() else BUNDLED_DATA
