"""Keeping the document list where the user left it while rows come and go."""
from __future__ import annotations

from PySide6.QtCore import QPoint

from reader.ui.models import DocIdRole


class ListPlace:
    """The document at the top of the list's viewport and its position, to restore after rows
    are inserted above it (a list at the very top stays at the top)."""

    def __init__(self, window, doc_id: int | None, top: int) -> None:
        self.window, self.doc_id, self.top = window, doc_id, top

    @classmethod
    def save(cls, window) -> "ListPlace":
        view = window.doc_list
        if view.verticalScrollBar().value() <= 0:
            return cls(window, None, 0)
        index = view.indexAt(QPoint(4, 1))
        if not index.isValid():
            return cls(window, None, 0)
        return cls(window, index.data(DocIdRole), view.visualRect(index).top())

    def restore(self) -> None:
        if self.doc_id is None:
            return
        window = self.window
        row = window.doc_model.row_of(self.doc_id)
        if row is None:
            return
        index = window.doc_proxy.mapFromSource(window.doc_model.index(row))
        if not index.isValid():
            return
        view = window.doc_list
        view.doItemsLayout()
        bar = view.verticalScrollBar()
        bar.setValue(bar.value() + view.visualRect(index).top() - self.top)
