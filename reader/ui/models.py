"""Qt item models over the core's query results."""
from __future__ import annotations

import html
from typing import Callable, Sequence, cast

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt

from reader.ui import palette

DocIdRole = Qt.ItemDataRole.UserRole + 1
DateRole = Qt.ItemDataRole.UserRole + 2
SourceRole = Qt.ItemDataRole.UserRole + 3
LanguagesRole = Qt.ItemDataRole.UserRole + 4
NotesRole = Qt.ItemDataRole.UserRole + 5
HtmlRole = Qt.ItemDataRole.UserRole + 6
PayloadRole = Qt.ItemDataRole.UserRole + 7   # the query result object behind the row
KindRole = Qt.ItemDataRole.UserRole + 8      # e.g. "header" / "mention" in grouped lists

_Index = QModelIndex | QPersistentModelIndex


def esc(text: str | None) -> str:
    return html.escape(text or "")


def marked(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """HTML of `text` with `spans` wrapped in <b class=hit> (spans in code points, sorted)."""
    out, pos = [], 0
    for start, end in sorted(spans):
        start, end = max(start, pos), min(end, len(text))
        if end <= start:
            continue
        out.append(esc(text[pos:start]))
        out.append(f"<span class='hit'>{esc(text[start:end])}</span>")
        pos = end
    out.append(esc(text[pos:]))
    return "".join(out)


class DocumentListModel(QAbstractListModel):
    """The documents in the index (`DocumentSummary`), updated in place as indexing goes on."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.documents: list = []
        self._row_of: dict[int, int] = {}
        self.note_counts: dict[int, int] = {}

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.documents)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        doc = self.documents[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return doc.title or doc.file_name
        if role == DocIdRole:
            return doc.id
        if role == DateRole:
            return doc.date or ""
        if role == SourceRole:
            return doc.source or ""
        if role == LanguagesRole:
            return list(doc.languages)
        if role == NotesRole:
            return self.note_counts.get(doc.id, 0)
        if role == PayloadRole:
            return doc
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"<b>{esc(doc.title)}</b><br>{esc(doc.file_name)}<br>{doc.chars:,} characters, {doc.passages} passages"
        if role == Qt.ItemDataRole.AccessibleTextRole:
            parts = [doc.title or doc.file_name, doc.date or "undated", doc.source or ""]
            notes = self.note_counts.get(doc.id, 0)
            if notes:
                parts.append(f"{notes} notes")
            return ", ".join(p for p in parts if p)
        return None

    def set_documents(self, documents: list) -> None:
        """Update rows in place: changed rows change, new ones are appended, gone ones removed,
        so views keep their selection and scroll position while the index fills."""
        incoming = {d.id: d for d in documents}
        for row in range(len(self.documents) - 1, -1, -1):
            if self.documents[row].id not in incoming:
                self.beginRemoveRows(QModelIndex(), row, row)
                del self.documents[row]
                self.endRemoveRows()
        self._row_of = {d.id: i for i, d in enumerate(self.documents)}
        for row, doc in enumerate(self.documents):
            new = incoming[doc.id]
            if new != doc:
                self.documents[row] = new
                self.dataChanged.emit(self.index(row), self.index(row))
        fresh = [d for d in documents if d.id not in self._row_of]
        if fresh:
            first = len(self.documents)
            self.beginInsertRows(QModelIndex(), first, first + len(fresh) - 1)
            self.documents.extend(fresh)
            self.endInsertRows()
        self._row_of = {d.id: i for i, d in enumerate(self.documents)}

    def set_note_counts(self, counts: dict[int, int]) -> None:
        """Hook for annotations: notes per document id."""
        self.note_counts = dict(counts)
        if self.documents:
            self.dataChanged.emit(self.index(0), self.index(len(self.documents) - 1), [NotesRole])

    def row_of(self, doc_id: int) -> int | None:
        return self._row_of.get(doc_id)

    def document(self, doc_id: int):
        row = self._row_of.get(doc_id)
        return None if row is None else self.documents[row]

    def apply_changes(self, added: list, removed_ids: set[int]) -> None:
        """Remove and append rows without comparing the others (a refresh while importing into a
        large library: the index's ids tell what changed, only new summaries are read)."""
        rows = sorted((self._row_of[i] for i in removed_ids if i in self._row_of), reverse=True)
        for row in rows:   # last first, so the rows before stay put (as in set_documents)
            self.beginRemoveRows(QModelIndex(), row, row)
            del self.documents[row]
            self.endRemoveRows()
        if rows:
            self._row_of = {d.id: i for i, d in enumerate(self.documents)}
        fresh = [d for d in added if d.id not in self._row_of]
        if fresh:
            first = len(self.documents)
            self.beginInsertRows(QModelIndex(), first, first + len(fresh) - 1)
            self.documents.extend(fresh)
            self._row_of.update((d.id, first + n) for n, d in enumerate(fresh))
            self.endInsertRows()


SORT_DATE_DESC = "date-desc"
SORT_DATE_ASC = "date-asc"
SORT_TITLE = "title"
SORT_MODES = {SORT_DATE_DESC: "Newest first", SORT_DATE_ASC: "Oldest first", SORT_TITLE: "Title"}


class DocumentFilterProxy(QSortFilterProxyModel):
    """Sorting by date or title, and a filter over title, source and file name."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.mode = SORT_DATE_DESC
        self._needle = ""
        self.setDynamicSortFilter(True)

    def set_mode(self, mode: str) -> None:
        self.mode = mode if mode in SORT_MODES else SORT_DATE_DESC
        self.invalidate()
        self.sort(0, Qt.SortOrder.AscendingOrder)

    def set_filter_text(self, text: str) -> None:
        if hasattr(self, "beginFilterChange"):  # Qt ≥ 6.9
            self.beginFilterChange()
            self._needle = text.strip().casefold()
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            self._needle = text.strip().casefold()
            self.invalidateFilter()

    def documents(self) -> list:
        """The source model's documents."""
        return cast(DocumentListModel, self.sourceModel()).documents

    def filterAcceptsRow(self, source_row: int, source_parent: _Index) -> bool:
        if not self._needle:
            return True
        doc = self.documents()[source_row]
        haystack = " ".join(filter(None, (doc.title, doc.source, doc.file_name, doc.date, " ".join(doc.languages))))
        return all(word in haystack.casefold() for word in self._needle.split())

    def lessThan(self, left: _Index, right: _Index) -> bool:
        documents = self.documents()
        a, b = documents[left.row()], documents[right.row()]
        title_a, title_b = (a.title or a.file_name).casefold(), (b.title or b.file_name).casefold()
        if self.mode == SORT_TITLE:
            return (title_a, a.id) < (title_b, b.id)
        # Undated documents last in both date orders.
        if (a.date is None) != (b.date is None):
            return b.date is None
        if a.date != b.date:
            return (a.date > b.date) if self.mode == SORT_DATE_DESC else (a.date < b.date)
        return (title_a, a.id) < (title_b, b.id)


class RowsModel(QAbstractListModel):
    """A read-only list of result objects, each rendered to HTML by a function."""

    def __init__(self, render: Callable[[object], str], tooltip: Callable[[object], str] | None = None,
                 accessible: Callable[[object], str] | None = None, parent=None) -> None:
        super().__init__(parent)
        self.rows: list = []
        self.kinds: list[str] = []
        self._render = render
        self._tooltip = tooltip
        self._accessible = accessible

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def set_rows(self, rows: list, kinds: list[str] | None = None) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.kinds = list(kinds) if kinds is not None else ["row"] * len(self.rows)
        self.endResetModel()

    def flags(self, index: _Index):
        flags = super().flags(index)
        if index.isValid() and self.kinds[index.row()] == "header":
            flags &= ~Qt.ItemFlag.ItemIsSelectable
        return flags

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        if role == HtmlRole:
            return self._render(row)
        if role == PayloadRole:
            return row
        if role == KindRole:
            return self.kinds[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            if self._accessible is not None:
                return self._accessible(row)
            return html_to_text(self._render(row))
        if role == Qt.ItemDataRole.ToolTipRole and self._tooltip is not None:
            return self._tooltip(row)
        return None


def html_to_text(markup: str) -> str:
    import re

    return html.unescape(re.sub(r"<[^>]+>", " ", markup)).strip()


# -- renderers for the result lists --------------------------------------------------------------

def search_hit_html(hit) -> str:
    boiler = " <span class='muted'>· boilerplate</span>" if hit.boilerplate else ""
    return (f"<div class='title'>{esc(hit.title or hit.file_name)}{boiler}</div>"
            f"<div class='snippet'>{marked(hit.snippet, hit.snippet_matches)}</div>")


def kwic_html(item) -> str:
    """A keyword-in-context line; `item` is a KwicMention, or a DocumentSummary header."""
    if hasattr(item, "left"):
        return (f"<span class='muted'>…</span>{esc(item.left[-40:])}<span class='hit'>{esc(item.match)}</span>"
                f"{esc(item.right[:40])}<span class='muted'>…</span>")
    return document_header_html(item)


def document_header_html(doc, extra: str = "") -> str:
    meta = " · ".join(p for p in (palette.pretty_date(doc.date), doc.source) if p)
    meta_html = f" <span class='muted'>{esc(meta)}</span>" if meta else ""
    return f"<div class='title'>{esc(doc.title or doc.file_name)}{meta_html}{extra}</div>"


def cooccurrence_html(item) -> str:
    entity = item.entity
    group = palette.group_for(entity.label)
    return (f"<span class='swatch-{group.key}'>&nbsp;&nbsp;</span>&nbsp;<b>{esc(entity.name)}</b> "
            f"<span class='muted'>{esc(palette.label_name(entity.label))} · together in {item.together} "
            f"passage{'s' if item.together != 1 else ''}</span>")


def related_document_html(item) -> str:
    shared = ", ".join(item.shared[:6]) + ("…" if len(item.shared) > 6 else "")
    repeated = getattr(item, "shared_passages", 0)
    extra = (f" <span class='muted'>· {repeated} shared passage{'s' if repeated != 1 else ''}</span>"
             if repeated else "")
    return (document_header_html(item.document, extra) +
            (f"<div class='snippet'><span class='muted'>shares:</span> {esc(shared)}</div>" if shared else ""))


def similar_passage_html(item) -> str:
    return (document_header_html(item.document, f" <span class='muted'>· {item.similarity:.0%} similar</span>") +
            f"<div class='snippet'>{esc(item.snippet)}</div>")
