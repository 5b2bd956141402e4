"""Long texts: the Outline side tab, the reading progress in the status bar, and the position
remembered per document.

    ReadingAids(window)   # MainWindow.build_features

The outline is found in the text (`reader.queries.outline`); a click scrolls the heading to
the top and the heading being read is marked as the text scrolls. The progress is how far
down the text the view is (the end of the text shown: 100 %). The place read in each document
is kept in settings.ini (`positions/<document key>`) and a document opened from the list,
Open Recent or Next/Previous Document opens there again (a search result or a link still
opens at its own place).
"""
from __future__ import annotations

import bisect

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QStackedWidget, QVBoxLayout, QWidget

from reader.queries.outline import OutlineEntry, document_outline
from reader.ui.views import plain_label

POSITIONS_GROUP = "positions"
OffsetRole = Qt.ItemDataRole.UserRole + 1


class OutlinePanel(QWidget):
    headingChosen = Signal(int)   # document offset

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("outlinePanel")
        self.list = QListWidget()
        self.list.setObjectName("outlineList")
        self.list.setAccessibleName("Outline")
        self.list.setFrameShape(QListWidget.Shape.NoFrame)
        self.list.setWordWrap(True)
        self.list.setStyleSheet("QListWidget#outlineList::item { padding: 3px 12px; }")
        self.list.itemActivated.connect(self._chosen)
        self.list.itemClicked.connect(self._chosen)
        self.empty = plain_label("This document has no headings.")
        self.empty.setObjectName("outlineEmpty")
        self.empty.setWordWrap(True)
        self.empty.setContentsMargins(14, 14, 14, 14)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.list)
        self.stack.addWidget(self.empty)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)
        self.starts: list[int] = []

    def set_entries(self, entries: list[OutlineEntry]) -> None:
        self.list.clear()
        for entry in entries:
            item = QListWidgetItem(("    " * (entry.level - 1)) + entry.title)
            item.setData(OffsetRole, entry.start)
            item.setToolTip(entry.title)
            self.list.addItem(item)
        self.starts = [e.start for e in entries]
        self.stack.setCurrentWidget(self.list if entries else self.empty)

    def titles(self) -> list[str]:
        return [self.list.item(i).text().strip() for i in range(self.list.count())]

    def mark_reading(self, offset: int | None) -> None:
        """Select the heading of the section the view's top is in."""
        row = bisect.bisect_right(self.starts, offset) - 1 if offset is not None else -1
        if row != self.list.currentRow():
            self.list.blockSignals(True)
            self.list.setCurrentRow(row)
            self.list.blockSignals(False)

    def _chosen(self, item: QListWidgetItem) -> None:
        self.headingChosen.emit(int(item.data(OffsetRole)))


class ReadingPositions:
    """The place read in each document, by document key (settings.ini `positions/`). Scrolling
    only updates memory; `flush` writes (on opening another document and on closing), so the
    settings file is not rewritten while the text scrolls."""

    def __init__(self, settings) -> None:
        self.settings = settings
        self.pending: dict[str, int | None] = {}

    def recall(self, key: str) -> int | None:
        if key in self.pending:
            return self.pending[key]
        value = self.settings.value(f"{POSITIONS_GROUP}/{key}")
        try:
            return int(str(value)) if value is not None else None
        except ValueError:   # a hand-edited file
            return None

    def remember(self, key: str, offset: int | None) -> None:
        self.pending[key] = offset or None

    def flush(self) -> None:
        for key, offset in self.pending.items():
            name = f"{POSITIONS_GROUP}/{key}"
            if offset:
                self.settings.setValue(name, offset)
            else:   # the top: nothing to remember
                self.settings.remove(name)
        self.pending.clear()


def progress_percent(value: int, maximum: int) -> int:
    """How far down the text the view is: 100 when the end is shown (or all fits)."""
    return 100 if maximum <= 0 else round(100 * value / maximum)


class ReadingAids(QObject):
    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.panel = OutlinePanel()
        self.panel.headingChosen.connect(self._go_to)
        side = window.side_tabs.add_panel("outline", self.panel, "Outline", "&Outline",
                                          tip="Headings and chapters of the document")
        window.menus.add("view", "panels", side.toggle)
        self.progress = plain_label()
        self.progress.setObjectName("readingProgress")
        self.progress.setAccessibleName("Reading progress")
        self.progress.setToolTip("How far down the document you are")
        self.progress.setContentsMargins(6, 0, 6, 0)
        window.statusBar().addPermanentWidget(self.progress)
        self.positions = ReadingPositions(window.settings)
        window.position_memory = self.positions
        self._shown_id: int | None = None
        window.documentOpened.connect(self._document_opened)
        window.documentOpened.connect(lambda _doc_id: self.positions.flush())
        window.closing.connect(self.positions.flush)
        window.pane.verticalScrollBar().valueChanged.connect(lambda _v: self._scrolled())
        window.pane.verticalScrollBar().rangeChanged.connect(lambda _lo, _hi: self._scrolled())
        if window.current is not None:
            self._document_opened(window.current.summary.id)

    def _document_opened(self, doc_id: int) -> None:
        current = self.window.current
        if current is None:
            return
        if doc_id != self._shown_id or self.window.pane.detail is not current:
            self._shown_id = doc_id
            self.panel.set_entries(document_outline(current))
        self._scrolled()

    def _scrolled(self) -> None:
        pane = self.window.pane
        if pane.detail is None:
            self.progress.clear()
            return
        bar = pane.verticalScrollBar()
        self.progress.setText(f"{progress_percent(bar.value(), bar.maximum())} %")
        offset = pane.top_offset()
        self.panel.mark_reading(offset)
        self.positions.remember(pane.detail.summary.key, offset)

    def _go_to(self, offset: int) -> None:
        self.window.open_document(self.window.current.summary.id, offset=offset, align_top=True)
        self.window.pane.setFocus(Qt.FocusReason.OtherFocusReason)
