"""Keyboard: Help ▸ Keyboard Shortcuts (F1) and the window's Tab order.

    KeyboardHelp(window)   # MainWindow.build_features, after the other features

The list is read from the menus themselves (every command with its keys, under its menu), so
it always says what the keys do now, plus the keys that belong to no menu command.
Tab goes from the document list to the text, then to the legend's toggles.
"""
from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (QAbstractItemView, QDialog, QDialogButtonBox, QHeaderView, QMenu, QTableWidget,
                               QTableWidgetItem, QVBoxLayout, QWidget)

from reader.ui.menus import window_action

# Keys that are no menu command: (where, keys, what they do)
OTHER_KEYS = (
    ("Text", "Enter, Space", "Open the cross-references of the entity at the cursor"),
    ("Text", "Arrow keys, Shift+arrows", "Move the cursor, select"),
    ("Search box", "↑ ↓, Page Up/Down", "Move through the results"),
    ("Search box", "Enter", "Open the selected result"),
    ("Search box", "Esc", "Clear the search; again: back to the text"),
    ("Document list", "Delete", "Remove the selected document from the library"),
    ("Mouse", "Back / Forward buttons", "Go back / forward"),
)


def menu_shortcuts(menu: QMenu, path: str = "") -> list[tuple[str, str, str]]:
    """(menu path, keys, command) for every command with keys in a menu and its submenus."""
    rows = []
    here = f"{path} ▸ {menu.title().replace('&', '')}" if path else menu.title().replace("&", "")
    for action in menu.actions():
        submenu = action.menu()
        if isinstance(submenu, QMenu):
            rows += menu_shortcuts(submenu, here)
        elif not action.isSeparator() and action.shortcuts():
            keys = ", ".join(k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts())
            rows.append((here, keys, action.text().replace("&&", "\0").replace("&", "").replace("\0", "&")
                         .rstrip("…").strip()))
    return rows


class ShortcutsDialog(QDialog):
    def __init__(self, rows: list[tuple[str, str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shortcutsDialog")
        self.setWindowTitle("Keyboard Shortcuts")
        self.table = QTableWidget(len(rows), 3)
        self.table.setObjectName("shortcutsTable")
        self.table.setHorizontalHeaderLabels(["Where", "Keys", "What it does"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        for row, values in enumerate(rows):
            for column, value in enumerate(values):
                self.table.setItem(row, column, QTableWidgetItem(value))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(680, 560)

    def rows(self) -> list[tuple[str, str, str]]:
        def text(row: int, column: int) -> str:
            item = self.table.item(row, column)
            return item.text() if item is not None else ""

        return [(text(r, 0), text(r, 1), text(r, 2)) for r in range(self.table.rowCount())]


class KeyboardHelp(QObject):
    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.dialog: ShortcutsDialog | None = None
        self.action = window_action(window, "&Keyboard Shortcuts", self.show, "actionShortcuts",
                                    (QKeySequence.StandardKey.HelpContents, "F1"))
        window.menus.add("help", "keys", self.action)
        self._set_tab_order()

    def rows(self) -> list[tuple[str, str, str]]:
        rows = []
        for key in ("file", "edit", "view", "go", "help"):
            rows += menu_shortcuts(self.window.menus[key])
        return rows + list(OTHER_KEYS)

    def show(self) -> None:
        if self.dialog is not None:
            self.dialog.close()
        self.dialog = ShortcutsDialog(self.rows(), self.window)
        self.dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog.destroyed.connect(lambda: setattr(self, "dialog", None))
        self.dialog.open()

    def _set_tab_order(self) -> None:
        """The list, then the text, then the legend's toggles (they sit above the text)."""
        w = self.window
        chain = [w.doc_list, w.pane, *w.legend.buttons.values()]
        for first, second in zip(chain, chain[1:]):
            QWidget.setTabOrder(first, second)
