"""The explorer in a browser: :mod:`.page` builds the offline single-file page, :mod:`.layout` the
positions; the page's own JavaScript, CSS and HTML are real files in ``static/`` and ``templates/``,
inlined at build time."""
