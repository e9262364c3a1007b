"""File reading and writing: the only module that touches the file system for data.

* YAML is read with line numbers kept on every mapping, so errors can say ``file:line``.
* Every output is written to a temporary file in the same folder and renamed into place, so a
  failure never leaves a half-written file.
"""

from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import yaml

from .errors import DataError, Problem, rel


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_FILE_MODE = 0o666 & ~_umask()  # what open() would give: mkstemp makes 0600 files


class LineDict(dict):
    """A dict that remembers the line (1-based) its mapping started on."""

    line: int = 0


class _LineLoader(yaml.SafeLoader):
    """SafeLoader whose mappings are :class:`LineDict` and whose keys must be unique."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode, deep: bool = False) -> LineDict:
    loader.flatten_mapping(node)
    out = LineDict()
    out.line = node.start_mark.line + 1
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in out:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        out[key] = loader.construct_object(value_node, deep=deep)
    return out


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def read_yaml(path: Path) -> object:
    """Parse one YAML file; any failure becomes a :class:`DataError` naming file and line."""
    name = rel(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DataError([Problem(f"cannot read the file: {exc.strerror}", file=name,
                                 hint="check the path and permissions")]) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataError([Problem(f"not UTF-8 text (byte 0x{raw[exc.start]:02x})", file=name, line=line,
                                 hint="save the file as UTF-8")]) from None
    return parse_yaml(text, name)


def parse_yaml(text: str, name: str) -> object:
    """Parse YAML text; any failure becomes a :class:`DataError` naming ``name`` and the line."""
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        msg = str(exc.problem or exc.context)
        if exc.context and exc.context_mark and exc.problem_mark and exc.context_mark.line != exc.problem_mark.line:
            msg += f" ({exc.context} that started at line {exc.context_mark.line + 1})"
        elif exc.context:
            msg = f"{exc.context}: {msg}"
        hint = "YAML does not allow tab characters for indentation; use spaces" if "\t" in msg or "tab" in msg else \
            "fix the YAML syntax at that line (quote text containing ': ' or '#')"
        raise DataError([Problem(f"YAML syntax error: {msg}", file=name, line=line, hint=hint)]) from None
    except yaml.reader.ReaderError as exc:
        line = text[: exc.position].count("\n") + 1
        raise DataError([Problem(f"character U+{exc.character:04X} is not allowed in YAML", file=name, line=line,
                                 hint="remove the control character (often pasted from a PDF)")]) from None
    except yaml.YAMLError as exc:  # pragma: no cover - other YAML errors are rare
        raise DataError([Problem(f"YAML error: {exc}", file=name)]) from None


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; rename it onto ``target`` only on success."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.chmod(tmp_path, _FILE_MODE)
        os.replace(tmp_path, target)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


def write_text(target: Path, text: str) -> None:
    """Write ``text`` (UTF-8, ``\\n`` line ends) atomically."""
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding="utf-8", newline="\n")


def write_many(files: dict[Path, str]) -> None:
    """Write several files so that either all are replaced or none is.

    Every file is first written to a temporary sibling; only when all have been written are
    they renamed into place (renames are cheap and do not fail for lack of space).
    """
    staged: list[tuple[Path, Path]] = []
    try:
        for target, text in sorted(files.items()):
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(text)
            os.chmod(tmp, _FILE_MODE)
            staged.append((Path(tmp), target))
        for tmp, target in staged:
            os.replace(tmp, target)
        staged = []
    finally:
        for tmp, _ in staged:
            if tmp.exists():
                tmp.unlink()
