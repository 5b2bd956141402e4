"""A small window keeps a readable text column: side panels give way, the legend wraps."""
from __future__ import annotations

from test_ui_support import make_window, warm_window  # noqa: F401

from PySide6.QtGui import QFontInfo

from reader.ui.responsive import MIN_TEXT_EM


def resize(qtbot, window, width: int, height: int) -> None:
    window.resize(width, height)
    qtbot.waitUntil(lambda: window.width() == width)
    qtbot.waitUntil(lambda: not window.panels_give_way._timer.isActive())


def text_column(window) -> int:
    """The width the text is laid out in (the pane's viewport)."""
    return window.pane.viewport().width()


def em(window) -> int:
    return QFontInfo(window.pane.document().defaultFont()).pixelSize()


def legend_is_whole(window) -> bool:
    legend = window.legend
    for button in legend.buttons.values():
        rect = button.geometry()
        if rect.width() < button.sizeHint().width() or not legend.rect().contains(rect):
            return False
    return True


def test_small_windows_keep_a_readable_measure_and_a_whole_legend(qtbot, warm_window):
    window = warm_window
    resize(qtbot, window, 1360, 860)
    assert window.splitter.sizes()[0] > 0 and window.splitter.sizes()[2] > 0   # room for all three
    for width, height in ((1024, 700), (800, 600)):
        resize(qtbot, window, width, height)
        assert text_column(window) >= MIN_TEXT_EM * em(window), (width, window.splitter.sizes())
        qtbot.waitUntil(lambda: legend_is_whole(window))
    assert window.splitter.sizes()[2] == 0          # at 800 px the right-hand panels gave way
    resize(qtbot, window, 640, 600)
    assert window.splitter.sizes()[0] == 0 and window.splitter.sizes()[2] == 0   # then the list too
    # The user's View toggles are untouched; the panels come back when there is room.
    assert window.act_show_list.isChecked() and window.act_show_xref.isChecked()
    resize(qtbot, window, 1360, 860)
    assert window.splitter.sizes()[0] > 0 and window.splitter.sizes()[2] > 0


def test_the_right_panels_fold_first_and_come_forward_when_asked(qtbot, warm_window):
    window = warm_window
    resize(qtbot, window, 1024, 700)
    sizes = window.splitter.sizes()
    assert sizes[2] == 0 and sizes[0] > 0           # the cross-references gave way, the list stays
    entity = window.pane.mentions[0].entity_id
    window.show_entity(entity)                      # clicking a name asks for its cross-references
    qtbot.waitUntil(lambda: window.splitter.sizes()[2] > 0)
    assert window.splitter.sizes()[0] == 0          # the list gave way instead
    assert text_column(window) >= MIN_TEXT_EM * em(window)
