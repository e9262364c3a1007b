"""Writes that race (issue 14, item 2): every check that guards a write (the edition exists, --force,
the curated file) is made under the write lock on the data as read under it, so two commands
started together never both succeed in writing the same edition; and writes never replace a
device or a pipe, nor land in data/ through --out or --checklist.

Real processes (the `drivers` command in subprocesses) started at the same moment.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main

from .conftest import TINY, snapshot

ROOT = Path(__file__).resolve().parents[1]
MESSY = ROOT / "tests" / "fixtures" / "editions" / "messy.txt"


def _together(cmds: list[list[str]], env: dict) -> list[subprocess.CompletedProcess]:
    """Start every command at once (each waits on a barrier file), then collect them."""
    go = Path(env["GO_FILE"])
    wrapper = ("import os, sys, time\n"
               "while not os.path.exists(os.environ['GO_FILE']): time.sleep(0.001)\n"
               "from cli import main\nsys.argv = ['drivers', *sys.argv[1:]]\nmain()\n")
    procs = [subprocess.Popen([sys.executable, "-c", wrapper, *c], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for c in cmds]
    import time
    time.sleep(1.5)  # every process has imported and is waiting
    go.write_text("go")
    out = []
    for p in procs:
        o, e = p.communicate(timeout=300)
        out.append(subprocess.CompletedProcess(p.args, p.returncode, o, e))
    return out


@pytest.fixture()
def data(tmp_path):
    d = tmp_path / "data"
    shutil.copytree(TINY, d)
    return d


def _env(tmp_path: Path) -> dict:
    return {**os.environ, "DRIVERS_CACHE_DIR": str(tmp_path / "cache"), "GO_FILE": str(tmp_path / "go"),
            "DRIVERS_LOCK_TIMEOUT": "120"}


def _one_won(results, refused: str) -> int:
    codes = [r.returncode for r in results]
    assert sorted(codes) == [0] + [2] * (len(codes) - 1), [(r.returncode, r.stderr[-400:]) for r in results]
    for r in results:
        assert "Traceback" not in r.stderr, r.stderr
        if r.returncode == 2:
            assert refused in r.stderr, r.stderr
    return codes.index(0)


@pytest.mark.parametrize("round_", range(2))
def test_two_ingests_of_one_edition_at_once_one_wins_the_other_needs_force(data, tmp_path, round_):
    docs = []
    for name in ("A.txt", "B.txt", "C.txt"):
        shutil.copy(MESSY, tmp_path / name)
        docs.append(tmp_path / name)
    results = _together([["--data", str(data), "ingest", str(d), "--edition", "2024"] for d in docs], _env(tmp_path))
    winner = _one_won(results, "already exists")
    written = (data / "editions" / "north-drivers-2024.yaml").read_text(encoding="utf-8")
    assert f"from {docs[winner].name}" in written  # the file is the winner's, whole
    assert not list((data / "editions").glob(".*.tmp"))


def test_two_refreshes_to_one_year_at_once(data, tmp_path):
    env = _env(tmp_path)
    first = subprocess.run([sys.executable, "-m", "cli", "--data", str(data), "ingest", str(MESSY), "--edition",
                            "2024"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    cmds = [["--data", str(data), "refresh", "--from", "2024", "--to", "2025", "--checklist",
             str(tmp_path / f"check-{i}.md")] for i in range(3)]
    _one_won(_together(cmds, env), "already exists")


def test_import_and_ingest_of_one_year_at_once(data, tmp_path):
    env = _env(tmp_path)
    sheet = tmp_path / "sheet.csv"
    r = CliRunner().invoke(main, ["--data", str(data), "export", "--edition", "2023", "--format", "csv", "--out",
                                  str(sheet)])
    assert r.exit_code == 0, r.output
    cmds = [["--data", str(data), "import", str(sheet), "--edition", "2026"],
            ["--data", str(data), "ingest", str(MESSY), "--edition", "2026"]]
    _one_won(_together(cmds, env), "already exists")


# -- nothing written into data/ by an --out, and devices are never replaced ---------------------------

OUTS = {
    "export": ["export", "--edition", "2023", "--format", "csv", "--out", "{data}/drivers.yaml"],
    "export-new-file": ["export", "--edition", "2023", "--out", "{data}/sheet.xlsx"],
    "document": ["document", "--edition", "2023", "--format", "md", "--out", "{data}/editions/doc.md"],
    "refresh-checklist": ["refresh", "--from", "2023", "--to", "2031", "--checklist", "{data}/drivers.yaml"],
    "build": ["build", "--out", "{data}"],
    "build-sub": ["build", "--out", "{data}/exports"],
    "viz": ["viz", "--out", "{data}/graph.html"],
    "synth": ["synth", "--partnerships", "1", "--out", "{data}/synth"],
    "through-a-link": ["export", "--edition", "2023", "--format", "csv", "--out", "{tmp}/link.yaml"],
    "dotdot": ["export", "--edition", "2023", "--format", "csv", "--out", "{data}/../data/plan.yaml"],
}


@pytest.mark.parametrize("case", sorted(OUTS))
def test_an_out_inside_the_data_folder_is_refused(data, tmp_path, case):
    (tmp_path / "link.yaml").symlink_to(data / "plan.yaml")
    before = snapshot(data)
    args = [a.format(data=data, tmp=tmp_path) for a in OUTS[case]]
    r = CliRunner().invoke(main, ["--data", str(data), "--store", "rdflib", *args])
    assert r.exit_code == 2 and "inside the data folder" in r.output, r.output
    assert "Traceback" not in r.output
    assert snapshot(data) == before


def test_a_symlinked_out_keeps_its_link_and_replaces_its_file(tmp_path):
    real = tmp_path / "real.csv"
    real.write_text("old\n", encoding="utf-8")
    link = tmp_path / "out.csv"
    link.symlink_to(real)
    r = CliRunner().invoke(main, ["--data", str(TINY), "export", "--edition", "2023", "--format", "csv",
                                  "--out", str(link)])
    assert r.exit_code == 0, r.output
    assert link.is_symlink() and "driver" in real.read_text(encoding="utf-8")


def _device(tmp_path: Path, name: str, minor: int) -> Path:
    """A character device node of our own (1, minor: 3 is null, 7 is full), so that a regression replaces
    this test's copy, never the machine's /dev/null."""
    path = tmp_path / name
    try:
        os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, minor))
    except (PermissionError, OSError) as exc:
        pytest.skip(f"cannot make a device node here: {exc}")
    return path


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_null_device_is_written_in_place_never_replaced(tmp_path, fmt):
    null = _device(tmp_path, "null", 3)
    before = os.stat(null)
    r = CliRunner().invoke(main, ["--data", str(TINY), "export", "--edition", "2023", "--format", fmt,
                                  "--out", str(null)])
    assert r.exit_code == 0, r.output
    after = os.stat(null)
    assert stat.S_ISCHR(after.st_mode) and after.st_ino == before.st_ino and after.st_rdev == before.st_rdev


@pytest.mark.parametrize("args", [["export", "--edition", "2023", "--format", "csv"],
                                  ["export", "--edition", "2023", "--format", "xlsx"],
                                  ["document", "--edition", "2023", "--format", "html"],
                                  ["viz"]])
def test_a_full_device_gives_a_message_and_stays_a_device(tmp_path, args):
    full = _device(tmp_path, "full", 7)
    before = os.stat(full)
    r = CliRunner().invoke(main, ["--data", str(TINY), *args, "--out", str(full)])
    assert r.exit_code == 2 and "No space left" in r.output and "Traceback" not in r.output, r.output
    after = os.stat(full)
    assert stat.S_ISCHR(after.st_mode) and after.st_ino == before.st_ino


def test_a_fifo_nobody_reads_is_an_error_not_a_hang_and_stays_a_fifo(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    r = CliRunner().invoke(main, ["--data", str(TINY), "export", "--edition", "2023", "--format", "csv",
                                  "--out", str(fifo)])
    assert r.exit_code == 2 and "no process is reading" in r.output, r.output
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_a_fifo_with_a_reader_gets_the_output(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = subprocess.Popen(["cat", str(fifo)], stdout=subprocess.PIPE)
    import time
    time.sleep(0.3)
    r = CliRunner().invoke(main, ["--data", str(TINY), "export", "--edition", "2023", "--format", "csv",
                                  "--out", str(fifo)])
    out, _ = reader.communicate(timeout=30)
    assert r.exit_code == 0, r.output
    assert b"driver" in out and stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_an_out_that_is_a_folder_or_socket_is_refused(tmp_path):
    import socket
    folder = tmp_path / "folder.csv"
    folder.mkdir()
    sock_path = tmp_path / "s.sock"
    s = socket.socket(socket.AF_UNIX)
    s.bind(str(sock_path))
    try:
        for target, kind in ((folder, "a folder"), (sock_path, "a socket")):
            r = CliRunner().invoke(main, ["--data", str(TINY), "export", "--edition", "2023", "--format", "csv",
                                          "--out", str(target)])
            assert r.exit_code == 2 and "Traceback" not in r.output, r.output
            assert kind in r.output or "is a directory" in r.output, r.output
        assert folder.is_dir() and stat.S_ISSOCK(os.stat(sock_path).st_mode)
    finally:
        s.close()


def test_a_lock_file_planted_as_a_link_never_truncates_its_target(data, tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n", encoding="utf-8")
    (tmp_path / "data.lock").symlink_to(victim)
    before = snapshot(data)
    r = CliRunner().invoke(main, ["--data", str(data), "--store", "rdflib", "ingest", str(MESSY), "--edition", "2024"])
    assert r.exit_code == 2 and "data.lock is a symbolic link" in r.output, r.output
    assert victim.read_text(encoding="utf-8") == "precious\n" and snapshot(data) == before


def test_a_lock_file_that_is_a_pipe_is_refused(data, tmp_path):
    os.mkfifo(tmp_path / "data.lock")
    r = CliRunner().invoke(main, ["--data", str(data), "--store", "rdflib", "ingest", str(MESSY), "--edition", "2024"])
    assert r.exit_code == 2 and "not a regular file" in r.output, r.output
