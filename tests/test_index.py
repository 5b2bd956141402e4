"""Building, updating and versioning the index."""
from __future__ import annotations

import sqlite3

import pytest

from reader.queries.documents import get_document, list_documents
from reader.store import schema
from reader.store.db import NewerIndexError, open_index
from reader.store.indexer import Indexer


def _index(path, sources, **kw):
    return Indexer(open_index(path), entities=False).index(sources, **kw)


def test_first_build_indexes_every_seed(tmp_path, seeds_copy):
    report = _index(tmp_path / "i.sqlite", [seeds_copy], prune_missing=True)
    assert len(report.added) == 5 and not report.errors
    docs = list_documents(open_index(tmp_path / "i.sqlite"))
    assert sorted(d.file_name for d in docs) == sorted(p.name for p in seeds_copy.iterdir())


def test_text_is_kept_exactly(tmp_path, seeds_copy):
    _index(tmp_path / "i.sqlite", [seeds_copy])
    db = open_index(tmp_path / "i.sqlite")
    for doc in list_documents(db):
        original = (seeds_copy / doc.file_name).read_text(encoding="utf-8-sig").replace("\r\n", "\n")
        assert get_document(db, doc.id).text == original


def test_rebuild_keeps_unchanged_documents(tmp_path, seeds_copy):
    path = tmp_path / "i.sqlite"
    _index(path, [seeds_copy], prune_missing=True)
    ids_before = {d.file_name: d.id for d in list_documents(open_index(path))}
    changed = sorted(seeds_copy.iterdir())[1]
    changed.write_text(changed.read_text(encoding="utf-8") + "\n追記された段落。\n", encoding="utf-8")
    report = _index(path, [seeds_copy], prune_missing=True)
    assert report.updated == [str(changed)]
    assert report.unchanged == 4 and not report.added
    ids_after = {d.file_name: d.id for d in list_documents(open_index(path))}
    # Untouched documents were not rewritten (same row ids); the edited one was.
    assert {k: v for k, v in ids_after.items() if k != changed.name} == {
        k: v for k, v in ids_before.items() if k != changed.name}
    assert ids_after[changed.name] != ids_before[changed.name]


def test_touched_but_identical_file_is_not_reprocessed(tmp_path, seeds_copy):
    path = tmp_path / "i.sqlite"
    _index(path, [seeds_copy])
    some = next(seeds_copy.iterdir())
    some.write_bytes(some.read_bytes())  # new mtime, same bytes
    report = _index(path, [seeds_copy])
    assert report.unchanged == 5 and not report.updated


def test_removed_seed_is_pruned_and_its_search_rows_go(tmp_path, seeds_copy):
    from reader.queries.search import search

    path = tmp_path / "i.sqlite"
    _index(path, [seeds_copy], prune_missing=True)
    victim = next(p for p in seeds_copy.iterdir() if p.name.startswith("003"))
    victim.unlink()
    report = _index(path, [seeds_copy], prune_missing=True)
    assert report.removed == [str(victim)]
    db = open_index(path)
    assert all(h.file_name != victim.name for h in search(db, "ウクライナ", limit=1000).hits)
    # Every passage but the repeats is searchable, and nothing else is.
    assert db.execute("SELECT count(*) FROM passages_fts").fetchone()[0] == \
        db.execute("SELECT count(*) FROM passages WHERE duplicate_of IS NULL").fetchone()[0]


def test_bad_files_are_reported_and_the_rest_goes_on(tmp_path, seeds_copy):
    (seeds_copy / "empty.txt").write_bytes(b"")
    (seeds_copy / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40)
    report = _index(tmp_path / "i.sqlite", [seeds_copy])
    assert len(report.added) == 5
    assert sorted(e.path.rsplit("/", 1)[-1] for e in report.errors) == ["binary.txt", "empty.txt"]
    assert all(e.message for e in report.errors)


def test_same_text_under_another_name_is_a_duplicate(tmp_path, seeds_copy):
    first = sorted(seeds_copy.iterdir())[0]
    (seeds_copy / "copy-of-first.txt").write_bytes(first.read_bytes())
    report = _index(tmp_path / "i.sqlite", [seeds_copy])
    assert len(report.added) == 5 and len(report.duplicates) == 1


def test_older_index_is_rebuilt(tmp_path, seeds_copy):
    path = tmp_path / "i.sqlite"
    _index(path, [seeds_copy])
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {min(schema.UPGRADES) - 1}")   # older than any upgrade
    db = open_index(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == schema.VERSION
    assert list_documents(db) == []
    assert len(Indexer(db, entities=False).index([seeds_copy]).added) == 5


def test_an_index_of_the_version_before_is_upgraded_in_place_and_relinked(tmp_path, seeds_copy):
    path = tmp_path / "i.sqlite"
    Indexer(open_index(path)).index([seeds_copy])
    with sqlite3.connect(path) as conn:     # back to version 6's shape
        conn.execute("DROP INDEX doc_entities_order")
        conn.execute("ALTER TABLE doc_entities DROP COLUMN doc_order")
        conn.execute("DROP INDEX passage_sketches_hash")
        conn.execute("CREATE INDEX passage_sketches_hash ON passage_sketches(hash)")
        conn.execute("PRAGMA user_version = 6")
    db = open_index(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == schema.VERSION
    assert len(list_documents(db)) == 5                      # documents and their entities kept
    report = Indexer(db).index([seeds_copy])
    assert report.unchanged == 5 and report.extracted == 0 and report.entities   # only linked again
    assert db.execute("SELECT count(DISTINCT doc_order) FROM doc_entities").fetchone()[0] == 5


def test_newer_index_is_refused_with_a_clear_message(tmp_path):
    path = tmp_path / "i.sqlite"
    open_index(path).conn.close()
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {schema.VERSION + 1}")
    with pytest.raises(NewerIndexError, match="newer version of Reader"):
        open_index(path)
    assert path.exists()  # not deleted: the newer Reader still needs it


def test_corrupt_index_is_rebuilt(tmp_path, seeds_copy):
    path = tmp_path / "i.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    db = open_index(path)
    assert len(Indexer(db, entities=False).index([seeds_copy]).added) == 5


def test_wal_mode(tmp_path):
    db = open_index(tmp_path / "i.sqlite")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_progress_reports_and_cancel_keeps_finished_documents(tmp_path, seeds_copy):
    from reader.progress import CancelToken

    events = []
    cancel = CancelToken()

    def progress(event):
        events.append(event)
        if event.stage == "indexing" and event.done == 2:
            cancel.cancel()

    db = open_index(tmp_path / "i.sqlite")
    report = Indexer(db, progress=progress, cancel=cancel, entities=False).index([seeds_copy])
    assert report.cancelled and len(report.added) == 2
    assert len(list_documents(db)) == 2
    assert [e.total for e in events if e.stage == "indexing"][0] == 5
    report = Indexer(db, entities=False).index([seeds_copy])
    assert len(report.added) == 3 and report.unchanged == 2


def test_two_processes_opening_a_new_index_at_once_share_one_file(tmp_path):
    """Neither deletes the file the other is building (they used to, losing writes)."""
    import subprocess
    import sys

    from conftest import REPO

    path = tmp_path / "index.sqlite"
    go = tmp_path / "go"
    code = (
        "import sys, time, pathlib\n"
        "from reader.store.db import open_index\n"
        "while not pathlib.Path(sys.argv[2]).exists(): time.sleep(0.001)\n"
        "db = open_index(pathlib.Path(sys.argv[1]))\n"
        "with db.conn:\n"
        "    db.execute(\"INSERT INTO state (key, value) VALUES (?, 'x')\", [sys.argv[3]])\n"
    )
    for _ in range(5):
        for suffix in ("", "-wal", "-shm"):
            (tmp_path / f"index.sqlite{suffix}").unlink(missing_ok=True)
        go.unlink(missing_ok=True)
        procs = [subprocess.Popen([sys.executable, "-c", code, str(path), str(go), name], cwd=REPO,
                                  stderr=subprocess.PIPE) for name in ("a", "b")]
        go.touch()
        for proc in procs:
            _, err = proc.communicate(timeout=60)
            assert proc.returncode == 0, err.decode()
        keys = {r[0] for r in sqlite3.connect(path).execute("SELECT key FROM state")}
        assert keys == {"a", "b"}


def test_a_cancelled_run_is_linked_by_the_next_one(tmp_path, seeds_copy):
    from reader.progress import CancelToken

    cancel = CancelToken()

    def progress(event):
        if event.stage == "indexing" and event.done == 3:
            cancel.cancel()

    db = open_index(tmp_path / "i.sqlite")
    assert Indexer(db, progress=progress, cancel=cancel).index([seeds_copy]).cancelled
    Indexer(db).index([seeds_copy])
    unlinked = db.execute("SELECT count(*) FROM mentions WHERE entity_id IS NULL").fetchone()[0]
    assert unlinked == 0
    assert db.execute("SELECT count(DISTINCT doc_id) FROM doc_entities").fetchone()[0] == 5


def test_a_file_edited_into_a_copy_of_another_leaves_no_stale_version(tmp_path):
    (tmp_path / "a.txt").write_text("東京で会議が開かれた。\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("大阪で別の会議が開かれた。\n", encoding="utf-8")
    path = tmp_path / "i.sqlite"
    _index(path, [tmp_path])
    (tmp_path / "a.txt").write_text("大阪で別の会議が開かれた。\n", encoding="utf-8")
    report = _index(path, [tmp_path])
    assert [d.path for d in report.duplicates] == [str(tmp_path / "a.txt")]
    assert report.removed == [str(tmp_path / "a.txt")]
    assert [d.file_name for d in list_documents(open_index(path))] == ["b.txt"]


def test_two_concurrent_runs_never_call_a_file_a_duplicate_of_itself(tmp_path, seeds_copy):
    """Run B has read a file as new when run A indexes it; B must not report it as A's twin."""
    from reader.store.db import open_index
    from reader.store.indexer import IndexReport, Indexer, prepare

    path = tmp_path / "index.sqlite"
    first, second = Indexer(open_index(path), entities=False), Indexer(open_index(path), entities=False)
    file = sorted(seeds_copy.iterdir())[0].resolve()
    report = IndexReport()
    item = second._read_if_changed(file, None, report)   # B: not in the index yet
    assert item is not None
    first.index([seeds_copy])                            # A indexes everything meanwhile
    second._store(prepare(file, item.data), item, report)
    assert report.duplicates == [] and report.errors == [] and report.unchanged == 1
