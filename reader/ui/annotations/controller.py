"""Annotations in the window: highlights in the text, the Notes panel, the mini-toolbar, undo.

`AnnotationsController(window)` wires everything into the main window without owning it:

* highlights are drawn in the reading pane as layout formats after the entity formats
  (a format layer of the `ReadingPane`): inside a highlight its colour is the background and an
  entity keeps its underline; an overlay (`overlay`) adds a solid edge under each highlight, a ✎
  badge in the margin for notes and an outline around the selected one;
* a floating toolbar by the selection (colours, note, tags), the context menu and the
  shortcuts H (highlight in the last colour) and N (note) create annotations;
* the Notes panel (`panel`, `model`, `editor`) is a panel of the window's side tabs, beside the
  cross-references; its actions go in the window's named menu sections;
* every change calls the core at once (`reader.annotations.service.Annotations`) through a
  `QUndoCommand` (`commands`), so Edit ▸ Undo / Redo take back creating, editing and deleting,
  and is announced on the window's one `changed` signal;
* the annotations are read again when the window is activated (another Reader may have
  written to the same data) and after every index run (which re-anchors them).
"""
from __future__ import annotations

import html
import logging
import sqlite3
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, Qt, QTimer
from PySide6.QtGui import QAction, QActionGroup, QKeySequence, QTextCharFormat, QTextCursor, QUndoStack
from PySide6.QtWidgets import QApplication, QMenu, QMessageBox, QToolTip, QWidget

from reader import paths
from reader.annotations.model import COLOURS, DEFAULT_COLOUR, Annotation, AnnotationError
from reader.store.sql import DatabaseBusy, StorageError
from reader.ui import palette
from reader.ui.annotations.commands import AnnotationCommand, CreateCommand, DeleteCommand, EditCommand
from reader.ui.annotations.model import UuidRole, render_note
from reader.ui.annotations.overlay import HighlightOverlay, SelectionToolbar
from reader.ui.annotations.panel import NotesPanel
from reader.ui.jobs import Changes
from reader.ui.palette import COLOUR_LABELS, colour_icon, fill_colour
from reader.ui.views import plain_message

log = logging.getLogger(__name__)

SELECTION_TOOLBAR_DELAY_MS = 160
# A note is written on the UI thread: another process holding the notes file's lock may delay it
# this long at most; then the change is refused with a message (and undone), never a frozen window.
NOTES_BUSY_TIMEOUT_S = 2.0


BUSY_MESSAGE = ("Notes: the notes file is busy (another Reader is writing to it); the change was not saved. "
                "Try again in a moment.")


def change_failed_message(error: Exception) -> str:
    if isinstance(error, sqlite3.OperationalError) and ("locked" in str(error) or "busy" in str(error)):
        return BUSY_MESSAGE
    return f"Notes: {error}"


class AnnotationsController(QObject):
    """Annotations for one main window: see the module docstring."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.pane = window.pane
        self.settings = window.settings
        self.path: Path = paths.user_data_path(window.context.data_dir)
        self._user = None
        self._service = None
        self.error: str | None = None
        self.annotations: list[Annotation] = []
        self.by_uuid: dict[str, Annotation] = {}
        self.active: str | None = None
        self.dark = False
        self._closed = False
        self._syncing = False
        self._session = 0
        self._press: QPoint | None = None
        self.last_created: str | None = None
        colour = str(self.settings.value("notes/colour", DEFAULT_COLOUR))
        self.colour = colour if colour in COLOURS else DEFAULT_COLOUR

        self.undo_stack = QUndoStack(self)
        self.panel = NotesPanel()
        self.editor = self.panel.editor
        self.tabs = window.side_tabs
        self.act_show_notes = self.tabs.add_panel("notes", self.panel, "Notes", "Notes", shortcut="Ctrl+Shift+N",
                                                  tip="Show the Notes panel beside the cross-references").toggle
        self.toolbar = SelectionToolbar(self.pane)
        self.overlay = HighlightOverlay(self, self.pane)
        self.overlay.sync_geometry()
        self._toolbar_timer = QTimer(self, singleShot=True, interval=SELECTION_TOOLBAR_DELAY_MS)
        self._toolbar_timer.timeout.connect(self._show_selection_toolbar)
        self._build_actions()
        self._install_menus()
        self._connect()
        self.pane.add_format_layer(self._formats)
        self._restore_settings()
        self.set_dark(window.dark)
        self.refresh(force=True)
        if window.current is not None:
            self._document_opened(window.current.summary.id)

    # -- the core --------------------------------------------------------------------------------------
    def service(self, create: bool = False):
        """The annotations API over the user data file; None if there is no file yet (and `create`
        is False) or it cannot be used (`error` says why)."""
        if self._service is None and not self._closed:
            if self.error is not None or (not create and not self.path.exists()):
                return None
            from reader.annotations.service import Annotations
            from reader.store.userdata import UserData

            try:
                self._user = UserData(self.path, busy_timeout=NOTES_BUSY_TIMEOUT_S)
            except StorageError as error:
                self.error = str(error)
                self.panel.set_unavailable(self.error)
                return None
            self._service = Annotations(db=self.window.db, user=self._user)
        return self._service

    def user_data(self, create: bool = False):
        """The user data file (`UserData`) the notes use, for the window's other records of the
        user's (corrected titles and dates); None as for `service`."""
        return self._user if self.service(create) is not None else None

    def run(self, change, command: AnnotationCommand | None = None) -> bool:
        """Carry out a change through the core, then show the result; errors become messages."""
        notes = self.service(create=True)
        if notes is None:
            if command is not None:
                command.setObsolete(True)
            self._problem("Notes are unavailable", self.error or "The notes file cannot be opened.")
            return False
        try:
            change(notes)
        except DatabaseBusy as error:   # another Reader is writing: a moment later it works
            log.warning("annotation change refused: %s", error)
            self.window.statusBar().showMessage(BUSY_MESSAGE, 8000)
            if command is not None:
                command.setObsolete(True)
            self.refresh()
            return False
        except StorageError as error:   # disk full, read-only, damaged: nothing was saved, say so plainly
            self._problem("Notes not saved", str(error))
            if command is not None:
                command.setObsolete(True)
            self.refresh()
            return False
        except (AnnotationError, sqlite3.Error) as error:
            log.warning("annotation change failed: %s", error)
            self.window.statusBar().showMessage(change_failed_message(error), 8000)
            if command is not None:
                command.setObsolete(True)   # the stack drops it: nothing to undo
            self.refresh()
            return False
        self.window.jobs.announce(Changes(annotations=True))   # this panel and others refresh from it
        return True

    def _problem(self, title: str, message: str) -> None:
        QMessageBox.warning(self.window, title, plain_message(message))

    def refresh(self, force: bool = False) -> None:
        """Read the annotations again (cheap) and update the text, the panel and the counts if they changed."""
        if self._closed:
            return
        notes = self.service()
        try:
            current = notes.list_all() if notes is not None else []
        except (AnnotationError, StorageError, sqlite3.Error) as error:
            log.warning("reading annotations failed: %s", error)
            current = self.annotations
        changed = force or current != self.annotations
        self.annotations = current
        self.by_uuid = {a.uuid: a for a in current}
        if self.active is not None and self.active not in self.by_uuid:
            self.active = None
            if self.toolbar.editing is not None:
                self.toolbar.hide()
        if changed:
            documents = self.window.documents()
            titles = {d.key: d.title or d.file_name for d in documents}
            keep = self.active or self.panel.current_uuid()
            self._syncing = True
            try:
                self.panel.set_annotations(self._ordered(current, documents), titles)
                if keep in self.by_uuid:
                    self.panel.select(keep, reveal=False)
            finally:
                self._syncing = False
            self.pane.refresh_highlights()
            self.overlay.update()
            self.window.set_document_badges(self.note_counts())
            self._update_tab_title()
        self.editor.load(self.by_uuid.get(self.active) if self.active else None)
        self._update_actions()

    @staticmethod
    def _ordered(notes: list[Annotation], documents: list) -> list[Annotation]:
        """By document (newest first, as in the list), then in text order, orphans last."""
        by_date = sorted(sorted(documents, key=lambda d: ((d.title or d.file_name).casefold(), d.id)),
                         key=lambda d: d.date or "", reverse=True)
        rank = {d.key: i for i, d in enumerate(by_date)}
        name_rank = {}
        for i, d in enumerate(by_date):
            name_rank.setdefault(d.file_name, i)
        last = len(by_date)

        def key(a: Annotation):
            place = rank.get(a.doc_key, name_rank.get(a.file_name, last)) if not a.orphaned else \
                name_rank.get(a.file_name, rank.get(a.doc_key, last))
            return (place, a.file_name if place == last else "", a.orphaned, a.position, a.cur_end or 0, a.created)

        return sorted(notes, key=key)

    def note_counts(self) -> dict[int, int]:
        """Document id → annotations attached to it (the document list's ✎ badges)."""
        ids = {d.key: d.id for d in self.window.documents()}
        counts: dict[int, int] = {}
        for a in self.annotations:
            if not a.orphaned and a.doc_key in ids:
                counts[ids[a.doc_key]] = counts.get(ids[a.doc_key], 0) + 1
        return counts

    def current_notes(self) -> list[Annotation]:
        """The open document's highlights (those found in its text), in text order."""
        detail = self.pane.detail
        if detail is None:
            return []
        key = detail.summary.key
        found = [a for a in self.annotations if a.doc_key == key and not a.orphaned and a.cur_start is not None]
        return sorted(found, key=lambda a: (a.cur_start, -(a.cur_end or 0)))

    def annotations_at(self, offset: int | None) -> list[Annotation]:
        if offset is None:
            return []
        found = [a for a in self.current_notes() if a.cur_start <= offset < a.cur_end]
        return sorted(found, key=lambda a: a.cur_end - a.cur_start)

    def _formats(self, dark: bool):
        ink = palette.text_colour(dark)
        formats: dict[str, QTextCharFormat] = {}
        result = []
        for a in self.current_notes():
            fmt = formats.get(a.colour)
            if fmt is None:
                fmt = formats[a.colour] = QTextCharFormat()
                fmt.setBackground(fill_colour(a.colour, dark))
                fmt.setForeground(ink)
            result.append((a.cur_start, a.cur_end, fmt))
        return result

    # -- changes -----------------------------------------------------------------------------------------
    def selection_range(self) -> tuple[int, int] | None:
        """The selected text as document offsets, without surrounding white space; None if nothing."""
        detail = self.pane.detail
        found = self.pane.selection_document_range()
        if detail is None or found is None:
            return None
        start, end = found
        text = detail.text
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        return (start, end) if end > start else None

    def highlight(self, colour: str | None = None) -> str | None:
        """Highlight the selection (in `colour`, else the last colour used); returns its uuid.
        A selection that is exactly an existing highlight changes that highlight's colour."""
        found = self.selection_range()
        detail = self.pane.detail
        if found is None or detail is None:
            return None
        colour = colour if colour in COLOURS else self.colour
        self._remember_colour(colour)
        start, end = found
        same = next((a for a in self.current_notes() if (a.cur_start, a.cur_end) == (start, end)), None)
        if same is not None:
            if same.colour != colour:
                self.set_colour(same.uuid, colour)
            uuid = same.uuid
        else:
            if self.service(create=True) is None:
                self._problem("Notes are unavailable", self.error or "The notes file cannot be opened.")
                return None
            self.last_created = None
            self.undo_stack.push(CreateCommand(self, detail.summary.id, start, end, colour))
            uuid = self.last_created   # None if it failed (the stack has dropped the command)
            if uuid is None:
                return None
        cursor = self.pane.textCursor()
        cursor.clearSelection()
        self.pane.setTextCursor(cursor)
        self.toolbar.hide()
        self.set_active(uuid)
        return uuid

    def add_note(self) -> str | None:
        """N: highlight the selection (if any) and write its note in the panel's editor."""
        return self._highlight_and_edit(self.editor.focus_note)

    def add_tags(self) -> str | None:
        """Highlight the selection (if any) and type its tags in the panel's editor."""
        return self._highlight_and_edit(self.editor.focus_tags)

    def _highlight_and_edit(self, focus) -> str | None:
        uuid = self.highlight() if self.selection_range() is not None else self.active
        if uuid is None:
            return None
        self.show_panel()
        self.set_active(uuid)
        focus()
        return uuid

    def set_note(self, uuid: str, note: str) -> None:
        before = self._stored(uuid)
        if before is not None and before.note != note:
            self.undo_stack.push(EditCommand(self, uuid, "note", before.note, note, self._session))

    def set_tags(self, uuid: str, tags: list[str]) -> None:
        before = self._stored(uuid)
        if before is not None and tuple(before.tags) != tuple(tags):
            self.undo_stack.push(EditCommand(self, uuid, "tags", list(before.tags), list(tags)))

    def set_colour(self, uuid: str, colour: str) -> None:
        before = self._stored(uuid)
        if before is not None and before.colour != colour:
            self._remember_colour(colour)
            self.undo_stack.push(EditCommand(self, uuid, "colour", before.colour, colour))

    def delete(self, uuid: str | None = None) -> None:
        uuid = uuid or self.active
        if uuid is None or uuid not in self.by_uuid:
            return
        if uuid == self.active:
            self.editor.flush()
        self.undo_stack.push(DeleteCommand(self, uuid))
        if self.toolbar.editing == uuid:
            self.toolbar.hide()
        self.window.statusBar().showMessage("Highlight deleted. Edit ▸ Undo (Ctrl+Z) brings it back.", 6000)

    def undo(self) -> None:
        self.editor.flush()
        done = self.undo_stack.undoText()
        self.undo_stack.undo()
        if done:   # replaces what the step said ("Highlight deleted…" is no longer true)
            self.window.statusBar().showMessage(f"Undone: {done}.", 4000)

    def redo(self) -> None:
        self.editor.flush()
        self.undo_stack.redo()

    def _stored(self, uuid: str) -> Annotation | None:
        notes = self.service()
        try:
            return notes.get(uuid) if notes is not None else None
        except (AnnotationError, StorageError, sqlite3.Error) as error:
            self.window.statusBar().showMessage(f"Notes: {error}", 8000)
            self.refresh()
            return None

    def _remember_colour(self, colour: str) -> None:
        if colour in COLOURS and colour != self.colour:
            self.colour = colour
            self.settings.setValue("notes/colour", colour)
        for action in self.colour_actions.actions():
            action.setChecked(action.data() == self.colour)

    # -- selection and navigation ----------------------------------------------------------------------
    def set_active(self, uuid: str | None, select_in_panel: bool = True) -> None:
        """The highlight selected (outlined in the text, current in the panel, in the editor)."""
        if uuid != self.active:
            self.editor.flush()
            self._session += 1
        self.active = uuid if uuid in self.by_uuid else None
        if select_in_panel and not self._syncing:
            self._syncing = True
            try:
                self.panel.select(self.active)
            finally:
                self._syncing = False
        self.editor.load(self.by_uuid.get(self.active) if self.active else None)
        self.overlay.update()
        self._update_actions()

    def jump_to(self, uuid: str) -> None:
        """Open the annotation's document, scroll to it and flash it (orphans: their file, if indexed)."""
        a = self.by_uuid.get(uuid)
        if a is None:
            return
        self.set_active(uuid)
        documents = self.window.documents()
        if not a.orphaned and a.cur_start is not None:
            doc = next((d for d in documents if d.key == a.doc_key), None)
            if doc is not None:
                self.window.open_document(doc.id, offset=a.cur_start, flash=(a.cur_start, a.cur_end))
                self.overlay.update()
                return
        doc = next((d for d in documents if d.file_name == a.file_name), None)
        if doc is not None and (self.window.current is None or self.window.current.summary.id != doc.id):
            self.window.open_document(doc.id)
        self.window.statusBar().showMessage(
            f"This note's text is no longer in {a.file_name}; it is kept with the quote it was made on.", 8000)

    def show_panel(self) -> None:
        self.tabs.show_panel("notes")

    def _panel_current_changed(self, current, _previous) -> None:
        if self._syncing:
            return
        uuid = current.data(UuidRole) if current.isValid() else None
        self.set_active(uuid, select_in_panel=False)

    def _panel_chosen(self, index) -> None:
        uuid = index.data(UuidRole)
        if uuid:
            self.jump_to(uuid)

    def _document_opened(self, _doc_id: int) -> None:
        detail = self.window.current
        self.panel.set_document_scope((detail.summary.key, detail.summary.file_name) if detail else None)
        self.toolbar.hide()
        active = self.by_uuid.get(self.active) if self.active else None
        if active is not None and detail is not None and active.doc_key != detail.summary.key \
                and not self.panel.all_documents:
            self.set_active(None)
        self.overlay.update()
        self._update_tab_title()
        self._update_actions()

    # -- the pane: selection toolbar, clicks, tooltips, context menu -------------------------------------
    def _selection_changed(self) -> None:
        self._update_actions()
        if not self.pane.textCursor().hasSelection():
            if self.toolbar.editing is None:
                self.toolbar.hide()
            self._toolbar_timer.stop()
            return
        self._toolbar_timer.start()

    def _show_selection_toolbar(self) -> None:
        if QApplication.mouseButtons() & Qt.MouseButton.LeftButton:
            self._toolbar_timer.start()   # still dragging
            return
        if self.selection_range() is None or self.service(create=False) is None and self.error:
            self.toolbar.hide()
            return
        cursor = self.pane.textCursor()
        first, last = QTextCursor(cursor), QTextCursor(cursor)
        first.setPosition(cursor.selectionStart())
        last.setPosition(cursor.selectionEnd())
        self.toolbar.set_mode(None, None, self.colour)
        self._place_toolbar(self.pane.cursorRect(first), self.pane.cursorRect(last))

    def _place_toolbar(self, first: QRect, last: QRect) -> None:
        viewport = self.pane.viewport()
        offset = viewport.geometry().topLeft()
        first, last = first.translated(offset), last.translated(offset)
        bounds = viewport.geometry()
        if last.bottom() < bounds.top() or first.top() > bounds.bottom():
            self.toolbar.hide()
            return
        self.toolbar.place(first, last, bounds)

    def _show_edit_toolbar(self, a: Annotation) -> None:
        rects = self.overlay.line_rects(a.cur_start, a.cur_end)
        if not rects:
            return
        viewport = self.pane.viewport().geometry()
        first, last = rects[0].toAlignedRect(), rects[-1].toAlignedRect()
        self.toolbar.set_mode(a.uuid, a.colour)
        # line_rects are in overlay coordinates (x from the pane's left, y from the viewport's top)
        self.toolbar.place(first.translated(0, viewport.top()), last.translated(0, viewport.top()), viewport)

    def _reposition_toolbar(self) -> None:
        if not self.toolbar.isVisible():
            return
        if self.toolbar.editing is not None:
            a = self.by_uuid.get(self.toolbar.editing)
            if a is None or a.cur_start is None:
                self.toolbar.hide()
            else:
                self._show_edit_toolbar(a)
        elif self.pane.textCursor().hasSelection():
            self._show_selection_toolbar()

    def _toolbar_colour(self, colour: str) -> None:
        if self.toolbar.editing is not None:
            uuid = self.toolbar.editing
            self.set_colour(uuid, colour)
            a = self.by_uuid.get(uuid)
            if a is not None:
                self.toolbar.set_mode(uuid, a.colour)
        else:
            self.highlight(colour)

    def _toolbar_note(self) -> None:
        self._toolbar_edit(self.editor.focus_note)

    def _toolbar_tags(self) -> None:
        self._toolbar_edit(self.editor.focus_tags)

    def _toolbar_edit(self, focus) -> None:
        """The toolbar's Note or Tags: edit the highlight it shows, or highlight the selection first."""
        if self.toolbar.editing is not None:
            self.set_active(self.toolbar.editing)
            self.toolbar.hide()
            self.show_panel()
            focus()
        else:
            self._highlight_and_edit(focus)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self._closed:
            return False
        kind = event.type()
        if watched is self._viewport:
            if kind == QEvent.Type.ToolTip:
                return self._tooltip(event.pos(), event.globalPos())
            if kind == QEvent.Type.MouseButtonPress and event.button() == Qt.MouseButton.LeftButton:
                self._press = event.position().toPoint()
                if self.toolbar.editing is not None:
                    self.toolbar.hide()
            elif kind == QEvent.Type.MouseButtonRelease and event.button() == Qt.MouseButton.LeftButton:
                point, press = event.position().toPoint(), self._press
                self._press = None
                if press is not None and (point - press).manhattanLength() <= \
                        QApplication.styleHints().startDragDistance():
                    QTimer.singleShot(0, lambda p=point: self._clicked(p))
            elif kind in (QEvent.Type.Resize, QEvent.Type.Move):
                self.overlay.sync_geometry()
        elif watched is self.pane:
            if kind in (QEvent.Type.Resize, QEvent.Type.LayoutRequest):
                self.overlay.sync_geometry()
        return False

    def _clicked(self, point: QPoint) -> None:
        """A click in the text (not a drag): a highlight under it becomes the selected one."""
        if self._closed or self.pane.textCursor().hasSelection():
            return
        found = self.annotations_at(self.pane.offset_at(point))
        if not found:
            if self.active is not None:
                self.set_active(None)
            return
        a = found[0]
        self.set_active(a.uuid)
        if self.pane.mention_at(point) is None:
            self.show_panel()
        self._show_edit_toolbar(a)

    def _tooltip(self, point: QPoint, global_point: QPoint) -> bool:
        offset = self.pane.offset_at(point)
        found = self.annotations_at(offset)
        if not found:
            return False
        parts = []
        for a in found[:3]:
            tags = " ".join(f"#{html.escape(t)}" for t in a.tags)
            swatch = fill_colour(a.colour, self.pane.dark).name()
            head = (f"<span style='background:{swatch}'>&nbsp;&nbsp;&nbsp;</span>&nbsp;"
                    f"<b>{html.escape(COLOUR_LABELS[a.colour])} highlight</b>"
                    + (f" &nbsp;<span style='color:gray'>{tags}</span>" if tags else ""))
            body = render_note(a.note) or \
                "<p style='color:gray'><i>No note. Press N or click ✎ Note to write one.</i></p>"
            parts.append(f"<div>{head}</div>{body}")
        mention = self.pane.mention_at_offset(offset)
        if mention is not None:
            parts.append("<hr>" + self.pane.tooltip_text(mention))
        else:
            parts.append("<div style='color:gray'>Click to select it in the Notes panel</div>")
        QToolTip.showText(global_point, "<qt>" + "".join(parts) + "</qt>", self.pane.viewport())
        return True

    def _context_menu(self, menu: QMenu, point: QPoint) -> None:
        """Annotation items at the top of the reading pane's context menu."""
        first = menu.actions()[0] if menu.actions() else None
        items: list[QAction | None] = []
        if self.selection_range() is not None:
            items += [self.act_highlight, self.act_note, self.act_tags]
            colours = QMenu("Highlight in", menu)
            for colour in COLOURS:
                colours.addAction(colour_icon(colour, self.pane.dark), COLOUR_LABELS[colour],
                                  lambda c=colour: self.highlight(c))
            items.append(colours.menuAction())
        else:
            found = self.annotations_at(self.pane.offset_at(point))
            if found:
                a = found[0]
                self.set_active(a.uuid)
                edit = QAction("Edit Note…" if a.note.strip() else "Add Note…", menu)
                edit.triggered.connect(lambda _on=False, u=a.uuid: (self.set_active(u), self.show_panel(),
                                                                   self.editor.focus_note()))
                tags = QAction("Edit Tags…", menu)
                tags.triggered.connect(lambda _on=False, u=a.uuid: (self.set_active(u), self.show_panel(),
                                                                   self.editor.focus_tags()))
                colours = QMenu("Colour", menu)
                for colour in COLOURS:
                    action = colours.addAction(colour_icon(colour, self.pane.dark, ring=colour == a.colour),
                                               COLOUR_LABELS[colour], lambda c=colour, u=a.uuid: self.set_colour(u, c))
                    action.setEnabled(colour != a.colour)
                delete = QAction("Delete Highlight", menu)
                delete.triggered.connect(lambda _on=False, u=a.uuid: self.delete(u))
                items += [edit, tags, colours.menuAction(), delete]
        if not items:
            return
        for item in items:
            menu.insertAction(first, item)
        if first is not None:
            menu.insertSeparator(first)

    # -- window integration ------------------------------------------------------------------------------
    def _build_actions(self) -> None:
        window = self.window

        def action(text: str, slot, shortcuts=(), tip: str = "", widget: QWidget | None = None) -> QAction:
            act = QAction(text, window)
            if shortcuts:
                act.setShortcuts([QKeySequence(s) if isinstance(s, str) else s for s in shortcuts])
            if tip:
                act.setStatusTip(tip)
                act.setToolTip(tip)
            act.triggered.connect(lambda _on=False: slot())
            if widget is not None:  # the shortcut only while that widget has the focus
                act.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
                widget.addAction(act)
            else:
                window.addAction(act)
            return act

        undo_keys = QKeySequence.keyBindings(QKeySequence.StandardKey.Undo)
        redo_keys = [k for k in QKeySequence.keyBindings(QKeySequence.StandardKey.Redo)]
        if QKeySequence("Ctrl+Shift+Z") not in redo_keys:
            redo_keys.insert(0, QKeySequence("Ctrl+Shift+Z"))
        self.act_undo = action("&Undo", self.undo, undo_keys or ["Ctrl+Z"])
        self.act_redo = action("&Redo", self.redo, redo_keys)
        self.act_undo.setObjectName("actionUndo")
        self.act_redo.setObjectName("actionRedo")
        self.undo_stack.canUndoChanged.connect(self.act_undo.setEnabled)
        self.undo_stack.canRedoChanged.connect(self.act_redo.setEnabled)
        self.undo_stack.undoTextChanged.connect(
            lambda text: self.act_undo.setText(f"&Undo {text}" if text else "&Undo"))
        self.undo_stack.redoTextChanged.connect(
            lambda text: self.act_redo.setText(f"&Redo {text}" if text else "&Redo"))
        self.act_undo.setEnabled(False)
        self.act_redo.setEnabled(False)
        self.act_highlight = action("&Highlight Selection", lambda: self.highlight(), ["H"],
                                    "Highlight the selected text in the last colour used (H)", self.pane)
        self.act_note = action("&Note on Selection…", self.add_note, ["N"],
                               "Highlight the selected text and write a note (N)", self.pane)
        self.act_tags = action("&Tags on Selection…", self.add_tags, (), "Highlight the selected text and tag it")
        self.act_delete = action("&Delete Highlight", lambda: self.delete(), (), "Delete the selected highlight")
        self.colour_actions = QActionGroup(self)
        for colour in COLOURS:
            act = QAction(colour_icon(colour), COLOUR_LABELS[colour], self.colour_actions, checkable=True)
            act.setData(colour)
            act.setChecked(colour == self.colour)
            act.triggered.connect(lambda _on=False, c=colour: self._colour_action(c))
        self.act_export = action("&Export Notes…", self._export_markdown, (),
                                 "Export notes as Markdown (for Obsidian and other notes apps)")
        self.act_export_json = action("Export Notes as &W3C JSON…", self._export_json, (),
                                      "Export every note as W3C Web Annotation JSON (a backup)")
        self.act_import_json = action("&Import Notes (W3C JSON)…", self._import_json, (),
                                      "Import W3C Web Annotation JSON")

    def _colour_action(self, colour: str) -> None:
        self._remember_colour(colour)
        if self.selection_range() is not None:
            self.highlight(colour)
        elif self.active is not None:
            self.set_colour(self.active, colour)

    def _install_menus(self) -> None:
        menus = self.window.menus
        menus.add("file", "notes", self.act_export, self.act_export_json, self.act_import_json)
        menus.add("edit", "undo", self.act_undo, self.act_redo)
        menus.add("edit", "annotate", self.act_highlight)
        self._colour_menu = menus.add_menu("edit", "annotate", "Highlight &Colour")
        self._colour_menu.addActions(self.colour_actions.actions())
        menus.add("edit", "annotate", self.act_note, self.act_tags, self.act_delete)
        menus.add("view", "panels", self.act_show_notes)

    def _connect(self) -> None:
        window, pane = self.window, self.pane
        pane.selectionChanged.connect(self._selection_changed)
        pane.contextMenuAboutToShow.connect(self._context_menu)
        pane.verticalScrollBar().valueChanged.connect(lambda _v: (self.overlay.update(), self._reposition_toolbar()))
        pane.zoomChanged.connect(lambda _z: QTimer.singleShot(0, lambda: (self.overlay.sync_geometry(),
                                                                          self.overlay.update())))
        self._viewport = pane.viewport()
        self._viewport.installEventFilter(self)
        pane.installEventFilter(self)
        window.activeChanged.connect(self._window_active)
        window.schemeChanged.connect(self.set_dark)
        window.closing.connect(self.shutdown)
        window.documentOpened.connect(self._document_opened)
        window.jobs.changed.connect(self._library_changed)
        self.toolbar.note_button.clicked.connect(self._toolbar_note)
        self.toolbar.tags_button.clicked.connect(self._toolbar_tags)
        self.toolbar.delete_button.clicked.connect(lambda: self.toolbar.editing and self.delete(self.toolbar.editing))
        for colour, button in self.toolbar.colour_buttons.items():
            button.clicked.connect(lambda _on=False, c=colour: self._toolbar_colour(c))
        panel = self.panel
        panel.view.selectionModel().currentChanged.connect(self._panel_current_changed)
        panel.view.chosen.connect(self._panel_chosen)
        panel.view.deleteRequested.connect(self.delete)
        panel.view.editRequested.connect(lambda uuid: (self.set_active(uuid), self.editor.focus_note()))
        panel.scopeChanged.connect(lambda _all: (panel.refresh_scope(), self._update_tab_title()))
        self.editor.noteEdited.connect(self.set_note)
        self.editor.tagsEdited.connect(self.set_tags)
        self.editor.colourChosen.connect(self.set_colour)
        self.editor.deleteRequested.connect(self.delete)
        self.editor.jumpRequested.connect(self.jump_to)
        self.editor.sessionEnded.connect(self._end_session)
        app = QApplication.instance()
        if app is not None:
            app.applicationStateChanged.connect(self._application_state)

    def _library_changed(self, changes: Changes) -> None:
        """Documents came or went, or annotations were edited or re-anchored: read them again."""
        if changes.documents or changes.annotations:
            self.refresh(force=True)

    def _end_session(self) -> None:
        self._session += 1

    def _application_state(self, state) -> None:
        if state == Qt.ApplicationState.ApplicationActive:
            self.refresh()
        else:
            self.editor.flush()

    def _window_active(self, active: bool) -> None:
        if active:
            self.refresh()       # another Reader may have written to the same notes
        else:
            self.editor.flush()

    def _update_tab_title(self) -> None:
        detail = self.window.current
        if self.panel.all_documents or detail is None:
            count = len(self.annotations)
        else:
            count = sum(1 for a in self.annotations if a.doc_key == detail.summary.key
                        or (a.orphaned and a.file_name == detail.summary.file_name))
        self.tabs.set_title("notes", f"Notes ({count})" if count else "Notes")

    def _update_actions(self) -> None:
        has_selection = self.selection_range() is not None and self.error is None
        self.act_highlight.setEnabled(has_selection)
        self.act_tags.setEnabled(has_selection or self.active is not None)
        self.act_note.setEnabled(has_selection or self.active is not None)
        self.act_delete.setEnabled(self.active is not None)
        has_notes = bool(self.annotations)
        self.act_export.setEnabled(has_notes)
        self.act_export_json.setEnabled(has_notes)
        self.act_import_json.setEnabled(self.error is None)

    def set_dark(self, dark: bool) -> None:
        self.dark = dark
        self.panel.set_dark(dark)
        self.toolbar.set_dark(dark)
        self.overlay.update()

    # -- settings, closing ------------------------------------------------------------------------------
    def _restore_settings(self) -> None:
        s = self.settings
        self.panel.set_all_documents(s.value("notes/allDocuments", False) in (True, "true"))
        state = s.value("notes/splitter")
        if state is not None and hasattr(state, "isEmpty") and not state.isEmpty():
            self.panel.splitter.restoreState(state)
        else:
            self.panel.splitter.setSizes([330, 470])
        self.act_show_notes.setChecked(s.value("notes/showPanel", True) not in (False, "false"))
        if s.value("notes/tab") == "notes" and self.act_show_notes.isChecked():
            self.tabs.setCurrentWidget(self.panel)

    def save_settings(self) -> None:
        if self._closed:
            return
        s = self.settings
        s.setValue("notes/colour", self.colour)
        s.setValue("notes/allDocuments", self.panel.all_documents)
        s.setValue("notes/splitter", self.panel.splitter.saveState())
        s.setValue("notes/showPanel", self.act_show_notes.isChecked())
        s.setValue("notes/tab", "notes" if self.tabs.currentWidget() is self.panel else "xref")

    def shutdown(self) -> None:
        """Save pending typing and close the notes file (the window calls it when it closes)."""
        if self._closed:
            return
        self.editor.flush()
        self.save_settings()
        self._toolbar_timer.stop()
        self._closed = True
        for watched in (self._viewport, self.pane):
            watched.removeEventFilter(self)
        app = QApplication.instance()
        if app is not None:
            try:
                app.applicationStateChanged.disconnect(self._application_state)
            except (RuntimeError, TypeError):
                pass
        self.pane.remove_format_layer(self._formats)
        if self._user is not None:
            self._user.close()
        self._user = self._service = None

    # -- export and import (reader.ui.export_dialog) -----------------------------------------------------
    def _export_markdown(self) -> None:
        self.export_markdown()

    def export_markdown(self, this_document: bool = False) -> None:
        """Export Notes… (`this_document`: starting on the document shown)."""
        from reader.ui.export_dialog import export_markdown

        self.editor.flush()
        export_markdown(self, this_document=this_document)

    def _export_json(self) -> None:
        from reader.ui.export_dialog import export_json

        self.editor.flush()
        export_json(self)

    def _import_json(self) -> None:
        from reader.ui.export_dialog import import_json

        self.editor.flush()
        import_json(self)
