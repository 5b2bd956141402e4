"""Commands on one document: the document list's context menu and File ▸ Open Recent.

    DocumentCommands(window)   # MainWindow.build_features, before the library actions (Remove comes last)

The context menu: Open File (in the system's application), Show in Folder, Edit Metadata…
(title, date, source; kept in user.sqlite by `reader.store.doc_metadata`, so a re-index does
not undo it), Export This Document's Notes…, then Remove from Library… (reader.ui.library_actions).
Open Recent lists the last documents opened (settings.ini `documents/recent`, by file path,
since a re-indexed document gets a new id).
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Qt, QUrl
from PySide6.QtGui import QAction, QDesktopServices
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLineEdit, QMessageBox, QVBoxLayout, QWidget

from reader.queries.documents import DocumentSummary, document_summaries
from reader.store.doc_metadata import MetadataError, metadata_overrides, normalise_date, set_metadata_override
from reader.store.sql import StorageError
from reader.ui.views import plain_label, plain_message

RECENT_KEY = "documents/recent"
RECENT_MAX = 10


class MetadataDialog(QDialog):
    """Title, date and source of one document; a field left as indexed keeps following the index."""

    def __init__(self, indexed: DocumentSummary, shown: DocumentSummary, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("metadataDialog")
        self.setWindowTitle("Edit Metadata")
        self.indexed = indexed
        self.title = self._field("metadataTitle", shown.title, indexed.title)
        self.date = self._field("metadataDate", (shown.date or "").replace("T", " "), "2025-03-14 or 2025-03-14 19:27")
        self.source = self._field("metadataSource", shown.source or "", indexed.source or "")
        self.error = plain_label()
        self.error.setObjectName("metadataError")
        self.error.setStyleSheet("color: #CC3311")
        self.error.setWordWrap(True)
        self.error.hide()
        form = QFormLayout()
        form.addRow("&Title:", self.title)
        form.addRow("&Date:", self.date)
        form.addRow("&Source:", self.source)
        note = plain_label(f"File: {indexed.path}\nA field left empty takes the value read from the file again.")
        note.setWordWrap(True)
        note.setEnabled(False)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(note)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(460)

    @staticmethod
    def _field(name: str, text: str, placeholder: str) -> QLineEdit:
        field = QLineEdit(text)
        field.setObjectName(name)
        field.setPlaceholderText(placeholder)
        field.setClearButtonEnabled(True)
        return field

    def values(self) -> tuple[str | None, str | None, str | None]:
        """What differs from the index (None: follow the index)."""
        indexed = self.indexed
        title = self.title.text().strip()
        date = normalise_date(self.date.text())
        source = self.source.text().strip()
        return (title if title and title != indexed.title else None,
                date if date and date != indexed.date else None,
                source if source and source != (indexed.source or "") else None)

    def accept(self) -> None:
        try:
            self.values()
        except MetadataError as error:   # stay open with what was typed
            self.error.setText(str(error))
            self.error.show()
            self.date.setFocus()
            return
        super().accept()


class DocumentCommands(QObject):
    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.dialog: MetadataDialog | None = None
        self.act_open_file = self._document_action("&Open File", self.open_file,
                                                   "Open the document's file in the application the system uses for it")
        self.act_show_folder = self._document_action("Show in &Folder", self.show_in_folder,
                                                     "Open the folder that holds the document's file")
        self.act_edit_metadata = self._document_action("Edit &Metadata…", self.edit_metadata,
                                                       "Correct the title, date or source")
        self.act_export_notes = self._document_action("E&xport This Document's Notes…", self.export_notes,
                                                      "Export the notes of this document as Markdown")
        separator = QAction(window)
        separator.setSeparator(True)
        window.add_document_action(separator)
        self.recent_menu = window.menus.add_menu("file", "recent", "Open &Recent")
        self.recent_menu.setObjectName("recentMenu")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        window.documentOpened.connect(self._remember)
        window.featuresReady.connect(self._load_overrides)   # the notes feature opens the user data file

    def _document_action(self, text: str, slot, tip: str) -> QAction:
        action = QAction(text, self.window)
        action.setStatusTip(tip)
        action.triggered.connect(lambda: slot())
        self.window.add_document_action(action)
        return action

    def _summary(self) -> DocumentSummary | None:
        doc_id = self.window.selected_document()
        return next((d for d in self.window.doc_model.documents if d.id == doc_id), None)

    # -- the file ---------------------------------------------------------------------------------
    def _existing_file(self) -> Path | None:
        summary = self._summary()
        if summary is None:
            return None
        path = Path(summary.path)
        if not path.exists():
            self.window.statusBar().showMessage(f"The file is no longer there: {path}", 10000)
            return None
        return path

    def open_file(self) -> None:
        path = self._existing_file()
        if path is not None and not QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
            self.window.statusBar().showMessage(f"No application could open {path.name}.", 10000)

    def show_in_folder(self) -> None:
        path = self._existing_file()
        if path is not None and not QDesktopServices.openUrl(QUrl.fromLocalFile(str(path.parent))):
            self.window.statusBar().showMessage(f"The folder could not be shown: {path.parent}", 10000)

    # -- metadata ---------------------------------------------------------------------------------
    def _user_data(self):
        """The user data file, made on first use; None (and a message) when it cannot be used."""
        notes = self.window.notes
        user = notes.user_data(create=True) if notes is not None else None
        if user is None:
            QMessageBox.warning(self.window, "Edit Metadata", plain_message(
                f"Your data file cannot be used: {notes.error if notes is not None else 'not ready'}"))
        return user

    def _load_overrides(self) -> None:
        notes = self.window.notes
        user = notes.user_data() if notes is not None else None   # no file yet: nothing to lay over
        if user is None:
            return
        try:
            overrides = metadata_overrides(user)
        except StorageError as error:
            self.window.statusBar().showMessage(f"Your corrected titles and dates cannot be read: {error}", 10000)
            return
        if overrides:
            self.window.set_metadata_overrides(overrides)

    def edit_metadata(self) -> None:
        shown = self._summary()
        if shown is None:
            return
        indexed = next(iter(document_summaries(self.window.db, [shown.id])), None)
        if indexed is None:
            return
        self.dialog = MetadataDialog(indexed, shown, self.window)
        self.dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog.accepted.connect(lambda dialog=self.dialog: self._save_metadata(dialog))
        self.dialog.open()

    def _save_metadata(self, dialog: MetadataDialog) -> None:
        user = self._user_data()
        if user is None:
            return
        try:
            set_metadata_override(user, dialog.indexed.path, *dialog.values())
            overrides = metadata_overrides(user)
        except (StorageError, MetadataError) as error:
            QMessageBox.warning(self.window, "Edit Metadata", plain_message(f"Nothing was saved: {error}"))
            return
        self.window.set_metadata_overrides(overrides)
        self.window.statusBar().showMessage("Metadata saved.", 5000)

    # -- notes ------------------------------------------------------------------------------------
    def export_notes(self) -> None:
        doc_id = self.window.selected_document()
        if self.window.notes is None or doc_id is None:
            return
        if self.window.current is None or self.window.current.summary.id != doc_id:
            self.window.open_document(doc_id)
        self.window.notes.export_markdown(this_document=True)

    # -- recent documents -------------------------------------------------------------------------
    def recent_paths(self) -> list[str]:
        value = self.window.settings.value(RECENT_KEY) or []
        return [str(v) for v in (value if isinstance(value, list) else [value]) if v]

    def _remember(self, doc_id: int) -> None:
        summary = self.window.current.summary if self.window.current is not None else None
        if summary is None or summary.id != doc_id:
            return
        paths = [summary.path, *(p for p in self.recent_paths() if p != summary.path)][:RECENT_MAX]
        self.window.settings.setValue(RECENT_KEY, paths)

    def _fill_recent(self) -> None:
        menu = self.recent_menu
        menu.clear()
        by_path = {d.path: d for d in self.window.doc_model.documents}
        current = self.window.current.summary.path if self.window.current is not None else None
        shown = [by_path[p] for p in self.recent_paths() if p in by_path and p != current]
        for i, summary in enumerate(shown, 1):
            title = (summary.title or summary.file_name).replace("&", "&&")
            action = menu.addAction(f"&{i % 10}  {title}" if i <= 10 else title)
            action.setStatusTip(summary.path)
            action.triggered.connect(lambda _on=False, doc_id=summary.id: self.window.open_document(doc_id))
        if not shown:
            menu.addAction("No recent documents").setEnabled(False)
