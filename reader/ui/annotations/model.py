"""The Notes panel's model: the annotations as rows, and the filter (scope, words, #tags, colour)."""
from __future__ import annotations

import html
import re
import unicodedata
from typing import cast

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt

from reader.annotations.model import ANCHORED, CHANGED, MOVED, ORPHANED, Annotation, parse_time
from reader.ui.models import HtmlRole, PayloadRole

_Index = QModelIndex | QPersistentModelIndex
UuidRole = Qt.ItemDataRole.UserRole + 40
ColourRole = Qt.ItemDataRole.UserRole + 41

STATUS_LABELS = {ANCHORED: "anchored", MOVED: "moved", CHANGED: "changed", ORPHANED: "orphaned"}
STATUS_HELP = {
    ANCHORED: "Where it was made: same text, same place.",
    MOVED: "The same text, found elsewhere in the document (text was added or removed before it).",
    CHANGED: "The text was edited a little; found by approximate matching.",
    ORPHANED: "Not found in the current text: kept with its quote and note, tried again on every index run.",
}


def local_time(value: str | None) -> str:
    """A stored UTC time as local "2025-11-24 10:14"."""
    if not value:
        return ""
    try:
        return parse_time(value).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return value


def fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").casefold()


def parse_tags(text: str) -> list[str]:
    """Tags typed in one field: separated by commas (also 、 and ，)."""
    return [t.strip().lstrip("#").strip() for t in re.split(r"[,、，]", text or "") if t.strip().lstrip("#").strip()]


def note_summary_markdown(note: str, lines: int = 3, chars: int = 180) -> str:
    """The start of a note, short enough for a card: its first lines, headings as plain lines."""
    kept: list[str] = []
    for line in note.splitlines():
        if not line.strip():
            if kept:
                break
            continue
        kept.append(re.sub(r"^\s{0,3}#{1,6}\s+", "", line))
        if len(kept) >= lines:
            break
    text = "\n".join(kept)
    more = len(text) < len(note.strip())
    if len(text) > chars:
        text, more = text[:chars].rstrip(), True
    return text + (" …" if more else "")


def render_note(note: str) -> str:
    if not note or not note.strip():
        return ""   # (without importing Markdown: a warm start stays quick)
    from reader.annotations.render import render_note_html

    return render_note_html(note)


class AnnotationListModel(QAbstractListModel):
    """Annotations (`Annotation`), in the order given (documents, then text order)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.rows: list[Annotation] = []
        self.titles: dict[str, str] = {}     # doc key → title (documents in the index)
        self.show_documents = False
        self.dark = False
        self._html: dict[tuple, str] = {}

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def set_annotations(self, rows: list[Annotation], titles: dict[str, str]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.titles = dict(titles)
        self._html.clear()
        self.endResetModel()

    def set_show_documents(self, show: bool) -> None:
        if show != self.show_documents:
            self.show_documents = show
            self._changed_all()

    def set_dark(self, dark: bool) -> None:
        if dark != self.dark:
            self.dark = dark
            self._changed_all()

    def _changed_all(self) -> None:
        self._html.clear()
        if self.rows:
            self.dataChanged.emit(self.index(0), self.index(len(self.rows) - 1))

    def row_of(self, uuid: str) -> int | None:
        return next((i for i, a in enumerate(self.rows) if a.uuid == uuid), None)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        a = self.rows[index.row()]
        if role == HtmlRole:
            key = (a, self.show_documents, self.dark)
            markup = self._html.get(key)
            if markup is None:
                markup = self._html[key] = self.card_html(a)
            return markup
        if role == PayloadRole:
            return a
        if role == UuidRole:
            return a.uuid
        if role == ColourRole:
            return a.colour
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            parts = [f"“{a.exact}”", a.note, " ".join(f"#{t}" for t in a.tags), a.colour, a.status]
            return ", ".join(p for p in parts if p)
        if role == Qt.ItemDataRole.ToolTipRole:
            return (f"<b>{html.escape(STATUS_LABELS[a.status].capitalize())}</b>: {html.escape(STATUS_HELP[a.status])}"
                    f"<br>Created {html.escape(local_time(a.created))}, modified {html.escape(local_time(a.modified))}"
                    f"<br>Block id ^{a.block_id}")
        return None

    def card_html(self, a: Annotation) -> str:
        quote = " ".join(a.exact.split())
        if len(quote) > 140:
            quote = quote[:140].rstrip() + "…"
        parts = [f"<div class='quote{' orphan' if a.orphaned else ''}'>“{html.escape(quote)}”</div>"]
        if a.note.strip():
            parts.append(f"<div class='note'>{render_note(note_summary_markdown(a.note))}</div>")
        meta = []
        if a.tags:
            meta.append(" ".join(f"<span class='tag'>#{html.escape(t)}</span>" for t in a.tags))
        status = f"<span class='status-{a.status}'>{STATUS_LABELS[a.status]}</span>"
        meta.append(f"{status} <span class='muted'>· {html.escape(local_time(a.modified))}</span>")
        parts.append(f"<div class='meta'>{' &nbsp;'.join(meta)}</div>")
        if self.show_documents or a.orphaned:
            title = self.titles.get(a.doc_key)
            where = (f"in {html.escape(title)}" if title and not a.orphaned else
                     f"was in <code>{html.escape(a.file_name)}</code>")
            parts.append(f"<div class='doc'>{where}</div>")
        return "".join(parts)


class AnnotationFilterProxy(QSortFilterProxyModel):
    """Scope (one document or all), words (quote, note, tags, document), #tags, a tag and a colour."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.scope: tuple[str, str] | None = None   # (doc key, file name) of the open document; None: all
        self.words: list[str] = []
        self.tag_prefixes: list[str] = []
        self.tag: str | None = None
        self.colour: str | None = None
        self.setDynamicSortFilter(False)

    def set_filter(self, **changes) -> None:
        if hasattr(self, "beginFilterChange"):  # Qt ≥ 6.9
            self.beginFilterChange()
            self._apply(changes)
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            self._apply(changes)
            self.invalidateFilter()

    def _apply(self, changes: dict) -> None:
        if "text" in changes:
            tokens = fold(changes.pop("text")).split()
            self.words = [t for t in tokens if not t.startswith("#")]
            self.tag_prefixes = [t[1:] for t in tokens if t.startswith("#") and len(t) > 1]
        for name, value in changes.items():
            setattr(self, name, value)

    def filterAcceptsRow(self, source_row: int, source_parent: _Index) -> bool:
        source = cast(AnnotationListModel, self.sourceModel())
        a: Annotation = source.rows[source_row]
        if self.scope is not None:
            key, file_name = self.scope
            if not (a.doc_key == key or (a.orphaned and a.file_name == file_name)):
                return False
        if self.colour and a.colour != self.colour:
            return False
        tags = [fold(t) for t in a.tags]
        if self.tag and fold(self.tag) not in tags:
            return False
        for prefix in self.tag_prefixes:
            if not any(t.startswith(prefix) for t in tags):
                return False
        if self.words:
            title = source.titles.get(a.doc_key, "")
            haystack = fold(" ".join((a.exact, a.note, " ".join(a.tags), a.file_name, title, a.status)))
            if not all(w in haystack for w in self.words):
                return False
        return True
