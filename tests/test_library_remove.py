"""The library's sources beyond the seeds (Qt-free): imports are remembered and synced, removals
stick until an explicit import, the start-up check is not fooled, notes are kept or deleted."""
from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from conftest import SEEDS
from reader.annotations.service import Annotations
from reader.library import Library
from reader.queries.documents import DocumentNotFound
from reader.queries.freshness import library_changed
from reader.store import sources as library_sources

SEED_FILES = sorted(SEEDS.glob("*.txt"))


def touch(path: Path, seconds: float = 5) -> None:
    stat = path.stat()
    os.utime(path, (stat.st_atime + seconds, stat.st_mtime + seconds))


def new_text_folder(root: Path, count: int = 3) -> Path:
    """`count` new documents made from seed texts (a new first line each), and two bad files."""
    folder = root / "imports"
    folder.mkdir()
    for n, seed in enumerate(SEED_FILES[:count]):
        (folder / f"doc_{n}.txt").write_text(f"追加文書 {n}\n\n" + seed.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "binary.txt").write_bytes(b"\x00\xff" * 300)
    (folder / "empty.md").write_bytes(b"")
    (folder / ".hidden.txt").write_text("隠しファイル\n", encoding="utf-8")
    return folder


@pytest.fixture
def library(tmp_path):
    library = Library(tmp_path / "data")
    library.update(entities=False)     # the seeds
    yield library
    library.close()


def docs(library: Library) -> dict[str, int]:
    return {name: doc_id for doc_id, name in library.db.execute("SELECT id, file_name FROM documents")}


def changed(library: Library) -> bool:
    return library_changed(library.db.conn, [SEEDS], library.data_dir)


def test_an_import_is_remembered_and_synced_but_never_pruned(library, tmp_path):
    folder = new_text_folder(tmp_path)
    report = library.import_sources([folder], entities=False)
    assert sorted(Path(p).name for p in report.added) == ["doc_0.txt", "doc_1.txt", "doc_2.txt"]
    assert sorted(Path(e.path).name for e in report.errors) == ["binary.txt", "empty.md"]
    assert library.sources().imported == [folder.resolve()]
    # Nothing to do at the next start: the refused files are remembered with their size and time.
    assert not changed(library)
    again = library.update(entities=False)
    assert not again.added and not again.updated and not again.removed
    # A new file in the imported folder, and an edited one, are picked up by the next sync.
    (folder / "doc_9.txt").write_text("新しく置かれた文書。\nキーウで会談。\n", encoding="utf-8")
    assert changed(library)
    edited = folder / "doc_1.txt"
    edited.write_text(edited.read_text(encoding="utf-8") + "\n追記。\n", encoding="utf-8")
    touch(edited)
    report = library.update(entities=False)
    assert [Path(p).name for p in report.added] == ["doc_9.txt"]
    assert report.updated == [str(edited.resolve())]
    assert not changed(library)
    # A file of the import that went away keeps its document (only the seeds folder is pruned);
    # so does a whole imported folder that is missing (a drive not mounted).
    (folder / "doc_0.txt").unlink()
    assert not changed(library)
    report = library.update(entities=False)
    assert not report.removed and "doc_0.txt" in docs(library)
    shutil.move(str(folder), str(tmp_path / "elsewhere"))
    assert not changed(library)
    report = library.update(entities=False)
    assert not report.removed and not report.errors and {"doc_0.txt", "doc_9.txt"} <= set(docs(library))
    assert len(docs(library)) == len(SEED_FILES) + 4


def test_a_refused_file_that_changes_is_tried_again(library, tmp_path):
    folder = new_text_folder(tmp_path)
    library.import_sources([folder], entities=False)
    assert not changed(library)
    (folder / "empty.md").write_text("# 今は中身がある\n\n本文。\n", encoding="utf-8")
    assert changed(library)
    report = library.update(entities=False)
    assert [Path(p).name for p in report.added] == ["empty.md"]
    assert not changed(library)
    assert str((folder / "empty.md").resolve()) not in library_sources.read_rejected(library.db.conn)


def test_a_duplicate_is_reported_and_not_indexed_twice(library, tmp_path):
    folder = tmp_path / "dup"
    folder.mkdir()
    shutil.copy(SEED_FILES[0], folder / "copy.txt")
    report = library.import_sources([folder], entities=False)
    assert not report.added and [Path(d.path).name for d in report.duplicates] == ["copy.txt"]
    assert SEED_FILES[0].name in report.duplicates[0].message
    assert not changed(library)
    again = library.import_sources([folder], entities=False)
    assert not again.added and len(again.duplicates) == 1


def test_remove_keeps_the_notes_as_orphans_and_sync_does_not_bring_it_back(library, tmp_path):
    folder = new_text_folder(tmp_path)
    library.import_sources([folder], entities=False)
    doc_id = docs(library)["doc_1.txt"]
    notes = Annotations(library)
    made = notes.create(doc_id, 5, 25, note="keep me")
    other = notes.create(docs(library)["doc_2.txt"], 5, 25, note="elsewhere")
    assert [a.uuid for a in library.document_notes(doc_id)] == [made.uuid]

    removed = library.remove_document(doc_id, delete_annotations=False)
    assert (removed.doc_id, removed.title, removed.notes_deleted, removed.notes_kept) == (
        doc_id, removed.title, 0, 1)
    assert "doc_1.txt" not in docs(library)
    assert library.db.execute("SELECT count(*) FROM passages WHERE doc_id = ?", [doc_id]).fetchone()[0] == 0
    kept = notes.get(made.uuid)
    assert kept.status == "orphaned" and kept.note == "keep me"
    assert made.uuid in [a.uuid for a in notes.orphans()]
    assert notes.get(other.uuid).status == "anchored"
    assert [(r.path, r.key) for r in library.sources().removed] == [(str(folder / "doc_1.txt"), removed.key)]
    # Neither the start-up check nor a sync brings it back while the file is unchanged.
    assert not changed(library)
    report = library.update(entities=False)
    assert not report.added and "doc_1.txt" not in docs(library)
    # Importing it again explicitly does, and the note attaches again.
    report = library.import_sources([folder / "doc_1.txt"], entities=False)
    assert [Path(p).name for p in report.added] == ["doc_1.txt"]
    assert library.sources().removed == []
    assert notes.get(made.uuid).status == "anchored"


def test_a_removed_seed_stays_removed_until_its_file_changes(tmp_path, seeds_copy, monkeypatch):
    from reader import paths

    monkeypatch.setattr(paths, "seeds_dir", lambda: seeds_copy)
    library = Library(tmp_path / "data")
    try:
        library.update(entities=False)
        name = SEED_FILES[2].name
        library.remove_document(docs(library)[name], delete_annotations=False)
        assert not library_changed(library.db.conn, [seeds_copy], library.data_dir)
        assert not library.update(entities=False).added and name not in docs(library)
        # Touched but the same bytes: still removed, and the check settles again after one sync.
        touch(seeds_copy / name)
        assert not library.update(entities=False).added and name not in docs(library)
        assert not library_changed(library.db.conn, [seeds_copy], library.data_dir)
        # Keyed by path and content: an edited file is a new document, and comes back.
        edited = seeds_copy / name
        edited.write_text(edited.read_text(encoding="utf-8") + "\n追記。\n", encoding="utf-8")
        touch(edited, 10)
        assert library_changed(library.db.conn, [seeds_copy], library.data_dir)
        assert [Path(p).name for p in library.update(entities=False).added] == [name]
        # Other seeds that went away are pruned as before.
        (seeds_copy / SEED_FILES[0].name).unlink()
        assert [Path(p).name for p in library.update(entities=False).removed] == [SEED_FILES[0].name]
    finally:
        library.close()


def test_remove_can_delete_the_notes_and_nothing_else(library):
    notes = Annotations(library)
    first, second = docs(library)[SEED_FILES[0].name], docs(library)[SEED_FILES[1].name]
    gone = [notes.create(first, s, s + 12, note=f"n{s}") for s in (0, 40, 80)]
    stays = notes.create(second, 0, 12, note="other document")
    removed = library.remove_document(first, delete_annotations=True)
    assert (removed.notes_deleted, removed.notes_kept) == (3, 0)
    left = notes.list_all()
    assert [a.uuid for a in left] == [stays.uuid] and left[0].status == "anchored"
    assert all(a.uuid not in {g.uuid for g in gone} for a in left)
    with pytest.raises(DocumentNotFound):
        library.remove_document(first, delete_annotations=True)


def test_removing_a_document_relinks_the_entity_totals(seeds_index, tmp_path):
    data = tmp_path / "with-entities"
    data.mkdir()
    target = sqlite3.connect(str(data / "index.sqlite"))
    seeds_index.conn.backup(target)
    target.close()
    library = Library(data)
    try:
        doc_id = library.db.execute("SELECT doc_id FROM doc_entities GROUP BY doc_id ORDER BY count(*) DESC") \
            .fetchone()[0]
        entity, documents = library.db.execute(
            "SELECT e.id, e.documents FROM entities e JOIN doc_entities d ON d.entity_id = e.id "
            "WHERE d.doc_id = ? ORDER BY e.documents DESC LIMIT 1", [doc_id]).fetchone()
        library.remove_document(doc_id, delete_annotations=False)
        assert library.db.execute("SELECT value FROM state WHERE key = 'linked'").fetchone() is None
        library.relink_entities()
        assert library.db.execute("SELECT value FROM state WHERE key = 'linked'").fetchone() is not None
        after = library.db.execute("SELECT documents FROM entities WHERE id = ?", [entity]).fetchone()
        assert after is None or after[0] == documents - 1
        assert library.db.execute("SELECT count(*) FROM doc_entities WHERE doc_id = ?", [doc_id]).fetchone()[0] == 0
    finally:
        library.close()


def test_a_cancelled_import_remembers_only_the_files_it_finished(library, tmp_path):
    from reader.progress import CancelToken

    folder = new_text_folder(tmp_path)
    cancel = CancelToken()
    seen = []

    def progress(event):
        seen.append(event)
        if event.stage == "indexing" and event.done == 2:
            cancel.cancel()

    report = library.import_sources([folder], entities=False, progress=progress, cancel=cancel)
    assert report.cancelled and 1 <= len(report.added) < 3
    assert library.sources().imported == [Path(p) for p in sorted(report.added)]
    # The rest is not imported behind the user's back at the next start.
    assert not changed(library)
    assert not library.update(entities=False).added


def test_imported_folders_fold_into_their_parent(tmp_path):
    library = Library(tmp_path / "data")
    try:
        inner = tmp_path / "a" / "b"
        inner.mkdir(parents=True)
        (inner / "x.txt").write_text("内側の文書。\n", encoding="utf-8")
        user = library.user
        library_sources.remember_imported(user, [inner / "x.txt"])
        library_sources.remember_imported(user, [inner])
        assert library.sources().imported == [inner.resolve()]
        library_sources.remember_imported(user, [tmp_path / "a"])
        assert library.sources().imported == [(tmp_path / "a").resolve()]
        library_sources.remember_imported(user, [inner])          # already covered
        assert library.sources().imported == [(tmp_path / "a").resolve()]
    finally:
        library.close()


def test_the_check_does_not_create_the_user_data_file(tmp_path):
    library = Library(tmp_path / "data")
    try:
        library.update(entities=False)
        assert not changed(library)
        assert not (library.data_dir / "user.sqlite").exists()
    finally:
        library.close()


def test_cli_index_path_remembers_the_folder(tmp_path):
    import json
    import subprocess
    import sys

    from conftest import REPO

    folder = tmp_path / "cli-import"
    folder.mkdir()
    (folder / "a.txt").write_text("コマンドから取り込んだ文書。\n", encoding="utf-8")
    data = tmp_path / "cli-data"
    run = subprocess.run([sys.executable, "-m", "reader", "index", str(folder), "--no-entities", "--json",
                          "--data-dir", str(data)], cwd=REPO, capture_output=True, text=True, encoding="utf-8")
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["added"] == [str(folder / "a.txt")]
    library = Library(data)
    try:
        assert library.sources().imported == [folder.resolve()]
    finally:
        library.close()


def _entity_tables(db) -> tuple:
    return (db.execute("SELECT id, name, label, mentions, documents, passages FROM entities ORDER BY id").fetchall(),
            db.execute("SELECT doc_id, entity_id, count FROM doc_entities ORDER BY doc_id, entity_id").fetchall(),
            db.execute("SELECT count(*), count(entity_id) FROM mentions").fetchone())


def test_imported_documents_get_their_entities_linked(tmp_path):
    library = Library(tmp_path / "data")
    try:
        library.update()                                   # the seeds, with entities: linked
        folder = tmp_path / "news"
        folder.mkdir()
        (folder / "a.txt").write_text("プーチン大統領は3月5日、モスクワでトランプ大統領と電話で会談した。\n"
                                      "ゼレンスキー大統領はキーウで記者会見を開いた。\n", encoding="utf-8")
        report = library.import_sources([folder])
        assert report.added and report.entities is not None
        found, linked = library.db.execute(
            "SELECT count(m.id), count(m.entity_id) FROM mentions m JOIN documents d ON d.id = m.doc_id "
            "WHERE d.file_name = 'a.txt'").fetchone()
        assert found > 0 and linked == found
    finally:
        library.close()


def test_linking_in_a_child_process_gives_the_same_entities(seeds_index, tmp_path, monkeypatch):
    from reader.store import indexer as indexer_module

    results = []
    for name, threshold in (("in-process", 10**9), ("child", 0)):
        data = tmp_path / name
        data.mkdir()
        target = sqlite3.connect(str(data / "index.sqlite"))
        seeds_index.conn.backup(target)
        target.close()
        monkeypatch.setattr(indexer_module, "LINK_IN_CHILD_MENTIONS", threshold)
        library = Library(data)
        try:
            library.remove_document(docs(library)[SEED_FILES[1].name], delete_annotations=False)
            report = library.relink_entities()
            assert report.entities and not report.cancelled
            results.append(_entity_tables(library.db))
        finally:
            library.close()
    assert results[0] == results[1]
    assert results[0][2][0] == results[0][2][1]          # every mention linked


def test_cancelling_the_child_linker_changes_nothing(seeds_index, tmp_path, monkeypatch):
    from reader.progress import CancelToken
    from reader.store import indexer as indexer_module

    data = tmp_path / "cancel-link"
    data.mkdir()
    target = sqlite3.connect(str(data / "index.sqlite"))
    seeds_index.conn.backup(target)
    target.close()
    monkeypatch.setattr(indexer_module, "LINK_IN_CHILD_MENTIONS", 0)
    library = Library(data)
    try:
        library.remove_document(docs(library)[SEED_FILES[1].name], delete_annotations=False)
        before = _entity_tables(library.db)
        cancel = CancelToken()
        cancel.cancel()
        report = library.relink_entities(cancel=cancel)
        assert report.cancelled
        assert _entity_tables(library.db) == before
        assert library.db.execute("SELECT 1 FROM state WHERE key = 'linked'").fetchone() is None   # next run links
    finally:
        library.close()
    assert multiprocessing_children() == []


def multiprocessing_children() -> list:
    import multiprocessing

    return [p for p in multiprocessing.active_children() if p.name == "reader-link"]
