"""The error hierarchy. Every error says *where* (file, line or id) and *what to do*.

The CLI turns :class:`DriversError` into ``Error: ...`` and exit code 2 (bad input or
environment); nothing else is allowed to reach the user as a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One finding about the input: where it is, what is wrong, how to fix it."""

    message: str
    file: str | None = None
    line: int | None = None
    id: str | None = None
    hint: str | None = None
    severity: str = "ERROR"

    @property
    def where(self) -> str:
        parts = []
        if self.file:
            parts.append(f"{self.file}:{self.line}" if self.line else self.file)
        if self.id:
            parts.append(f"id {self.id!r}")
        return ", ".join(parts) or "input"

    def __str__(self) -> str:
        text = f"[{self.severity}] [{self.where}] {self.message}"
        if self.hint:
            text += f" — {self.hint}"
        return text


class DriversError(Exception):
    """Base class: bad input or environment. Exit code 2."""

    exit_code = 2


@dataclass
class DataError(DriversError):
    """The data in ``data/`` cannot be loaded: one or more problems, each located."""

    problems: list[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        n = len(self.problems)
        head = f"{n} problem{'s' if n != 1 else ''} in the data:"
        return "\n".join([head, *(str(p) for p in self.problems)])


class NotFound(DriversError):
    """An id or number the user asked for does not exist. Exit code 1 (a finding, not bad input)."""

    exit_code = 1


class UnknownId(NotFound):
    """An id, number or edition year the user typed names no record: bad input, exit 2 (``drivers serve``
    answers 404). A phrase that matches nothing stays a :class:`NotFound` finding (exit 1)."""

    exit_code = 2


class Ambiguous(NotFound):
    """Several records fit what the user typed and none clearly wins: exit 1, with the candidates to choose
    from (``drivers serve`` answers 300 with them, the command line lists them)."""

    def __init__(self, message: str, query: str, candidates: list[dict]):
        super().__init__(message)
        self.query = query
        self.candidates = candidates


class UsageError(DriversError):
    """A command-line value is wrong (unknown type, bad parameter)."""


def rel(path: Path | str) -> str:
    """Show ``path`` relative to the working directory when it is under it."""
    p = Path(path)
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(p)
