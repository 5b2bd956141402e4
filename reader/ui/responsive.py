"""Side panels give way in a small window, so the text keeps a readable measure.

When the window is too narrow for the document list, the text at a readable width and the
right-hand panels together, the right-hand column folds away first, then the document list;
they come back, at the width they had, when the window grows again. A panel the user asks
for (an entity clicked, View ▸ Cross-references) is given room by folding the other side
instead. Folded panels are only collapsed in the splitter: their View toggles stay as the
user set them, and dragging the splitter's edge opens them too.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QFontInfo

if TYPE_CHECKING:
    from reader.ui.main_window import MainWindow

MIN_TEXT_EM = 28                  # the narrowest text column worth reading, in ems of the reading font
LEFT, CENTRE, RIGHT = 0, 1, 2
DEFAULT_WIDTHS = {LEFT: 300, RIGHT: 360}


class PanelsGiveWay(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.splitter = splitter = window.splitter
        sizes = splitter.sizes()
        self.wanted = {side: sizes[side] if sizes[side] > 0 else DEFAULT_WIDTHS[side] for side in (LEFT, RIGHT)}
        self.yield_order = (RIGHT, LEFT)   # which side folds first
        self.folded: set[int] = set()
        for side in (LEFT, RIGHT):
            splitter.setCollapsible(side, True)
            # A panel's own minimum (the timeline's controls ask for 600 px) must not set the
            # window's: the splitter would add it up even while the panel is folded away.
            widget = splitter.widget(side)
            if widget is not None:
                widget.setMinimumWidth(1)
        splitter.splitterMoved.connect(self._user_moved)
        splitter.installEventFilter(self)
        window.side_tabs.panelShown.connect(lambda _key: self._wanted_side(RIGHT))
        window.act_show_list.toggled.connect(self._list_toggled)
        self._timer = QTimer(self, singleShot=True, interval=0)
        self._timer.timeout.connect(self.fit)

    def text_minimum(self) -> int:
        pane = self.window.pane
        em = QFontInfo(pane.document().defaultFont()).pixelSize() or 16
        return int(MIN_TEXT_EM * em + 2 * pane.document().documentMargin() + pane.verticalScrollBar().sizeHint().width())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.splitter and event.type() == QEvent.Type.Resize:
            self._timer.start()
        return False

    def _open_sides(self) -> list[int]:
        """The sides the user has on (View menu): only those can take room."""
        return [side for side in (LEFT, RIGHT) if (widget := self.splitter.widget(side)) is not None
                and not widget.isHidden()]

    def fit(self) -> None:
        total = self.splitter.width() - self.splitter.handleWidth() * 2
        keep = self._open_sides()
        for side in self.yield_order:
            if total - sum(self.wanted[s] for s in keep) >= self.text_minimum():
                break
            if side in keep:
                keep.remove(side)
        self.folded = {side for side in self._open_sides() if side not in keep}
        sizes = [self.wanted[LEFT] if LEFT in keep else 0, 0, self.wanted[RIGHT] if RIGHT in keep else 0]
        sizes[CENTRE] = max(0, total - sizes[LEFT] - sizes[RIGHT])
        if sizes != self.splitter.sizes():
            self.splitter.setSizes(sizes)

    def _list_toggled(self, on: bool) -> None:
        if on:
            self._wanted_side(LEFT)

    def _wanted_side(self, side: int) -> None:
        """The user asked for one side's panel: the other side gives way first from now on."""
        self.yield_order = (LEFT, RIGHT) if side == RIGHT else (RIGHT, LEFT)
        if side in self.folded or self.splitter.sizes()[side] == 0:
            self.fit()

    def _user_moved(self, _pos: int, _index: int) -> None:
        sizes = self.splitter.sizes()
        for side in (LEFT, RIGHT):
            if sizes[side] > 0:
                self.wanted[side] = sizes[side]
                self.folded.discard(side)
