"""A damaged, unexpected, read-only or full `user.sqlite`: nothing lost, a message instead of a traceback,
reading and export keep working on whatever can be read, and `reader notes salvage` rescues the rest."""
from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from annotations_support import copy_index
from storage_support import on_full_disk, reader, refused, succeeds, unprivileged

from reader.annotations.storage import AnnotationStore
from reader.store.userdata import BACKUPS_KEPT, VERSION, UserData, backups

SEED = "000_60ad3fcb420e1d94.txt"
NOTES = 60


def make_notes(seeds_index, data: Path) -> list[str]:
    """A data folder with the seeds index and NOTES notes (long enough to fill several pages),
    written and closed (checkpointed) as a finished session leaves them. Returns their uuids."""
    from reader.annotations.service import Annotations
    from reader.library import Library

    copy_index(seeds_index, data)
    library = Library(data)
    try:
        notes = Annotations(library)
        doc_id = library.db.execute("SELECT id FROM documents WHERE file_name = ?", [SEED]).fetchone()[0]
        made = [notes.create(doc_id, 10 * i, 10 * i + 8, note=f"note {i} " + "理由" * 60, tags=[f"t{i}"]).uuid
                for i in range(NOTES)]
    finally:
        library.close()
    assert not Path(str(data / "user.sqlite") + "-wal").exists()
    return made


@pytest.fixture
def data(seeds_index, tmp_path) -> Path:
    data = tmp_path / "data"
    data.mkdir()
    make_notes(seeds_index, data)
    return data


def listed(data: Path) -> list[dict]:
    return json.loads(succeeds(reader(data, "notes", "list", "--json")).stdout)


def add_note(data: Path, **kwargs) -> subprocess.CompletedProcess:
    return reader(data, "notes", "add", SEED, "500", "520", "--note", "after the damage", **kwargs)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def raw(path: Path, *statements: tuple) -> None:
    """Change the file behind Reader's back, as another program or a bad disk would."""
    conn = sqlite3.connect(str(path), isolation_level=None)
    try:
        for statement in statements:
            conn.execute(*statement)
    finally:
        conn.close()


# -- a stray write-ahead log: the data-loss case ---------------------------------------------------

FOREIGN_WAL = r"""
import os, sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("PRAGMA journal_mode=WAL")
conn.execute("PRAGMA wal_autocheckpoint=0")
conn.execute("CREATE TABLE other (x)")
conn.execute("INSERT INTO other VALUES ('another database')")
os._exit(0)   # no checkpoint: its -wal stays
"""


def test_a_wal_file_from_another_database_is_refused_and_loses_nothing(data, tmp_path):
    path = data / "user.sqlite"
    other = tmp_path / "other.sqlite"
    subprocess.run([sys.executable, "-c", FOREIGN_WAL, str(other)], check=True)
    shutil.copyfile(str(other) + "-wal", str(path) + "-wal")
    before = digest(path)

    message = refused(reader(data, "notes", "list"), "user.sqlite-wal", "does not belong", "Nothing was changed")
    assert "reads as another database (schema 0: other)" in message
    refused(add_note(data), "does not belong")
    refused(reader(data, "notes", "export-json"), "does not belong")
    refused(reader(data, "notes", "salvage"), "does not belong", "Nothing was salvaged")
    assert digest(path) == before                        # never migrated, never checkpointed
    copies = backups(path)
    assert copies and digest(copies[-1]) == before       # and a copy kept all the same

    # Moving the stray file away, as the message says, brings every note back.
    os.replace(str(path) + "-wal", tmp_path / "stray-wal")
    Path(str(path) + "-shm").unlink(missing_ok=True)
    assert len(listed(data)) == NOTES


def test_a_file_that_holds_data_but_reads_as_another_database_is_never_migrated(tmp_path):
    path = tmp_path / "data" / "user.sqlite"
    path.parent.mkdir()
    raw(path, ("CREATE TABLE photos (id INTEGER PRIMARY KEY, name TEXT)",), ("INSERT INTO photos VALUES (1, 'x')",))
    before = digest(path)
    refused(reader(path.parent, "notes", "list"), "is not a Reader notes file", "photos")
    assert digest(path) == before


def test_backups_are_made_before_each_migration_and_several_are_kept(tmp_path):
    path = tmp_path / "user.sqlite"
    for round_ in range(BACKUPS_KEPT + 2):
        path.unlink(missing_ok=True)
        raw(path, ("CREATE TABLE entity_corrections (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, entity TEXT NOT "
                   "NULL, value TEXT, created TEXT NOT NULL)",),
            ("INSERT INTO entity_corrections (kind, entity, value, created) VALUES ('hide', ?, NULL, 'now')",
             [f"e{round_}"]),
            ("PRAGMA user_version = 1",))
        UserData(path).close()
    kept = backups(path)
    assert len(kept) == BACKUPS_KEPT
    newest = sqlite3.connect(str(kept[-1]))
    assert newest.execute("SELECT entity FROM entity_corrections").fetchall() == [(f"e{BACKUPS_KEPT + 1}",)]
    newest.close()


# -- a full disk -------------------------------------------------------------------------------------

def test_on_a_full_disk_notes_can_be_read_and_exported_and_writes_say_so(data):
    (data / "new.txt").write_text("ロシアとウクライナの協議について。\n" * 20, encoding="utf-8")
    results, unchanged = on_full_disk(
        data, ["notes", "list", "--json"], ["notes", "export-json"], ["export"],
        ["notes", "add", SEED, "500", "520", "--note", "full"], ["index", "{data}/new.txt", "--no-entities"])
    notes_list, export_json, export_md, add, index = results
    assert len(json.loads(succeeds(notes_list).stdout)) == NOTES
    assert json.loads(succeeds(export_json).stdout)["total"] == NOTES
    assert succeeds(export_md).stdout.count("^") >= NOTES
    for result in (add, index):
        refused(result, "disk is full; nothing was saved; free space and try again")
    assert unchanged


# -- damaged files -------------------------------------------------------------------------------------

def test_a_zeroed_last_page_reads_what_it_can_refuses_writes_and_salvages(data):
    path = data / "user.sqlite"
    size = path.stat().st_size
    page = 4096
    with open(path, "r+b") as handle:
        handle.seek(size - page)
        handle.write(b"\0" * page)
    before = digest(path)

    listing = reader(data, "notes", "list", "--json")
    readable = json.loads(succeeds(listing).stdout)
    assert 0 < len(readable) <= NOTES
    if len(readable) < NOTES:
        assert "could not be read" in listing.stderr
    refused(add_note(data), "damaged", "reader notes salvage")
    assert json.loads(succeeds(reader(data, "notes", "export-json")).stdout)["total"] == len(readable)
    assert digest(path) == before

    report = json.loads(succeeds(reader(data, "notes", "salvage", "--json")).stdout)
    assert report["notes"] == len(readable) and Path(report["damaged_copy"]).exists()
    assert digest(Path(report["damaged_copy"])) == before
    assert [n["uuid"] for n in listed(data)] == [n["uuid"] for n in readable]
    succeeds(add_note(data))
    assert len(listed(data)) == len(readable) + 1


def test_200_flipped_bytes_never_let_a_write_into_the_damaged_file(data):
    path = data / "user.sqlite"
    content = bytearray(path.read_bytes())
    rng = random.Random(13)
    for offset in rng.sample(range(100, len(content)), 200):   # past the header: SQLite still opens it
        content[offset] ^= 0xFF
    path.write_bytes(bytes(content))
    before = digest(path)

    refused(add_note(data))
    listing = reader(data, "notes", "list", "--json")
    assert "Traceback" not in listing.stderr
    if listing.returncode == 0:
        assert len(json.loads(listing.stdout)) <= NOTES
    else:
        refused(listing)
    assert digest(path) == before
    salvaged = reader(data, "notes", "salvage")
    assert "Traceback" not in salvaged.stderr
    if salvaged.returncode == 0:
        succeeds(add_note(data))


@pytest.mark.parametrize("column, value, problem", [
    ("tags", "not json [", "tags"),
    ("history", "{", "history"),
    ("start", "forty", "start offset"),
    ("cur_start", "12abc", "cur_start offset"),
])
def test_a_row_with_a_bad_value_is_skipped_and_reported_and_the_rest_works(data, column, value, problem):
    path = data / "user.sqlite"
    victim = listed(data)[3]["uuid"]
    raw(path, (f"UPDATE annotations SET {column} = ? WHERE uuid = ?", [value, victim]))

    listing = reader(data, "notes", "list", "--json")
    assert [n["uuid"] for n in json.loads(succeeds(listing).stdout)].count(victim) == 0
    assert len(json.loads(listing.stdout)) == NOTES - 1
    assert victim in listing.stderr and problem in listing.stderr
    exported = reader(data, "notes", "export-json")
    assert json.loads(succeeds(exported).stdout)["total"] == NOTES - 1 and victim in exported.stderr
    assert "Traceback" not in succeeds(reader(data, "export")).stderr
    succeeds(reader(data, "index", "--no-entities"))       # re-anchoring passes over it
    succeeds(add_note(data))                               # the file itself is sound
    report = json.loads(succeeds(reader(data, "notes", "salvage", "--json")).stdout)
    assert report["notes"] == NOTES and any(victim in line for line in report["skipped"])


def test_user_version_1_with_the_later_tables_present_is_refused_untouched(data):
    path = data / "user.sqlite"
    raw(path, ("PRAGMA user_version = 1",))
    before = digest(path)
    refused(reader(data, "notes", "list"), "says schema 1", "annotations", "reader notes salvage")
    refused(add_note(data), "says schema 1")
    assert digest(path) == before
    assert json.loads(succeeds(reader(data, "notes", "salvage", "--json")).stdout)["notes"] == NOTES
    assert len(listed(data)) == NOTES
    user = UserData(path)
    assert user.version() == VERSION
    user.close()


def test_user_sqlite_is_a_folder(tmp_path, seeds_index):
    data = tmp_path / "data"
    copy_index(seeds_index, data)
    (data / "user.sqlite").mkdir()
    refused(reader(data, "notes", "list"), "is a folder")
    refused(add_note(data), "is a folder")
    refused(reader(data, "notes", "export-json"), "is a folder")


def test_an_unreadable_notes_file_says_permission_denied(data):
    path = data / "user.sqlite"
    before = digest(path)
    path.chmod(0o000)
    try:
        refused(reader(data, "notes", "list", prefix=unprivileged()), "permission denied")
        refused(add_note(data, prefix=unprivileged()), "permission denied")
    finally:
        path.chmod(0o644)
    assert digest(path) == before


def test_a_read_only_notes_file_is_read_and_exported_and_writes_say_why(data):
    path = data / "user.sqlite"
    before = digest(path)
    path.chmod(0o444)
    try:
        as_user = unprivileged()
        assert len(json.loads(succeeds(reader(data, "notes", "list", "--json", prefix=as_user)).stdout)) == NOTES
        assert json.loads(succeeds(reader(data, "notes", "export-json", prefix=as_user)).stdout)["total"] == NOTES
        refused(add_note(data, prefix=as_user), "read-only", "Nothing was saved")
    finally:
        path.chmod(0o644)
    assert digest(path) == before


def test_a_read_only_data_folder_still_reads_the_notes(data):
    before = digest(data / "user.sqlite")
    data.chmod(0o555)
    try:
        as_user = unprivileged()
        assert len(json.loads(succeeds(reader(data, "notes", "list", "--json", prefix=as_user)).stdout)) == NOTES
        assert json.loads(succeeds(reader(data, "notes", "export-json", prefix=as_user)).stdout)["total"] == NOTES
        refused(add_note(data, prefix=as_user), "read-only")
    finally:
        data.chmod(0o755)
    assert digest(data / "user.sqlite") == before


def test_a_file_that_is_not_a_database_is_refused_untouched(data):
    path = data / "user.sqlite"
    path.write_bytes(b"these are not the notes you are looking for\n" * 100)
    before = digest(path)
    refused(reader(data, "notes", "list"), "is not a database")
    refused(add_note(data), "is not a database")
    assert digest(path) == before


def test_salvage_keeps_corrections_and_library_sources(data, tmp_path):
    from reader.store.doc_metadata import metadata_overrides, set_metadata_override

    store = AnnotationStore.open(data / "user.sqlite")
    try:
        store.user.add_correction("hide", "GPE:somewhere")
        from reader.store import sources

        sources.remember_imported(store.user, [tmp_path])
        set_metadata_override(store.user, str(tmp_path / "a.txt"), "Corrected", "2001-02-03", None)
    finally:
        store.close()
    report = json.loads(succeeds(reader(data, "notes", "salvage", "--json")).stdout)
    assert report["notes"] == NOTES and report["other"]["entity_corrections"] == 1
    assert report["other"]["library_sources"] == 1 and report["skipped"] == []
    assert report["other"]["document_metadata"] == 1
    user = UserData(data / "user.sqlite")
    try:
        assert [c.entity for c in user.corrections()] == ["GPE:somewhere"]
        assert metadata_overrides(user)[str(tmp_path / "a.txt")].date == "2001-02-03"
    finally:
        user.close()


def test_an_old_file_in_a_read_only_folder_is_read_without_migrating(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    path = data / "user.sqlite"
    raw(path, ("CREATE TABLE entity_corrections (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, entity TEXT NOT NULL, "
               "value TEXT, created TEXT NOT NULL)",), ("PRAGMA user_version = 1",))
    before = digest(path)
    data.chmod(0o555)
    try:
        listing = succeeds(reader(data, "notes", "list", "--json", prefix=unprivileged()))
        assert json.loads(listing.stdout) == []
        refused(add_note(data, prefix=unprivileged()))
    finally:
        data.chmod(0o755)
    assert digest(path) == before and backups(path) == []
