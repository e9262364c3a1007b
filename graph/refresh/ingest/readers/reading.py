"""What a reader gives the parser: numbered lines, how to read them, and where each line is."""

from __future__ import annotations

from dataclasses import dataclass, field

from ....core.errors import Problem


@dataclass
class Reading:
    """The lines of one input file.

    ``structured``: entries are headings (Markdown/Word as ``drivers document`` writes them);
    ``table_cells``: the Summary's tab-separated cells are real table cells (a row with no number
    is a row of its own, not a wrapped title); ``where``: line number -> (page, line on the page)
    for paged input; ``links_marked``: the input marks its links as hyperlinks, so only marked
    runs are links (no guessing from the text); ``warnings``: what the reader itself noticed (tracked changes ...).
    """

    lines: list[tuple[int, str]]
    structured: bool = False
    table_cells: bool = False
    links_marked: bool = False
    where: dict[int, tuple[int, int]] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)
