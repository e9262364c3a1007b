"""Where the project's own files live (the ontology, named queries, bundled data)."""

from __future__ import annotations

from pathlib import Path


def _project_root() -> Path:
    """Where ``ontology.ttl``, ``queries/`` and ``data/`` are: the checkout (an editable install, or
    running from the source tree), else ``graph/_bundled/`` inside the installed package, where the
    build puts them (see setup.py), read through :mod:`importlib.resources`."""
    checkout = Path(__file__).resolve().parents[2]
    if (checkout / "ontology.ttl").is_file() and (checkout / "queries").is_dir():
        return checkout
    from importlib import resources
    return Path(str(resources.files("graph").joinpath("_bundled")))


ROOT = _project_root()
ONTOLOGY = ROOT / "ontology.ttl"
QUERIES = ROOT / "queries"
BUNDLED_DATA = ROOT / "data"
EXPORTS = Path("exports")


def bundled_data() -> Path:
    """The data bundled with the project (a folder on disk)."""
    return BUNDLED_DATA


def default_data_dir() -> Path:
    """``./data`` if the working directory has one, else the data bundled with the project."""
    here = Path("data")
    return here if here.is_dir() else bundled_data()


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
