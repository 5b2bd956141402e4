"""The window's named menus and their sections: where every menu command is defined.

`MainWindow` declares the menus and, in each, the sections in order (`MENUS`). A feature adds
its actions to a section by name; it never looks a menu up by its visible text, which changes
with the language:

    window.menus.add("file", "notes", act_export, act_export_json)
    window.menus.add("edit", "annotate", act_highlight, colours_menu.menuAction())

Sections are separated by separators; empty ones take no room (Qt collapses the separators).
"""
from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QMenuBar

# menu key → (title, sections in order)
MENUS: dict[str, tuple[str, tuple[str, ...]]] = {
    "file": ("&File", ("import", "recent", "remove", "index", "notes", "quit")),
    "edit": ("&Edit", ("undo", "clipboard", "annotate", "find", "search", "preferences")),
    "view": ("&View", ("zoom", "highlights", "panels")),
    "go": ("&Go", ("history", "documents", "focus")),
    "help": ("&Help", ("keys", "about")),
}


def key_sequences(*keys) -> list[QKeySequence]:
    """Shortcuts from standard keys (this platform's bindings, none where it has none) and
    strings, without repeats."""
    result: list[QKeySequence] = []
    for key in keys:
        found = QKeySequence.keyBindings(key) if isinstance(key, QKeySequence.StandardKey) else [QKeySequence(key)]
        result.extend(k for k in found if not k.isEmpty() and k not in result)
    return result


def window_action(window, text: str, slot, name: str, keys=(), tip: str = "") -> QAction:
    """A command of the window's: its keys work anywhere in the window (put it in a menu with `add`)."""
    action = QAction(text, window)
    action.setObjectName(name)
    if keys:
        action.setShortcuts(key_sequences(*keys))
    if tip:
        action.setStatusTip(tip)
    action.triggered.connect(lambda _checked=False: slot())
    window.addAction(action)
    return action


class Menus:
    """The menu bar's menus by key, each with named sections."""

    def __init__(self, bar: QMenuBar) -> None:
        self.menus: dict[str, QMenu] = {}
        self._ends: dict[tuple[str, str], QAction] = {}   # (menu, section) → the separator closing it
        for key, (title, sections) in MENUS.items():
            menu = bar.addMenu(title)
            menu.setObjectName(f"{key}Menu")
            menu.setSeparatorsCollapsible(True)
            self.menus[key] = menu
            for section in sections:
                self._ends[key, section] = menu.addSeparator()

    def __getitem__(self, key: str) -> QMenu:
        return self.menus[key]

    def add(self, menu: str, section: str, *actions: QAction) -> None:
        """Append actions to the end of a section."""
        end = self._ends[menu, section]
        for action in actions:
            self.menus[menu].insertAction(end, action)

    def add_menu(self, menu: str, section: str, title: str) -> QMenu:
        """A submenu at the end of a section."""
        sub = QMenu(title, self.menus[menu])
        self.add(menu, section, sub.menuAction())
        return sub
