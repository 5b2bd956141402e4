"""Ruby (furigana): the readings stored with a document (`DocumentDetail.ruby`, from Aozora Bunko
《》 and EPUB/HTML <rt>) drawn in small type over their base text. View ▸ Show Readings turns
them on and off (settings.ini `reading/ruby`).

QTextDocument has no ruby, and putting the readings into the text would change what is
selected, copied, searched and annotated. So the text stays as it is and a transparent layer
over the reading pane draws each reading centred above its base, in the space the line
spacing leaves between lines; only the readings on screen are laid out.

    RubyLayer(window)   # MainWindow.build_features
"""
from __future__ import annotations

import bisect

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, Qt
from PySide6.QtGui import QAction, QColor, QFont, QFontMetrics, QPainter, QTextCursor
from PySide6.QtWidgets import QWidget

from reader.ui import palette

SETTING = "reading/ruby"
SCALE = 0.5            # reading size against the text's


class RubyOverlay(QWidget):
    """Paints the readings over the pane's viewport; takes no mouse or keyboard input. A child of
    the pane laid over its viewport (a child of the viewport itself would scroll away with it)."""

    def __init__(self, pane) -> None:
        super().__init__(pane)
        self.pane = pane
        self.setObjectName("rubyOverlay")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._starts: list[int] = []
        self._detail = None
        pane.viewport().installEventFilter(self)
        # Qt repaints this layer with the text under it; these move the text without a repaint there.
        pane.verticalScrollBar().valueChanged.connect(lambda _v: self.update())
        pane.zoomChanged.connect(lambda _z: self.update())
        pane.documentShown.connect(lambda _d: self.update())
        self.setGeometry(pane.viewport().geometry())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.Resize, QEvent.Type.Move):
            self.setGeometry(self.pane.viewport().geometry())
        return False

    def _ruby(self) -> list:
        detail = self.pane.detail
        if detail is not self._detail:
            self._detail = detail
            self._starts = [r[0] for r in detail.ruby] if detail is not None else []
        return detail.ruby if detail is not None else []

    def _reading_font(self) -> QFont:
        font = QFont(self.pane.document().defaultFont())
        font.setPointSizeF(max(5.0, font.pointSizeF() * SCALE))
        return font

    def placed_readings(self) -> list[tuple[str, QRect, QRect]]:
        """(reading, where it is drawn, its base's rectangle) for the readings on screen."""
        ruby = self._ruby()
        pane, plan = self.pane, self.pane.plan
        if not ruby or plan is None:
            return []
        first = pane.top_offset() or 0
        metrics = QFontMetrics(self._reading_font())
        document = pane.document()
        placed = []
        for start, end, reading in ruby[max(0, bisect.bisect_left(self._starts, first) - 1):]:
            begin, finish = plan.to_pane(start), plan.to_pane(end)
            if begin is None or finish is None or not document.findBlock(begin).isVisible():
                continue
            cursor = QTextCursor(document)
            cursor.setPosition(begin)
            left = pane.cursorRect(cursor)
            if left.top() > self.height():
                break            # below the view: the rest are too
            cursor.setPosition(finish)
            right = pane.cursorRect(cursor)
            if right.top() != left.top():        # the base wraps: over its first line's part
                right = QRect(left.left() + metrics.horizontalAdvance("あ") * 2 * (end - start), left.top(), 1,
                              left.height())
            base = QRect(QPoint(left.left(), left.top()), QPoint(right.left(), left.bottom()))
            width = metrics.horizontalAdvance(reading)
            height = metrics.height()
            spot = QRect(base.center().x() - width // 2, base.top() - height + 2, width, height)
            placed.append((reading, spot, base))
        return placed

    def paintEvent(self, _event) -> None:
        placed = self.placed_readings()
        if not placed:
            return
        painter = QPainter(self)
        painter.setFont(self._reading_font())
        painter.setPen(QColor(palette.MUTED_INK[self.pane.dark]))
        for reading, spot, _base in placed:
            painter.drawText(spot, Qt.AlignmentFlag.AlignCenter, reading)
        painter.end()


class RubyLayer(QObject):
    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.overlay = RubyOverlay(window.pane)
        self.action = QAction("Show &Readings (Ruby)", window, checkable=True)
        self.action.setObjectName("actionRuby")
        self.action.setStatusTip("Furigana over the text, where the document has them")
        self.action.setChecked(window.settings.value(SETTING, True) not in (False, "false"))
        self.action.toggled.connect(self._toggled)
        window.addAction(self.action)
        window.menus.add("view", "highlights", self.action)
        window.documentOpened.connect(lambda _doc_id: self.overlay.update())
        self.overlay.setVisible(self.action.isChecked())

    def _toggled(self, on: bool) -> None:
        self.window.settings.setValue(SETTING, on)
        self.overlay.setVisible(on)
