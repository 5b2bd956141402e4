"""The window's library commands: import files and folders (File menu, drag and drop), remove a
document (File menu, the document list's context menu, Delete on the list), the import report.

    window.build_features()   # MainWindow: LibraryActions(self), once the first frame is painted

The actions go in the File menu's "import" and "remove" sections (reader.ui.menus); the remove
action is also a document action of the window (`add_document_action`: the list's context menu
and Delete on the list), and drops on the window are imports (`set_drop_handler`). The work runs
as jobs on the window's runner through `LibraryJobs` (reader.ui.importing).
"""
from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMessageBox

from reader import paths
from reader.queries.documents import document_summaries
from reader.store import scan
from reader.ui.importing import IMPORT, LibraryJobs

log = logging.getLogger(__name__)

IMPORT_FILTER = f"Documents ({scan.dialog_patterns()});;All files (*)"   # the suffixes a sync imports
KEEP, DELETE = "keep", "delete"


class LibraryActions(QObject):
    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.jobs = LibraryJobs(window)

        self.act_import_files = self._action("Import &Files…", self.import_files, QKeySequence.StandardKey.Open,
                                             "Add documents to the library")
        self.act_import_folder = self._action("Import F&older…", self.import_folder, "Ctrl+Shift+O",
                                              "Add every document in a folder and its subfolders")
        self.act_import_report = self._action("Import &Report…", lambda: self.jobs.show_report(), tip=
                                              "What the last import did, file by file")
        self.act_import_report.setEnabled(False)
        self.act_remove = QAction("&Remove from Library…", window)
        self.act_remove.setStatusTip("Take the selected document out of the library (the file stays)")
        self.act_remove.setShortcuts([QKeySequence(QKeySequence.StandardKey.Delete), QKeySequence("Backspace")])
        self.act_remove.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)  # only on the list
        self.act_remove.triggered.connect(lambda: self.remove_document())
        window.add_document_action(self.act_remove)
        window.menus.add("file", "import", self.act_import_files, self.act_import_folder, self.act_import_report)
        window.menus.add("file", "remove", self.act_remove)
        window.set_drop_handler(self.import_paths)
        self.jobs.jobFinished.connect(self._job_finished)

    def _action(self, text: str, slot, shortcut=None, tip: str = "") -> QAction:
        action = QAction(text, self.window)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
        action.triggered.connect(slot)
        self.window.addAction(action)
        return action

    # -- importing -----------------------------------------------------------------------------
    def _start_folder(self) -> str:
        value = self.window.settings.value("import/lastFolder", "")
        return str(value) if value and Path(str(value)).is_dir() else str(Path.home())

    def _remember_folder(self, folder: Path) -> None:
        self.window.settings.setValue("import/lastFolder", str(folder))

    def import_files(self) -> None:
        chosen, _filter = QFileDialog.getOpenFileNames(self.window, "Import Files", self._start_folder(),
                                                       IMPORT_FILTER)
        if chosen:
            self._remember_folder(Path(chosen[0]).parent)
            self.import_paths([Path(p) for p in chosen])

    def import_folder(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self.window, "Import Folder", self._start_folder())
        if chosen:
            self._remember_folder(Path(chosen))
            self.import_paths([Path(chosen)])

    def import_paths(self, paths_: list[Path]) -> None:
        self.jobs.import_paths(paths_)

    def _job_finished(self, kind: str, report) -> None:
        if kind == IMPORT and report is not None:
            self.act_import_report.setEnabled(True)

    # -- removing ------------------------------------------------------------------------------
    def notes_on(self, key: str) -> int:
        """How many annotations are attached to the document with this content hash."""
        path = paths.user_data_path(self.window.context.data_dir)
        if not path.exists():
            return 0
        from reader.annotations.storage import AnnotationStore

        notes = AnnotationStore.open(path)
        try:
            return sum(1 for a in notes.annotations([key]) if a.doc_key == key)
        finally:
            notes.close()

    def confirm_removal(self, title: str, notes: int) -> str | None:
        """Ask before removing: KEEP (notes kept as orphans), DELETE (notes too) or None (cancel)."""
        box = QMessageBox(QMessageBox.Icon.Question, "Remove from Library",
                          f"Remove “{title}” from the library?", parent=self.window)
        box.setTextFormat(Qt.TextFormat.PlainText)  # the title is the document's own
        box.setObjectName("removeDocument")
        info = "The file itself is not touched; import it again to bring the document back."
        if notes:
            s = "s" if notes != 1 else ""
            info += (f"\n\nIt has {notes} note{s}. Kept, they are listed with the orphaned notes (with their "
                     f"quotes) and attach again if the document comes back.")
            keep = box.addButton(f"Remove, Keep Note{s}", QMessageBox.ButtonRole.AcceptRole)
            delete = box.addButton(f"Delete Its {notes} Note{s} Too", QMessageBox.ButtonRole.DestructiveRole)
            delete.setObjectName("deleteNotes")
        else:
            keep = box.addButton("Remove", QMessageBox.ButtonRole.AcceptRole)
            delete = None
        keep.setObjectName("keepNotes")
        cancel = box.addButton(QMessageBox.StandardButton.Cancel)
        box.setInformativeText(info)
        box.setDefaultButton(keep)          # never the destructive choice
        box.setEscapeButton(cancel)
        box.exec()
        clicked = box.clickedButton()
        box.deleteLater()
        if clicked is keep:
            return KEEP
        if delete is not None and clicked is delete:
            return DELETE
        return None

    def remove_document(self, doc_id: int | None = None) -> bool:
        """Ask, then remove a document (the selected one by default). False if nothing was asked
        for or the user cancelled."""
        window = self.window
        doc_id = doc_id if doc_id is not None else window.selected_document()
        if doc_id is None:
            return False
        found = document_summaries(window.db, [doc_id])
        if not found:
            window.statusBar().showMessage("That document is no longer in the library.", 5000)
            return False
        key, title, file_name = found[0].key, found[0].title, found[0].file_name
        try:
            notes = self.notes_on(key)
        except Exception as error:   # the notes file cannot be read: say so, remove nothing
            QMessageBox.warning(window, "Remove from Library", f"Your notes could not be read:\n\n{error}")
            return False
        choice = self.confirm_removal(title or file_name, notes)
        if choice is None:
            return False
        self.jobs.remove_document(doc_id, delete_notes=choice == DELETE, title=title or file_name)
        return True
