"""The window's right-hand column: panels as tabs, each with a View-menu toggle.

`MainWindow` builds it and registers the cross-references; other features register theirs
(the Notes panel; later a timeline):

    panel = window.side_tabs.add_panel("notes", widget, "Notes", "Notes", shortcut="Ctrl+Shift+N")
    window.menus.add("view", "panels", panel.toggle)
    window.side_tabs.show_panel("notes")

The column hides itself when every panel is toggled off; toggling one on brings it forward.
"""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QTabWidget, QWidget


@dataclass
class SidePanel:
    key: str
    widget: QWidget
    toggle: QAction     # View ▸ <name>: shows or hides its tab


class SideTabs(QTabWidget):
    panelShown = Signal(str)     # a panel was asked for (turned on or brought forward): it needs room

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("rightTabs")
        self.setDocumentMode(True)
        self.setAccessibleName("Side panels")
        self.panels: dict[str, SidePanel] = {}

    def add_panel(self, key: str, widget: QWidget, title: str, toggle_text: str, shortcut: str = "",
                  tip: str = "") -> SidePanel:
        self.addTab(widget, title)
        toggle = QAction(toggle_text, self, checkable=True)
        toggle.setChecked(True)
        if shortcut:
            toggle.setShortcut(QKeySequence(shortcut))
        if tip:
            toggle.setStatusTip(tip)
        toggle.toggled.connect(lambda on, k=key: self._toggled(k, on))
        panel = self.panels[key] = SidePanel(key, widget, toggle)
        names = [p.toggle.text().replace("&", "") for p in self.panels.values()]
        self.setAccessibleName(" and ".join(names))
        self._update_visibility()
        return panel

    def _update_visibility(self) -> None:
        if self.parentWidget() is not None:   # not yet in the window: it would open as a window of its own
            self.setVisible(any(p.toggle.isChecked() for p in self.panels.values()))

    def _toggled(self, key: str, on: bool) -> None:
        panel = self.panels[key]
        self.setTabVisible(self.indexOf(panel.widget), on)
        self._update_visibility()
        if on:
            self.setCurrentWidget(panel.widget)
            self.panelShown.emit(key)

    def show_panel(self, key: str) -> None:
        """Bring a panel forward, turning it on if it was off."""
        panel = self.panels[key]
        if not panel.toggle.isChecked():
            panel.toggle.setChecked(True)
        self.setCurrentWidget(panel.widget)
        self.panelShown.emit(key)

    def current_key(self) -> str | None:
        return next((k for k, p in self.panels.items() if p.widget is self.currentWidget()), None)

    def set_title(self, key: str, title: str) -> None:
        self.setTabText(self.indexOf(self.panels[key].widget), title)
