"""Where the read commands get the graph from: ``local`` (plain rdflib in memory, or the Oxigraph
store cached on disk) and ``remote`` (a SPARQL 1.1 server named with ``--endpoint``)."""

from .local import DEFAULT_STORE, STORES, backend

__all__ = ["DEFAULT_STORE", "STORES", "backend"]
