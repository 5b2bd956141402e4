"""The Timeline panel: dated events across the documents, in date order, grouped by period.

A tab of the right-hand column (registered by `reader.ui.story`). Events come from
`reader.queries.story.timeline` through the panel read thread (`reader.ui.reads`); the panel
reloads when the library changes and only while it is shown. Filters: one entity (an entity
card's "Timeline" button), one document. Zoom groups the events by year, month or day; an event
whose date is coarser than the zoom (a year, "2025年3月下旬") stays in the finest period that holds
all of it. A relative date resolved without the document's published date is marked uncertain.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass, field

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QFrame, QHBoxLayout, QTreeView, QWidget)

from reader.ui.delegates import HtmlDelegate
from reader.ui.models import HtmlRole, KindRole, PayloadRole, esc, html_to_text, marked
from reader.ui.views import ChoosesRows, column, plain_label, tool_button

MAX_EVENTS = 2000          # events shown at once; the filters narrow a larger timeline
ZOOMS = {"year": "By year", "month": "By month", "day": "By day"}
_PREFIX = {"year": 4, "month": 7, "day": 10}   # ISO prefix length of a period at each level
ANCHOR_TEXT = {"imported": "the day the document was imported", "text": "the latest date written in the document"}

_Index = QModelIndex | QPersistentModelIndex


def period_of(date_from: str, date_to: str, zoom: str) -> str:
    """The period an event is grouped under: the finest level, no finer than `zoom`, at which
    its whole span falls in one period ("2025-03" for 2025-03-21/2025-03-31 at day zoom);
    a span across years is its own period ("1960/1969")."""
    for level in ("day", "month", "year")[("day", "month", "year").index(zoom):]:
        n = _PREFIX[level]
        if date_from[:n] == date_to[:n]:
            return date_from[:n]
    return f"{date_from[:4]}/{date_to[:4]}"


def period_label(period: str) -> str:
    if "/" in period:
        first, last = period.split("/")
        return f"{first}–{last}"
    parts = period.split("-")
    if len(parts) == 1:
        return period
    month = calendar.month_name[int(parts[1])]
    return f"{month} {parts[0]}" if len(parts) == 2 else f"{int(parts[2])} {month} {parts[0]}"


def range_label(first: str, last: str) -> str:
    """"21–31 March 2025", "September–December 2022", "1960–1969" (whole months and years as such)."""
    (y1, m1, d1), (y2, m2, d2) = ([int(x) for x in first.split("-")], [int(x) for x in last.split("-")])
    whole_months = d1 == 1 and d2 == calendar.monthrange(y2, m2)[1]
    if whole_months and m1 == 1 and m2 == 12:
        return str(y1) if y1 == y2 else f"{y1}–{y2}"
    if whole_months and y1 == y2:
        return f"{calendar.month_name[m1]}–{calendar.month_name[m2]} {y1}"
    if (y1, m1) == (y2, m2):
        return f"{d1}–{d2} {calendar.month_name[m1]} {y1}"
    return f"{period_label(first)} – {period_label(last)}"


def event_date_label(event) -> str:
    if event.precision == "range":
        return range_label(event.date_from, event.date_to)
    return period_label(event.date_from[:_PREFIX.get(event.precision, 10)])


def event_html(event, also: list[str] | None = None) -> str:
    """An event's row; `also`: the other documents that report the same event."""
    date = esc(event_date_label(event))
    if event.uncertain:
        note = (f" <span class='hit'>&nbsp;≈ uncertain&nbsp;</span> <span class='muted'>“{esc(event.date_text)}” "
                f"counted from {esc(ANCHOR_TEXT.get(event.anchor or '', 'a guess'))}</span>")
    elif event.relative:
        note = f" <span class='muted'>“{esc(event.date_text)}”, counted from the published date</span>"
    else:
        note = ""
    span = [(event.date_start - event.start, event.date_end - event.start)]
    names = ", ".join(e.name for e in event.entities[:6])
    source = esc(event.title or event.file_name) + (f" · {esc(names)}" if names else "")
    reported = (f"<div class='muted'>Also reported in {len(also)} other document{'s' if len(also) != 1 else ''}: "
                f"{esc('; '.join(also[:3]))}{'…' if len(also) > 3 else ''}</div>") if also else ""
    return (f"<div class='title'>{date}{note}</div>"
            f"<div class='snippet'>{marked(event.text, span)}</div>"
            f"<div class='muted'>{source}</div>{reported}")


def event_tooltip(event) -> str:
    if event.uncertain:
        return (f"“{event.date_text}” is relative and the document has no published date: it was counted "
                f"from {ANCHOR_TEXT.get(event.anchor or '', 'a guess')}, so the date may be off.")
    return f"{event.title or event.file_name}"


@dataclass
class Period:
    key: str
    events: list = field(default_factory=list)

    @property
    def label(self) -> str:
        count = len(self.events)
        return f"{period_label(self.key)}  ·  {count} event{'s' if count != 1 else ''}"


def group_events(events: list, zoom: str) -> list[Period]:
    """Events (in date order) grouped by period; periods in date order, a longer one first."""
    periods: dict[str, Period] = {}
    for event in events:
        key = period_of(event.date_from, event.date_to, zoom)
        periods.setdefault(key, Period(key)).events.append(event)
    return sorted(periods.values(), key=lambda p: (p.key.split("/")[0], -_span(p.key)))


def _span(key: str) -> int:
    """How long a period is, for ordering: a decade before its year, a year before its months."""
    if "/" in key:
        first, last = key.split("/")
        return 10_000 * (int(last) - int(first) + 1)
    return {4: 1000, 7: 100, 10: 1}[len(key)]


class TimelineModel(QAbstractItemModel):
    """Two levels: periods, and the events in each (internal id: the period's row + 1)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.events: list = []
        self.zoom = "month"
        self.periods: list[Period] = []
        self.reporters: dict[int, dict[int, str]] = {}   # event group -> {doc id: title} of its events

    def set_events(self, events: list) -> None:
        self.beginResetModel()
        self.events = list(events)
        self.periods = group_events(self.events, self.zoom)
        self.reporters = {}
        for event in self.events:
            self.reporters.setdefault(event.group, {})[event.doc_id] = event.title or event.file_name
        self.endResetModel()

    def also_reported(self, event) -> list[str]:
        """The other documents (among those shown) that report the same event."""
        return [title for doc_id, title in self.reporters.get(event.group, {}).items() if doc_id != event.doc_id]

    def html(self, event) -> str:
        return event_html(event, self.also_reported(event))

    def set_zoom(self, zoom: str) -> None:
        self.zoom = zoom
        self.set_events(self.events)

    def index(self, row: int, column: int = 0, parent: _Index = QModelIndex()) -> QModelIndex:
        if column != 0 or row < 0:
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, 0, 0) if row < len(self.periods) else QModelIndex()
        if parent.internalId() == 0 and row < len(self.periods[parent.row()].events):
            return self.createIndex(row, 0, parent.row() + 1)
        return QModelIndex()

    def parent(self, index: _Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]
        if not index.isValid() or index.internalId() == 0:
            return QModelIndex()
        return self.createIndex(index.internalId() - 1, 0, 0)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        if not parent.isValid():
            return len(self.periods)
        if parent.internalId() == 0:
            return len(self.periods[parent.row()].events)
        return 0

    def columnCount(self, parent: _Index = QModelIndex()) -> int:
        return 1

    def item(self, index: _Index):
        """The Period or event behind an index."""
        if not index.isValid():
            return None
        if index.internalId() == 0:
            return self.periods[index.row()]
        return self.periods[index.internalId() - 1].events[index.row()]

    def flags(self, index: _Index):
        flags = super().flags(index)
        if index.isValid() and index.internalId() == 0:
            flags &= ~Qt.ItemFlag.ItemIsSelectable
        return flags

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        item = self.item(index)
        if item is None:
            return None
        header = isinstance(item, Period)
        if role == HtmlRole:
            return f"<span class='title'>{esc(item.label)}</span>" if header else self.html(item)
        if role == KindRole:
            return "header" if header else "event"
        if role == PayloadRole:
            return item
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return item.label if header else html_to_text(self.html(item))
        if role == Qt.ItemDataRole.ToolTipRole and not header:
            return event_tooltip(item)
        return None

    def event_rows(self) -> list[QModelIndex]:
        """Every event's index, in order (for tests and keyboard walking)."""
        return [self.index(row, 0, self.index(p, 0)) for p in range(len(self.periods))
                for row in range(len(self.periods[p].events))]


class _EventTree(ChoosesRows, QTreeView):
    """Rows are chosen by a click or Enter; a period header folds and unfolds."""

    chosen = Signal(QModelIndex)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.scheduleDelayedItemsLayout()   # wrapped rows change height with the width (a tree caches them)


class TimelinePanel(QWidget):
    """Filters and zoom on top, the grouped events below. `load` is given the query to run:
    (entity id or None, doc id or None) → the panel's `set_events` with the events."""

    openRequested = Signal(int, int, int)    # doc id, start, end of the event's sentence
    reloadRequested = Signal()               # the filters changed: the owner runs the query

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("timelinePanel")
        self.setAccessibleName("Timeline")
        self.entity: tuple[str, str] | None = None     # (id, name)
        self.stale = True

        self.entity_chip = tool_button("", "timelineEntity", "Show the events of every entity", auto_raise=False)
        self.entity_chip.clicked.connect(self.clear_entity)
        self.entity_chip.hide()
        self.document_box = QComboBox()
        self.document_box.setObjectName("timelineDocument")
        self.document_box.setAccessibleName("Timeline: document")
        self.document_box.addItem("All documents", None)
        self.document_box.currentIndexChanged.connect(lambda _i: self._filters_changed())
        self.zoom_box = QComboBox()
        self.zoom_box.setObjectName("timelineZoom")
        self.zoom_box.setAccessibleName("Timeline: group by")
        for key, label in ZOOMS.items():
            self.zoom_box.addItem(label, key)
        self.zoom_box.setCurrentIndex(self.zoom_box.findData("month"))
        self.zoom_box.currentIndexChanged.connect(lambda _i: self.set_zoom(self.zoom_box.currentData()))
        filters = QHBoxLayout()
        filters.setContentsMargins(10, 8, 10, 0)
        filters.addWidget(self.entity_chip)
        filters.addWidget(self.document_box, 1)
        filters.addWidget(self.zoom_box)
        self.summary = plain_label("Loading the timeline…")
        self.summary.setObjectName("timelineSummary")
        self.summary.setWordWrap(True)
        self.summary.setContentsMargins(12, 6, 12, 4)

        self.model = TimelineModel(self)
        self.view = _EventTree()
        self.view.setObjectName("timelineView")
        self.view.setAccessibleName("Timeline events")
        self.view.setModel(self.model)
        self.view.setItemDelegate(HtmlDelegate(self.view))
        self.view.setHeaderHidden(True)
        self.view.setIndentation(0)           # periods are bands; events span the full width
        self.view.setRootIsDecorated(False)
        self.view.setUniformRowHeights(False)
        self.view.setWordWrap(True)
        self.view.setExpandsOnDoubleClick(False)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.view.setFrameShape(QFrame.Shape.NoFrame)
        self.view.chosen.connect(self._chosen)
        column(self, filters, self.summary, self.view)

    # -- filters --------------------------------------------------------------------------------
    @property
    def doc_id(self) -> int | None:
        return self.document_box.currentData()

    def set_documents(self, documents: list) -> None:
        """The document filter's choices (DocumentSummary); the chosen one stays if it still exists."""
        chosen = self.doc_id
        self.document_box.blockSignals(True)
        self.document_box.clear()
        self.document_box.addItem("All documents", None)
        for doc in sorted(documents, key=lambda d: (d.date or "9999", d.title or d.file_name)):
            label = " · ".join(p for p in (doc.title or doc.file_name, doc.source) if p)
            self.document_box.addItem(label, doc.id)
        found = self.document_box.findData(chosen) if chosen is not None else 0
        self.document_box.setCurrentIndex(max(found, 0))
        self.document_box.blockSignals(False)
        if chosen is not None and found < 0:
            self._filters_changed()

    def set_document(self, doc_id: int | None) -> None:
        index = self.document_box.findData(doc_id) if doc_id is not None else 0
        self.document_box.setCurrentIndex(max(index, 0))

    def set_entity(self, entity_id: str, name: str) -> None:
        self.entity = (entity_id, name)
        self.entity_chip.setText(f"{name}  ✕")
        self.entity_chip.setToolTip(f"Only the events that name {name}; click to show every entity's")
        self.entity_chip.show()
        self._filters_changed()

    def clear_entity(self) -> None:
        self.entity = None
        self.entity_chip.hide()
        self._filters_changed()

    def set_zoom(self, zoom: str) -> None:
        if zoom not in ZOOMS:
            return
        if self.zoom_box.currentData() != zoom:
            self.zoom_box.setCurrentIndex(self.zoom_box.findData(zoom))   # comes back here
            return
        self.model.set_zoom(zoom)
        self.view.expandAll()

    def _filters_changed(self) -> None:
        self.stale = True
        if self.isVisible():
            self.reloadRequested.emit()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self.stale:
            self.reloadRequested.emit()   # the timeline is read when it is looked at

    # -- results --------------------------------------------------------------------------------
    def set_events(self, events: list) -> None:
        self.stale = False
        self.model.set_events(events)
        self.view.expandAll()
        count = len(events)
        scope = (f" naming {self.entity[1]}" if self.entity is not None else "") + \
            (f" in {self.document_box.currentText()}" if self.doc_id is not None else "")
        if not count:
            self.summary.setText(f"No dated events{scope}.")
        elif count < MAX_EVENTS:
            self.summary.setText(f"{count:,} dated event{'s' if count != 1 else ''}{scope}.")
        else:
            self.summary.setText(f"The first {count:,} dated events{scope} (choose an entity or a document "
                                 "to narrow them).")

    def show_error(self, message: str) -> None:
        self.summary.setText(f"The timeline could not be read: {message}")

    def _chosen(self, index: QModelIndex) -> None:
        item = self.model.item(index)
        if isinstance(item, Period):
            self.view.setExpanded(index, not self.view.isExpanded(index))
        elif item is not None:
            self.openRequested.emit(item.doc_id, item.start, item.end)
