"""Answers over a built graph: list/show (:mod:`.catalog`), what drives an action and what a driver
reaches (:mod:`.why`), named and ad hoc SPARQL (:mod:`.queries`), coverage, metrics, the fidelity
check, and link suggestions (:mod:`.suggest`, kept apart in :mod:`.inferred`, made stated by
:mod:`.accept`)."""
