"""Small view classes shared by the panels."""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (QAbstractItemView, QFrame, QLabel, QLayout, QLineEdit, QListView, QToolButton,
                               QVBoxLayout, QWidget)

from reader.ui.delegates import HtmlDelegate
from reader.ui.models import KindRole


if TYPE_CHECKING:
    from PySide6.QtCore import SignalInstance

    _ItemView = QAbstractItemView
else:
    _ItemView = object   # a mixin: the Qt view class comes after it in the bases


class ChoosesRows(_ItemView):
    """For an item view with a `chosen` signal: a row is chosen by a click or Enter (once,
    whatever the style's activation rules)."""

    if TYPE_CHECKING:
        chosen: SignalInstance

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.chosen.emit(self.currentIndex())
            return
        super().keyPressEvent(event)

    def mouseReleaseEvent(self, event) -> None:
        super().mouseReleaseEvent(event)
        if event.button() == Qt.MouseButton.LeftButton:
            index = self.indexAt(event.position().toPoint())
            if index.isValid():
                self.chosen.emit(index)


def column(parent: QWidget, *items: QWidget | QLayout) -> QVBoxLayout:
    """`parent`'s layout: `items` stacked edge to edge, the last one taking the spare height."""
    layout = QVBoxLayout(parent)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(0)
    for n, item in enumerate(items):
        stretch = 1 if n == len(items) - 1 else 0
        if isinstance(item, QLayout):
            layout.addLayout(item, stretch)
        else:
            layout.addWidget(item, stretch)
    return layout


class ResultList(ChoosesRows, QListView):
    """A list whose rows are "chosen" by a click or Enter, with rich-text rows."""

    chosen = Signal(QModelIndex)

    def __init__(self, object_name: str, accessible_name: str, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self.setAccessibleName(accessible_name)
        self.setItemDelegate(HtmlDelegate(self))
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setWordWrap(True)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setMouseTracking(True)

    def mouseMoveEvent(self, event) -> None:
        super().mouseMoveEvent(event)
        index = self.indexAt(event.position().toPoint())
        self.viewport().setCursor(Qt.CursorShape.PointingHandCursor if index.isValid()
                                  else Qt.CursorShape.ArrowCursor)

    def move_current(self, step: int) -> None:
        """Arrow keys forwarded from a search box."""
        model = self.model()
        if model is None or model.rowCount() == 0:
            return
        row = self.currentIndex().row() if self.currentIndex().isValid() else -1
        row = max(0, min(model.rowCount() - 1, row + step))
        while 0 <= row < model.rowCount() and model.index(row, 0).data(KindRole) == "header":
            row += 1 if step >= 0 else -1
        if 0 <= row < model.rowCount():
            self.setCurrentIndex(model.index(row, 0))


def plain_label(text: str = "") -> QLabel:
    """A label that shows its text as written: a query or a file name holding HTML is not
    rendered (a QLabel's default guesses rich text from the text itself)."""
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


def plain_message(text: str) -> str:
    """Text for a QMessageBox (which also guesses rich text) that shows exactly as written."""
    from PySide6.QtGui import Qt as QtGui

    return QtGui.convertFromPlainText(text, QtGui.WhiteSpaceMode.WhiteSpaceNormal)


def section_label(text: str, object_name: str = "") -> QLabel:
    label = plain_label(text)
    label.setProperty("role", "section")
    if object_name:
        label.setObjectName(object_name)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 0.85)
    font.setWeight(font.Weight.Bold)
    font.setCapitalization(font.Capitalization.AllUppercase)
    font.setLetterSpacing(font.SpacingType.PercentageSpacing, 106)
    label.setFont(font)
    label.setContentsMargins(12, 10, 12, 4)
    return label


def tool_button(text: str, name: str = "", tip: str = "", auto_raise: bool = False) -> QToolButton:
    """A text tool button; the tip is also its accessible name."""
    button = QToolButton()
    button.setText(text)
    if name:
        button.setObjectName(name)
    if tip:
        button.setToolTip(tip)
        button.setAccessibleName(tip)
    button.setAutoRaise(auto_raise)
    return button


def text_field(name: str, accessible_name: str, placeholder: str) -> QLineEdit:
    """A one-line text field with a clear button."""
    field = QLineEdit()
    field.setObjectName(name)
    field.setAccessibleName(accessible_name)
    field.setPlaceholderText(placeholder)
    field.setClearButtonEnabled(True)
    return field
