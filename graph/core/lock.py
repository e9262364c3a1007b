"""An exclusive lock for commands that write, so two at once cannot interleave their files.

``build`` holds it on ``exports/`` while it renames the new files into place; ``ingest``,
``import`` and ``push`` can hold it on ``data/`` (or the store) the same way::

    with write_lock(out):          # waits up to DRIVERS_LOCK_TIMEOUT seconds (default 30)
        io.write_many(files)

The lock is ``fcntl.flock`` on a file next to the folder (``exports.lock`` beside ``exports/``).
The kernel releases it when the holder exits, even when it is killed, so a stale lock file never
blocks anyone; the file is removed on release. Where ``flock`` is missing (Windows) the lock is a
no-op and the atomic renames alone keep every file whole.
"""

from __future__ import annotations

import os
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from .errors import DriversError, rel

try:  # POSIX only
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

DEFAULT_TIMEOUT = 30.0
_POLL = 0.05


class LockBusy(DriversError):
    """Another drivers command holds the write lock (exit 2: the environment, not the data)."""


def lock_path(target: Path) -> Path:
    """The lock file for ``target``: ``exports/`` -> ``exports.lock`` beside it."""
    target = Path(target).absolute()
    return target.parent / f"{target.name}.lock"


def _timeout(timeout: float | None) -> float:
    if timeout is not None:
        return timeout
    from .settings import env_number
    return env_number("DRIVERS_LOCK_TIMEOUT", DEFAULT_TIMEOUT, 0.0, 86_400.0, "seconds")


@contextmanager
def write_lock(target: Path, timeout: float | None = None) -> Iterator[Path]:
    """Hold the exclusive write lock on ``target`` (a folder or file) for the ``with`` block.

    Waits up to ``timeout`` seconds (default ``$DRIVERS_LOCK_TIMEOUT`` or 30), then raises
    :class:`LockBusy` naming the folder and the lock file.
    """
    path = lock_path(target)
    if fcntl is None:  # pragma: no cover
        yield path
        return
    wait = _timeout(timeout)
    deadline = time.monotonic() + wait
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DriversError(f"cannot create {rel(path.parent)}: {exc.strerror or exc} — check that its parent "
                           "folder exists and is writable, or choose another --out") from None
    while True:
        try:  # never through a link: a lock file linked to another file would have that file truncated
            fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o644)
            import stat
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                os.close(fd)
                raise OSError(21, "not a regular file")
        except OSError as exc:
            if exc.errno == 40 or path.is_symlink():  # ELOOP: it is a symbolic link
                shown = os.path.relpath(path) if not os.path.relpath(path).startswith("..") else str(path)
                raise DriversError(f"the lock file {shown} is a symbolic link, not a file drivers made — remove "
                                   "it (and check who made it), then try again") from None
            raise DriversError(f"cannot create the lock file {rel(path)}: {exc.strerror or exc} — check that "
                               f"{rel(path.parent)} is writable, or choose another --out") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            if time.monotonic() >= deadline:
                raise LockBusy(f"another drivers command is writing to {rel(target)} (lock file {rel(path)}"
                               f"{_holder(path)}); wait for it to finish and try again — if no drivers "
                               f"command is running, remove {rel(path)}") from None
            time.sleep(_POLL)
            continue
        # The previous holder may have removed the file between our open and flock: then we hold
        # a lock on a deleted file that nobody else will see, so start again with the new file.
        try:
            same = os.fstat(fd).st_ino == os.stat(path).st_ino
        except FileNotFoundError:
            same = False
        if not same:
            os.close(fd)
            continue
        break
    try:
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        yield path
    finally:
        try:
            path.unlink()
        except OSError:
            pass
        os.close(fd)  # closing releases the flock


def _holder(path: Path) -> str:
    try:
        pid = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return ""
    return f", held by process {pid}" if pid.isdigit() else ""
