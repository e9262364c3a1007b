"""The annual refresh: editions (:mod:`.editions`), reading a new drivers document (:mod:`.ingest`,
one reader per format), what changed (:mod:`.diff`) and what needs review (:mod:`.review`)."""
