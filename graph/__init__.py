"""drivers-graph: a knowledge graph of the strategic drivers and plans behind children's services.

The data flow reads like the module list::

    loader (YAML -> typed records) -> rdf (records -> rdflib Dataset) -> validate (SHACL)
        -> nxview (NetworkX view) -> exports (ttl, trig, jsonld, graphml, csv)

``io`` holds the only file reading and writing; ``cli.py`` at the top level wraps it all.
"""

__version__ = "0.1.0"
