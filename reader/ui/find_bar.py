"""Find in the open document (Ctrl+F): a bar under the reading pane; matches highlighted, next and
previous, a count."""
from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QColor, QKeySequence
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from reader.ui import palette
from reader.ui.reading import ReadingPane
from reader.ui.views import text_field, tool_button


def _keys(key: QKeySequence.StandardKey) -> str:
    return QKeySequence(key).toString(QKeySequence.SequenceFormat.NativeText)


class FindBar(QWidget):
    """Find in the open document: matches highlighted, next/previous, a count."""

    def __init__(self, pane: ReadingPane, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("findBar")
        self.pane = pane
        self.matches: list[tuple[int, int]] = []
        self.current = -1
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 4, 10, 4)
        layout.setSpacing(6)
        label = QLabel("Find:")
        self.field = text_field("findField", "Find in document", "Find in this document")
        self.field.setMaximumWidth(320)
        label.setBuddy(self.field)
        self.previous_button = tool_button("▲", "findPrevious")
        self.previous_button.setToolTip(f"Previous match ({_keys(QKeySequence.StandardKey.FindPrevious)})")
        self.previous_button.setAccessibleName("Previous match")
        self.next_button = tool_button("▼", "findNext")
        self.next_button.setToolTip(f"Next match ({_keys(QKeySequence.StandardKey.FindNext)})")
        self.next_button.setAccessibleName("Next match")
        self.count_label = QLabel("")
        self.count_label.setTextFormat(Qt.TextFormat.PlainText)
        self.count_label.setObjectName("findCount")
        self.count_label.setMinimumWidth(90)
        close = tool_button("✕", auto_raise=True)
        close.setToolTip("Close (Esc)")
        close.setAccessibleName("Close find bar")
        for widget in (label, self.field, self.previous_button, self.next_button, self.count_label):
            layout.addWidget(widget)
        layout.addStretch(1)
        layout.addWidget(close)
        self.field.installEventFilter(self)
        self.field.textChanged.connect(self.update_matches)
        self.next_button.clicked.connect(self.next)
        self.previous_button.clicked.connect(self.previous)
        close.clicked.connect(self.close_bar)
        self.hide()

    def open(self) -> None:
        self.show()
        selected = self.pane.textCursor().selectedText()
        if selected and "\u2029" not in selected:
            self.field.setText(selected)
        self.field.setFocus()
        self.field.selectAll()
        self.update_matches()

    def close_bar(self) -> None:
        self.hide()
        self.pane.set_layer("find", [])
        self.pane.setFocus()

    def eventFilter(self, watched, event) -> bool:
        if watched is self.field and event.type() == QEvent.Type.KeyPress:
            if event.key() == Qt.Key.Key_Escape:
                self.close_bar()
                return True
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
                    self.previous()
                else:
                    self.next()
                return True
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.close_bar()
            return
        super().keyPressEvent(event)

    def update_matches(self) -> None:
        self.matches = self.pane.find_all(self.field.text())
        if not self.matches:
            self.current = -1
        else:
            # The first match at or after the top of the view.
            top = self.pane.top_offset() or 0
            self.current = next((i for i, (s, _e) in enumerate(self.matches) if s >= top), 0)
        self._show()

    def _show(self, scroll: bool = True) -> None:
        if not self.field.text():
            self.count_label.setText("")
        elif not self.matches:
            self.count_label.setText("No matches")
        else:
            self.count_label.setText(f"{self.current + 1} of {len(self.matches)}")
        self.pane.set_layer("find", self.matches[:5000], QColor(palette.FIND_ALL[self.pane.dark]), self.current,
                            QColor(palette.FIND_CURRENT[self.pane.dark]))
        if scroll and self.current >= 0:
            self.pane.scroll_to_offset(self.matches[self.current][0])
        self.previous_button.setEnabled(bool(self.matches))
        self.next_button.setEnabled(bool(self.matches))

    def next(self) -> None:
        if not self.isVisible():
            self.open()
            return
        if self.matches:
            self.current = (self.current + 1) % len(self.matches)
            self._show()

    def previous(self) -> None:
        if not self.isVisible():
            self.open()
            return
        if self.matches:
            self.current = (self.current - 1) % len(self.matches)
            self._show()

    def refresh(self) -> None:
        """After another document opened."""
        if self.isVisible():
            self.update_matches()
