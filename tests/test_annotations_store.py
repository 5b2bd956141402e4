"""Annotations in the user data file: every change saved at once, delete/restore exact, migrations."""
from __future__ import annotations

import sqlite3
import time

import pytest
from annotations_support import document

from reader.annotations import AnnotationError, AnnotationNotFound
from reader.annotations.service import Annotations
from reader.annotations.storage import AnnotationStore
from reader.store import userdata
from reader.store.userdata import VERSION, UserData, UserDataError, backups

SEED = "000_60ad3fcb420e1d94.txt"
OTHER = "004_7ebdf0c8330a0b12.txt"


@pytest.fixture
def notes(library):
    return Annotations(library)


def stored_rows(library) -> list[tuple]:
    """What another connection (another process) sees in the file right now."""
    path = library.data_dir / "user.sqlite"
    if not path.exists():
        return []
    conn = sqlite3.connect(str(path))
    try:
        return conn.execute("SELECT * FROM annotations ORDER BY uuid").fetchall()
    finally:
        conn.close()


def test_create_stores_selectors_and_is_visible_to_another_connection_at_once(library, notes):
    doc_id, key, text = document(library, SEED)
    made = notes.create(doc_id, 240, 290, note="財政赤字 **要確認**", tags=["finance", " #russia ", "finance"],
                        colour="Pink")
    assert made.exact == text[240:290] and made.prefix == text[208:240] and made.suffix == text[290:322]
    assert (made.start, made.end, made.cur_start, made.cur_end, made.status) == (240, 290, 240, 290, "anchored")
    assert made.tags == ("finance", "russia") and made.colour == "pink" and made.doc_key == key
    assert made.file_name == SEED and made.created == made.modified and made.created.endswith("Z")
    assert len(made.uuid) == 36 and made.block_id == made.uuid[:8]
    rows = stored_rows(library)
    assert len(rows) == 1 and rows[0][0] == made.uuid and rows[0][4] == "財政赤字 **要確認**"


def test_every_change_is_on_disk_when_the_call_returns(library, notes):
    doc_id, _, _ = document(library, SEED)
    made = notes.create(doc_id, 10, 20)
    edited = notes.update(made.uuid, note="a note", tags=["t1", "t 2"], colour="blue")  # stored as t-2
    row = stored_rows(library)[0]
    assert (row[3], row[4], row[5]) == ("blue", "a note", '["t1","t-2"]')
    assert edited.modified > made.modified
    notes.delete(made.uuid)
    assert stored_rows(library) == []


def test_update_with_no_change_keeps_modified_and_partial_update_keeps_the_rest(notes, library):
    doc_id, _, _ = document(library, SEED)
    made = notes.create(doc_id, 10, 20, note="keep", tags=["a"], colour="green")
    assert notes.update(made.uuid, note="keep") == made
    recoloured = notes.update(made.uuid, colour="purple")
    assert (recoloured.note, recoloured.tags, recoloured.colour) == ("keep", ("a",), "purple")
    assert recoloured.modified > made.modified


def test_delete_returns_the_record_and_restore_puts_it_back_byte_identical(library, notes):
    doc_id, _, _ = document(library, SEED)
    made = notes.create(doc_id, 100, 140, note="- one\n- two", tags=["x"])
    notes.create(doc_id, 300, 310)
    before = stored_rows(library)
    record = notes.delete(made.uuid)
    assert record == made
    assert len(stored_rows(library)) == 1
    notes.restore(record)
    assert stored_rows(library) == before
    with pytest.raises(AnnotationError):
        notes.restore(record)  # already there
    with pytest.raises(AnnotationNotFound):
        notes.delete("00000000-0000-4000-8000-000000000000")


def test_undo_redo_sequence_as_the_window_would_drive_it(library, notes):
    doc_id, _, _ = document(library, SEED)
    made = notes.create(doc_id, 5, 25, note="first")
    snapshot = stored_rows(library)
    for _ in range(3):
        record = notes.delete(made.uuid)   # do
        notes.restore(record)              # undo
    assert stored_rows(library) == snapshot


def test_bad_requests_are_refused_with_a_message(library, notes):
    doc_id, _, text = document(library, SEED)
    with pytest.raises(AnnotationError, match="colour"):
        notes.create(doc_id, 0, 5, colour="orange")
    with pytest.raises(AnnotationError, match="range"):
        notes.create(doc_id, 5, 5)
    with pytest.raises(AnnotationError, match="range"):
        notes.create(doc_id, 0, len(text) + 1)
    with pytest.raises(LookupError):
        notes.create("no-such-document.txt", 0, 5)
    assert stored_rows(library) == []


def test_documents_can_be_named_by_id_key_or_file_name(library, notes):
    doc_id, key, _ = document(library, SEED)
    a = notes.create(doc_id, 0, 5)
    b = notes.create(key, 10, 15)
    c = notes.create(SEED, 20, 25)
    assert {a.doc_key, b.doc_key, c.doc_key} == {key}


def test_list_for_document_is_in_text_order(library, notes):
    doc_id, _, _ = document(library, SEED)
    other_id, _, _ = document(library, OTHER)
    late = notes.create(doc_id, 500, 520)
    early = notes.create(doc_id, 100, 120)
    middle = notes.create(doc_id, 100, 300)
    notes.create(other_id, 0, 10)
    assert [a.uuid for a in notes.list_for_document(doc_id)] == [early.uuid, middle.uuid, late.uuid]
    assert len(notes.list_all()) == 4


def test_find_by_uuid_prefix(library, notes):
    doc_id, _, _ = document(library, SEED)
    made = notes.create(doc_id, 0, 5)
    assert notes.find(made.block_id) == made
    assert notes.find("^" + made.block_id) == made
    assert notes.find(f"urn:uuid:{made.uuid}") == made
    with pytest.raises(AnnotationNotFound):
        notes.find("ffff" if not made.uuid.startswith("ffff") else "0000")


def test_set_range_rehighlights_and_keeps_the_note(library, notes):
    doc_id, _, text = document(library, SEED)
    made = notes.create(doc_id, 0, 5, note="keep me")
    moved = notes.set_range(made.uuid, 50, 80)
    assert (moved.exact, moved.start, moved.cur_start, moved.note) == (text[50:80], 50, 50, "keep me")
    assert moved.modified > made.modified


def test_modified_always_grows_even_within_a_millisecond(library, notes):
    doc_id, _, _ = document(library, SEED)
    made = notes.create(doc_id, 0, 5)
    times = [made.modified]
    for i in range(5):
        times.append(notes.update(made.uuid, note=f"v{i}").modified)
    assert times == sorted(times) and len(set(times)) == len(times)


def test_a_version_1_file_is_migrated_and_keeps_its_corrections(tmp_path):
    path = tmp_path / "user.sqlite"
    conn = sqlite3.connect(str(path))
    conn.execute("CREATE TABLE entity_corrections (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, entity TEXT NOT NULL, "
                 "value TEXT, created TEXT NOT NULL)")
    conn.execute("INSERT INTO entity_corrections (kind, entity, value, created) VALUES ('rename', 'e1', 'X', 'now')")
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()
    user = UserData(path)
    try:
        assert user.conn.execute("PRAGMA user_version").fetchone()[0] == VERSION
        assert [(c.kind, c.entity, c.value) for c in user.corrections()] == [("rename", "e1", "X")]
        assert AnnotationStore(user).annotations() == [] and user.check_integrity() == "ok"
        assert user.has_table("library_sources") and user.has_table("removed_documents")
        assert user.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert user.conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    finally:
        user.close()
    # The file as it was before the migration is kept beside it.
    [copy] = backups(path)
    conn = sqlite3.connect(str(copy))
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    assert conn.execute("SELECT entity FROM entity_corrections").fetchall() == [("e1",)]
    conn.close()


def test_a_file_from_a_newer_reader_is_refused_untouched(tmp_path):
    path = tmp_path / "user.sqlite"
    UserData(path).close()
    conn = sqlite3.connect(str(path))
    conn.execute("PRAGMA user_version = 99")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(UserDataError, match="newer version"):
        UserData(path)
    assert path.read_bytes() == before


def test_timestamps_are_utc_iso(library, notes):
    doc_id, _, _ = document(library, SEED)
    made = notes.create(doc_id, 0, 5)
    assert time.strptime(made.created, "%Y-%m-%dT%H:%M:%S.%fZ")


def test_counts_by_document(library, notes):
    doc_id, _, _ = document(library, SEED)
    other_id, _, _ = document(library, OTHER)
    notes.create(doc_id, 0, 5)
    notes.create(doc_id, 10, 15)
    notes.create(other_id, 0, 5)
    assert notes.counts_by_document() == {doc_id: 2, other_id: 1}


def test_a_version_2_file_gains_the_w3c_column_and_keeps_its_annotations(tmp_path):
    path = tmp_path / "user.sqlite"
    conn = sqlite3.connect(str(path))
    userdata._migrate_to_1(conn)
    userdata._migrate_to_2(conn)
    conn.execute("INSERT INTO annotations VALUES ('00000000-0000-4000-8000-000000000001', 'k', 'a.txt', 'yellow', "
                 "'note', '[\"t\"]', '2025-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z', 'x', '', '', 0, 1, "
                 "'orphaned', NULL, NULL, '[]')")
    conn.execute("PRAGMA user_version = 2")
    conn.commit()
    conn.close()
    user = UserData(path)
    try:
        assert user.conn.execute("PRAGMA user_version").fetchone()[0] == userdata.VERSION
        [kept] = AnnotationStore(user).annotations()
        assert (kept.note, kept.tags, kept.w3c) == ("note", ("t",), "")
    finally:
        user.close()


def test_a_tag_is_normalised_once_at_entry_and_shown_as_exported(notes, library):
    from reader.annotations.markdown_export import export_markdown
    from reader.annotations.w3c import export_json

    doc_id, _, _ = document(library, SEED)
    made = notes.create(doc_id, 10, 20, tags=["russia economy", "#Russia  economy", "日本 経済", "a/b", "!!!"])
    assert made.tags == ("russia-economy", "Russia-economy", "日本-経済", "a/b")
    assert notes.get(made.uuid).tags == made.tags
    [item] = export_json(library)["first"]["items"]
    assert [b["value"] for b in item["body"] if b.get("purpose") == "tagging"] == list(made.tags)
    markdown = "".join(export_markdown(library, None).values())
    assert "#russia-economy #Russia-economy #日本-経済 #a/b" in markdown
