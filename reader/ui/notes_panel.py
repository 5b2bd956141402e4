"""The Notes panel: every annotation as a card (quote, rendered note, tags, colour, status, date),
filtered by scope, text, tag and colour, with the note editor (Markdown, live preview) below.

The panel only shows and asks: every change goes out as a signal to the controller
(`reader.ui.annotations`), which calls the core and pushes an undo command.
"""
from __future__ import annotations

import html
import re
import unicodedata

from PySide6.QtCore import (QAbstractListModel, QModelIndex, QPersistentModelIndex, QRectF, QSize,
                            QSortFilterProxyModel, Qt, QTimer, QUrl, Signal)
from PySide6.QtGui import (QAbstractTextDocumentLayout, QColor, QDesktopServices, QIcon, QPainter, QPalette, QPixmap,
                           QTextDocument)
from PySide6.QtWidgets import (QButtonGroup, QComboBox, QFrame, QHBoxLayout, QLabel, QLineEdit,
                               QMenu, QPlainTextEdit, QSizePolicy, QSplitter, QStackedWidget, QStyle,
                               QStyledItemDelegate, QStyleOptionViewItem, QTextBrowser, QToolButton, QVBoxLayout,
                               QWidget)

from reader.annotations.model import (ANCHORED, CHANGED, COLOURS, MOVED, ORPHANED, Annotation, clean_tags,
                                      parse_time)
from reader.ui.compat import top_up
from reader.ui.delegates import _draw_background, cached_document, is_dark, muted
from reader.ui.models import HtmlRole, PayloadRole
from reader.ui.views import ResultList, plain_label

_Index = QModelIndex | QPersistentModelIndex
UuidRole = Qt.ItemDataRole.UserRole + 40
ColourRole = Qt.ItemDataRole.UserRole + 41

# Highlight colours: (light fill, dark fill, light edge, dark edge). Marker tones, stronger than the
# entity fills (Tol "light" at 55 %), and each annotation also gets a solid edge under it in the text.
COLOURS_HEX = {
    "yellow": ("#FFE97A", "#6B5B14", "#D9A900", "#E8C547"),
    "green": ("#BDEFA9", "#2E5728", "#3E9B32", "#86D178"),
    "blue": ("#B6DBFF", "#23466B", "#2F7FD0", "#86BDF2"),
    "pink": ("#FFC4E0", "#6A2946", "#D64A8A", "#F291BF"),
    "purple": ("#DCCBFF", "#432F6B", "#7E57C2", "#B9A2E6"),
}
COLOUR_LABELS = {c: c.capitalize() for c in COLOURS}
STATUS_LABELS = {ANCHORED: "anchored", MOVED: "moved", CHANGED: "changed", ORPHANED: "orphaned"}
STATUS_HELP = {
    ANCHORED: "Where it was made: same text, same place.",
    MOVED: "The same text, found elsewhere in the document (text was added or removed before it).",
    CHANGED: "The text was edited a little; found by approximate matching.",
    ORPHANED: "Not found in the current text: kept with its quote and note, tried again on every index run.",
}


def fill_colour(colour: str, dark: bool) -> QColor:
    light, deep, _edge, _dark_edge = COLOURS_HEX.get(colour, COLOURS_HEX["yellow"])
    return QColor(deep if dark else light)


def edge_colour(colour: str, dark: bool) -> QColor:
    _light, _deep, edge, dark_edge = COLOURS_HEX.get(colour, COLOURS_HEX["yellow"])
    return QColor(dark_edge if dark else edge)


def colour_icon(colour: str, dark: bool = False, size: int = 14, ring: bool = False) -> QIcon:
    """A round swatch of a highlight colour (a ring around it when it is the current one)."""
    ratio = 2
    pixmap = QPixmap(size * ratio, size * ratio)
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(edge_colour(colour, dark))
    painter.setBrush(fill_colour(colour, dark))
    inset = 3.0 if ring else 1.0
    painter.drawEllipse(QRectF(inset, inset, size - 2 * inset, size - 2 * inset))
    if ring:
        pen = painter.pen()
        pen.setColor(QColor("#F4F4F4" if dark else "#333333"))
        pen.setWidthF(1.4)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawEllipse(QRectF(0.8, 0.8, size - 1.6, size - 1.6))
    painter.end()
    return QIcon(pixmap)


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


# -- the model ---------------------------------------------------------------------------------------


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
        a: Annotation = self.sourceModel().rows[source_row]
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
            title = self.sourceModel().titles.get(a.doc_key, "")
            haystack = fold(" ".join((a.exact, a.note, " ".join(a.tags), a.file_name, title, a.status)))
            if not all(w in haystack for w in self.words):
                return False
        return True


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
        return cached_document(self._cache, option, index, width, selected, card_stylesheet, _SafeDocument)

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
        _draw_background(painter, option, index)
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
        context = QAbstractTextDocumentLayout.PaintContext()
        context.palette.setColor(QPalette.ColorRole.Text, option.palette.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text))
        context.clip = QRectF(0, 0, option.rect.width(), option.rect.height())
        doc.documentLayout().draw(painter, context)
        painter.restore()
        line = QColor(option.palette.color(QPalette.ColorRole.Text))
        line.setAlphaF(0.08)
        painter.setPen(line)
        painter.drawLine(option.rect.bottomLeft(), option.rect.bottomRight())
        top_up()


class _SafeDocument(QTextDocument):
    """Rich text that never loads anything (no images, no remote or local resources)."""

    def loadResource(self, kind: int, url: QUrl):
        return None


class NoteBrowser(QTextBrowser):
    """Shows a rendered note: links open in the system browser (http and https only), nothing is
    ever loaded (remote images and the like are refused by `loadResource`)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.anchorClicked.connect(self._open_link)
        self.blocked: list[str] = []
        self.dark = False

    def loadResource(self, kind: int, url: QUrl):
        self.blocked.append(url.toString())
        return None

    @staticmethod
    def _open_link(url: QUrl) -> None:
        if url.scheme().lower() in ("http", "https"):
            QDesktopServices.openUrl(url)

    def set_markdown(self, note: str) -> None:
        rendered = render_note(note)
        self.document().setDefaultStyleSheet(f"a {{ color: {'#8AB4F8' if self.dark else '#1F5FAF'}; }}"
                                             "p { margin-top: 0px; margin-bottom: 6px; }")
        self.setHtml(rendered or "<p style='color:gray'><i>Nothing to preview.</i></p>")


# -- the editor ----------------------------------------------------------------------------------------


class NoteEditor(QWidget):
    """Colour, tags and the Markdown note of one annotation, with a live preview. Typing is saved
    after a short pause, on leaving the field and when another annotation is chosen."""

    noteEdited = Signal(str, str)       # uuid, Markdown
    tagsEdited = Signal(str, list)      # uuid, tags
    colourChosen = Signal(str, str)     # uuid, colour
    deleteRequested = Signal(str)       # uuid
    jumpRequested = Signal(str)         # uuid
    sessionEnded = Signal()             # the next typing starts a new undo step

    SAVE_DELAY_MS = 700

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("noteEditorPanel")
        self.setAccessibleName("Note editor")
        self.annotation: Annotation | None = None
        self._loading = False
        self._saved_note = ""
        self.dark = False

        header = QHBoxLayout()
        header.setContentsMargins(0, 0, 0, 0)
        header.setSpacing(2)
        self.colour_group = QButtonGroup(self)
        self.colour_group.setExclusive(True)
        self.colour_buttons: dict[str, QToolButton] = {}
        for colour in COLOURS:
            button = QToolButton()
            button.setObjectName(f"noteColour-{colour}")
            button.setCheckable(True)
            button.setAutoRaise(True)
            button.setToolTip(f"{COLOUR_LABELS[colour]} highlight")
            button.setAccessibleName(f"{COLOUR_LABELS[colour]} highlight")
            button.setIconSize(QSize(16, 16))
            button.clicked.connect(lambda _on=False, c=colour: self._colour_clicked(c))
            self.colour_group.addButton(button)
            self.colour_buttons[colour] = button
            header.addWidget(button)
        header.addSpacing(6)
        self.status_label = plain_label()
        self.status_label.setObjectName("noteStatus")
        header.addWidget(self.status_label, 1)
        self.jump_button = QToolButton(text="Show in text")
        self.jump_button.setObjectName("noteJump")
        self.jump_button.setAutoRaise(True)
        self.jump_button.setToolTip("Scroll the text to this highlight")
        self.jump_button.clicked.connect(lambda: self.annotation and self.jumpRequested.emit(self.annotation.uuid))
        self.delete_button = QToolButton(text="Delete")
        self.delete_button.setObjectName("noteDelete")
        self.delete_button.setAutoRaise(True)
        self.delete_button.setToolTip("Delete this highlight and its note (Edit ▸ Undo brings it back)")
        self.delete_button.clicked.connect(lambda: self.annotation and self.deleteRequested.emit(self.annotation.uuid))
        header.addWidget(self.jump_button)
        header.addWidget(self.delete_button)

        self.quote = QLabel("")
        self.quote.setObjectName("noteQuote")
        self.quote.setWordWrap(True)
        self.quote.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.quote.setTextFormat(Qt.TextFormat.PlainText)

        self.tags = QLineEdit()
        self.tags.setObjectName("noteTags")
        self.tags.setAccessibleName("Tags")
        self.tags.setPlaceholderText("Tags, separated by commas")
        self.tags.setClearButtonEnabled(True)
        self.tags.editingFinished.connect(self._tags_finished)

        self.text = QPlainTextEdit()
        self.text.setObjectName("noteEditor")
        self.text.setAccessibleName("Note (Markdown)")
        self.text.setPlaceholderText("Write a note in Markdown: **bold**, *italic*, lists, [links](https://…)")
        self.text.setTabChangesFocus(True)
        self.text.textChanged.connect(self._text_changed)
        self.text.installEventFilter(self)
        self.preview = NoteBrowser()
        self.preview.setObjectName("notePreview")
        self.preview.setAccessibleName("Note preview")
        self.preview.setFrameShape(QFrame.Shape.NoFrame)

        self._save_timer = QTimer(self, singleShot=True, interval=self.SAVE_DELAY_MS)
        self._save_timer.timeout.connect(self.flush)
        self._preview_timer = QTimer(self, singleShot=True, interval=120)
        self._preview_timer.timeout.connect(lambda: self.preview.set_markdown(self.text.toPlainText()))

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 10)
        layout.setSpacing(6)
        layout.addLayout(header)
        layout.addWidget(self.quote)
        layout.addWidget(self.tags)
        note_label = QLabel("Note · Markdown")
        note_label.setProperty("role", "hint")
        layout.addWidget(note_label)
        layout.addWidget(self.text, 3)
        preview_label = QLabel("Preview")
        preview_label.setProperty("role", "hint")
        layout.addWidget(preview_label)
        layout.addWidget(self.preview, 2)
        for label in (note_label, preview_label):
            font = label.font()
            font.setPointSizeF(font.pointSizeF() * 0.85)
            label.setFont(font)
            label.setEnabled(False)
        self._update_icons()
        self.load(None)

    # -- showing -------------------------------------------------------------------------------------
    def load(self, annotation: Annotation | None) -> None:
        """Show an annotation (None: nothing). The same annotation again only updates what changed
        elsewhere (undo, another window), keeping the cursor while the text is the same."""
        same = annotation is not None and self.annotation is not None and annotation.uuid == self.annotation.uuid
        if not same:  # the controller saves pending typing (flush) before it changes the annotation shown
            self._save_timer.stop()
            self.sessionEnded.emit()
        self.annotation = annotation
        self.setEnabled(annotation is not None)
        self._loading = True
        try:
            if annotation is None:
                self.text.setPlainText("")
                self.tags.setText("")
                self.quote.setText("")
                self.status_label.setText("")
                self._saved_note = ""
                for button in self.colour_buttons.values():
                    button.setChecked(False)
                self.preview.set_markdown("")
                return
            self.colour_buttons[annotation.colour].setChecked(True)
            quote = " ".join(annotation.exact.split())
            self.quote.setText(f"“{quote[:300]}{'…' if len(quote) > 300 else ''}”")
            self._style_quote()
            self.status_label.setText(STATUS_LABELS[annotation.status] + (f" · ^{annotation.block_id}"))
            self.status_label.setToolTip(STATUS_HELP[annotation.status])
            if not self.tags.hasFocus() or not same:
                tags = ", ".join(annotation.tags)
                if self.tags.text() != tags:
                    self.tags.setText(tags)
            pending = same and self._save_timer.isActive()
            if not pending and self.text.toPlainText() != annotation.note:
                position = self.text.textCursor().position() if same else 0
                self.text.setPlainText(annotation.note)
                cursor = self.text.textCursor()
                cursor.setPosition(min(position, len(annotation.note)))
                self.text.setTextCursor(cursor)
                self.preview.set_markdown(annotation.note)
            elif not same:
                self.preview.set_markdown(annotation.note)
            if not pending:
                self._saved_note = annotation.note
        finally:
            self._loading = False

    def set_dark(self, dark: bool) -> None:
        self.dark = dark
        self.preview.dark = dark
        self._update_icons()
        self._style_quote()
        self.preview.set_markdown(self.text.toPlainText())

    def _update_icons(self) -> None:
        for colour, button in self.colour_buttons.items():
            button.setIcon(colour_icon(colour, self.dark, 16))

    def _style_quote(self) -> None:
        colour = self.annotation.colour if self.annotation is not None else "yellow"
        self.quote.setStyleSheet(f"QLabel#noteQuote {{ border: 0px; border-left-width: 3px; border-left-style: solid;"
                                 f" border-left-color: {edge_colour(colour, self.dark).name()}; padding-left: 7px;"
                                 f" font-style: italic; }}")

    def focus_note(self) -> None:
        self.text.setFocus(Qt.FocusReason.OtherFocusReason)
        self.text.moveCursor(self.text.textCursor().MoveOperation.End)

    def focus_tags(self) -> None:
        self.tags.setFocus(Qt.FocusReason.OtherFocusReason)
        self.tags.end(False)

    # -- saving --------------------------------------------------------------------------------------
    def _text_changed(self) -> None:
        if self._loading or self.annotation is None:
            return
        self._preview_timer.start()
        self._save_timer.start()

    @property
    def pending(self) -> bool:
        return self._save_timer.isActive()

    def flush(self) -> None:
        """Save typing not saved yet."""
        self._save_timer.stop()
        if self.annotation is None:
            return
        note = self.text.toPlainText()
        if note != self._saved_note:
            self._saved_note = note
            self.noteEdited.emit(self.annotation.uuid, note)

    def _tags_finished(self) -> None:
        if self._loading or self.annotation is None:
            return
        tags = list(clean_tags(parse_tags(self.tags.text())))
        shown = ", ".join(tags)
        if self.tags.text() != shown:  # the form it is kept in ("russia economy" → "russia-economy")
            self.tags.setText(shown)
        if tuple(tags) != tuple(self.annotation.tags):
            self.tagsEdited.emit(self.annotation.uuid, tags)

    def _colour_clicked(self, colour: str) -> None:
        if self.annotation is not None and colour != self.annotation.colour:
            self.colourChosen.emit(self.annotation.uuid, colour)

    def eventFilter(self, watched, event) -> bool:
        from PySide6.QtCore import QEvent

        if watched is self.text and event.type() == QEvent.Type.FocusOut:
            self.flush()
            self.sessionEnded.emit()
        return super().eventFilter(watched, event)


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

        self.scope_doc = QToolButton(text="This document")
        self.scope_doc.setObjectName("notesScopeDocument")
        self.scope_all = QToolButton(text="All documents")
        self.scope_all.setObjectName("notesScopeAll")
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

        self.filter = QLineEdit()
        self.filter.setObjectName("notesFilter")
        self.filter.setAccessibleName("Filter notes")
        self.filter.setPlaceholderText("Filter notes: words or #tag")
        self.filter.setClearButtonEnabled(True)
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
