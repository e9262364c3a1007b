"""What the build writes out: :mod:`.exports` (TriG, N-Quads, Turtle, JSON-LD, GraphML, CSV and the
page), :mod:`.document` (an edition as Markdown, HTML, Word) and :mod:`.spreadsheet` (xlsx/csv round
trip)."""
