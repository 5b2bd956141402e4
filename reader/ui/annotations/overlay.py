"""Annotations drawn over the reading pane: the mini-toolbar by the selection, and the overlay that
paints each highlight's edge, the ✎ badges of notes and the outline of the selected highlight."""
from __future__ import annotations

from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QFrame, QHBoxLayout, QToolButton, QWidget

from reader.annotations.model import COLOURS
from reader.ui import palette
from reader.ui.compat import top_up
from reader.ui.palette import COLOUR_LABELS, colour_icon, edge_colour
from reader.ui.views import tool_button

if TYPE_CHECKING:
    from reader.ui.annotations.controller import AnnotationsController

class SelectionToolbar(QFrame):
    """The small toolbar by the selection: a colour to highlight in, a note, tags; for a highlight
    that was clicked, its colour, note and Delete."""

    def __init__(self, pane) -> None:
        super().__init__(pane)
        self.setObjectName("annotationToolbar")
        self.setAccessibleName("Annotate selection")
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setAutoFillBackground(False)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.editing: str | None = None   # uuid of the highlight shown, None for a new selection
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 3, 6, 3)
        layout.setSpacing(1)
        self.colour_buttons: dict[str, QToolButton] = {}
        for colour in COLOURS:
            button = QToolButton()
            button.setObjectName(f"highlight-{colour}")
            button.setAutoRaise(True)
            button.setIconSize(QSize(18, 18))
            button.setAccessibleName(f"Highlight {COLOUR_LABELS[colour].lower()}")
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            layout.addWidget(button)
            self.colour_buttons[colour] = button
        rule = QFrame()
        rule.setFrameShape(QFrame.Shape.VLine)
        rule.setObjectName("annotationToolbarRule")
        layout.addSpacing(3)
        layout.addWidget(rule)
        layout.addSpacing(3)
        self.note_button = self._text_button("✎ Note", "annotateNote", "Write a note (N)")
        self.tags_button = self._text_button("# Tags", "annotateTags", "Add tags")
        self.delete_button = self._text_button("Delete", "annotateDelete", "Delete this highlight")
        for button in (self.note_button, self.tags_button, self.delete_button):
            layout.addWidget(button)
        self.set_dark(False)
        self.hide()

    @staticmethod
    def _text_button(text: str, name: str, tip: str) -> QToolButton:
        button = tool_button(text, name, tip, auto_raise=True)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        return button

    def set_dark(self, dark: bool) -> None:
        self.dark = dark
        background, border = ("#2F3035", "rgba(255,255,255,0.16)") if dark else ("#FFFFFF", "rgba(0,0,0,0.16)")
        self.setStyleSheet(
            f"QFrame#annotationToolbar {{ background: {background}; border: 1px solid {border}; border-radius: 9px; }}"
            f"QFrame#annotationToolbarRule {{ color: {border}; }}"
            f"QToolButton {{ padding: 2px 5px; border-radius: 5px; }}")
        self.set_mode(self.editing, None)

    def set_mode(self, editing: str | None, colour: str | None, last: str | None = None) -> None:
        """A new selection (editing None: `last` is the colour H uses) or the highlight `editing`."""
        self.editing = editing
        for name, button in self.colour_buttons.items():
            current = name == colour if editing else name == last
            button.setIcon(colour_icon(name, self.dark, 18, ring=current))
            verb = "Make it" if editing else "Highlight"
            key = " (H)" if not editing and name == last else ""
            button.setToolTip(f"{verb} {COLOUR_LABELS[name].lower()}{key}")
        self.note_button.setText("✎ Note")
        self.note_button.setToolTip("Edit the note (N)" if editing else "Highlight and write a note (N)")
        self.tags_button.setToolTip("Edit the tags" if editing else "Highlight and add tags")
        self.delete_button.setVisible(editing is not None)
        self.adjustSize()

    def place(self, first: QRect, last: QRect, bounds: QRect) -> None:
        """Above the first line of the selection (below its last line if there is no room), inside `bounds`."""
        self.adjustSize()
        size = self.sizeHint()
        centre = (first.left() + last.right()) // 2 if first.top() == last.top() else first.left() + size.width() // 2
        x = max(bounds.left() + 4, min(centre - size.width() // 2, bounds.right() - size.width() - 4))
        y = first.top() - size.height() - 8
        if y < bounds.top() + 2:
            y = last.bottom() + 8
        y = max(bounds.top() + 2, min(y, bounds.bottom() - size.height() - 2))
        self.setGeometry(x, y, size.width(), size.height())
        self.show()
        self.raise_()


class HighlightOverlay(QWidget):
    """Paints over the reading pane: an edge under each highlight, a ✎ badge in the margin beside
    highlights with a note, and an outline around the selected highlight. Mouse events pass through."""

    def __init__(self, controller: "AnnotationsController", pane) -> None:
        super().__init__(pane)
        self.controller = controller
        self.pane = pane
        self.setObjectName("highlightOverlay")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.badges: list[tuple[QRectF, str]] = []   # where the last paint put note badges (for tests)

    def sync_geometry(self) -> None:
        viewport = self.pane.viewport().geometry()
        self.setGeometry(0, viewport.top(), viewport.right() + 1, viewport.height())
        self.raise_()
        self.controller.toolbar.raise_()

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        try:
            self._paint(painter)
        finally:
            painter.end()
            top_up()

    def line_rects(self, start: int, end: int) -> list[QRectF]:
        """The rectangles (overlay coordinates) a document range covers, line by line, where visible."""
        pane = self.pane
        plan = pane.plan
        if plan is None:
            return []
        doc = pane.document()
        layout = doc.documentLayout()
        viewport = pane.viewport().geometry()
        dx = viewport.left() - pane.horizontalScrollBar().value()
        dy = -pane.verticalScrollBar().value()
        top, bottom = pane.verticalScrollBar().value() - 40, pane.verticalScrollBar().value() + viewport.height() + 40
        rects = []
        for index, ps, pe in plan.pane_ranges(start, end):
            block = doc.findBlockByNumber(index)
            if not block.isValid() or not block.isVisible():
                continue
            box = layout.blockBoundingRect(block)
            if box.bottom() < top or box.top() > bottom:
                continue
            text_layout = block.layout()
            lo_rel, hi_rel = ps - block.position(), pe - block.position()
            for i in range(text_layout.lineCount()):
                line = text_layout.lineAt(i)
                line_start = line.textStart()
                line_end = line_start + line.textLength()
                lo, hi = max(lo_rel, line_start), min(hi_rel, line_end)
                if lo >= hi:
                    continue
                x1, x2 = line.cursorToX(lo)[0], line.cursorToX(hi)[0]
                rects.append(QRectF(box.left() + min(x1, x2) + dx, box.top() + line.y() + dy, abs(x2 - x1),
                                    line.height()))
        return rects

    def _paint(self, painter: QPainter) -> None:
        self.badges = []
        notes = self.controller.current_notes()
        if not notes or self.pane.plan is None:
            return
        dark = self.pane.dark
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        viewport = self.pane.viewport().geometry()
        painter.setClipRect(QRectF(0, 0, viewport.right() + 1, self.height()))
        badge_font = QFont(self.font())
        badge_font.setPointSizeF(max(7.0, badge_font.pointSizeF() * 0.85))
        badge_rows: dict[int, int] = {}
        active = self.controller.active
        for a in notes:   # the current notes: anchored, so with offsets
            rects = self.line_rects(cast(int, a.cur_start), cast(int, a.cur_end))
            if not rects:
                continue
            edge = edge_colour(a.colour, dark)
            pen = QPen(edge, 2.0)
            pen.setCapStyle(Qt.PenCapStyle.FlatCap)
            painter.setPen(pen)
            for rect in rects:
                y = rect.bottom() + 0.5
                painter.drawLine(QRectF(rect.left(), y, rect.width(), 0).topLeft(),
                                 QRectF(rect.left(), y, rect.width(), 0).topRight())
            if a.uuid == active:
                outline = QPen(QColor(palette.INK[dark]), 1.3)
                outline.setStyle(Qt.PenStyle.DashLine)
                painter.setPen(outline)
                painter.setBrush(Qt.BrushStyle.NoBrush)
                for rect in rects:
                    painter.drawRoundedRect(rect.adjusted(-2.5, -2.5, 2.5, 3.5), 3, 3)
            if a.note.strip():
                first = rects[0]
                row = int(first.top())
                stacked = badge_rows.get(row, 0)
                badge_rows[row] = stacked + 1
                size = 17.0
                x = viewport.left() - size - 6 - stacked * 5
                badge = QRectF(x, first.center().y() - size / 2, size, size)
                path = QPainterPath()
                path.addRoundedRect(badge, 4, 4)
                painter.setPen(Qt.PenStyle.NoPen)
                painter.fillPath(path, edge)
                painter.setPen(QColor("#1D1D1F" if dark else "#FFFFFF"))
                painter.setFont(badge_font)
                painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, "✎")
                self.badges.append((badge, a.uuid))
