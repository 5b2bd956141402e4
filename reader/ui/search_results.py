"""Search results grouped by document, loaded page by page as the list scrolls.

One header row per document (its title, date, source and how many passages match), its hits
under it. The model asks for the next page through Qt's own `canFetchMore`/`fetchMore` (the
view calls them when it scrolls to the end), so a frequent word shows every passage, not the
first 50. The true totals come separately (the search thread counts after the first page).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from reader.ui import palette
from reader.ui.models import HtmlRole, KindRole, PayloadRole, esc, html_to_text, marked
from reader.ui.views import ResultList, section_label

_Index = QModelIndex | QPersistentModelIndex

ORDER_LABELS = {"relevance": "Relevance", "date": "Date (newest first)"}


@dataclass
class DocumentGroup:
    """A document's header row and the hits loaded for it so far."""
    doc_id: int
    title: str
    meta: str                                   # date · source
    hits: list = field(default_factory=list)    # SearchHit
    total: int | None = None                    # passages matching in this document, once counted


def _plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def group_header_html(group: DocumentGroup) -> str:
    count = group.total if group.total is not None else len(group.hits)
    line = " · ".join(p for p in (group.meta, _plural(count, "passage")) if p)
    return f"<div class='title'>{esc(group.title)}</div><div class='muted'>{esc(line)}</div>"


def grouped_hit_html(hit) -> str:
    boiler = "<span class='muted'>boilerplate · </span>" if hit.boilerplate else ""
    return f"<div class='snippet'>{boiler}{marked(hit.snippet, hit.snippet_matches)}</div>"


class SearchResultsModel(QAbstractListModel):
    """Rows: a header per document, then its hits; pages of hits are merged into their groups."""

    moreWanted = Signal(int)     # the offset of the next page of hits

    def __init__(self, describe: Callable[[int], tuple[str, str]] | None = None, parent=None) -> None:
        super().__init__(parent)
        self.groups: list[DocumentGroup] = []
        self.rows: list[tuple[str, object]] = []   # ("header", DocumentGroup) | ("hit", SearchHit)
        self.loaded = 0                            # hits received
        self.more = False                          # the search has hits beyond those loaded
        self.requested = False                     # the next page was asked for, not yet come
        self._describe = describe or (lambda _doc_id: ("", ""))

    # -- filling -----------------------------------------------------------------------------------
    def clear(self) -> None:
        self.beginResetModel()
        self.groups, self.rows = [], []
        self.loaded, self.more, self.requested = 0, False, False
        self.endResetModel()

    def add_page(self, hits: list, more: bool) -> None:
        """Append a page of hits (in the search's order): each joins its document's group."""
        by_doc = {g.doc_id: g for g in self.groups}
        for hit in hits:
            group = by_doc.get(hit.doc_id)
            if group is None:
                title, meta = self._describe(hit.doc_id)
                group = by_doc[hit.doc_id] = DocumentGroup(hit.doc_id, title or hit.title or hit.file_name, meta)
                row = len(self.rows)
                self.beginInsertRows(QModelIndex(), row, row)
                self.groups.append(group)
                self.rows.append(("header", group))
                self.endInsertRows()
            row = self._end_of_group(group)
            self.beginInsertRows(QModelIndex(), row, row)
            group.hits.append(hit)
            self.rows.insert(row, ("hit", hit))
            self.endInsertRows()
        self.loaded += len(hits)
        self.more, self.requested = more, False

    def set_counts(self, per_document: dict[int, int]) -> None:
        for row, (kind, item) in enumerate(self.rows):
            if kind == "header" and isinstance(item, DocumentGroup):
                item.total = per_document.get(item.doc_id, len(item.hits))
                self.dataChanged.emit(self.index(row), self.index(row))

    def _end_of_group(self, group: DocumentGroup) -> int:
        start = next(i for i, (kind, item) in enumerate(self.rows) if item is group)
        return start + 1 + len(group.hits)

    def first_hit_row(self) -> int:
        return next((i for i, (kind, _item) in enumerate(self.rows) if kind == "hit"), -1)

    def hits(self) -> list:
        return [item for kind, item in self.rows if kind == "hit"]

    # -- Qt's incremental loading ------------------------------------------------------------------
    def canFetchMore(self, parent: _Index = QModelIndex()) -> bool:
        return not parent.isValid() and self.more and not self.requested

    def fetchMore(self, parent: _Index = QModelIndex()) -> None:
        if self.canFetchMore(parent):
            self.requested = True
            self.moreWanted.emit(self.loaded)

    # -- the model ---------------------------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        kind, item = self.rows[index.row()]
        if role == KindRole:
            return kind
        if role == PayloadRole:
            return item
        html = group_header_html(item) if isinstance(item, DocumentGroup) else grouped_hit_html(item)
        if role == HtmlRole:
            return html
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return html_to_text(html)
        return None


class SearchPanel(QWidget):
    """The sidebar's search page: the summary (true counts), the order, the grouped results."""

    chosen = Signal(QModelIndex)
    orderChanged = Signal(str)

    def __init__(self, describe: Callable[[int], tuple[str, str]], parent=None) -> None:
        super().__init__(parent)
        self.query = ""
        self.summary = section_label("Search", "searchSummary")
        self.summary.setWordWrap(True)
        self.order = QComboBox()
        self.order.setObjectName("searchOrder")
        self.order.setAccessibleName("Sort search results")
        for key, label in ORDER_LABELS.items():
            self.order.addItem(label, key)
        self.order.currentIndexChanged.connect(lambda _i: self.orderChanged.emit(self.order.currentData()))
        self.model = SearchResultsModel(describe, self)
        self.view = ResultList("searchResults", "Search results")
        self.view.setModel(self.model)
        self.view.chosen.connect(self.chosen)
        sort_row = QHBoxLayout()
        sort_row.setContentsMargins(12, 0, 10, 6)
        sort_row.addWidget(QLabel("Sort by"))
        sort_row.addWidget(self.order, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.summary)   # the totals on a line of their own: they must not be squeezed
        layout.addLayout(sort_row)
        layout.addWidget(self.view, 1)
        self._notice = ""
        self._counted = False

    def searching(self, query: str) -> None:
        self.summary.setText(f"Searching for “{query.strip()}”…")

    def clear(self) -> None:
        self.model.clear()

    def show_page(self, query: str, offset: int, result) -> None:
        """A page of results: the first replaces the list, later ones extend it."""
        if offset == 0:
            self.query, self._notice, self._counted = query, getattr(result, "notice", ""), False
            self.model.clear()
        self.model.add_page(result.hits, result.more)
        if offset == 0:
            if self.model.rowCount():
                self.view.setCurrentIndex(self.model.index(self.model.first_hit_row()))
            self._update_summary(None)
        elif not self._counted:
            self._update_summary(None)

    def show_counts(self, query: str, counts) -> None:
        if query != self.query or counts is None:
            return
        self._counted = True
        self.model.set_counts(counts.per_document)
        self._update_summary(counts)

    def _update_summary(self, counts) -> None:
        query = self.query.strip()
        if counts is not None:
            passages, documents = counts.passages, counts.documents
            text = f"{_plural(passages, 'passage')} in {_plural(documents, 'document')} for “{query}”"
            if not passages:
                text = f"No results for “{query}”"
        elif not self.model.loaded:
            text = f"No results for “{query}”"
        else:
            # Until the count comes: what is shown, saying that there are more.
            more = "+" if self.model.more else ""
            text = (f"{self.model.loaded:,}{more} passage{'s' if self.model.loaded != 1 else ''} in "
                    f"{_plural(len(self.model.groups), 'document')}{more and ' (counting…)'} for “{query}”")
        if self._notice:   # an over-long query was cut: say so
            text += f" ({self._notice})"
        self.summary.setText(text)


def describe_document(summary) -> tuple[str, str]:
    """(title, "date · source") of a DocumentSummary, for a group's header."""
    if summary is None:
        return "", ""
    meta = " · ".join(p for p in (palette.pretty_date(summary.date), summary.source) if p)
    return summary.title or summary.file_name, meta
