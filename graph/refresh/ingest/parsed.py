"""The parsed document: summary-table rows and detail sections, each with the line it came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ...core.errors import Problem


@dataclass
class Row:
    """One row of the summary table."""

    category: str
    number: str          # as printed ("" if none)
    title: str | None    # as printed (None if none)
    line: int
    source: str = ""     # the row (or flattened line) as read, for carry-over


@dataclass
class Detail:
    """One detail section."""

    category: str
    subcategory: str | None
    number: str | None   # as printed (None if unnumbered)
    title: str | None
    summary: str
    links: list[str]
    refs: list[str]
    line: int
    headed: bool = True  # False: the entry had no heading (title taken from the summary table)
    urls: dict[str, str] = field(default_factory=dict)   # link text -> address, where the input has one
    source: str = ""     # the entry's text as read (heading, text and link lines), for carry-over


@dataclass
class ParsedDocument:
    name: str
    title: str | None = None
    date: str | None = None
    rows: list[Row] = field(default_factory=list)
    flat: dict[str, str] = field(default_factory=dict)   # category -> flattened summary text
    details: list[Detail] = field(default_factory=list)
    headings: dict[str, str] = field(default_factory=dict)   # category/subcategory -> heading as printed
    warnings: list[Problem] = field(default_factory=list)
    structured: bool = False
    table_cells: bool = False
    links_marked: bool = False   # the input marks its links (hyperlinks): only marked runs are links
    where: dict[int, tuple[int, int]] = field(default_factory=dict)   # line -> (page, line on page)

    def warn(self, line: int | None, message: str, hint: str | None = None) -> None:
        self.warnings.append(self.problem(line, message, hint))

    def problem(self, line: int | None, message: str, hint: str | None = None, severity: str = "WARN") -> Problem:
        """A problem at ``line`` of the input; for paged input (PDF) it names the page and the line on it."""
        if line is not None and line in self.where:
            page, on_page = self.where[line]
            return Problem(message, file=f"{self.name}, page {page}, line {on_page}", hint=hint, severity=severity)
        return Problem(message, file=self.name, line=line, hint=hint, severity=severity)

    def at(self, line: int | None) -> str:
        """'line 12', or 'page 3 line 12' for paged input."""
        if line is not None and line in self.where:
            return "page {} line {}".format(*self.where[line])
        return f"line {line}"
