"""Load and build: YAML -> checked, typed records -> rdflib Dataset -> SHACL -> the NetworkX view.

The only file I/O of the library is in :mod:`.io` (and the lock in :mod:`.lock`); nothing here
imports from the other rooms."""
