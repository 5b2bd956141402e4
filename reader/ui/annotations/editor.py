"""The note editor under the Notes panel: colour, tags and the Markdown note of one annotation,
with a live preview that never loads anything."""
from __future__ import annotations

from PySide6.QtCore import QSize, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QTextDocument
from PySide6.QtWidgets import (QButtonGroup, QFrame, QHBoxLayout, QLabel, QPlainTextEdit, QTextBrowser,
                               QToolButton, QVBoxLayout, QWidget)

from reader.annotations.model import COLOURS, Annotation, clean_tags
from reader.ui.annotations.model import STATUS_HELP, STATUS_LABELS, parse_tags, render_note
from reader.ui.palette import COLOUR_LABELS, colour_icon, edge_colour
from reader.ui.views import plain_label, text_field, tool_button

class SafeDocument(QTextDocument):
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
        self.jump_button = tool_button("Show in text", "noteJump", auto_raise=True)
        self.jump_button.setToolTip("Scroll the text to this highlight")
        self.jump_button.clicked.connect(lambda: self.annotation and self.jumpRequested.emit(self.annotation.uuid))
        self.delete_button = tool_button("Delete", "noteDelete", auto_raise=True)
        self.delete_button.setToolTip("Delete this highlight and its note (Edit ▸ Undo brings it back)")
        self.delete_button.clicked.connect(lambda: self.annotation and self.deleteRequested.emit(self.annotation.uuid))
        header.addWidget(self.jump_button)
        header.addWidget(self.delete_button)

        self.quote = QLabel("")
        self.quote.setObjectName("noteQuote")
        self.quote.setWordWrap(True)
        self.quote.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.quote.setTextFormat(Qt.TextFormat.PlainText)

        self.tags = text_field("noteTags", "Tags", "Tags, separated by commas")
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
