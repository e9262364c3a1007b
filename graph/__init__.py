"""drivers-graph: a knowledge graph of the strategic drivers and plans behind children's services.

The sub-packages follow the data flow (``docs/architecture.md`` has the picture)::

    core     YAML -> checked records -> rdflib Dataset -> SHACL -> NetworkX view   (load, build)
    answers  list/show, why/impact, named queries, coverage, metrics, suggestions  (answer)
    store    where answers come from: rdflib in memory, Oxigraph cached, a SPARQL server
    web      the explorer page (layout in Python, app.js/app.css as real files)
    refresh  editions, ingest (one reader per format), diff, review               (refresh)
    publish  exports, the drivers document (md/html/docx), spreadsheets           (publish)
    commands the ``drivers`` command line, one module per stage

A package imports only from the ones above it in this list (``tests/test_architecture.py``).
The public surface, importable from ``graph`` itself, is small and loaded on first use, so
``import graph`` stays fast::

    >>> import graph
    >>> b = graph.build_graph(graph.BUNDLED_DATA)          # doctest: +SKIP
    >>> graph.why(b.nx, "cost modelling").reached           # doctest: +SKIP
"""

from __future__ import annotations

from importlib import import_module

__version__ = "0.1.0"

#: public name -> the module that defines it
_PUBLIC = {
    "BUNDLED_DATA": "graph.core.paths",
    "DriversError": "graph.core.errors",
    "DataError": "graph.core.errors",
    "NotFound": "graph.core.errors",
    "UsageError": "graph.core.errors",
    "load": "graph.core.loader",
    "Built": "graph.core.pipeline",
    "build_graph": "graph.core.pipeline",
    "to_networkx": "graph.core.view",
    "validate": "graph.core.validate",
    "Catalog": "graph.answers.catalog",
    "why": "graph.answers.why",
    "impact": "graph.answers.why",
    "render_page": "graph.web.page",
    "write_exports": "graph.publish.exports",
}
_RENAMED = {"render_page": "render"}

__all__ = ["__version__", *sorted(_PUBLIC)]


def __getattr__(name: str):
    """Load a public name on first use (PEP 562), so ``import graph`` does not import rdflib."""
    if name not in _PUBLIC:
        raise AttributeError(f"module 'graph' has no attribute {name!r}")
    value = getattr(import_module(_PUBLIC[name]), _RENAMED.get(name, name))
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
