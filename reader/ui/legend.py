"""The entity colour legend above the reading pane; each type can be switched off."""
from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QIcon, QPen, QTextCharFormat
from PySide6.QtWidgets import QLabel, QSizePolicy, QToolButton, QWidget

from reader.ui import palette
from reader.ui.flow_layout import FlowLayout

_PEN_STYLES = {
    QTextCharFormat.UnderlineStyle.SingleUnderline: Qt.PenStyle.SolidLine,
    QTextCharFormat.UnderlineStyle.DashUnderline: Qt.PenStyle.DashLine,
    QTextCharFormat.UnderlineStyle.DotLine: Qt.PenStyle.DotLine,
    QTextCharFormat.UnderlineStyle.DashDotLine: Qt.PenStyle.DashDotLine,
    QTextCharFormat.UnderlineStyle.DashDotDotLine: Qt.PenStyle.DashDotDotLine,
}


def swatch_icon(group: palette.EntityGroup, dark: bool, enabled: bool = True, size: int = 16) -> QIcon:
    """A small sample of the highlight: the fill with the group's underline under it."""
    pixmap, painter = palette.icon_canvas(size)
    fill = palette.fill(group, dark)
    if not enabled:
        fill.setAlphaF(0.25)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(fill)
    painter.drawRoundedRect(QRectF(1, 2, size - 2, size - 6), 3, 3)
    pen = QPen(palette.line(group, dark), 1.6)
    if group.underline == QTextCharFormat.UnderlineStyle.WaveUnderline:
        painter.setPen(pen)
        x, y, up = 1.0, size - 2.5, True
        while x < size - 1:
            painter.drawLine(QPointF(x, y), QPointF(x + 2, y - 1.5 if up else y + 1.5))
            y, up, x = (y - 1.5 if up else y + 1.5), not up, x + 2
    else:
        pen.setStyle(_PEN_STYLES.get(group.underline, Qt.PenStyle.SolidLine))
        painter.setPen(pen)
        painter.drawLine(QPointF(1, size - 2), QPointF(size - 1, size - 2))
    painter.end()
    return QIcon(pixmap)


class EntityLegend(QWidget):
    toggled = Signal(str, bool)   # group key, shown

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("entityLegend")
        self.setAccessibleName("Entity highlight legend")
        self.setAccessibleDescription("Entity types and their highlight colours; each button shows or hides one type")
        self.dark = False
        self.counts: dict[str, int] = {}
        layout = FlowLayout(self)   # wraps onto a second line in a narrow window, never cuts a toggle
        layout.setContentsMargins(10, 4, 10, 4)
        self.caption = QLabel("Highlight:")
        self.caption.setObjectName("legendCaption")
        layout.addWidget(self.caption)
        self.buttons: dict[str, QToolButton] = {}
        for group in palette.GROUPS:
            button = QToolButton(self)
            button.setObjectName(f"legend-{group.key}")
            button.setCheckable(True)
            button.setChecked(True)
            button.setAutoRaise(True)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            button.setIconSize(QSize(16, 16))
            button.setAccessibleName(f"Highlight {group.name}")
            button.toggled.connect(lambda on, key=group.key: self._on_toggled(key, on))
            self.buttons[group.key] = button
            layout.addWidget(button)
        self.note = QLabel("")
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        self.note.setObjectName("legendNote")
        self.note.setEnabled(False)
        layout.addWidget(self.note)
        # Never let the legend dictate the window's minimum width (buttons clip on very narrow windows).
        policy = QSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.setMinimumWidth(0)
        self._refresh()

    def _on_toggled(self, key: str, on: bool) -> None:
        self._refresh_button(key)
        self.toggled.emit(key, on)

    def set_dark(self, dark: bool) -> None:
        self.dark = dark
        self._refresh()

    def set_counts(self, counts: dict[str, int]) -> None:
        self.counts = dict(counts)
        self._refresh()

    def set_note(self, text: str) -> None:
        self.note.setText(text)

    def set_enabled_groups(self, keys: set[str]) -> None:
        for key, button in self.buttons.items():
            button.blockSignals(True)
            button.setChecked(key in keys)
            button.blockSignals(False)
        self._refresh()

    def enabled_groups(self) -> set[str]:
        return {key for key, button in self.buttons.items() if button.isChecked()}

    def _refresh(self) -> None:
        for key in self.buttons:
            self._refresh_button(key)

    def _refresh_button(self, key: str) -> None:
        group = palette.GROUP_BY_KEY[key]
        button = self.buttons[key]
        on = button.isChecked()
        count = self.counts.get(key, 0)
        button.setText(f"{group.name} {count}" if count else group.name)
        button.setIcon(swatch_icon(group, self.dark, on))
        labels = ", ".join(palette.label_name(label) for label in group.labels)
        state = "shown — click to hide" if on else "hidden — click to show"
        button.setToolTip(f"<b>{group.name}</b> ({labels}): {count} in this document, {state}")
        font = button.font()
        font.setStrikeOut(not on)
        button.setFont(font)
