"""Nothing half-written: a failed build leaves exports/ byte for byte as it was; a killed build leaves
every file whole; the write lock keeps two commands from interleaving their files."""

from __future__ import annotations

import errno
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from graph.core import io
from graph.core.errors import DriversError
from graph.core.lock import LockBusy, lock_path, write_lock

from .conftest import TINY, snapshot


def build(data: Path, out: Path, env: dict | None = None):
    return CliRunner().invoke(main, ["--data", str(data), "--store", "rdflib", "build", "--out", str(out)], env=env)


@pytest.fixture()
def built_once(tmp_path: Path) -> tuple[Path, Path]:
    """A data folder that differs from tiny (so a new build would change every file) and an
    exports folder built from tiny."""
    out = tmp_path / "exports"
    assert build(TINY, out).exit_code == 0
    data = tmp_path / "data"
    shutil.copytree(TINY, data)
    f = data / "drivers.yaml"
    f.write_text(f.read_text(encoding="utf-8").replace("Children's Board", "Children's Services Board"),
                 encoding="utf-8")
    return data, out


def test_failure_while_writing_leaves_exports_untouched(built_once, monkeypatch):
    data, out = built_once
    before = snapshot(out)
    real_fdopen = os.fdopen
    calls = []

    def disk_full_on_third(fd, *a, **k):
        calls.append(fd)
        fh = real_fdopen(fd, *a, **k)
        if len(calls) == 3:
            fh.close()
            raise OSError(errno.ENOSPC, "No space left on device")
        return fh

    monkeypatch.setattr(io.os, "fdopen", disk_full_on_third)
    result = build(data, out)
    assert result.exit_code == 2, result.output
    assert "No space left on device" in result.output and "choose another --out" in result.output
    assert "Traceback" not in result.output
    assert snapshot(out) == before
    assert not [p.name for p in out.iterdir() if p.name.startswith(".")], "temporary files left behind"


def test_failure_part_way_through_the_renames_is_rolled_back(built_once, monkeypatch):
    data, out = built_once
    before = snapshot(out)
    real_replace = os.replace
    renamed = []

    def fail_on_fifth(src, dst):
        # the backups are restored with os.replace too: only the forward renames of .tmp files count
        if str(src).endswith(".tmp") and ".bak." not in str(src):
            renamed.append(dst)
            if len(renamed) == 5:
                raise OSError(errno.EIO, "Input/output error")
        return real_replace(src, dst)

    monkeypatch.setattr(io.os, "replace", fail_on_fifth)
    result = build(data, out)
    assert result.exit_code == 2 and "Input/output error" in result.output, result.output
    assert len(renamed) == 5  # four files had already been replaced ...
    assert snapshot(out) == before  # ... and were put back
    assert sorted(p.name for p in out.iterdir()) == sorted(before)


def test_exception_while_rendering_writes_nothing(built_once, monkeypatch):
    from graph.publish import exports
    from graph.core import pipeline

    data, out = built_once
    before = snapshot(out)
    monkeypatch.setattr(exports, "graphml", lambda G: (_ for _ in ()).throw(RuntimeError("boom")))
    b = pipeline.build_graph(data)
    with pytest.raises(RuntimeError):
        exports.write_exports(b, out)
    assert snapshot(out) == before


def test_write_text_failure_keeps_the_old_file(tmp_path: Path, monkeypatch):
    target = tmp_path / "page.html"
    target.write_text("old", encoding="utf-8")
    monkeypatch.setattr(io.os, "replace", lambda *a: (_ for _ in ()).throw(OSError(errno.EACCES, "Permission denied")))
    with pytest.raises(DriversError, match="cannot write .*page.html: Permission denied"):
        io.write_text(target, "new")
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["page.html"]


def test_build_sweeps_temporary_files_a_killed_build_left(built_once):
    data, out = built_once
    stale = out / ".graph.ttl.abc123.tmp"
    stale.write_text("half a file", encoding="utf-8")
    assert build(data, out).exit_code == 0
    assert not stale.exists()


# -- the lock ------------------------------------------------------------------------------------

def test_a_second_writer_waits_then_gives_a_clear_message(built_once):
    data, out = built_once
    before = snapshot(out)
    with write_lock(out):
        assert lock_path(out).read_text().strip() == str(os.getpid())
        result = build(data, out, env={"DRIVERS_LOCK_TIMEOUT": "0.3"})
    assert result.exit_code == 2, result.output
    msg = result.output
    assert "another drivers command is writing to" in msg and str(out) in msg
    assert f"held by process {os.getpid()}" in msg and "wait for it to finish" in msg
    assert "exports.lock" in msg and "Traceback" not in msg
    assert snapshot(out) == before
    assert not lock_path(out).exists()  # released and removed
    assert build(data, out).exit_code == 0  # and free again


def test_lock_is_exclusive_and_released_on_error(tmp_path: Path):
    target = tmp_path / "exports"
    order = []

    def second():
        with write_lock(target, timeout=5):
            order.append("second")

    with pytest.raises(ValueError):
        with write_lock(target, timeout=1):
            t = threading.Thread(target=second)
            t.start()
            time.sleep(0.3)
            order.append("first")  # the second has been waiting all this time
            raise ValueError("the command failed")
    t.join(5)
    assert order == ["first", "second"]
    with pytest.raises(LockBusy):
        with write_lock(target, timeout=1):
            with write_lock(target, timeout=0.1):
                pass


def test_bad_lock_timeout_is_an_input_error(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("DRIVERS_LOCK_TIMEOUT", "soon")
    with pytest.raises(DriversError, match="DRIVERS_LOCK_TIMEOUT must be a number"):
        with write_lock(tmp_path / "x"):
            pass


# -- real processes ------------------------------------------------------------------------------

# Runs the CLI with each rename slowed down and announced, so the test can kill it mid-write.
SLOW = """
import os, sys, time
real, marker = os.replace, sys.argv[1]
def slow(src, dst):
    with open(marker, "a") as fh:
        fh.write("x")
    time.sleep(0.25)  # long enough for the test to kill it between two renames, even on a busy machine
    return real(src, dst)
os.replace = slow
sys.argv = ["drivers"] + sys.argv[2:]
from cli import main
main()
"""


def drivers_proc(*args: str, marker: Path | None = None, env: dict | None = None) -> subprocess.Popen:
    root = Path(__file__).resolve().parent.parent
    cmd = [sys.executable, "-c", SLOW, str(marker)] if marker else [sys.executable, "-m", "cli"]
    return subprocess.Popen([*cmd, "--store", "rdflib", *args], cwd=root, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env={**os.environ, **(env or {})})


def test_killed_build_leaves_every_file_whole(built_once, tmp_path: Path):
    data, out = built_once
    old = {p.name: p.read_bytes() for p in out.iterdir()}
    fresh = tmp_path / "fresh"
    assert build(data, fresh).exit_code == 0
    new = {p.name: p.read_bytes() for p in fresh.iterdir()}
    assert all(old[n] != new[n] for n in ("graph.ttl", "nodes.csv", "graph.html"))
    marker = tmp_path / "renames"
    proc = drivers_proc("--data", str(data), "build", "--out", str(out), marker=marker)
    deadline = time.monotonic() + 60
    while (not marker.exists() or len(marker.read_text()) < 3) and time.monotonic() < deadline:
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)  # part-way through the renames
    proc.wait(10)
    files = {p.name: p.read_bytes() for p in out.iterdir() if not p.name.startswith(".")}
    assert sorted(files) == sorted(old)
    mixed = {n: ("new" if b == new[n] else "old" if b == old[n] else "BROKEN") for n, b in files.items()}
    assert "BROKEN" not in mixed.values(), mixed
    assert "new" in mixed.values() and "old" in mixed.values(), mixed  # really killed mid-way
    # the next build (the lock was released by the kernel) completes and cleans up
    assert build(data, out).exit_code == 0
    assert {p.name: p.read_bytes() for p in out.iterdir()} == new


def test_two_builds_at_once_both_finish_and_agree(built_once, tmp_path: Path):
    data, out = built_once
    fresh = tmp_path / "fresh"
    assert build(data, fresh).exit_code == 0
    procs = [drivers_proc("--data", str(data), "build", "--out", str(out)) for _ in range(2)]
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err.decode()
    assert snapshot(out) == snapshot(fresh)
    assert not lock_path(out).exists()
