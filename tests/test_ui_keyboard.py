"""Keyboard: Enter/Space on an entity, the Tab order, the shortcuts list (F1)."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QApplication

from test_ui_support import warm_window, make_window  # noqa: F401 (fixtures)


def _put_cursor(pane, offset: int) -> None:
    cursor = QTextCursor(pane.document())
    cursor.setPosition(pane.plan.to_pane(offset))
    pane.setTextCursor(cursor)


def _activate(qtbot, window):
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)


def test_enter_or_space_on_an_entity_opens_its_cross_references(qtbot, warm_window):
    window = warm_window
    _activate(qtbot, window)
    pane = window.pane
    first, other = pane.mentions[0], next(m for m in pane.mentions if m.entity_id != pane.mentions[0].entity_id)
    pane.setFocus()
    window.side_tabs.show_panel("outline")

    _put_cursor(pane, first.start + (first.end - first.start) // 2)
    qtbot.keyClick(pane, Qt.Key.Key_Return)
    assert window.xref.page == "entity" and window.xref.entity.id == first.entity_id
    assert window.side_tabs.currentWidget() is window.xref

    _put_cursor(pane, other.end)          # just after the name: still "on" it
    qtbot.keyClick(pane, Qt.Key.Key_Space)
    assert window.xref.entity.id == other.entity_id

    plain = next(o for body in pane.plan.blocks if body.mapped and body.text.strip()   # the first block can be all names
                 for o in range(body.doc_start, body.doc_start + len(body.text))
                 if pane.mention_at_offset(o) is None and (o == 0 or pane.mention_at_offset(o - 1) is None))
    _put_cursor(pane, plain)
    qtbot.keyClick(pane, Qt.Key.Key_Return)
    assert window.xref.entity.id == other.entity_id          # off an entity: nothing opens


def test_tab_reaches_the_text_before_the_legend(qtbot, warm_window):
    window = warm_window
    _activate(qtbot, window)
    window.doc_list.setFocus()
    qtbot.keyClick(window.doc_list, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is window.pane
    qtbot.keyClick(window.pane, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is list(window.legend.buttons.values())[0]


def test_f1_lists_the_shortcuts(qtbot, warm_window):
    window = warm_window
    _activate(qtbot, window)
    help_items = [a.text().replace("&", "") for a in window.menus["help"].actions() if not a.isSeparator()]
    assert help_items[0] == "Keyboard Shortcuts"
    qtbot.keyClick(window.pane, Qt.Key.Key_F1)
    dialog = window.keyboard_help.dialog
    qtbot.waitUntil(lambda: dialog is not None and dialog.isVisible())
    rows = dialog.rows()
    assert ("File", "Ctrl+O", "Import Files") in rows
    assert ("Edit", "Ctrl+,", "Preferences") in rows
    assert any(r[0] == "View ▸ Highlights" or r[0] == "View" for r in rows)
    assert ("Text", "Enter, Space", "Open the cross-references of the entity at the cursor") in rows
    assert any(r[2] == "Keyboard Shortcuts" and "F1" in r[1] for r in rows)
