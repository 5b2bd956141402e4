"""Durability of the notes file: killed writers lose nothing they reported, two writers lose nothing."""
from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from conftest import REPO

from reader.store import userdata

# Writes annotations (and edits earlier ones) for ever, printing each one only after its
# transaction returned: "add <uuid>" or "edit <uuid> <version>".
WRITER = r"""
import sys, uuid
from pathlib import Path
from reader.annotations.model import Annotation, now_iso
from reader.annotations.storage import AnnotationStore

user = AnnotationStore.open(Path(sys.argv[1]))
print("ready", flush=True)
mine, versions, i = [], {}, 0
while True:
    i += 1
    if mine and i % 3 == 0:
        target = mine[i % len(mine)]
        versions[target] = versions.get(target, 0) + 1
        v = versions[target]
        user.edit_annotation(target, lambda a: a.with_changes(note=f"note {a.uuid} v{v}", modified=now_iso()))
        print(f"edit {target} {v}", flush=True)
        continue
    u = str(uuid.uuid4())
    t = now_iso()
    user.add_annotation(Annotation(u, "0" * 64, "durability.txt", "yellow", f"note {u} v0", ("t", "本"), t, t,
                                   f"exact {u}" + "。" * (i % 40), "prefix", "suffix", i, i + 10, "anchored", i, i + 10))
    mine.append(u)
    print(f"add {u}", flush=True)
"""

# Two of these at once on one file: each adds annotations and appends tags to a shared one.
CONCURRENT = r"""
import sys, time
from pathlib import Path
from reader.annotations.model import Annotation, AnnotationError, now_iso
from reader.annotations.storage import AnnotationStore

path, name, count, go = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), Path(sys.argv[4])
while not go.exists():
    time.sleep(0.001)
user = AnnotationStore.open(path)   # both open (and migrate) a new file at the same moment
shared = "00000000-0000-4000-8000-000000000000"
t = now_iso()
try:
    user.add_annotation(Annotation(shared, "0" * 64, "shared.txt", "green", "", (), t, t, "x", "", "", 0, 1))
except AnnotationError:
    pass  # the other one made it first
for i in range(count):
    t = now_iso()
    u = f"{name}-{i:04d}"
    user.add_annotation(Annotation(u, "0" * 64, "f.txt", "blue", f"{name} {i}", (), t, t, "q", "", "", i, i + 1))
    user.edit_annotation(shared, lambda a: a.with_changes(tags=a.tags + (f"{name}-{i}",)))
print("done", flush=True)
"""


def _read_reports(stdout: bytes) -> tuple[set[str], dict[str, int]]:
    added, edited = set(), {}
    for line in stdout.decode("utf-8").split("\n"):
        parts = line.split()
        if len(parts) == 2 and parts[0] == "add":
            added.add(parts[1])
        elif len(parts) == 3 and parts[0] == "edit":
            edited[parts[1]] = max(edited.get(parts[1], 0), int(parts[2]))
    return added, edited   # a line cut short by the kill is not a report


def test_killed_writers_never_lose_a_reported_annotation(tmp_path):
    path = tmp_path / "user.sqlite"
    rng = random.Random(1124)
    reported: set[str] = set()
    edits: dict[str, int] = {}
    rounds = 30
    kills_during_writes = 0
    for round_ in range(rounds):
        writer = subprocess.Popen([sys.executable, "-c", WRITER, str(path)], cwd=REPO, stdout=subprocess.PIPE,
                                  env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
        if round_ % 3:   # mostly mid-writes, however long the start takes on a busy machine
            assert writer.stdout.readline() == b"ready\n"
        time.sleep(rng.uniform(0.02, 0.35))   # else sometimes while starting or migrating
        writer.send_signal(signal.SIGKILL)
        stdout, _ = writer.communicate()
        assert writer.returncode == -signal.SIGKILL
        added, edited = _read_reports(stdout)
        kills_during_writes += bool(added)
        reported |= added
        for uuid, version in edited.items():
            edits[uuid] = max(edits.get(uuid, 0), version)

        conn = sqlite3.connect(str(path), timeout=30)
        try:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            rows = {u: (note, exact) for u, note, exact in conn.execute("SELECT uuid, note, exact FROM annotations")}
        finally:
            conn.close()
        missing = reported - set(rows)
        assert not missing, f"reported committed but lost: {sorted(missing)[:3]}"
        for uuid in reported:
            note, exact = rows[uuid]
            assert exact.startswith(f"exact {uuid}") and note.startswith(f"note {uuid} v")
            assert int(note.rsplit("v", 1)[1]) >= edits.get(uuid, 0), "a reported edit was lost"
    assert kills_during_writes >= rounds // 2, "the kills should mostly land while writing"
    assert len(reported) > rounds
    print(f"{rounds} kills, {kills_during_writes} mid-writes; {len(reported)} annotations and "
          f"{sum(edits.values())} edits reported, all intact")


def test_two_processes_writing_at_once_lose_nothing(tmp_path):
    path = tmp_path / "user.sqlite"
    go = tmp_path / "go"
    count = 60
    writers = [subprocess.Popen([sys.executable, "-c", CONCURRENT, str(path), name, str(count), str(go)], cwd=REPO,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE) for name in ("a", "b")]
    time.sleep(0.3)  # both started and waiting
    go.touch()
    for writer in writers:
        stdout, stderr = writer.communicate(timeout=120)
        assert writer.returncode == 0, stderr.decode()
        assert stdout.decode().strip() == "done"
    conn = sqlite3.connect(str(path))
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA user_version").fetchone()[0] == userdata.VERSION
        names = {u for (u,) in conn.execute("SELECT uuid FROM annotations")}
        tags = json.loads(conn.execute("SELECT tags FROM annotations WHERE uuid LIKE '00000000%'").fetchone()[0])
    finally:
        conn.close()
    expected = {f"{name}-{i:04d}" for name in ("a", "b") for i in range(count)}
    assert expected <= names and len(names) == 2 * count + 1
    # Every read-modify-write of the shared annotation kept the other process's changes.
    assert sorted(tags) == sorted(f"{name}-{i}" for name in ("a", "b") for i in range(count))


def test_a_second_reader_instance_sees_changes_at_once(tmp_path, seeds_index):
    from annotations_support import document, make_library

    from reader.annotations.service import Annotations
    from reader.library import Library

    first = make_library(seeds_index, tmp_path / "data")
    second = Library(first.data_dir)
    try:
        doc_id, _, _ = document(first, "000_60ad3fcb420e1d94.txt")
        made = Annotations(first).create(doc_id, 0, 10, note="from the first window")
        assert Annotations(second).get(made.uuid) == made
        Annotations(second).update(made.uuid, note="edited in the second")
        assert Annotations(first).get(made.uuid).note == "edited in the second"
        record = Annotations(first).delete(made.uuid)
        assert Annotations(second).list_all() == []
        Annotations(second).restore(record)
        assert Annotations(first).get(made.uuid) == record
    finally:
        first.close()
        second.close()
