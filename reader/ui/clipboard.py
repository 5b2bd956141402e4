"""What Copy puts on the clipboard: the document's own text, never what only the screen shows.

The pane shows a title and a meta line above the text and a bar over each folded repeat; a
selection across them, copied as the widget would, brings that screen text along (and the
hidden repeats). Here the selection becomes a document range and the copy is that slice of
the document's text. "Copy with Citation" adds where it comes from: title, source, date, URL.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QGuiApplication, QKeySequence

from reader.ui import palette

if TYPE_CHECKING:
    from reader.ui.main_window import MainWindow
    from reader.ui.reading import ReadingPane


def selected_document_text(pane: ReadingPane) -> str | None:
    """The document's own text under the selection; None when the selection holds none of it
    (only the title or a bar), or nothing is selected."""
    if pane.detail is None:
        return None
    found = pane.selection_document_range()
    if found is None or found[1] <= found[0]:
        return None
    return pane.detail.text[found[0]:found[1]]


def citation(detail) -> str:
    """One line saying where a text comes from: title, source, date, URL (those known)."""
    summary = detail.summary
    parts = [summary.title or summary.file_name, summary.source, palette.pretty_date(summary.date)]
    line = ", ".join(p for p in parts if p)
    if detail.urls:
        line += f". {detail.urls[0]}"
    return line


def with_citation(text: str, detail) -> str:
    return f"“{text.strip()}”\n— {citation(detail)}" if text.strip() else citation(detail)


def install(window: MainWindow) -> QAction:
    """Edit ▸ Copy with Citation (Ctrl+Shift+C), also in the reading pane's context menu."""
    pane = window.pane

    def copy_with_citation() -> None:
        if pane.detail is None:
            return
        text = with_citation(selected_document_text(pane) or "", pane.detail)
        QGuiApplication.clipboard().setText(text)
        window.statusBar().showMessage("Copied with its citation.", 3000)

    action = QAction("Copy with &Citation", window)
    action.setObjectName("copyWithCitation")
    action.setShortcut(QKeySequence("Ctrl+Shift+C"))
    action.setStatusTip("Copy the selection with the document's title, source, date and URL")
    action.triggered.connect(copy_with_citation)
    window.addAction(action)
    window.menus.add("edit", "clipboard", action)
    pane.contextMenuAboutToShow.connect(lambda menu, _point: add_after_copy(menu, action))
    return action


def add_after_copy(menu, action: QAction) -> None:
    """Put the action just after the menu's Copy (the standard one), else at the end."""
    actions = menu.actions()
    copy = next((i for i, a in enumerate(actions)
                 if a.objectName() == "edit-copy" or a.text().replace("&", "").split("\t")[0] == "Copy"), None)
    if copy is None or copy + 1 >= len(actions):
        menu.addAction(action)
    else:
        menu.insertAction(actions[copy + 1], action)
