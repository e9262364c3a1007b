"""The ``drivers`` command line: a thin click layer over the library (the sqlite-utils pattern).

One module per stage of the data flow, each registering its commands on :data:`main`:
:mod:`.build` (build, validate, stats, fidelity, synth), :mod:`.explore` (list, show, why, impact,
queries, query, sparql, coverage, metrics, viz), :mod:`.links` (suggest, accept), :mod:`.refresh`
(ingest, diff, review, refresh, document, export, import), :mod:`.remote` (push) and :mod:`.serve`
(serve). What they
share (the group, its global options, exit codes, output formats) is in :mod:`.base`.
"""

from . import build, explore, links, plans, refresh, remote, serve  # noqa: F401  (each registers its commands)
from .base import main

__all__ = ["main"]
