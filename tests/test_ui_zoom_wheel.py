"""Ctrl+mouse wheel zooms like Ctrl+= and keeps the reading position; Back keeps the place too."""
from __future__ import annotations

from test_ui_support import click_document, doc_id_by_file, make_window, warm_window  # noqa: F401

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QFontInfo, QWheelEvent
from PySide6.QtWidgets import QApplication


def ctrl_wheel(pane, notches: int) -> None:
    viewport = pane.viewport()
    centre = QPointF(viewport.rect().center())
    event = QWheelEvent(centre, QPointF(viewport.mapToGlobal(centre.toPoint())), QPoint(0, 0),
                        QPoint(0, 120 * notches), Qt.MouseButton.NoButton, Qt.KeyboardModifier.ControlModifier,
                        Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(viewport, event)


def test_ctrl_wheel_zooms_the_reading_font_and_keeps_the_place(qtbot, warm_window):
    window = warm_window
    click_document(qtbot, window, doc_id_by_file(window, "002_6c9cfde7eb9d63d6.txt"))
    pane = window.pane
    family = QFontInfo(pane.document().defaultFont()).family()
    size = pane.document().defaultFont().pointSizeF()
    middle = len(window.current.text) // 2
    pane.scroll_to_offset(middle, align_top=True)
    before = pane.top_offset()
    ctrl_wheel(pane, 1)
    assert pane.zoom == 1                                        # as Ctrl+= does
    assert pane.document().defaultFont().pointSizeF() > size     # bigger, not smaller
    assert QFontInfo(pane.document().defaultFont()).family() == family   # the reading font stays
    after = pane.top_offset()
    assert after is not None and abs(after - before) < 80        # the same line at the top
    ctrl_wheel(pane, -2)
    assert pane.zoom == -1 and pane.document().defaultFont().pointSizeF() < size
    window.act_zoom_reset.trigger()
    assert pane.document().defaultFont().pointSizeF() == size


def test_back_to_a_document_read_from_its_start_shows_its_title(qtbot, warm_window):
    from test_ui_support import click_document

    window = warm_window
    first, second = [d.id for d in window.doc_model.documents[:2]]
    click_document(qtbot, window, first)
    window.pane.verticalScrollBar().setValue(0)     # reading from the top: the title on screen
    click_document(qtbot, window, second)
    window.act_back.trigger()
    assert window.current.summary.id == first
    assert window.pane.verticalScrollBar().value() == 0   # the title is in view, not scrolled away
