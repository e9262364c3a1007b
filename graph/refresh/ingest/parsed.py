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

    def warn(self, line: int | None, message: str, hint: str | None = None) -> None:
        self.warnings.append(Problem(message, file=self.name, line=line, hint=hint, severity="WARN"))
