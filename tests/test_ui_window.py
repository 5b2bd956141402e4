"""The real main window, driven as a user would (offscreen)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from test_ui_support import (INDEX_TIMEOUT_MS, click_document, copy_index, data_dir, doc_id_by_file,  # noqa: F401
                             make_window, pane_slice, type_text, wait_idle, warm_window)

from PySide6.QtCore import QPoint, Qt, QThread
from PySide6.QtWidgets import QApplication, QLineEdit, QListView, QTextEdit, QWidget

REPO = Path(__file__).resolve().parents[1]
SEEDS = sorted(p.name for p in (REPO / "seeds").glob("*.txt"))


def test_first_launch_builds_the_index_with_progress_and_fills_the_list(qtbot, make_window):
    window = make_window(wait=False)
    assert window.isVisible()
    assert window.indexing
    dialog = window.index_dialog
    assert dialog is not None and dialog.isVisible() and dialog.objectName() == "indexProgress"
    assert window.index_status.isVisible()
    seen_progress = []
    window.jobs.progressed.connect(lambda _job, event: seen_progress.append((event.done, event.total)))
    with qtbot.waitSignal(window.indexFinished, timeout=INDEX_TIMEOUT_MS) as finished:
        pass
    report = finished.args[0]
    assert report is not None and not report.errors and len(report.added) == len(SEEDS)
    assert window.doc_model.rowCount() == len(SEEDS)
    assert window.doc_list.model().rowCount() == len(SEEDS)
    assert window.index_dialog is None and not window.index_status.isVisible()
    assert any(total == len(SEEDS) for _done, total in seen_progress)
    # Something to read straight away.
    assert window.current is not None and window.pane.toPlainText().strip()


def test_cancelling_the_first_index_keeps_the_window_usable(qtbot, make_window):
    window = make_window(wait=False)
    window.index_dialog.cancel()  # the dialog's Cancel button
    with qtbot.waitSignal(window.indexFinished, timeout=INDEX_TIMEOUT_MS) as finished:
        pass
    report = finished.args[0]
    assert report is None or report.cancelled or len(report.added) == len(SEEDS)
    assert window.doc_model.rowCount() <= len(SEEDS)
    # Update Index finishes the job.
    window.act_update_index.trigger()
    wait_idle(qtbot, window)
    assert window.doc_model.rowCount() == len(SEEDS)


def test_clicking_a_document_shows_its_text(qtbot, warm_window):
    window = warm_window
    doc_id = doc_id_by_file(window, "002_6c9cfde7eb9d63d6.txt")
    click_document(qtbot, window, doc_id)
    assert window.current.summary.id == doc_id
    shown = window.pane.toPlainText()
    assert "停戦交渉の核心" in shown
    assert window.doc_list.currentIndex().data(Qt.ItemDataRole.UserRole + 1) == doc_id
    assert "停戦交渉の核心" in window.windowTitle()


def test_keyboard_moves_through_the_document_list(qtbot, warm_window):
    window = warm_window
    first = window.doc_proxy.index(0, 0).data(Qt.ItemDataRole.UserRole + 1)
    second = window.doc_proxy.index(1, 0).data(Qt.ItemDataRole.UserRole + 1)
    click_document(qtbot, window, first)
    window.doc_list.setFocus()
    qtbot.keyClick(window.doc_list, Qt.Key.Key_Down)
    assert window.current.summary.id == second
    qtbot.keyClick(window.doc_list, Qt.Key.Key_Up)
    assert window.current.summary.id == first


def test_filter_and_sort_the_document_list(qtbot, warm_window):
    window = warm_window
    type_text(window.doc_filter, "停戦")
    assert window.doc_proxy.rowCount() == 1
    assert "1 of 5" in window.doc_count.text()
    window.doc_filter.clear()
    assert window.doc_proxy.rowCount() == 5
    window.doc_sort.setCurrentIndex(window.doc_sort.findData("title"))
    titles = [window.doc_proxy.index(r, 0).data() for r in range(window.doc_proxy.rowCount())]
    assert titles == sorted(titles, key=str.casefold)
    window.doc_sort.setCurrentIndex(window.doc_sort.findData("date-desc"))
    dates = [window.doc_proxy.index(r, 0).data(Qt.ItemDataRole.UserRole + 2) for r in range(5)]
    dated = [d for d in dates if d]
    assert dated == sorted(dated, reverse=True) and dates[-1] == ""  # undated last


def test_search_lists_results_opens_one_and_back_returns(qtbot, warm_window):
    window = warm_window
    start_doc = window.current.summary.id
    qtbot.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert window.search_box.hasFocus()
    with qtbot.waitSignal(window.searchFinished, timeout=INDEX_TIMEOUT_MS) as done:
        type_text(window.search_box, "停戦")
    assert done.args[1] > 0
    assert window.sidebar.currentWidget().findChild(QListView, "searchResults") is window.results_view
    assert window.results_view.isVisible() and window.results_model.rowCount() > 1
    hits = window.results_model.hits()
    assert "停戦" in hits[0].snippet
    # Arrow down moves the selection (past a document's title row); Enter opens it.
    qtbot.keyClick(window.search_box, Qt.Key.Key_Down)
    hit = window.results_view.currentIndex().data(Qt.ItemDataRole.UserRole + 7)
    assert hit is hits[1]
    qtbot.keyClick(window.search_box, Qt.Key.Key_Return)
    assert window.current.summary.id == hit.doc_id
    search_layer = window.pane._layers["search"]
    assert search_layer, "the matches are highlighted"
    first = search_layer[0].cursor
    assert first.selectedText() == "停戦"
    assert window.pane.flashing
    # Back returns to where we were.
    qtbot.keyClick(window.pane, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert window.current.summary.id == start_doc or hit.doc_id == start_doc
    # Escape clears the search and shows the documents again.
    window.search_box.setFocus()
    qtbot.keyClick(window.search_box, Qt.Key.Key_Escape)
    assert window.search_box.text() == "" and window.doc_list.isVisible()


def test_enter_opens_the_first_result_even_before_the_debounce(qtbot, warm_window):
    window = warm_window
    window.search_box.setFocus()
    with qtbot.waitSignal(window.documentOpened, timeout=INDEX_TIMEOUT_MS):
        type_text(window.search_box, "ゼレンスキー")
        qtbot.keyClick(window.search_box, Qt.Key.Key_Return)
    hit = window.results_model.hits()[0]
    assert window.current.summary.id == hit.doc_id


def test_clicking_a_result_opens_it(qtbot, warm_window):
    window = warm_window
    with qtbot.waitSignal(window.searchFinished, timeout=INDEX_TIMEOUT_MS):
        type_text(window.search_box, "交渉")
    view = window.results_view
    row = [kind for kind, _item in window.results_model.rows].index("hit", 2)
    index = window.results_model.index(row)
    hit = window.results_model.rows[row][1]
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(index).center())
    assert window.current.summary.id == hit.doc_id
    top = window.pane.top_offset()
    assert top is not None and top <= hit.matches[0][0]


def test_back_and_forward_across_documents(qtbot, warm_window):
    window = warm_window
    ids = [window.doc_proxy.index(r, 0).data(Qt.ItemDataRole.UserRole + 1) for r in range(3)]
    for doc_id in ids:
        click_document(qtbot, window, doc_id)
    assert window.act_back.isEnabled() and not window.act_forward.isEnabled()
    qtbot.keyClick(window.pane, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert window.current.summary.id == ids[1]
    window.act_back.trigger()
    assert window.current.summary.id == ids[0]
    qtbot.keyClick(window.pane, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert window.current.summary.id == ids[1]
    # The mouse's back button, over the text.
    qtbot.mouseClick(window.pane.viewport(), Qt.MouseButton.BackButton, pos=QPoint(50, 50))
    assert window.current.summary.id == ids[0]
    qtbot.mouseClick(window.pane.viewport(), Qt.MouseButton.ForwardButton, pos=QPoint(50, 50))
    assert window.current.summary.id == ids[1]


def test_back_returns_to_the_scroll_position(qtbot, warm_window):
    window = warm_window
    long_doc = doc_id_by_file(window, "001_782aef6206ab1ebf.txt")
    click_document(qtbot, window, long_doc)
    window.pane.scroll_to_offset(5000, align_top=True)
    before = window.pane.top_offset()
    click_document(qtbot, window, doc_id_by_file(window, "003_eb8fe90caa0da8ee.txt"))
    window.go_back()
    assert window.current.summary.id == long_doc
    assert abs(window.pane.top_offset() - before) < 200


def test_toggling_a_type_removes_its_highlights(qtbot, warm_window):
    window = warm_window
    pane = window.pane
    assert pane.mentions, "the seeds' index has entity mentions"
    total = pane.highlighted_count()
    places = sum(1 for m in pane.mentions if m.label in ("GPE", "LOC", "FAC"))
    assert places and total >= places
    button = window.legend.buttons["place"]
    assert window.legend.objectName() == "entityLegend"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert not button.isChecked()
    assert pane.highlighted_count() == total - places
    assert not window.group_actions["place"].isChecked()
    formats = [r for i in pane._formatted_blocks for r in pane.document().findBlockByNumber(i).layout().formats()]
    from reader.ui import palette
    place_fill = palette.fill(palette.GROUP_BY_KEY["place"], pane.dark)
    assert all(r.format.background().color() != place_fill for r in formats)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert pane.highlighted_count() == total


def test_restart_restores_the_last_document_and_position(qtbot, make_window, seeds_index):
    copy_index(seeds_index, data_dir())
    window = make_window()
    doc_id = doc_id_by_file(window, "001_782aef6206ab1ebf.txt")
    click_document(qtbot, window, doc_id)
    window.pane.scroll_to_offset(4000, align_top=True)
    offset = window.pane.top_offset()
    qtbot.keyClick(window.pane, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    assert window.pane.zoom == 1
    window.legend.buttons["date"].click()
    window.resize(780, 560)  # within the offscreen screen, so the geometry restores as is
    window.splitter.setSizes([200, 400, 180])
    qtbot.wait(20)
    sizes = window.splitter.sizes()
    offset = window.pane.top_offset()
    window.close()
    assert (data_dir() / "settings.ini").exists()

    again = make_window()
    assert again.current is not None and again.current.summary.id == doc_id
    qtbot.waitUntil(lambda: again.pane.top_offset() is not None and abs(again.pane.top_offset() - offset) < 150,
                    timeout=INDEX_TIMEOUT_MS)
    assert again.pane.zoom == 1
    assert not again.legend.buttons["date"].isChecked()
    assert "date" not in again.pane.enabled_groups
    assert again.size() == window.size()
    assert again.splitter.sizes() == sizes


def test_zoom_shortcuts(qtbot, warm_window):
    window = warm_window
    size = window.pane.document().defaultFont().pointSizeF()
    qtbot.keyClick(window.pane, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    assert window.pane.document().defaultFont().pointSizeF() > size
    qtbot.keyClick(window.pane, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(window.pane, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert window.pane.document().defaultFont().pointSizeF() < size
    qtbot.keyClick(window.pane, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert window.pane.zoom == 0
    assert window.pane.document().defaultFont().pointSizeF() == pytest.approx(size)


def test_find_in_document(qtbot, warm_window):
    window = warm_window
    click_document(qtbot, window, doc_id_by_file(window, "001_782aef6206ab1ebf.txt"))
    qtbot.keyClick(window.pane, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    bar = window.find_bar
    assert bar.isVisible() and bar.field.hasFocus()
    type_text(bar.field, "ロシア")
    expected = window.current.text.count("ロシア")
    assert expected > 2
    assert len(bar.matches) <= expected and len(bar.matches) > 2
    assert bar.count_label.text() == f"{bar.current + 1} of {len(bar.matches)}"
    first = bar.current
    qtbot.mouseClick(bar.next_button, Qt.MouseButton.LeftButton)
    assert bar.current == (first + 1) % len(bar.matches)
    qtbot.keyClick(bar.field, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert bar.current == first
    qtbot.keyClick(bar.field, Qt.Key.Key_Escape)
    assert not bar.isVisible() and not window.pane._layers["find"]
    type_text(bar.field, "")
    bar.open()
    bar.field.setText("存在しない言葉")
    assert bar.count_label.text() == "No matches"


def test_repeated_passages_are_folded_and_open_on_click(qtbot, warm_window):
    window = warm_window
    click_document(qtbot, window, doc_id_by_file(window, "002_6c9cfde7eb9d63d6.txt"))
    pane = window.pane
    assert pane.plan.runs, "this seed has repeated passages"
    run = pane.plan.runs[0]
    doc = pane.document()
    assert not doc.findBlockByNumber(run.blocks[0]).isVisible()
    placeholder = pane.plan.blocks[run.placeholder]
    assert "repeated" in placeholder.text.lower()
    # Click the placeholder line.
    from PySide6.QtGui import QTextCursor
    cursor = QTextCursor(doc)
    cursor.setPosition(placeholder.pane_start + 3)
    pane.verticalScrollBar().setValue(int(doc.documentLayout().blockBoundingRect(cursor.block()).top()) - 40)
    point = pane.cursorRect(cursor).center()
    qtbot.mouseClick(pane.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert doc.findBlockByNumber(run.blocks[0]).isVisible()
    assert run.run in pane.expanded_runs
    # Positions did not move: the mapping is the same.
    text = window.current.text
    block = pane.plan.blocks[run.blocks[0]]
    shown = pane_slice(pane, block.pane_start, block.pane_start + block.pane_length)
    assert shown == text[block.doc_start:block.doc_end]


def test_widgets_have_object_and_accessible_names(warm_window):
    window = warm_window
    for name, kind in (("documentList", QListView), ("readingPane", QTextEdit), ("xrefPanel", QWidget),
                       ("searchBox", QLineEdit), ("entityLegend", QWidget)):
        widget = window.findChild(kind, name)
        assert widget is not None, name
        assert widget.accessibleName(), name
    menus = [a.text().replace("&", "") for a in window.menuBar().actions()]
    assert menus == ["File", "Edit", "View", "Go", "Help"]


def test_about_names_the_version_and_licences(qtbot, warm_window, monkeypatch):
    import reader
    from PySide6.QtWidgets import QMessageBox

    shown = {}
    monkeypatch.setattr(QMessageBox, "about", lambda parent, title, text: shown.update(title=title, text=text))
    warm_window.act_about.trigger()
    assert reader.__version__ in shown["text"] and "IPA Font License" in shown["text"]


def test_newer_index_shows_a_dialog(qtbot, monkeypatch):
    import sqlite3

    from PySide6.QtWidgets import QMessageBox

    from reader.ui import app

    index = data_dir() / "index.sqlite"
    conn = sqlite3.connect(index)
    conn.execute("PRAGMA user_version = 999")
    conn.close()
    messages = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text: messages.append(text))
    assert app.run([], str(data_dir())) == 1
    assert messages and "newer version" in messages[0]


NOT_AT_WARM_START = ("reader.nlp", "reader.ingest", "sudachipy", "pycrfsuite", "marisa_trie", "e2k", "rapidfuzz",
                     "numpy", "markdown", "jsonschema", "pdfminer", "pypdf", "ebooklib", "lxml")
# What the features load once the text is on screen: none of it is needed for the first frame.
NOT_IN_FIRST_FRAME = ("reader.ui.annotations", "reader.ui.story", "reader.ui.timeline", "reader.ui.statements",
                      "reader.ui.outline", "reader.ui.preferences_dialog", "reader.ui.pdf_export",
                      "reader.ui.library_actions", "reader.store.doc_metadata")


def _run_warm_start(code_after_show: str) -> subprocess.CompletedProcess:
    """A warm start of the real window in a fresh interpreter (imports are per process)."""
    code = (
        "import sys\n"
        "from reader.ui.app import create_application\n"
        "from reader.ui.context import AppContext\n"
        "from reader.ui.main_window import MainWindow\n"
        "app = create_application([])\n"
        f"w = MainWindow(AppContext.create({str(data_dir())!r}))\n"
        "w.show()\n"
        + code_after_show
    )
    return subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120,
                          env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"})


def test_warm_start_does_not_import_the_nlp(seeds_index):
    copy_index(seeds_index, data_dir())
    result = _run_warm_start(
        "while w.notes is None or w.indexing: app.processEvents()\n"   # bounded by the run's timeout
        "assert w.current is not None and w.notes is not None\n"
        "w.close()\n"
        f"bad = [m for m in sys.modules if m.startswith({NOT_AT_WARM_START!r})]\n"
        "print(bad)\n"
        "sys.exit(1 if bad else 0)\n")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_last_document_is_painted_before_the_features_load(seeds_index):
    copy_index(seeds_index, data_dir())
    result = _run_warm_start(
        "painted = []\n"
        "from PySide6.QtCore import QObject, QEvent\n"
        "class FirstPaint(QObject):\n"
        "    def eventFilter(self, watched, event):\n"
        "        if event.type() == QEvent.Type.Paint and not painted:\n"
        f"            painted.append([m for m in sys.modules if m.startswith({NOT_IN_FIRST_FRAME!r})])\n"
        "        return False\n"
        "probe = FirstPaint()\n"
        "w.pane.viewport().installEventFilter(probe)\n"
        "while w.notes is None or w.indexing: app.processEvents()\n"   # bounded by the run's timeout
        "assert w.current is not None and w.notes is not None and painted, (w.current, painted)\n"
        "w.close()\n"
        "print(painted[0])\n"
        "sys.exit(1 if painted[0] else 0)\n")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_window_handles_events_while_the_features_load(qtbot, seeds_index):
    """The features register in steps, each on its own turn of the event loop, so scrolling and
    typing are answered in between rather than after all of them."""
    from PySide6.QtCore import QTimer

    from reader.ui.context import AppContext
    from reader.ui.main_window import MainWindow

    copy_index(seeds_index, data_dir())
    window = MainWindow(AppContext.create(data_dir()))
    qtbot.addWidget(window)
    turns_while_loading = []
    ticker = QTimer(interval=0)   # a timer of 0 ms fires on every turn of the event loop
    ticker.timeout.connect(lambda: turns_while_loading.append(1)
                           if getattr(window, "document_commands", None) is not None and window.notes is None
                           else None)
    ticker.start()
    window.show()
    qtbot.waitUntil(lambda: window.notes is not None)
    ticker.stop()
    wait_idle(qtbot, window)
    window.close()
    assert window.story is not None and window.keyboard_help is not None
    assert len(turns_while_loading) >= 3, turns_while_loading


def test_closing_leaves_no_threads_running(qtbot, warm_window):
    window = warm_window
    window.search_box.setText("交渉")
    window.search.flush()
    window.start_indexing()
    window.close()
    assert window.jobs.current is None and not any(t.isRunning() for t in window.findChildren(QThread))
    assert not window.search.search_thread.isRunning()
    QApplication.processEvents()
