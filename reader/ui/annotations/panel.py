"""The Notes panel: every annotation as a card (quote, rendered note, tags, colour, status, date),
filtered by scope, text, tag and colour, with the note editor (reader.ui.annotations.editor) below.

The panel only shows and asks: every change goes out as a signal to the controller
(`reader.ui.annotations.controller`), which calls the core and pushes an undo command.
"""
from __future__ import annotations

import html

from PySide6.QtCore import QModelIndex, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPalette, QTextDocument
from PySide6.QtWidgets import (QButtonGroup, QComboBox, QFrame, QHBoxLayout, QLabel, QMenu, QSizePolicy,
                               QSplitter, QStackedWidget, QStyle, QStyledItemDelegate, QStyleOptionViewItem,
                               QVBoxLayout, QWidget)

from reader.annotations.model import ANCHORED, CHANGED, COLOURS, MOVED, ORPHANED, Annotation
from reader.ui.annotations.editor import NoteEditor, SafeDocument
from reader.ui.annotations.model import AnnotationFilterProxy, AnnotationListModel, ColourRole, UuidRole
from reader.ui.compat import top_up
from reader.ui.delegates import cached_document, draw_background, draw_document, is_dark, muted
from reader.ui.models import PayloadRole
from reader.ui.palette import COLOUR_LABELS, colour_icon, edge_colour, fill_colour
from reader.ui.views import ResultList, plain_label, text_field, tool_button

# -- the cards -----------------------------------------------------------------------------------------


def card_stylesheet(pal: QPalette, selected: bool) -> str:
    dark = is_dark(pal)
    mute = muted(pal, selected).name(QColor.NameFormat.HexArgb)
    ink = pal.color(QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text).name()
    tag_fg = ink if selected else ("#C9C9CC" if dark else "#4A4A50")
    link = ink if selected else ("#8AB4F8" if dark else "#1F5FAF")
    # Anchored is the normal case: said quietly. The others need a look.
    status = {ANCHORED: mute, MOVED: ("#86BDF2" if dark else "#1F64A8"),
              CHANGED: ("#E8C547" if dark else "#8A6400"), ORPHANED: ("#F28B82" if dark else "#B3261E")}
    css = [f".muted {{ color: {mute}; }}",
           ".quote { font-weight: 600; margin-bottom: 2px; }",
           ".orphan { font-style: italic; }",
           ".note { margin-top: 1px; margin-bottom: 2px; }",
           "p { margin-top: 0px; margin-bottom: 2px; }",
           "ul, ol { margin-top: 0px; margin-bottom: 2px; }",
           f".meta {{ color: {mute}; font-size: small; }}",
           f".doc {{ color: {mute}; font-size: small; }}",
           f".tag {{ color: {tag_fg}; font-weight: 600; }}",
           f"a {{ color: {link}; }}",
           "code { font-family: monospace; }"]
    for name, colour in status.items():
        weight = "normal" if name == ANCHORED else "600"
        css.append(f".status-{name} {{ color: {mute if selected else colour}; font-weight: {weight}; }}")
    return "\n".join(css)


BAR = 4
PAD_LEFT, PAD_RIGHT, PAD_Y = 18, 12, 8


class NoteCardDelegate(QStyledItemDelegate):
    """A card per annotation: a bar in its colour, then the rich-text card."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._cache: dict[tuple, QTextDocument] = {}

    def _document(self, option: QStyleOptionViewItem, index: QModelIndex, width: float,
                  selected: bool) -> QTextDocument:
        return cached_document(self._cache, option, index, width, selected, card_stylesheet, SafeDocument)

    def _width(self, option: QStyleOptionViewItem) -> float:
        widget = option.widget
        width = widget.viewport().width() if widget is not None and hasattr(widget, "viewport") else option.rect.width()
        return max(80.0, width - PAD_LEFT - PAD_RIGHT)

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        self.initStyleOption(option, index)
        doc = self._document(option, index, self._width(option), False)
        return QSize(int(self._width(option)), int(doc.size().height()) + 2 * PAD_Y)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        painter.save()
        draw_background(painter, option, index)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        dark = is_dark(option.palette)
        colour = index.data(ColourRole) or "yellow"
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(fill_colour(colour, dark))
        bar = QRectF(option.rect.left() + 7, option.rect.top() + PAD_Y, BAR + 2, option.rect.height() - 2 * PAD_Y)
        painter.drawRoundedRect(bar, 3, 3)
        painter.setBrush(edge_colour(colour, dark))
        painter.drawRoundedRect(QRectF(bar.left(), bar.top(), 2, bar.height()), 1, 1)
        doc = self._document(option, index, option.rect.width() - PAD_LEFT - PAD_RIGHT, selected)
        painter.translate(option.rect.left() + PAD_LEFT, option.rect.top() + PAD_Y)
        draw_document(painter, doc, option, selected)
        painter.restore()
        line = QColor(option.palette.color(QPalette.ColorRole.Text))
        line.setAlphaF(0.08)
        painter.setPen(line)
        painter.drawLine(option.rect.bottomLeft(), option.rect.bottomRight())
        top_up()


# -- the panel -----------------------------------------------------------------------------------------


class NotesList(ResultList):
    """The cards; Delete removes the current one, the context menu offers the rest."""

    deleteRequested = Signal(str)
    editRequested = Signal(str)

    def __init__(self) -> None:
        super().__init__("notesList", "Notes")
        self.setItemDelegate(NoteCardDelegate(self))
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.DefaultContextMenu)

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self.currentIndex().isValid():
            self.deleteRequested.emit(self.currentIndex().data(UuidRole))
            return
        super().keyPressEvent(event)

    def contextMenuEvent(self, event) -> None:
        index = self.indexAt(event.pos())
        if not index.isValid():
            return
        uuid = index.data(UuidRole)
        menu = QMenu(self)
        menu.addAction("Show in Text", lambda: self.chosen.emit(index))
        menu.addAction("Edit Note", lambda: self.editRequested.emit(uuid))
        menu.addAction("Copy Quote", lambda: _copy(index.data(PayloadRole).exact))
        menu.addSeparator()
        menu.addAction("Delete", lambda: self.deleteRequested.emit(uuid))
        menu.exec(event.globalPos())
        menu.deleteLater()


def _copy(text: str) -> None:
    from PySide6.QtWidgets import QApplication

    QApplication.clipboard().setText(text)


class NotesPanel(QWidget):
    """Annotations of the open document or of all documents, filters, and the editor."""

    scopeChanged = Signal(bool)        # True: all documents

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("annotationsPanel")
        self.setAccessibleName("Notes")
        self.setAccessibleDescription("Highlights and notes: filter them, click one to go to it, edit or delete it")
        self.dark = False
        self.model = AnnotationListModel(self)
        self.proxy = AnnotationFilterProxy(self)
        self.proxy.setSourceModel(self.model)

        self.scope_doc = tool_button("This document", "notesScopeDocument")
        self.scope_all = tool_button("All documents", "notesScopeAll")
        scope = QButtonGroup(self)
        for button in (self.scope_doc, self.scope_all):
            button.setCheckable(True)
            button.setAutoRaise(True)
            scope.addButton(button)
        self.scope_doc.setChecked(True)
        self.scope_all.toggled.connect(self._scope_toggled)
        self.count_label = plain_label()
        self.count_label.setObjectName("notesCount")
        self.count_label.setEnabled(False)

        self.filter = text_field("notesFilter", "Filter notes", "Filter notes: words or #tag")
        self.filter.textChanged.connect(lambda text: self._set_filter(text=text))
        self.colour_filter = QComboBox()
        self.colour_filter.setObjectName("notesColourFilter")
        self.colour_filter.setAccessibleName("Filter by colour")
        self.colour_filter.addItem("All colours", None)
        for colour in COLOURS:
            self.colour_filter.addItem(colour_icon(colour), COLOUR_LABELS[colour], colour)
        self.colour_filter.currentIndexChanged.connect(
            lambda _i: self._set_filter(colour=self.colour_filter.currentData()))
        self.tag_filter = QComboBox()
        self.tag_filter.setObjectName("notesTagFilter")
        self.tag_filter.setAccessibleName("Filter by tag")
        self.tag_filter.addItem("All tags", None)
        self.tag_filter.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.tag_filter.setMinimumContentsLength(8)
        self.tag_filter.currentIndexChanged.connect(self._tag_chosen)
        self._filling_tags = False

        self.view = NotesList()
        self.view.setModel(self.proxy)
        self.empty = QLabel("")
        self.empty.setObjectName("notesEmpty")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.empty.setContentsMargins(14, 12, 14, 12)
        self.empty.setTextFormat(Qt.TextFormat.RichText)
        self.list_stack = QStackedWidget()
        self.list_stack.addWidget(self.view)
        self.list_stack.addWidget(self.empty)

        self.editor = NoteEditor()
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setObjectName("notesSplitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.list_stack)
        self.splitter.addWidget(self.editor)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)

        top = QHBoxLayout()
        top.setContentsMargins(8, 8, 10, 0)
        top.setSpacing(2)
        top.addWidget(self.scope_doc)
        top.addWidget(self.scope_all)
        top.addStretch(1)
        top.addWidget(self.count_label)
        filters = QHBoxLayout()
        filters.setContentsMargins(10, 0, 10, 0)
        filters.setSpacing(6)
        filters.addWidget(self.filter, 1)
        chooser = QHBoxLayout()
        chooser.setContentsMargins(10, 0, 10, 4)
        chooser.setSpacing(6)
        chooser.addWidget(self.colour_filter, 1)
        chooser.addWidget(self.tag_filter, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addLayout(top)
        layout.addLayout(filters)
        layout.addLayout(chooser)
        rule = QFrame()
        rule.setFrameShape(QFrame.Shape.HLine)
        rule.setObjectName("notesRule")
        layout.addWidget(rule)
        layout.addWidget(self.splitter, 1)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
        for signal in (self.proxy.rowsInserted, self.proxy.rowsRemoved, self.proxy.modelReset,
                       self.proxy.layoutChanged):
            signal.connect(self._update_count)

    # -- state ---------------------------------------------------------------------------------------
    @property
    def all_documents(self) -> bool:
        return self.scope_all.isChecked()

    def set_all_documents(self, on: bool) -> None:
        (self.scope_all if on else self.scope_doc).setChecked(True)

    def _scope_toggled(self, on: bool) -> None:
        self.model.set_show_documents(on)
        self.scopeChanged.emit(on)

    def set_document_scope(self, scope: tuple[str, str] | None) -> None:
        """The open document's (key, file name); used while "This document" is chosen."""
        self._doc_scope = scope
        self._set_filter(scope=None if self.all_documents else scope)

    def refresh_scope(self) -> None:
        self._set_filter(scope=None if self.all_documents else getattr(self, "_doc_scope", None))

    def _set_filter(self, **changes) -> None:
        self.proxy.set_filter(**changes)
        self._update_count()

    def set_annotations(self, rows: list[Annotation], titles: dict[str, str]) -> None:
        self.model.set_annotations(rows, titles)
        tags = sorted({t for a in rows for t in a.tags}, key=str.casefold)
        current = self.tag_filter.currentData()
        self._filling_tags = True   # (not blockSignals: PySide6 6.12 drops a reference to the bool it returns)
        try:
            self.tag_filter.clear()
            self.tag_filter.addItem("All tags", None)
            for tag in tags:
                self.tag_filter.addItem(f"#{tag}", tag)
            index = self.tag_filter.findData(current) if current else 0
            self.tag_filter.setCurrentIndex(max(0, index))
        finally:
            self._filling_tags = False
        if current and index < 0:
            self._set_filter(tag=None)
        self._update_count()

    def _tag_chosen(self, _index: int) -> None:
        if not self._filling_tags:
            self._set_filter(tag=self.tag_filter.currentData())

    def clear_filters(self) -> None:
        self.filter.clear()
        self.colour_filter.setCurrentIndex(0)
        self.tag_filter.setCurrentIndex(0)

    def set_unavailable(self, message: str) -> None:
        """The notes file cannot be used (e.g. written by a newer Reader): say so instead of the list."""
        self.unavailable = message
        self._update_count()

    def _update_count(self, *_args) -> None:
        if getattr(self, "unavailable", None):
            self.count_label.setText("")
            self.empty.setText(f"<p><b>Notes are unavailable</b></p><p>{html.escape(self.unavailable)}</p>")
            self.list_stack.setCurrentWidget(self.empty)
            return
        shown, total_in_scope = self.proxy.rowCount(), self._scope_total()
        noun = "note" if total_in_scope == 1 else "notes"
        self.count_label.setText(f"{shown} of {total_in_scope} {noun}" if shown != total_in_scope
                                 else f"{total_in_scope} {noun}")
        if shown:
            self.list_stack.setCurrentWidget(self.view)
            return
        if total_in_scope:
            text = "<p>No notes match the filter.</p>"
        elif self.all_documents or self.model.rows:
            text = ("<p><b>No notes here yet</b></p><p>Select text in the document, then press <b>H</b> to "
                    "highlight it or <b>N</b> to write a note; or use the small toolbar that appears by the "
                    "selection, or right-click it.</p>")
        else:
            text = ("<p><b>Notes</b></p><p>Select text in the document, then press <b>H</b> to highlight it "
                    "(in the last colour used) or <b>N</b> to write a note in Markdown. The small toolbar by the "
                    "selection and the right-click menu offer colours and tags too.</p><p>Everything is saved "
                    "at once; Edit ▸ Undo takes back any change.</p>")
        self.empty.setText(text)
        self.list_stack.setCurrentWidget(self.empty)

    def _scope_total(self) -> int:
        scope = self.proxy.scope
        if scope is None:
            return len(self.model.rows)
        key, file_name = scope
        return sum(1 for a in self.model.rows if a.doc_key == key or (a.orphaned and a.file_name == file_name))

    def current_uuid(self) -> str | None:
        index = self.view.currentIndex()
        return index.data(UuidRole) if index.isValid() else None

    def select(self, uuid: str | None, reveal: bool = True) -> bool:
        """Make an annotation the current card (with `reveal`, clearing filters that hide it)."""
        if uuid is None:
            self.view.clearSelection()
            self.view.setCurrentIndex(QModelIndex())
            return False
        row = self.model.row_of(uuid)
        if row is None:
            return False
        index = self.proxy.mapFromSource(self.model.index(row))
        if not index.isValid() and not reveal:
            return False
        if not index.isValid():
            self.clear_filters()
            index = self.proxy.mapFromSource(self.model.index(row))
        if not index.isValid() and not self.all_documents:
            self.set_all_documents(True)
            index = self.proxy.mapFromSource(self.model.index(row))
        if not index.isValid():
            return False
        self.view.setCurrentIndex(index)
        self.view.scrollTo(index)
        return True

    def set_dark(self, dark: bool) -> None:
        self.dark = dark
        self.model.set_dark(dark)
        self.editor.set_dark(dark)
        sidebar = "#26272B" if dark else "#F3F2EF"
        rule = "rgba(255,255,255,0.10)" if dark else "rgba(0,0,0,0.10)"
        self.setStyleSheet(
            f"#annotationsPanel, #annotationsPanel QListView, #annotationsPanel QStackedWidget > QLabel,"
            f" #noteEditorPanel {{ background: {sidebar}; }}"
            f"#notesRule {{ border: none; max-height: 1px; background: {rule}; }}"
            f"QToolButton#notesScopeDocument, QToolButton#notesScopeAll {{ padding: 3px 9px; border-radius: 5px; }}"
            f"QToolButton#notesScopeDocument:checked, QToolButton#notesScopeAll:checked {{"
            f" background: {'#3A3B40' if dark else '#E3E0D8'}; font-weight: 600; }}")
