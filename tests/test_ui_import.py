"""Importing into the library from the real window (offscreen): File ▸ Import, drag and drop,
progress and cancel, the import report, removing a document, and a restart."""
from __future__ import annotations

import multiprocessing
import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from test_ui_support import (INDEX_TIMEOUT_MS, copy_index, data_dir, doc_id_by_file, make_window,  # noqa: F401
                             wait_idle, warm_window)

from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QTimer, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QGuiApplication
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from conftest import SEEDS, shared_path
from reader.ui.importing import Eta, describe_eta

SEED_FILES = sorted(SEEDS.glob("*.txt"))


# -- helpers ---------------------------------------------------------------------------------------

def good_and_bad_folder(root: Path) -> Path:
    """Three new documents (seed texts with a new first line) and two files that cannot be ones."""
    folder = root / "to-import"
    (folder / "sub").mkdir(parents=True)
    for n, seed in enumerate(SEED_FILES[:3]):
        target = folder / ("sub" if n == 2 else "") / f"new_{n}.txt"
        target.write_text(f"輸入テスト {n} 号\n\n" + seed.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02\x03" * 200)
    (folder / "empty.txt").write_bytes(b"")
    shutil.copy(SEED_FILES[3], folder / "same_as_a_seed.txt")          # a duplicate of a seed
    (folder / "notes.docx").write_bytes(b"PK\x03\x04 not a format Reader reads")   # left alone
    return folder


def file_menu_texts(window) -> list[str]:
    menu = next(a.menu() for a in window.menuBar().actions() if a.text().replace("&", "") == "File")
    return [a.text().replace("&", "") for a in menu.actions() if not a.isSeparator()]


def child_pids() -> list[int]:
    """Live child processes of this process (Linux /proc), e.g. leftover index workers; not
    multiprocessing's resource tracker, one helper per parent process that lives as long as it."""
    me, found = os.getpid(), []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[-1].split()
        if len(fields) > 1 and int(fields[1]) == me and fields[0] != "Z" and b"resource_tracker" not in command:
            found.append(int(entry.name))
    return found


@pytest.fixture(autouse=True)
def nothing_left_running():
    """After each test (its windows closed by make_window's teardown, which runs first): no
    worker processes, no Python threads; make_window itself checks the windows' QThreads."""
    import threading

    yield
    assert multiprocessing.active_children() == [] and child_pids() == []
    assert [t.name for t in threading.enumerate()
            if t is not threading.main_thread() and not isinstance(t, threading._DummyThread)] == []


def run_import(qtbot, window, trigger, timeout=INDEX_TIMEOUT_MS):
    """Run `trigger` and wait for the import it starts to finish; returns its report."""
    jobs = window.library_actions.jobs
    with qtbot.waitSignal(jobs.jobFinished, timeout=timeout, check_params_cb=lambda kind, _r: kind == "import") \
            as finished:
        trigger()
    return finished.args[1]


def answer_next_message_box(qtbot, button_name: str, seen: dict) -> None:
    """Click a button (by object name) in the next modal message box, recording what it offered."""
    def answer():
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, answer)
            return
        seen["text"] = box.text()
        seen["informative"] = box.informativeText()
        seen["buttons"] = {b.objectName(): b.text() for b in box.buttons()}
        seen["default"] = box.defaultButton().objectName() if box.defaultButton() else None
        target = next(b for b in box.buttons() if b.objectName() == button_name
                      or (button_name == "cancel" and box.buttonRole(b) == QMessageBox.ButtonRole.RejectRole))
        target.click()

    QTimer.singleShot(0, answer)


def wait_jobs_idle(qtbot, window) -> None:
    jobs = window.library_actions.jobs
    qtbot.waitUntil(lambda: not jobs.busy and not window.indexing, timeout=INDEX_TIMEOUT_MS)


# -- importing ---------------------------------------------------------------------------------------

def test_import_folder_from_the_file_menu_shows_progress_documents_and_a_report(qtbot, warm_window, tmp_path,
                                                                                  monkeypatch):
    window = warm_window
    assert file_menu_texts(window)[:6] == ["Import Files…", "Import Folder…", "Import Report…",
                                           "Watched Folders…", "Open Recent", "Remove from Library…"]
    folder = good_and_bad_folder(tmp_path)
    asked = []
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *args, **kw: asked.append(args) or str(folder))
    jobs = window.library_actions.jobs
    progress = []
    jobs.progressed.connect(lambda stage, done, total, current: progress.append(
        (stage, done, total, current, window.index_label.text(), window.index_status.isVisible())))
    before = window.doc_model.rowCount()

    report = run_import(qtbot, window, window.library_actions.act_import_folder.trigger)

    assert asked, "the folder dialog was shown"
    assert sorted(Path(p).name for p in report.added) == ["new_0.txt", "new_1.txt", "new_2.txt"]
    assert sorted(Path(e.path).name for e in report.errors) == ["binary.txt", "empty.txt"]
    assert [Path(d.path).name for d in report.duplicates] == ["same_as_a_seed.txt"]
    # Progress: files done/total and the current file, in the status bar.
    indexing = [p for p in progress if p[0] == "indexing"]
    assert any(total == 6 and current for _s, _d, total, current, _l, _v in indexing)
    assert any("Importing" in label and "of 6 files" in label and visible for *_x, label, visible in indexing)
    # The documents are in the list; the one shown is unchanged.
    names = {d.file_name for d in window.doc_model.documents}
    assert {"new_0.txt", "new_1.txt", "new_2.txt"} <= names
    assert window.doc_model.rowCount() == before + 3
    assert not window.index_status.isVisible() and not window.indexing
    assert "3 added" in window.statusBar().currentMessage()
    # The report dialog lists the bad files with their reasons.
    dialog = jobs.report_dialog
    assert dialog is not None and dialog.isVisible() and dialog.objectName() == "importReport"
    rows = {Path(path).name: (result, reason) for path, result, reason in dialog.model.rows}
    assert rows["binary.txt"][0] == "Not imported" and "binary" in rows["binary.txt"][1]
    assert rows["empty.txt"][0] == "Not imported" and "empty" in rows["empty.txt"][1]
    assert rows["same_as_a_seed.txt"][0] == "Duplicate" and SEED_FILES[3].name in rows["same_as_a_seed.txt"][1]
    assert rows["new_0.txt"][0] == "Added"
    assert "notes.docx" not in rows
    summary = dialog.summary.text()
    assert "<b>3</b> added" in summary and "<b>2</b> errors" in summary and "<b>1</b> duplicate" in summary
    table = dialog.table
    assert table.model().index(0, 0).data() in ("binary.txt", "empty.txt")
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    copied = QGuiApplication.clipboard().text()
    assert "binary.txt\tNot imported\t" in copied and "3 added" in copied.splitlines()[0]
    # Importing the same folder again changes nothing (and says so).
    again = run_import(qtbot, window, lambda: window.library_actions.import_paths([folder]))
    assert again.added == [] and again.updated == [] and again.unchanged == 3
    assert window.doc_model.rowCount() == before + 3
    assert window.library_actions.act_import_report.isEnabled()


def test_import_files_and_drag_and_drop(qtbot, warm_window, tmp_path, monkeypatch):
    window = warm_window
    one = tmp_path / "one.md"
    one.write_text("# 一つ目の文書\n\nキーウで新しい会議が開かれた。\n", encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: ([str(one)], "Documents"))
    report = run_import(qtbot, window, window.library_actions.act_import_files.trigger)
    assert report.added == [str(one.resolve())]
    assert "one.md" in {d.file_name for d in window.doc_model.documents}
    assert window.library_actions.jobs.report_dialog is None   # nothing went wrong: no dialog

    dropped = tmp_path / "dropped"
    dropped.mkdir()
    (dropped / "a.txt").write_text("ドラッグされた文書。\nゼレンスキー大統領が演説した。\n", encoding="utf-8")
    (dropped / "b.html").write_text("<html><head><title>落とした記事</title></head><body><article><h1>落とした記事"
                                    "</h1><p>" + "ワシントンで協議が続いた。" * 20 + "</p></article></body></html>",
                                    encoding="utf-8")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(dropped))])
    target = window.pane.viewport()
    point = QPointF(target.rect().center())
    # QDragEnterEvent takes a QPoint (as in C++) before PySide6 6.12, QDropEvent a QPointF.
    enter = QDragEnterEvent(point.toPoint(), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    drop = QDropEvent(point, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    report = run_import(qtbot, window, lambda: QApplication.sendEvent(window, drop))
    assert drop.isAccepted()
    assert sorted(Path(p).name for p in report.added) == ["a.txt", "b.html"]
    assert {"a.txt", "b.html"} <= {d.file_name for d in window.doc_model.documents}
    # A drag of something that is not a file is not taken.
    text_only = QMimeData()
    text_only.setText("just words")
    enter = QDragEnterEvent(QPoint(10, 10), Qt.DropAction.CopyAction, text_only, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    enter.ignore()
    QApplication.sendEvent(window, enter)
    assert not enter.isAccepted()


def test_cancelling_a_large_import_stops_it_and_keeps_what_was_done(qtbot, warm_window, tmp_path):
    source = shared_path("bench", "wikinews-ja")
    folder = tmp_path / "wikinews"
    folder.mkdir()
    for path in sorted(source.glob("*.txt"))[:300]:      # ≥ 200 files: analysed in worker processes
        shutil.copy(path, folder / path.name)
    window = warm_window
    jobs = window.library_actions.jobs
    before = window.doc_model.rowCount()
    # The window keeps answering while the import runs (how long its longest pause is, and how
    # quickly a cancel ends the import: bench/bench_ui_scale.py).
    ticks = []
    timer = QTimer(interval=50)
    timer.timeout.connect(lambda: ticks.append(window.indexing))
    timer.start()

    window.library_actions.import_paths([folder])
    assert window.indexing and window.index_status.isVisible()
    # Documents appear in the list while the import is still running.
    qtbot.waitUntil(lambda: window.doc_model.rowCount() >= before + 10, timeout=INDEX_TIMEOUT_MS * 2)
    assert window.indexing
    assert "of 300 files" in window.index_label.text()
    # Searching works meanwhile.
    with qtbot.waitSignal(window.searchFinished, timeout=INDEX_TIMEOUT_MS) as searched:
        window.search_box.setText("大統領")
        window.search.flush()
    assert searched.args[1] > 0 and window.indexing
    window.search_box.clear()
    qtbot.waitUntil(lambda: "left" in window.index_label.text(), timeout=INDEX_TIMEOUT_MS)   # an estimate of the time left

    with qtbot.waitSignal(jobs.jobFinished, timeout=INDEX_TIMEOUT_MS) as finished:
        qtbot.mouseClick(window.index_cancel, Qt.MouseButton.LeftButton)
    timer.stop()
    report = finished.args[1]
    assert report.cancelled
    assert 10 <= len(report.added) < 300
    # What was finished is kept and listed; nothing is left running.
    stored = window.db.execute("SELECT count(*) FROM documents WHERE path LIKE ?", [f"{folder}%"]).fetchone()[0]
    assert stored == len(report.added)
    assert window.doc_model.rowCount() == before + stored
    assert not window.indexing and not window.index_status.isVisible()
    assert "cancelled" in window.statusBar().currentMessage()
    assert multiprocessing.active_children() == [] and child_pids() == []
    assert ticks.count(True) > 1, "the event loop ran while the import did"
    # A cancelled import remembers the files it finished, not the folder.
    from reader.library import Library

    library = Library(data_dir())
    try:
        remembered = library.sources().imported
    finally:
        library.close()
    assert folder.resolve() not in remembered and len(remembered) == stored


def test_an_import_asked_for_during_indexing_waits_its_turn(qtbot, warm_window, tmp_path):
    window = warm_window
    doc = tmp_path / "later.txt"
    doc.write_text("順番を待つ文書。モスクワで会談。\n", encoding="utf-8")
    window.start_indexing()            # Update Index
    assert window.indexing
    jobs = window.library_actions.jobs
    with qtbot.waitSignal(jobs.jobFinished, timeout=INDEX_TIMEOUT_MS) as finished:
        jobs.import_paths([doc])
        assert jobs.pending
    assert finished.args[1].added == [str(doc.resolve())]


def test_update_index_during_an_import_is_queued_and_runs_after_it(qtbot, warm_window, tmp_path):
    window = warm_window
    folder = good_and_bad_folder(tmp_path)
    window.library_actions.jobs.show_reports = False
    window.library_actions.import_paths([folder])
    assert window.jobs.current.kind == "import"
    window.act_update_index.trigger()            # F5 during the import: queued, not dropped
    window.act_update_index.trigger()            # and again: the same one sync
    assert len(window.jobs.queued("sync")) == 1
    assert "queued" in window.statusBar().currentMessage()
    with qtbot.waitSignal(window.indexFinished, timeout=INDEX_TIMEOUT_MS) as finished:
        pass
    assert finished.args[0] is not None and "Index updated" in window.statusBar().currentMessage()
    wait_jobs_idle(qtbot, window)
    assert {"new_0.txt", "new_1.txt", "new_2.txt"} <= {d.file_name for d in window.doc_model.documents}


def test_closing_during_a_long_import_stops_it_visibly_without_a_dialog(qtbot, make_window, seeds_index, tmp_path,
                                                                       monkeypatch):
    source = shared_path("bench", "wikinews-ja")
    folder = tmp_path / "wikinews"
    folder.mkdir()
    for path in sorted(source.glob("*.txt"))[:300]:
        shutil.copy(path, folder / path.name)
    copy_index(seeds_index, data_dir())
    window = make_window()
    dialogs = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *args, **kwargs: dialogs.append(args))
    before = window.doc_model.rowCount()
    window.library_actions.import_paths([folder])
    qtbot.waitUntil(lambda: window.doc_model.rowCount() >= before + 5, timeout=INDEX_TIMEOUT_MS * 2)
    shown, ticks = [], []
    timer = QTimer(interval=20)
    timer.timeout.connect(lambda: (ticks.append(1), shown.append(window.status_area.label.text())))
    timer.start()
    window.close()
    timer.stop()
    assert ticks, "the window kept painting while the import stopped"
    assert any(text.startswith(("Finishing", "Stopping")) for text in shown)
    assert not window.jobs.busy and dialogs == []
    qtbot.wait(50)                                 # nothing arrives after the window is gone
    assert dialogs == []
    stored = sqlite3.connect(str(data_dir() / "index.sqlite"))
    try:
        imported = stored.execute("SELECT count(*) FROM documents WHERE path LIKE ?", [f"{folder}%"]).fetchone()[0]
    finally:
        stored.close()
    assert 5 <= imported < 300                      # cancelled; what was finished is kept


def test_the_list_keeps_its_place_and_the_open_document_follows_a_reimport(qtbot, warm_window, tmp_path):
    source = shared_path("bench", "wikinews-ja")
    window = warm_window
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    files = sorted(source.glob("*.txt"))
    for path in files[:60]:
        shutil.copy(path, first / path.name)
    for path in files[60:100]:
        shutil.copy(path, second / path.name)
    run_import(qtbot, window, lambda: window.library_actions.import_paths([first]))
    # Read one of them, scrolled down the list to it.
    reading = next(d for d in window.doc_model.documents if d.file_name == files[30].name)
    window.open_document(reading.id)
    view = window.doc_list
    bar = view.verticalScrollBar()
    assert bar.maximum() > 0
    bar.setValue(bar.maximum() // 2)
    qtbot.wait(10)
    top = view.indexAt(QPoint(4, 1))
    top_doc, top_y, top_row = top.data(Qt.ItemDataRole.UserRole + 1), view.visualRect(top).top(), top.row()
    # Import more (rows land above and below), and a new version of the document being read.
    edited = first / files[30].name
    edited.write_text(edited.read_text(encoding="utf-8") + "\n追記：この記事は更新された。\n", encoding="utf-8")
    report = run_import(qtbot, window, lambda: window.library_actions.import_paths([second, edited]))
    assert len(report.added) == 40 and report.updated == [str(edited.resolve())]
    now = view.indexAt(QPoint(4, 1))
    assert now.row() > top_row, "rows were inserted above the viewport"
    assert now.data(Qt.ItemDataRole.UserRole + 1) == top_doc and abs(view.visualRect(now).top() - top_y) <= 2
    # The new version is shown, not "removed from the index".
    assert window.current is not None and window.current.summary.path == str(edited.resolve())
    assert window.current.summary.id != reading.id and "更新された" in window.current.text
    assert view.currentIndex().data(Qt.ItemDataRole.UserRole + 1) == window.current.summary.id


# -- removing ----------------------------------------------------------------------------------------

def test_remove_a_document_keeping_its_notes_as_orphans(qtbot, warm_window, make_window):
    from reader.annotations.service import Annotations
    from reader.library import Library

    window = warm_window
    name = "003_eb8fe90caa0da8ee.txt"
    doc_id = doc_id_by_file(window, name)
    library = Library(data_dir())
    try:
        note = Annotations(library).create(doc_id, 10, 30, note="keep me")
    finally:
        library.close()
    window.open_document(doc_id)
    row = window.doc_proxy.mapFromSource(window.doc_model.index(window.doc_model.row_of(doc_id))).row()
    neighbour = window.doc_proxy.index(row + 1 if row + 1 < window.doc_proxy.rowCount() else row - 1, 0).data(
        Qt.ItemDataRole.UserRole + 1)
    window.doc_list.setFocus()
    jobs = window.library_actions.jobs
    removed_signal = []
    jobs.documentRemoved.connect(lambda i, key: removed_signal.append(i))
    seen = {}
    answer_next_message_box(qtbot, "keepNotes", seen)
    with qtbot.waitSignal(jobs.jobFinished, timeout=INDEX_TIMEOUT_MS,
                          check_params_cb=lambda kind, _r: kind == "remove"):
        qtbot.keyClick(window.doc_list, Qt.Key.Key_Delete)      # Delete on the list
    assert seen["text"].startswith("Remove “") and seen["text"].endswith("” from the library?")
    assert seen["default"] == "keepNotes"                        # not the destructive choice
    assert seen["buttons"]["deleteNotes"] == "Delete Its 1 Note Too"
    assert "1 note" in seen["informative"]
    assert removed_signal == [doc_id]
    assert name not in {d.file_name for d in window.doc_model.documents}
    assert window.current is not None and window.current.summary.id == neighbour   # its neighbour is shown
    assert "kept" in window.statusBar().currentMessage()
    wait_jobs_idle(qtbot, window)                                # the cross-references are relinked
    assert window.db.execute("SELECT value FROM state WHERE key = 'linked'").fetchone() is not None

    library = Library(data_dir())
    try:
        kept = Annotations(library).get(note.uuid)
        assert kept.status == "orphaned" and kept.note == "keep me"
        assert [r.path for r in library.sources().removed] == [str(SEEDS / name)]
    finally:
        library.close()
    # Update Index does not bring it back; after a restart the start-up check finds nothing to do.
    window.act_update_index.trigger()
    wait_idle(qtbot, window)
    assert name not in {d.file_name for d in window.doc_model.documents}
    assert window.last_report is not None and not window.last_report.added
    window.close()
    again = make_window()
    assert again.last_report is None
    assert name not in {d.file_name for d in again.doc_model.documents}


def test_remove_from_the_context_menu_deleting_the_notes_or_cancel(qtbot, warm_window):
    from reader.annotations.service import Annotations
    from reader.library import Library

    window = warm_window
    doc_id = doc_id_by_file(window, "004_7ebdf0c8330a0b12.txt")
    library = Library(data_dir())
    try:
        notes = [Annotations(library).create(doc_id, s, s + 10) for s in (0, 50)]
    finally:
        library.close()
    view = window.doc_list
    row = window.doc_proxy.mapFromSource(window.doc_model.index(window.doc_model.row_of(doc_id)))
    view.scrollTo(row)
    point = view.visualRect(row).center()
    view.customContextMenuRequested.emit(point)
    menu = window.list_menu
    assert menu is not None and view.currentIndex().data(Qt.ItemDataRole.UserRole + 1) == doc_id
    remove = next(a for a in menu.actions() if a.text().replace("&", "") == "Remove from Library…")
    menu.close()
    # Cancel: nothing happens.
    seen = {}
    answer_next_message_box(qtbot, "cancel", seen)
    remove.trigger()
    assert not window.indexing and doc_id in {d.id for d in window.doc_model.documents}
    # Delete the notes too.
    answer_next_message_box(qtbot, "deleteNotes", seen)
    with qtbot.waitSignal(window.library_actions.jobs.jobFinished, timeout=INDEX_TIMEOUT_MS,
                          check_params_cb=lambda kind, _r: kind == "remove"):
        remove.trigger()
    assert seen["buttons"]["deleteNotes"] == "Delete Its 2 Notes Too"
    assert doc_id not in {d.id for d in window.doc_model.documents}
    assert "2 notes deleted" in window.statusBar().currentMessage()
    library = Library(data_dir())
    try:
        assert all(a.uuid not in {n.uuid for n in notes} for a in Annotations(library).list_all())
    finally:
        library.close()
    wait_jobs_idle(qtbot, window)


# -- restarting --------------------------------------------------------------------------------------

def test_imported_documents_stay_across_restarts_and_are_not_indexed_again(qtbot, make_window, seeds_index,
                                                                          tmp_path, monkeypatch):
    from reader.annotations.service import Annotations
    from reader.library import Library

    copy_index(seeds_index, data_dir())
    folder = good_and_bad_folder(tmp_path)
    window = make_window()
    window.library_actions.jobs.show_reports = False
    run_import(qtbot, window, lambda: window.library_actions.import_paths([folder]))
    imported = {d.file_name: d.id for d in window.doc_model.documents if d.path.startswith(str(folder))}
    assert sorted(imported) == ["new_0.txt", "new_1.txt", "new_2.txt"]
    window.close()

    again = make_window()
    assert again.last_report is None, "the start-up check found nothing to index"
    assert {d.file_name: d.id for d in again.doc_model.documents if d.path.startswith(str(folder))} == imported
    assert again.doc_model.rowCount() == len(SEED_FILES) + 3
    library = Library(data_dir())
    try:
        note = Annotations(library).create(imported["new_1.txt"], 40, 60, note="on an imported file")
    finally:
        library.close()
    again.close()

    # Edited while the window was closed: re-indexed at the next start, the note re-anchored.
    edited = folder / "new_1.txt"
    text = edited.read_text(encoding="utf-8")
    edited.write_text("追記：冒頭に一行を加えた。\n" + text, encoding="utf-8")
    third = make_window()
    report = third.last_report
    assert report is not None and report.updated == [str(edited.resolve())] and not report.added
    assert not report.removed
    library = Library(data_dir())
    try:
        moved = Annotations(library).get(note.uuid)
    finally:
        library.close()
    assert moved.status == "moved" and moved.cur_start == 40 + len("追記：冒頭に一行を加えた。\n")
    # A file of the imported folder that went away: its document stays (only the seeds are pruned).
    (folder / "new_0.txt").unlink()
    third.act_update_index.trigger()
    wait_idle(qtbot, third)
    assert "new_0.txt" in {d.file_name for d in third.doc_model.documents}


# -- the estimate ------------------------------------------------------------------------------------

def test_time_left_is_estimated_after_a_few_files():
    now = [100.0]
    eta = Eta(clock=lambda: now[0])
    assert eta.update("indexing", 0, 100) is None
    now[0] += 0.5
    assert eta.update("indexing", 2, 100) is None      # too few files yet
    now[0] += 2.0
    assert eta.update("indexing", 10, 100) == pytest.approx(22.5)   # 8 files in 2 s since the first: 90 left
    assert eta.update("entities", 0, 100) is None      # a new stage starts afresh


def test_the_start_up_and_an_old_stall_do_not_inflate_the_time_left():
    """Measured on 200 Wikinews files: 2-4 s of start-up (worker processes, dictionary) before the
    first file, then ~16 files/s; counting the start-up made the first estimates ~3x too long."""
    now = [0.0]
    eta = Eta(clock=lambda: now[0])
    eta.update("indexing", 0, 200)
    now[0] = 3.0                                       # the start-up: nothing done for 3 s
    eta.update("indexing", 1, 200)
    for step in range(1, 9):                           # then 16 files a second
        now[0] = 3.0 + step * 0.25
        left = eta.update("indexing", 1 + 4 * step, 200)
    assert left == pytest.approx((200 - 33) / 16, rel=0.01)   # ~10 s, not the ~40 s the start-up implied
    now[0] += 6.0                                      # a 6 s stall…
    eta.update("indexing", 34, 200)
    for step in range(1, 41):                          # …then 10 s at 16 files a second again
        now[0] += 0.25
        left = eta.update("indexing", 34 + 4 * step, 200)
    assert left == pytest.approx((200 - 194) / 16, rel=0.25)   # the stall is forgotten


def test_time_left_wording():
    assert describe_eta(None) == "" and describe_eta(3) == "a few seconds left"
    assert describe_eta(18) == "about 20 s left" and describe_eta(150) == "about 3 min left"
    assert describe_eta(7300) == "about 2 h 02 min left"
