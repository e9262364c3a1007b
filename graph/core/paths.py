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


CACHE_ENV = "DRIVERS_CACHE_DIR"
VALIDATION_CACHE = "validation"  # SHACL results by content hash, beside the store cache entries


def cache_root() -> Path:
    """Where caches live: ``$DRIVERS_CACHE_DIR``, else ``$XDG_CACHE_HOME/drivers-graph``, else
    ``~/.cache/drivers-graph`` (the Oxigraph store cache and the validation results)."""
    from .settings import env_text
    env = env_text(CACHE_ENV)
    if env and env.strip():
        return Path(env)
    xdg = env_text("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "drivers-graph"
