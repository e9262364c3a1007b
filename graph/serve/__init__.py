"""``drivers serve``: the explorer page and a read-only JSON API over the graph, for a team on one
server. :mod:`.app` is the Starlette app (:func:`~.app.create_app`), :mod:`.live` the current
snapshot of the data, :mod:`.worker` the SPARQL time and row limits, :mod:`.guard` the request
checks and safety headers, :mod:`.openapi` the API's description."""
