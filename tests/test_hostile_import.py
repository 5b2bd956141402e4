"""One bad file never stops or swamps an import: each document is analysed under a time and
memory budget in a worker that is killed when it overruns, finished documents are committed
while a slow one is still being read, cancel stops a hanging file, and no worker outlives a
killed import."""
from __future__ import annotations

import multiprocessing
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import hostile_files as hostile
from conftest import REPO
from reader.progress import CancelToken
from reader.store import indexer as indexer_module
from reader.store import workers
from reader.store.db import open_index
from reader.store.indexer import Indexer
from reader.store.workers import Budget

pytestmark = pytest.mark.timeout(300)


# A budget far beyond what a one-line article takes even on a loaded machine, and far below the
# minutes the slow PDF needs: the outcome does not depend on how busy the machine is.
TEST_SECONDS = 15


def slow_pdf() -> bytes:
    """A small PDF that is slow to read but within every per-page limit: minutes of work."""
    return hostile.pdf_xobject_fan_out(11, "slow " * 9, pages=60)


def articles(folder: Path, count: int) -> list[str]:
    folder.mkdir(exist_ok=True)
    names = []
    for number in range(count):
        name = f"article {number:03d}.txt"
        (folder / name).write_text(f"Article {number}: the delegations met again, round {number}.\n", encoding="utf-8")
        names.append(name)
    return names


def test_a_document_over_its_time_budget_is_reported_and_the_import_goes_on(tmp_path) -> None:
    folder = tmp_path / "library"
    names = articles(folder, 3)
    (folder / "slow.pdf").write_bytes(slow_pdf())
    report = Indexer(open_index(tmp_path / "index.sqlite"), entities=False,
                     budget=Budget(seconds=TEST_SECONDS)).index([folder])
    assert sorted(Path(p).name for p in report.added) == names
    assert [(Path(e.path).name, e.message) for e in report.errors] == [
        ("slow.pdf", f"This PDF takes too long to read (over {TEST_SECONDS} s): it may be damaged or built to be slow.")]


def test_a_document_over_its_memory_budget_is_reported_and_the_import_goes_on(tmp_path) -> None:
    folder = tmp_path / "library"
    names = articles(folder, 3)
    (folder / "long.txt").write_bytes(hostile.one_line_text(20 * 1024 * 1024))
    budget = Budget(memory_bytes=16 * 1024 * 1024)
    report = Indexer(open_index(tmp_path / "index.sqlite"), entities=False, budget=budget).index([folder])
    assert sorted(Path(p).name for p in report.added) == names
    assert [(Path(e.path).name, e.message) for e in report.errors] == [
        ("long.txt", "This file needs too much memory to read (over 16 MB): it may be damaged or built to "
                     "exhaust memory.")]


def test_the_budget_can_be_set_in_the_environment(monkeypatch) -> None:
    monkeypatch.setenv(workers.SECONDS_VARIABLE, "5")
    monkeypatch.setenv(workers.MEMORY_VARIABLE, "256")
    assert Budget.from_environment() == Budget(seconds=5, memory_bytes=256 * 1024 * 1024)
    monkeypatch.setenv(workers.SECONDS_VARIABLE, "soon")
    assert Budget.from_environment().seconds == workers.DEFAULT_SECONDS


def test_a_hanging_file_does_not_hold_back_a_pooled_import_and_cancel_kills_it(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(indexer_module, "POOL_MIN_FILES", 2)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    folder = tmp_path / "library"
    (folder).mkdir()
    (folder / "000 slow.pdf").write_bytes(slow_pdf())           # first in order: taken first
    names = articles(folder, 30)
    db_path = tmp_path / "index.sqlite"
    open_index(db_path).conn.close()                            # the tables exist before the run
    cancel = CancelToken()
    reports = []
    run = threading.Thread(target=lambda: reports.append(
        Indexer(open_index(db_path), entities=False, cancel=cancel).index([folder])))
    run.start()
    try:
        reader = sqlite3.connect(db_path, timeout=30)
        while reader.execute("SELECT count(*) FROM documents").fetchone()[0] < len(names):
            assert run.is_alive(), "the import ended before the slow file could be cancelled"
            time.sleep(0.1)
        # Everything but the slow file is committed, and the write lock is free for another Reader.
        writer = sqlite3.connect(db_path, timeout=0)
        writer.execute("BEGIN IMMEDIATE")
        writer.rollback()
        assert run.is_alive()
    finally:
        cancel.cancel()
        run.join(120)
    assert not run.is_alive()
    report = reports[0]
    assert report.cancelled and sorted(Path(p).name for p in report.added) == names
    assert multiprocessing.active_children() == []     # the worker reading the slow file was killed


def _descendants(pid: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"            # a zombie has ended (its new parent may not reap it)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc to list processes")
def test_killing_a_pooled_import_leaves_no_worker_running(tmp_path) -> None:
    folder = tmp_path / "library"
    articles(folder, indexer_module.POOL_MIN_FILES + 10)
    (folder / "000 slow.pdf").write_bytes(slow_pdf())
    db_path = tmp_path / "index.sqlite"
    script = ("import sys\nfrom pathlib import Path\nfrom reader.store.db import open_index\n"
              "from reader.store.indexer import Indexer\n"
              "Indexer(open_index(Path(sys.argv[1])), entities=False).index([Path(sys.argv[2])])\n")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    run = subprocess.Popen([sys.executable, "-c", script, str(db_path), str(folder)], cwd=REPO, env=env)
    try:
        workers_seen: set[int] = set()
        while len(workers_seen) < 2 and run.poll() is None:     # wait for the pool to be busy
            workers_seen = _descendants(run.pid)
            time.sleep(0.1)
        time.sleep(1)
        spawned = _descendants(run.pid)
        assert run.poll() is None and len(spawned) >= 2, "the import should be running with its workers"
        run.send_signal(signal.SIGKILL)
        run.wait()
        deadline = time.monotonic() + 30
        while any(_running(pid) for pid in spawned) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not [pid for pid in spawned if _running(pid)], "processes outlived the killed import"
    finally:
        if run.poll() is None:
            run.kill()
            run.wait()
    # The next run finishes the work, and the killed run left nothing half written.
    report = Indexer(open_index(db_path), entities=False, budget=Budget(seconds=TEST_SECONDS)).index([folder])
    assert [Path(e.path).name for e in report.errors] == ["000 slow.pdf"]
    db = open_index(db_path)
    assert db.execute("SELECT count(*) FROM documents").fetchone()[0] == indexer_module.POOL_MIN_FILES + 10
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
