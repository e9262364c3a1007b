"""File reading and writing: the only module that touches the file system for data.

* YAML is read with line numbers kept on every mapping, so errors can say ``file:line``.
* Every output is written to a temporary file in the same folder and renamed into place, so a
  failure never leaves a half-written file.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import zipfile
from contextlib import contextmanager
from io import BytesIO
from pathlib import Path
from typing import Callable, Iterator, TextIO

import yaml

from .errors import DataError, DriversError, Problem, rel


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_FILE_MODE = 0o666 & ~_umask()  # what open() would give: mkstemp makes 0600 files


#: Any input file (a document to ingest, a spreadsheet) is read whole; past this it is refused.
MAX_INPUT_BYTES = 200_000_000

#: Data files are hand-edited text; anything bigger is a mistake (a pasted export, a binary file).
MAX_FILE_BYTES = 5_000_000


class LineDict(dict):
    """A dict that remembers the line (1-based) its mapping started on, and each key's line."""

    line: int = 0
    key_lines: dict

    def line_of(self, key) -> int:
        """The line of ``key`` in the file (the mapping's own line if unknown)."""
        return getattr(self, "key_lines", {}).get(key, self.line)


class _LineLoader(yaml.SafeLoader):
    """SafeLoader whose mappings are :class:`LineDict`, whose keys must be unique, and which refuses
    aliases (``*name``): the data never needs them, and nested aliases can expand a small file into
    billions of values (the "billion laughs")."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.events.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(None, None, f"alias *{event.anchor} is not allowed in data files",
                                              event.start_mark)
        return super().compose_node(parent, index)


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode, deep: bool = False) -> LineDict:
    loader.flatten_mapping(node)
    out = LineDict()
    out.line = node.start_mark.line + 1
    out.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if isinstance(key, (list, dict)):
            raise yaml.constructor.ConstructorError(None, None, "a key must be a plain word, not a list or "
                                                    "mapping", key_node.start_mark)
        if key in out:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        out.key_lines[key] = key_node.start_mark.line + 1
        out[key] = loader.construct_object(value_node, deep=deep)
    return out


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)

# libyaml parses about 7x faster (11 s -> 1.5 s for 32 synthetic partnerships); it is used only for
# text the pure-Python reader would accept, and any error is re-raised by the pure-Python loader,
# so messages and lines are the same with or without it.
_FastLoader = None
if getattr(yaml, "__with_libyaml__", False):
    class _FastLoader(yaml.CSafeLoader):  # type: ignore[no-redef]
        """CSafeLoader with the same mapping constructor (line numbers, unique keys)."""

    _FastLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


class _Unusual(Exception):
    """Something the event reader leaves to the loaders above (they accept it or word the error)."""


def _fast_events(text: str) -> object:
    """Parse with libyaml's event parser and build the values directly, as :class:`_FastLoader` does
    (LineDict mappings with their lines and key lines, SafeLoader's tags and values), without
    composing a node tree and constructing it again. Anything unusual (an alias or anchor, a merge
    key ``<<``, a tag on a list or mapping, a duplicate or non-scalar key, several documents, a
    value the constructor refuses, deep nesting) raises :class:`_Unusual` or a YAML error: the
    loaders in :func:`parse_yaml` then handle the text as before, with the same messages."""
    from yaml import events as ev
    loader = _FastLoader(text)
    try:
        resolvers = loader.yaml_implicit_resolvers
        wildcard = resolvers.get(None, [])
        by_first = {k: v + wildcard for k, v in resolvers.items() if k is not None}
        constructors = loader.yaml_constructors
        str_tag = "tag:yaml.org,2002:str"
        ok_tags = {ev.MappingStartEvent: (None, "!", "tag:yaml.org,2002:map"),
                   ev.SequenceStartEvent: (None, "!", "tag:yaml.org,2002:seq")}
        scalar_ev, mstart, mend, sstart, send = ev.ScalarEvent, ev.MappingStartEvent, ev.MappingEndEvent, \
            ev.SequenceStartEvent, ev.SequenceEndEvent
        get = loader.get_event
        stack: list = []  # [container, its pending key (a mapping's), that key's line] per open list or mapping
        doc = None
        docs = 0
        while True:
            e = get()
            kind = type(e)
            if kind is scalar_ev:
                if e.anchor is not None:
                    raise _Unusual("anchor")
                tag, value = e.tag, e.value
                if tag is None or tag == "!":
                    tag = str_tag
                    if e.implicit[0]:
                        for t, regexp in by_first.get(value[:1], wildcard):
                            if regexp.match(value):
                                tag = t
                                break
                if tag == str_tag:
                    obj = value
                else:
                    make = constructors.get(tag)
                    if make is None or tag in ("tag:yaml.org,2002:merge", "tag:yaml.org,2002:value"):
                        raise _Unusual(tag)
                    obj = make(loader, yaml.nodes.ScalarNode(tag, value, e.start_mark, e.end_mark, e.style))
                    if isinstance(obj, (list, dict, set)):
                        raise _Unusual("a collection from a scalar")
                if not stack:
                    doc = obj
                    continue
                top = stack[-1]
                if type(top[0]) is LineDict and top[1] is _NO_KEY:
                    try:
                        if obj in top[0]:
                            raise _Unusual("duplicate key")
                    except TypeError:
                        raise _Unusual("unhashable key") from None
                    top[1], top[2] = obj, e.start_mark.line + 1
                    continue
                _attach(top, obj)
            elif kind is mstart or kind is sstart:
                if e.anchor is not None or e.tag not in ok_tags[kind]:
                    raise _Unusual("anchor or tag")
                if kind is mstart:
                    obj = LineDict()
                    obj.line = e.start_mark.line + 1
                    obj.key_lines = {}
                else:
                    obj = []
                if stack:
                    top = stack[-1]
                    if type(top[0]) is LineDict and top[1] is _NO_KEY:
                        raise _Unusual("a list or mapping as a key")
                    _attach(top, obj)
                else:
                    doc = obj
                stack.append([obj, _NO_KEY, 0])
                if len(stack) > MAX_DEPTH:
                    raise _Unusual("deep")
            elif kind is mend or kind is send:
                stack.pop()
            elif kind is ev.DocumentStartEvent:
                docs += 1
                if docs > 1:
                    raise _Unusual("several documents")
            elif kind is ev.StreamEndEvent:
                return doc
            elif kind is ev.AliasEvent:
                raise _Unusual("alias")
    finally:
        loader.dispose()


_NO_KEY = object()


def _attach(top: list, obj) -> None:
    """Put ``obj`` into the open container ``top`` (a mapping's pending key gets it)."""
    c = top[0]
    if type(c) is LineDict:
        key = top[1]
        c.key_lines[key] = top[2]
        c[key] = obj
        top[1] = _NO_KEY
    else:
        c.append(obj)


def read_bytes(path: Path) -> bytes:
    """The file's bytes, or a :class:`DataError` naming it (missing, a folder, no permission, a pipe or
    device — which would never end — or over :data:`MAX_INPUT_BYTES`)."""
    import stat
    try:
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode) and not stat.S_ISDIR(st.st_mode):
            raise DataError([Problem("not a regular file (a pipe, socket or device)", file=rel(path),
                                     hint="give the path of a saved file")])
        if st.st_size > MAX_INPUT_BYTES:
            raise DataError([Problem(f"the file is {st.st_size / 1e6:.0f} MB; at most {MAX_INPUT_BYTES / 1e6:.0f} MB "
                                     "is read", file=rel(path), hint="check that this is the right file")])
        return path.read_bytes()
    except OSError as exc:
        raise DataError([Problem(f"cannot read the file: {exc.strerror}", file=rel(path),
                                 hint="check the path and permissions")]) from None


def read_yaml(path: Path) -> object:
    """Parse one YAML file; any failure becomes a :class:`DataError` naming file and line."""
    name = rel(path)
    raw = read_bytes(path)
    if len(raw) > MAX_FILE_BYTES:
        raise DataError([Problem(f"the file is {len(raw) / 1e6:.1f} MB; a data file may be at most "
                                 f"{MAX_FILE_BYTES / 1e6:.0f} MB", file=name,
                                 hint="split it into several files, or remove it if it is not a data file")])
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DataError([Problem("the file is UTF-16 text, not UTF-8", file=name, line=1,
                                 hint="save the file as UTF-8 (in Notepad: Save As, Encoding UTF-8)")])
    if b"\0" in raw[:8192]:
        raise DataError([Problem("the file is binary, not YAML text", file=name,
                                 line=raw[: raw.index(b"\0")].count(b"\n") + 1,
                                 hint="remove it from the data folder (only YAML text files belong there)")])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise DataError([Problem(f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at byte offset {exc.start}, "
                                 f"column {col})", file=name, line=line,
                                 hint="save the file as UTF-8 (in Notepad: Save As, Encoding UTF-8)")]) from None
    return parse_yaml(text, name)


MAX_QUERY_BYTES = 1_000_000


def read_query_file(path: Path) -> str:
    """A SPARQL query from a file (``drivers sparql @FILE``): UTF-8, or UTF-16 / UTF-8 with a byte order
    mark (Notepad's "Unicode"); anything else is a :class:`DriversError` naming the file and what to do."""
    name = rel(path)
    try:
        if path.stat().st_size > MAX_QUERY_BYTES:
            raise DriversError(f"cannot read the query file {name}: it is over {MAX_QUERY_BYTES // 1000} KB — a "
                               "query is a few lines; check that this is the right file")
        raw = path.read_bytes()
    except OSError as exc:
        raise DriversError(f"cannot read the query file {name}: {exc.strerror or exc} — check the path") from None
    for bom, enc in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if raw.startswith(bom):
            raw, encoding = raw[len(bom):], enc
            break
    else:
        encoding = "utf-8"
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as exc:
        raise DriversError(f"the query file {name} is not {encoding.upper()} text (byte 0x{raw[exc.start]:02x} at byte "
                           f"offset {exc.start}) — save it as UTF-8") from None
    if "\0" in text:
        raise DriversError(f"the query file {name} is binary (or UTF-16 without a byte order mark) — save it as "
                           "UTF-8 text")
    return text


#: Data files nest a few levels; far deeper nesting is a mistake (unclosed brackets) or an attack.
MAX_DEPTH = 50


def _shape(doc: object) -> tuple[bool, int]:
    """(some list or mapping occurs twice — only a YAML alias does that, the nesting depth), found
    without recursion; the walk stops as soon as either is wrong."""
    seen: set[int] = set()
    stack = [(doc, 1)]
    deepest = 0
    while stack:
        obj, depth = stack.pop()
        if isinstance(obj, (dict, list)):
            if id(obj) in seen:
                return True, depth
            if depth > MAX_DEPTH:
                return False, depth
            deepest = max(deepest, depth)
            seen.add(id(obj))
            stack.extend((v, depth + 1) for v in (obj.values() if isinstance(obj, dict) else obj))
    return False, deepest


def _too_deep(name: str) -> DataError:
    return DataError([Problem(f"lists or mappings are nested more than {MAX_DEPTH} levels deep", file=name,
                              hint="fix the unclosed '[' or '{' brackets (data files nest a few levels)")])


def parse_yaml(text: str, name: str) -> object:
    """Parse YAML text; any failure becomes a :class:`DataError` naming ``name`` and the line."""
    fast = _FastLoader is not None and not yaml.reader.Reader.NON_PRINTABLE.search(text)
    if fast:
        try:
            return _fast_events(text)
        except _Unusual:
            pass  # libyaml's loader below (or the pure-Python one) decides
        except (yaml.YAMLError, RecursionError):
            fast = False  # the pure-Python loader below reports it
    if fast:
        try:
            doc = yaml.load(text, Loader=_FastLoader)  # noqa: S506 - CSafeLoader subclass
            # libyaml composes in C, where _LineLoader's refusal of aliases cannot reach; a list or
            # mapping met twice means an alias, so the pure-Python loader below reports it
            shared, depth = _shape(doc)
            if depth > MAX_DEPTH:
                raise _too_deep(name)
            if not shared:
                return doc
        except (yaml.YAMLError, RecursionError):
            pass  # the pure-Python loader below reports it
    try:
        doc = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - SafeLoader subclass
        if _shape(doc)[1] > MAX_DEPTH:
            raise _too_deep(name)
        return doc
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        msg = str(exc.problem or exc.context)
        if exc.context and exc.context_mark and exc.problem_mark and exc.context_mark.line != exc.problem_mark.line:
            msg += f" ({exc.context} that started at line {exc.context_mark.line + 1})"
        elif exc.context:
            msg = f"{exc.context}: {msg}"
        if "could not find expected ':'" in msg and exc.context_mark is not None:
            line = exc.context_mark.line + 1  # the scanner notices on the next line; the key is on this one
            msg = "a line without ':' inside a mapping"
            hint = "write it as 'key: value' (or indent it as the continuation of the value above)"
        elif (opened := _unclosed_quote(text, exc.context_mark, mark)) is not None:
            line, msg = opened, "a quoted value starts on this line and is not closed"
            hint = 'close the quote (") at the end of the value, or write \\" for a quote inside it'
        elif "\t" in msg or "'\\t'" in msg or "tab" in msg:
            hint = "YAML does not allow tab characters for indentation; use spaces"
        elif "alias" in msg:
            hint = "write the value out in full instead of *name"
        elif "constructor for the tag" in msg:
            hint = "remove the '!' tag: data files hold plain text, numbers, lists and mappings"
        elif "expected <block end>" in msg or "mapping values are not allowed" in msg:
            hint = ("fix the YAML syntax at that line: check its indentation against the lines above (the keys of "
                    "one record line up), or quote text containing ': ' or '#'")
        else:
            hint = "fix the YAML syntax at that line (quote text containing ': ' or '#')"
        raise DataError([Problem(f"YAML syntax error: {msg}", file=name, line=line, hint=hint)]) from None
    except yaml.reader.ReaderError as exc:
        line = text[: exc.position].count("\n") + 1
        raise DataError([Problem(f"character U+{exc.character:04X} is not allowed in YAML", file=name, line=line,
                                 hint="remove the control character (often pasted from a PDF)")]) from None
    except yaml.YAMLError as exc:  # pragma: no cover - other YAML errors are rare
        raise DataError([Problem(f"YAML error: {exc}", file=name)]) from None
    except RecursionError:
        raise _too_deep(name) from None


def real_target(target: Path) -> tuple[Path, bool]:
    """(where to write ``target``, whether to write it in place): a symbolic link is followed (the link
    stays, its file is replaced); a character device or a pipe (``/dev/null``, ``/dev/stdout``,
    ``>(cmd)``) is written in place, never replaced by a file; a folder, a block device or a socket
    is a :class:`DriversError`."""
    import stat
    target = Path(target)
    try:
        st = os.stat(target)
    except FileNotFoundError:
        if target.is_symlink():  # a dangling link: write where it points
            return Path(os.path.realpath(target)), False
        return target, False
    except OSError:
        return target, False  # the write itself reports it
    real = Path(os.path.realpath(target))
    if stat.S_ISREG(st.st_mode):
        return real, False
    if stat.S_ISCHR(st.st_mode) or stat.S_ISFIFO(st.st_mode):
        return real, True
    kind = "a folder" if stat.S_ISDIR(st.st_mode) else "a block device" if stat.S_ISBLK(st.st_mode) else \
        "a socket" if stat.S_ISSOCK(st.st_mode) else "not a regular file"
    raise DriversError(f"cannot write {rel(target)}: it is {kind} — give the path of a file, or choose another --out")


def _open_in_place(target: Path, binary: bool = False):
    """Open a device or pipe for writing, without replacing it; a pipe nobody reads is an error, not a hang."""
    import stat
    flags = os.O_WRONLY
    if stat.S_ISFIFO(os.stat(target).st_mode):
        try:
            fd = os.open(target, flags | os.O_NONBLOCK)
        except OSError as exc:
            if exc.errno == 6:  # ENXIO: no reader
                raise DriversError(f"cannot write {rel(target)}: it is a pipe that no process is reading — start the "
                                   "reader first, or choose another --out") from None
            raise
        os.set_blocking(fd, True)
    else:
        fd = os.open(target, flags)
    return os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8", newline="\n")


def _unclosed_quote(text: str, start_mark, problem_mark) -> int | None:
    """The line (1-based) of a double-quoted value opened and not closed on its line, between the
    start of the block the parser was in and the line it stopped at (where a stray quote leads it)."""
    if problem_mark is None:
        return None
    lines = text.split("\n")
    first = start_mark.line if start_mark is not None else 0
    for i in range(first, min(problem_mark.line, len(lines))):
        body = re.sub(r"\\.", "", lines[i].split(" #")[0] if '"' not in lines[i] else lines[i])
        m = re.match(r'\s*(?:-\s+)?[^"\':]*:\s+"', body) or re.match(r'\s*-\s+"', body)
        if m and body.count('"') % 2 == 1:
            return i + 1
    return None


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; rename it onto ``target`` only on success. A device or
    pipe is written in place from the finished temporary file (see :func:`real_target`)."""
    target, in_place = real_target(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp",
                               dir=tempfile.gettempdir() if in_place else target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        if in_place:
            with open(tmp_path, "rb") as src, _open_in_place(target, binary=True) as dst:
                shutil.copyfileobj(src, dst)
        else:
            os.chmod(tmp_path, _FILE_MODE)
            os.replace(tmp_path, target)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


def write_text(target: Path, text: str) -> None:
    """Write ``text`` (UTF-8, ``\\n`` line ends) atomically; an OS error becomes a :class:`DriversError`."""
    try:
        real, in_place = real_target(target)
        if in_place:
            with _open_in_place(real) as fh:
                fh.write(text)
            return
        with atomic_path(real) as tmp:
            tmp.write_text(text, encoding="utf-8", newline="\n")
    except OSError as exc:
        raise write_error(target, exc) from None


def write_many(files: dict[Path, str | Callable[[TextIO], object]], progress: Callable[[Path], None] | None = None
               ) -> None:
    """Write several files so that either all are replaced or none is.

    A value is the file's text, or a function that writes it to the open file (so a big export is
    streamed, never held whole in memory). ``progress(path)`` is called after each file is staged.

    Every file is first written to a temporary sibling and flushed to disk; only when all have
    been written are they renamed into place. Should a rename fail part-way, the files already
    renamed are put back from hard-link backups, so the folder is as it was. (A process killed
    part-way through the renames leaves each file whole, old or new.)
    """
    staged: list[tuple[Path, Path]] = []
    done: list[tuple[Path, Path | None]] = []
    target = None
    in_place: dict[Path, str | Callable[[TextIO], object]] = {}
    real: dict[Path, str | Callable[[TextIO], object]] = {}
    for t, text in files.items():
        r, special = real_target(t)
        (in_place if special else real)[r] = text
    files = real
    try:
        for target, text in sorted(files.items()):
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
            staged.append((Path(tmp), target))
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
                if callable(text):
                    text(fh)
                else:
                    fh.write(text)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, _FILE_MODE)
            if progress:
                progress(target)
        for tmp, target in staged:
            backup = _backup(target)
            done.append((target, backup))
            os.replace(tmp, target)
        staged = []
        for target, text in sorted(in_place.items()):  # devices and pipes: after the files, in place
            with _open_in_place(target) as fh:
                text(fh) if callable(text) else fh.write(text)
    except OSError as exc:
        _roll_back(done)
        done = []
        raise write_error(target or Path("."), exc) from None
    finally:
        for tmp, _ in staged:
            if tmp.exists():
                tmp.unlink()
        for _, backup in done:
            if backup is not None and backup.exists():
                backup.unlink()


def _backup(target: Path) -> Path | None:
    """A hard link (or copy) of ``target`` to restore if a later rename fails; None if it is new."""
    if not target.exists():
        return None
    backup = target.with_name(f".{target.name}.{os.getpid()}.bak.tmp")
    if backup.exists():
        backup.unlink()
    try:
        os.link(target, backup)
    except OSError:  # a file system without hard links
        shutil.copy2(target, backup)
    return backup


def _roll_back(done: list[tuple[Path, Path | None]]) -> None:
    for target, backup in reversed(done):
        try:
            if backup is not None and backup.exists():
                os.replace(backup, target)
                if backup.exists():  # rename() between two links to one file does nothing
                    backup.unlink()
            elif backup is None and target.exists():
                target.unlink()
        except OSError:  # pragma: no cover - the disk vanished; nothing more can be done
            pass


def write_error(target: Path, exc: OSError) -> DriversError:
    """An OS error while writing ``target`` as a message a person can act on (exit 2)."""
    return DriversError(f"cannot write {rel(target)}: {exc.strerror or exc} — check that the folder exists, is "
                        "writable and has free space, or choose another --out; the previous files were left as "
                        "they were")


def remove_stale_temps(folder: Path) -> int:
    """Delete temporary files (``.NAME.*.tmp``) a killed writer left in ``folder``; call under the write lock."""
    n = 0
    if folder.is_dir():
        for p in folder.glob(".*.tmp"):
            try:
                p.unlink()
                n += 1
            except OSError:
                pass
    return n


def stable_zip(blob: bytes, when: str | None = None) -> bytes:
    """Re-pack a zip with fixed timestamps so the same input gives the same bytes; ``when``
    (an ISO date-time) replaces the created/modified dates in ``docProps/core.xml``."""
    src = zipfile.ZipFile(BytesIO(blob))
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if when and info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)",
                              rb"\g<1>" + when.encode() + rb"\g<2>", data)
            zi = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            dst.writestr(zi, data)
    return out.getvalue()
