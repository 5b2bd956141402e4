"""A damaged or unwritable `index.sqlite`: it is only a cache, so a damaged one is rebuilt after saying
so, and one that cannot be written says why; never a traceback."""
from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

import pytest
from annotations_support import copy_index
from storage_support import reader, refused, succeeds, unprivileged

from reader.store import db as index_db
from reader.store.sql import DamagedDatabase, StorageError

SEEDS_COUNT = 5


@pytest.fixture
def data(seeds_index, tmp_path) -> Path:
    data = tmp_path / "data"
    copy_index(seeds_index, data)
    return data


def documents(data: Path) -> list[dict]:
    return json.loads(succeeds(reader(data, "docs", "--json")).stdout)


def damage(path: Path, *statements: str) -> None:
    conn = sqlite3.connect(str(path), isolation_level=None)
    try:
        for statement in statements:
            conn.execute(statement)
    finally:
        conn.close()


def test_a_dropped_documents_table_is_rebuilt_after_saying_so(data):
    damage(data / "index.sqlite", "PRAGMA foreign_keys=OFF", "DROP TABLE documents")
    listing = reader(data, "docs")
    assert "incomplete (no documents table); it is rebuilt" in succeeds(listing).stderr
    assert "The index is empty: run `reader index` first." in listing.stdout
    succeeds(reader(data, "index", "--no-entities"))
    assert len(documents(data)) == SEEDS_COUNT


def test_deleted_full_text_rows_are_reported_by_search_and_repaired_by_index(data):
    damage(data / "index.sqlite", "DELETE FROM passages_fts_data WHERE id > 10")
    refused(reader(data, "search", "ロシア"), "The index", "is damaged", "run `reader index` to rebuild it")
    index = succeeds(reader(data, "index", "--no-entities"))
    assert "full-text index fails its own check" in index.stderr and "rebuilt from your files" in index.stderr
    found = succeeds(reader(data, "search", "ロシア", "--json"))
    assert json.loads(found.stdout)["hits"]
    assert index_db.problems(sqlite3.connect(str(data / "index.sqlite"))) is None


def test_a_page_level_damage_is_rebuilt_by_index(data):
    path = data / "index.sqlite"
    conn = sqlite3.connect(str(path))
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'passages'").fetchone()[0]
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    with open(path, "r+b") as handle:
        handle.seek((root - 1) * page_size)
        handle.write(b"\xff" * 64)
    assert "Traceback" not in reader(data, "docs").stderr
    index = succeeds(reader(data, "index", "--no-entities"))
    assert "damaged" in index.stderr
    assert len(documents(data)) == SEEDS_COUNT


def test_repair_in_process_reports_what_was_wrong(data):
    damage(data / "index.sqlite", "DELETE FROM passages_fts_data WHERE id > 10")
    db = index_db.open_index(data / "index.sqlite")
    try:
        assert "full-text index fails its own check" in index_db.repair(db)
        assert index_db.repair(db) is None
        assert db.execute("SELECT count(*) FROM documents").fetchone()[0] == 0   # emptied: the run refills it
    finally:
        db.conn.close()


def test_index_sqlite_is_a_folder(tmp_path):
    data = tmp_path / "data"
    (data / "index.sqlite").mkdir(parents=True)
    for args in (["docs"], ["search", "x"], ["index", "--no-entities"]):
        refused(reader(data, *args), "The index", "is a folder")
    with pytest.raises(StorageError, match="is a folder"):
        index_db.open_index(data / "index.sqlite")


def test_a_read_only_index_is_read_and_writing_it_says_why(data, tmp_path):
    path = data / "index.sqlite"
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    new = tmp_path / "new.txt"
    new.write_text("新しい記事の本文です。交渉は続いている。\n" * 10, encoding="utf-8")
    path.chmod(0o444)
    try:
        as_user = unprivileged()
        assert len(json.loads(succeeds(reader(data, "docs", "--json", prefix=as_user)).stdout)) == SEEDS_COUNT
        succeeds(reader(data, "search", "ロシア", prefix=as_user))
        refused(reader(data, "index", str(new), "--no-entities", prefix=as_user), "The index", "cannot be written",
                "read-only")
    finally:
        path.chmod(0o644)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_damage_is_a_known_error_not_a_bug():
    error = sqlite3.connect(":memory:")
    try:
        error.execute("SELECT * FROM nowhere")
    except sqlite3.Error as raised:
        from reader.store import sql

        assert sql.known_error(raised, index_db.index_place(Path("index.sqlite"))) is None   # a bug: raised as is
    corrupt = sqlite3.DatabaseError("database disk image is malformed")
    corrupt.sqlite_errorname = "SQLITE_CORRUPT"
    from reader.store import sql

    assert isinstance(sql.known_error(corrupt, index_db.index_place(Path("index.sqlite"))), DamagedDatabase)


def test_after_a_query_found_damage_the_next_sync_rebuilds_without_being_asked(data):
    from reader.library import Library

    damage(data / "index.sqlite", "DELETE FROM passages_fts_data WHERE id > 10")
    refused(reader(data, "search", "ロシア"), "is damaged")
    library = Library(data)   # as the window's next sync would
    try:
        library.update(entities=False)
        assert "full-text index fails its own check" in library.index_repaired
    finally:
        library.close()
    assert json.loads(succeeds(reader(data, "search", "ロシア", "--json")).stdout)["hits"]
    library = Library(data)
    try:
        library.update(entities=False)
        assert library.index_repaired is None   # checked once; sound since
    finally:
        library.close()
