"""Annotations survive index rebuilds and edited files: re-anchored, never lost, never misplaced."""
from __future__ import annotations

import os

from annotations_support import document

from reader.annotations.service import Annotations, reanchor_all
from reader.library import Library

RUSSIA = "000_60ad3fcb420e1d94.txt"
TRUCE = "002_6c9cfde7eb9d63d6.txt"      # an article printed twice in one file
PRISM = "003_eb8fe90caa0da8ee.txt"
REPEATED = "この30日間の停戦案をロシアが拒否した"


def span(text: str, needle: str, occurrence: int = 0) -> tuple[int, int]:
    at = -1
    for _ in range(occurrence + 1):
        at = text.index(needle, at + 1)
    return at, at + len(needle)


def touch(path) -> None:
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))


def test_rebuilding_the_index_leaves_every_annotation_anchored(library, seeds_index):
    notes = Annotations(library)
    made = []
    for file_name in (RUSSIA, TRUCE, PRISM):
        doc_id, _, text = document(library, file_name)
        for start in (0, len(text) // 3, len(text) - 40):
            made.append(notes.create(doc_id, start, start + 30, note=f"note {start}", tags=["t"]))
    library.close()
    (library.data_dir / "index.sqlite").unlink()
    for suffix in ("-wal", "-shm"):
        (library.data_dir / f"index.sqlite{suffix}").unlink(missing_ok=True)
    rebuilt = Library(library.data_dir)
    try:
        report = rebuilt.update()
        assert len(report.added) == 5
        assert rebuilt.reanchored is not None and rebuilt.reanchored.changed == []
        after = {a.uuid: a for a in Annotations(rebuilt).list_all()}
        assert after == {a.uuid: a for a in made}
        for a in after.values():
            text = rebuilt.db.execute("SELECT text FROM documents WHERE key = ?", [a.doc_key]).fetchone()[0]
            assert a.status == "anchored" and text[a.cur_start:a.cur_end] == a.exact
    finally:
        rebuilt.close()


def test_edited_files_move_change_and_orphan_annotations_correctly(tmp_path, seeds_copy):
    library = Library(tmp_path / "edited")
    try:
        library.update([seeds_copy])
        notes = Annotations(library)
        russia_id, russia_key, russia = document(library, RUSSIA)
        truce_id, truce_key, truce = document(library, TRUCE)
        moved = notes.create(russia_id, *span(russia, "ロシアの財政赤字がなんと6兆ルーブル"), note="moves")
        changed = notes.create(russia_id, *span(russia, "ロシア産原油の収入が、2025年11月には前年比で35%も減少"),
                               note="changes")
        gone_line = next(line for line in russia.split("\n") if "中国はロシアから買い叩いた石油" in line)
        orphan = notes.create(russia_id, *span(russia, "中国はロシアから買い叩いた石油"), note="**orphan** note",
                              tags=["oil"])
        first = notes.create(truce_id, *span(truce, REPEATED, 0), note="the first printing")
        second = notes.create(truce_id, *span(truce, REPEATED, 1), note="the second printing")

        edited = (russia.replace("ロシア産原油の収入が", "ロシア産原油の売上が")
                  .replace(gone_line + "\n", "")
                  .replace("ギン\n", "ギン\n（編集部注：ここに段落を追加しました。）\n", 1))
        assert edited != russia
        (seeds_copy / RUSSIA).write_text(edited, encoding="utf-8")
        first_start, first_end = span(truce, REPEATED, 0)
        truce_edited = truce[:first_start] + "この30日間の停戦提案をロシアが拒否した" + truce[first_end:]
        (seeds_copy / TRUCE).write_text(truce_edited, encoding="utf-8")
        touch(seeds_copy / RUSSIA)
        touch(seeds_copy / TRUCE)

        report = library.update([seeds_copy])
        assert sorted(p.rsplit("/", 1)[-1] for p in report.updated) == [RUSSIA, TRUCE]
        _, new_russia_key, new_russia = document(library, RUSSIA)
        _, new_truce_key, new_truce = document(library, TRUCE)
        now = {a.uuid: a for a in notes.list_all()}

        a = now[moved.uuid]
        assert a.status == "moved" and a.doc_key == new_russia_key
        assert new_russia[a.cur_start:a.cur_end] == moved.exact
        assert a.history[0].key == russia_key and a.history[0].file_name == RUSSIA
        assert (a.start, a.end, a.exact, a.prefix) == (moved.start, moved.end, moved.exact, moved.prefix)

        a = now[changed.uuid]
        assert a.status == "changed" and a.doc_key == new_russia_key
        assert new_russia[a.cur_start:a.cur_end] == "ロシア産原油の売上が、2025年11月には前年比で35%も減少"

        a = now[orphan.uuid]
        assert a.status == "orphaned" and a.cur_start is None
        assert a.doc_key == russia_key and a.note == "**orphan** note"   # kept, with its quote and note
        assert [o.uuid for o in notes.orphans()] == [orphan.uuid]
        assert orphan.uuid in [o.uuid for o in notes.list_for_document(RUSSIA)]

        a = now[first.uuid]   # its own printing was edited: stays there, does not jump to the second
        assert a.status == "changed" and a.cur_start == first_start
        assert new_truce[a.cur_start:a.cur_end] == "この30日間の停戦提案をロシアが拒否した"
        a = now[second.uuid]
        assert a.status == "moved" and new_truce[a.cur_start:a.cur_end] == REPEATED
        assert a.cur_start == span(new_truce, REPEATED, 0)[0]  # the only one left, with its own context

        # Nothing changes on a second pass; the original file coming back re-attaches the orphan.
        assert reanchor_all(library).changed == []
        (seeds_copy / RUSSIA).write_text(russia, encoding="utf-8")
        touch(seeds_copy / RUSSIA)
        library.update([seeds_copy])
        back = Annotations(library).get(orphan.uuid)
        assert back.status == "anchored" and back.doc_key == russia_key
        assert (back.cur_start, back.cur_end) == (orphan.start, orphan.end)
    finally:
        library.close()


def test_a_renamed_file_keeps_its_annotations(tmp_path, seeds_copy):
    library = Library(tmp_path / "renamed")
    try:
        library.update([seeds_copy])
        doc_id, key, text = document(library, PRISM)
        made = Annotations(library).create(doc_id, 100, 130)
        (seeds_copy / PRISM).rename(seeds_copy / "renamed.txt")
        library.indexer().index([seeds_copy], prune_missing=True)
        if not library.db.execute("SELECT 1 FROM documents WHERE file_name = 'renamed.txt'").fetchone():
            # The indexer met the new name while the old one was still indexed (a duplicate) and
            # pruned the old one after: the next run adds it.
            assert reanchor_all(library).counts["orphaned"] == 1
            library.indexer().index([seeds_copy], prune_missing=True)
        report = reanchor_all(library)
        assert [c.uuid for c in report.changed] == [made.uuid]
        after = Annotations(library).get(made.uuid)
        assert (after.file_name, after.doc_key, after.status, after.cur_start) == ("renamed.txt", key, "anchored", 100)
    finally:
        library.close()


def test_a_removed_document_orphans_its_annotations_until_it_returns(tmp_path, seeds_copy):
    library = Library(tmp_path / "removed")
    try:
        library.update([seeds_copy])
        doc_id, key, _ = document(library, PRISM)
        made = Annotations(library).create(doc_id, 100, 130, note="still here")
        moved_away = tmp_path / PRISM
        (seeds_copy / PRISM).rename(moved_away)
        library.indexer().index([seeds_copy], prune_missing=True)
        report = reanchor_all(library)
        assert report.counts["orphaned"] == 1 and report.changed[0].status == "orphaned"
        assert Annotations(library).get(made.uuid).note == "still here"
        moved_away.rename(seeds_copy / PRISM)
        library.update([seeds_copy])
        assert library.reanchored.counts["anchored"] == 1
        assert Annotations(library).get(made.uuid) == made
    finally:
        library.close()


def test_an_index_run_without_annotations_reports_nothing_to_do(tmp_path):
    library = Library(tmp_path / "fresh")
    try:
        library.update([tmp_path / "nothing-here"])
        assert library.reanchored is None or (library.reanchored.total == 0 and library.reanchored.changed == [])
    finally:
        library.close()


def test_the_window_s_index_worker_can_reanchor_on_its_own_thread(library):
    import threading

    from reader.annotations.service import reanchor_after_index
    from reader.store.db import open_index

    doc_id, _, _ = document(library, PRISM)
    made = Annotations(library).create(doc_id, 100, 130)
    results = []

    def worker():  # as the window's jobs (reader/ui/operations.py): its own index connection, then its own user data one
        db = open_index(library.index_path)
        try:
            results.append(reanchor_after_index(library.data_dir, db.conn))
        finally:
            db.conn.close()

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    assert results[0].total == 1 and results[0].changed == [] and results[0].error is None
    assert Annotations(library).get(made.uuid) == made
