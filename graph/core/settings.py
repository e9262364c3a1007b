"""Environment variables and numeric options, parsed strictly: a bad value is an error naming it.

``nan``, ``inf``, negative numbers, empty strings and bytes that are not UTF-8 are refused with a
message that names the variable (never silently taken as "wait forever" or "no limit").

>>> import os; os.environ["DRIVERS_LOCK_TIMEOUT"] = "nan"
>>> env_seconds("DRIVERS_LOCK_TIMEOUT", 30)
Traceback (most recent call last):
...
graph.core.errors.UsageError: DRIVERS_LOCK_TIMEOUT must be a number of seconds such as 30, not 'nan'
"""

from __future__ import annotations

import math
import re
import os

from .errors import UsageError


def env_text(name: str) -> str | None:
    """The variable's value (None if unset); UsageError if it is not UTF-8."""
    value = os.environ.get(name)
    if value is not None and any(0xDC80 <= ord(c) <= 0xDCFF for c in value):
        raise UsageError(f"{name} is not UTF-8 text — set it again in UTF-8 (or unset it)")
    return value


def number(text: str, what: str, minimum: float | None = 0.0, maximum: float | None = None,
           unit: str = "seconds", example: float = 30, above: bool = False) -> float:
    """``text`` as a finite number in range, or a UsageError naming ``what``."""
    shown = text if len(text) <= 40 else text[:40] + "…"
    try:
        value = float(text.strip())
    except (ValueError, AttributeError):
        value = math.nan
    if not math.isfinite(value):
        raise UsageError(f"{what} must be a number of {unit} such as {example:g}, not {shown!r}")
    if minimum is not None and (value < minimum or (above and value <= minimum)):
        raise UsageError(f"{what} must be {'more than' if above else 'at least'} {minimum:g} {unit}, not {shown!r}")
    if maximum is not None and value > maximum:
        raise UsageError(f"{what} must be at most {maximum:g} {unit}, not {shown!r}")
    return value


def env_number(name: str, default: float, minimum: float | None = 0.0, maximum: float | None = None,
               unit: str = "MB", above: bool = False) -> float:
    raw = env_text(name)
    if raw is None:
        return default
    return number(raw, name, minimum, maximum, unit, default, above)


def env_seconds(name: str, default: float, maximum: float = 86_400.0) -> float:
    """A time limit from ``name``: more than 0 and at most a day (default ``default``)."""
    return env_number(name, default, 0.0, maximum, "seconds", above=True)


_BASE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\x00-\x20<>\"{}|\\^`\x7f]+")


def check_base(base: str) -> str:
    """``base`` if it can start an IRI; a UsageError naming --base otherwise (a space, no scheme, ``<``)."""
    if not isinstance(base, str) or not _BASE.fullmatch(base):
        bad = next((c for c in base if c in ' <>"{}|\\^`' or ord(c) < 0x21 or ord(c) == 0x7f), None) \
            if isinstance(base, str) else None
        what = f"it contains {'a space' if bad == ' ' else f'the character U+{ord(bad):04X}'}" if bad else \
            "it has no scheme (like https:)"
        raise UsageError(f"--base {base!r} is not an IRI: {what} — give one like https://example.org/id/ "
                         "(write a space as %20)")
    if base.lower().startswith(("http:", "https:")) and not re.match(r"(?i)https?://[^/?#]+", base):
        raise UsageError(f"--base {base!r} has no host — give one like https://example.org/id/")
    return base
