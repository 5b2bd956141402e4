"""Fixtures and helpers shared by the UI tests (imported by tests/test_ui_*.py)."""
from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt

INDEX_TIMEOUT_MS = 60_000


def data_dir() -> Path:
    path = Path(os.environ["READER_DATA_DIR"])
    path.mkdir(parents=True, exist_ok=True)
    return path


def copy_index(source_db, target_dir: Path) -> Path:
    """Copy the session's seeds index into a data dir (a warm start, nothing to index)."""
    target = target_dir / "index.sqlite"
    dest = sqlite3.connect(str(target))
    source_db.conn.backup(dest)
    dest.close()
    return target


def wait_idle(qtbot, window) -> None:
    qtbot.waitUntil(lambda: not window.indexing, timeout=INDEX_TIMEOUT_MS)


@pytest.fixture
def make_window(qtbot):
    """Create real main windows on a data dir; all are closed (threads joined) at teardown."""
    from reader.ui.context import AppContext
    from reader.ui.main_window import MainWindow

    from PySide6.QtWidgets import QApplication

    windows = []
    app_palette = QApplication.palette()   # a window's theme sets the whole application's palette

    def make(data: Path | None = None, wait: bool = True, **kwargs):
        window = MainWindow(AppContext.create(data or data_dir(), **kwargs))
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        qtbot.waitUntil(lambda: window.notes is not None)   # the features load just after the first frame
        if wait:
            wait_idle(qtbot, window)
        windows.append(window)
        return window

    yield make
    for window in windows:
        window.close()
    QApplication.setPalette(app_palette)   # the next test starts from the system's colours, not a chosen dark
    for window in windows:
        assert window.jobs.current is None and not window.jobs.busy
        assert not window.search.search_thread.isRunning()


@pytest.fixture
def warm_window(make_window, seeds_index):
    """A window over a ready index of the seeds (no indexing needed)."""
    copy_index(seeds_index, data_dir())
    return make_window()


def list_point(window, doc_id: int) -> QPoint:
    """The centre of a document's row in the document list (viewport coordinates)."""
    row = window.doc_model.row_of(doc_id)
    index = window.doc_proxy.mapFromSource(window.doc_model.index(row))
    window.doc_list.scrollTo(index)
    return window.doc_list.visualRect(index).center()


def click_document(qtbot, window, doc_id: int) -> None:
    qtbot.mouseClick(window.doc_list.viewport(), Qt.MouseButton.LeftButton, pos=list_point(window, doc_id))


def doc_id_by_file(window, file_name: str) -> int:
    return next(d.id for d in window.doc_model.documents if d.file_name == file_name)


def mention_point(qtbot, window, mention) -> QPoint:
    """Scroll a mention into view and return a viewport point over its middle."""
    pane = window.pane
    pane.scroll_to_offset(mention.start)
    qtbot.wait(10)
    middle = mention.start + max(0, (mention.end - mention.start) // 2)
    point = pane.viewport_point_of_offset(middle)
    assert point is not None
    return point + QPoint(2, 0)


def type_text(widget, text: str) -> None:
    """Type text as key events (QTest.keyClicks only handles ASCII)."""
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication

    for ch in text:
        key = ord(ch.upper()) if ch.isascii() and ch.isalnum() else 0
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier, ch))
        QApplication.processEvents()


def pane_slice(pane, start: int, end: int) -> str:
    """The pane's text between two Qt positions (UTF-16 units, unlike Python indices)."""
    units = pane.document().toPlainText().encode("utf-16-le")
    return units[start * 2:end * 2].decode("utf-16-le")
